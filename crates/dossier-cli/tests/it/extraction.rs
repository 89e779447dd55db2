//! Golden extraction: every generated document must be classified as its kind, every field
//! it states must be read with the stated value (or another printed form of it listed in
//! `also_printed`), and every contract field of its kind (contract §4, §7.2) it does not state
//! must be absent ("a field not found is absent, never guessed"), unless the expected file
//! tolerates it by name with a reason (`tolerated`).

use crate::support::{dossier, files_with_suffix, fixtures, json_of};

/// The fields of each document kind (contract §4 and the kinds of §7.2).
fn contract_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "quote" => &[
            "provider_name",
            "provider_siret",
            "provider_nda",
            "client_name",
            "client_siret",
            "quote_number",
            "quote_date",
            "training_title",
            "start_date",
            "end_date",
            "duration_hours",
            "trainees",
            "total_ht",
            "vat_rate",
            "vat_amount",
            "total_ttc",
            "vat_exempt",
            "line_items",
        ],
        "programme" => &[
            "provider_name",
            "provider_siret",
            "provider_nda",
            "training_title",
            "duration_hours",
            "sections",
        ],
        "qualiopi_certificate" => &[
            "certificate_number",
            "certifier",
            "provider_name",
            "provider_siren",
            "provider_siret",
            "provider_nda",
            "issued_on",
            "valid_until",
            "categories",
        ],
        "attendance_sheet" => &[
            "training_title",
            "provider_name",
            "trainer",
            "sessions",
            "hours_by_trainee",
            "signed_slots",
            "expected_slots",
        ],
        "invoice" => &[
            "invoice_number",
            "invoice_date",
            "provider_siret",
            "provider_nda",
            "client_siret",
            "total_ht",
            "vat_amount",
            "total_ttc",
            "vat_exempt",
        ],
        "completion_certificate" => &[
            "provider_name",
            "provider_siret",
            "provider_nda",
            "trainee_names",
            "training_title",
            "action_nature",
            "start_date",
            "end_date",
            "hours_completed",
            "hours_by_trainee",
            "signed_on",
        ],
        "connection_log" => &[
            "training_title",
            "provider_name",
            "start_date",
            "end_date",
            "hours_by_trainee",
        ],
        _ => &[],
    }
}

/// Compares one extraction with its expected file; returns the mismatches.
fn compare(pdf: &str, expected: &serde_json::Value, got: &serde_json::Value) -> Vec<String> {
    let mut failures = Vec::new();
    if got["kind"] != expected["kind"] {
        failures.push(format!(
            "{pdf}: kind {} instead of {}",
            got["kind"], expected["kind"]
        ));
    }
    let stated = expected["fields"].as_object();
    for (name, value) in stated.into_iter().flatten() {
        let read = &got["fields"][name]["value"];
        if value.is_null() {
            // Stated as not printed: must not be read.
            if !read.is_null() {
                failures.push(format!(
                    "{pdf}: {name} = {read} read, but the document does not print it"
                ));
            }
            continue;
        }
        let also = expected["also_printed"][name].as_array();
        if read != value && !also.is_some_and(|forms| forms.contains(read)) {
            failures.push(format!("{pdf}: {name} = {read} instead of {value}"));
        }
    }
    let tolerated = expected["tolerated"].as_object();
    for (name, reason) in tolerated.into_iter().flatten() {
        if reason.as_str().is_none_or(|r| r.trim().is_empty()) {
            failures.push(format!("{pdf}: tolerated field {name} gives no reason"));
        }
    }
    let kind = expected["kind"].as_str().unwrap_or_default();
    for name in contract_fields(kind)
        .iter()
        .copied()
        .chain(std::iter::once("invalid_siret"))
    {
        let is_stated = stated.is_some_and(|s| s.contains_key(name));
        let is_tolerated = tolerated.is_some_and(|t| t.contains_key(name));
        let read = &got["fields"][name]["value"];
        if !is_stated && !is_tolerated && !read.is_null() {
            failures.push(format!(
                "{pdf}: {name} = {read} read, but the document does not state it \
                 (absent from its expected.json)"
            ));
        }
    }
    failures
}

#[test]
fn an_unstated_field_read_is_reported() {
    let expected = serde_json::json!({
        "kind": "quote",
        "fields": {"total_ht": "100.00", "provider_nda": null, "provider_name": "ACME"},
        "also_printed": {"provider_name": ["Acme SAS"]},
        "tolerated": {"client_name": "printed in a form the generator cannot state"},
    });
    let value = |v: serde_json::Value| serde_json::json!({"value": v});
    let clean = serde_json::json!({"kind": "quote", "fields": {
        "total_ht": value("100.00".into()),
        "provider_name": value("Acme SAS".into()),
        "client_name": value("Client".into()),
        "provider_siren": value("123456789".into()),
    }});
    assert_eq!(compare("x.pdf", &expected, &clean), Vec::<String>::new());
    let guessed = serde_json::json!({"kind": "quote", "fields": {
        "total_ht": value("100.00".into()),
        "provider_name": value("ACME".into()),
        "provider_nda": value("11111111111".into()),
        "total_ttc": value("120.00".into()),
    }});
    let failures = compare("x.pdf", &expected, &guessed);
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(failures[0].contains("provider_nda"), "{failures:?}");
    assert!(failures[1].contains("total_ttc"), "{failures:?}");
}

#[test]
fn generated_documents_are_read_as_stated() {
    let expectations = files_with_suffix(&fixtures().join("documents"), ".expected.json");
    assert!(
        expectations.len() >= 20,
        "fixtures/documents is missing: run fixtures/generator/generate.py"
    );
    let mut failures = Vec::new();
    for expected_path in &expectations {
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(expected_path).unwrap_or_default())
                .unwrap_or_default();
        let pdf = expected_path
            .to_string_lossy()
            .replace(".expected.json", ".pdf");
        let output = dossier(&["extract", &pdf, "--format", "json"]);
        assert!(output.status.success(), "{pdf}: exit {:?}", output.status);
        let got = json_of(&output);
        failures.extend(compare(&pdf, &expected, &got));
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn fields_carry_page_confidence_and_evidence() {
    let pdf = fixtures().join("documents/quote-00.pdf");
    let got = json_of(&dossier(&[
        "extract",
        &pdf.to_string_lossy(),
        "--format",
        "json",
    ]));
    let total = &got["fields"]["total_ht"];
    assert_eq!(total["page"], 1);
    assert!(
        total["confidence"]
            .as_f64()
            .is_some_and(|c| c > 0.5 && c <= 1.0)
    );
    assert!(total["evidence"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(
        got["fields"]["total_ht"]["bbox"]
            .as_array()
            .is_some_and(|b| b.len() == 4)
    );
}
