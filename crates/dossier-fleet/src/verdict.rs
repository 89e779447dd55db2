//! The verdict worker: `dossier.submitted.v1` is triaged by training start date into tier
//! queues; dossiers are then verdicted most urgent tier first: load each document's
//! extraction (extracting inline when missing), run the rules, publish `dossier.verdict.v1`
//! with its deterministic `verdict_id`, and only then ack.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dossier_amqp::topology::{INTAKE_QUEUE, INTAKE_RETRY_QUEUE, TIER_QUEUES, tier_for};
use dossier_amqp::{Broker, Inbound, Meta, Publisher, Target};
use dossier_contract::{DossierRequest, parse_dossier_json, routing};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::disposition::{Disposition, Failure, disposition, settle};
use crate::extract::extraction;
use crate::runtime::{Ended, Shared, drain, drive};

/// Header set by the submitter: when the dossier was submitted (RFC 3339), for queue wait.
pub(crate) const SUBMITTED_AT_HEADER: &str = "x-submitted-at";

pub(crate) async fn run(
    broker: &Broker,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) -> Ended {
    let publisher = match broker.publisher().await {
        Ok(p) => Arc::new(p),
        Err(err) => return Ended::Lost(err.to_string()),
    };
    let grace = Duration::from_secs(shared.settings.shutdown_grace_secs);
    // Triage is cheap (a JSON parse and a publish): it moves the backlog into tiers fast.
    let intake = match broker
        .consume(INTAKE_QUEUE, 64, "verdict-worker-triage")
        .await
    {
        Ok(inbox) => inbox,
        Err(err) => return Ended::Lost(err.to_string()),
    };
    let triage = {
        let (shared, publisher) = (shared.clone(), publisher.clone());
        tokio::spawn(drive(intake, 16, shutdown.clone(), grace, move |message| {
            let (shared, publisher) = (shared.clone(), publisher.clone());
            async move { triage_one(&shared, &publisher, message).await }
        }))
    };
    let mut receivers = Vec::new();
    let mut forwarders = JoinSet::new();
    for (tier, queue) in TIER_QUEUES.iter().enumerate() {
        let mut inbox = match broker
            .consume(
                queue,
                shared.settings.prefetch,
                &format!("verdict-worker-{tier}"),
            )
            .await
        {
            Ok(inbox) => inbox,
            Err(err) => return Ended::Lost(err.to_string()),
        };
        let (tx, rx) =
            mpsc::channel::<Result<Inbound, String>>(usize::from(shared.settings.prefetch.max(1)));
        receivers.push(rx);
        let mut stop = shutdown.clone();
        forwarders.spawn(async move {
            loop {
                tokio::select! {
                    _ = stop.changed() => break,
                    next = inbox.next() => {
                        let item = match next {
                            Some(Ok(message)) => Ok(message),
                            Some(Err(err)) => Err(err.to_string()),
                            None => Err("the consumer was closed".to_string()),
                        };
                        let lost = item.is_err();
                        if tx.send(item).await.is_err() || lost {
                            break;
                        }
                    }
                }
            }
            inbox.cancel().await;
        });
    }
    let [mut urgent, mut soon, mut later]: [mpsc::Receiver<Result<Inbound, String>>; 3] =
        match receivers.try_into() {
            Ok(all) => all,
            Err(_) => return Ended::Lost("tier consumers missing".into()),
        };
    let permits = Arc::new(Semaphore::new(shared.settings.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let mut stop = shutdown.clone();
    let ended = loop {
        // Capacity first, then the most urgent message available at that moment.
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break Ended::Shutdown;
        };
        let next = tokio::select! {
            biased;
            _ = stop.changed() => None,
            Some(m) = urgent.recv() => Some((m, 0)),
            Some(m) = soon.recv() => Some((m, 1)),
            Some(m) = later.recv() => Some((m, 2)),
            else => Some((Err("all tier consumers closed".to_string()), 0)),
        };
        match next {
            None => break Ended::Shutdown,
            Some((Err(reason), _)) => break Ended::Lost(reason),
            Some((Ok(message), tier)) => {
                let (shared, publisher) = (shared.clone(), publisher.clone());
                tasks.spawn(async move {
                    verdict_one(&shared, &publisher, message, TIER_QUEUES[tier]).await;
                    drop(permit);
                });
            }
        }
        while tasks.try_join_next().is_some() {}
    };
    forwarders.abort_all();
    drain(&mut tasks, grace).await;
    let triage_ended = triage.await.unwrap_or(Ended::Shutdown);
    match (ended, triage_ended) {
        (Ended::Lost(reason), _) | (_, Ended::Lost(reason)) => Ended::Lost(reason),
        _ => Ended::Shutdown,
    }
}

async fn triage_one(shared: &Shared, publisher: &Publisher, message: Inbound) {
    let outcome: Result<&str, Failure> = match parse_dossier_json(&message.body) {
        Err(err) => Err(Failure::Poison(format!(
            "invalid {} body: {err}",
            routing::DOSSIER_SUBMITTED
        ))),
        Ok(request) => {
            let today = chrono::Local::now().date_naive();
            let tier = tier_for((request.training.start_date - today).num_days());
            let meta = Meta {
                message_id: message.message_id.clone(),
                headers: message.headers.clone(),
                retries: message.retries,
            };
            publisher
                .publish(Target::Queue(tier), &message.body, &meta)
                .await
                .map(|()| tier)
                .map_err(Failure::from)
        }
    };
    let disposition = disposition(
        &outcome.as_ref().map(|_| ()).map_err(Clone::clone),
        message.retries,
        shared.settings.max_retries,
    );
    if let Err(failure) = &outcome {
        tracing::warn!(?failure, "submission not triaged");
    }
    match settle(
        publisher,
        &message,
        INTAKE_QUEUE,
        INTAKE_RETRY_QUEUE,
        &disposition,
    )
    .await
    {
        Ok(()) => shared.metrics.message("triage", disposition.outcome()),
        Err(err) => tracing::warn!(error = %err, "triage not settled: it will be redelivered"),
    }
}

async fn verdict_one(shared: &Shared, publisher: &Publisher, message: Inbound, queue: &str) {
    let started = Instant::now();
    if let Some(submitted) = message
        .header(SUBMITTED_AT_HEADER)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    {
        let waited = chrono::Utc::now().signed_duration_since(submitted);
        shared
            .metrics
            .observe("queue_wait", waited.to_std().unwrap_or_default());
    }
    let outcome = process(shared, publisher, &message).await;
    // Retries go back through triage: the dossier may have become more urgent meanwhile.
    let disposition = disposition(&outcome, message.retries, shared.settings.max_retries);
    if let Err(failure) = &outcome {
        tracing::warn!(
            ?failure,
            outcome = disposition.outcome(),
            "dossier not verdicted"
        );
    }
    match settle(publisher, &message, queue, INTAKE_RETRY_QUEUE, &disposition).await {
        Ok(()) => shared
            .metrics
            .message("verdict-worker", disposition.outcome()),
        Err(err) => tracing::warn!(error = %err, "message not settled: it will be redelivered"),
    }
    if disposition == Disposition::Ack {
        shared.metrics.observe("verdict_total", started.elapsed());
    }
}

async fn process(shared: &Shared, publisher: &Publisher, message: &Inbound) -> Result<(), Failure> {
    let request: DossierRequest = parse_dossier_json(&message.body).map_err(|e| {
        Failure::Poison(format!("invalid {} body: {e}", routing::DOSSIER_SUBMITTED))
    })?;
    let span = tracing::info_span!("dossier", dossier_id = %request.dossier_id);
    async {
        let refs = request.documents.clone().ok_or_else(|| Failure::Poison("the submission lists no documents".into()))?;
        let mut documents = Vec::with_capacity(refs.len());
        for document in &refs {
            let (Some(uri), Some(sha256)) = (&document.uri, &document.sha256) else {
                return Err(Failure::Poison(format!("document {} has no uri or sha256", document.document_id)));
            };
            let report = extraction(shared, &request.dossier_id, sha256, uri, &document.document_id, &document.file, document.declared_kind)
                .instrument(tracing::info_span!("document", document_id = %document.document_id))
                .await?;
            documents.push(report);
        }
        let started = Instant::now();
        let verdict = dossier_core::verdict(&request, documents, &shared.rulebook);
        shared.metrics.observe("check", started.elapsed());
        let json = serde_json::to_vec(&verdict).map_err(|e| Failure::Poison(e.to_string()))?;
        let meta = Meta { message_id: verdict.verdict_id.clone(), ..Meta::default() };
        let started = Instant::now();
        publisher.publish(Target::Event(routing::DOSSIER_VERDICT), &json, &meta).await?;
        shared.metrics.observe("publish", started.elapsed());
        tracing::info!(status = ?verdict.status, verdict_id = verdict.verdict_id.as_deref().unwrap_or(""), "verdict published");
        Ok(())
    }
    .instrument(span)
    .await
}
