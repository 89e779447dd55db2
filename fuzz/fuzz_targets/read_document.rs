//! Fuzz target: the whole reading of an upload (sniffing, text layer or image entry,
//! classification, extraction) on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut options = dossier_core::ReadOptions::default();
    options.pdf.max_pages = 50;
    options.pdf.max_stream_bytes = 8 << 20;
    let _ = dossier_core::read_document("fuzz", "fuzz.pdf", None, data, &options);
});
