//! Broker message bodies (contract §6 and §7.5). `dossier.submitted.v1` is a
//! [`crate::DossierRequest`]; `dossier.verdict.v1` is a [`VerdictMessage`], the verdict of §3
//! with the fleet's additions (which submission it answers, and when); the others are
//! defined here.
//!
//! Delivery is at least once: a message may arrive twice (a worker killed between publishing
//! and acknowledging its input). A verdict is deduplicated on `verdict_id`; a dossier
//! resubmitted with other pieces gets verdicts with other `submission_id`s, and the portal
//! keeps the one answering the latest submission it sent (see the README, "Delivery").

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DocumentKind, DocumentReport, Verdict};

/// Routing keys, versioned.
pub mod routing {
    pub const DOCUMENT_UPLOADED: &str = "document.uploaded.v1";
    pub const DOSSIER_SUBMITTED: &str = "dossier.submitted.v1";
    pub const DOCUMENT_EXTRACTED: &str = "document.extracted.v1";
    pub const DOSSIER_VERDICT: &str = "dossier.verdict.v1";
    /// Contract §7.5: an upload or a submission that will get no extraction or verdict.
    pub const DOSSIER_REJECTED: &str = "dossier.rejected.v1";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentUploaded {
    pub dossier_id: String,
    pub document_id: String,
    pub uri: String,
    pub sha256: String,
    pub content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_kind: Option<DocumentKind>,
    pub uploaded_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentExtracted {
    pub dossier_id: String,
    pub document_id: String,
    pub sha256: String,
    pub document: DocumentReport,
}

/// The body of `dossier.verdict.v1`: the verdict of contract §3 and the fleet's additions of
/// §7.5. `verdict_id` is equal on redelivery (deduplicate on it); `submission_id` names the
/// submission this verdict answers, so the portal can tell the verdict of a superseded
/// submission that arrives last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct VerdictMessage {
    #[serde(flatten)]
    pub verdict: Verdict,
    /// Lowercase hex SHA-256 of the `dossier.submitted.v1` body as it was published (the
    /// `dossier.json` object with each document's `uri` and `sha256`): the portal computes it
    /// from the bytes it sent.
    pub submission_id: String,
    /// When the verdict was computed (RFC 3339, UTC). Informative: a verdict computed later
    /// may answer an older submission; order by submission, never by this time.
    pub verdicted_at: String,
}

/// Why an upload or a submission will get no extraction or verdict (`reason_code` of
/// `dossier.rejected.v1`). Stable wire names: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    /// The message is not the contract's: not JSON, a field missing or malformed, a
    /// submission without documents, a document without `uri` or `sha256`.
    InvalidMessage,
    /// The message is well formed but names a file the fleet may not or cannot use: a URI
    /// outside the configured storage, bytes whose SHA-256 is not the one announced.
    UploadRefused,
    /// Storage or the broker kept failing through every delayed retry.
    RetriesExhausted,
    /// A fault of the service (a bug, a reader process that kept failing), after retries:
    /// not the uploader's doing; the submission can be sent again once it is fixed.
    InternalError,
    /// Handling the message stopped its worker again and again (the work queue's delivery
    /// limit).
    DeliveryLimit,
}

impl RejectionReason {
    /// The reason for the portal's users, in French.
    pub fn french(self) -> &'static str {
        match self {
            RejectionReason::InvalidMessage => {
                "Le message reçu est incomplet ou mal formé : il ne peut pas être traité."
            }
            RejectionReason::UploadRefused => {
                "Le fichier déposé n'a pas pu être utilisé (emplacement non autorisé ou contenu différent de celui annoncé) : déposez-le à nouveau."
            }
            RejectionReason::RetriesExhausted => {
                "Le service de pré-contrôle est momentanément indisponible : le dossier n'a pas pu être contrôlé, soumettez-le à nouveau plus tard."
            }
            RejectionReason::InternalError => {
                "Une erreur interne du service de pré-contrôle a empêché le contrôle ; elle ne vient pas des pièces déposées. Le dossier pourra être soumis à nouveau."
            }
            RejectionReason::DeliveryLimit => {
                "Le traitement de ce dépôt a échoué à plusieurs reprises : il a été mis de côté pour analyse par l'exploitation."
            }
        }
    }

    /// The reason in English (ops, logs, non-French portals).
    pub fn english(self) -> &'static str {
        match self {
            RejectionReason::InvalidMessage => "the message is incomplete or malformed",
            RejectionReason::UploadRefused => {
                "the uploaded file could not be used (location not allowed, or content other than announced)"
            }
            RejectionReason::RetriesExhausted => {
                "storage or the broker stayed unavailable through every retry"
            }
            RejectionReason::InternalError => {
                "an internal error of the service, not caused by the uploaded files"
            }
            RejectionReason::DeliveryLimit => {
                "handling this message failed its worker repeatedly; kept aside for operations"
            }
        }
    }
}

/// The body of `dossier.rejected.v1` (contract §7.5): an upload (with `document_id`) or a
/// submission (with `submission_id` when its body could be hashed) that will get no
/// extraction or verdict. Delivery is at least once: deduplicate on (`dossier_id`,
/// `document_id`, `submission_id`, `reason_code`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DossierRejected {
    /// The dossier, as the message named it; empty when the body named none (not JSON).
    pub dossier_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    /// For a submission: the SHA-256 of its body, as on a verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission_id: Option<String>,
    pub reason_code: RejectionReason,
    /// One French sentence for the portal's users.
    pub reason_fr: String,
    /// The same in English, with the technical detail.
    pub reason_en: String,
    /// RFC 3339, UTC.
    pub rejected_at: String,
}
