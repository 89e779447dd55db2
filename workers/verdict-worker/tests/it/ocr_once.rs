//! Scans and text dossiers submitted together, scans first, as a backlog arrives: the
//! verdict worker reads text layers itself and leaves OCR to the extract worker, waiting for
//! its reading. Text dossiers are verdicted before the scans that came first (they no longer
//! wait behind OCR in the verdict worker's slots), and no page is read by OCR in the verdict
//! worker (it was read there a second time). See: issue 14, points 1 and 7.

use std::time::{Duration, Instant};

use dossier_amqp::Broker;
use dossier_amqp::topology::PORTAL_VERDICT_QUEUE;

use crate::fleet::{Fleet, amqp_url, fixtures, free_address, get, runtime};

/// Scanned dossiers: every piece a scan or a photo but their programme.
const SCANS: [&str; 2] = ["scan-quote-totals", "scan-pass-request"];
/// Text dossiers submitted after them.
const TEXTS: [&str; 6] = [
    "pass-request",
    "pass-payment",
    "nda-missing",
    "quote-totals",
    "client-mismatch",
    "attendance-short",
];

#[test]
fn text_dossiers_pass_scans_and_ocr_is_read_once() {
    let mut fleet = Fleet::new();
    let verdict_http = free_address();
    fleet.start("extract-worker", &["--concurrency", "1"]);
    fleet.start(
        "verdict-worker",
        &["--concurrency", "2", "--http-addr", &verdict_http],
    );
    let dirs: Vec<_> = SCANS
        .iter()
        .map(|scan| fixtures().join("scans").join(scan))
        .chain(
            TEXTS
                .iter()
                .map(|text| fixtures().join("dossiers").join(text)),
        )
        .collect();
    let ids = fleet.submit(&dirs);
    assert_eq!(ids.len(), SCANS.len() + TEXTS.len());
    let scan_ids = &ids[..SCANS.len()];
    let order: Vec<String> = runtime().block_on(async {
        let broker = Broker::connect(&amqp_url(), "ocr-once-test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut inbox = broker
            .consume(PORTAL_VERDICT_QUEUE, 20, "ocr-once-verdicts")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut order = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(300);
        while order.len() < ids.len() && Instant::now() < deadline {
            let Ok(Some(Ok(message))) =
                tokio::time::timeout(Duration::from_secs(120), inbox.next()).await
            else {
                break;
            };
            let verdict: serde_json::Value =
                serde_json::from_slice(&message.body).unwrap_or_default();
            order.push(verdict["dossier_id"].as_str().unwrap_or("").to_string());
            message.ack().await.ok();
        }
        broker.close().await;
        order
    });
    assert_eq!(order.len(), ids.len(), "verdicts missing: {order:?}");
    let first_scan = order
        .iter()
        .position(|id| scan_ids.contains(id))
        .unwrap_or(0);
    assert_eq!(
        first_scan,
        TEXTS.len(),
        "a scan was verdicted before a text dossier submitted after it: {order:?}"
    );
    let metrics = get(&verdict_http, "/metrics");
    assert!(
        metrics.lines().any(|l| l == "dossier_ocr_pages_total 0"),
        "the verdict worker read pages by OCR:\n{metrics}"
    );
    assert!(
        metrics.lines().any(|l| l
            .starts_with("dossier_messages_total{worker=\"verdict-worker\",outcome=\"waiting\"}")),
        "no dossier waited for an extraction:\n{metrics}"
    );
}
