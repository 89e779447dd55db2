//! French formatting of figures for adviser-facing messages: "3 430,00 €", "02/03/2026",
//! "35 h", "3,5 h".

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A decimal with a comma and spaces between thousands, keeping `dp` decimals.
pub fn format_decimal_fr(value: Decimal, dp: u32) -> String {
    let rounded = value.round_dp(dp);
    let text = format!("{:.*}", dp as usize, rounded.abs());
    let (int_part, frac_part) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let mut grouped = String::new();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    if frac_part.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac_part}")
    }
}

/// "3 430,00 €".
pub fn format_eur_fr(value: Decimal) -> String {
    format!("{} €", format_decimal_fr(value, 2))
}

/// "02/03/2026".
pub fn format_date_fr(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// "35 h", "3,5 h".
pub fn format_hours_fr(hours: Decimal) -> String {
    let normalized = hours.round_dp(2).normalize();
    format!("{} h", normalized.to_string().replace('.', ","))
}
