//! The worker process: logging, the ops endpoint, signal handling, and the connection loop
//! (connect with backoff, declare the topology, consume until the connection is lost or
//! SIGTERM asks to stop, then drain in-flight work within the grace period).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use dossier_amqp::{Broker, Inbound, Inbox, Publisher};
use dossier_rules::Rulebook;
use dossier_storage::Storage;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::FleetError;
use crate::disposition::{
    Disposition, Failure, Subject, disposition, log_unsettled_outcome, past_delivery_limit, settle,
};
use crate::http::{self, Health};
use crate::metrics::Metrics;
use crate::reader::Reader;
use crate::settings::Worker;

/// Which worker this process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerKind {
    Extract,
    Verdict,
}

impl WorkerKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            WorkerKind::Extract => "extract-worker",
            WorkerKind::Verdict => "verdict-worker",
        }
    }
}

/// What every handler needs.
pub(crate) struct Shared {
    pub(crate) settings: Worker,
    pub(crate) storage: Storage,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) rulebook: Rulebook,
    pub(crate) reader: Arc<Reader>,
    /// Reads text layers only: a document that needs OCR is reported as such
    /// (see [`crate::extract::OcrPolicy`]).
    pub(crate) text_reader: Arc<Reader>,
}

/// Why consuming stopped.
pub(crate) enum Ended {
    Shutdown,
    Lost(String),
}

/// JSON (default) or text logs on stderr, filtered by `DOSSIER_LOG` (default `info`).
pub fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DOSSIER_LOG")
        .unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "text" {
        builder.init();
    } else {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init();
    }
}

fn load_rulebook(settings: &Worker) -> Result<Rulebook, FleetError> {
    match &settings.rulebook {
        None => Ok(Rulebook::built_in()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| FleetError::Setup(format!("{}: {e}", path.display())))?;
            Rulebook::from_toml(&text)
                .map_err(|e| FleetError::Setup(format!("{}: {e}", path.display())))
        }
    }
}

async fn wait_for_signal(shutdown: watch::Sender<bool>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return,
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await.ok();
    tracing::info!("shutdown requested: draining in-flight messages");
    shutdown.send(true).ok();
}

/// How often the storage is probed for `/readyz`: one small write and read every 10 s, so
/// the answer is at most two of Kubernetes' readiness periods old (`periodSeconds: 5` in
/// `deploy/k8s/`).
const STORAGE_PROBE_INTERVAL: Duration = Duration::from_secs(10);

/// Longest a storage probe may take before the storage counts as not answering: an
/// object store's client retries for minutes on its own, and "ready" must not stand that
/// long over an outage (a healthy probe takes milliseconds on the local S3 server).
const STORAGE_PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Keeps `health.storage` telling whether the storage answers; logs each change once.
async fn probe_storage(storage: Storage, kind: WorkerKind, health: Arc<Health>) {
    let mut was_ok = None;
    loop {
        let outcome =
            match tokio::time::timeout(STORAGE_PROBE_TIMEOUT, storage.probe(kind.name())).await {
                Ok(result) => result.map_err(|e| e.to_string()),
                Err(_) => Err(format!(
                    "no answer within {} s",
                    STORAGE_PROBE_TIMEOUT.as_secs()
                )),
            };
        let ok = outcome.is_ok();
        if was_ok != Some(ok) {
            match &outcome {
                Ok(()) => tracing::info!("storage answers"),
                Err(err) => tracing::error!(error = %err, "storage does not answer: not ready"),
            }
        }
        was_ok = Some(ok);
        health.storage.store(ok, Ordering::Relaxed);
        tokio::time::sleep(STORAGE_PROBE_INTERVAL).await;
    }
}

/// The whole `main` of a worker binary: settings from flags and `DOSSIER_*`, logging, reader
/// mode when started as a document reader, then the worker until SIGTERM. A failure to start
/// is printed as text on one line (not the `Debug` dump of a `main` returning a `Result`).
pub fn worker_main(kind: WorkerKind) -> std::process::ExitCode {
    let settings = <Worker as clap::Parser>::parse();
    init_logging(&settings.log_format);
    // Started again as a document reader by this worker (see crate::reader).
    if let Some(code) = crate::reader::serve_if_reader() {
        return code;
    }
    // Readers run as the worker's user: were the worker dumpable, a reader taken over by a
    // hostile upload could read the worker's environment (storage and broker credentials)
    // from /proc/<worker>/environ. Not dumpable, those files belong to root.
    #[cfg(target_os = "linux")]
    if let Err(err) =
        rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
    {
        eprintln!(
            "{}: cannot make the worker non-dumpable: {err}",
            kind.name()
        );
        return std::process::ExitCode::FAILURE;
    }
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| FleetError::Setup(format!("cannot start the runtime: {e}")))
        .and_then(|runtime| runtime.block_on(run_worker(kind, settings)));
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{}: {err}", kind.name());
            std::process::ExitCode::FAILURE
        }
    }
}

/// Runs a worker until SIGTERM.
pub async fn run_worker(kind: WorkerKind, settings: Worker) -> Result<(), FleetError> {
    let storage = Storage::from_url(&settings.connection.storage_url)?;
    let rulebook = load_rulebook(&settings)?;
    let metrics = Arc::new(Metrics::default());
    let health = Arc::new(Health::default());
    let listener = tokio::net::TcpListener::bind(&settings.http_addr)
        .await
        .map_err(|e| FleetError::Setup(format!("{}: {e}", settings.http_addr)))?;
    tracing::info!(worker = kind.name(), http = %settings.http_addr, "starting");
    let reader = Arc::new(
        Reader::new(&settings.limits, None)
            .map_err(|e| FleetError::Setup(format!("document reader: {e}")))?,
    );
    let text_limits = crate::settings::ReadLimits {
        ocr: false,
        ..settings.limits.clone()
    };
    let text_reader = Arc::new(
        Reader::new(&text_limits, None)
            .map_err(|e| FleetError::Setup(format!("document reader: {e}")))?,
    );
    tokio::spawn(http::serve(
        listener,
        health.clone(),
        metrics.clone(),
        vec![reader.clone(), text_reader.clone()],
    ));
    tokio::spawn(probe_storage(storage.clone(), kind, health.clone()));
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    tokio::spawn(wait_for_signal(shutdown_tx));
    let shared = Arc::new(Shared {
        settings,
        storage,
        metrics,
        rulebook,
        reader,
        text_reader,
    });
    let mut backoff = Duration::from_millis(250);
    loop {
        if *shutdown_rx.borrow() {
            break;
        }
        let broker = match Broker::connect(&shared.settings.connection.amqp_url, kind.name()).await
        {
            Ok(broker) => broker,
            Err(err) => {
                tracing::warn!(error = %err, retry_in_ms = backoff.as_millis() as u64, "broker unreachable");
                let mut stop = shutdown_rx.clone();
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.changed() => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        if let Err(err) = broker.declare_topology().await {
            tracing::warn!(error = %err, "topology declaration failed");
            broker.close().await;
            tokio::time::sleep(backoff).await;
            continue;
        }
        backoff = Duration::from_millis(250);
        health.ready.store(true, Ordering::Relaxed);
        tracing::info!("connected to the broker, consuming");
        let ended = match kind {
            WorkerKind::Extract => {
                crate::extract::run(&broker, shared.clone(), shutdown_rx.clone()).await
            }
            WorkerKind::Verdict => {
                crate::verdict::run(&broker, shared.clone(), shutdown_rx.clone()).await
            }
        };
        health.ready.store(false, Ordering::Relaxed);
        broker.close().await;
        match ended {
            Ended::Shutdown => break,
            Ended::Lost(reason) => tracing::warn!(reason, "broker connection lost: reconnecting"),
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// Consumes an inbox with bounded concurrency until shutdown or connection loss, then stops
/// consuming and waits (within the grace period) for the messages in flight.
pub(crate) async fn drive<F, Fut>(
    mut inbox: Inbox,
    concurrency: usize,
    mut shutdown: watch::Receiver<bool>,
    grace: Duration,
    handle: F,
) -> Ended
where
    F: Fn(Inbound) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let ended = loop {
        if *shutdown.borrow() {
            break Ended::Shutdown;
        }
        tokio::select! {
            _ = shutdown.changed() => break Ended::Shutdown,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            next = inbox.next() => match next {
                Some(Ok(message)) => {
                    let Ok(permit) = permits.clone().acquire_owned().await else { break Ended::Shutdown };
                    let work = handle(message);
                    tasks.spawn(async move {
                        work.await;
                        drop(permit);
                    });
                }
                Some(Err(err)) => break Ended::Lost(err.to_string()),
                None => break Ended::Lost("the consumer was closed".into()),
            },
        }
    };
    inbox.cancel().await;
    drain(&mut tasks, grace).await;
    inbox.close().await;
    ended
}

pub(crate) async fn drain(tasks: &mut JoinSet<()>, grace: Duration) {
    let pending = tasks.len();
    if pending > 0 {
        tracing::info!(pending, "waiting for in-flight messages");
    }
    if tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} })
        .await
        .is_err()
    {
        tracing::warn!(
            abandoned = tasks.len(),
            "grace period over: unfinished messages will be redelivered"
        );
        tasks.abort_all();
    }
}

/// Where a message was consumed, for settling it.
pub(crate) struct Route<'a> {
    /// The `worker` label of `dossier_messages_total`.
    pub(crate) worker: &'a str,
    /// The queue it came from (dead letters are routed by it).
    pub(crate) queue: &'a str,
    /// Its delay queues, shortest delay first.
    pub(crate) retry_queues: &'a [&'a str; 3],
}

/// Handles one message as every worker does: dead-letters it unhandled when it is past its
/// delivery limit, else runs `process`; then settles it, logs what was not done once, and
/// counts the outcome. Returns the disposition carried out, or `None` when it could not be
/// (the message will be redelivered).
pub(crate) async fn handle_message<F, Fut>(
    shared: &Shared,
    publisher: &Publisher,
    message: &Inbound,
    route: Route<'_>,
    subject: &Subject,
    what: &str,
    process: F,
) -> Option<Disposition>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), Failure>>,
{
    let disposition = match past_delivery_limit(message) {
        Some(disposition) => disposition,
        None => disposition(
            &process().await,
            message.retries,
            shared.settings.max_retries,
        ),
    };
    log_unsettled_outcome(&disposition, what);
    match settle(
        publisher,
        message,
        route.queue,
        route.retry_queues,
        &disposition,
        subject,
    )
    .await
    {
        Ok(()) => {
            shared.metrics.message(route.worker, disposition.outcome());
            Some(disposition)
        }
        Err(err) => {
            tracing::warn!(error = %err, "message not settled: it will be redelivered");
            None
        }
    }
}
