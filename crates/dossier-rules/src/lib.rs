//! The dossier rules: pure functions of the read dossier and the rulebook that produce the
//! findings, the amounts and the status of a verdict (contract §3 and §5).
//!
//! Each rule reads fields through [`context::Context`], which treats a field read with low
//! confidence as unread; a check that cannot be decided for want of a field yields a
//! `warning` naming the field, never a silent pass. Messages are French sentences with the
//! figures in French format, and every finding points to the documents and text it rests on.

mod context;
mod rulebook;
mod rules;

pub use rulebook::{RULE_IDS, RULE_IDS_V1_1, Rulebook, RulebookError, Scheme};

use dossier_contract::{DocumentReport, DossierRequest, Severity, Status, VERDICT_SCHEMA, Verdict};

/// Runs every rule and assembles the verdict (without `verdict_id`, which the caller derives
/// from the submission).
pub fn check_dossier(
    request: &DossierRequest,
    documents: Vec<DocumentReport>,
    rulebook: &Rulebook,
) -> Verdict {
    let ctx = context::Context::new(request, &documents, rulebook);
    let mut findings = rules::run_all(&ctx);
    let amounts = rules::amounts(&ctx);
    findings.sort_by_key(|f| (std::cmp::Reverse(f.severity), rulebook::rule_order(&f.rule)));
    let status = if findings.iter().any(|f| f.severity == Severity::Blocking) {
        Status::Fail
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        Status::Review
    } else {
        Status::Pass
    };
    Verdict {
        schema: VERDICT_SCHEMA.to_string(),
        dossier_id: request.dossier_id.clone(),
        verdict_id: None,
        status,
        rulebook: rulebook.id.clone(),
        findings,
        documents,
        amounts,
    }
}

#[cfg(test)]
mod tests;
