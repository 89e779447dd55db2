//! Fields of a sign-in sheet (feuille d'émargement) read from text: the sessions (date,
//! half-day, hours), who signed which half-day, and the hours signed per trainee.
//!
//! Two shapes are understood. A grid: a header row of half-day columns (a date with
//! "matin"/"après-midi" or a time range, the date possibly on a row above spanning two
//! columns) and one row per trainee whose cells say "signé", carry a tick or a signing time,
//! or say "absent" or nothing. A list: one row per trainee and half-day with the date, the
//! half-day or times, and the status. A half-day's hours come from its time range, or from
//! the sheet's stated timetable; when neither is printed, hours are not reported.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use dossier_contract::{Field, Fields, Session, SessionPeriod};
use dossier_layout::BBox;
use regex::Regex;
use rust_decimal::Decimal;

use crate::values;
use crate::view::{DocView, Found, LineView, find_labeled, re};

static MORNING: LazyLock<Regex> = LazyLock::new(|| re(r"\bmatin(ee)?\b|\bam\b|\bmatinale\b"));
static AFTERNOON: LazyLock<Regex> = LazyLock::new(|| re(r"apres-?\s?midi|\bpm\b|\bam\s*/\s*pm\b"));
static SIGNED: LazyLock<Regex> = LazyLock::new(|| re(r"sign|[✓✔☑☒✗✘]|\bpresente?\b|\bok\b|^\s*x\s*$|\b\d{1,2}\s*[:h]\s*\d{2}\b|\bvalide\b"));
static ABSENT: LazyLock<Regex> = LazyLock::new(|| re(r"absent|\babs\b|excuse|\bnon\b|^\s*[-—–_/]+\s*$|non signe|pas signe|manquant"));
static NOT_TRAINEE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"formateur|formatrice|intervenant|total|signature|nom|stagiaire|participant|date|horaires?|matin|apres|page|organisme|feuille|emargement|intitule|lieu|session|entreprise|siret|responsable|cachet")
});

#[derive(Debug, Clone)]
struct Slot {
    date: NaiveDate,
    period: SessionPeriod,
    hours: Option<Decimal>,
    x0: f32,
    x1: f32,
}

pub(crate) fn extract_attendance(view: &DocView<'_>, fields: &mut Fields) {
    static TRAINER: LazyLock<Regex> = LazyLock::new(|| re(r"format(eur|rice)(\(trice\))?\s*(referent|principal)?\s*:|intervenant(e)?\s*:|anime par|animateur\s*:|trainer\s*:|\bformat(eur|rice)\b"));
    fields.trainer = find_labeled(view, &TRAINER, &values::name)
        .into_iter()
        .find(|f| !f.value.to_lowercase().starts_with("signature"))
        .map(Found::into_field);
    fields.training_title = crate::commercial::training_title(view).map(Found::into_field);
    let timetable = timetable(view);
    let marks = grid(view, &timetable).or_else(|| list(view, &timetable));
    let Some(marks) = marks else { return };
    let trainees = marks.signatures.len();
    fields.expected_slots = Some(marks.field((marks.slots.len() * trainees) as u32));
    fields.signed_slots = Some(marks.field(marks.signatures.values().map(|s| s.iter().filter(|v| **v).count() as u32).sum()));
    let dates = marks.slots.iter().map(|s| s.date);
    if let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) {
        fields.start_date = Some(marks.field(first));
        fields.end_date = Some(marks.field(last));
    }
    // Hours are reported only when every half-day's length is printed on the sheet.
    if marks.slots.iter().all(|s| s.hours.is_some()) {
        let sessions: Vec<Session> = marks
            .slots
            .iter()
            .map(|s| Session { date: s.date, period: s.period, hours: s.hours.unwrap_or_default() })
            .collect();
        let by_trainee: BTreeMap<String, Decimal> = marks
            .signatures
            .iter()
            .map(|(name, signed)| {
                let hours: Decimal = marks.slots.iter().zip(signed).filter(|(_, s)| **s).map(|(slot, _)| slot.hours.unwrap_or_default()).sum();
                (name.clone(), hours.normalize())
            })
            .collect();
        fields.sessions = Some(marks.field(sessions));
        fields.hours_by_trainee = Some(marks.field(by_trainee));
    }
}

struct Marks {
    slots: Vec<Slot>,
    /// Trainee name as printed → signed or not, per slot.
    signatures: BTreeMap<String, Vec<bool>>,
    page: u32,
    evidence: String,
    bbox: BBox,
    confidence: f64,
}

impl Marks {
    fn field<T>(&self, value: T) -> Field<T> {
        let b = self.bbox;
        Field { value, confidence: self.confidence, page: self.page, evidence: self.evidence.clone(), bbox: Some([b.x0, b.y0, b.x1, b.y1]) }
    }
}

/// Hours of the morning and afternoon half-days when the sheet states its timetable
/// ("Horaires : 9h00-12h30 / 13h30-17h00").
fn timetable(view: &DocView<'_>) -> (Option<Decimal>, Option<Decimal>) {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"horaires?|matin\s*:|apres-?\s?midi\s*:"));
    let mut am = None;
    let mut pm = None;
    for line in view.lines.iter().filter(|l| LABEL.is_match(&l.folded)).take(4) {
        let mut rest = line.text();
        while let Some((hours, start, end)) = dossier_parse::find_time_range(rest) {
            let hour: u32 = rest[start..end].chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap_or(0);
            if hour < 12 && am.is_none() {
                am = Some(hours);
            } else if hour >= 12 && pm.is_none() {
                pm = Some(hours);
            }
            rest = &rest[end..];
        }
    }
    (am, pm)
}

fn period_of(text: &str, folded: &str) -> Option<SessionPeriod> {
    if AFTERNOON.is_match(folded) {
        return Some(SessionPeriod::Pm);
    }
    if MORNING.is_match(folded) {
        return Some(SessionPeriod::Am);
    }
    let (_, start, _) = dossier_parse::find_time_range(text)?;
    let hour: u32 = text[start..].chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().ok()?;
    Some(if hour < 12 { SessionPeriod::Am } else { SessionPeriod::Pm })
}

fn slot_hours(text: &str, period: SessionPeriod, timetable: &(Option<Decimal>, Option<Decimal>)) -> Option<Decimal> {
    dossier_parse::find_time_range(text).map(|(h, _, _)| h).or(match period {
        SessionPeriod::Am => timetable.0,
        SessionPeriod::Pm => timetable.1,
    })
}

fn is_trainee_name(text: &str) -> bool {
    let (folded, _) = crate::view::fold(text);
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 3 && text.chars().count() <= 60 && !text.chars().any(|c| c.is_ascii_digit()) && !NOT_TRAINEE.is_match(&folded)
}

/// The grid shape: a header of half-day columns, then one row per trainee.
fn grid(view: &DocView<'_>, timetable: &(Option<Decimal>, Option<Decimal>)) -> Option<Marks> {
    for (header_index, header) in view.lines.iter().enumerate() {
        let slots = header_slots(view, header_index, timetable);
        if slots.len() < 2 {
            continue;
        }
        let mut signatures: BTreeMap<String, Vec<bool>> = BTreeMap::new();
        let mut bbox = header.line.bbox;
        let mut previous_y = header.line.bbox.y0;
        let mut uncertain = 0usize;
        for row in view.lines.iter().skip(header_index + 1).take(120) {
            if row.page != header.page || previous_y - row.line.bbox.y1 > header.line.size.max(6.0) * 6.0 {
                break;
            }
            previous_y = row.line.bbox.y0;
            let Some(first) = row.line.cells.first() else { continue };
            if first.bbox.x1 > slots[0].x0 + 2.0 && first.bbox.x0 >= slots[0].x0 - 2.0 {
                continue;
            }
            let name = first.text.trim();
            if !is_trainee_name(name) {
                if crate::view::fold(name).0.starts_with("total") {
                    break;
                }
                continue;
            }
            let mut signed = Vec::with_capacity(slots.len());
            for slot in &slots {
                let cell = row.line.cells.iter().skip(1).find(|c| overlap(c.bbox.x0, c.bbox.x1, slot.x0, slot.x1) > 0.3);
                let mark = match cell {
                    Some(cell) => {
                        let folded = crate::view::fold(&cell.text).0;
                        if ABSENT.is_match(&folded) {
                            false
                        } else if SIGNED.is_match(&folded) {
                            true
                        } else {
                            uncertain += 1;
                            false
                        }
                    }
                    None => false,
                };
                signed.push(mark);
            }
            bbox = bbox.union(row.line.bbox);
            signatures.insert(name.to_string(), signed);
        }
        if signatures.is_empty() {
            continue;
        }
        let confidence = if uncertain == 0 { 0.9 } else { 0.6 };
        return Some(Marks { slots, signatures, page: header.page, evidence: crate::view::evidence_of(header.text()), bbox, confidence });
    }
    None
}

fn overlap(a0: f32, a1: f32, b0: f32, b1: f32) -> f32 {
    let inter = a1.min(b1) - a0.max(b0);
    let narrow = (a1 - a0).min(b1 - b0).max(1.0);
    (inter / narrow).max(0.0)
}

/// Half-day columns of a header line: each cell with a period (word or time range) whose
/// date is in the cell or in an overlapping cell of the line above; or cells that are dates
/// followed by a sub-header line of periods.
fn header_slots(view: &DocView<'_>, index: usize, timetable: &(Option<Decimal>, Option<Decimal>)) -> Vec<Slot> {
    let line: &LineView<'_> = &view.lines[index];
    let mut slots = Vec::new();
    let above = index.checked_sub(1).map(|i| &view.lines[i]).filter(|a| a.page == line.page && a.line.bbox.y0 - line.line.bbox.y1 < line.line.size * 3.0);
    for cell in line.line.cells.iter().skip(1) {
        let folded = crate::view::fold(&cell.text).0;
        let Some(period) = period_of(&cell.text, &folded) else { continue };
        let date = values::date(&cell.text).map(|(d, _, _)| d).or_else(|| {
            above.and_then(|a| {
                a.line.cells.iter().find(|c| overlap(c.bbox.x0, c.bbox.x1, cell.bbox.x0, cell.bbox.x1) > 0.0 || (c.bbox.x0 <= cell.bbox.x0 && c.bbox.x1 >= cell.bbox.x0 - 5.0)).and_then(|c| values::date(&c.text).map(|(d, _, _)| d))
            })
        });
        let Some(date) = date else { continue };
        slots.push(Slot { date, period, hours: slot_hours(&cell.text, period, timetable), x0: cell.bbox.x0, x1: cell.bbox.x1 });
    }
    slots
}

/// The list shape: one line per trainee and half-day.
fn list(view: &DocView<'_>, timetable: &(Option<Decimal>, Option<Decimal>)) -> Option<Marks> {
    let mut slots: Vec<Slot> = Vec::new();
    let mut entries: Vec<(String, usize, bool)> = Vec::new();
    let mut bbox: Option<BBox> = None;
    let mut page = 0;
    let mut evidence = String::new();
    let mut uncertain = 0usize;
    for line in &view.lines {
        let Some((date, _, _)) = values::date(line.text()) else { continue };
        let Some(period) = period_of(line.text(), &line.folded) else { continue };
        let Some(name_cell) = line.line.cells.iter().find(|c| is_trainee_name(c.text.trim())) else { continue };
        let status_text = line.line.cells.iter().last().map_or("", |c| c.text.as_str());
        let folded_status = crate::view::fold(status_text).0;
        let signed = if ABSENT.is_match(&folded_status) || ABSENT.is_match(&line.folded) && !SIGNED.is_match(&folded_status) {
            false
        } else if SIGNED.is_match(&folded_status) || SIGNED.is_match(&line.folded.replace(&crate::view::fold(name_cell.text.as_str()).0, "")) {
            true
        } else {
            uncertain += 1;
            false
        };
        let hours = slot_hours(line.text(), period, timetable);
        let slot_index = match slots.iter().position(|s| s.date == date && s.period == period) {
            Some(i) => i,
            None => {
                slots.push(Slot { date, period, hours, x0: 0.0, x1: 0.0 });
                slots.len() - 1
            }
        };
        if slots[slot_index].hours.is_none() {
            slots[slot_index].hours = hours;
        }
        entries.push((name_cell.text.trim().to_string(), slot_index, signed));
        bbox = Some(bbox.map_or(line.line.bbox, |b| b.union(line.line.bbox)));
        if page == 0 {
            page = line.page;
            evidence = crate::view::evidence_of(line.text());
        }
    }
    if entries.len() < 2 {
        return None;
    }
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|i| (slots[*i].date, slots[*i].period == SessionPeriod::Pm));
    let sorted_slots: Vec<Slot> = order.iter().map(|i| slots[*i].clone()).collect();
    let mut signatures: BTreeMap<String, Vec<bool>> = BTreeMap::new();
    for (name, slot_index, signed) in entries {
        let position = order.iter().position(|i| *i == slot_index).unwrap_or(0);
        let row = signatures.entry(name).or_insert_with(|| vec![false; sorted_slots.len()]);
        row[position] |= signed;
    }
    Some(Marks { slots: sorted_slots, signatures, page, evidence, bbox: bbox.unwrap_or_default(), confidence: if uncertain == 0 { 0.88 } else { 0.6 } })
}
