//! The operations endpoint: `/healthz` (the process runs), `/readyz` (connected to the broker
//! and consuming, and the storage answered its last probe) and `/metrics` (Prometheus). A
//! deliberately small HTTP/1.1 responder: three GET routes need no framework; connections are
//! bounded ([`MAX_CONNECTIONS`]) and so is the wait for a request.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::metrics::Metrics;
use crate::reader::Reader;

/// Connections served at once. Kubernetes' two probes and one or two Prometheus scrapes
/// make a handful every 5–10 s, each answered in well under a millisecond; 16 leaves room
/// for a person with curl and bounds what a flood can cost.
const MAX_CONNECTIONS: usize = 16;

/// How long a client may take to send its request line: a probe or a scrape sends it at
/// once (a probe gives up after its own 1 s timeout anyway); 5 s frees a slow or idle
/// connection's slot without cutting a person typing a request by hand.
const REQUEST_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Readiness shared with the worker loop and the storage probe.
#[derive(Default)]
pub(crate) struct Health {
    /// Connected to the broker and consuming.
    pub(crate) ready: AtomicBool,
    /// The storage answered its last probe.
    pub(crate) storage: AtomicBool,
}

impl Health {
    /// The readiness answer: what is not ready, if anything.
    fn readiness(&self) -> Result<(), &'static str> {
        match (
            self.ready.load(Ordering::Relaxed),
            self.storage.load(Ordering::Relaxed),
        ) {
            (true, true) => Ok(()),
            (false, true) => Err("not ready: broker\n"),
            (true, false) => Err("not ready: storage\n"),
            (false, false) => Err("not ready: broker, storage\n"),
        }
    }
}

/// Reader processes lost so far by cause, over every pool of the worker (the verdict worker
/// reads text layers in one pool and OCR in another).
fn kill_counts(readers: &[Arc<Reader>]) -> Vec<(&'static str, u64)> {
    let mut total: Vec<(&'static str, u64)> = Vec::new();
    for (cause, count) in readers.iter().flat_map(|r| r.kill_counts()) {
        match total.iter_mut().find(|(c, _)| *c == cause) {
            Some((_, sum)) => *sum += count,
            None => total.push((cause, count)),
        }
    }
    total
}

pub(crate) async fn serve(
    listener: TcpListener,
    health: Arc<Health>,
    metrics: Arc<Metrics>,
    readers: Vec<Arc<Reader>>,
) {
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        // Past the limit a connection is closed at once: probes and scrapes retry, and a
        // flood cannot pile up tasks in the worker.
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let health = health.clone();
        let metrics = metrics.clone();
        let readers = readers.clone();
        tokio::spawn(async move {
            let mut buffer = [0u8; 2048];
            let read = tokio::time::timeout(REQUEST_READ_TIMEOUT, stream.read(&mut buffer)).await;
            let Ok(Ok(n)) = read else { return };
            let request = String::from_utf8_lossy(&buffer[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let (status, content_type, body) = match path {
                "/healthz" => ("200 OK", "text/plain", "ok\n".to_string()),
                "/readyz" => match health.readiness() {
                    Ok(()) => ("200 OK", "text/plain", "ready\n".to_string()),
                    Err(why) => ("503 Service Unavailable", "text/plain", why.to_string()),
                },
                "/metrics" => (
                    "200 OK",
                    "text/plain; version=0.0.4",
                    metrics.render(&kill_counts(&readers)),
                ),
                _ => ("404 Not Found", "text/plain", "not found\n".to_string()),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).await.ok();
            stream.shutdown().await.ok();
            drop(permit);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `/readyz` says ready only when both the broker and the storage are. See: issue 14,
    /// point 2 (a storage outage left it at 200).
    #[test]
    fn readiness_needs_the_broker_and_the_storage() {
        let health = Health::default();
        assert_eq!(health.readiness(), Err("not ready: broker, storage\n"));
        health.ready.store(true, Ordering::Relaxed);
        assert_eq!(health.readiness(), Err("not ready: storage\n"));
        health.storage.store(true, Ordering::Relaxed);
        assert_eq!(health.readiness(), Ok(()));
        health.ready.store(false, Ordering::Relaxed);
        assert_eq!(health.readiness(), Err("not ready: broker\n"));
    }
}
