//! What the rules see: the request, the documents grouped by kind, the rulebook, and helpers
//! to read fields (low-confidence values count as unread) and to build findings.

use dossier_contract::{
    DocumentKind, DocumentReport, DossierRequest, Evidence, Field, Finding, Severity,
};

use crate::Rulebook;

pub(crate) struct Context<'a> {
    pub(crate) request: &'a DossierRequest,
    pub(crate) documents: &'a [DocumentReport],
    pub(crate) rulebook: &'a Rulebook,
}

/// The pseudo-document id of values taken from `dossier.json`.
pub(crate) const DOSSIER_JSON: &str = "dossier.json";

impl<'a> Context<'a> {
    pub(crate) fn new(
        request: &'a DossierRequest,
        documents: &'a [DocumentReport],
        rulebook: &'a Rulebook,
    ) -> Context<'a> {
        Context {
            request,
            documents,
            rulebook,
        }
    }

    pub(crate) fn of_kind(&self, kind: DocumentKind) -> impl Iterator<Item = &'a DocumentReport> {
        self.documents.iter().filter(move |d| d.kind == kind)
    }

    pub(crate) fn first(&self, kind: DocumentKind) -> Option<&'a DocumentReport> {
        self.of_kind(kind).next()
    }

    /// A field when it was read with enough confidence.
    pub(crate) fn read<'f, T>(&self, field: &'f Option<Field<T>>) -> Option<&'f Field<T>> {
        field
            .as_ref()
            .filter(|f| f.confidence >= self.rulebook.parameters.min_field_confidence)
    }

    pub(crate) fn finding(
        &self,
        rule: &str,
        message: String,
        documents: Vec<String>,
        evidence: Vec<Evidence>,
    ) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity: self.rulebook.severity(rule),
            message,
            documents,
            evidence,
        }
    }

    /// A check that could not be decided because a field is unread: at most a warning, so
    /// the dossier goes to review rather than passing silently (contract §3).
    pub(crate) fn undecided(&self, rule: &str, message: String, documents: Vec<String>) -> Finding {
        let mut finding = self.finding(rule, message, documents, Vec::new());
        finding.severity = finding.severity.min(Severity::Warning);
        finding
    }
}

/// Evidence from a document field.
pub(crate) fn evidence<T>(document: &DocumentReport, field: &Field<T>) -> Evidence {
    Evidence {
        document_id: document.document_id.clone(),
        page: Some(field.page),
        text: field.evidence.clone(),
        bbox: field.bbox,
    }
}

/// Evidence from `dossier.json`.
pub(crate) fn dossier_evidence(path: &str, value: impl std::fmt::Display) -> Evidence {
    Evidence {
        document_id: DOSSIER_JSON.to_string(),
        page: None,
        text: format!("{path} = {value}"),
        bbox: None,
    }
}

/// A noun phrase after "de", with the article contracted as French requires: "de" + "le
/// devis" is "du devis", "de" + "les" is "des"; "de la", "de l'" stay as they are. Messages
/// say `de(&named(doc))`, never `"de {}"` with a phrase that starts with an article.
pub(crate) fn de(phrase: &str) -> String {
    with_preposition("de", phrase)
}

/// `preposition phrase` with "de le", "de les", "à le" ("au"), "à les" ("aux") contracted.
pub(crate) fn with_preposition(preposition: &str, phrase: &str) -> String {
    let contracted = |le: &str, les: &str| {
        if let Some(rest) = phrase.strip_prefix("le ") {
            format!("{le} {rest}")
        } else if let Some(rest) = phrase.strip_prefix("les ") {
            format!("{les} {rest}")
        } else {
            format!("{preposition} {phrase}")
        }
    };
    match preposition {
        "de" => contracted("du", "des"),
        "à" => contracted("au", "aux"),
        _ => format!("{preposition} {phrase}"),
    }
}

/// "le devis « devis.pdf »".
pub(crate) fn named(document: &DocumentReport) -> String {
    let label = match document.kind {
        DocumentKind::Quote => "le devis",
        DocumentKind::Programme => "le programme",
        DocumentKind::QualiopiCertificate => "le certificat Qualiopi",
        DocumentKind::AttendanceSheet => "la feuille d'émargement",
        DocumentKind::Invoice => "la facture",
        DocumentKind::CompletionCertificate => "le certificat de réalisation",
        DocumentKind::ConnectionLog => "le relevé de connexions",
        DocumentKind::Unknown | DocumentKind::Unreadable => "le document",
    };
    format!("{label} « {} »", document.file)
}
