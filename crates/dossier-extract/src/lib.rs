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
mod completion;
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
        DocumentKind::CompletionCertificate | DocumentKind::ConnectionLog => {
            parties::extract_parties(&view, &mut fields, false);
            completion::extract_completion(&view, &mut fields);
            if kind == DocumentKind::ConnectionLog {
                // A platform's export names no certificate's fields: the contract gives it
                // the title, the provider, the dates and the hours per trainee only.
                fields = Fields {
                    training_title: fields.training_title.take(),
                    provider_name: fields.provider_name.take(),
                    start_date: fields.start_date.take(),
                    end_date: fields.end_date.take(),
                    hours_by_trainee: fields.hours_by_trainee.take(),
                    invalid_siret: fields.invalid_siret.take(),
                    ..Fields::default()
                };
            }
        }
        DocumentKind::Unknown | DocumentKind::Unreadable => {}
    }
    if kind == DocumentKind::QualiopiCertificate && !certificate_facts(text, &fields) {
        return Extraction {
            kind: DocumentKind::Unknown,
            kind_confidence: LOOK_ALIKE_CONFIDENCE,
            fields: Fields::default(),
        };
    }
    // A sign-in sheet with no trainee row read that shows a form's blanks ("Formateur :
    // ........") is likely a blank template: its kind is no certainty the rules may rest on.
    // (A filled sheet the reader could not follow keeps its kind; the attendance rule says
    // what could not be read.)
    let kind_confidence = if kind == DocumentKind::AttendanceSheet
        && fields.signed_slots.is_none()
        && fields.expected_slots.is_none()
        && fields.hours_by_trainee.is_none()
        && view.first_page().any(|l| FORM_BLANK.is_match(l.text()))
    {
        kind_confidence.min(UNREAD_SHEET_CONFIDENCE)
    } else {
        kind_confidence
    };
    Extraction {
        kind,
        kind_confidence,
        fields,
    }
}

/// Kind confidence of a sign-in sheet that reads as a blank template: below the rulebook's
/// kind threshold, so `uncertain_document_kind` asks the adviser to look (a blank template
/// in `fixtures/wild/reportlab-emargement` was read as a sheet at 0.94).
const UNREAD_SHEET_CONFIDENCE: f64 = 0.6;

/// A form's blank: a run of leader dots or underscores.
static FORM_BLANK: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| view::re(r"\.{6,}|_{6,}|…{2,}"));

/// Pages a Qualiopi certificate runs to at most: the real certificates of
/// `../shared/benchmarks` (ten certifiers) have one or two; a brochure that reproduces one
/// page of its certificate among its offer had eleven.
const MAX_CERTIFICATE_PAGES: usize = 3;
/// Confidence that a certificate look-alike (the Qualiopi mark alone, a brochure quoting its
/// certificate) is no certificate.
const LOOK_ALIKE_CONFIDENCE: f64 = 0.7;

/// Whether what was read as a Qualiopi certificate states what a certificate states: a
/// date or a certificate number, and a certified body (an identifier, or at least a name:
/// an OCR'd certificate may lose its SIREN, and a certificate taken for unknown fails the
/// dossier), on a document of a certificate's length. In practice the date and the length
/// decide. The Qualiopi mark that providers
/// print on their websites and brochures ("La certification qualité a été délivrée au titre
/// de la catégorie d'actions suivantes") names a category and a certifier, nothing more.
fn certificate_facts(text: &DocText, fields: &Fields) -> bool {
    // Dates printed count even when no field could take them (a validity the reader
    // missed is still a certificate's).
    let dated = fields.valid_until.is_some()
        || fields.issued_on.is_some()
        || fields.certificate_number.is_some()
        || text
            .pages
            .iter()
            .flat_map(|p| &p.lines)
            .any(|l| !dossier_parse::find_dates(&l.text).is_empty());
    let identified = fields.provider_siren.is_some()
        || fields.provider_siret.is_some()
        || fields.provider_nda.is_some()
        || fields.provider_name.is_some();
    dated && identified && text.pages.len() <= MAX_CERTIFICATE_PAGES
}
