//! The wire contract (`shared/spec/contract.md`, v1): `dossier.json`, the document object,
//! the verdict, and the broker message bodies.
//!
//! This is the only crate that defines JSON. Every type here derives `serde` and `schemars`;
//! [`schemas`] renders the JSON Schemas committed under `schemas/`, and a test fails when the
//! committed files are stale. Names and meanings follow the contract: fields may be added,
//! never renamed or dropped.
//!
//! Money and hours travel as decimal strings (`"3430.00"`, `"35"`), never floats: the
//! deserialisers of `dossier.json` reject a number where a string is due, and name the field.

mod decimal_str;
mod document;
mod dossier;
mod messages;
mod verdict;

pub use document::{
    DocumentKind, DocumentReport, Field, Fields, LineItem, Sections, Session, SessionPeriod,
    TextSource, UncertainSlot,
};
pub use dossier::{Company, DocumentRef, DossierRequest, Stage, Training, parse_dossier_json};
pub use messages::{
    DocumentExtracted, DocumentUploaded, DossierRejected, RejectionReason, VerdictMessage, routing,
};
pub use verdict::{Amounts, Evidence, Finding, Severity, Status, VERDICT_SCHEMA, Verdict};

/// Why a `dossier.json` could not be read: the field path and the problem, for one line on
/// stderr.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct ContractError {
    /// Path of the offending field (`training.start_date`), or `.` for the document itself.
    pub path: String,
    pub problem: String,
}

/// The JSON Schemas of the contract's types, as (file name, pretty JSON).
pub fn schemas() -> Vec<(&'static str, String)> {
    let render =
        |schema: schemars::Schema| serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n";
    vec![
        (
            "dossier.schema.json",
            render(schemars::schema_for!(DossierRequest)),
        ),
        (
            "document.schema.json",
            render(schemars::schema_for!(DocumentReport)),
        ),
        (
            "verdict.schema.json",
            render(schemars::schema_for!(Verdict)),
        ),
        (
            "document-uploaded.schema.json",
            render(schemars::schema_for!(DocumentUploaded)),
        ),
        (
            "document-extracted.schema.json",
            render(schemars::schema_for!(DocumentExtracted)),
        ),
        (
            "dossier-rejected.schema.json",
            render(schemars::schema_for!(DossierRejected)),
        ),
        (
            "verdict-message.schema.json",
            render(schemars::schema_for!(VerdictMessage)),
        ),
    ]
}

#[cfg(test)]
mod tests;
