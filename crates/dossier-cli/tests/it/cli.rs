//! The command line's contract (§1): exit codes, one-line errors naming the file and field,
//! and unreadable uploads reported as data, never as a crash.

use std::io::Write;

use crate::support::{dossier, fixtures, json_of};

fn stderr_line(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).trim().to_string()
}

#[test]
fn validate_exits_2_with_one_line_when_no_verdict_can_be_produced() {
    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let missing = temp.path().join("absent");
    let output = dossier(&["validate", &missing.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_line(&output).contains("no such dossier folder"),
        "{}",
        stderr_line(&output)
    );

    let empty = temp.path().join("empty");
    std::fs::create_dir(&empty).ok();
    let output = dossier(&["validate", &empty.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_line(&output).contains("dossier.json"));

    let source = std::fs::read_to_string(fixtures().join("dossiers/pass-request/dossier.json"))
        .unwrap_or_default();
    let cases = [
        ("{ broken", "dossier.json: .: invalid JSON"),
        (
            &*source
                .replacen("\"requested_amount\": \"", "\"requested_amount\": 1", 1)
                .replacen("\",\n  \"documents\"", ",\n  \"documents\"", 1),
            "requested_amount",
        ),
        (
            &*source.replacen("\"start_date\": \"20", "\"start_date\": \"xx20", 1),
            "training.start_date",
        ),
    ];
    for (i, (content, needle)) in cases.iter().enumerate() {
        let dir = temp.path().join(format!("bad{i}"));
        std::fs::create_dir(&dir).ok();
        std::fs::write(dir.join("dossier.json"), content).ok();
        let output = dossier(&["validate", &dir.to_string_lossy(), "--format", "json"]);
        assert_eq!(output.status.code(), Some(2), "case {i}");
        let line = stderr_line(&output);
        assert_eq!(line.lines().count(), 1, "{line}");
        assert!(
            line.contains("dossier.json") && line.contains(needle),
            "case {i}: {line}"
        );
    }
}

#[test]
fn hostile_uploads_are_unreadable_documents_not_crashes() {
    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let good = std::fs::read(fixtures().join("documents/quote-00.pdf")).unwrap_or_default();
    let mut random = Vec::new();
    let mut state: u32 = 12345;
    for _ in 0..50_000 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        random.push((state >> 16) as u8);
    }
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.pdf", Vec::new()),
        ("random.pdf", random),
        ("truncated.pdf", good[..good.len() / 3].to_vec()),
        (
            "page.pdf",
            b"<!doctype html><html><body>Devis</body></html>".to_vec(),
        ),
        (
            "archive.pdf",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec(),
        ),
        ("header-only.pdf", b"%PDF-1.7\n%%EOF\n".to_vec()),
    ];
    for (name, bytes) in cases {
        let path = temp.path().join(name);
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(&bytes))
            .ok();
        let output = dossier(&["extract", &path.to_string_lossy(), "--format", "json"]);
        assert_eq!(output.status.code(), Some(0), "{name}");
        let report = json_of(&output);
        assert_eq!(report["kind"], "unreadable", "{name}: {report}");
        assert!(
            report["reason"].as_str().is_some_and(|r| !r.is_empty()),
            "{name}"
        );
    }
    let encrypted = fixtures().join("hostile/encrypted-user-password.pdf");
    let report = json_of(&dossier(&[
        "extract",
        &encrypted.to_string_lossy(),
        "--format",
        "json",
    ]));
    assert_eq!(report["kind"], "unreadable");
    assert!(
        report["reason"]
            .as_str()
            .is_some_and(|r| r.contains("encrypted"))
    );
    // Print-protected files open with the empty user password.
    let protected = fixtures().join("hostile/print-protected.pdf");
    let report = json_of(&dossier(&[
        "extract",
        &protected.to_string_lossy(),
        "--format",
        "json",
    ]));
    assert_eq!(report["kind"], "quote");
}

#[test]
fn documents_outside_the_folder_are_refused() {
    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = temp.path().join("dossier");
    std::fs::create_dir(&dir).ok();
    let source = std::fs::read_to_string(fixtures().join("dossiers/pass-request/dossier.json"))
        .unwrap_or_default();
    let mut json: serde_json::Value = serde_json::from_str(&source).unwrap_or_default();
    json["documents"] = serde_json::json!([
        {"document_id": "a", "file": "../../../../etc/passwd", "declared_kind": "quote"},
        {"document_id": "b", "file": "/etc/passwd"},
        {"document_id": "c", "file": "link.pdf"}
    ]);
    std::fs::write(dir.join("dossier.json"), json.to_string()).ok();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", dir.join("link.pdf")).ok();
    let output = dossier(&["validate", &dir.to_string_lossy(), "--format", "json"]);
    assert!(output.status.success());
    let verdict = json_of(&output);
    assert_eq!(verdict["status"], "fail");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        !text.contains("root:"),
        "the content of a file outside the folder was echoed"
    );
    for document in verdict["documents"].as_array().into_iter().flatten() {
        assert_eq!(document["kind"], "unreadable", "{document}");
    }
}

#[test]
fn text_and_html_renderings_are_french() {
    let dir = fixtures().join("dossiers/nda-missing");
    let text = dossier(&["validate", &dir.to_string_lossy(), "--format", "text"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("À VÉRIFIER"));
    let html = dossier(&["validate", &dir.to_string_lossy(), "--format", "html"]);
    assert!(String::from_utf8_lossy(&html.stdout).starts_with("<!doctype html>"));
}

#[test]
fn the_same_dossier_gets_the_same_verdict_id() {
    let dir = fixtures().join("dossiers/pass-payment");
    let a = json_of(&dossier(&[
        "validate",
        &dir.to_string_lossy(),
        "--format",
        "json",
    ]));
    let b = json_of(&dossier(&[
        "validate",
        &dir.to_string_lossy(),
        "--format",
        "json",
    ]));
    assert!(
        a["verdict_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("v2-"))
    );
    assert_eq!(a["verdict_id"], b["verdict_id"]);
}

#[test]
fn reading_limits_are_flags_and_a_limit_hit_is_an_unreadable_document() {
    let extract = |file: &str, flags: &[&str]| {
        let path = fixtures().join(file);
        let mut args = vec![
            "extract",
            path.to_str().unwrap_or_default(),
            "--format",
            "json",
        ];
        args.extend_from_slice(flags);
        json_of(&dossier(&args))
    };
    // Out of time: the scan's OCR stops at the document's budget.
    let report = extract(
        "scans/scan-pass-request/devis.jpg",
        &["--document-seconds", "0"],
    );
    assert_eq!(report["kind"], "unreadable", "{report:#}");
    assert!(
        report["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("budget"),
        "{report:#}"
    );
    // Decompressed bytes per document.
    let report = extract("documents/quote-00.pdf", &["--max-document-bytes", "100"]);
    assert_eq!(report["kind"], "unreadable", "{report:#}");
    assert!(
        report["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("décompressé"),
        "{report:#}"
    );
    // Image pixels.
    let report = extract(
        "scans/scan-pass-request/devis.jpg",
        &["--max-image-pixels", "1000"],
    );
    assert_eq!(report["kind"], "unreadable", "{report:#}");
    // Within the defaults the same files read.
    assert_eq!(extract("documents/quote-00.pdf", &[])["kind"], "quote");
}

/// A PNG (checksums right) announcing a `width`×`height` 8-bit grey image, with the pixels
/// of its first rows only: decoders size their buffer from the header before reading any.
fn png_announcing(width: u32, height: u32) -> Vec<u8> {
    let chunk = |png: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut rows = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    rows.write_all(&vec![0u8; (width as usize + 1) * 4]).ok();
    let rows = rows.finish().unwrap_or_default();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &rows);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// With the pixel limit raised past what memory allows, the reader's address-space cap is
/// what stops a 3.6-gigapixel image: the document is unreadable for memory, and the next
/// document of the dossier is read by a fresh reader as if nothing happened.
#[test]
fn a_document_that_exhausts_its_reader_is_unreadable_and_the_next_one_is_read() {
    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = temp.path();
    std::fs::write(dir.join("scan.png"), png_announcing(60_000, 60_000)).ok();
    std::fs::copy(
        fixtures().join("documents/quote-00.pdf"),
        dir.join("devis.pdf"),
    )
    .ok();
    let source = std::fs::read_to_string(fixtures().join("dossiers/pass-request/dossier.json"))
        .unwrap_or_default();
    let mut json: serde_json::Value = serde_json::from_str(&source).unwrap_or_default();
    json["documents"] = serde_json::json!([
        {"document_id": "D-1", "file": "scan.png"},
        {"document_id": "D-2", "file": "devis.pdf"}
    ]);
    std::fs::write(dir.join("dossier.json"), json.to_string()).ok();
    let dir = dir.to_string_lossy();
    let limits = [
        "--max-image-pixels",
        "4000000000",
        "--max-memory-mib",
        "768",
    ];
    let mut args = vec!["validate", &*dir, "--format", "json"];
    args.extend_from_slice(&limits);
    let output = dossier(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_line(&output));
    let verdict = json_of(&output);
    let documents = &verdict["documents"];
    assert_eq!(documents[0]["kind"], "unreadable", "{documents:#}");
    let reason = documents[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("768 Mo de mémoire"), "{reason}");
    assert_eq!(documents[1]["kind"], "quote", "{documents:#}");
    // The same document through `extract`, read by a reader process too.
    let path = format!("{dir}/scan.png");
    let mut args = vec!["extract", path.as_str(), "--format", "json"];
    args.extend_from_slice(&limits);
    let report = json_of(&dossier(&args));
    assert_eq!(report["kind"], "unreadable", "{report:#}");
}
