//! Fuzz target: the image entry of OCR on arbitrary bytes: sniffing the declared resolution
//! and decoding every page of a JPEG, PNG or (multi-page) TIFF within the pixel bounds.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = dossier_ocr::OcrLimits {
        max_pixels: 4_000_000,
        ..dossier_ocr::OcrLimits::default()
    };
    let _ = dossier_ocr::declared_dpi(data);
    let _ = dossier_ocr::decode_pages(data, &limits);
});
