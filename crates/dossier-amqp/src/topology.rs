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
//! - Deadline-aware priority: quorum queues have no priorities, so submitted dossiers are
//!   triaged by training start date into `urgent` (within 7 days), `soon` (within 30) and
//!   `later` tier queues, and verdict workers always serve the most urgent tier first.

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{Channel, ExchangeKind};

pub const EXCHANGE: &str = "dossier";
pub const DEAD_LETTER_EXCHANGE: &str = "dossier.dlx";
pub const DEAD_QUEUE: &str = "dossier.dead";
pub const EXTRACT_QUEUE: &str = "extract-worker.document-uploaded";
pub const EXTRACT_RETRY_QUEUE: &str = "extract-worker.document-uploaded.retry";
pub const INTAKE_QUEUE: &str = "verdict-worker.dossier-submitted";
pub const INTAKE_RETRY_QUEUE: &str = "verdict-worker.dossier-submitted.retry";
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
/// Header carrying our retry count.
pub const RETRIES_HEADER: &str = "x-retries";
/// Header carrying why a message was dead-lettered.
pub const FAILURE_HEADER: &str = "x-failure-reason";
/// Deliveries of one message before the broker dead-letters it (a worker crash per try).
pub const DELIVERY_LIMIT: i64 = 5;
/// Delay before a transient failure is retried.
pub const RETRY_DELAY_MS: i64 = 5_000;

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Replicated work queue with delivery limit and dead-lettering.
    Work,
    /// Replicated queue read by the portal or ops.
    Durable,
    /// Delay queue: messages wait `RETRY_DELAY_MS` then go back to `target`.
    Retry { target: &'static str },
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
        name: EXTRACT_RETRY_QUEUE,
        kind: Kind::Retry {
            target: EXTRACT_QUEUE,
        },
        binding: None,
    },
    QueueSpec {
        name: INTAKE_QUEUE,
        kind: Kind::Work,
        binding: Some((EXCHANGE, "dossier.submitted.v1")),
    },
    QueueSpec {
        name: INTAKE_RETRY_QUEUE,
        kind: Kind::Retry {
            target: INTAKE_QUEUE,
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
        kind: Kind::Durable,
        binding: Some((EXCHANGE, "dossier.verdict.v1")),
    },
    QueueSpec {
        name: PORTAL_EXTRACTED_QUEUE,
        kind: Kind::Durable,
        binding: Some((EXCHANGE, "document.extracted.v1")),
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
        Kind::Retry { target } => vec![
            ("x-queue-type", json!("classic")),
            ("x-message-ttl", json!(RETRY_DELAY_MS)),
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

/// Declares the whole topology on a channel.
pub(crate) async fn declare(channel: &Channel) -> Result<(), lapin::Error> {
    for exchange in [EXCHANGE, DEAD_LETTER_EXCHANGE] {
        channel
            .exchange_declare(
                ShortString::from(exchange),
                ExchangeKind::Topic,
                ExchangeDeclareOptions {
                    durable: true,
                    ..Default::default()
                },
                FieldTable::default(),
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
    let exchanges: Vec<_> = [EXCHANGE, DEAD_LETTER_EXCHANGE]
        .iter()
        .map(|name| json!({"name": name, "vhost": "/", "type": "topic", "durable": true, "auto_delete": false, "internal": false, "arguments": {}}))
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
