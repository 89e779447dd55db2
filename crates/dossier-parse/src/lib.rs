//! French value parsers, all pure: amounts (into `rust_decimal`), dates, durations, time
//! ranges, and the identifiers of French companies and training providers (SIRET, SIREN,
//! NDA, VAT number) with their check digits.
//!
//! Parsers accept the forms documents really use (spaces, non-breaking and narrow
//! non-breaking spaces or dots inside numbers, "1er mars 2026", "3h30", "5 jours (35
//! heures)") and reject what only looks like a value (a date taken for an amount, a
//! 14-digit number that fails its check digit). Every `find_*` function returns byte spans
//! into its input so callers can cite the evidence.

pub mod amount;
pub mod date;
pub mod duration;
pub mod format;
pub mod ids;

pub use amount::{
    AmountMatch, AmountReading, find_amounts, first_money_amount, ocr_amount_readings, parse_amount,
};
pub use date::{DateMatch, find_date_range, find_dates, parse_date};
pub use duration::{find_duration_hours, find_time_range};
pub use format::{format_date_fr, format_decimal_fr, format_eur_fr, format_hours_fr};
pub use ids::{
    IdMatch, find_invalid_siret, find_nda, find_siren, find_siret, find_vat_numbers, is_valid_nda,
    is_valid_siren, is_valid_siret,
};

#[cfg(test)]
mod tests;
