//! Money amounts as French documents write them: "1 234,56 €" (space, NBSP or narrow NBSP
//! between thousands), "1.234,56 EUR", "350.00 EUR", "€ 1 234,56", "-12,50 €", "10 890 €".
//!
//! Text read by OCR adds its own misreadings of the same amounts: a decimal comma read as a
//! space or a semicolon, or lost ("1 80000"), an O for a 0, an l for a 1. Such a text is not
//! corrected here, since nothing in one amount says which reading is right:
//! [`ocr_amount_readings`] lists the candidates and the caller keeps the one its document's
//! arithmetic confirms (totals that add up).

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
        (?P<neg>-\s?|[–—−])?
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
        let glued_before = before.is_some_and(|c| {
            c.is_alphanumeric() || matches!(c, '/' | ':' | '.' | ',' | '-' | '–' | '—' | '_')
        });
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

/// One way of reading an amount in a text read by OCR.
#[derive(Debug, Clone, PartialEq)]
pub struct AmountReading {
    pub value: Decimal,
    /// Byte span in the text as read.
    pub start: usize,
    pub end: usize,
    /// Whether the reading undoes an OCR confusion rather than taking the text as read.
    pub repaired: bool,
}

/// The amount a label's value text most likely holds: the first written as money (currency
/// mark or cents), else the first number.
pub fn first_money_amount(text: &str) -> Option<AmountMatch> {
    let found = find_amounts(text);
    let position = found
        .iter()
        .position(|m| m.has_currency || m.has_decimals)
        .unwrap_or(0);
    found.into_iter().nth(position)
}

/// Readings of the first amount of a text read by OCR: the text as read first (when it
/// holds an amount), then the amounts it holds once one of OCR's usual confusions is undone,
/// each value once. Every repair keeps byte offsets, so spans point into `text`.
pub fn ocr_amount_readings(text: &str) -> Vec<AmountReading> {
    let mut readings: Vec<AmountReading> = Vec::new();
    let mut push = |value: Decimal, start: usize, end: usize, repaired: bool| {
        if !readings.iter().any(|r| r.value == value) {
            readings.push(AmountReading {
                value,
                start,
                end,
                repaired,
            });
        }
    };
    if let Some(m) = first_money_amount(text) {
        push(m.value, m.start, m.end, false);
    }
    let digits_fixed = letters_as_digits(text);
    let mut texts = vec![text.to_string()];
    if digits_fixed != text {
        if let Some(m) = first_money_amount(&digits_fixed) {
            push(m.value, m.start, m.end, true);
        }
        texts.push(digits_fixed);
    }
    for candidate in &texts {
        let spaced = decimal_separator_restored(candidate);
        if spaced != *candidate
            && let Some(m) = first_money_amount(&spaced)
        {
            push(m.value, m.start, m.end, true);
        }
        if let Some((value, start, end)) = lost_decimal_separator(candidate) {
            push(value, start, end, true);
        }
    }
    readings
}

/// "5OO,OO" → "500,00": inside a token that holds a digit, the letters OCR takes for digits
/// (O, o, l, I, S, B) become those digits, as does a lone "l" before a thousands group. A
/// token with any other letter ("F2026", "TTC") is a word or a reference and stays as read.
fn letters_as_digits(text: &str) -> String {
    static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        // A constant pattern: a failure is a bug caught by every test.
        Regex::new(r"[0-9A-Za-z]+").expect("token pattern")
    });
    let mut out = text.to_string();
    for m in TOKEN.find_iter(text) {
        let token = m.as_str();
        // A lone "l" or "I" before a thousands group is the "1" of "1 200,00".
        let leads_thousands = matches!(token, "l" | "I")
            && text[m.end()..].starts_with([' ', '.'])
            && text[m.end() + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count()
                == 3;
        let has_digit = leads_thousands || token.chars().any(|c| c.is_ascii_digit());
        let only_confusable = token
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 'O' | 'o' | 'l' | 'I' | 'S' | 'B'));
        if has_digit && only_confusable {
            let fixed: String = token
                .chars()
                .map(|c| match c {
                    'O' | 'o' => '0',
                    'l' | 'I' => '1',
                    'S' => '5',
                    'B' => '8',
                    other => other,
                })
                .collect();
            out.replace_range(m.range(), &fixed);
        }
    }
    out
}

/// "1 234 56 €" or "1 234;56 €" → "1 234,56 €": a decimal comma read as a space or as other
/// punctuation, recognised by the two digits that end the number after it.
fn decimal_separator_restored(text: &str) -> String {
    static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        // A constant pattern: a failure is a bug caught by every test.
        Regex::new(r"\d([\x20;:'])\d{2}(?:[^\d.,]|$)").expect("separator pattern")
    });
    let Some(separator) = SEPARATOR.captures(text).and_then(|c| c.get(1)) else {
        return text.to_string();
    };
    let mut out = text.to_string();
    out.replace_range(separator.range(), ",");
    out
}

/// "1 80000 €" or "180000 €" → 1 800,00: a decimal comma OCR dropped, leaving a number
/// whose last group has two digits too many (or a long run with no separator at all).
fn lost_decimal_separator(text: &str) -> Option<(Decimal, usize, usize)> {
    static RUN: LazyLock<Regex> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        // A constant pattern: a failure is a bug caught by every test.
        Regex::new(r"\d+(?:[\x20.]\d+)*").expect("run pattern")
    });
    for run in RUN.find_iter(text) {
        let before = text[..run.start()].chars().next_back();
        let rest = &text[run.end()..];
        let glued = before
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | ':' | '-' | '–' | '—'))
            || rest.starts_with(|c: char| c.is_alphanumeric() || matches!(c, '/' | ':'))
            || rest.trim_start().starts_with('%');
        let groups: Vec<&str> = run.as_str().split([' ', '.']).collect();
        let last = groups.last().map_or(0, |g| g.len());
        let has_decimals =
            rest.starts_with([',', '.']) && rest[1..].starts_with(|c: char| c.is_ascii_digit());
        let lost = (groups.len() == 1 && last >= 3) || (groups.len() > 1 && last == 5);
        if glued || has_decimals || !lost {
            continue;
        }
        let digits: String = run.as_str().chars().filter(char::is_ascii_digit).collect();
        if digits.len() > 12 {
            continue;
        }
        let cents = digits.parse::<i64>().ok()?;
        return Some((Decimal::new(cents, 2), run.start(), run.end()));
    }
    None
}
