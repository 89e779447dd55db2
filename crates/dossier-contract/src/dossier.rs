//! `dossier.json`: what the portal knows about a funding request (contract §2), and the
//! `dossier.submitted.v1` body, which is the same object with `uri` and `sha256` per document.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ContractError, DocumentKind};

/// The stage of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Demande de prise en charge, before the training.
    Request,
    /// Demande de paiement, after it.
    Payment,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Company {
    pub name: String,
    pub siret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headcount: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idcc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Training {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub provider_siret: String,
    #[schemars(with = "String")]
    pub start_date: NaiveDate,
    #[schemars(with = "String")]
    pub end_date: NaiveDate,
    /// Hours per trainee, as a decimal string.
    #[serde(deserialize_with = "crate::decimal_str::deserialize")]
    #[schemars(with = "String")]
    pub hours: Decimal,
    pub trainees: u32,
}

/// One uploaded document of the dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentRef {
    pub document_id: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_kind: Option<DocumentKind>,
    /// Where the bytes are (fleet mode): `file://…` or `s3://bucket/key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// `dossier.json` (contract §2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DossierRequest {
    pub dossier_id: String,
    pub stage: Stage,
    /// `pdc`, `plan`, `fne`, `pro_a`, `professionalisation`, `apprenticeship`,
    /// `collective_action`; another value gets the default requirements and a warning.
    pub scheme: String,
    #[schemars(with = "String")]
    pub submitted_on: NaiveDate,
    pub company: Company,
    pub training: Training,
    #[serde(deserialize_with = "crate::decimal_str::deserialize")]
    #[schemars(with = "String")]
    pub requested_amount: Decimal,
    /// Authoritative list of documents; when absent every file of the folder is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentRef>>,
}

/// Parses `dossier.json`, naming the field path of the first problem.
pub fn parse_dossier_json(bytes: &[u8]) -> Result<DossierRequest, ContractError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<DossierRequest, _> = serde_path_to_error::deserialize(&mut deserializer);
    match parsed {
        Ok(request) => {
            deserializer.end().map_err(|e| ContractError {
                path: ".".into(),
                problem: e.to_string(),
            })?;
            Ok(request)
        }
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let problem = if inner.is_syntax() || inner.is_eof() {
                format!("invalid JSON: {inner}")
            } else {
                inner.to_string()
            };
            Err(ContractError {
                path: if path.is_empty() || path == "?" {
                    ".".into()
                } else {
                    path
                },
                problem,
            })
        }
    }
}
