//! The verdict (contract §3): status, findings with French messages and evidence, the
//! documents as read, and the amounts.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::DocumentReport;

/// The `schema` tag every verdict carries.
pub const VERDICT_SCHEMA: &str = "dossier-verdict/1";

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Review,
    Fail,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Blocking,
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// The document, or `dossier.json` for values the portal sent.
    pub document_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f32; 4]>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    /// One French sentence an adviser can act on.
    pub message: String,
    pub documents: Vec<String>,
    pub evidence: Vec<Evidence>,
}

/// Amounts computed for the adviser; absent when they cannot be computed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Amounts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub requested: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub quote_total_ht: Option<Decimal>,
    /// Cost ceiling × hours × trainees under the rulebook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub ceiling: Option<Decimal>,
    /// min(requested, quote total HT, ceiling), pro rata of attended hours at stage payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub fundable: Option<Decimal>,
    /// Hours attended over hours planned, summed over trainees (stage payment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub payable_hours: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub planned_hours: Option<Decimal>,
}

/// The verdict of contract §3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    pub schema: String,
    pub dossier_id: String,
    /// Deterministic id: a hash of the dossier and its documents, equal on redelivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict_id: Option<String>,
    pub status: Status,
    pub rulebook: String,
    pub findings: Vec<Finding>,
    pub documents: Vec<DocumentReport>,
    pub amounts: Amounts,
}
