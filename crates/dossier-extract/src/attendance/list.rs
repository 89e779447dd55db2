//! The list shapes: lines that each state a half-day (a date with "matin"/"après-midi" or a
//! time range) for a trainee, with a status.
//!
//! - One row per trainee and half-day: "Julie MARTIN | 02/03/2026 | Matin | 3,5 h | Signé
//!   électroniquement à 09:02" (hours from the row's times, its duration, or the timetable).
//! - Per-trainee blocks: a heading ("Stagiaire : Julie MARTIN", or the name alone) then one
//!   line per half-day.
//! - Per-slot sections: a heading ("Séance du 02/03/2026 (matin, 09:00 - 12:30)") then one
//!   line per trainee, with a signing time or a status.
//! - One row per trainee listing the half-days signed ("Julie MARTIN | 02/03/2026 matin,
//!   02/03/2026 après-midi") under a heading that says they are signed.
//!
//! A status that says neither signed nor absent leaves the cell uncertain.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use dossier_contract::SessionPeriod;
use dossier_layout::BBox;
use regex::Regex;
use rust_decimal::Decimal;

use super::cell::{says_absent, says_signed, status_mark};
use super::{
    Context, LIST_CONFIDENCE, Mark, Marks, is_trainee_name, looks_like_person, ordered, period_of,
    slot_index, trainee_key, trim_name,
};
use crate::view::{DocView, LineView, re};

/// Time ranges and durations, removed from a line before its status is read: "08:30-12:00"
/// is a timetable, not a signing time.
static TIMES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b[0-2]?\d\s*[h:]\s*[0-5]?\d?\s*(-|a|à|au|/)\s*[0-2]?\d\s*[h:]\s*[0-5]?\d?|\b\d{1,2}(,\d{1,2})?\s*h(eures?)?\b(\s*\d{2}\b)?",
    )
});
/// A line heading a per-slot section rather than a trainee's row.
static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"seance|session|creneau|demi-?\s?journee|journee|^\s*(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
    )
});
/// A heading that says the half-days listed on the rows below are the signed ones.
static SIGNED_HEADING: LazyLock<Regex> =
    LazyLock::new(|| re(r"signe|emarge|signatures?\b|presences?\b"));
static TRAINEE_HEADING: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(stagiaire|participant|apprenant|nom)\s*:\s*"));

/// (date, period, hours) pairs a line states: each date owns the text up to the next date.
fn slots_in(line: &LineView<'_>) -> Vec<(NaiveDate, SessionPeriod, Option<Decimal>)> {
    let text = line.text();
    let dates = dossier_parse::find_dates(text);
    let mut out = Vec::new();
    for (i, m) in dates.iter().enumerate() {
        let end = dates.get(i + 1).map_or(text.len(), |d| d.start);
        // A date's period may also stand before it ("Matin du 02/03/2026") when it is alone.
        let segment = if dates.len() == 1 {
            text
        } else {
            &text[m.start..end]
        };
        let (folded, _) = crate::view::fold(segment);
        if let Some(period) = period_of(segment, &folded) {
            let hours = dossier_parse::find_time_range(segment).map(|(h, _, _)| h);
            out.push((m.date, period, hours));
        }
    }
    out
}

/// A person's name among a line's cells (or at its start).
fn own_name(line: &LineView<'_>) -> Option<String> {
    line.line
        .cells
        .iter()
        .flat_map(|c| {
            // A cell may hold the name then more ("Julie MARTIN - Signé à 09:02").
            let text = c.text.trim();
            let head = text
                .split([':', '|', '(', ','])
                .next()
                .unwrap_or(text)
                .split(" - ")
                .next()
                .unwrap_or(text);
            // Or the name then the row's date in one cell, when the layout found no gap
            // between them ("Camille Rousseau 03/06/2026 Matin 09:00 - 12:30").
            let before_digits = text
                .split(|c: char| c.is_ascii_digit())
                .next()
                .unwrap_or(text);
            [text, head, before_digits]
        })
        .map(trim_name)
        .find(|t| looks_like_person(t))
        .map(str::to_string)
}

/// The status a line states once its name, dates and times are set aside.
fn line_status(line: &LineView<'_>, name: Option<&str>, context: &Context) -> Option<Mark> {
    let mut folded = line.folded.clone();
    if let Some(name) = name {
        folded = folded.replace(&crate::view::fold(name).0, " ");
    }
    let last = line
        .line
        .cells
        .last()
        .map(|c| crate::view::fold(&c.text).0)
        .unwrap_or_default();
    let last_has_name = name.is_some_and(|n| last.contains(&crate::view::fold(n).0));
    if !last_has_name && line.line.cells.len() > 1 {
        if let Some(mark) = status_mark(&TIMES.replace_all(&last, " "), &context.legend) {
            return Some(mark);
        }
    }
    let rest = TIMES.replace_all(&folded, " ");
    if says_absent(&rest) {
        Some(Mark::Absent)
    } else if says_signed(&rest) {
        Some(Mark::Signed)
    } else {
        None
    }
}

pub(super) fn list(view: &DocView<'_>, context: &Context) -> Option<Marks> {
    let mut slots = Vec::new();
    let mut entries: Vec<(String, usize, Mark)> = Vec::new();
    let mut bbox: Option<BBox> = None;
    let mut page = 0;
    let mut evidence = String::new();
    let mut trainee: Option<String> = None;
    let mut section: Option<(NaiveDate, SessionPeriod, Option<Decimal>)> = None;
    // Which of a trainee heading and a slot heading came last.
    let mut in_section = false;
    let mut signed_heading = false;
    for line in &view.lines {
        let pairs = slots_in(line);
        let own = own_name(line);
        let status = line_status(line, own.as_deref(), context);
        let mut add = |name: &str, slot: (NaiveDate, SessionPeriod, Option<Decimal>), mark| {
            let hours = slot.2.or_else(|| {
                // A row's own duration ("3,5 h") when it states one half-day.
                (pairs.len() <= 1)
                    .then(|| dossier_parse::find_duration_hours(line.text()).map(|(h, _, _)| h))
                    .flatten()
            });
            let hours = hours.or(context.hours_of(slot.1));
            let index = slot_index(&mut slots, slot.0, slot.1, hours);
            entries.push((name.to_string(), index, mark));
            bbox = Some(bbox.map_or(line.line.bbox, |b| b.union(line.line.bbox)));
            if page == 0 {
                page = line.page;
                evidence = crate::view::evidence_of(line.text());
            }
        };
        match (pairs.len(), own) {
            (0, own) => {
                let has_dates = !dossier_parse::find_dates(line.text()).is_empty();
                if let Some(m) = TRAINEE_HEADING.find(&line.folded) {
                    let name = trim_name(line.text()[line.orig(m.end())..].trim());
                    if is_trainee_name(name) {
                        trainee = Some(name.to_string());
                        in_section = false;
                    }
                } else if let (Some(name), Some(slot), true) = (&own, section, in_section) {
                    // A trainee's line in a per-slot section.
                    add(name, slot, status.unwrap_or(Mark::Uncertain));
                } else if let Some(name) = own.filter(|_| line.line.cells.len() == 1 && !has_dates)
                {
                    trainee = Some(name);
                    in_section = false;
                } else if !has_dates {
                    signed_heading =
                        SIGNED_HEADING.is_match(&line.folded) && own_name(line).is_none();
                }
            }
            (1, None)
                if status.is_none() && (SECTION.is_match(&line.folded) || trainee.is_none()) =>
            {
                section = Some(pairs[0]);
                in_section = true;
            }
            (n, own) => {
                let Some(name) = own.or_else(|| trainee.clone().filter(|_| !in_section)) else {
                    continue;
                };
                let mark = match status {
                    Some(mark) => mark,
                    None if n > 1 && signed_heading => Mark::Signed,
                    None => Mark::Uncertain,
                };
                for pair in &pairs {
                    add(&name, *pair, mark);
                }
            }
        }
    }
    if entries.is_empty() {
        return None;
    }
    let mut by_trainee: BTreeMap<String, BTreeMap<usize, Mark>> = BTreeMap::new();
    for (name, slot, mark) in entries {
        let key = trainee_key(&mut by_trainee, name);
        let cell = by_trainee.entry(key).or_default().entry(slot).or_default();
        *cell = (*cell).max(mark);
    }
    let (slots, signatures) = ordered(slots, by_trainee);
    Some(Marks {
        slots,
        signatures,
        page,
        evidence,
        bbox: bbox.unwrap_or_default(),
        confidence: LIST_CONFIDENCE,
    })
}
