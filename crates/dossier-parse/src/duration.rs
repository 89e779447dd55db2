//! Durations in hours ("35 heures", "35 h", "3h30", "10 h 30", "7,5 heures", "5 jours (35
//! heures)", "8 heures soit 1 jour", "14 h sur 2 jours", "3 jours de 7 heures", "2 x 7 heures") and time-of-day ranges
//! ("9h00-12h30", "09:00 – 12:30", "de 9h à 12h30"), which must never be read as durations.

use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

#[allow(clippy::expect_used)] // Constant patterns: a failure is a bug caught by every test.
static HOURS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<n>\d{1,4}(?:[.,]\d{1,2})?)\s*(?P<unit>heures?|hrs?\b|h(?P<min>[0-5]\d)\b|h\s(?P<min2>[0-5]\d)\b|h\b)").expect("hours")
});
#[allow(clippy::expect_used)]
static DAYS_OF_HOURS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<days>\d{1,3})\s*(?:(?:jours?|j|journées?|séances?)\s*(?:de|x|à|a|×)|[x×])\s*(?P<h>\d{1,2}(?:[.,]\d{1,2})?)\s*(?:heures?|h)\b").expect("days of hours")
});
#[allow(clippy::expect_used)]
static TIME_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<h1>[0-2]?\d)\s*(?:h|:)\s*(?P<m1>[0-5]\d)?\s*(?:-|–|—|à|a|au|/)\s*(?P<h2>[0-2]?\d)\s*(?:h|:)\s*(?P<m2>[0-5]\d)?").expect("time range")
});

fn decimal(raw: &str) -> Option<Decimal> {
    Decimal::from_str(&raw.replace(',', ".")).ok()
}

/// Finds the total duration in hours stated in `text`, with its byte span.
pub fn find_duration_hours(text: &str) -> Option<(Decimal, usize, usize)> {
    let time_spans: Vec<(usize, usize)> = TIME_RANGE
        .find_iter(text)
        .filter(|m| {
            TIME_RANGE.captures(m.as_str()).is_some_and(|c| {
                c.name("m1").is_some() || c.name("m2").is_some() || m.as_str().contains('h')
            })
        })
        .map(|m| (m.start(), m.end()))
        .collect();
    let mut candidates: Vec<(Decimal, usize, usize)> = Vec::new();
    for caps in HOURS.captures_iter(text) {
        let (Some(whole), Some(n)) = (caps.get(0), caps.name("n")) else {
            continue;
        };
        if time_spans
            .iter()
            .any(|(s, e)| whole.start() < *e && whole.end() > *s)
        {
            continue;
        }
        let before = text[..n.start()].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_digit() || c == ',' || c == '.' || c.is_alphabetic()) {
            continue;
        }
        let after = &text[whole.end()..];
        let per_day = after.trim_start().to_lowercase();
        if per_day.starts_with("par jour")
            || per_day.starts_with("/jour")
            || per_day.starts_with("/ jour")
            || per_day.starts_with("par séance")
        {
            continue;
        }
        let Some(mut hours) = decimal(n.as_str()) else {
            continue;
        };
        if let Some(min) = caps.name("min").or(caps.name("min2")) {
            if n.as_str().contains([',', '.']) {
                continue;
            }
            hours += Decimal::from(min.as_str().parse::<u32>().unwrap_or(0)) / Decimal::from(60);
        }
        if hours > Decimal::ZERO && hours <= Decimal::from(5000) {
            candidates.push((hours.round_dp(2).normalize(), n.start(), whole.end()));
        }
    }
    if let Some(caps) = DAYS_OF_HOURS.captures(text) {
        if let (Some(whole), Some(days), Some(h)) = (caps.get(0), caps.name("days"), caps.name("h"))
        {
            if let (Some(days), Some(h)) = (decimal(days.as_str()), decimal(h.as_str())) {
                // "3 jours de 7 heures" states the total only as a product; a total stated in
                // hours elsewhere on the line still wins.
                let stated_total = candidates
                    .iter()
                    .find(|(_, s, _)| *s < whole.start() || *s >= whole.end());
                return match stated_total {
                    Some(c) => Some(*c),
                    None => Some(((days * h).normalize(), whole.start(), whole.end())),
                };
            }
        }
    }
    candidates.into_iter().next()
}

/// Finds a time-of-day range and returns its length in hours with its span.
pub fn find_time_range(text: &str) -> Option<(Decimal, usize, usize)> {
    for caps in TIME_RANGE.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let minutes = |h: Option<regex::Match<'_>>, m: Option<regex::Match<'_>>| -> Option<i64> {
            let h: i64 = h?.as_str().parse().ok()?;
            let m: i64 = m.map(|m| m.as_str().parse().unwrap_or(0)).unwrap_or(0);
            (h <= 23).then_some(h * 60 + m)
        };
        let (Some(a), Some(b)) = (
            minutes(caps.name("h1"), caps.name("m1")),
            minutes(caps.name("h2"), caps.name("m2")),
        ) else {
            continue;
        };
        if b > a && b - a <= 12 * 60 {
            return Some((
                (Decimal::from(b - a) / Decimal::from(60))
                    .round_dp(2)
                    .normalize(),
                whole.start(),
                whole.end(),
            ));
        }
    }
    None
}
