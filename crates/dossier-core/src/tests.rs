//! `verdict_id`: what it covers (issue 14, point 2: it hashed the rulebook's id only); reading
//! without OCR (issue 14, points 1 and 7).

use super::*;

fn request() -> DossierRequest {
    let json = r#"{
      "dossier_id": "PEC-1", "stage": "request", "scheme": "pdc", "submitted_on": "2026-02-10",
      "company": {"name": "C", "siret": "22386039657652"},
      "training": {"provider_siret": "11839673875439", "start_date": "2026-03-02",
                   "end_date": "2026-03-06", "hours": "35", "trainees": 4},
      "requested_amount": "3430.00"
    }"#;
    dossier_contract::parse_dossier_json(json.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_verdict_id_covers_the_rulebooks_content_and_the_code_version() {
    let built_in = Rulebook::built_in();
    let id = verdict_id(&request(), &[], &built_in);
    assert_eq!(
        id,
        verdict_id(&request(), &[], &Rulebook::built_in()),
        "deterministic"
    );
    // The same rulebook id with another value is another verdict.
    let mut edited = built_in.clone();
    edited.name.push_str(" (edited)");
    assert_eq!(edited.id, built_in.id);
    assert_ne!(verdict_id(&request(), &[], &edited), id);
    // The version is part of it, reading included.
    assert!(code_version().ends_with(READING_VERSION));
    assert!(code_version().starts_with(env!("CARGO_PKG_VERSION")));
    assert!(id.starts_with("v2-"));
}

fn fixture(path: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Without OCR, a text PDF reads as usual and a scan stops at once with [`NEEDS_OCR`]
/// (never a reading of it).
#[test]
fn reading_without_ocr_reads_text_and_stops_at_a_scan() {
    let options = ReadOptions {
        ocr_allowed: false,
        ..ReadOptions::default()
    };
    let text = read_document(
        "D-1",
        "devis.pdf",
        None,
        &fixture("dossiers/pass-request/devis.pdf"),
        &options,
    );
    assert_eq!(
        text.kind,
        dossier_contract::DocumentKind::Quote,
        "{:?}",
        text.reason
    );
    let started = std::time::Instant::now();
    let scan = read_document(
        "D-2",
        "devis.pdf",
        None,
        &fixture("scans/scan-quote-totals/devis.pdf"),
        &options,
    );
    assert_eq!(scan.kind, dossier_contract::DocumentKind::Unreadable);
    assert_eq!(scan.reason.as_deref(), Some(NEEDS_OCR));
    assert_eq!(scan.ocr_pages, 0);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "it read the scan"
    );
}
