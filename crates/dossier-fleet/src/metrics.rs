//! Prometheus metrics, in the text exposition format: messages by worker and outcome,
//! latency histograms per stage, queue wait, documents read by text source, pages read by
//! OCR (what sizes the extract workers), and documents the service failed to read by its own
//! fault.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Histogram bucket bounds in seconds, from a text document (milliseconds) to an OCR'd scan.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The metrics of one process.
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, String, String), u64>>,
    histograms: Mutex<BTreeMap<(&'static str, String), Histogram>>,
    ocr_pages: AtomicU64,
    internal_errors: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// `dossier_messages_total{worker, outcome}`.
    pub fn message(&self, worker: &str, outcome: &str) {
        *lock(&self.counters)
            .entry((
                "dossier_messages_total",
                worker.to_string(),
                outcome.to_string(),
            ))
            .or_default() += 1;
    }

    /// `dossier_documents_total{source}`: documents read, by text source.
    pub fn document(&self, source: &str) {
        *lock(&self.counters)
            .entry((
                "dossier_documents_total",
                "source".to_string(),
                source.to_string(),
            ))
            .or_default() += 1;
    }

    /// `dossier_internal_errors_total`: documents the service failed to read by its own
    /// fault (a bug, a crashed reader), counted apart from files that are unreadable.
    pub fn internal_error(&self) {
        self.internal_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// `dossier_ocr_pages_total`: pages read by OCR.
    pub fn ocr_pages(&self, pages: u32) {
        self.ocr_pages
            .fetch_add(u64::from(pages), Ordering::Relaxed);
    }

    /// `dossier_stage_seconds{stage}`: fetch, read, check, publish, queue_wait.
    pub fn observe(&self, stage: &str, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let mut histograms = lock(&self.histograms);
        let histogram = histograms
            .entry(("dossier_stage_seconds", stage.to_string()))
            .or_default();
        for (slot, bound) in histogram.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *slot += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP dossier_messages_total Messages handled, by worker and outcome.\n# TYPE dossier_messages_total counter\n");
        out.push_str("# HELP dossier_documents_total Documents read, by text source.\n# TYPE dossier_documents_total counter\n");
        for ((name, a, b), value) in lock(&self.counters).iter() {
            let labels = if *name == "dossier_messages_total" {
                format!("worker=\"{a}\",outcome=\"{b}\"")
            } else {
                format!("{a}=\"{b}\"")
            };
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
        out.push_str("# HELP dossier_ocr_pages_total Pages read by OCR.\n# TYPE dossier_ocr_pages_total counter\n");
        let _ = writeln!(
            out,
            "dossier_ocr_pages_total {}",
            self.ocr_pages.load(Ordering::Relaxed)
        );
        out.push_str("# HELP dossier_internal_errors_total Documents the service failed to read by its own fault.\n# TYPE dossier_internal_errors_total counter\n");
        let _ = writeln!(
            out,
            "dossier_internal_errors_total {}",
            self.internal_errors.load(Ordering::Relaxed)
        );
        out.push_str("# HELP dossier_stage_seconds Time spent per pipeline stage.\n# TYPE dossier_stage_seconds histogram\n");
        for ((name, stage), h) in lock(&self.histograms).iter() {
            for (count, bound) in h.counts.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "{name}_bucket{{stage=\"{stage}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "{name}_bucket{{stage=\"{stage}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "{name}_sum{{stage=\"{stage}\"}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{stage=\"{stage}\"}} {}", h.count);
        }
        out
    }
}
