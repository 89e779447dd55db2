//! Dates: "03/02/2026", "03.02.2026", "3-2-26", "2026-02-03", "3 février 2026", "1er mars
//! 2026", "lundi 2 mars 2026", and ranges such as "du 2 au 6 mars 2026". Years outside
//! 1990–2100 are not plausible on a training document and are rejected.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

/// A date found in a text, with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct DateMatch {
    pub date: NaiveDate,
    pub start: usize,
    pub end: usize,
}

const MONTHS: &[(&str, u32)] = &[
    ("janvier", 1),
    ("janv", 1),
    ("jan", 1),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("fevr", 2),
    ("fév", 2),
    ("fev", 2),
    ("mars", 3),
    ("avril", 4),
    ("avr", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("sept", 9),
    ("sep", 9),
    ("octobre", 10),
    ("oct", 10),
    ("novembre", 11),
    ("nov", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    ("dec", 12),
];

#[allow(clippy::expect_used)] // Constant patterns: a failure is a bug caught by every test.
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<d>[0-3]?\d)\s?(?P<s>[/.\-])\s?(?P<m>[01]?\d)\s?[/.\-]\s?(?P<y>\d{4}|\d{2})")
        .expect("numeric date")
});
#[allow(clippy::expect_used)]
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<d>[0-3]\d)").expect("iso date")
});
#[allow(clippy::expect_used)]
static TEXTUAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?P<d>[1lI]\s?er|[0-3]?\d)\s*(?P<m>janvier|janv\.?|f[ée]vrier|f[ée]vr?\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|ao[uû]t|septembre|sept?\.?|octobre|oct\.?|novembre|nov\.?|d[ée]cembre|d[ée]c\.?)\s+(?P<y>\d{4})\b").expect("textual date")
});
#[allow(clippy::expect_used)]
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:du|de|from)\s+(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?(?P<d1>[1lI]\s?er|[0-3]?\d)(?:\s*(?P<sep1>[/.])\s*(?P<m1n>[01]?\d)(?:\s*[/.]\s*(?P<y1n>\d{4}|\d{2}))?|\s*(?P<m1t>janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre)(?:\s+(?P<y1t>\d{4}))?)?\s+(?:au|à|a|jusqu'au|-|–|—)\s+(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?").expect("range")
});

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    let key = lower.trim_end_matches('.');
    MONTHS.iter().find(|(n, _)| *n == key).map(|(_, m)| *m)
}

fn year_value(raw: &str) -> Option<i32> {
    let y: i32 = raw.parse().ok()?;
    let y = if raw.len() == 2 { 2000 + y } else { y };
    (1990..=2100).contains(&y).then_some(y)
}

/// The day of "12", "1er", "1 er", or of "ler" and "Ier" (the "1er" OCR reads with an l or
/// an I: the "er" leaves no other reading).
fn day_value(raw: &str) -> Option<u32> {
    if raw.ends_with("er") {
        return Some(1);
    }
    let cleaned: String = raw.chars().filter(char::is_ascii_digit).collect();
    cleaned.parse().ok()
}

/// Finds every plausible date in `text`, in order of position.
/// Whether a match is free of digits and date separators on both sides (the patterns do not
/// consume their boundaries, so "13/08/2026 13/08/2026" yields both dates).
fn bounded(text: &str, start: usize, end: usize) -> bool {
    let glued =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | '-'));
    let after = &text[end..];
    // A full stop ending a sentence is not a separator.
    let after_glued = glued(after.chars().next())
        && !(after.starts_with('.') && !after[1..].starts_with(|c: char| c.is_ascii_digit()));
    !glued(text[..start].chars().next_back()) && !after_glued
}

fn month_value(raw: &str) -> Option<u32> {
    raw.parse().ok().or_else(|| month_number(raw))
}

pub fn find_dates(text: &str) -> Vec<DateMatch> {
    let mut out: Vec<DateMatch> = Vec::new();
    // Numeric patterns must not touch other digits or separators; the textual one is bounded
    // by its words.
    for (pattern, numeric) in [(&*NUMERIC, true), (&*ISO, true), (&*TEXTUAL, false)] {
        for caps in pattern.captures_iter(text) {
            let (Some(d), Some(m), Some(y)) = (caps.name("d"), caps.name("m"), caps.name("y"))
            else {
                continue;
            };
            let (start, end) = (d.start().min(y.start()), d.end().max(y.end()));
            if numeric && !bounded(text, start, end) {
                continue;
            }
            let date = (|| {
                NaiveDate::from_ymd_opt(
                    year_value(y.as_str())?,
                    month_value(m.as_str())?,
                    day_value(d.as_str())?,
                )
            })();
            if let Some(date) = date {
                out.push(DateMatch { date, start, end });
                if !numeric {
                    out.extend(listed_days(text, start, date));
                }
            }
        }
    }
    out.sort_by_key(|m| m.start);
    out.dedup_by(|b, a| b.start < a.end);
    out
}

/// The other days of a list that ends with a full textual date ("13, 20 et 27 avril 2026"):
/// each listed day of the same month and year, with its own span.
fn listed_days(text: &str, date_start: usize, date: NaiveDate) -> Vec<DateMatch> {
    static LIST: LazyLock<Regex> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        // A constant pattern: a failure is a bug caught by every test.
        Regex::new(r"(?:\b\d{1,2}(?:er)?\s*(?:,\s*|\s+et\s+|\s*&\s*))+$").expect("list pattern")
    });
    static DAY: LazyLock<Regex> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        // A constant pattern: a failure is a bug caught by every test.
        Regex::new(r"\b\d{1,2}").expect("day pattern")
    });
    let before = &text[..date_start];
    let Some(list) = LIST.find(before) else {
        return Vec::new();
    };
    // A list ends with "et" or "&" before its last item ("13, 20 et 27 avril"); "Article 3,
    // 12 mars" or "Jour 1, 9 mars" are no lists.
    let last_separator = list.as_str().trim_end();
    if !(last_separator.ends_with(" et") || last_separator.ends_with('&')) {
        return Vec::new();
    }
    DAY.find_iter(list.as_str())
        .filter_map(|d| {
            let day = d.as_str().parse::<u32>().ok()?;
            let listed = NaiveDate::from_ymd_opt(date.year(), date.month(), day)?;
            Some(DateMatch {
                date: listed,
                start: list.start() + d.start(),
                end: list.start() + d.end(),
            })
        })
        .collect()
}

/// Parses a string that is exactly one date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let trimmed = text.trim();
    match find_dates(trimmed).as_slice() {
        [only] if only.start == 0 && only.end == trimmed.len() => Some(only.date),
        _ => None,
    }
}

/// Finds a date range: "du 02/03/2026 au 06/03/2026", "du 2 au 6 mars 2026", "du 2 mars au
/// 6 mars 2026", or two dates joined by "au", "à" or a dash. The first date may borrow its
/// month and year from the second. Returns the two dates and the byte span.
pub fn find_date_range(text: &str) -> Option<(NaiveDate, NaiveDate, usize, usize)> {
    let dates = find_dates(text);
    // Two full dates joined by a range word.
    for pair in dates.windows(2) {
        let between = text[pair[0].end..pair[1].start].trim().to_lowercase();
        let joined = matches!(
            between.as_str(),
            "au" | "à" | "a" | "-" | "–" | "—" | "jusqu'au" | "et le" | "to"
        ) || between.ends_with(" au")
            || between.starts_with("au ");
        if joined && pair[0].date <= pair[1].date && between.len() <= 24 {
            return Some((pair[0].date, pair[1].date, pair[0].start, pair[1].end));
        }
    }
    // "du 2 au 6 mars 2026": the start borrows what it lacks from the end.
    for caps in RANGE.captures_iter(text) {
        let (Some(whole), Some(d1)) = (caps.get(0), caps.name("d1")) else {
            continue;
        };
        let Some(end) = dates.iter().find(|m| m.start == whole.end()) else {
            continue;
        };
        let month = caps
            .name("m1n")
            .and_then(|m| m.as_str().parse().ok())
            .or_else(|| caps.name("m1t").and_then(|m| month_number(m.as_str())))
            .unwrap_or(chrono::Datelike::month(&end.date));
        let year = caps
            .name("y1n")
            .or(caps.name("y1t"))
            .and_then(|y| year_value(y.as_str()))
            .unwrap_or(chrono::Datelike::year(&end.date));
        let Some(start) = NaiveDate::from_ymd_opt(year, month, day_value(d1.as_str())?) else {
            continue;
        };
        if start <= end.date {
            return Some((start, end.date, whole.start(), end.end));
        }
    }
    None
}
