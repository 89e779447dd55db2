//! The hostile corpus: every malicious or broken upload ends in a verdict with status `fail`
//! and an `unreadable_document` finding (a broken xref may instead be recovered and read),
//! within the time budget, and nothing outside the dossier folder is read or echoed.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fixtures;

/// A PDF from object bodies (object 1 is the catalog), with a correct xref table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

fn one_page(content: Vec<u8>, resources: &str) -> Vec<Vec<u8>> {
    vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources {resources} >>").into_bytes(),
        content,
    ]
}

fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let good = std::fs::read(fixtures().join("documents/quote-00.pdf")).unwrap_or_default();
    let mut random = Vec::with_capacity(1 << 16);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..(1 << 16) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        random.push(state as u8);
    }
    let mut broken_xref = good.clone();
    if let Some(at) = broken_xref.windows(9).rposition(|w| w == b"startxref") {
        broken_xref.truncate(at);
        broken_xref.extend_from_slice(b"startxref\n99999999\n%%EOF\n");
    }
    // A gibibyte of zeros in a megabyte.
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        encoder.write_all(&zeros).ok();
    }
    let bomb = encoder.finish().unwrap_or_default();
    let huge_image = one_page(
        b"<< /Length 22 >>\nstream\nq 612 0 0 792 0 0 cm /I Do Q\nendstream".to_vec(),
        "<< /XObject << /I 5 0 R >> >>",
    )
    .into_iter()
    .chain([stream("/Type /XObject /Subtype /Image /Width 60000 /Height 60000 /BitsPerComponent 8 /ColorSpace /DeviceGray /Filter /FlateDecode", &bomb)])
    .collect::<Vec<_>>();
    let mut jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0xEA, 0x60, 0xEA, 0x60, 0x01, 0x01, 0x11, 0x00,
    ];
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&60000u32.to_be_bytes());
    png.extend_from_slice(&60000u32.to_be_bytes());
    png.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
    // A TIFF whose first directory claims 60000×60000 8-bit pixels in one uncompressed strip
    // that is not there.
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    let entries: [(u16, u16, u32); 8] = [
        (256, 4, 60000),         // ImageWidth, LONG
        (257, 4, 60000),         // ImageLength
        (258, 3, 8),             // BitsPerSample, SHORT
        (259, 3, 1),             // Compression: none
        (262, 3, 1),             // Photometric: black is zero
        (273, 4, 200),           // StripOffsets
        (278, 4, 60000),         // RowsPerStrip
        (279, 4, 3_600_000_000), // StripByteCounts
    ];
    tiff.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, kind, value) in entries {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    // A JPEG that starts well and then is noise.
    let mut garbage_jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    garbage_jpeg.extend(b"JFIF\0\x01\x01\x01\x01\x2c\x01\x2c\0\0");
    garbage_jpeg.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let nested = format!(
        "<< /Type /Catalog /Pages 2 0 R /X {}{} >>",
        "[".repeat(200_000),
        "]".repeat(200_000)
    )
    .into_bytes();
    let pages = 20_000;
    let mut many = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages)
                .map(|i| format!("{} 0 R", i + 3))
                .collect::<Vec<_>>()
                .join(" ")
        )
        .into_bytes(),
    ];
    many.extend(
        (0..pages).map(|_| b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_vec()),
    );
    vec![
        ("empty.pdf", Vec::new()),
        ("random.pdf", random),
        ("truncated.pdf", good[..good.len() / 2].to_vec()),
        ("broken-xref.pdf", broken_xref),
        ("page.pdf", b"<!doctype html><html><body><h1>Devis</h1></body></html>".to_vec()),
        ("archive.pdf", b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00".to_vec()),
        ("flate-bomb.pdf", pdf(&one_page(stream("/Filter /FlateDecode", &bomb), "<< >>"))),
        ("huge-image.pdf", pdf(&huge_image)),
        ("huge.jpg", jpeg),
        ("huge.png", png),
        ("huge.tif", tiff),
        ("garbage.jpg", garbage_jpeg),
        ("nested.pdf", pdf(&[nested, b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec()])),
        ("page-tree-loop.pdf", pdf(&[b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(), b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(), b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>".to_vec()])),
        ("form-loop.pdf", pdf(&[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /F 5 0 R >> >> >>".to_vec(),
            stream("", b"/F Do"),
            stream("/Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /XObject << /F 5 0 R >> >>", b"/F Do"),
        ])),
        ("many-pages.pdf", pdf(&many)),
    ]
}

/// Runs `dossier validate` on a folder, killing it past the budget.
fn validate_within(dir: &Path, budget: Duration) -> (serde_json::Value, Duration) {
    let started = Instant::now();
    // Within 1 GiB: the address space is capped when prlimit (util-linux) is there, so an
    // allocation past it makes the run fail instead of passing unnoticed.
    let capped = Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let mut command = if capped {
        let mut c = Command::new("prlimit");
        c.args(["--as=1073741824", "--"])
            .arg(env!("CARGO_BIN_EXE_dossier"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_dossier"))
    };
    let mut child = command
        .args(["validate", &dir.to_string_lossy(), "--format", "json"])
        .env("DOSSIER_LOG", "off")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    while child.try_wait().ok().flatten().is_none() {
        if started.elapsed() > budget {
            child.kill().ok();
            panic!("{}: no verdict within {budget:?}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("root:x:0:0"), "a system file was echoed");
    (
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{}: {e}: {text}", dir.display())),
        started.elapsed(),
    )
}

fn dossier_with(dir: &Path, documents: serde_json::Value) {
    let source = std::fs::read_to_string(fixtures().join("dossiers/pass-request/dossier.json"))
        .unwrap_or_default();
    let mut json: serde_json::Value = serde_json::from_str(&source).unwrap_or_default();
    json["documents"] = documents;
    std::fs::write(dir.join("dossier.json"), json.to_string()).ok();
}

#[test]
fn every_hostile_upload_ends_in_a_failing_verdict_within_budget() {
    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut cases: Vec<(String, std::path::PathBuf)> = corpus()
        .into_iter()
        .map(|(name, bytes)| {
            let dir = temp.path().join(name.replace('.', "-"));
            std::fs::create_dir_all(&dir).ok();
            std::fs::write(dir.join(name), bytes).ok();
            dossier_with(
                &dir,
                serde_json::json!([{"document_id": "D-1", "file": name, "declared_kind": "quote"}]),
            );
            (name.to_string(), dir)
        })
        .collect();
    let encrypted = temp.path().join("encrypted");
    std::fs::create_dir_all(&encrypted).ok();
    std::fs::copy(
        fixtures().join("hostile/encrypted-user-password.pdf"),
        encrypted.join("devis.pdf"),
    )
    .ok();
    dossier_with(
        &encrypted,
        serde_json::json!([{"document_id": "D-1", "file": "devis.pdf"}]),
    );
    cases.push(("encrypted".into(), encrypted));
    let escape = temp.path().join("escape");
    std::fs::create_dir_all(&escape).ok();
    dossier_with(
        &escape,
        serde_json::json!([{"document_id": "D-1", "file": "../../etc/passwd"}]),
    );
    cases.push(("../../etc/passwd".into(), escape));
    #[cfg(unix)]
    {
        let link = temp.path().join("symlink");
        std::fs::create_dir_all(&link).ok();
        std::os::unix::fs::symlink("/etc/passwd", link.join("devis.pdf")).ok();
        dossier_with(
            &link,
            serde_json::json!([{"document_id": "D-1", "file": "devis.pdf"}]),
        );
        cases.push(("symlink".into(), link));
    }
    for (name, dir) in cases {
        let (verdict, elapsed) = validate_within(&dir, Duration::from_secs(30));
        let document = &verdict["documents"][0];
        let recovered = name == "broken-xref.pdf" && document["kind"] != "unreadable";
        if !recovered {
            assert_eq!(document["kind"], "unreadable", "{name}: {document}");
            assert!(
                verdict["findings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|f| f["rule"] == "unreadable_document" && f["documents"][0] == "D-1"),
                "{name}"
            );
        }
        assert_eq!(verdict["status"], "fail", "{name}");
        eprintln!("{name}: {} in {elapsed:?}", document["reason"]);
    }
}
