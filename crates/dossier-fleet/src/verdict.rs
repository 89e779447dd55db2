//! The verdict worker: `dossier.submitted.v1` is triaged by urgency ([`crate::triage`]) into
//! tier queues; dossiers are then verdicted most urgent tier first: load each document's
//! extraction (extracting inline when missing), run the rules, publish `dossier.verdict.v1`
//! with its deterministic `verdict_id`, and only then ack.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dossier_amqp::topology::{INTAKE_QUEUE, INTAKE_RETRY_QUEUES, TIER_QUEUES};
use dossier_amqp::{Broker, Inbound, Meta, Publisher, Target};
use dossier_contract::{DossierRequest, VerdictMessage, parse_dossier_json, routing};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::disposition::{Disposition, Failure, Subject, extraction_waits};
use crate::extract::{OcrPolicy, Upload, extraction};
use crate::runtime::{Ended, Route, Shared, drain, drive, handle_message};

/// Prefetch of the `.soon` and `.later` tiers (see the consumers in `run`).
const LOWER_TIER_PREFETCH: u16 = 1;
/// Header set by the submitter: when the dossier was submitted (RFC 3339), for queue wait.
pub(crate) const SUBMITTED_AT_HEADER: &str = "x-submitted-at";
/// Times a dossier waits (5 s each, in the intake's shortest delay queue) for the extract
/// worker to read a document that needs OCR before reading it here: 30 waits, 150 s, cover
/// the document budget (120 s) and the reader's kill grace (5 s) with room for the upload to
/// reach the front of the extract queue; past that the extract workers are behind and this
/// worker helps.
const EXTRACTION_WAIT_LIMIT: u32 = 30;

/// Header set by triage when the submitter set none: when the fleet received the dossier.
pub(crate) const RECEIVED_AT_HEADER: &str = "x-received-at";

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
    // Forwarders stop on this signal, raised when the dispatch loop below ends for any
    // reason (shutdown or a lost consumer).
    let (release, released) = watch::channel(false);
    for (tier, queue) in TIER_QUEUES.iter().enumerate() {
        // Less urgent tiers wait behind the urgent one: what they prefetch sits unstarted and
        // is released at every graceful stop, and a quorum queue counts each release against
        // the delivery limit (5). One message each keeps deploys and scale-downs from
        // dead-lettering the backlog of later trainings.
        let prefetch = if tier == 0 {
            shared.settings.prefetch
        } else {
            LOWER_TIER_PREFETCH
        };
        let mut inbox = match broker
            .consume(queue, prefetch, &format!("verdict-worker-{tier}"))
            .await
        {
            Ok(inbox) => inbox,
            Err(err) => return Ended::Lost(err.to_string()),
        };
        let (tx, rx) =
            mpsc::channel::<Result<Inbound, String>>(usize::from(shared.settings.prefetch.max(1)));
        receivers.push(rx);
        let mut stop = released.clone();
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
            // No new deliveries, but the channel stays open: the dossiers in flight are
            // acknowledged on it once their verdict is confirmed. Dropping it here closed it
            // under them, their acks failed and every in-flight verdict was published twice.
            inbox.cancel().await;
            inbox
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
    // Stop in order: no new deliveries; prefetched dossiers not started are released (they
    // return to their queue when their channel closes, unacknowledged); the dossiers in
    // flight finish within the grace period and are acknowledged on their still-open
    // channels; then the consumer channels close, then the publisher's.
    release.send(true).ok();
    drop((urgent, soon, later));
    let mut inboxes = Vec::new();
    while let Some(joined) = forwarders.join_next().await {
        if let Ok(inbox) = joined {
            inboxes.push(inbox);
        }
    }
    drain(&mut tasks, grace).await;
    for inbox in inboxes {
        inbox.close().await;
    }
    let triage_ended = triage.await.unwrap_or(Ended::Shutdown);
    publisher.close().await;
    match (ended, triage_ended) {
        (Ended::Lost(reason), _) | (_, Ended::Lost(reason)) => Ended::Lost(reason),
        _ => Ended::Shutdown,
    }
}

async fn triage_one(shared: &Shared, publisher: &Publisher, message: Inbound) {
    let mut subject = Subject::salvaged(&message);
    subject.submission_id = Some(dossier_core::submission_id(&message.body));
    let span = tracing::info_span!("submission", dossier_id = %subject.dossier_id);
    let route = Route {
        worker: "triage",
        queue: INTAKE_QUEUE,
        retry_queues: &INTAKE_RETRY_QUEUES,
    };
    handle_message(
        shared,
        publisher,
        &message,
        route,
        &subject,
        "submission not triaged",
        || triage_to_tier(publisher, &message),
    )
    .instrument(span)
    .await;
}

/// Moves a submission to the tier queue of its urgency, stamped with the time it was
/// received (the queue-wait and end-to-end clocks of a portal that sets no
/// `x-submitted-at`).
async fn triage_to_tier(publisher: &Publisher, message: &Inbound) -> Result<(), Failure> {
    let request = parse_dossier_json(&message.body).map_err(|err| {
        Failure::Invalid(format!(
            "invalid {} body: {err}",
            routing::DOSSIER_SUBMITTED
        ))
    })?;
    let tier = crate::triage::tier(&request, chrono::Local::now().date_naive());
    let mut headers = message.headers.clone();
    if message.header(RECEIVED_AT_HEADER).is_none() {
        headers.push((RECEIVED_AT_HEADER.into(), chrono::Utc::now().to_rfc3339()));
    }
    let meta = Meta {
        message_id: message.message_id.clone(),
        headers,
        retries: message.retries,
    };
    publisher
        .publish(Target::Queue(tier), &message.body, &meta)
        .await?;
    Ok(())
}

/// When a submission entered the fleet: as the submitter stamped it, else as triage first
/// saw it.
fn entered_at(message: &Inbound) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    message
        .header(SUBMITTED_AT_HEADER)
        .or_else(|| message.header(RECEIVED_AT_HEADER))
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
}

fn since(at: chrono::DateTime<chrono::FixedOffset>) -> Duration {
    chrono::Utc::now()
        .signed_duration_since(at)
        .to_std()
        .unwrap_or_default()
}

async fn verdict_one(shared: &Shared, publisher: &Publisher, message: Inbound, queue: &str) {
    let started = Instant::now();
    let entered = entered_at(&message);
    // The wait before the first try only: a dossier back from a retry or a wait for an
    // extraction would be counted again, with delays that are not queueing.
    let first_try = message.retries == 0 && extraction_waits(&message) == 0;
    if let (Some(at), true) = (entered, first_try) {
        shared.metrics.observe("queue_wait", since(at));
    }
    let mut subject = Subject::salvaged(&message);
    subject.submission_id = Some(dossier_core::submission_id(&message.body));
    let span = tracing::info_span!(
        "dossier",
        dossier_id = %subject.dossier_id,
        submission_id = subject.submission_id.as_deref().unwrap_or(""),
    );
    // Retries go back through triage: the dossier may have become more urgent meanwhile.
    let route = Route {
        worker: "verdict-worker",
        queue,
        retry_queues: &INTAKE_RETRY_QUEUES,
    };
    let settled = handle_message(
        shared,
        publisher,
        &message,
        route,
        &subject,
        "dossier not verdicted",
        || process(shared, publisher, &message),
    )
    .instrument(span)
    .await;
    if settled == Some(Disposition::Ack) {
        shared.metrics.observe("verdict_total", started.elapsed());
        if let Some(at) = entered {
            shared.metrics.observe("end_to_end", since(at));
        }
    }
}

async fn process(shared: &Shared, publisher: &Publisher, message: &Inbound) -> Result<(), Failure> {
    let request: DossierRequest = parse_dossier_json(&message.body).map_err(|e| {
        Failure::Invalid(format!("invalid {} body: {e}", routing::DOSSIER_SUBMITTED))
    })?;
    let refs = request
        .documents
        .clone()
        .ok_or_else(|| Failure::Invalid("the submission lists no documents".into()))?;
    // OCR is the extract worker's (it has every upload in its queue): reading it here too
    // read pages twice and held this worker's slots, text dossiers waiting behind scans.
    // Past the wait limit, this worker reads what is still missing itself.
    let policy = if extraction_waits(message) < EXTRACTION_WAIT_LIMIT {
        OcrPolicy::LeaveToExtractWorker
    } else {
        OcrPolicy::ReadHere
    };
    let mut documents = Vec::with_capacity(refs.len());
    for document in &refs {
        let (Some(uri), Some(sha256)) = (&document.uri, &document.sha256) else {
            return Err(Failure::Invalid(format!(
                "document {} has no uri or sha256",
                document.document_id
            )));
        };
        let upload = Upload {
            dossier_id: &request.dossier_id,
            document_id: &document.document_id,
            file: &document.file,
            uri,
            sha256,
            declared_kind: document.declared_kind,
        };
        let report = extraction(shared, &upload, policy)
            .instrument(tracing::info_span!("document", document_id = %document.document_id))
            .await?;
        documents.push(report);
    }
    let started = Instant::now();
    let verdict = dossier_core::verdict(&request, documents, &shared.rulebook);
    shared.metrics.observe("check", started.elapsed());
    let message_id = verdict.verdict_id.clone();
    let body = VerdictMessage {
        verdict,
        submission_id: dossier_core::submission_id(&message.body),
        verdicted_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    let json = serde_json::to_vec(&body).map_err(|e| Failure::Internal(e.to_string()))?;
    let meta = Meta {
        message_id,
        ..Meta::default()
    };
    let started = Instant::now();
    publisher
        .publish(Target::Event(routing::DOSSIER_VERDICT), &json, &meta)
        .await?;
    shared.metrics.observe("publish", started.elapsed());
    tracing::info!(
        status = ?body.verdict.status,
        verdict_id = body.verdict.verdict_id.as_deref().unwrap_or(""),
        "verdict published"
    );
    Ok(())
}
