//! Broker message bodies (contract §6). `dossier.submitted.v1` is a [`crate::DossierRequest`]
//! and `dossier.verdict.v1` a [`crate::Verdict`]; the other two are defined here.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DocumentKind, DocumentReport};

/// Routing keys, versioned.
pub mod routing {
    pub const DOCUMENT_UPLOADED: &str = "document.uploaded.v1";
    pub const DOSSIER_SUBMITTED: &str = "dossier.submitted.v1";
    pub const DOCUMENT_EXTRACTED: &str = "document.extracted.v1";
    pub const DOSSIER_VERDICT: &str = "dossier.verdict.v1";
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
