//! The fleet's scenarios on a real broker.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use dossier_amqp::topology::{
    DEAD_QUEUE, EXTRACT_QUEUE, INTAKE_QUEUE, PORTAL_EXTRACTED_QUEUE, PORTAL_REJECTED_QUEUE,
    PORTAL_VERDICT_QUEUE, UNROUTABLE_QUEUE,
};
use dossier_amqp::{Broker, Meta, Target};
use dossier_contract::routing;

use crate::fleet::{
    Fleet, amqp_url, fixtures, publish_event, record_verdict, runtime, upload_files, validate,
};

fn fixture_dossiers() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures().join("dossiers"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

/// Reads verdicts until every id in `expected` has one (or the deadline passes); returns all
/// verdicts read, duplicates included.
fn verdicts_for(
    fleet: &Fleet,
    expected: &BTreeSet<String>,
    deadline: Duration,
) -> Vec<serde_json::Value> {
    let started = std::time::Instant::now();
    let mut all: Vec<serde_json::Value> = Vec::new();
    while started.elapsed() < deadline {
        let seen: BTreeSet<String> = all
            .iter()
            .filter_map(|v| v["dossier_id"].as_str().map(String::from))
            .collect();
        let missing = expected.difference(&seen).count();
        if missing == 0 {
            break;
        }
        all.extend(fleet.verdicts(missing, Duration::from_secs(10)));
    }
    all
}

#[test]
fn fleet_verdicts_equal_validate_and_poison_is_dead_lettered_and_rejected() {
    let mut fleet = Fleet::new();
    fleet.start("extract-worker", &[]);
    fleet.start("verdict-worker", &[]);
    let dirs = fixture_dossiers();
    fleet.submit(&dirs);
    let expected: BTreeMap<String, serde_json::Value> = dirs
        .iter()
        .map(|d| {
            let v = validate(&fleet, d);
            (v["dossier_id"].as_str().unwrap_or_default().to_string(), v)
        })
        .collect();
    let ids: BTreeSet<String> = expected.keys().cloned().collect();
    let verdicts = verdicts_for(&fleet, &ids, Duration::from_secs(120));
    for verdict in &verdicts {
        let id = verdict["dossier_id"].as_str().unwrap_or_default();
        let want = &expected[id];
        assert_eq!(verdict["status"], want["status"], "{id}");
        assert_eq!(verdict["verdict_id"], want["verdict_id"], "{id}");
        let rules = |v: &serde_json::Value| -> Vec<String> {
            v["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| f["rule"].to_string())
                .collect()
        };
        assert_eq!(rules(verdict), rules(want), "{id}");
    }
    let seen: BTreeSet<String> = verdicts
        .iter()
        .filter_map(|v| v["dossier_id"].as_str().map(String::from))
        .collect();
    assert_eq!(seen, ids, "dossiers without a verdict");

    // Poison: an undecodable submission, and an upload pointing outside the storage root.
    runtime().block_on(async {
        let broker = Broker::connect(&amqp_url(), "fleet-test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let publisher = broker.publisher().await.unwrap_or_else(|e| panic!("{e}"));
        publisher
            .publish(
                Target::Event(routing::DOSSIER_SUBMITTED),
                b"{ not json",
                &Meta::default(),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let hostile = serde_json::json!({
            "dossier_id": "X", "document_id": "X-1", "uri": "file:///etc/passwd",
            "sha256": "0000000000000000000000000000000000000000000000000000000000000000",
            "content_type": "application/pdf", "uploaded_at": "2026-01-01T00:00:00Z"
        });
        publisher
            .publish(
                Target::Event(routing::DOCUMENT_UPLOADED),
                hostile.to_string().as_bytes(),
                &Meta::default(),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // A key no queue is bound to: kept by the alternate exchange, not dropped.
        publish_event(&publisher, "dossier.submitted.v9", b"{}").await;
        // The portal is told about both, with the ids the messages named.
        let mut rejected_inbox = broker
            .consume(PORTAL_REJECTED_QUEUE, 10, "fleet-test-rejected")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut rejected = Vec::new();
        while rejected.len() < 2 {
            let next = tokio::time::timeout(Duration::from_secs(30), rejected_inbox.next()).await;
            let Ok(Some(Ok(message))) = next else { break };
            rejected.push(
                serde_json::from_slice::<serde_json::Value>(&message.body).unwrap_or_default(),
            );
            message.ack().await.ok();
        }
        let code_of = |code: &str| rejected.iter().find(|r| r["reason_code"] == code).cloned();
        let invalid = code_of("invalid_message").unwrap_or_else(|| panic!("{rejected:?}"));
        assert!(
            invalid["submission_id"]
                .as_str()
                .is_some_and(|id| id.len() == 64),
            "{invalid}"
        );
        let refused = code_of("upload_refused").unwrap_or_else(|| panic!("{rejected:?}"));
        assert_eq!(refused["dossier_id"], "X");
        assert_eq!(refused["document_id"], "X-1");
        assert!(
            refused["reason_fr"]
                .as_str()
                .is_some_and(|r| r.contains("fichier")),
            "{refused}"
        );
        assert!(
            refused["reason_en"]
                .as_str()
                .is_some_and(|r| r.contains("outside the storage root")),
            "{refused}"
        );
        // Both wait in the dead-letter queue, with their reason and the queue they came from.
        let listing = fleet.dossier(&["dead-letters", "--limit", "10"]);
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&listing.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        assert_eq!(
            lines.len(),
            2,
            "{}",
            String::from_utf8_lossy(&listing.stderr)
        );
        let from = |queue: &str| lines.iter().find(|l| l["queue"] == queue).cloned();
        let dead_submission = from(INTAKE_QUEUE).unwrap_or_else(|| panic!("{lines:?}"));
        assert!(
            dead_submission["reason"]
                .as_str()
                .is_some_and(|r| r.contains("invalid dossier.submitted.v1")),
            "{dead_submission}"
        );
        let dead_upload = from(EXTRACT_QUEUE).unwrap_or_else(|| panic!("{lines:?}"));
        assert!(
            dead_upload["reason"]
                .as_str()
                .is_some_and(|r| r.contains("outside the storage root")),
            "{dead_upload}"
        );
        assert_eq!(dead_upload["body"]["document_id"], "X-1");
        // Listing leaves them there; replaying the upload sends it back to its worker, which
        // refuses it again and tells the portal again.
        assert_eq!(broker.queue_depth(DEAD_QUEUE).await.unwrap_or(0), 2);
        let replay = fleet.dossier(&["dead-letters", "--replay", "--queue", EXTRACT_QUEUE]);
        assert!(
            replay.status.success(),
            "{}",
            String::from_utf8_lossy(&replay.stderr)
        );
        let next = tokio::time::timeout(Duration::from_secs(30), rejected_inbox.next()).await;
        let Ok(Some(Ok(again))) = next else {
            panic!("no rejection after the replay")
        };
        let again: serde_json::Value = serde_json::from_slice(&again.body).unwrap_or_default();
        assert_eq!(again["document_id"], "X-1");
        assert_eq!(broker.queue_depth(UNROUTABLE_QUEUE).await.unwrap_or(0), 1);
        // The portal got per-document feedback too.
        assert!(
            broker
                .queue_depth(PORTAL_EXTRACTED_QUEUE)
                .await
                .unwrap_or(0)
                > 0
        );
        broker.close().await;
    });
}

#[test]
fn killed_workers_redeliver_with_the_same_verdict_id() {
    let mut fleet = Fleet::new();
    fleet.start("extract-worker", &["--concurrency", "1"]);
    fleet.start("verdict-worker", &["--concurrency", "1", "--prefetch", "4"]);
    let dirs = fixture_dossiers();
    fleet.submit(&dirs);
    std::thread::sleep(Duration::from_millis(300));
    fleet.kill("verdict-worker");
    fleet.kill("extract-worker");
    fleet.start("extract-worker", &[]);
    fleet.start("verdict-worker", &[]);
    let expected: BTreeMap<String, String> = dirs
        .iter()
        .map(|d| {
            let v = validate(&fleet, d);
            (
                v["dossier_id"].as_str().unwrap_or_default().to_string(),
                v["verdict_id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let ids: BTreeSet<String> = expected.keys().cloned().collect();
    let verdicts = verdicts_for(&fleet, &ids, Duration::from_secs(120));
    let mut ids_per_dossier: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for verdict in &verdicts {
        record_verdict(&mut ids_per_dossier, verdict);
    }
    assert_eq!(
        ids_per_dossier.keys().cloned().collect::<BTreeSet<_>>(),
        ids,
        "a dossier was lost"
    );
    for (id, verdict_ids) in ids_per_dossier {
        assert_eq!(verdict_ids, BTreeSet::from([expected[&id].clone()]), "{id}");
    }
}

#[test]
fn workers_reconnect_after_a_broker_restart() {
    let ctl = |args: &[&str]| {
        std::process::Command::new("rabbitmqctl")
            .args(args)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if !ctl(&["-q", "status"]) {
        eprintln!("skipped: rabbitmqctl cannot control the broker here");
        return;
    }
    let mut fleet = Fleet::new();
    fleet.start("extract-worker", &[]);
    fleet.start("verdict-worker", &[]);
    let dirs = fixture_dossiers();
    fleet.submit(&dirs[..2]);
    assert_eq!(fleet.verdicts(2, Duration::from_secs(60)).len(), 2);
    assert!(ctl(&["stop_app"]), "rabbitmqctl stop_app failed");
    assert!(ctl(&["start_app"]), "rabbitmqctl start_app failed");
    ctl(&["await_startup"]);
    fleet.submit(&dirs[2..5]);
    assert_eq!(
        fleet.verdicts(3, Duration::from_secs(90)).len(),
        3,
        "no verdict after the broker restart"
    );
}

#[test]
fn urgent_dossiers_are_verdicted_first() {
    let mut fleet = Fleet::new();
    let template = dossier_core::folder::load(&fixtures().join("dossiers/pass-request"), 64 << 20)
        .unwrap_or_else(|e| panic!("{e}"));
    let storage =
        dossier_storage::Storage::from_url(&fleet.storage_url()).unwrap_or_else(|e| panic!("{e}"));
    let today = chrono::Local::now().date_naive();
    const TOTAL: usize = 2000;
    let urgent_ids: BTreeSet<String> = (0..TOTAL)
        .filter(|i| i % 20 == 7)
        .map(|i| format!("BACKLOG-{i}"))
        .collect();
    runtime().block_on(async {
        let refs = upload_files(&storage, &template, "backlog").await;
        let broker = Broker::connect(&amqp_url(), "fleet-test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let publisher = broker.publisher().await.unwrap_or_else(|e| panic!("{e}"));
        for i in 0..TOTAL {
            let mut request = template.request.clone();
            request.dossier_id = format!("BACKLOG-{i}");
            let start = today
                + chrono::Duration::days(if urgent_ids.contains(&request.dossier_id) {
                    3
                } else {
                    90
                });
            let length = request.training.end_date - request.training.start_date;
            request.training.start_date = start;
            request.training.end_date = start + length;
            request.submitted_on = today - chrono::Duration::days(1);
            request.documents = Some(refs.clone());
            let body = serde_json::to_vec(&request).unwrap_or_default();
            publisher
                .publish(
                    Target::Event(routing::DOSSIER_SUBMITTED),
                    &body,
                    &Meta::default(),
                )
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        broker.close().await;
    });
    fleet.start("verdict-worker", &["--concurrency", "1", "--prefetch", "2"]);
    let order: Vec<String> = runtime().block_on(async {
        let broker = Broker::connect(&amqp_url(), "fleet-test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut inbox = broker
            .consume(PORTAL_VERDICT_QUEUE, 100, "fleet-test-order")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut order = Vec::new();
        while order.len() < TOTAL {
            let next = tokio::time::timeout(Duration::from_secs(60), inbox.next()).await;
            let Ok(Some(Ok(message))) = next else { break };
            let verdict: serde_json::Value =
                serde_json::from_slice(&message.body).unwrap_or_default();
            order.push(
                verdict["dossier_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
            message.ack().await.ok();
        }
        broker.close().await;
        order
    });
    assert_eq!(order.len(), TOTAL, "verdicts missing");
    let last_urgent = order
        .iter()
        .rposition(|id| urgent_ids.contains(id))
        .unwrap_or(0);
    let others_before = order[..last_urgent]
        .iter()
        .filter(|id| !urgent_ids.contains(*id))
        .count();
    let others = TOTAL - urgent_ids.len();
    assert!(
        others_before * 4 <= others,
        "{others_before} of {others} non-urgent dossiers were verdicted before the last urgent one"
    );
}
