//! The extract worker: `document.uploaded.v1` → fetch → read → store the extraction by the
//! document's SHA-256 → publish `document.extracted.v1` (instant feedback for the portal).
//! [`extraction`] is shared with the verdict worker, which extracts inline what is not
//! stored yet.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use dossier_amqp::topology::{EXTRACT_QUEUE, EXTRACT_RETRY_QUEUES};
use dossier_amqp::{Broker, Inbound, Meta, Publisher, Target};
use dossier_contract::{
    DocumentExtracted, DocumentKind, DocumentReport, DocumentUploaded, routing,
};
use dossier_storage::StorageError;
use tokio::sync::watch;
use tracing::Instrument;

use crate::disposition::{Failure, Subject};
use crate::runtime::{Ended, Route, Shared, drive, handle_message};

pub(crate) async fn run(
    broker: &Broker,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) -> Ended {
    let publisher = match broker.publisher().await {
        Ok(p) => Arc::new(p),
        Err(err) => return Ended::Lost(err.to_string()),
    };
    let inbox = match broker
        .consume(EXTRACT_QUEUE, shared.settings.prefetch, "extract-worker")
        .await
    {
        Ok(inbox) => inbox,
        Err(err) => return Ended::Lost(err.to_string()),
    };
    let grace = Duration::from_secs(shared.settings.shutdown_grace_secs);
    let concurrency = shared.settings.concurrency;
    let handler_publisher = publisher.clone();
    let ended = drive(inbox, concurrency, shutdown, grace, move |message| {
        let shared = shared.clone();
        let publisher = handler_publisher.clone();
        async move { handle(&shared, &publisher, message).await }
    })
    .await;
    // The consumer's channel is closed and nothing is in flight: the publisher's goes last.
    publisher.close().await;
    ended
}

async fn handle(shared: &Shared, publisher: &Publisher, message: Inbound) {
    let started = Instant::now();
    let subject = Subject::salvaged(&message);
    // Every line logged about this upload carries its ids, even when its body is invalid.
    let span = tracing::info_span!(
        "upload",
        dossier_id = %subject.dossier_id,
        document_id = subject.document_id.as_deref().unwrap_or(""),
    );
    let route = Route {
        worker: "extract-worker",
        queue: EXTRACT_QUEUE,
        retry_queues: &EXTRACT_RETRY_QUEUES,
    };
    handle_message(
        shared,
        publisher,
        &message,
        route,
        &subject,
        "upload not extracted",
        || process(shared, publisher, &message),
    )
    .instrument(span)
    .await;
    shared.metrics.observe("extract_total", started.elapsed());
}

async fn process(shared: &Shared, publisher: &Publisher, message: &Inbound) -> Result<(), Failure> {
    let upload: DocumentUploaded = serde_json::from_slice(&message.body).map_err(|e| {
        Failure::Invalid(format!("invalid {} body: {e}", routing::DOCUMENT_UPLOADED))
    })?;
    {
        let file = upload
            .uri
            .rsplit('/')
            .next()
            .unwrap_or("document")
            .to_string();
        let document = extraction(
            shared,
            &Upload {
                dossier_id: &upload.dossier_id,
                document_id: &upload.document_id,
                file: &file,
                uri: &upload.uri,
                sha256: &upload.sha256,
                declared_kind: upload.declared_kind,
            },
            OcrPolicy::ReadHere,
        )
        .await?;
        let kind = document.kind;
        let body = DocumentExtracted {
            dossier_id: upload.dossier_id.clone(),
            document_id: upload.document_id.clone(),
            sha256: upload.sha256.clone(),
            document,
        };
        let json = serde_json::to_vec(&body).map_err(|e| Failure::Internal(e.to_string()))?;
        let started = Instant::now();
        let meta = Meta {
            message_id: Some(format!("{}:{}", upload.document_id, upload.sha256)),
            ..Meta::default()
        };
        publisher
            .publish(Target::Event(routing::DOCUMENT_EXTRACTED), &json, &meta)
            .await?;
        shared.metrics.observe("publish", started.elapsed());
        tracing::info!(kind = kind.as_str(), "document extracted");
        Ok(())
    }
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// A document to read, as a message names it.
pub(crate) struct Upload<'a> {
    pub(crate) dossier_id: &'a str,
    pub(crate) document_id: &'a str,
    pub(crate) file: &'a str,
    pub(crate) uri: &'a str,
    pub(crate) sha256: &'a str,
    pub(crate) declared_kind: Option<DocumentKind>,
}

/// Who reads a page that needs OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OcrPolicy {
    /// This worker: the extract worker, and the verdict worker once it has waited long
    /// enough for the extract worker.
    ReadHere,
    /// The extract worker, which has the same upload in its queue: this worker reads the
    /// text layer only, and a document that needs OCR is waited for
    /// ([`Failure::AwaitingExtraction`]) instead of being read twice.
    LeaveToExtractWorker,
}

/// A document's extraction: from storage when this content was read before (a re-upload
/// or a redelivery costs nothing), else fetched, read on a blocking thread and stored.
pub(crate) async fn extraction(
    shared: &Shared,
    upload: &Upload<'_>,
    policy: OcrPolicy,
) -> Result<DocumentReport, Failure> {
    let Upload {
        dossier_id,
        document_id,
        file,
        uri,
        sha256,
        declared_kind,
    } = *upload;
    if !is_sha256(sha256) {
        return Err(Failure::Invalid(format!("`{sha256}` is not a SHA-256")));
    }
    // Keyed by the reading's version too: a release that reads better is not served the
    // readings of the one before (nor a stale failure).
    let key = format!(
        "extractions/v1/{}/{}.json",
        dossier_core::READING_VERSION,
        sha256.to_ascii_lowercase()
    );
    let with_ids = |mut report: DocumentReport| {
        report.document_id = document_id.to_string();
        report.file = file.to_string();
        report.declared_kind = declared_kind;
        report
    };
    if let Some(stored) = shared.storage.get_key(&key).await?
        && let Ok(report) = serde_json::from_slice::<DocumentReport>(&stored)
    {
        return Ok(with_ids(report));
    }
    let started = Instant::now();
    let bytes = match shared
        .storage
        .get(uri, shared.settings.limits.max_file_bytes)
        .await
    {
        Ok(bytes) => bytes,
        Err(StorageError::NotFound(_)) => {
            return Ok(dossier_core::unreadable(
                document_id,
                file,
                declared_kind,
                "fichier introuvable dans le stockage".into(),
            ));
        }
        Err(StorageError::TooLarge { limit, .. }) => {
            return Ok(dossier_core::unreadable(
                document_id,
                file,
                declared_kind,
                format!("le fichier dépasse la taille maximale ({} Mo)", limit >> 20),
            ));
        }
        Err(err) => return Err(err.into()),
    };
    shared.metrics.observe("fetch", started.elapsed());
    let actual = dossier_core::sha256_hex(&bytes);
    if !actual.eq_ignore_ascii_case(sha256) {
        return Err(Failure::Refused(format!(
            "the bytes at {uri} have SHA-256 {actual}, not {sha256}"
        )));
    }
    let started = Instant::now();
    let reader = Arc::clone(match policy {
        OcrPolicy::ReadHere => &shared.reader,
        OcrPolicy::LeaveToExtractWorker => &shared.text_reader,
    });
    let (dossier, id, name) = (
        dossier_id.to_string(),
        document_id.to_string(),
        file.to_string(),
    );
    let report = tokio::task::spawn_blocking(move || {
        reader.read(&dossier, &id, &name, declared_kind, &bytes)
    })
    .await
    .map_err(|e| Failure::Internal(format!("the reading task failed: {e}")))??;
    // Only a reading that left OCR to the extract worker waits for it; one that had to
    // read here (OCR switched off by `DOSSIER_OCR=false`) is final as it is.
    if policy == OcrPolicy::LeaveToExtractWorker && crate::reader::Reader::needs_ocr(&report) {
        return Err(Failure::AwaitingExtraction(format!(
            "document {document_id} needs OCR: waiting for the extract worker's reading"
        )));
    }
    shared.metrics.observe("read", started.elapsed());
    shared
        .metrics
        .document(report.text_source.map_or("none", |s| match s {
            dossier_contract::TextSource::TextLayer => "text_layer",
            dossier_contract::TextSource::Ocr => "ocr",
            dossier_contract::TextSource::Mixed => "mixed",
        }));
    shared
        .metrics
        .ocr_pages(report.ocr_pages, started.elapsed());
    // A fault of ours (a panic caught while reading) is no reading of the file: the message
    // is retried, then dead-lettered as internal, and never reaches a verdict as a finding
    // against the upload.
    if report.internal_error {
        shared.metrics.internal_error();
        return Err(Failure::Internal(format!(
            "reading failed: {}",
            report.reason.as_deref().unwrap_or("no reason given")
        )));
    }
    // Only a final reading is cached: a failure of ours or a reading stopped under load is
    // tried again on the next delivery or resubmission.
    if crate::reader::Reader::is_final(&report) {
        let json = serde_json::to_vec(&report).map_err(|e| Failure::Internal(e.to_string()))?;
        shared.storage.put_key(&key, Bytes::from(json)).await?;
    }
    Ok(report)
}
