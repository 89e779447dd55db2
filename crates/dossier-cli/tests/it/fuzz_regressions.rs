//! Replays every input the fuzzers ever found a problem with (`fuzz/regressions/<target>/`,
//! filled by `scripts/fuzz.sh`): each must now be handled without a crash.

use crate::support::{dossier, root};

fn inputs(target: &str) -> Vec<std::path::PathBuf> {
    let dir = root().join("fuzz/regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

#[test]
fn fuzz_crashers_stay_fixed() {
    for target in ["pdf_text_layer", "read_document", "image_decode"] {
        for input in inputs(target) {
            let output = dossier(&["extract", &input.to_string_lossy(), "--format", "json"]);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{}: {}",
                input.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    for input in inputs("french_parsers") {
        let text = String::from_utf8_lossy(&std::fs::read(&input).unwrap_or_default()).into_owned();
        let _ = dossier_parse::find_amounts(&text);
        let _ = dossier_parse::find_dates(&text);
        let _ = dossier_parse::find_date_range(&text);
        let _ = dossier_parse::find_duration_hours(&text);
        let _ = dossier_parse::find_siret(&text);
        let _ = dossier_parse::find_nda(&text);
    }
    for input in inputs("dossier_json") {
        let _ = dossier_contract::parse_dossier_json(&std::fs::read(&input).unwrap_or_default());
    }
}
