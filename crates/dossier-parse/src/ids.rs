//! Identifiers of French companies and training providers.
//!
//! - SIREN (9 digits) and SIRET (14 digits) with the Luhn check, and La Poste's rule for its
//!   establishments (SIREN 356000000: the digits of the SIRET sum to a multiple of 5).
//! - NDA, the training provider's déclaration d'activité number: 11 digits whose first two are
//!   an INSEE region code (no public check digit exists).
//! - French VAT numbers: "FR" + key + SIREN, with the numeric key checked.
//!
//! Identifiers are found with spaces, dots or non-breaking spaces inside them. OCR confusions
//! (O/0, l/1, S/5, B/8) are repaired only when the repaired number passes its check digit.

use std::sync::LazyLock;

use regex::Regex;

/// An identifier found in a text: its normalised digits and its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct IdMatch {
    pub value: String,
    pub start: usize,
    pub end: usize,
    /// Whether OCR-confused characters had to be repaired to make it valid.
    pub repaired: bool,
}

/// Region codes an NDA may start with: current regions, overseas, and pre-2016 regions that
/// older numbers still carry (domain rule ID-04).
const NDA_REGIONS: &[&str] = &[
    "01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84",
    "93", "94", "21", "22", "23", "25", "26", "31", "41", "42", "43", "54", "72", "73", "74", "82",
    "83", "91",
];

fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

pub fn is_valid_siren(siren: &str) -> bool {
    siren.len() == 9
        && siren.chars().all(|c| c.is_ascii_digit())
        && luhn(siren)
        && siren != "000000000"
}

pub fn is_valid_siret(siret: &str) -> bool {
    if siret.len() != 14
        || !siret.chars().all(|c| c.is_ascii_digit())
        || siret.starts_with("000000000")
    {
        return false;
    }
    if siret.starts_with("356000000") && siret != "35600000000048" {
        return siret.chars().filter_map(|c| c.to_digit(10)).sum::<u32>() % 5 == 0;
    }
    luhn(siret) && is_valid_siren(&siret[..9])
}

/// An NDA's format: 11 digits starting with a known region code.
pub fn is_valid_nda(nda: &str) -> bool {
    nda.len() == 11 && nda.chars().all(|c| c.is_ascii_digit()) && NDA_REGIONS.contains(&&nda[..2])
}

fn ocr_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        'O' | 'o' | 'D' | 'Q' => Some('0'),
        'l' | 'I' | 'i' | '|' => Some('1'),
        'S' | 's' => Some('5'),
        'B' => Some('8'),
        'Z' | 'z' => Some('2'),
        'G' => Some('6'),
        _ => None,
    }
}

#[allow(clippy::expect_used)] // Constant patterns: a failure is a bug caught by every test.
static DIGIT_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9OolIiSBZG|](?:[\x20\u{A0}\u{202F}.\-]?[0-9OolIiSBZG|])*").expect("digit run")
});

/// Digit runs (separators allowed between digits) of exactly `len` digits, with the check.
fn find_runs(text: &str, len: usize, valid: fn(&str) -> bool) -> Vec<IdMatch> {
    let mut out = Vec::new();
    for m in DIGIT_RUN.find_iter(text) {
        // OCR-confusable letters count as digits only between digits: trim them at the ends.
        let raw = m.as_str();
        let lead = raw.len() - raw.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
        let run = raw[lead..].trim_end_matches(|c: char| !c.is_ascii_digit());
        if run.is_empty() {
            continue;
        }
        let run_start = m.start() + lead;
        let run_end = run_start + run.len();
        let before = text[..run_start].chars().next_back();
        let after = text[run_end..].chars().next();
        if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
            continue;
        }
        // A run may hold several numbers separated by spaces ("SIRET 123 456 789 00012 NDA ...");
        // try every window of chars that makes `len` digits.
        let chars: Vec<(usize, char)> = run.char_indices().collect();
        let digit_positions: Vec<usize> = chars
            .iter()
            .enumerate()
            .filter(|(_, (_, c))| ocr_digit(*c).is_some())
            .map(|(i, _)| i)
            .collect();
        if digit_positions.len() < len {
            continue;
        }
        let mut k = 0;
        while k + len <= digit_positions.len() {
            let first = digit_positions[k];
            let last = digit_positions[k + len - 1];
            // The window must be bounded by a separator (or the run's ends) on both sides.
            let left_ok = k == 0 || first > digit_positions[k - 1] + 1;
            let right_ok = k + len == digit_positions.len() || digit_positions[k + len] > last + 1;
            if left_ok && right_ok {
                let raw: Vec<char> = chars[first..=last]
                    .iter()
                    .map(|(_, c)| *c)
                    .filter(|c| ocr_digit(*c).is_some())
                    .collect();
                let repaired = raw.iter().any(|c| !c.is_ascii_digit());
                let has_real_digits =
                    raw.iter().filter(|c| c.is_ascii_digit()).count() * 4 >= len * 3;
                let value: String = raw.iter().filter_map(|c| ocr_digit(*c)).collect();
                if has_real_digits && valid(&value) {
                    let start = run_start + chars[first].0;
                    let end = run_start + chars[last].0 + chars[last].1.len_utf8();
                    out.push(IdMatch {
                        value,
                        start,
                        end,
                        repaired,
                    });
                    k += len;
                    continue;
                }
            }
            k += 1;
        }
    }
    out
}

/// SIRETs in `text` that pass their check.
pub fn find_siret(text: &str) -> Vec<IdMatch> {
    find_runs(text, 14, is_valid_siret)
}

/// 14-digit runs in `text` printed as a SIRET would be that fail the check digit: a
/// mistyped or forged identifier, reported as printed (never repaired from OCR letters).
pub fn find_invalid_siret(text: &str) -> Vec<IdMatch> {
    find_runs(text, 14, |digits| !is_valid_siret(digits))
        .into_iter()
        .filter(|m| !m.repaired)
        .collect()
}

/// SIRENs in `text` that pass their check (a SIRET's first nine digits are not reported).
pub fn find_siren(text: &str) -> Vec<IdMatch> {
    let sirets = find_siret(text);
    find_runs(text, 9, is_valid_siren)
        .into_iter()
        .filter(|m| !sirets.iter().any(|s| m.start < s.end && m.end > s.start))
        .collect()
}

/// NDA-shaped numbers in `text` (11 digits, known region code). Callers should only trust
/// them next to an NDA label, since any 11-digit number with a region prefix matches.
pub fn find_nda(text: &str) -> Vec<IdMatch> {
    find_runs(text, 11, is_valid_nda)
}

#[allow(clippy::expect_used)]
static VAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bFR\s?(?P<key>[0-9A-HJ-NP-Z]{2})\s?(?P<siren>(?:\d\s?){8}\d)\b").expect("vat")
});

/// French VAT numbers whose SIREN is valid and whose numeric key (when numeric) matches.
pub fn find_vat_numbers(text: &str) -> Vec<IdMatch> {
    let mut out = Vec::new();
    for caps in VAT.captures_iter(text) {
        let (Some(whole), Some(key), Some(siren)) =
            (caps.get(0), caps.name("key"), caps.name("siren"))
        else {
            continue;
        };
        let siren: String = siren
            .as_str()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if !is_valid_siren(&siren) {
            continue;
        }
        let key = key.as_str();
        if let Ok(k) = key.parse::<u64>() {
            let Ok(n) = siren.parse::<u64>() else {
                continue;
            };
            if k != (12 + 3 * (n % 97)) % 97 {
                continue;
            }
        }
        out.push(IdMatch {
            value: format!("FR{key}{siren}"),
            start: whole.start(),
            end: whole.end(),
            repaired: false,
        });
    }
    out
}
