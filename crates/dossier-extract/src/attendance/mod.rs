//! Fields of a sign-in sheet (feuille d'émargement) read from text: the sessions (date,
//! half-day, hours), who signed which half-day, and the hours signed per trainee.
//!
//! Two shapes are understood. A grid: a header row of half-day columns (a date with
//! "matin"/"après-midi" or a time range, the date possibly on a row above spanning two
//! columns) and one row per trainee whose cells say "signé", carry a tick or a signing time,
//! or say "absent" or nothing. A list: one row per trainee and half-day with the date, the
//! half-day or times, and the status. A half-day's hours come from its time range, or from
//! the sheet's stated timetable; when neither is printed, hours are not reported.
//!
//! On a scanned paper sheet a signature is ink, not text: a grid cell is signed when enough
//! non-text ink (reported by OCR) lies in it, empty when almost none does, and uncertain in
//! between, which lowers the sheet's confidence below what the rules accept, so the dossier
//! goes to review rather than pass on a guess.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use dossier_contract::{Field, Fields, Session, SessionPeriod};
use dossier_layout::{BBox, InkMark};
use regex::Regex;
use rust_decimal::Decimal;

use crate::values;
use crate::view::{DocView, Found, LineView, find_labeled, re};

static MORNING: LazyLock<Regex> = LazyLock::new(|| re(r"\bmatin(ee)?\b|\bam\b|\bmatinale\b"));
static AFTERNOON: LazyLock<Regex> = LazyLock::new(|| re(r"apres-?\s?midi|\bpm\b|\bam\s*/\s*pm\b"));
static SIGNED: LazyLock<Regex> = LazyLock::new(|| {
    re(r"sign|[✓✔☑☒✗✘]|\bpresente?\b|\bok\b|^\s*x\s*$|\b\d{1,2}\s*[:h]\s*\d{2}\b|\bvalide\b")
});
static ABSENT: LazyLock<Regex> =
    LazyLock::new(|| re(r"absent|\babs\b|excuse|\bnon\b|non signe|pas signe|manquant"));
/// A cell holding only a dash or a slash: absent on a typed sheet; on a scan it may as well
/// be a stroke of a signature that OCR took for punctuation, and the cell's ink decides.
static ABSENT_MARK: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*[-—–_/]+\s*$"));
static NOT_TRAINEE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"formateur|formatrice|intervenant|total|signature|nom|stagiaire|participant|date|horaires?|matin|apres|page|organisme|feuille|emargement|intitule|lieu|session|entreprise|siret|responsable|cachet",
    )
});

#[derive(Debug, Clone)]
struct Slot {
    date: NaiveDate,
    period: SessionPeriod,
    hours: Option<Decimal>,
}

pub(crate) fn extract_attendance(view: &DocView<'_>, fields: &mut Fields) {
    static TRAINER: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"format(eur|rice)(\(trice\))?\s*(referent|principal)?\s*:|intervenant(e)?\s*:|anime par|animateur\s*:|trainer\s*:|\bformat(eur|rice)\b",
        )
    });
    fields.trainer = find_labeled(view, &TRAINER, &values::name)
        .into_iter()
        .find(|f| !f.value.to_lowercase().starts_with("signature"))
        .map(Found::into_field);
    fields.training_title = crate::commercial::training_title(view).map(Found::into_field);
    let timetable = timetable(view);
    // Both readings are tried; the one that accounts for more (trainee, half-day) cells wins
    // (a per-trainee block export has date lines that also look like one-column headers).
    let coverage = |m: &Marks| m.signatures.len() * m.slots.len();
    let marks = match (grid(view, &timetable), list(view, &timetable)) {
        (Some(g), Some(l)) => Some(if coverage(&l) > coverage(&g) { l } else { g }),
        (g, l) => g.or(l),
    };
    let Some(marks) = marks else { return };
    let trainees = marks.signatures.len();
    fields.expected_slots = Some(marks.field((marks.slots.len() * trainees) as u32));
    fields.signed_slots = Some(
        marks.field(
            marks
                .signatures
                .values()
                .map(|s| s.iter().filter(|v| **v).count() as u32)
                .sum(),
        ),
    );
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
            .map(|s| Session {
                date: s.date,
                period: s.period,
                hours: s.hours.unwrap_or_default(),
            })
            .collect();
        let by_trainee: BTreeMap<String, Decimal> = marks
            .signatures
            .iter()
            .map(|(name, signed)| {
                let hours: Decimal = marks
                    .slots
                    .iter()
                    .zip(signed)
                    .filter(|(_, s)| **s)
                    .map(|(slot, _)| slot.hours.unwrap_or_default())
                    .sum();
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
        Field {
            value,
            confidence: self.confidence,
            page: self.page,
            evidence: self.evidence.clone(),
            bbox: Some([b.x0, b.y0, b.x1, b.y1]),
        }
    }
}

/// Hours of the morning and afternoon half-days when the sheet states its timetable
/// ("Horaires : 9h00-12h30 / 13h30-17h00").
fn timetable(view: &DocView<'_>) -> (Option<Decimal>, Option<Decimal>) {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"horaires?|matin\s*:|apres-?\s?midi\s*:"));
    let mut am = None;
    let mut pm = None;
    for line in view
        .lines
        .iter()
        .filter(|l| LABEL.is_match(&l.folded))
        .take(4)
    {
        let mut rest = line.text();
        while let Some((hours, start, end)) = dossier_parse::find_time_range(rest) {
            let hour: u32 = rest[start..end]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>()
                .parse()
                .unwrap_or(0);
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
    let hour: u32 = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .ok()?;
    Some(if hour < 12 {
        SessionPeriod::Am
    } else {
        SessionPeriod::Pm
    })
}

fn slot_hours(
    text: &str,
    period: SessionPeriod,
    timetable: &(Option<Decimal>, Option<Decimal>),
) -> Option<Decimal> {
    dossier_parse::find_time_range(text)
        .map(|(h, _, _)| h)
        .or(match period {
            SessionPeriod::Am => timetable.0,
            SessionPeriod::Pm => timetable.1,
        })
}

fn is_trainee_name(text: &str) -> bool {
    let (folded, _) = crate::view::fold(text);
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 3
        && text.chars().count() <= 60
        && !text.chars().any(|c| c.is_ascii_digit())
        && !NOT_TRAINEE.is_match(&folded)
}

/// A half-day column of a grid: its slot and the x coordinate of its centre.
struct Column {
    slot: Slot,
    center: f32,
}

/// The grid shape: headers of half-day columns (several when the sheet runs over several
/// pages or blocks), each followed by one row per trainee. Words are assigned to the column
/// whose centre is nearest, so merged cells and centred texts still land in their column.
fn grid(view: &DocView<'_>, timetable: &(Option<Decimal>, Option<Decimal>)) -> Option<Marks> {
    let mut slots: Vec<Slot> = Vec::new();
    let mut marks: BTreeMap<String, BTreeMap<usize, bool>> = BTreeMap::new();
    let mut uncertain = 0usize;
    let mut ink_uncertain = 0usize;
    let mut first: Option<(u32, String, BBox)> = None;
    let mut bbox: Option<BBox> = None;
    let mut index = 0;
    while index < view.lines.len() {
        let Some((columns, header_lines)) = header_columns(view, index, timetable) else {
            index += 1;
            continue;
        };
        let header = &view.lines[index];
        first.get_or_insert_with(|| {
            (
                header.page,
                crate::view::evidence_of(header.text()),
                header.line.bbox,
            )
        });
        let slot_ids: Vec<usize> = columns
            .iter()
            .map(|c| {
                match slots
                    .iter()
                    .position(|s| s.date == c.slot.date && s.period == c.slot.period)
                {
                    Some(i) => i,
                    None => {
                        slots.push(c.slot.clone());
                        slots.len() - 1
                    }
                }
            })
            .collect();
        let spacing = if columns.len() > 1 {
            (columns[1].center - columns[0].center).abs()
        } else {
            90.0
        };
        let name_limit = columns[0].center - spacing / 2.0;
        let ink = view.ink(header.page);
        let mut anchor = centre_y(&view.lines[index + header_lines - 1].line.bbox);
        let mut previous_y = view.lines[index + header_lines - 1].line.bbox.y0;
        let mut row_index = index + header_lines;
        while row_index < view.lines.len() {
            let row = &view.lines[row_index];
            if row.page != header.page
                || previous_y - row.line.bbox.y1 > header.line.size.max(6.0) * 6.0
                || header_columns(view, row_index, timetable).is_some()
            {
                break;
            }
            previous_y = row.line.bbox.y0;
            row_index += 1;
            let name: Vec<&str> = row
                .line
                .words
                .iter()
                .filter(|w| (w.bbox.x0 + w.bbox.x1) / 2.0 < name_limit)
                .map(|w| w.text.as_str())
                .collect();
            let name = name.join(" ");
            if !is_trainee_name(&name) {
                continue;
            }
            let mut texts: Vec<String> = vec![String::new(); columns.len()];
            // Per column: the extent of its words and whether each looks like letters OCR
            // made of a signature: barely recognised, or much taller than the printed name.
            let name_height = row
                .line
                .words
                .iter()
                .filter(|w| (w.bbox.x0 + w.bbox.x1) / 2.0 < name_limit)
                .map(|w| w.bbox.height())
                .fold(0.0f32, f32::max);
            let mut spans: Vec<Option<(f32, f32)>> = vec![None; columns.len()];
            let mut all_scribbles = vec![true; columns.len()];
            for word in row
                .line
                .words
                .iter()
                .filter(|w| (w.bbox.x0 + w.bbox.x1) / 2.0 >= name_limit)
            {
                let center = (word.bbox.x0 + word.bbox.x1) / 2.0;
                let nearest = columns
                    .iter()
                    .enumerate()
                    .min_by(|a, b| {
                        (a.1.center - center)
                            .abs()
                            .total_cmp(&(b.1.center - center).abs())
                    })
                    .map(|(i, _)| i);
                if let Some(i) = nearest {
                    texts[i].push_str(&word.text);
                    texts[i].push(' ');
                    spans[i] = Some(spans[i].map_or((word.bbox.x0, word.bbox.x1), |(a, b)| {
                        (a.min(word.bbox.x0), b.max(word.bbox.x1))
                    }));
                    all_scribbles[i] &= word.confidence < SCRIBBLE_CONFIDENCE
                        || word.bbox.height() >= name_height * SCRIBBLE_HEIGHT;
                }
            }
            let row_centre = centre_y(&row.line.bbox);
            // The row's band reaches halfway to the row (or header) above, and as far below;
            // its height is bounded by the names' size, not by a scribble on the same line.
            let name_size = row
                .line
                .words
                .iter()
                .filter(|w| (w.bbox.x0 + w.bbox.x1) / 2.0 < name_limit)
                .map(|w| w.size)
                .fold(f32::INFINITY, f32::min)
                .min(row.line.size);
            // max/min rather than clamp: no panic whatever the sizes read.
            let half = ((anchor - row_centre) / 2.0)
                .max(name_size * 0.8)
                .min(name_size * 2.5);
            anchor = row_centre;
            let key = trainee_key(&mut marks, name);
            let entry = marks.entry(key).or_default();
            for (column, text) in texts.iter().enumerate() {
                let folded = crate::view::fold(text).0;
                let cell = BBox {
                    x0: columns[column].center - spacing / 2.0,
                    x1: columns[column].center + spacing / 2.0,
                    y0: row_centre - half,
                    y1: row_centre + half,
                };
                let mark_only = ABSENT_MARK.is_match(&folded);
                let signed = if ABSENT.is_match(&folded)
                    || (mark_only && (ink.is_empty() || ink_in(ink, &cell) != InkVerdict::Signed))
                {
                    false
                } else if mark_only || SIGNED.is_match(&folded) {
                    // A mark only gets here with a signature's ink around it.
                    true
                } else if !ink.is_empty() {
                    // OCR sometimes makes letters of a signature ("DAS", "(UV UN"), and that
                    // ink is then not counted as non-text: such words, spread across the
                    // cell, are the signature.
                    let scribbled = all_scribbles[column]
                        && spans[column].is_some_and(|(a, b)| b - a >= spacing * 0.15);
                    match ink_in(ink, &cell) {
                        InkVerdict::Signed => true,
                        InkVerdict::Empty if folded.trim().is_empty() => false,
                        _ if scribbled => true,
                        _ => {
                            ink_uncertain += 1;
                            false
                        }
                    }
                } else if folded.trim().is_empty() {
                    false
                } else {
                    uncertain += 1;
                    false
                };
                *entry.entry(slot_ids[column]).or_default() |= signed;
            }
            bbox = Some(bbox.map_or(row.line.bbox, |b| b.union(row.line.bbox)));
        }
        index = row_index.max(index + 1);
    }
    let (page, evidence, header_box) = first?;
    if marks.is_empty() || slots.is_empty() {
        return None;
    }
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|i| (slots[*i].date, slots[*i].period == SessionPeriod::Pm));
    let signatures = marks
        .into_iter()
        .map(|(name, by_slot)| {
            (
                name,
                order
                    .iter()
                    .map(|i| by_slot.get(i).copied().unwrap_or(false))
                    .collect(),
            )
        })
        .collect();
    let slots = order.iter().map(|i| slots[*i].clone()).collect();
    // A cell whose ink cannot be told signed or empty leaves the sheet below the rules'
    // confidence threshold: the hours are then checked by hand.
    let confidence = match (uncertain, ink_uncertain) {
        (_, 1..) => 0.45,
        (0, 0) => 0.9,
        _ => 0.6,
    };
    Some(Marks {
        slots,
        signatures,
        page,
        evidence,
        bbox: bbox.map_or(header_box, |b| b.union(header_box)),
        confidence,
    })
}

fn centre_y(b: &BBox) -> f32 {
    (b.y0 + b.y1) / 2.0
}

#[derive(Debug, PartialEq)]
enum InkVerdict {
    Signed,
    Empty,
    Unsure,
}

/// OCR confidence below which a cell's words on a scan are taken for letters OCR made of a
/// signature: printed words in a sheet's cells ("Absent", "Signé") read well above it.
const SCRIBBLE_CONFIDENCE: f32 = 0.5;
/// Height, relative to the row's printed name, from which a cell's "word" is a scribble: OCR
/// read signatures as words 1.6 to 3.4 times the height of the names beside them, some with
/// a confidence of 0.8.
const SCRIBBLE_HEIGHT: f32 = 1.4;

/// Share of a cell covered by ink above which it is signed, and below which it is empty.
/// A signature inks 2 to 15 % of a sheet's cell; scanner noise that survives the OCR's
/// speck filter stays under 0.5 %.
const SIGNED_INK: f32 = 0.015;
const EMPTY_INK: f32 = 0.006;

/// Whether the non-text ink inside `cell` (each blob counted for its part in the cell) looks
/// like a signature: enough of it, and spread over more than a dot.
fn ink_in(ink: &[InkMark], cell: &BBox) -> InkVerdict {
    let mut area = 0.0f32;
    let mut spread: Option<BBox> = None;
    for mark in ink {
        let b = mark.bbox;
        let w = b.x1.min(cell.x1) - b.x0.max(cell.x0);
        let h = b.y1.min(cell.y1) - b.y0.max(cell.y0);
        if w <= 0.0 || h <= 0.0 {
            continue;
        }
        let inside = (w * h) / (b.width() * b.height()).max(0.01);
        area += mark.area * inside.min(1.0);
        spread = Some(spread.map_or(b, |s| s.union(b)));
    }
    let cell_area = (cell.width() * cell.height()).max(1.0);
    let share = area / cell_area;
    let wide = spread.is_some_and(|s| s.width().min(cell.width()) >= cell.width() * 0.15);
    if share >= SIGNED_INK && wide {
        InkVerdict::Signed
    } else if share < EMPTY_INK {
        InkVerdict::Empty
    } else {
        InkVerdict::Unsure
    }
}

/// Half-day periods stated in a line: words ("matin", "après-midi") or time ranges, with the
/// x centre of each.
fn periods_in(line: &LineView<'_>) -> Vec<(SessionPeriod, f32, Option<Decimal>)> {
    static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"apres-?\s?midi|\bmatin(ee)?\b|\b[0-2]?\d\s*[h:]\s*[0-5]?\d?\s*(-|a|à)\s*[0-2]?\d\s*[h:]\s*[0-5]?\d?",
        )
    });
    PERIOD
        .find_iter(&line.folded)
        .filter_map(|m| {
            let (start, end) = (line.orig(m.start()), line.orig(m.end()));
            let text = &line.text()[start..end];
            let folded = m.as_str();
            let period = period_of(text, folded)?;
            let hours = dossier_parse::find_time_range(text).map(|(h, _, _)| h);
            let b = line.span_bbox(start, end);
            Some((period, (b.x0 + b.x1) / 2.0, hours))
        })
        .collect()
}

/// The columns of a grid header starting at line `index`: either one line holding dates and
/// periods, or a line of dates above a line of periods. Returns the columns and how many
/// lines the header takes.
fn header_columns(
    view: &DocView<'_>,
    index: usize,
    timetable: &(Option<Decimal>, Option<Decimal>),
) -> Option<(Vec<Column>, usize)> {
    let line = &view.lines[index];
    let dates: Vec<(NaiveDate, f32, usize)> = dossier_parse::find_dates(line.text())
        .into_iter()
        .map(|m| {
            let b = line.span_bbox(m.start, m.end);
            (m.date, (b.x0 + b.x1) / 2.0, m.start)
        })
        .collect();
    if dates.is_empty() || dates.len() > 40 {
        return None;
    }
    let periods = periods_in(line);
    let make =
        |date: NaiveDate, period: SessionPeriod, hours: Option<Decimal>, center: f32| Column {
            slot: Slot {
                date,
                period,
                hours: hours.or(match period {
                    SessionPeriod::Am => timetable.0,
                    SessionPeriod::Pm => timetable.1,
                }),
            },
            center,
        };
    if !periods.is_empty() {
        // One line: each date owns the periods that follow it up to the next date.
        let mut columns = Vec::new();
        let text = line.text();
        for (i, (date, _, start)) in dates.iter().enumerate() {
            let end = dates.get(i + 1).map_or(text.len(), |d| d.2);
            let segment = &text[*start..end];
            let (folded, _) = crate::view::fold(segment);
            let Some(period) = period_of(segment, &folded) else {
                continue;
            };
            let hours = dossier_parse::find_time_range(segment).map(|(h, _, _)| h);
            let b = line.span_bbox(*start, end);
            columns.push(make(*date, period, hours, (b.x0 + b.x1) / 2.0));
        }
        return (columns.len() >= 1 && columns.len() * 2 >= dates.len()).then_some((columns, 1));
    }
    // Two lines: dates above, periods below.
    let below = view.lines.get(index + 1).filter(|b| {
        b.page == line.page && line.line.bbox.y0 - b.line.bbox.y1 < line.line.size * 2.5
    })?;
    let periods = periods_in(below);
    if periods.is_empty()
        || periods.len() < dates.len().min(2)
        || !dossier_parse::find_dates(below.text()).is_empty()
    {
        return None;
    }
    let columns = periods
        .into_iter()
        .filter_map(|(period, center, hours)| {
            let nearest = dates
                .iter()
                .min_by(|a, b| (a.1 - center).abs().total_cmp(&(b.1 - center).abs()))?;
            Some(make(nearest.0, period, hours, center))
        })
        .collect();
    Some((columns, 2))
}

/// The list shape: one line per trainee and half-day.
fn list(view: &DocView<'_>, timetable: &(Option<Decimal>, Option<Decimal>)) -> Option<Marks> {
    let mut slots: Vec<Slot> = Vec::new();
    let mut entries: Vec<(String, usize, bool)> = Vec::new();
    let mut bbox: Option<BBox> = None;
    let mut page = 0;
    let mut evidence = String::new();
    let mut uncertain = 0usize;
    // Per-trainee blocks: a line naming the trainee ("Stagiaire : Julie MARTIN", or the name
    // alone) heads the lines of that trainee's half-days.
    static TRAINEE_HEADING: LazyLock<Regex> =
        LazyLock::new(|| re(r"^\s*(stagiaire|participant|apprenant|nom)\s*:\s*"));
    let mut current: Option<String> = None;
    for line in &view.lines {
        let Some((date, _, _)) = values::date(line.text()) else {
            if let Some(m) = TRAINEE_HEADING.find(&line.folded) {
                let name = line.text()[line.orig(m.end())..].trim();
                if is_trainee_name(name) {
                    current = Some(name.to_string());
                }
            } else if line.line.cells.len() == 1
                && is_trainee_name(line.text().trim())
                && line.text().split_whitespace().count() >= 2
            {
                current = Some(line.text().trim().to_string());
            }
            continue;
        };
        let Some(period) = period_of(line.text(), &line.folded) else {
            continue;
        };
        let own_name = line
            .line
            .cells
            .iter()
            .map(|c| c.text.trim())
            .find(|t| is_trainee_name(t))
            .map(str::to_string);
        let Some(name) = own_name.or_else(|| current.clone()) else {
            continue;
        };
        let status_text = line
            .line
            .cells
            .iter()
            .last()
            .map_or("", |c| c.text.as_str());
        let folded_status = crate::view::fold(status_text).0;
        let signed = if ABSENT.is_match(&folded_status)
            || ABSENT.is_match(&line.folded) && !SIGNED.is_match(&folded_status)
        {
            false
        } else if SIGNED.is_match(&folded_status)
            || SIGNED.is_match(&line.folded.replace(&crate::view::fold(&name).0, ""))
        {
            true
        } else {
            uncertain += 1;
            false
        };
        let hours = slot_hours(line.text(), period, timetable);
        let slot_index = match slots
            .iter()
            .position(|s| s.date == date && s.period == period)
        {
            Some(i) => i,
            None => {
                slots.push(Slot {
                    date,
                    period,
                    hours,
                });
                slots.len() - 1
            }
        };
        if slots[slot_index].hours.is_none() {
            slots[slot_index].hours = hours;
        }
        entries.push((name.clone(), slot_index, signed));
        bbox = Some(bbox.map_or(line.line.bbox, |b| b.union(line.line.bbox)));
        if page == 0 {
            page = line.page;
            evidence = crate::view::evidence_of(line.text());
        }
    }
    if entries.is_empty() {
        return None;
    }
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|i| (slots[*i].date, slots[*i].period == SessionPeriod::Pm));
    let sorted_slots: Vec<Slot> = order.iter().map(|i| slots[*i].clone()).collect();
    let mut signatures: BTreeMap<String, Vec<bool>> = BTreeMap::new();
    for (name, slot_index, signed) in entries {
        let position = order.iter().position(|i| *i == slot_index).unwrap_or(0);
        let key = trainee_key(&mut signatures, name);
        let row = signatures
            .entry(key)
            .or_insert_with(|| vec![false; sorted_slots.len()]);
        row[position] |= signed;
    }
    Some(Marks {
        slots: sorted_slots,
        signatures,
        page,
        evidence,
        bbox: bbox.unwrap_or_default(),
        confidence: if uncertain == 0 { 0.88 } else { 0.6 },
    })
}

/// The key under which `name` is counted. OCR splits a word now and then ("Y anis MERCIER"
/// for "Yanis MERCIER" on the sheet's second table), so a name already seen with the same
/// letters is the same trainee, kept under its spelling with the fewest breaks.
fn trainee_key<V>(map: &mut BTreeMap<String, V>, name: String) -> String {
    let letters = |s: &str| -> String {
        crate::view::fold(s)
            .0
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let wanted = letters(&name);
    let Some(known) = map.keys().find(|k| letters(k) == wanted).cloned() else {
        return name;
    };
    let breaks = |s: &str| s.split_whitespace().count();
    if breaks(&name) < breaks(&known) {
        if let Some(value) = map.remove(&known) {
            map.insert(name.clone(), value);
        }
        name
    } else {
        known
    }
}
