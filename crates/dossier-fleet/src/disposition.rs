//! The one place where the outcome of handling a message becomes its disposition.
//!
//! | outcome | disposition |
//! |---|---|
//! | done | ack (after the output was confirmed) |
//! | [`Failure::Transient`] (storage or broker hiccup, a reader process killed from outside) | copy to the `.retry` queue (delayed), then ack; dead-letter after `max_retries` |
//! | [`Failure::Poison`] (undecodable body, hostile URI, checksum mismatch) | copy to the dead-letter exchange with `x-failure-reason`, then ack |
//! | the worker dies mid-message | nothing: the broker redelivers; the quorum queue's delivery limit dead-letters a message that keeps killing workers |
//!
//! A disposition that cannot be carried out (the broker went away) leaves the message
//! unacknowledged, so it is redelivered: work is repeated, never lost.

use dossier_amqp::topology::FAILURE_HEADER;
use dossier_amqp::{AmqpError, Inbound, Meta, Publisher, Target};

/// Why handling a message failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Trying again later may succeed.
    Transient(String),
    /// The message can never be handled.
    Poison(String),
}

impl From<dossier_storage::StorageError> for Failure {
    fn from(err: dossier_storage::StorageError) -> Failure {
        if err.is_transient() {
            Failure::Transient(err.to_string())
        } else {
            Failure::Poison(err.to_string())
        }
    }
}

/// A reader process that could not start or was killed from outside (the node's OOM
/// killer): not the document's doing, so it is tried again, on this worker or another.
impl From<crate::reader::ReaderError> for Failure {
    fn from(err: crate::reader::ReaderError) -> Failure {
        Failure::Transient(err.to_string())
    }
}

impl From<AmqpError> for Failure {
    fn from(err: AmqpError) -> Failure {
        Failure::Transient(err.to_string())
    }
}

/// What to do with a handled message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    Ack,
    Retry { reason: String },
    DeadLetter { reason: String },
}

impl Disposition {
    /// A label for metrics.
    pub fn outcome(&self) -> &'static str {
        match self {
            Disposition::Ack => "ok",
            Disposition::Retry { .. } => "retried",
            Disposition::DeadLetter { .. } => "dead_lettered",
        }
    }
}

/// Maps an outcome to a disposition.
pub fn disposition(outcome: &Result<(), Failure>, retries: u32, max_retries: u32) -> Disposition {
    match outcome {
        Ok(()) => Disposition::Ack,
        Err(Failure::Transient(reason)) if retries < max_retries => Disposition::Retry {
            reason: reason.clone(),
        },
        Err(Failure::Transient(reason)) => Disposition::DeadLetter {
            reason: format!("gave up after {retries} retries: {reason}"),
        },
        Err(Failure::Poison(reason)) => Disposition::DeadLetter {
            reason: reason.clone(),
        },
    }
}

/// Carries out a disposition for a message received from `queue` (with its `retry_queue`).
pub async fn settle(
    publisher: &Publisher,
    message: &Inbound,
    queue: &str,
    retry_queue: &str,
    disposition: &Disposition,
) -> Result<(), AmqpError> {
    match disposition {
        Disposition::Ack => {}
        Disposition::Retry { reason } => {
            let meta = Meta {
                message_id: message.message_id.clone(),
                headers: vec![("x-last-failure".into(), reason.clone())],
                retries: message.retries + 1,
            };
            publisher
                .publish(Target::Queue(retry_queue), &message.body, &meta)
                .await?;
        }
        Disposition::DeadLetter { reason } => {
            let meta = Meta {
                message_id: message.message_id.clone(),
                headers: vec![(FAILURE_HEADER.into(), reason.clone())],
                retries: message.retries,
            };
            publisher
                .publish(Target::DeadLetter(queue), &message.body, &meta)
                .await?;
        }
    }
    message.ack().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_map_to_dispositions() {
        assert_eq!(disposition(&Ok(()), 0, 3), Disposition::Ack);
        assert_eq!(
            disposition(&Err(Failure::Transient("s3 503".into())), 1, 3),
            Disposition::Retry {
                reason: "s3 503".into()
            }
        );
        assert!(matches!(
            disposition(&Err(Failure::Transient("s3 503".into())), 3, 3),
            Disposition::DeadLetter { .. }
        ));
        assert_eq!(
            disposition(&Err(Failure::Poison("bad json".into())), 0, 3),
            Disposition::DeadLetter {
                reason: "bad json".into()
            }
        );
    }
}
