//! Golden extraction: every generated document must be classified as its kind and every
//! field it states must be read with the stated value.

use crate::support::{dossier, files_with_suffix, fixtures, json_of};

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
        if got["kind"] != expected["kind"] {
            failures.push(format!(
                "{pdf}: kind {} instead of {}",
                got["kind"], expected["kind"]
            ));
        }
        for (name, value) in expected["fields"].as_object().into_iter().flatten() {
            if value.is_null() {
                continue;
            }
            let read = &got["fields"][name]["value"];
            if read != value {
                failures.push(format!("{pdf}: {name} = {read} instead of {value}"));
            }
        }
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
