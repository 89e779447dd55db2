//! The portal side and ops, for the CLI: `submit` (store the files, publish
//! `document.uploaded.v1` per document and `dossier.submitted.v1`), `verdicts` (read the
//! portal's verdict queue), `topology` (declare or export), `dead-letters` (list the
//! dead-letter queue, or replay it), and `loadgen` (dossiers at a given rate, with
//! throughput and latency percentiles).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;
use dossier_amqp::topology::{DEAD_QUEUE, FAILURE_HEADER, PORTAL_VERDICT_QUEUE};
use dossier_amqp::{Broker, Meta, Publisher, Target};
use dossier_contract::{DocumentRef, DocumentUploaded, routing};
use dossier_core::folder::{self, FolderDossier};
use dossier_storage::Storage;

use crate::FleetError;
use crate::settings::Connection;
use crate::verdict::SUBMITTED_AT_HEADER;

const MAX_FILE_BYTES: usize = 64 << 20;

fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.trim_matches('.').is_empty() {
        "document".into()
    } else {
        cleaned
    }
}

async fn open(
    connection: &Connection,
    name: &str,
) -> Result<(Broker, Publisher, Storage), FleetError> {
    let storage = Storage::from_url(&connection.storage_url)?;
    let broker = Broker::connect(&connection.amqp_url, name).await?;
    broker.declare_topology().await?;
    let publisher = broker.publisher().await?;
    Ok((broker, publisher, storage))
}

fn load(dir: &Path) -> Result<FolderDossier, FleetError> {
    folder::load(dir, MAX_FILE_BYTES).map_err(|e| FleetError::Setup(e.to_string()))
}

/// Dead letters held at once by `dossier dead-letters`: the queue is read to be listed or
/// replayed, one message at a time; 500 in flight keep a large queue's listing quick
/// without holding it all.
const MAX_DEAD_LETTER_PREFETCH: usize = 500;
/// Submits one loaded dossier, under `dossier_id` when given; returns its id.
async fn submit_one(
    publisher: &Publisher,
    storage: &Storage,
    dossier: &FolderDossier,
    dossier_id: Option<String>,
) -> Result<String, FleetError> {
    let mut request = dossier.request.clone();
    if let Some(id) = dossier_id {
        request.dossier_id = id;
    }
    let now = chrono::Utc::now().to_rfc3339();
    let mut refs = Vec::with_capacity(dossier.files.len());
    for file in &dossier.files {
        let prefix = format!(
            "uploads/{}/{}",
            safe_name(&request.dossier_id),
            safe_name(&file.document_id)
        );
        let (uri, sha256, content_type) = match &file.bytes {
            Ok(bytes) => {
                let uri = storage
                    .put_key(
                        &format!("{prefix}/{}", safe_name(&file.file)),
                        Bytes::from(bytes.clone()),
                    )
                    .await?;
                (
                    uri,
                    dossier_core::sha256_hex(bytes),
                    dossier_core::detect_content_type(bytes),
                )
            }
            // The portal never received this file: the workers will find nothing there.
            Err(_) => (
                storage.uri_for(&format!("{prefix}/missing")),
                dossier_core::sha256_hex(b""),
                "application/octet-stream",
            ),
        };
        let upload = DocumentUploaded {
            dossier_id: request.dossier_id.clone(),
            document_id: file.document_id.clone(),
            uri: uri.clone(),
            sha256: sha256.clone(),
            content_type: content_type.to_string(),
            declared_kind: file.declared_kind,
            uploaded_at: now.clone(),
        };
        let body = serde_json::to_vec(&upload).map_err(|e| FleetError::Setup(e.to_string()))?;
        let meta = Meta {
            message_id: Some(format!("{}:{}", file.document_id, sha256)),
            ..Meta::default()
        };
        publisher
            .publish(Target::Event(routing::DOCUMENT_UPLOADED), &body, &meta)
            .await?;
        refs.push(DocumentRef {
            document_id: file.document_id.clone(),
            file: file.file.clone(),
            declared_kind: file.declared_kind,
            uri: Some(uri),
            sha256: Some(sha256),
        });
    }
    request.documents = Some(refs);
    let body = serde_json::to_vec(&request).map_err(|e| FleetError::Setup(e.to_string()))?;
    let meta = Meta {
        message_id: Some(request.dossier_id.clone()),
        headers: vec![(SUBMITTED_AT_HEADER.into(), now)],
        retries: 0,
    };
    publisher
        .publish(Target::Event(routing::DOSSIER_SUBMITTED), &body, &meta)
        .await?;
    Ok(request.dossier_id)
}

/// `dossier submit DIR…`: returns the submitted dossier ids.
pub async fn submit(connection: &Connection, dirs: &[PathBuf]) -> Result<Vec<String>, FleetError> {
    let (broker, publisher, storage) = open(connection, "dossier-submit").await?;
    let mut ids = Vec::new();
    for dir in dirs {
        let dossier = load(dir)?;
        ids.push(submit_one(&publisher, &storage, &dossier, None).await?);
    }
    publisher.close().await;
    broker.close().await;
    Ok(ids)
}

/// Reads up to `count` verdicts from the portal queue within `timeout`, handing each body to
/// `on_verdict` before acknowledging it. Returns how many were read.
async fn collect(
    broker: &Broker,
    count: usize,
    timeout: Duration,
    mut on_verdict: impl FnMut(&[u8]),
) -> Result<usize, FleetError> {
    let mut inbox = broker
        .consume(PORTAL_VERDICT_QUEUE, 200, "portal-verdicts")
        .await?;
    let deadline = tokio::time::Instant::now() + timeout;
    let mut read = 0;
    while read < count {
        let next = tokio::select! {
            _ = tokio::time::sleep_until(deadline) => break,
            next = inbox.next() => next,
        };
        match next {
            Some(Ok(message)) => {
                on_verdict(&message.body);
                message.ack().await?;
                read += 1;
            }
            Some(Err(err)) => return Err(err.into()),
            None => break,
        }
    }
    inbox.cancel().await;
    inbox.close().await;
    Ok(read)
}

/// `dossier verdicts --count N --timeout S`: prints verdicts as JSON lines, acking each after
/// it is written.
pub async fn verdicts(
    connection: &Connection,
    count: usize,
    timeout: Duration,
) -> Result<usize, FleetError> {
    let broker = Broker::connect(&connection.amqp_url, "dossier-verdicts").await?;
    broker.declare_topology().await?;
    let stdout = std::io::stdout();
    let read = collect(&broker, count, timeout, |body| {
        let mut out = stdout.lock();
        out.write_all(body).ok();
        out.write_all(b"\n").ok();
        out.flush().ok();
    })
    .await?;
    broker.close().await;
    Ok(read)
}

/// How long `dead-letters` waits for the next dead message before it takes the queue as
/// read: the broker hands a backlog over in milliseconds (measured on the local broker,
/// 2,000 messages in under 0.3 s), so a second of silence means nothing is left.
const DEAD_LETTER_IDLE: Duration = Duration::from_secs(1);

/// The queue a dead message came from: the broker's `x-first-death-queue` when the broker
/// dead-lettered it (delivery limit, a portal queue's bound), else the routing key a worker
/// dead-lettered it with (the queue it failed in).
fn origin_queue(message: &dossier_amqp::Inbound) -> String {
    message
        .header("x-first-death-queue")
        .map_or_else(|| message.routing_key.clone(), str::to_string)
}

/// One line of `dossier dead-letters`: where a dead message came from, why it died, and its
/// body (as JSON when it is JSON).
fn dead_letter_line(message: &dossier_amqp::Inbound) -> serde_json::Value {
    let body = serde_json::from_slice::<serde_json::Value>(&message.body).unwrap_or_else(|_| {
        serde_json::Value::String(String::from_utf8_lossy(&message.body).into_owned())
    });
    serde_json::json!({
        "queue": origin_queue(message),
        "reason": message.header(FAILURE_HEADER),
        "reason_code": message.header(crate::disposition::REASON_CODE_HEADER),
        "retries": message.retries,
        "message_id": message.message_id,
        "body": body,
    })
}

/// What `dead-letters` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DeadLetterReport {
    /// Dead messages listed.
    pub listed: usize,
    /// Of them, sent back to the queue they came from.
    pub replayed: usize,
}

/// `dossier dead-letters [--replay] [--queue Q] [--limit N]`: prints up to `limit` messages
/// of the dead-letter queue as JSON lines. Without `replay` they stay there (they are
/// returned to the queue when the command ends); with it, those that came from `queue` (or
/// from any queue) are published again to the queue they came from, with their retry count
/// reset, and removed from the dead-letter queue once that publication is confirmed. A
/// replayed submission verdicted at last supersedes its `dossier.rejected.v1`.
pub async fn dead_letters(
    connection: &Connection,
    replay: bool,
    queue: Option<&str>,
    limit: usize,
) -> Result<DeadLetterReport, FleetError> {
    let broker = Broker::connect(&connection.amqp_url, "dossier-dead-letters").await?;
    broker.declare_topology().await?;
    let publisher = broker.publisher().await?;
    let prefetch = u16::try_from(limit.clamp(1, MAX_DEAD_LETTER_PREFETCH)).unwrap_or(u16::MAX);
    let mut inbox = broker
        .consume(DEAD_QUEUE, prefetch, "dossier-dead-letters")
        .await?;
    let mut report = DeadLetterReport::default();
    let stdout = std::io::stdout();
    while report.listed < limit {
        let next = match tokio::time::timeout(DEAD_LETTER_IDLE, inbox.next()).await {
            Ok(Some(next)) => next?,
            Ok(None) | Err(_) => break,
        };
        report.listed += 1;
        let mut line = dead_letter_line(&next);
        let origin = origin_queue(&next);
        let selected = queue.is_none_or(|wanted| wanted == origin);
        if replay && selected {
            let meta = Meta {
                message_id: next.message_id.clone(),
                headers: vec![("x-replayed-from".into(), DEAD_QUEUE.into())],
                retries: 0,
            };
            publisher
                .publish(Target::Queue(&origin), &next.body, &meta)
                .await?;
            next.ack().await?;
            report.replayed += 1;
            line["replayed"] = serde_json::Value::Bool(true);
        }
        let mut out = stdout.lock();
        writeln!(out, "{line}").ok();
        out.flush().ok();
    }
    // What was not replayed goes back to the dead-letter queue with the channel.
    inbox.cancel().await;
    inbox.close().await;
    publisher.close().await;
    broker.close().await;
    Ok(report)
}

/// `dossier topology`: declares the topology on the broker.
pub async fn declare_topology(connection: &Connection) -> Result<(), FleetError> {
    let broker = Broker::connect(&connection.amqp_url, "dossier-topology").await?;
    broker.declare_topology().await?;
    broker.close().await;
    Ok(())
}

/// The topology as a RabbitMQ definitions document.
pub fn topology_definitions() -> serde_json::Value {
    dossier_amqp::topology::definitions()
}

/// What `loadgen` measured.
#[derive(Debug)]
pub struct LoadReport {
    pub sent: usize,
    pub received: usize,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
    /// In-process `validate` of the same dossiers, per dossier (batch mode).
    pub validate_per_dossier: Duration,
}

impl LoadReport {
    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let index = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
        sorted[index.min(sorted.len() - 1)]
    }
}

/// A copy of a dossier whose files have bytes of their own: each gets a trailing line
/// (`% cold <mark>`), which PDF, JPEG, PNG and TIFF readers ignore, so its SHA-256 is new and
/// nothing comes from the extraction cache (`loadgen --cold`).
fn with_unique_bytes(dossier: &FolderDossier, mark: &str) -> FolderDossier {
    let files = dossier
        .files
        .iter()
        .map(|file| folder::FolderFile {
            document_id: file.document_id.clone(),
            file: file.file.clone(),
            declared_kind: file.declared_kind,
            bytes: file.bytes.clone().map(|mut bytes| {
                bytes.extend_from_slice(format!("\n% cold {mark}\n").as_bytes());
                bytes
            }),
        })
        .collect();
    FolderDossier {
        request: dossier.request.clone(),
        files,
    }
}

/// `dossier loadgen`: `count` dossiers drawn from `dirs` at `rate` per second (0: as fast as
/// possible), each under a fresh id; waits for their verdicts. `cold`: every file of every
/// dossier has bytes of its own, so each document is read (the load of a real rush) instead
/// of coming from the extraction cache.
pub async fn loadgen(
    connection: &Connection,
    dirs: &[PathBuf],
    count: usize,
    rate: f64,
    timeout: Duration,
    cold: bool,
) -> Result<LoadReport, FleetError> {
    let dossiers: Vec<FolderDossier> = dirs.iter().map(|d| load(d)).collect::<Result<_, _>>()?;
    if dossiers.is_empty() {
        return Err(FleetError::Setup("no dossier to send".into()));
    }
    let rulebook = dossier_rules::Rulebook::built_in();
    let options = dossier_core::ReadOptions::default();
    let started = Instant::now();
    for dir in dirs {
        folder::validate(dir, &rulebook, &options).ok();
    }
    let validate_per_dossier = started.elapsed() / dirs.len() as u32;

    let (broker, publisher, storage) = open(connection, "dossier-loadgen").await?;
    let run = chrono::Utc::now().format("%H%M%S%3f").to_string();
    let collector_broker =
        Broker::connect(&connection.amqp_url, "dossier-loadgen-verdicts").await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
    let collector = tokio::spawn(async move {
        let result = collect(&collector_broker, count, timeout, |body| {
            if let Ok(verdict) = serde_json::from_slice::<serde_json::Value>(body) {
                tx.send((
                    verdict["dossier_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    Instant::now(),
                ))
                .ok();
            }
        })
        .await;
        collector_broker.close().await;
        result
    });
    let mut sent_at: HashMap<String, Instant> = HashMap::new();
    let interval = if rate > 0.0 {
        Duration::from_secs_f64(1.0 / rate)
    } else {
        Duration::ZERO
    };
    let begin = Instant::now();
    for i in 0..count {
        let due = begin + interval * i as u32;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
        let dossier = &dossiers[i % dossiers.len()];
        let id = format!("{}-lg{run}-{i}", dossier.request.dossier_id);
        sent_at.insert(id.clone(), Instant::now());
        if cold {
            let unique = with_unique_bytes(dossier, &format!("{run}-{i}"));
            submit_one(&publisher, &storage, &unique, Some(id)).await?;
        } else {
            submit_one(&publisher, &storage, dossier, Some(id)).await?;
        }
    }
    let received = collector
        .await
        .map_err(|e| FleetError::Setup(e.to_string()))??;
    let mut latencies = Vec::new();
    let mut last = begin;
    while let Ok((id, at)) = rx.try_recv() {
        if let Some(sent) = sent_at.get(&id) {
            latencies.push(at.duration_since(*sent));
            last = last.max(at);
        }
    }
    publisher.close().await;
    broker.close().await;
    Ok(LoadReport {
        sent: count,
        received,
        elapsed: last.duration_since(begin),
        latencies,
        validate_per_dossier,
    })
}
