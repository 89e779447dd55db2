//! The worker fleet's shell around the shared core: settings (flags with `DOSSIER_*`
//! environment fallbacks), the connection loop (reconnect with backoff, re-declare,
//! SIGTERM drain), the extract and verdict workers, the one place where an outcome becomes a
//! message disposition (ack, retry later, dead-letter), health and Prometheus metrics, and
//! the portal-side commands (`submit`, `verdicts`, `topology`, `loadgen`).
//!
//! Workers are stateless: what they share lives in object storage (extractions, stored by
//! the SHA-256 of the document, so a re-upload or a redelivery costs nothing). A message is
//! acknowledged only after its output is confirmed by the broker.

pub mod disposition;
mod extract;
mod http;
pub mod metrics;
pub mod portal;
pub mod reader;
mod runtime;
pub mod settings;
pub mod triage;
mod verdict;

pub use runtime::{WorkerKind, init_logging, run_worker, worker_main};

/// Why the fleet could not run.
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error(transparent)]
    Amqp(#[from] dossier_amqp::AmqpError),
    #[error(transparent)]
    Storage(#[from] dossier_storage::StorageError),
    #[error("{0}")]
    Setup(String),
}

#[cfg(test)]
mod tests {
    /// `deploy/rabbitmq/definitions.json` must be the topology the workers declare.
    #[test]
    fn committed_definitions_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../deploy/rabbitmq/definitions.json");
        let current = serde_json::to_string_pretty(&crate::portal::topology_definitions())
            .unwrap_or_default()
            + "\n";
        if std::env::var_os("UPDATE_DEFINITIONS").is_some() {
            std::fs::write(&path, &current).ok();
        }
        assert!(
            std::fs::read_to_string(&path).unwrap_or_default() == current,
            "deploy/rabbitmq/definitions.json is stale: make definitions"
        );
    }
}
