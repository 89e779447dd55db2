//! The one place where the outcome of handling a message becomes its disposition.
//!
//! | outcome | disposition |
//! |---|---|
//! | done | ack (after the output was confirmed) |
//! | [`Failure::Transient`] (storage or broker unavailable, a reader process killed from outside) | copy to a delay queue (5 s, then 30 s, then 60 s: [`dossier_amqp::topology::RETRY_DELAYS_MS`]), then ack; after `max_retries`, dead-letter as `retries_exhausted` |
//! | [`Failure::Internal`] (a bug of ours: a panic caught while reading, a reader that failed on its own) | retried like a transient failure, then dead-lettered as `internal_error`; counted apart; never a finding against the upload |
//! | [`Failure::Invalid`] (undecodable body, missing fields) | dead-letter as `invalid_message` at once |
//! | [`Failure::Refused`] (a URI outside the storage, a checksum mismatch) | dead-letter as `upload_refused` at once |
//! | [`Failure::AwaitingExtraction`] (a document needs OCR, which the extract worker does) | copy to the 5 s delay queue with `x-extraction-waits` + 1, the retry count unchanged, then ack |
//! | delivered again after stopping its worker [`DELIVERY_LIMIT`] times | dead-letter as `delivery_limit` without handling it once more |
//! | the worker dies mid-message | nothing: the broker redelivers |
//!
//! Every dead-lettered message also yields a `dossier.rejected.v1` for the portal (contract
//! §7.5), published before the input is acknowledged. A disposition that cannot be carried
//! out (the broker went away) leaves the message unacknowledged, so it is redelivered: work
//! is repeated, never lost.

use dossier_amqp::topology::{DELIVERY_LIMIT, FAILURE_HEADER, retry_queue_index};
use dossier_amqp::{AmqpError, Inbound, Meta, Publisher, Target};
use dossier_contract::{DossierRejected, RejectionReason, routing};

/// Why handling a message failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// Trying again later may succeed (storage or broker unavailable).
    #[error("{0}")]
    Transient(String),
    /// A fault of the service, not of the message: retried (a fixed release or another node
    /// may succeed), then dead-lettered as internal.
    #[error("internal error: {0}")]
    Internal(String),
    /// The message is not the contract's.
    #[error("{0}")]
    Invalid(String),
    /// The message is well formed but names a file that may not or cannot be used.
    #[error("{0}")]
    Refused(String),
    /// A document needs OCR and the extract worker reads it: the message waits for that
    /// reading (a delay, not a retry) rather than reading it a second time.
    #[error("{0}")]
    AwaitingExtraction(String),
}

impl From<dossier_storage::StorageError> for Failure {
    fn from(err: dossier_storage::StorageError) -> Failure {
        if err.is_transient() {
            Failure::Transient(err.to_string())
        } else {
            Failure::Refused(err.to_string())
        }
    }
}

/// A reader process that could not start, was killed from outside (the node's OOM killer)
/// or failed on its own: not the document's doing, so it is tried again, on this worker or
/// another. One that keeps failing on its own is a fault of ours.
impl From<crate::reader::ReaderError> for Failure {
    fn from(err: crate::reader::ReaderError) -> Failure {
        match err {
            crate::reader::ReaderError::Broken(_) => Failure::Internal(err.to_string()),
            _ => Failure::Transient(err.to_string()),
        }
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
    /// Retry after the delay of this retry's rank.
    Retry {
        reason: String,
    },
    /// Come back after the shortest delay, the retry count unchanged: a document of the
    /// message is being read elsewhere.
    Wait {
        reason: String,
    },
    /// Dead-letter, and tell the portal why.
    DeadLetter {
        code: RejectionReason,
        reason: String,
    },
}

impl Disposition {
    /// A label for metrics: `ok`, `retried`, or the rejection's reason code.
    pub fn outcome(&self) -> &'static str {
        match self {
            Disposition::Ack => "ok",
            Disposition::Retry { .. } => "retried",
            Disposition::Wait { .. } => "waiting",
            Disposition::DeadLetter { code, .. } => reason_code(*code),
        }
    }
}

/// The wire name of a reason code (`invalid_message`, …).
pub fn reason_code(code: RejectionReason) -> &'static str {
    match code {
        RejectionReason::InvalidMessage => "invalid_message",
        RejectionReason::UploadRefused => "upload_refused",
        RejectionReason::RetriesExhausted => "retries_exhausted",
        RejectionReason::InternalError => "internal_error",
        RejectionReason::DeliveryLimit => "delivery_limit",
    }
}

/// Maps an outcome to a disposition.
pub fn disposition(outcome: &Result<(), Failure>, retries: u32, max_retries: u32) -> Disposition {
    match outcome {
        Ok(()) => Disposition::Ack,
        Err(Failure::Transient(reason) | Failure::Internal(reason)) if retries < max_retries => {
            Disposition::Retry {
                reason: reason.clone(),
            }
        }
        Err(Failure::Transient(reason)) => Disposition::DeadLetter {
            code: RejectionReason::RetriesExhausted,
            reason: format!("gave up after {retries} retries: {reason}"),
        },
        Err(Failure::Internal(reason)) => Disposition::DeadLetter {
            code: RejectionReason::InternalError,
            reason: format!("internal error, gave up after {retries} retries: {reason}"),
        },
        Err(Failure::Invalid(reason)) => Disposition::DeadLetter {
            code: RejectionReason::InvalidMessage,
            reason: reason.clone(),
        },
        Err(Failure::Refused(reason)) => Disposition::DeadLetter {
            code: RejectionReason::UploadRefused,
            reason: reason.clone(),
        },
        Err(Failure::AwaitingExtraction(reason)) => Disposition::Wait {
            reason: reason.clone(),
        },
    }
}

/// Header counting how many times a message waited for a document's extraction.
pub const EXTRACTION_WAITS_HEADER: &str = "x-extraction-waits";

/// How many times a message has waited for an extraction.
pub fn extraction_waits(message: &Inbound) -> u32 {
    message
        .header(EXTRACTION_WAITS_HEADER)
        .and_then(|count| count.parse().ok())
        .unwrap_or(0)
}

/// The headers a message keeps when it is sent to a delay queue (its clocks among them),
/// with `replaced` set anew.
fn headers_with(message: &Inbound, replaced: (&str, String)) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = message
        .headers
        .iter()
        .filter(|(name, _)| name != replaced.0)
        .cloned()
        .collect();
    headers.push((replaced.0.to_string(), replaced.1));
    headers
}

/// The disposition of a message redelivered after stopping its worker as many times as the
/// queue's delivery limit allows, decided before handling it again (the broker would
/// dead-letter it silently on the next failure): `None` for any other message.
pub fn past_delivery_limit(message: &Inbound) -> Option<Disposition> {
    past_delivery_limit_after(message.delivery_count)
}

/// [`past_delivery_limit`] for a message the broker counts `delivery_count` failed
/// deliveries of (quorum queues' `x-delivery-count`): the broker dead-letters silently past
/// [`DELIVERY_LIMIT`] returns, so the last delivery it allows is dead-lettered here, with a
/// rejection, instead of being handled once more.
fn past_delivery_limit_after(delivery_count: u32) -> Option<Disposition> {
    (i64::from(delivery_count) >= DELIVERY_LIMIT).then(|| Disposition::DeadLetter {
        code: RejectionReason::DeliveryLimit,
        reason: format!(
            "delivered {delivery_count} times without being settled (its worker stopped each time)"
        ),
    })
}

/// What a message is about, as far as it could be read: named in the rejection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    pub dossier_id: String,
    pub document_id: Option<String>,
    pub submission_id: Option<String>,
}

impl Subject {
    /// The ids a body names even when it is not a valid message (a field missing or
    /// malformed): `dossier_id` and `document_id` when it is a JSON object carrying them as
    /// strings, else the message id the publisher set (`dossier submit` sets the dossier's).
    pub fn salvaged(message: &Inbound) -> Subject {
        let object = serde_json::from_slice::<serde_json::Value>(&message.body).ok();
        let text = |name: &str| {
            object
                .as_ref()
                .and_then(|value| value.get(name))
                .and_then(|value| value.as_str())
                .map(str::to_string)
        };
        Subject {
            dossier_id: text("dossier_id")
                .or_else(|| message.message_id.clone())
                .unwrap_or_default(),
            document_id: text("document_id"),
            submission_id: None,
        }
    }
}

/// The rejection a dead-lettered message yields for the portal.
pub fn rejection(subject: &Subject, code: RejectionReason, reason: &str) -> DossierRejected {
    DossierRejected {
        dossier_id: subject.dossier_id.clone(),
        document_id: subject.document_id.clone(),
        submission_id: subject.submission_id.clone(),
        reason_code: code,
        reason_fr: code.french().to_string(),
        reason_en: format!("{}: {reason}", code.english()),
        rejected_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }
}

/// Carries out a disposition for a message received from `queue`; retries go to the delay
/// queue of their rank among `retry_queues` (shortest delay first).
pub async fn settle(
    publisher: &Publisher,
    message: &Inbound,
    queue: &str,
    retry_queues: &[&str; 3],
    disposition: &Disposition,
    subject: &Subject,
) -> Result<(), AmqpError> {
    match disposition {
        Disposition::Ack => {}
        Disposition::Retry { reason } => {
            let retry = message.retries + 1;
            let meta = Meta {
                message_id: message.message_id.clone(),
                headers: headers_with(message, (LAST_FAILURE_HEADER, reason.clone())),
                retries: retry,
            };
            let delay_queue = retry_queues[retry_queue_index(retry)];
            publisher
                .publish(Target::Queue(delay_queue), &message.body, &meta)
                .await?;
        }
        Disposition::Wait { .. } => {
            let waits = extraction_waits(message).saturating_add(1);
            let meta = Meta {
                message_id: message.message_id.clone(),
                headers: headers_with(message, (EXTRACTION_WAITS_HEADER, waits.to_string())),
                retries: message.retries,
            };
            publisher
                .publish(Target::Queue(retry_queues[0]), &message.body, &meta)
                .await?;
        }
        Disposition::DeadLetter { code, reason } => {
            let meta = Meta {
                message_id: message.message_id.clone(),
                headers: vec![
                    (FAILURE_HEADER.into(), reason.clone()),
                    (REASON_CODE_HEADER.into(), reason_code(*code).into()),
                ],
                retries: message.retries,
            };
            publisher
                .publish(Target::DeadLetter(queue), &message.body, &meta)
                .await?;
            let rejected = rejection(subject, *code, reason);
            let body = serde_json::to_vec(&rejected)
                .map_err(|e| AmqpError::Operation(format!("cannot encode the rejection: {e}")))?;
            publisher
                .publish(
                    Target::Event(routing::DOSSIER_REJECTED),
                    &body,
                    &Meta::default(),
                )
                .await?;
        }
    }
    message.ack().await
}

/// Logs a message that was not done with, once, where it is settled: a retry as a warning,
/// a dead-letter as an error; with its ids from the caller's span.
pub fn log_unsettled_outcome(disposition: &Disposition, what: &str) {
    match disposition {
        Disposition::Ack => {}
        Disposition::Wait { reason } => {
            tracing::info!(reason = %reason, outcome = disposition.outcome(), "{what}: waiting")
        }
        Disposition::Retry { reason } => {
            tracing::warn!(reason = %reason, outcome = disposition.outcome(), "{what}: retried later")
        }
        Disposition::DeadLetter { reason, .. } => {
            tracing::error!(reason = %reason, outcome = disposition.outcome(), "{what}: dead-lettered")
        }
    }
}

/// Header of a retried message carrying why its last try failed.
const LAST_FAILURE_HEADER: &str = "x-last-failure";

/// Header of a dead-lettered copy carrying its rejection's reason code.
pub const REASON_CODE_HEADER: &str = "x-reason-code";

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
            Disposition::DeadLetter {
                code: RejectionReason::RetriesExhausted,
                ..
            }
        ));
        assert_eq!(
            disposition(&Err(Failure::Invalid("bad json".into())), 0, 3),
            Disposition::DeadLetter {
                code: RejectionReason::InvalidMessage,
                reason: "bad json".into()
            }
        );
        assert!(matches!(
            disposition(&Err(Failure::Refused("outside".into())), 0, 3),
            Disposition::DeadLetter {
                code: RejectionReason::UploadRefused,
                ..
            }
        ));
    }

    /// A bug of ours is retried like an outage, then dead-lettered as internal, never as
    /// the upload's fault. See: issue 14, point 5.
    #[test]
    fn internal_errors_are_retried_then_dead_lettered_as_internal() {
        let failure = Err(Failure::Internal("panic while reading".into()));
        assert!(matches!(
            disposition(&failure, 0, 3),
            Disposition::Retry { .. }
        ));
        let last = disposition(&failure, 3, 3);
        assert!(matches!(
            last,
            Disposition::DeadLetter {
                code: RejectionReason::InternalError,
                ..
            }
        ));
        assert_eq!(last.outcome(), "internal_error");
        let broken = Failure::from(crate::reader::ReaderError::Broken(101));
        assert!(matches!(broken, Failure::Internal(_)), "{broken:?}");
    }

    /// With the default number of retries, the delays add up to more than two minutes of
    /// outage, each retry waiting in the queue of its delay. See: issue 14, point 2.
    #[test]
    fn retries_ride_out_two_minutes_of_outage() {
        use dossier_amqp::topology::RETRY_DELAYS_MS;
        let max_retries = crate::settings::DEFAULT_MAX_RETRIES;
        let total_ms: i64 = (1..=max_retries)
            .map(|retry| RETRY_DELAYS_MS[retry_queue_index(retry)])
            .sum();
        assert!(
            total_ms >= 2 * 60 * 1000 + 60 * 1000,
            "retries span only {total_ms} ms"
        );
        assert_eq!(retry_queue_index(1), 0, "a hiccup is retried quickly");
    }

    /// A dossier whose document the extract worker is reading waits for it: a delay that
    /// does not count as a retry. See: issue 14, point 1.
    #[test]
    fn awaiting_an_extraction_is_a_wait_not_a_retry() {
        let waiting = disposition(&Err(Failure::AwaitingExtraction("needs OCR".into())), 7, 8);
        assert_eq!(
            waiting,
            Disposition::Wait {
                reason: "needs OCR".into()
            }
        );
        assert_eq!(waiting.outcome(), "waiting");
        // Even past the retry budget: waiting is bounded by its own limit, in verdict.rs.
        assert!(matches!(
            disposition(&Err(Failure::AwaitingExtraction("x".into())), 8, 8),
            Disposition::Wait { .. }
        ));
    }

    /// A message that stopped its worker as often as the queue allows is dead-lettered with a
    /// rejection before the broker drops it silently; one redelivered after fewer stops is
    /// handled again. See: issue 14, point 3.
    #[test]
    fn the_last_allowed_delivery_is_dead_lettered_with_a_rejection() {
        let limit = u32::try_from(DELIVERY_LIMIT).unwrap_or(u32::MAX);
        assert_eq!(past_delivery_limit_after(0), None);
        assert_eq!(past_delivery_limit_after(limit - 1), None);
        let last = past_delivery_limit_after(limit);
        assert!(matches!(
            last,
            Some(Disposition::DeadLetter {
                code: RejectionReason::DeliveryLimit,
                ..
            })
        ));
        assert_eq!(last.map(|d| d.outcome()), Some("delivery_limit"));
    }

    #[test]
    fn rejections_name_the_ids_in_french_and_english() {
        let subject = Subject {
            dossier_id: "PEC-1".into(),
            document_id: Some("PEC-1-2".into()),
            submission_id: None,
        };
        let rejected = rejection(&subject, RejectionReason::UploadRefused, "outside the root");
        let json = serde_json::to_value(&rejected).unwrap_or_default();
        assert_eq!(json["reason_code"], "upload_refused");
        assert_eq!(json["dossier_id"], "PEC-1");
        assert_eq!(json["document_id"], "PEC-1-2");
        assert!(
            rejected.reason_fr.contains("fichier"),
            "{}",
            rejected.reason_fr
        );
        assert!(rejected.reason_en.ends_with("outside the root"));
        assert_eq!(
            reason_code(RejectionReason::DeliveryLimit),
            serde_json::to_value(RejectionReason::DeliveryLimit).unwrap_or_default()
        );
    }
}
