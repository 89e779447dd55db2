//! Replays every input the fuzzers ever found a problem with (`fuzz/regressions/<target>/`,
//! filled by `scripts/fuzz.sh`, seeded by hand until a run finds a crasher): each must now be
//! handled without a crash. Every file goes through its target's own entry point in-process
//! (a panic there is what the fuzzer reported) and, for the document targets, through
//! `dossier extract`, which must return a document object whose reason is not a panic caught
//! at the document boundary. A target whose folder is missing or empty fails the test: a
//! replay of nothing proves nothing.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use crate::support::{dossier, json_of, root};

const TARGETS: [&str; 5] = [
    "pdf_text_layer",
    "read_document",
    "image_decode",
    "french_parsers",
    "dossier_json",
];

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = root().join("fuzz/regressions").join(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: the fuzz regressions of {target} are missing (scripts/fuzz.sh fills this folder)",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "{} is empty: nothing to replay for {target}",
        dir.display()
    );
    files
}

/// Runs `f` on the file's bytes; a panic becomes a failure naming the file.
fn replay(target: &str, input: &Path, failures: &mut Vec<String>, f: impl FnOnce(&[u8])) {
    let bytes = std::fs::read(input).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
    if catch_unwind(AssertUnwindSafe(|| f(&bytes))).is_err() {
        failures.push(format!("{target}: {}: panicked", input.display()));
    }
}

/// `dossier extract FILE`: exit 0 and a document object, not a caught panic.
fn extract_returns_a_document(input: &Path, failures: &mut Vec<String>) {
    let output = dossier(&["extract", &input.to_string_lossy(), "--format", "json"]);
    if output.status.code() != Some(0) {
        failures.push(format!(
            "{}: exit {:?}: {}",
            input.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
        return;
    }
    let doc = json_of(&output);
    let kind = doc["kind"].as_str().unwrap_or_default();
    if kind.is_empty() || !doc["fields"].is_object() || !doc["document_id"].is_string() {
        failures.push(format!("{}: not a document object: {doc}", input.display()));
    }
    if kind == "unreadable" && doc["reason"].as_str().is_none_or(str::is_empty) {
        failures.push(format!("{}: unreadable without a reason", input.display()));
    }
    if doc["reason"]
        .as_str()
        .is_some_and(|r| r.starts_with("erreur interne"))
    {
        failures.push(format!(
            "{}: a panic was caught at the document boundary: {}",
            input.display(),
            doc["reason"]
        ));
    }
}

#[test]
fn fuzz_crashers_stay_fixed() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for target in TARGETS {
        for input in inputs(target) {
            replayed += 1;
            match target {
                "pdf_text_layer" => {
                    replay(target, &input, &mut failures, |data| {
                        let limits = dossier_pdf::Limits {
                            max_pages: 50,
                            max_stream_bytes: 8 << 20,
                            ..Default::default()
                        };
                        let _ = dossier_pdf::read_text_layer(data, &limits);
                    });
                    extract_returns_a_document(&input, &mut failures);
                }
                "read_document" => {
                    replay(target, &input, &mut failures, |data| {
                        let mut options = dossier_core::ReadOptions::default();
                        options.pdf.max_pages = 50;
                        options.pdf.max_stream_bytes = 8 << 20;
                        let doc =
                            dossier_core::read_document("fuzz", "fuzz.pdf", None, data, &options);
                        assert!(
                            doc.reason
                                .as_deref()
                                .is_none_or(|r| !r.starts_with("erreur interne")),
                            "caught panic: {:?}",
                            doc.reason
                        );
                    });
                    extract_returns_a_document(&input, &mut failures);
                }
                "image_decode" => {
                    replay(target, &input, &mut failures, |data| {
                        let limits = dossier_ocr::OcrLimits {
                            max_pixels: 4_000_000,
                            ..dossier_ocr::OcrLimits::default()
                        };
                        let _ = dossier_ocr::declared_dpi(data);
                        let _ = dossier_ocr::decode_pages(data, &limits);
                    });
                    extract_returns_a_document(&input, &mut failures);
                }
                "french_parsers" => replay(target, &input, &mut failures, french_parsers),
                _ => replay(target, &input, &mut failures, |data| {
                    let _ = dossier_contract::parse_dossier_json(data);
                }),
            }
        }
    }
    assert!(replayed >= TARGETS.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What `fuzz/fuzz_targets/french_parsers.rs` checks: every parser, spans on boundaries.
fn french_parsers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let on_boundaries = |a: usize, b: usize| assert!(text.get(a..b).is_some(), "span {a}..{b}");
    for m in dossier_parse::find_amounts(&text) {
        on_boundaries(m.start, m.end);
    }
    for m in dossier_parse::find_dates(&text) {
        on_boundaries(m.start, m.end);
    }
    if let Some((_, _, a, b)) = dossier_parse::find_date_range(&text) {
        on_boundaries(a, b);
    }
    if let Some((_, a, b)) = dossier_parse::find_duration_hours(&text) {
        on_boundaries(a, b);
    }
    let _ = dossier_parse::find_time_range(&text);
    for m in dossier_parse::find_siret(&text)
        .into_iter()
        .chain(dossier_parse::find_siren(&text))
        .chain(dossier_parse::find_nda(&text))
    {
        on_boundaries(m.start, m.end);
    }
    let _ = dossier_parse::find_vat_numbers(&text);
    let _ = dossier_parse::parse_amount(&text);
    for r in dossier_parse::ocr_amount_readings(&text) {
        on_boundaries(r.start, r.end);
    }
}
