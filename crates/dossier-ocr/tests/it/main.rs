//! OCR on the scanned fixtures: pages read whatever their orientation, multi-page TIFF
//! uploads, and the per-page deadline.

use std::path::PathBuf;
use std::time::Duration;

use dossier_ocr::{GrayImage, OcrError, OcrLimits, decode_pages, ocr_page};

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path)
}

/// A phone photo of a quote, from the generator.
fn photo() -> GrayImage {
    let bytes = std::fs::read(fixture("scans/scan-pass-request/devis.jpg")).unwrap_or_default();
    let mut pages = decode_pages(&bytes, &OcrLimits::default()).unwrap_or_default();
    assert_eq!(pages.len(), 1, "fixtures/scans is missing");
    pages.remove(0)
}

fn a4(image: &GrayImage) -> (f32, f32) {
    (595.0, 595.0 * image.height as f32 / image.width as f32)
}

fn text_of(page: &dossier_layout::Page) -> String {
    page.lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rotates a quarter turn clockwise.
fn quarter(image: &GrayImage) -> GrayImage {
    let (w, h) = (image.width as usize, image.height as usize);
    let mut pixels = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            // Clockwise: (x, y) goes to (h - 1 - y, x) in a h-wide image.
            pixels[x * h + (h - 1 - y)] = image.pixels[y * w + x];
        }
    }
    GrayImage {
        width: image.height,
        height: image.width,
        pixels,
    }
}

#[test]
fn an_upright_photo_reads() {
    let image = photo();
    let page = ocr_page(&image, 1, a4(&image), &OcrLimits::default());
    let text = page.map(|p| text_of(&p)).unwrap_or_default();
    assert!(text.contains("SIRET"), "{text}");
    assert!(text.to_lowercase().contains("devis"), "{text}");
}

#[test]
fn a_page_upside_down_or_sideways_is_turned_upright() {
    let image = photo();
    let upside_down = GrayImage {
        width: image.width,
        height: image.height,
        pixels: image.pixels.iter().rev().copied().collect(),
    };
    let page = ocr_page(&upside_down, 1, a4(&upside_down), &OcrLimits::default());
    let text = page.map(|p| text_of(&p)).unwrap_or_default();
    assert!(text.contains("SIRET"), "upside down: {text}");

    let sideways = quarter(&image);
    let size = (
        842.0,
        842.0 * sideways.height as f32 / sideways.width as f32,
    );
    let page = ocr_page(&sideways, 1, size, &OcrLimits::default());
    let (text, portrait) = page
        .map(|p| (text_of(&p), p.height > p.width))
        .unwrap_or_default();
    assert!(text.contains("SIRET"), "sideways: {text}");
    assert!(portrait, "a page turned upright is reported in portrait");
}

/// The photo repeated `n` × `n` times on one sheet `n` times the size of an A4 page, at the
/// same resolution: a page as busy as `n²` quotes, which tesseract needs seconds to read.
fn busy_sheet(n: u32) -> (GrayImage, (f32, f32)) {
    let tile = photo();
    let (w, h) = (tile.width as usize, tile.height as usize);
    let width = w * n as usize;
    let mut pixels = vec![255u8; width * h * n as usize];
    for ty in 0..n as usize {
        for tx in 0..n as usize {
            for y in 0..h {
                let row = (ty * h + y) * width + tx * w;
                pixels[row..row + w].copy_from_slice(&tile.pixels[y * w..(y + 1) * w]);
            }
        }
    }
    let (pw, ph) = a4(&tile);
    let sheet = GrayImage {
        width: tile.width * n,
        height: tile.height * n,
        pixels,
    };
    (sheet, (pw * n as f32, ph * n as f32))
}

#[test]
fn a_page_whose_budget_is_spent_before_recognition_is_a_timeout() {
    // 1 ms is gone before tesseract is called (resampling, deskew): the page is refused
    // without handing tesseract a deadline, which reads "after 0 s".
    let image = photo();
    let limits = OcrLimits {
        page_time: Duration::from_millis(1),
        ..OcrLimits::default()
    };
    match ocr_page(&image, 1, a4(&image), &limits) {
        Err(OcrError::Timeout(seconds)) => assert_eq!(seconds, 0.0),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn tesseract_stops_a_busy_page_at_the_recognition_deadline() {
    // A page as busy as nine quotes with a budget of a fraction of a second: preparing the
    // page takes some of the budget, tesseract gets the rest as its monitor's deadline and
    // must stop there. A timeout from recognition carries the seconds tesseract was given
    // (more than 0); one from before it is "0 s", so the budget doubles until tesseract is
    // reached. The page must never be read whole within such a budget.
    let (sheet, size) = busy_sheet(3);
    for millis in [250u64, 500, 1_000, 2_000, 4_000] {
        let budget = Duration::from_millis(millis);
        let limits = OcrLimits {
            page_time: budget,
            ..OcrLimits::default()
        };
        let started = std::time::Instant::now();
        let outcome = ocr_page(&sheet, 1, size, &limits);
        let elapsed = started.elapsed();
        match outcome {
            Err(OcrError::Timeout(seconds)) if seconds > 0.0 => {
                assert!(
                    seconds <= budget.as_secs_f32(),
                    "tesseract was given {seconds} s of a {budget:?} budget"
                );
                // A sanity bound, not a speed test: tesseract checks its deadline between
                // words, and its layout analysis is not interrupted at all.
                assert!(
                    elapsed < budget + Duration::from_secs(60),
                    "a {budget:?} budget returned after {elapsed:?}"
                );
                let reason = OcrError::Timeout(seconds).to_string();
                assert!(reason.contains("limite par page"), "{reason}");
                return;
            }
            Err(OcrError::Timeout(_)) => {
                eprintln!("{budget:?} spent before recognition ({elapsed:?}); doubling it");
            }
            other => panic!(
                "a page as busy as nine quotes within {budget:?}: expected tesseract's \
                 timeout, got {:?} after {elapsed:?}",
                other.map(|p| p.lines.len())
            ),
        }
    }
    panic!("every budget up to 4 s was spent before tesseract was called");
}

#[test]
fn every_page_of_a_multi_page_tiff_is_decoded() {
    use tiff::encoder::{TiffEncoder, colortype};
    let mut bytes = std::io::Cursor::new(Vec::new());
    if let Ok(mut encoder) = TiffEncoder::new(&mut bytes) {
        for shade in [40u8, 200] {
            let pixels = vec![shade; 64 * 48];
            encoder
                .write_image::<colortype::Gray8>(64, 48, &pixels)
                .unwrap_or_else(|e| panic!("encode: {e}"));
        }
    }
    let pages = decode_pages(bytes.get_ref(), &OcrLimits::default()).unwrap_or_default();
    assert_eq!(pages.len(), 2);
    assert_eq!((pages[1].width, pages[1].height), (64, 48));
    assert!(pages[0].pixels.iter().all(|p| *p == 40));
    assert!(pages[1].pixels.iter().all(|p| *p == 200));
}

#[test]
fn a_white_is_zero_tiff_reads_as_printed() {
    // Most fax and CCITT G4 scans say "0 is white": a page of ink value 40 is light paper.
    use tiff::encoder::{TiffEncoder, colortype};
    let mut bytes = std::io::Cursor::new(Vec::new());
    if let Ok(mut encoder) = TiffEncoder::new(&mut bytes) {
        encoder
            .write_image::<colortype::Gray8>(64, 48, &[40u8; 64 * 48])
            .unwrap_or_else(|e| panic!("encode: {e}"));
    }
    let mut bytes = bytes.into_inner();
    // PhotometricInterpretation (tag 262, SHORT, count 1) from BlackIsZero to WhiteIsZero.
    let entry = [0x06, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00];
    let at = bytes
        .windows(entry.len())
        .position(|w| w == entry)
        .unwrap_or_else(|| panic!("no photometric entry in the encoded TIFF"));
    bytes[at + 8] = 0;
    let pages = decode_pages(&bytes, &OcrLimits::default()).unwrap_or_default();
    assert_eq!(pages.len(), 1);
    assert!(
        pages[0].pixels.iter().all(|p| *p == 215),
        "{:?}",
        &pages[0].pixels[..4]
    );
}

#[test]
fn an_oversized_or_undecodable_image_is_refused() {
    let limits = OcrLimits::default();
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.extend(std::iter::repeat_n(0x5Au8, 500));
    assert!(matches!(
        decode_pages(&jpeg, &limits),
        Err(OcrError::Decode(_))
    ));
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&60000u32.to_be_bytes());
    png.extend_from_slice(&60000u32.to_be_bytes());
    png.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert!(matches!(
        decode_pages(&png, &limits),
        Err(OcrError::TooLarge { .. } | OcrError::Decode(_))
    ));
}
