//! Fuzz target: the PDF text layer on arbitrary bytes must return, never panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = dossier_pdf::Limits { max_pages: 50, max_stream_bytes: 8 << 20, ..Default::default() };
    let _ = dossier_pdf::read_text_layer(data, &limits);
});
