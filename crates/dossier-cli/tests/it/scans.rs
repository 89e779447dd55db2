//! Scanned dossiers (`fixtures/scans`): pieces photographed, skewed, upside down, faxed into a
//! multi-page TIFF, and signed paper sign-in sheets with absences. OCR cannot promise every
//! status, so the bar is the issue's: at least 85 % of statuses right, and no dossier that
//! should fail or be reviewed ever passes. Each verdict is also held to its golden snapshot so
//! that a change in reading shows up in review.

use std::path::PathBuf;

use crate::dossiers::check_golden;
use crate::support::{dossier, fixtures, json_of};

fn scanned_dossiers() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures().join("scans"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

#[test]
fn scanned_dossiers_mostly_get_their_status_and_none_passes_wrongly() {
    let dirs = scanned_dossiers();
    assert!(dirs.len() >= 8, "fixtures/scans is missing");
    let mut failures = Vec::new();
    let mut right = 0;
    let mut report = Vec::new();
    for dir in &dirs {
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("expected.json")).unwrap_or_default(),
        )
        .unwrap_or_default();
        let output = dossier(&["validate", &dir.to_string_lossy(), "--format", "json"]);
        let verdict = json_of(&output);
        let status = verdict["status"].as_str().unwrap_or("none");
        let wanted = expected["status"].as_str().unwrap_or("?");
        report.push(format!("{}: {status} (expected {wanted})", dir.display()));
        if status == wanted {
            right += 1;
        } else if status == "pass" {
            failures.push(format!("{} passes but should be {wanted}", dir.display()));
        }
        check_golden(dir, &verdict, &mut failures);
    }
    if right * 100 < dirs.len() * 85 {
        failures.push(format!(
            "only {right} of {} scanned dossiers get their status:\n{}",
            dirs.len(),
            report.join("\n")
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_paper_sign_in_sheet_is_measured_cell_by_cell() {
    // The fully signed sheet: every (trainee, half-day) cell carries a handwritten signature.
    let sheet = fixtures().join("scans/scan-pass-payment/emargement.pdf");
    let report = json_of(&dossier(&[
        "extract",
        &sheet.to_string_lossy(),
        "--format",
        "json",
    ]));
    assert_eq!(report["kind"], "attendance_sheet", "{report:#}");
    assert_eq!(report["text_source"], "ocr");
    let fields = &report["fields"];
    let expected = fields["expected_slots"]["value"].as_u64().unwrap_or(0);
    assert!(expected >= 2, "{fields:#}");
    assert_eq!(
        fields["signed_slots"]["value"].as_u64(),
        Some(expected),
        "{fields:#}"
    );
    assert!(
        fields["hours_by_trainee"]["confidence"]
            .as_f64()
            .unwrap_or(0.0)
            >= 0.6
    );
}
