//! Rulebook loading, and what fixture dossiers cannot pin down: how a rule treats a value by
//! the confidence it was read with. The rules themselves are tested end to end on fixture
//! dossiers (`tests/` of `dossier-cli`), where each rule has a dossier that fires it.

use super::*;

#[test]
fn the_built_in_rulebook_loads_and_covers_every_rule() {
    let book = Rulebook::built_in();
    assert_eq!(book.id, "opco2i-2026");
    for id in RULE_IDS {
        assert!(book.severities.contains_key(id), "{id}");
    }
}

#[test]
fn a_rulebook_without_a_severity_is_refused() {
    let text =
        include_str!("../rulebooks/opco2i-2026.toml").replace("nda_missing = \"warning\"\n", "");
    assert!(
        matches!(Rulebook::from_toml(&text), Err(RulebookError::MissingSeverity(id)) if id == "nda_missing")
    );
}

/// A quote whose HT and TTC disagree (the line items and the VAT exemption say 546,00 €;
/// the TTC reads 246,00 €), read from `source` with `confidence`.
fn incoherent_quote(source: &str, confidence: f64) -> dossier_contract::DocumentReport {
    let field = |value: &str, evidence: &str| serde_json::json!({"value": value, "confidence": confidence, "page": 1, "evidence": evidence});
    let report = serde_json::json!({
        "document_id": "D-1",
        "file": "devis.pdf",
        "kind": "quote",
        "kind_confidence": 0.9,
        "pages": 1,
        "text_source": source,
        "fields": {
            "total_ht": field("546.00", "Montant HT 546,00 €"),
            "total_ttc": field("246.00", "Montant TTC 246,00 €"),
        }
    });
    serde_json::from_value(report).unwrap_or_else(|e| panic!("{e}"))
}

fn totals_severity(source: &str, confidence: f64) -> Option<dossier_contract::Severity> {
    let request = dossier_contract::parse_dossier_json(include_bytes!(
        "../../../fixtures/dossiers/pass-request/dossier.json"
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    let verdict = check_dossier(
        &request,
        vec![incoherent_quote(source, confidence)],
        &Rulebook::built_in(),
    );
    verdict
        .findings
        .iter()
        .find(|f| f.rule == "quote_totals_incoherent")
        .map(|f| f.severity)
}

#[test]
fn scanned_totals_that_do_not_add_up_fail_only_when_read_confidently() {
    use dossier_contract::Severity;
    let threshold = Rulebook::built_in().parameters.min_scan_confidence_to_fail;
    // A misread digit is likelier than a provider's arithmetic error on an uncertain scan.
    assert_eq!(
        totals_severity("ocr", threshold - 0.05),
        Some(Severity::Warning)
    );
    assert_eq!(
        totals_severity("ocr", threshold + 0.05),
        Some(Severity::Blocking)
    );
    // A text layer says what the provider wrote, whatever the confidence of its layout.
    assert_eq!(
        totals_severity("text_layer", threshold - 0.05),
        Some(Severity::Blocking)
    );
}
