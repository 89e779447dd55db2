//! The real third-party documents of `../shared/benchmarks` (issue "Read dossier documents"):
//! skipped when that folder is absent, with a `SKIP` line on stderr that the test harness does
//! not swallow; under CI (`CI=true`) with `../shared` present, a missing benchmarks folder
//! fails instead of skipping.

use std::io::Write as _;

use crate::support::{dossier, json_of, root};

/// Whether the real-document benchmark can run: `Err` with the SKIP line when it cannot.
/// Panics when it must run (CI with `../shared` present) but cannot.
fn benchmarks_folder() -> Result<std::path::PathBuf, String> {
    let shared = root().join("../shared");
    let bench = shared.join("benchmarks");
    if bench.is_dir() {
        return Ok(bench);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !(ci && shared.is_dir()),
        "CI=true and ../shared is present, but {} is not a folder: the real-document benchmark cannot run",
        bench.display()
    );
    let missing = if shared.is_dir() {
        "../shared/benchmarks"
    } else {
        "../shared"
    };
    Err(format!(
        "SKIP real-document benchmark: {missing} not found (looked for {})",
        bench.display()
    ))
}

fn extract(path: &std::path::Path) -> serde_json::Value {
    json_of(&dossier(&[
        "extract",
        &path.to_string_lossy(),
        "--format",
        "json",
    ]))
}

fn field<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    &doc["fields"][name]["value"]
}

#[test]
fn real_documents_read_as_an_adviser_reads_them() {
    let bench = match benchmarks_folder() {
        Ok(bench) => bench,
        Err(skip) => {
            // Straight to the process's stderr: `eprintln!` would be captured and hidden.
            let _ = writeln!(std::io::stderr(), "{skip}");
            return;
        }
    };
    let devis = extract(&bench.join("fr-of-mrformation/Devis design.pdf"));
    assert_eq!(devis["kind"], "quote");
    for (name, value) in [
        ("total_ht", "350.00"),
        ("vat_amount", "70.00"),
        ("total_ttc", "420.00"),
        ("provider_siret", "91311329600036"),
        ("provider_nda", "93132013113"),
        ("duration_hours", "8"),
    ] {
        assert_eq!(field(&devis, name), value, "devis {name}");
    }
    let certificates = [
        (
            "fr-of-hominisens/certificat-qualiopi.pdf",
            "2028-09-22",
            "32591057659",
            "848655445",
        ),
        (
            "fr-of-safbuddy/certificat-qualiopi.pdf",
            "2028-07-31",
            "84692489069",
            "939769147",
        ),
        (
            "fr-of-sante-auto-formation/Certificat-Qualiopi.pdf",
            "2024-01-05",
            "72330620433",
            "434936969",
        ),
    ];
    for (file, until, nda, siren) in certificates {
        let cert = extract(&bench.join(file));
        assert_eq!(cert["kind"], "qualiopi_certificate", "{file}");
        assert_eq!(field(&cert, "valid_until"), until, "{file}");
        assert_eq!(field(&cert, "provider_nda"), nda, "{file}");
        assert_eq!(field(&cert, "provider_siren"), siren, "{file}");
        assert_eq!(
            field(&cert, "categories"),
            &serde_json::json!(["training_actions"]),
            "{file}"
        );
    }
    // Scans without a text layer: a copier scan drawn as CCITT masks over a JPEG, and a
    // watermarked image-only certificate.
    let scans = [
        (
            "fr-of-intelliwan/intelliwan-certificat-qualiopi.pdf",
            "2026-11-06",
            "84692061869",
            "881898050",
        ),
        (
            "fr-of-samsbizsolutions/certificat-qualiopi.pdf",
            "2028-04-08",
            "11950911695",
            "949917314",
        ),
    ];
    for (file, until, nda, siren) in scans {
        let cert = extract(&bench.join(file));
        assert_eq!(cert["kind"], "qualiopi_certificate", "{file}");
        assert_ne!(cert["text_source"], "text_layer", "{file}");
        assert_eq!(field(&cert, "valid_until"), until, "{file}");
        assert_eq!(field(&cert, "provider_nda"), nda, "{file}");
        assert_eq!(field(&cert, "provider_siren"), siren, "{file}");
    }
    let lookalike = extract(&bench.join("fr-of-safbuddy/Attestation-Label-Qualite.pdf"));
    assert_ne!(lookalike["kind"], "qualiopi_certificate");

    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(bench.join("fr-of-mrformation/expected.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let mut programmes = 0;
    for (file, facts) in expected.as_object().into_iter().flatten() {
        if facts["doc_type"] != "programme_formation" {
            continue;
        }
        programmes += 1;
        let doc = extract(&bench.join("fr-of-mrformation").join(file));
        assert_eq!(doc["kind"], "programme", "{file}");
        let hours = facts["duree_heures"].as_f64().unwrap_or_default();
        let read: f64 = field(&doc, "duration_hours")
            .as_str()
            .and_then(|h| h.parse().ok())
            .unwrap_or(-1.0);
        assert!(
            (read - hours).abs() < 1e-9,
            "{file}: duration {read} instead of {hours}"
        );
    }
    assert!(programmes >= 20);
}
