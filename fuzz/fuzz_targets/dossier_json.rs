//! Fuzz target: `dossier.json` parsing returns a value or a located error, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dossier_contract::parse_dossier_json(data);
});
