//! Chaos: 1,000 dossiers flow while both workers are SIGKILLed again and again and the broker
//! restarts once. Every dossier must end with exactly one distinct `verdict_id`, and nothing
//! may be left in the queues but poison messages in the dead-letter queue.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use dossier_amqp::topology::{PORTAL_VERDICT_QUEUE, queue_names};
use dossier_amqp::{Broker, Meta, Target};
use dossier_contract::routing;

use crate::fleet::{Fleet, amqp_url, load_templates, record_verdict, runtime, upload_files};

const DOSSIERS: usize = 1000;

#[test]
fn a_thousand_dossiers_survive_kills_and_a_broker_restart() {
    let mut fleet = Fleet::new();
    let storage = fleet.storage();
    let templates = load_templates();
    runtime().block_on(async {
        let broker = Broker::connect(&amqp_url(), "chaos-test").await.unwrap_or_else(|e| panic!("{e}"));
        let publisher = broker.publisher().await.unwrap_or_else(|e| panic!("{e}"));
        let mut prepared = Vec::new();
        for (t, template) in templates.iter().enumerate() {
            prepared.push(upload_files(&storage, template, &format!("chaos/{t}")).await);
        }
        for i in 0..DOSSIERS {
            let t = i % templates.len();
            let mut request = templates[t].request.clone();
            request.dossier_id = format!("CHAOS-{i}");
            request.documents = Some(prepared[t].clone());
            for document in &prepared[t] {
                let upload = serde_json::json!({
                    "dossier_id": request.dossier_id, "document_id": document.document_id, "uri": document.uri,
                    "sha256": document.sha256, "content_type": "application/pdf", "uploaded_at": "2026-11-22T00:00:00Z"
                });
                publisher.publish(Target::Event(routing::DOCUMENT_UPLOADED), upload.to_string().as_bytes(), &Meta::default()).await.unwrap_or_else(|e| panic!("{e}"));
            }
            let body = serde_json::to_vec(&request).unwrap_or_default();
            publisher.publish(Target::Event(routing::DOSSIER_SUBMITTED), &body, &Meta::default()).await.unwrap_or_else(|e| panic!("{e}"));
        }
        broker.close().await;
    });

    let ctl = |args: &[&str]| {
        std::process::Command::new("rabbitmqctl")
            .args(args)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    let can_restart = ctl(&["-q", "status"]);
    fleet.start("extract-worker", &[]);
    fleet.start("verdict-worker", &[]);
    // Kills come faster than any orchestrator restarts a pod, but not faster than a worker
    // can connect and settle a message: the redelivered head of a queue must get a chance,
    // or it reaches the queue's delivery limit (5) from kills alone and is dead-lettered as
    // poison, as a message that crashes its worker five times should be.
    for round in 0..6 {
        std::thread::sleep(Duration::from_millis(1500));
        fleet.kill("verdict-worker");
        fleet.kill("extract-worker");
        if round == 2 && can_restart {
            assert!(
                ctl(&["stop_app"]) && ctl(&["start_app"]),
                "broker restart failed"
            );
            ctl(&["await_startup"]);
        }
        fleet.start("extract-worker", &[]);
        fleet.start("verdict-worker", &[]);
    }

    let verdict_ids: BTreeMap<String, BTreeSet<String>> = runtime().block_on(async {
        let broker = Broker::connect(&amqp_url(), "chaos-test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut inbox = broker
            .consume(PORTAL_VERDICT_QUEUE, 200, "chaos-verdicts")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let deadline = Instant::now() + Duration::from_secs(240);
        while ids.len() < DOSSIERS && Instant::now() < deadline {
            let Ok(Some(Ok(message))) =
                tokio::time::timeout(Duration::from_secs(30), inbox.next()).await
            else {
                break;
            };
            record_verdict(
                &mut ids,
                &serde_json::from_slice(&message.body).unwrap_or_default(),
            );
            message.ack().await.ok();
        }
        // Redelivered work may still publish duplicates for a moment: wait for the queues to
        // drain, reading the last verdicts too.
        let settle = Instant::now() + Duration::from_secs(60);
        loop {
            while let Ok(Some(Ok(message))) =
                tokio::time::timeout(Duration::from_millis(500), inbox.next()).await
            {
                record_verdict(
                    &mut ids,
                    &serde_json::from_slice(&message.body).unwrap_or_default(),
                );
                message.ack().await.ok();
            }
            let mut busy = 0;
            for queue in queue_names().into_iter().filter(|q| {
                *q != "dossier.dead" && *q != PORTAL_VERDICT_QUEUE && !q.starts_with("portal.")
            }) {
                busy += broker.queue_depth(queue).await.unwrap_or(0);
            }
            if busy == 0 || Instant::now() > settle {
                assert_eq!(busy, 0, "work left in the queues");
                break;
            }
        }
        broker.close().await;
        ids
    });
    assert_eq!(
        verdict_ids.len(),
        DOSSIERS,
        "{} dossiers lost",
        DOSSIERS - verdict_ids.len()
    );
    let ambiguous: Vec<_> = verdict_ids
        .iter()
        .filter(|(_, ids)| ids.len() != 1)
        .collect();
    assert!(
        ambiguous.is_empty(),
        "dossiers with several verdict ids: {ambiguous:?}"
    );
}
