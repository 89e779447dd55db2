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

/// A quote whose HT (546,00 €) and TTC disagree, read from `source` with `confidence`.
fn incoherent_quote(source: &str, ttc: &str, confidence: f64) -> dossier_contract::DocumentReport {
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
            "total_ttc": field(ttc, "Montant TTC"),
        }
    });
    serde_json::from_value(report).unwrap_or_else(|e| panic!("{e}"))
}

fn totals_severity(source: &str, ttc: &str, confidence: f64) -> Option<dossier_contract::Severity> {
    let request = dossier_contract::parse_dossier_json(include_bytes!(
        "../../../fixtures/dossiers/pass-request/dossier.json"
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    let verdict = check_dossier(
        &request,
        vec![incoherent_quote(source, ttc, confidence)],
        &Rulebook::built_in(),
    );
    verdict
        .findings
        .iter()
        .find(|f| f.rule == "quote_totals_incoherent")
        .map(|f| f.severity)
}

#[test]
fn scanned_totals_that_do_not_add_up_fail_unless_one_uncertain_digit_explains_it() {
    use dossier_contract::Severity::{Blocking, Warning};
    let threshold = Rulebook::built_in().parameters.min_scan_confidence_to_fail;
    let (unsure, sure) = (threshold - 0.05, threshold + 0.05);
    // "546" read "246": one digit, read uncertainly, is likelier OCR's than the provider's.
    assert_eq!(totals_severity("ocr", "246.00", unsure), Some(Warning));
    // Read confidently, or off by more than one digit: the document says so.
    assert_eq!(totals_severity("ocr", "246.00", sure), Some(Blocking));
    assert_eq!(totals_severity("ocr", "796.00", unsure), Some(Blocking));
    assert_eq!(totals_severity("ocr", "1546.00", unsure), Some(Blocking));
    // A text layer says what the provider wrote.
    assert_eq!(
        totals_severity("text_layer", "246.00", unsure),
        Some(Blocking)
    );
}

/// A Qualiopi certificate whose provider SIREN was read as `siren` with `confidence`.
fn certificate(siren: &str, confidence: f64) -> dossier_contract::DocumentReport {
    let report = serde_json::json!({
        "document_id": "D-3",
        "file": "certificat-qualiopi.pdf",
        "kind": "qualiopi_certificate",
        "kind_confidence": 0.9,
        "pages": 1,
        "text_source": "ocr",
        "fields": {
            "provider_siren": {"value": siren, "confidence": confidence, "page": 1, "evidence": "N° SIREN"},
        }
    });
    serde_json::from_value(report).unwrap_or_else(|e| panic!("{e}"))
}

fn provider_severities(siren: &str, confidence: f64) -> Vec<dossier_contract::Severity> {
    let request = dossier_contract::parse_dossier_json(include_bytes!(
        "../../../fixtures/dossiers/pass-request/dossier.json"
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    check_dossier(
        &request,
        vec![certificate(siren, confidence)],
        &Rulebook::built_in(),
    )
    .findings
    .iter()
    .filter(|f| f.rule == "provider_mismatch")
    .map(|f| f.severity)
    .collect()
}

#[test]
fn an_uncertain_siren_confirms_the_declared_provider_but_never_contradicts_it() {
    use dossier_contract::Severity::{Blocking, Warning};
    // The request declares SIRET 659 685 754 30582.
    let unsure = Rulebook::built_in().parameters.min_field_confidence - 0.2;
    assert_eq!(provider_severities("659685754", unsure), []);
    // Another valid SIREN read uncertainly is no proof of another provider: check by hand.
    assert_eq!(provider_severities("659685762", unsure), [Warning]);
    assert_eq!(provider_severities("659685762", 0.9), [Blocking]);
}

#[test]
fn an_article_after_de_or_a_is_contracted() {
    use crate::context::{de, with_preposition};
    let a = |phrase| with_preposition("à", phrase);
    assert_eq!(de("le devis « devis.pdf »"), "du devis « devis.pdf »");
    assert_eq!(de("les pièces"), "des pièces");
    assert_eq!(de("la facture « f.pdf »"), "de la facture « f.pdf »");
    assert_eq!(de("l'attestation"), "de l'attestation");
    assert_eq!(de("leçons"), "de leçons");
    assert_eq!(a("le devis"), "au devis");
    assert_eq!(a("les stagiaires"), "aux stagiaires");
    assert_eq!(a("la demande"), "à la demande");
    assert_eq!(with_preposition("sur", "le devis"), "sur le devis");
}

/// A document of `kind` classified with `confidence`, without fields.
fn piece(id: &str, kind: &str, confidence: f64) -> dossier_contract::DocumentReport {
    let report = serde_json::json!({
        "document_id": id,
        "file": format!("{id}.pdf"),
        "kind": kind,
        "kind_confidence": confidence,
        "pages": 1,
        "text_source": "text_layer",
        "fields": {}
    });
    serde_json::from_value(report).unwrap_or_else(|e| panic!("{e}"))
}

/// The documents an `uncertain_document_kind` finding names, for a request-stage dossier
/// whose programme is classified with `programme_confidences`.
fn uncertain_kind_findings(
    programme_confidences: &[f64],
) -> Vec<(Vec<String>, dossier_contract::Severity)> {
    let request = dossier_contract::parse_dossier_json(include_bytes!(
        "../../../fixtures/dossiers/pass-request/dossier.json"
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    let mut documents = vec![
        piece("Q", "quote", 0.95),
        piece("C", "qualiopi_certificate", 0.95),
    ];
    for (n, confidence) in programme_confidences.iter().enumerate() {
        documents.push(piece(&format!("P{n}"), "programme", *confidence));
    }
    let verdict = check_dossier(&request, documents, &Rulebook::built_in());
    verdict
        .findings
        .iter()
        .filter(|f| f.rule == "uncertain_document_kind")
        .map(|f| (f.documents.clone(), f.severity))
        .collect()
}

#[test]
fn a_required_piece_classified_with_low_confidence_is_a_warning_naming_it() {
    use dossier_contract::Severity::Warning;
    let threshold = Rulebook::built_in().parameters.min_kind_confidence;
    let (unsure, sure) = (threshold - 0.05, threshold + 0.05);
    assert_eq!(
        uncertain_kind_findings(&[unsure]),
        [(vec!["P0".to_string()], Warning)]
    );
    assert_eq!(uncertain_kind_findings(&[sure]), []);
    // One confidently classified programme is enough; the uncertain one is not required.
    assert_eq!(uncertain_kind_findings(&[unsure, sure]), []);
    // Not there at all is `missing_document`'s, not this rule's.
    assert_eq!(uncertain_kind_findings(&[]), []);
}

#[test]
fn a_rulebook_written_for_v1_0_loads_and_v1_1_rules_take_their_contract_severity() {
    let text = include_str!("../rulebooks/opco2i-2026.toml")
        .replace("uncertain_document_kind = \"warning\"\n", "");
    let book = Rulebook::from_toml(&text).unwrap_or_else(|e| panic!("{e}"));
    for (id, severity) in RULE_IDS_V1_1 {
        assert_eq!(book.severity(id), severity, "{id}");
    }
}

#[test]
fn a_failure_of_the_service_blames_no_upload() {
    use dossier_contract::Severity::Warning;
    let request = dossier_contract::parse_dossier_json(include_bytes!(
        "../../../fixtures/dossiers/pass-request/dossier.json"
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    let mut failed = piece("P", "unreadable", 1.0);
    failed.reason = Some("erreur interne pendant l'analyse du document".into());
    failed.internal_error = true;
    let documents = vec![
        piece("Q", "quote", 0.95),
        piece("C", "qualiopi_certificate", 0.95),
        failed,
    ];
    let verdict = check_dossier(&request, documents, &Rulebook::built_in());
    let rules: Vec<(&str, dossier_contract::Severity)> = verdict
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.severity))
        .collect();
    // The programme may be the document that was not read: not "missing", not "unreadable".
    assert!(rules.contains(&("internal_error", Warning)), "{rules:?}");
    assert!(rules.contains(&("missing_document", Warning)), "{rules:?}");
    assert!(
        !rules.iter().any(|(r, _)| *r == "unreadable_document"),
        "{rules:?}"
    );
    assert_eq!(verdict.status, dossier_contract::Status::Review);
}

/// A sign-in sheet that prints no half-day lengths: `half_days` (date, "am"/"pm") listed,
/// and per trainee the half-days signed.
fn sheet_without_hours(
    half_days: &[(&str, &str)],
    signed: &[(&str, u32)],
) -> dossier_contract::DocumentReport {
    let field = |value: serde_json::Value| serde_json::json!({"value": value, "confidence": 0.9, "page": 1, "evidence": "Nom | Signature Matin | Signature AM"});
    let sessions: Vec<serde_json::Value> = half_days
        .iter()
        .map(|(date, period)| serde_json::json!({"date": date, "period": period}))
        .collect();
    let counts: serde_json::Map<String, serde_json::Value> = signed
        .iter()
        .map(|(name, n)| (name.to_string(), serde_json::json!(n)))
        .collect();
    let expected = half_days.len() as u32 * signed.len() as u32;
    let report = serde_json::json!({
        "document_id": "E",
        "file": "emargement.jpg",
        "kind": "attendance_sheet",
        "kind_confidence": 0.95,
        "pages": 1,
        "text_source": "ocr",
        "fields": {
            "sessions": field(serde_json::json!(sessions)),
            "signed_half_days_by_trainee": field(serde_json::Value::Object(counts)),
            "signed_slots": field(serde_json::json!(signed.iter().map(|(_, n)| n).sum::<u32>())),
            "expected_slots": field(serde_json::json!(expected)),
        }
    });
    serde_json::from_value(report).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_sheet_without_times_counts_each_signed_half_day_as_its_share_of_the_planned_hours() {
    // The payment dossier plans 35 hours for 6 trainees, 24 to 28 August 2026.
    let request = dossier_contract::parse_dossier_json(include_bytes!(
        "../../../fixtures/dossiers/pass-payment/dossier.json"
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    let week: Vec<(&str, &str)> = [
        "2026-08-24",
        "2026-08-25",
        "2026-08-26",
        "2026-08-27",
        "2026-08-28",
    ]
    .iter()
    .flat_map(|d| [(*d, "am"), (*d, "pm")])
    .collect();
    let trainees = ["Ana", "Bea", "Cid", "Dan", "Eve", "Flo"];
    let mut twelve = week.clone();
    twelve.extend([("2026-08-29", "am"), ("2026-08-29", "pm")]);
    let cid_misses_one = || -> Vec<(&'static str, u32)> {
        trainees
            .iter()
            .map(|t| (*t, if *t == "Cid" { 9 } else { 10 }))
            .collect()
    };
    struct Case {
        name: &'static str,
        half_days: Vec<(&'static str, &'static str)>,
        signed: Vec<(&'static str, u32)>,
        /// Sheets uploaded (the same sheet twice: a PDF and a photo of it).
        copies: usize,
        /// A phrase `attendance_hours_short`'s message must hold (an estimate always asks
        /// for a check), and one it must not.
        short: &'static str,
        not: Option<&'static str>,
    }
    let cases = [
        Case {
            name: "every half-day of the week signed: estimated, confirmed by hand",
            half_days: week.clone(),
            signed: trainees.iter().map(|t| (*t, 10)).collect(),
            copies: 1,
            short: "vérifiez que les feuilles couvrent toute la formation",
            not: None,
        },
        Case {
            name: "the last day's sheet missing: 4,375 h per half-day looks plausible, still checked",
            half_days: week[..8].to_vec(),
            signed: trainees.iter().map(|t| (*t, 8)).collect(),
            copies: 1,
            short: "vérifiez que les feuilles couvrent toute la formation",
            not: None,
        },
        Case {
            name: "a share that does not divide: 12 half-days of 35 h, all signed, no 34,99 h",
            half_days: twelve,
            signed: trainees.iter().map(|t| (*t, 12)).collect(),
            copies: 1,
            short: "vérifiez que les feuilles couvrent",
            not: Some("sur 35 h"),
        },
        Case {
            name: "the same sheet uploaded twice: signatures not counted twice",
            half_days: week.clone(),
            signed: cid_misses_one(),
            copies: 2,
            short: "n'ont pas pu être mesurées",
            not: None,
        },
        Case {
            name: "one afternoon missing: 31,5 h of 35 at 3,5 h per half-day",
            half_days: week.clone(),
            signed: cid_misses_one(),
            copies: 1,
            short: "Cid : 31,5 h sur 35 h",
            not: None,
        },
        Case {
            name: "a sheet of the first two days only: no share can be estimated",
            half_days: week[..4].to_vec(),
            signed: trainees.iter().map(|t| (*t, 4)).collect(),
            copies: 1,
            short: "n'ont pas pu être mesurées",
            not: None,
        },
    ];
    for case in cases {
        let documents = (0..case.copies)
            .map(|_| sheet_without_hours(&case.half_days, &case.signed))
            .collect();
        let verdict = check_dossier(&request, documents, &Rulebook::built_in());
        let short = verdict
            .findings
            .iter()
            .find(|f| f.rule == "attendance_hours_short")
            .unwrap_or_else(|| panic!("{}: no attendance_hours_short", case.name));
        assert!(
            short.message.contains(case.short),
            "{}: {}",
            case.name,
            short.message
        );
        if let Some(not) = case.not {
            assert!(
                !short.message.contains(not),
                "{}: {}",
                case.name,
                short.message
            );
        }
        assert_ne!(
            verdict.status,
            dossier_contract::Status::Pass,
            "{}",
            case.name
        );
    }
}

#[test]
fn a_certificat_de_realisation_short_of_the_planned_hours_or_unread_asks_for_a_check() {
    use dossier_contract::Severity::Warning;
    // The payment dossier plans 35 hours.
    let request = dossier_contract::parse_dossier_json(include_bytes!(
        "../../../fixtures/dossiers/pass-payment/dossier.json"
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    let certificate = |fields: serde_json::Value| -> dossier_contract::DocumentReport {
        serde_json::from_value(serde_json::json!({
            "document_id": "R",
            "file": "certificat-realisation.pdf",
            "kind": "completion_certificate",
            "kind_confidence": 0.95,
            "pages": 1,
            "text_source": "text_layer",
            "fields": fields,
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let field = |value: serde_json::Value| serde_json::json!({"value": value, "confidence": 0.85, "page": 1, "evidence": "durée"});
    let cases: [(&str, serde_json::Value, Option<&str>); 4] = [
        (
            "one trainee, all hours done",
            serde_json::json!({"trainee_names": field(serde_json::json!(["Julie FABRE"])), "hours_completed": field(serde_json::json!("35"))}),
            None,
        ),
        (
            "one trainee, 28 h of 35",
            serde_json::json!({"trainee_names": field(serde_json::json!(["Julie FABRE"])), "hours_completed": field(serde_json::json!("28"))}),
            Some("Julie FABRE : 28 h sur 35 h"),
        ),
        (
            "a table of trainees, one short",
            serde_json::json!({"hours_by_trainee": field(serde_json::json!({"VIDAL Camille": "35", "ASTIER Jérôme": "31.5"}))}),
            Some("ASTIER Jérôme : 31,5 h sur 35 h"),
        ),
        (
            "no hours read",
            serde_json::json!({}),
            Some("n'ont pas pu être lues"),
        ),
    ];
    for (name, fields, want) in cases {
        let verdict = check_dossier(&request, vec![certificate(fields)], &Rulebook::built_in());
        let found = verdict
            .findings
            .iter()
            .find(|f| f.rule == "completion_hours_short");
        match (found, want) {
            (None, None) => {}
            (Some(f), Some(phrase)) => {
                assert!(f.message.contains(phrase), "{name}: {}", f.message);
                assert_eq!(f.severity, Warning, "{name}");
            }
            (got, want) => panic!("{name}: {:?}, want {want:?}", got.map(|f| &f.message)),
        }
    }
}
