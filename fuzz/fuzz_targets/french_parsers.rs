//! Fuzz target: every French value parser on arbitrary text, with its spans checked to be
//! valid boundaries of the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for m in dossier_parse::find_amounts(&text) {
        assert!(text.get(m.start..m.end).is_some());
    }
    for m in dossier_parse::find_dates(&text) {
        assert!(text.get(m.start..m.end).is_some());
    }
    if let Some((_, _, a, b)) = dossier_parse::find_date_range(&text) {
        assert!(text.get(a..b).is_some());
    }
    if let Some((_, a, b)) = dossier_parse::find_duration_hours(&text) {
        assert!(text.get(a..b).is_some());
    }
    let _ = dossier_parse::find_time_range(&text);
    for m in dossier_parse::find_siret(&text).into_iter().chain(dossier_parse::find_siren(&text)).chain(dossier_parse::find_nda(&text)) {
        assert!(text.get(m.start..m.end).is_some());
    }
    let _ = dossier_parse::find_vat_numbers(&text);
    let _ = dossier_parse::parse_amount(&text);
    for r in dossier_parse::ocr_amount_readings(&text) {
        assert!(text.get(r.start..r.end).is_some());
    }
});
