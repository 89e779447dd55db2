//! Classification and field extraction, from positioned lines to the fields of contract §4.
//!
//! The input is a [`DocText`] (from a PDF text layer or OCR, it makes no difference); the
//! output is the document's kind with a confidence, and its fields, each with value,
//! confidence, page, evidence and box. Everything here is pure: no I/O, no clock.
//!
//! Extraction is label-driven and layout-aware rather than template-driven: a value is found
//! next to one of the many wordings of its label (same line, table row, or below), values
//! are parsed by `dossier-parse`, and where several readings compete the document's own
//! arithmetic or structure decides (totals that add up, a header's columns). A field that
//! cannot be read is absent, never guessed.

mod attendance;
mod certificate;
mod classify;
mod commercial;
mod lexicon;
mod parties;
mod programme;
mod totals;
mod values;
mod view;

use dossier_contract::{DocumentKind, Fields};
use dossier_layout::DocText;

/// What was read from one document.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub kind: DocumentKind,
    pub kind_confidence: f64,
    pub fields: Fields,
}

/// Classifies a document and extracts the fields of its kind.
pub fn extract(text: &DocText) -> Extraction {
    let view = view::DocView::new(text);
    let (kind, kind_confidence) = classify::classify(&view);
    let mut fields = Fields::default();
    match kind {
        DocumentKind::Quote | DocumentKind::Invoice => {
            parties::extract_parties(&view, &mut fields, true);
            commercial::extract_commercial(&view, &mut fields, kind);
        }
        DocumentKind::Programme => {
            parties::extract_parties(&view, &mut fields, false);
            programme::extract_programme(&view, &mut fields);
        }
        DocumentKind::QualiopiCertificate => {
            parties::extract_parties(&view, &mut fields, false);
            certificate::extract_certificate(&view, &mut fields);
        }
        DocumentKind::AttendanceSheet => {
            parties::extract_parties(&view, &mut fields, false);
            attendance::extract_attendance(&view, &mut fields);
        }
        DocumentKind::Unknown | DocumentKind::Unreadable => {}
    }
    Extraction {
        kind,
        kind_confidence,
        fields,
    }
}
