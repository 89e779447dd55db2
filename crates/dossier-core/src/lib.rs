//! The pipeline, shared by the CLI and the fleet so that a dossier gets the same verdict
//! from both: read (text layer | OCR) → classify → extract, then check → verdict.
//!
//! [`read_document`] turns one upload's bytes into the contract's document object; it never
//! fails and never panics: a corrupt, encrypted, empty or unsupported file, a limit hit or a
//! bug caught at the document boundary all become kind `unreadable` with a reason.
//! [`folder`] loads a dossier folder from disk (the only file I/O here, confined to the
//! folder), and [`check`] runs the rulebook over the documents read.

pub mod folder;
mod read;

pub use read::{
    NEEDS_OCR, ReadOptions, detect_content_type, image_plain_text, read_document, read_text,
    sha256_hex, unreadable,
};

use dossier_contract::{DocumentReport, DossierRequest, Verdict};

/// The version of what reading produces (classification, fields, OCR). A cache of readings
/// is keyed by it, so a reading fixed by a new release reaches files read before. Change it
/// with any change to what `read_document` returns for the same bytes.
pub const READING_VERSION: &str = "2026-12-02.25";
use dossier_rules::Rulebook;

/// Checks a dossier whose documents have been read, and returns its verdict with its
/// deterministic `verdict_id`: the same submission gets the same id wherever it is checked.
pub fn verdict(
    request: &DossierRequest,
    documents: Vec<DocumentReport>,
    rulebook: &Rulebook,
) -> Verdict {
    let id = verdict_id(request, &documents, rulebook);
    let mut verdict = dossier_rules::check_dossier(request, documents, rulebook);
    verdict.verdict_id = Some(id);
    verdict
}

/// The id of a submission (contract §7.5): the lowercase hex SHA-256 of the
/// `dossier.submitted.v1` body exactly as published, which the portal can compute from the
/// bytes it sent. A resubmission with other pieces (other `sha256`) or other data is another
/// submission; a redelivery of the same body is the same one.
pub fn submission_id(submission_body: &[u8]) -> String {
    sha256_hex(submission_body)
}

/// The version of the code that checks, as `verdict_id` covers it: the workspace's release
/// (the rules' code) and [`READING_VERSION`] (what reading returns for the same bytes). A
/// release that reads or checks differently gives the same dossier another `verdict_id`, so a
/// portal deduplicating on it is not served the former verdict as a duplicate.
pub fn code_version() -> String {
    format!("{}+{READING_VERSION}", env!("CARGO_PKG_VERSION"))
}

/// A hash of the dossier as submitted, the bytes of its documents, the rulebook's content
/// (not only its id: a rulebook edited under the same id checks differently) and
/// [`code_version`].
pub fn verdict_id(
    request: &DossierRequest,
    documents: &[DocumentReport],
    rulebook: &Rulebook,
) -> String {
    // Where the bytes were stored is not part of the submission's identity: the CLI and the
    // fleet must agree on the id of the same dossier.
    let mut normalized = request.clone();
    for document in normalized.documents.iter_mut().flatten() {
        document.uri = None;
        document.sha256 = None;
    }
    let mut material = serde_json::to_vec(&normalized).unwrap_or_default();
    for document in documents {
        material.extend_from_slice(document.document_id.as_bytes());
        material.push(0);
        material.extend_from_slice(document.sha256.as_deref().unwrap_or("").as_bytes());
        material.push(0);
    }
    material.extend_from_slice(rulebook.id.as_bytes());
    material.push(0);
    // The rulebook as parsed (every parameter, requirement, scheme and severity), so that
    // the TOML's comments and layout do not count but each value does. Its `Debug`
    // rendering is deterministic (ordered maps) and needs nothing of `dossier-rules`.
    material.extend_from_slice(sha256_hex(format!("{rulebook:?}").as_bytes()).as_bytes());
    material.push(0);
    material.extend_from_slice(code_version().as_bytes());
    format!("v2-{}", &sha256_hex(&material)[..32])
}

#[cfg(test)]
mod tests;
