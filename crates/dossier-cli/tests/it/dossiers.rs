//! Golden verdicts: each fixture dossier must get its expected status and fire exactly its
//! expected rules; the whole verdict but its `verdict_id` (a hash of the code's version too)
//! must match its committed snapshot (`verdict.golden.json`);
//! a differing verdict is proposed as `verdict.golden.new.json` with its diff, for review and
//! `make accept-golden`.

use std::collections::BTreeSet;

use crate::support::{dossier, fixtures, json_of};

fn check_folder(dir: &std::path::Path, failures: &mut Vec<String>) {
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let output = dossier(&["validate", &dir.to_string_lossy(), "--format", "json"]);
    if !output.status.success() {
        failures.push(format!(
            "{}: exit {:?}: {}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
        return;
    }
    let verdict = json_of(&output);
    let fired: BTreeSet<String> = verdict["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(String::from))
        .collect();
    let wanted: BTreeSet<String> = expected["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(String::from))
        .collect();
    if verdict["status"] != expected["status"] || fired != wanted {
        failures.push(format!(
            "{}: status {} rules {:?}, expected {} {:?}",
            dir.display(),
            verdict["status"],
            fired,
            expected["status"],
            wanted
        ));
    }
    check_golden(dir, &verdict, failures);
}

/// Compares a verdict with the folder's committed snapshot (`verdict.golden.json`). A verdict
/// that differs is never accepted here: it is written next to the snapshot as
/// `verdict.golden.new.json`, the unified diff goes into the failure, and `make
/// accept-golden` moves the reviewed proposals over the snapshots.
pub(crate) fn check_golden(
    dir: &std::path::Path,
    verdict: &serde_json::Value,
    failures: &mut Vec<String>,
) {
    assert!(
        std::env::var_os("UPDATE_GOLDEN").is_none(),
        "UPDATE_GOLDEN no longer rewrites golden verdicts: run the tests, review the diffs \
         (verdict.golden.new.json), then `make accept-golden`"
    );
    let golden = dir.join(GOLDEN);
    let proposal = dir.join(GOLDEN_NEW);
    let committed = std::fs::read_to_string(&golden).ok();
    // The snapshot is for reviewing what a verdict says; its `verdict_id` is a hash that
    // covers the code's version (`dossier_core::code_version`) and changes with every
    // reading release, whatever the verdict says: the committed one is kept. What the id
    // covers is tested in dossier-core, and the fleet's id against `validate`'s.
    let mut verdict = verdict.clone();
    if let Some(committed_id) = committed
        .as_deref()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .and_then(|golden| golden.get("verdict_id").cloned())
    {
        verdict["verdict_id"] = committed_id;
    }
    let rendered = serde_json::to_string_pretty(&verdict).unwrap_or_default() + "\n";
    if committed.as_deref() == Some(rendered.as_str()) {
        // Nothing to review: a proposal left from an earlier run is stale.
        std::fs::remove_file(&proposal).ok();
        return;
    }
    if let Err(e) = std::fs::write(&proposal, &rendered) {
        failures.push(format!(
            "{}: cannot write the proposal: {e}",
            proposal.display()
        ));
        return;
    }
    failures.push(format!(
        "{}: verdict differs from {GOLDEN}; review the diff, then `make accept-golden`:\n{}",
        dir.display(),
        unified_diff(&golden, &proposal)
    ));
}

const GOLDEN: &str = "verdict.golden.json";
const GOLDEN_NEW: &str = "verdict.golden.new.json";

/// `diff -u` of the committed snapshot (possibly missing) and the proposal.
fn unified_diff(golden: &std::path::Path, proposal: &std::path::Path) -> String {
    let old = if golden.is_file() {
        golden.to_path_buf()
    } else {
        std::path::PathBuf::from("/dev/null")
    };
    match std::process::Command::new("diff")
        .arg("-u")
        .arg(&old)
        .arg(proposal)
        .output()
    {
        Ok(out) => String::from_utf8_lossy(&out.stdout).into_owned(),
        Err(e) => format!(
            "(cannot run diff: {e}; compare {} with {})",
            old.display(),
            proposal.display()
        ),
    }
}

#[test]
fn every_rule_fires_on_its_dossier_and_clean_dossiers_pass() {
    let mut dirs: Vec<_> = std::fs::read_dir(fixtures().join("dossiers"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    assert!(dirs.len() >= 20, "fixtures/dossiers is missing");
    let mut failures = Vec::new();
    let mut fired_somewhere = BTreeSet::new();
    for dir in &dirs {
        check_folder(dir, &mut failures);
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("expected.json")).unwrap_or_default(),
        )
        .unwrap_or_default();
        fired_somewhere.extend(
            expected["rules"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str().map(String::from)),
        );
    }
    for rule in dossier_rules::RULE_IDS {
        if !fired_somewhere.contains(rule) {
            failures.push(format!("no fixture dossier fires {rule}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bundled_samples_show_pass_review_and_fail() {
    let mut statuses = BTreeSet::new();
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(fixtures().join("samples"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        check_folder(&entry.path(), &mut failures);
        let verdict = json_of(&dossier(&[
            "validate",
            &entry.path().to_string_lossy(),
            "--format",
            "json",
        ]));
        statuses.insert(verdict["status"].as_str().unwrap_or_default().to_string());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        statuses,
        BTreeSet::from(["pass".to_string(), "review".to_string(), "fail".to_string()])
    );
}

#[test]
fn batch_mode_prints_one_verdict_per_line() {
    let a = fixtures().join("dossiers/pass-request");
    let b = fixtures().join("dossiers/nda-missing");
    let output = dossier(&[
        "validate",
        &a.to_string_lossy(),
        &b.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert!(output.status.success());
    let lines: Vec<&str> = std::str::from_utf8(&output.stdout)
        .unwrap_or_default()
        .lines()
        .collect();
    assert_eq!(lines.len(), 2);
    for line in lines {
        let verdict: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
        assert_eq!(verdict["schema"], "dossier-verdict/1");
    }
}
