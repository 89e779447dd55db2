//! Money amounts as French documents write them: "1 234,56 €" (space, NBSP or narrow NBSP
//! between thousands), "1.234,56 EUR", "350.00 EUR", "€ 1 234,56", "-12,50 €", "10 890 €".

use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

/// An amount found in a text, with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct AmountMatch {
    pub value: Decimal,
    pub start: usize,
    pub end: usize,
    /// Whether a currency mark (€, EUR, euros) stands next to the number.
    pub has_currency: bool,
    /// Whether the number has a decimal part (",00").
    pub has_decimals: bool,
}

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)] // A constant pattern: a failure is a bug caught by every test.
    Regex::new(
        r"(?ix)
        (?P<neg>-\s?)?
        (?P<pre>€\s?|EUR\s)?
        (?P<num>\d{1,3}(?:[\x20\u{A0}\u{202F}.,'](?:\d{3}))+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)
        (?P<post>\s?(?:€|EUR\b|euros?\b))?",
    )
    .expect("amount pattern")
});

/// Interprets the digits and separators of a number, deciding which separator is decimal.
fn number_value(raw: &str) -> Option<(Decimal, bool)> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let last_sep = compact.rfind([',', '.']);
    let (int_part, frac_part) = match last_sep {
        Some(pos) => {
            let frac = &compact[pos + 1..];
            if frac.len() <= 2 && !frac.is_empty() {
                (&compact[..pos], Some(frac))
            } else {
                (compact.as_str(), None)
            }
        }
        None => (compact.as_str(), None),
    };
    let digits: String = int_part.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    let text = match frac_part {
        Some(frac) => format!("{digits}.{frac}"),
        None => digits,
    };
    Decimal::from_str(&text)
        .ok()
        .map(|v| (v, frac_part.is_some()))
}

/// Finds every amount in `text`. Numbers glued to other digits, to a slash (dates), to a
/// colon (times) or to letters (references such as "F2026-12") are not amounts.
pub fn find_amounts(text: &str) -> Vec<AmountMatch> {
    let mut out = Vec::new();
    for caps in AMOUNT.captures_iter(text) {
        let (Some(whole), Some(num)) = (caps.get(0), caps.name("num")) else {
            continue;
        };
        let before = text[..whole.start()].chars().next_back();
        let after = text[num.end()..].chars().next();
        let glued_before = before
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | ':' | '.' | ',' | '-' | '_'));
        let rest = &text[num.end()..];
        let has_post = caps.name("post").is_some();
        let glued_after = (!has_post && after.is_some_and(char::is_alphanumeric))
            || after.is_some_and(|c| matches!(c, '/' | ':' | '°'))
            || rest.trim_start().starts_with('%')
            || (after == Some('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()));
        if glued_before || glued_after {
            continue;
        }
        let Some((mut value, has_decimals)) = number_value(num.as_str()) else {
            continue;
        };
        if caps.name("neg").is_some() {
            value = -value;
        }
        let has_currency = caps.name("pre").is_some() || caps.name("post").is_some();
        let start = if caps.name("neg").is_some() || caps.name("pre").is_some() {
            whole.start()
        } else {
            num.start()
        };
        out.push(AmountMatch {
            value,
            start,
            end: whole.end(),
            has_currency,
            has_decimals,
        });
    }
    out
}

/// Parses a string that is exactly one amount (surrounding spaces and a currency allowed).
pub fn parse_amount(text: &str) -> Option<Decimal> {
    let trimmed = text.trim();
    let found = find_amounts(trimmed);
    match found.as_slice() {
        [only] if only.start == 0 && only.end == trimmed.len() => Some(only.value),
        _ => None,
    }
}
