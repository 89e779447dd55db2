//! SIGTERM during load, as deploys and KEDA scale-downs send it: both workers are stopped
//! gracefully three times while dossiers flow, and a few dossiers are resubmitted with other
//! data. Every submission must get exactly one verdict message (a worker that closed its
//! consumer channel under the dossiers in flight published their verdicts, failed to ack and
//! published them again after redelivery), each naming the submission it answers, so the
//! portal can keep the verdict of the latest submission of each dossier.
//! See: issue 14, points 4 and 10.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use dossier_amqp::Broker;
use dossier_amqp::topology::{DEAD_QUEUE, PORTAL_VERDICT_QUEUE, queue_names};
use dossier_contract::routing;

use crate::fleet::{Fleet, amqp_url, load_templates, publish_event, runtime, upload_files_marked};

/// Dossiers, each with documents of its own bytes (nothing comes from the extraction cache),
/// so that dossiers are being read and verdicted at each SIGTERM: about 0.3 s each for a
/// debug build on 2 cores, 20 s of work in all. With cached readings a verdict takes a few
/// milliseconds and a SIGTERM almost never finds one in flight.
const DOSSIERS: usize = 120;
/// Dossiers submitted a second time, with another requested amount.
const RESUBMITTED: usize = 12;
/// Graceful stops of each worker during the load.
const SIGTERMS: usize = 3;

#[test]
fn sigterms_during_load_publish_one_verdict_per_submission() {
    let mut fleet = Fleet::new();
    let storage = fleet.storage();
    let templates = load_templates();
    // What the portal knows: the submission id of each body it sent, in the order it sent
    // them, per dossier.
    let mut sent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    fleet.start("extract-worker", &["--concurrency", "2"]);
    fleet.start("verdict-worker", &["--concurrency", "2"]);
    runtime().block_on(async {
        let broker = Broker::connect(&amqp_url(), "shutdown-test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let publisher = broker.publisher().await.unwrap_or_else(|e| panic!("{e}"));
        let mut prepared: Vec<Vec<dossier_contract::DocumentRef>> = Vec::new();
        for i in 0..DOSSIERS {
            let template = &templates[i % templates.len()];
            let mark = format!("\n% unique {i}\n");
            prepared.push(
                upload_files_marked(&storage, template, &format!("shutdown/{i}"), &mark).await,
            );
        }
        for i in 0..DOSSIERS + RESUBMITTED {
            let (index, resubmission) = if i < DOSSIERS {
                (i, false)
            } else {
                (i - DOSSIERS, true)
            };
            let mut request = templates[index % templates.len()].request.clone();
            request.dossier_id = format!("SIGTERM-{index}");
            request.documents = Some(prepared[index].clone());
            if resubmission {
                request.requested_amount -= rust_decimal::Decimal::ONE;
            }
            for document in &prepared[index] {
                let upload = serde_json::json!({
                    "dossier_id": request.dossier_id, "document_id": document.document_id,
                    "uri": document.uri, "sha256": document.sha256,
                    "content_type": "application/pdf", "uploaded_at": "2026-12-01T00:00:00Z"
                });
                publish_event(
                    &publisher,
                    routing::DOCUMENT_UPLOADED,
                    upload.to_string().as_bytes(),
                )
                .await;
            }
            let body = serde_json::to_vec(&request).unwrap_or_default();
            sent.entry(request.dossier_id.clone())
                .or_default()
                .push(dossier_core::sha256_hex(&body));
            publish_event(&publisher, routing::DOSSIER_SUBMITTED, &body).await;
        }
        broker.close().await;
    });
    for _ in 0..SIGTERMS {
        std::thread::sleep(Duration::from_millis(1200));
        fleet.terminate("verdict-worker");
        fleet.terminate("extract-worker");
        fleet.start("extract-worker", &["--concurrency", "2"]);
        fleet.start("verdict-worker", &["--concurrency", "2"]);
    }
    let submissions = DOSSIERS + RESUBMITTED;
    // Verdict messages per submission id, and the dossier each names.
    let (received, dead) = runtime().block_on(async {
        let broker = Broker::connect(&amqp_url(), "shutdown-test")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut inbox = broker
            .consume(PORTAL_VERDICT_QUEUE, 200, "shutdown-verdicts")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut received: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
        let read = |received: &mut BTreeMap<String, Vec<serde_json::Value>>, body: &[u8]| {
            let verdict: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
            let submission = verdict["submission_id"].as_str().unwrap_or("").to_string();
            received.entry(submission).or_default().push(verdict);
        };
        let deadline = Instant::now() + Duration::from_secs(240);
        while received.len() < submissions && Instant::now() < deadline {
            let Ok(Some(Ok(message))) =
                tokio::time::timeout(Duration::from_secs(30), inbox.next()).await
            else {
                break;
            };
            read(&mut received, &message.body);
            message.ack().await.ok();
        }
        // A duplicate would come from a redelivery: wait until no work is left anywhere and
        // read what came meanwhile.
        let settle = Instant::now() + Duration::from_secs(60);
        loop {
            while let Ok(Some(Ok(message))) =
                tokio::time::timeout(Duration::from_millis(1500), inbox.next()).await
            {
                read(&mut received, &message.body);
                message.ack().await.ok();
            }
            let mut busy = 0;
            for queue in queue_names()
                .into_iter()
                .filter(|q| !q.starts_with("portal.") && *q != DEAD_QUEUE)
            {
                busy += broker.queue_depth(queue).await.unwrap_or(0);
            }
            if busy == 0 || Instant::now() > settle {
                break;
            }
        }
        let dead = broker.queue_depth(DEAD_QUEUE).await.unwrap_or(0);
        broker.close().await;
        (received, dead)
    });
    assert_eq!(dead, 0, "messages were dead-lettered");
    let expected: BTreeMap<&str, &str> = sent
        .iter()
        .flat_map(|(dossier, ids)| ids.iter().map(move |id| (id.as_str(), dossier.as_str())))
        .collect();
    let unknown: Vec<_> = received
        .keys()
        .filter(|id| !expected.contains_key(id.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "verdicts naming no submission sent: {unknown:?}"
    );
    let missing = submissions - received.len();
    assert_eq!(missing, 0, "{missing} submissions without a verdict");
    let duplicated: Vec<_> = received
        .iter()
        .filter(|(_, verdicts)| verdicts.len() != 1)
        .map(|(id, verdicts)| (expected[id.as_str()], verdicts.len()))
        .collect();
    assert!(
        duplicated.is_empty(),
        "submissions verdicted more than once: {duplicated:?}"
    );
    for (submission, verdicts) in &received {
        let verdict = &verdicts[0];
        assert_eq!(verdict["dossier_id"], expected[submission.as_str()]);
        let at = verdict["verdicted_at"].as_str().unwrap_or("");
        assert!(
            chrono::DateTime::parse_from_rfc3339(at).is_ok(),
            "verdicted_at `{at}` is not RFC 3339"
        );
    }
    // The portal's rule: the verdict to show is the one answering the last submission sent.
    // Resubmitted dossiers got two distinct verdicts, told apart by submission alone.
    for (dossier, ids) in sent.iter().filter(|(_, ids)| ids.len() > 1) {
        let latest = &received[ids.last().map_or("", String::as_str)][0];
        let earlier = &received[ids[0].as_str()][0];
        assert_eq!(latest["dossier_id"], dossier.as_str());
        assert_ne!(
            latest["verdict_id"], earlier["verdict_id"],
            "{dossier}: a resubmission with another amount has another verdict_id"
        );
    }
}
