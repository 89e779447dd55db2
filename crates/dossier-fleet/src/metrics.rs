//! Prometheus metrics, in the text exposition format (version 0.0.4): messages by worker and
//! outcome (the rejection's reason code when dead-lettered), latency histograms per stage
//! (queue wait and end to end included), OCR seconds per page, documents read by text
//! source, pages read by OCR (what sizes the extract workers), documents the service failed
//! to read by its own fault, and reader processes killed, by cause.
//!
//! Each family is written whole (HELP, TYPE, then its samples), as the format requires; a
//! test parses the exposition strictly. Queue depths are not here: RabbitMQ's own
//! Prometheus endpoint exports them (see `deploy/prometheus/`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Histogram bucket bounds in seconds: from a text document (milliseconds) past the
/// document budget (120 s by default, `DOSSIER_DOCUMENT_SECONDS`, and the reader's kill
/// 5 s later) to a dossier of several scans waiting behind a backlog (end to end, queue
/// wait): the former last bucket (30 s) hid every slow scan in `+Inf`.
const BUCKETS: [f64; 16] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 125.0, 300.0, 900.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (slot, bound) in self.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *slot += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// A family's name, help and type, in the order they are exposed.
struct Family {
    name: &'static str,
    help: &'static str,
    kind: &'static str,
}

const MESSAGES: Family = Family {
    name: "dossier_messages_total",
    help: "Messages settled, by worker and outcome (ok, retried, or the rejection's reason code).",
    kind: "counter",
};
const DOCUMENTS: Family = Family {
    name: "dossier_documents_total",
    help: "Documents read, by text source.",
    kind: "counter",
};
const OCR_PAGES: Family = Family {
    name: "dossier_ocr_pages_total",
    help: "Pages read by OCR.",
    kind: "counter",
};
const INTERNAL_ERRORS: Family = Family {
    name: "dossier_internal_errors_total",
    help: "Documents the service failed to read by its own fault (not the file's).",
    kind: "counter",
};
const READER_KILLS: Family = Family {
    name: "dossier_reader_kills_total",
    help: "Reader processes lost on a document, by cause.",
    kind: "counter",
};
const STAGES: Family = Family {
    name: "dossier_stage_seconds",
    help: "Time spent per pipeline stage (fetch, read, check, publish, queue_wait, end_to_end, ...).",
    kind: "histogram",
};
const OCR_PAGE_SECONDS: Family = Family {
    name: "dossier_ocr_page_seconds",
    help: "Reading time of a document read by OCR divided by its OCR pages.",
    kind: "histogram",
};

/// The metrics of one process.
#[derive(Default)]
pub struct Metrics {
    messages: Mutex<BTreeMap<(String, String), u64>>,
    documents: Mutex<BTreeMap<String, u64>>,
    stages: Mutex<BTreeMap<String, Histogram>>,
    ocr_page_seconds: Mutex<Histogram>,
    ocr_pages: AtomicU64,
    internal_errors: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A label value escaped as the exposition format requires.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn header(out: &mut String, family: &Family) {
    let _ = writeln!(out, "# HELP {} {}", family.name, family.help);
    let _ = writeln!(out, "# TYPE {} {}", family.name, family.kind);
}

fn histogram_samples(out: &mut String, name: &str, labels: &str, histogram: &Histogram) {
    let prefix = if labels.is_empty() {
        String::new()
    } else {
        format!("{labels},")
    };
    for (count, bound) in histogram.counts.iter().zip(BUCKETS) {
        let _ = writeln!(out, "{name}_bucket{{{prefix}le=\"{bound}\"}} {count}");
    }
    let _ = writeln!(
        out,
        "{name}_bucket{{{prefix}le=\"+Inf\"}} {}",
        histogram.count
    );
    let braces = |labels: &str| {
        if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        }
    };
    let _ = writeln!(out, "{name}_sum{} {}", braces(labels), histogram.sum);
    let _ = writeln!(out, "{name}_count{} {}", braces(labels), histogram.count);
}

impl Metrics {
    /// `dossier_messages_total{worker, outcome}`.
    pub fn message(&self, worker: &str, outcome: &str) {
        *lock(&self.messages)
            .entry((worker.to_string(), outcome.to_string()))
            .or_default() += 1;
    }

    /// `dossier_documents_total{source}`: documents read, by text source.
    pub fn document(&self, source: &str) {
        *lock(&self.documents).entry(source.to_string()).or_default() += 1;
    }

    /// `dossier_internal_errors_total`: documents the service failed to read by its own
    /// fault (a bug, a crashed reader), counted apart from files that are unreadable.
    pub fn internal_error(&self) {
        self.internal_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// `dossier_ocr_pages_total`, and `dossier_ocr_page_seconds` for a document whose
    /// reading took `elapsed` with `pages` read by OCR.
    pub fn ocr_pages(&self, pages: u32, elapsed: Duration) {
        self.ocr_pages
            .fetch_add(u64::from(pages), Ordering::Relaxed);
        if pages > 0 {
            lock(&self.ocr_page_seconds).observe(elapsed.as_secs_f64() / f64::from(pages));
        }
    }

    /// `dossier_stage_seconds{stage}`: fetch, read, check, publish, queue_wait, end_to_end.
    pub fn observe(&self, stage: &str, elapsed: Duration) {
        lock(&self.stages)
            .entry(stage.to_string())
            .or_default()
            .observe(elapsed.as_secs_f64());
    }

    /// The exposition text, with the reader processes' kills by cause.
    pub fn render(&self, reader_kills: &[(&'static str, u64)]) -> String {
        let mut out = String::new();
        header(&mut out, &MESSAGES);
        for ((worker, outcome), value) in lock(&self.messages).iter() {
            let _ = writeln!(
                out,
                "{}{{worker=\"{}\",outcome=\"{}\"}} {value}",
                MESSAGES.name,
                escape(worker),
                escape(outcome)
            );
        }
        header(&mut out, &DOCUMENTS);
        for (source, value) in lock(&self.documents).iter() {
            let _ = writeln!(
                out,
                "{}{{source=\"{}\"}} {value}",
                DOCUMENTS.name,
                escape(source)
            );
        }
        header(&mut out, &OCR_PAGES);
        let _ = writeln!(
            out,
            "{} {}",
            OCR_PAGES.name,
            self.ocr_pages.load(Ordering::Relaxed)
        );
        header(&mut out, &INTERNAL_ERRORS);
        let _ = writeln!(
            out,
            "{} {}",
            INTERNAL_ERRORS.name,
            self.internal_errors.load(Ordering::Relaxed)
        );
        header(&mut out, &READER_KILLS);
        for (cause, value) in reader_kills {
            let _ = writeln!(out, "{}{{cause=\"{cause}\"}} {value}", READER_KILLS.name);
        }
        header(&mut out, &STAGES);
        for (stage, histogram) in lock(&self.stages).iter() {
            histogram_samples(
                &mut out,
                STAGES.name,
                &format!("stage=\"{}\"", escape(stage)),
                histogram,
            );
        }
        header(&mut out, &OCR_PAGE_SECONDS);
        histogram_samples(
            &mut out,
            OCR_PAGE_SECONDS.name,
            "",
            &lock(&self.ocr_page_seconds),
        );
        out
    }
}

#[cfg(test)]
mod tests;
