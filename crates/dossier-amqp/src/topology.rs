//! The fleet's RabbitMQ topology, declared idempotently by every worker and by
//! `dossier topology`, and exported as a RabbitMQ definitions file (`deploy/rabbitmq/`).
//!
//! - `dossier` (topic, durable) carries the versioned events of contract §6.
//! - Work queues are quorum queues with a delivery limit: a message that kills its worker
//!   again and again is dead-lettered by the broker instead of looping forever.
//! - `dossier.dlx` → `dossier.dead` holds poison messages, with the failure reason in the
//!   `x-failure-reason` header (or the broker's `x-death` when the delivery limit hit).
//! - Each work queue has a `.retry` twin (classic, with a message TTL) that dead-letters back
//!   into it: a transient failure is retried after a delay, not hot-looped.
//! - Messages published to `dossier` with a routing key no queue is bound to (a typo, a
//!   version the fleet does not know) go to its alternate exchange `dossier.unroutable` and
//!   wait in the `dossier.unroutable` queue instead of vanishing.
//! - The portal's queues are bounded (by age and by size): past either bound their oldest
//!   messages are dead-lettered into `dossier.dead`, where `dossier dead-letters` lists and
//!   replays them, rather than filling the broker's disk while the portal is down.
//! - Deadline-aware priority: quorum queues have no priorities, so submitted dossiers are
//!   triaged by training start date into `urgent` (within 7 days), `soon` (within 30) and
//!   `later` tier queues, and verdict workers always serve the most urgent tier first.

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{Channel, ExchangeKind};

pub const EXCHANGE: &str = "dossier";
pub const DEAD_LETTER_EXCHANGE: &str = "dossier.dlx";
/// The alternate exchange of [`EXCHANGE`]: where messages no queue is bound for go.
pub const UNROUTABLE_EXCHANGE: &str = "dossier.unroutable";
/// Holds the unroutable messages for ops.
pub const UNROUTABLE_QUEUE: &str = "dossier.unroutable";
pub const DEAD_QUEUE: &str = "dossier.dead";
pub const EXTRACT_QUEUE: &str = "extract-worker.document-uploaded";
pub const EXTRACT_RETRY_QUEUE: &str = "extract-worker.document-uploaded.retry";
/// The extract queue's delay queues, by [`RETRY_DELAYS_MS`].
pub const EXTRACT_RETRY_QUEUES: [&str; 3] = [
    EXTRACT_RETRY_QUEUE,
    "extract-worker.document-uploaded.retry-30s",
    "extract-worker.document-uploaded.retry-60s",
];
pub const INTAKE_QUEUE: &str = "verdict-worker.dossier-submitted";
pub const INTAKE_RETRY_QUEUE: &str = "verdict-worker.dossier-submitted.retry";
/// The intake queue's delay queues, by [`RETRY_DELAYS_MS`] (a verdict retried goes back
/// through triage: its dossier may have become more urgent meanwhile).
pub const INTAKE_RETRY_QUEUES: [&str; 3] = [
    INTAKE_RETRY_QUEUE,
    "verdict-worker.dossier-submitted.retry-30s",
    "verdict-worker.dossier-submitted.retry-60s",
];
/// Tier queues, most urgent first.
pub const TIER_QUEUES: [&str; 3] = [
    "verdict-worker.urgent",
    "verdict-worker.soon",
    "verdict-worker.later",
];
/// The portal reads verdicts here.
pub const PORTAL_VERDICT_QUEUE: &str = "portal.dossier-verdict";
/// The portal reads per-document feedback here.
pub const PORTAL_EXTRACTED_QUEUE: &str = "portal.document-extracted";
/// The portal reads `dossier.rejected.v1` here.
pub const PORTAL_REJECTED_QUEUE: &str = "portal.dossier-rejected";
/// How long a message waits in a portal queue before it is dead-lettered: a week, past which
/// a portal outage is an incident handled from `dossier.dead`, not a backlog.
pub const PORTAL_MESSAGE_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
/// Most bytes a portal queue holds before its oldest messages are dead-lettered: 2 GiB, about
/// 100,000 verdicts (a verdict of the text fixtures is 5 to 40 KB, 20 KB on average), more than
/// OPCO 2i's whole December intake, and a fraction of a broker node's disk.
pub const PORTAL_MAX_BYTES: i64 = 2 << 30;
/// Header carrying our retry count.
pub const RETRIES_HEADER: &str = "x-retries";
/// Header carrying why a message was dead-lettered.
pub const FAILURE_HEADER: &str = "x-failure-reason";
/// Deliveries of one message before the broker dead-letters it (a worker crash per try).
pub const DELIVERY_LIMIT: i64 = 5;
/// Delays of the retry queues. A hiccup is retried after 5 s; then 30 s; then every 60 s.
/// With [`retry_queue_index`] and the workers' default of 8 retries a message rides out
/// 5 + 5 + 30 + 30 + 4 × 60 = 310 s of storage or broker outage before it is dead-lettered:
/// a one-minute storage outage used to dead-letter every dossier in flight after 5 retries
/// 5 s apart (38–59 s, issue 14), and a node restart or a MinIO failover takes 1–2 minutes.
/// One queue per delay because a queue expires messages only at its head: mixed
/// per-message delays in one queue would hold a short delay behind a long one.
pub const RETRY_DELAYS_MS: [i64; 3] = [5_000, 30_000, 60_000];

/// Which of [`RETRY_DELAYS_MS`] the `retry`-th retry (1 for the first) waits.
pub fn retry_queue_index(retry: u32) -> usize {
    match retry {
        0..=2 => 0,
        3..=4 => 1,
        _ => 2,
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Replicated work queue with delivery limit and dead-lettering.
    Work,
    /// Replicated queue read by ops.
    Durable,
    /// Replicated queue read by the portal, bounded by [`PORTAL_MESSAGE_TTL_MS`] and
    /// [`PORTAL_MAX_BYTES`], dead-lettering what it drops.
    Portal,
    /// Delay queue: messages wait `delay_ms` then go back to `target`.
    Retry { target: &'static str, delay_ms: i64 },
}

struct QueueSpec {
    name: &'static str,
    kind: Kind,
    binding: Option<(&'static str, &'static str)>,
}

const QUEUES: &[QueueSpec] = &[
    QueueSpec {
        name: EXTRACT_QUEUE,
        kind: Kind::Work,
        binding: Some((EXCHANGE, "document.uploaded.v1")),
    },
    QueueSpec {
        name: EXTRACT_RETRY_QUEUES[0],
        kind: Kind::Retry {
            target: EXTRACT_QUEUE,
            delay_ms: RETRY_DELAYS_MS[0],
        },
        binding: None,
    },
    QueueSpec {
        name: EXTRACT_RETRY_QUEUES[1],
        kind: Kind::Retry {
            target: EXTRACT_QUEUE,
            delay_ms: RETRY_DELAYS_MS[1],
        },
        binding: None,
    },
    QueueSpec {
        name: EXTRACT_RETRY_QUEUES[2],
        kind: Kind::Retry {
            target: EXTRACT_QUEUE,
            delay_ms: RETRY_DELAYS_MS[2],
        },
        binding: None,
    },
    QueueSpec {
        name: INTAKE_QUEUE,
        kind: Kind::Work,
        binding: Some((EXCHANGE, "dossier.submitted.v1")),
    },
    QueueSpec {
        name: INTAKE_RETRY_QUEUES[0],
        kind: Kind::Retry {
            target: INTAKE_QUEUE,
            delay_ms: RETRY_DELAYS_MS[0],
        },
        binding: None,
    },
    QueueSpec {
        name: INTAKE_RETRY_QUEUES[1],
        kind: Kind::Retry {
            target: INTAKE_QUEUE,
            delay_ms: RETRY_DELAYS_MS[1],
        },
        binding: None,
    },
    QueueSpec {
        name: INTAKE_RETRY_QUEUES[2],
        kind: Kind::Retry {
            target: INTAKE_QUEUE,
            delay_ms: RETRY_DELAYS_MS[2],
        },
        binding: None,
    },
    QueueSpec {
        name: TIER_QUEUES[0],
        kind: Kind::Work,
        binding: None,
    },
    QueueSpec {
        name: TIER_QUEUES[1],
        kind: Kind::Work,
        binding: None,
    },
    QueueSpec {
        name: TIER_QUEUES[2],
        kind: Kind::Work,
        binding: None,
    },
    QueueSpec {
        name: PORTAL_VERDICT_QUEUE,
        kind: Kind::Portal,
        binding: Some((EXCHANGE, "dossier.verdict.v1")),
    },
    QueueSpec {
        name: PORTAL_EXTRACTED_QUEUE,
        kind: Kind::Portal,
        binding: Some((EXCHANGE, "document.extracted.v1")),
    },
    QueueSpec {
        name: PORTAL_REJECTED_QUEUE,
        kind: Kind::Portal,
        binding: Some((EXCHANGE, "dossier.rejected.v1")),
    },
    QueueSpec {
        name: UNROUTABLE_QUEUE,
        kind: Kind::Durable,
        binding: Some((UNROUTABLE_EXCHANGE, "#")),
    },
    QueueSpec {
        name: DEAD_QUEUE,
        kind: Kind::Durable,
        binding: Some((DEAD_LETTER_EXCHANGE, "#")),
    },
];

/// Queue arguments as (name, value) pairs: the single source for declaring and exporting.
fn arguments(kind: Kind) -> Vec<(&'static str, serde_json::Value)> {
    use serde_json::json;
    match kind {
        Kind::Work => vec![
            ("x-queue-type", json!("quorum")),
            ("x-delivery-limit", json!(DELIVERY_LIMIT)),
            ("x-dead-letter-exchange", json!(DEAD_LETTER_EXCHANGE)),
        ],
        Kind::Durable => vec![("x-queue-type", json!("quorum"))],
        Kind::Portal => vec![
            ("x-queue-type", json!("quorum")),
            ("x-message-ttl", json!(PORTAL_MESSAGE_TTL_MS)),
            ("x-max-length-bytes", json!(PORTAL_MAX_BYTES)),
            ("x-overflow", json!("drop-head")),
            ("x-dead-letter-exchange", json!(DEAD_LETTER_EXCHANGE)),
        ],
        Kind::Retry { target, delay_ms } => vec![
            ("x-queue-type", json!("classic")),
            ("x-message-ttl", json!(delay_ms)),
            ("x-dead-letter-exchange", json!("")),
            ("x-dead-letter-routing-key", json!(target)),
        ],
    }
}

fn field_table(args: &[(&'static str, serde_json::Value)]) -> FieldTable {
    let mut table = FieldTable::default();
    for (name, value) in args {
        let value = match value {
            serde_json::Value::Number(n) => AMQPValue::LongLongInt(n.as_i64().unwrap_or_default()),
            other => AMQPValue::LongString(LongString::from(other.as_str().unwrap_or_default())),
        };
        table.insert(ShortString::from(*name), value);
    }
    table
}

/// An exchange: its name, its type (`topic`, `fanout`) and its arguments.
type ExchangeSpec = (
    &'static str,
    &'static str,
    Vec<(&'static str, serde_json::Value)>,
);

/// The exchanges as (name, type, arguments), alternate exchange first: the single source for
/// declaring and exporting.
fn exchanges() -> [ExchangeSpec; 3] {
    use serde_json::json;
    [
        (UNROUTABLE_EXCHANGE, "fanout", vec![]),
        (
            EXCHANGE,
            "topic",
            vec![("alternate-exchange", json!(UNROUTABLE_EXCHANGE))],
        ),
        (DEAD_LETTER_EXCHANGE, "topic", vec![]),
    ]
}

/// Declares the whole topology on a channel.
pub(crate) async fn declare(channel: &Channel) -> Result<(), lapin::Error> {
    for (exchange, kind, arguments) in exchanges() {
        let kind = if kind == "fanout" {
            ExchangeKind::Fanout
        } else {
            ExchangeKind::Topic
        };
        channel
            .exchange_declare(
                ShortString::from(exchange),
                kind,
                ExchangeDeclareOptions {
                    durable: true,
                    ..Default::default()
                },
                field_table(&arguments),
            )
            .await?;
    }
    for queue in QUEUES {
        channel
            .queue_declare(
                ShortString::from(queue.name),
                QueueDeclareOptions {
                    durable: true,
                    ..Default::default()
                },
                field_table(&arguments(queue.kind)),
            )
            .await?;
        if let Some((exchange, key)) = queue.binding {
            channel
                .queue_bind(
                    ShortString::from(queue.name),
                    ShortString::from(exchange),
                    ShortString::from(key),
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await?;
        }
    }
    Ok(())
}

/// The topology as a RabbitMQ definitions document (importable with `rabbitmqctl
/// import_definitions` or the management plugin's `load_definitions`).
pub fn definitions() -> serde_json::Value {
    use serde_json::json;
    let exchanges: Vec<_> = exchanges()
        .into_iter()
        .map(|(name, kind, arguments)| {
            let arguments: serde_json::Map<String, serde_json::Value> = arguments.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            json!({"name": name, "vhost": "/", "type": kind, "durable": true, "auto_delete": false, "internal": false, "arguments": arguments})
        })
        .collect();
    let queues: Vec<_> = QUEUES
        .iter()
        .map(|q| {
            let arguments: serde_json::Map<String, serde_json::Value> = arguments(q.kind).into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            json!({"name": q.name, "vhost": "/", "durable": true, "auto_delete": false, "arguments": arguments})
        })
        .collect();
    let bindings: Vec<_> = QUEUES
        .iter()
        .filter_map(|q| q.binding.map(|(source, key)| json!({"source": source, "vhost": "/", "destination": q.name, "destination_type": "queue", "routing_key": key, "arguments": {}})))
        .collect();
    json!({"vhosts": [{"name": "/"}], "exchanges": exchanges, "queues": queues, "bindings": bindings})
}

/// Every exchange of the topology.
pub fn exchange_names() -> Vec<&'static str> {
    exchanges().iter().map(|(name, _, _)| *name).collect()
}

/// Every queue of the topology.
pub fn queue_names() -> Vec<&'static str> {
    QUEUES.iter().map(|q| q.name).collect()
}

/// The tier queue of a dossier whose training starts in `days_to_start` days.
pub fn tier_for(days_to_start: i64) -> &'static str {
    match days_to_start {
        i64::MIN..=7 => TIER_QUEUES[0],
        8..=30 => TIER_QUEUES[1],
        _ => TIER_QUEUES[2],
    }
}
