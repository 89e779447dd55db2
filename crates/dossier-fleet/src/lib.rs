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
mod runtime;
pub mod settings;
mod verdict;

pub use runtime::{WorkerKind, init_logging, run_worker};

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
