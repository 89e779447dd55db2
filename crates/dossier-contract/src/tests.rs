//! Contract tests: strict `dossier.json` parsing with field paths, and committed schemas.

use super::*;

const VALID: &str = r#"{
  "dossier_id": "PEC-2026-104512", "stage": "request", "scheme": "pdc", "submitted_on": "2026-02-10",
  "company": {"name": "Chaudronnerie Vallée SAS", "siret": "22386039657652", "headcount": 38, "idcc": "3248"},
  "training": {"title": "Soudage TIG", "provider_siret": "11839673875439", "start_date": "2026-03-02",
               "end_date": "2026-03-06", "hours": "35", "trainees": 4},
  "requested_amount": "3430.00",
  "documents": [{"document_id": "PEC-2026-104512-1", "file": "devis.pdf", "declared_kind": "quote"}]
}"#;

#[test]
fn the_contract_example_parses() {
    let parsed = parse_dossier_json(VALID.as_bytes());
    assert!(parsed.is_ok(), "{parsed:?}");
}

#[test]
fn problems_name_the_field_path() {
    let cases = [
        (VALID.replace("\"3430.00\"", "3430.0"), "requested_amount"),
        (
            VALID.replace("\"2026-03-02\"", "\"02/03/2026\""),
            "training.start_date",
        ),
        (VALID.replace("\"request\"", "\"later\""), "stage"),
        (
            VALID.replace("\"hours\": \"35\"", "\"hours\": 35"),
            "training.hours",
        ),
        (
            VALID.replace("\"quote\"", "\"brochure\""),
            "documents[0].declared_kind",
        ),
        ("{ not json".to_string(), "."),
    ];
    for (input, path) in cases {
        match parse_dossier_json(input.as_bytes()) {
            Err(err) => assert_eq!(err.path, path, "{err}"),
            Ok(_) => panic!("accepted a broken dossier.json for {path}"),
        }
    }
}

#[test]
fn committed_schemas_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    let regenerate = std::env::var_os("UPDATE_SCHEMAS").is_some();
    for (name, content) in schemas() {
        let path = dir.join(name);
        if regenerate {
            std::fs::create_dir_all(&dir).ok();
            std::fs::write(&path, &content).ok();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == content,
            "schemas/{name} is stale: run `UPDATE_SCHEMAS=1 cargo test -p dossier-contract`"
        );
    }
}
