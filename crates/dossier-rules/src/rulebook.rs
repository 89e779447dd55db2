//! The rulebook: every parameter of the rules as data (TOML), so an OPCO's published terms
//! change without a code change. The built-in OPCO 2i rulebook is compiled in; another is
//! loaded with `--rulebook`.

use std::collections::BTreeMap;

use dossier_contract::{DocumentKind, Severity, Stage};
use rust_decimal::Decimal;
use serde::Deserialize;

/// The rule ids of contract §5, in the order findings are reported.
pub const RULE_IDS: [&str; 23] = [
    "missing_document",
    "unreadable_document",
    "unknown_document",
    "declared_kind_mismatch",
    "invalid_siret",
    "provider_mismatch",
    "client_mismatch",
    "nda_missing",
    "qualiopi_not_valid_for_dates",
    "qualiopi_category_missing",
    "qualiopi_validity_implausible",
    "quote_totals_incoherent",
    "requested_amount_exceeds_quote",
    "hourly_cost_above_ceiling",
    "duration_mismatch",
    "training_dates_mismatch",
    "trainees_mismatch",
    "request_after_start",
    "attendance_hours_short",
    "attendance_outside_dates",
    "programme_content_incomplete",
    "invoice_exceeds_quote",
    "scheme_not_eligible",
];

/// Rules added by contract v1.1 (§7.3). A rulebook may give them a severity; one written
/// for v1.0 that does not still loads, and they take their contract severity.
pub const RULE_IDS_V1_1: [(&str, Severity); 3] = [
    ("uncertain_document_kind", Severity::Warning),
    ("completion_hours_short", Severity::Warning),
    // Not the contract's (an addition of this service): a document the service failed to
    // read by its own fault. A warning: an adviser opens it; nobody is asked to upload again.
    ("internal_error", Severity::Warning),
];

/// Where a rule's findings sort among findings of the same severity: contract order.
pub(crate) fn rule_order(rule: &str) -> usize {
    RULE_IDS
        .iter()
        .copied()
        .chain(RULE_IDS_V1_1.iter().map(|(id, _)| *id))
        .position(|r| r == rule)
        .unwrap_or(usize::MAX)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameters {
    pub lead_days: i64,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount_tolerance: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub standard_vat_rate: Decimal,
    pub qualiopi_max_years: u32,
    pub qualiopi_max_years_before_2021: u32,
    pub min_field_confidence: f64,
    /// Totals read by OCR that do not add up are a warning asking to check the page, not a
    /// failure, when one misread digit would explain each disagreement and a figure involved
    /// was read below this confidence.
    #[serde(default = "default_min_scan_confidence_to_fail")]
    pub min_scan_confidence_to_fail: f64,
    pub pdc_max_headcount: u32,
    /// A piece the dossier needs that is classified below this confidence is not taken as
    /// provided with certainty (`uncertain_document_kind`).
    #[serde(default = "default_min_kind_confidence")]
    pub min_kind_confidence: f64,
}

/// For rulebooks written before v1.1; the built-in one says how it was measured.
fn default_min_kind_confidence() -> f64 {
    0.65
}

fn default_min_scan_confidence_to_fail() -> f64 {
    0.75
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    pub request: Vec<DocumentKind>,
    pub payment: Vec<DocumentKind>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub label: String,
    /// The Qualiopi category the action needs: `training_actions`, `apprenticeship`, …
    pub category: String,
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub hourly_ceiling: Option<Decimal>,
    #[serde(default)]
    pub max_headcount: Option<u32>,
    /// Overrides the default requirements for this scheme.
    #[serde(default)]
    pub requirements: Option<Requirements>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certifiers {
    pub accredited: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rulebook {
    pub id: String,
    pub name: String,
    pub parameters: Parameters,
    pub requirements: Requirements,
    pub schemes: BTreeMap<String, Scheme>,
    pub severities: BTreeMap<String, Severity>,
    pub certifiers: Certifiers,
}

#[derive(Debug, thiserror::Error)]
pub enum RulebookError {
    #[error("invalid rulebook: {0}")]
    Invalid(String),
    #[error("the rulebook gives no severity for rule `{0}`")]
    MissingSeverity(String),
    #[error("the rulebook names an unknown rule `{0}`")]
    UnknownRule(String),
}

const BUILT_IN: &str = include_str!("../rulebooks/opco2i-2026.toml");

impl Rulebook {
    /// The built-in OPCO 2i rulebook.
    pub fn built_in() -> Rulebook {
        #[allow(clippy::expect_used)] // Compiled-in data, checked by a test.
        Rulebook::from_toml(BUILT_IN).expect("the built-in rulebook is valid")
    }

    pub fn from_toml(text: &str) -> Result<Rulebook, RulebookError> {
        let book: Rulebook =
            toml::from_str(text).map_err(|e| RulebookError::Invalid(e.to_string()))?;
        for id in RULE_IDS {
            if !book.severities.contains_key(id) {
                return Err(RulebookError::MissingSeverity(id.to_string()));
            }
        }
        if let Some(unknown) = book.severities.keys().find(|k| {
            !RULE_IDS.contains(&k.as_str()) && !RULE_IDS_V1_1.iter().any(|(id, _)| id == k)
        }) {
            return Err(RulebookError::UnknownRule(unknown.clone()));
        }
        Ok(book)
    }

    pub fn severity(&self, rule: &str) -> Severity {
        self.severities.get(rule).copied().unwrap_or_else(|| {
            RULE_IDS_V1_1
                .iter()
                .find(|(id, _)| *id == rule)
                .map_or(Severity::Warning, |(_, severity)| *severity)
        })
    }

    /// The kinds required for a scheme at a stage.
    pub fn required(&self, scheme: &str, stage: Stage) -> &[DocumentKind] {
        let requirements = self
            .schemes
            .get(scheme)
            .and_then(|s| s.requirements.as_ref())
            .unwrap_or(&self.requirements);
        match stage {
            Stage::Request => &requirements.request,
            Stage::Payment => &requirements.payment,
        }
    }
}
