//! The grid shape: trainees in rows, half-days in columns.
//!
//! A header names the columns: dates with periods on one line ("27/07/2026 matin"), dates on
//! a line above periods, or periods alone ("Signature matin | Signature après-midi") whose
//! date is the row's own (a leading date cell) or the one the page's title states ("Date :
//! 02/03/2026", "Dates : 30/01/2026 - 30/01/2026"). Several headers (a sheet over several
//! pages or blocks) each head their own rows. Words are assigned to the column whose centre is
//! nearest, so merged cells and centred texts still land in their column; ink is measured in
//! the cell's box, between the neighbouring rows.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use dossier_contract::SessionPeriod;
use dossier_layout::{BBox, TextSource};
use regex::Regex;
use rust_decimal::Decimal;

use super::cell::{InkVerdict, Stroke, ink_in, text_mark};
use super::{
    Context, GRID_CONFIDENCE, Mark, Marks, Slot, is_trainee_name, ordered, period_of, slot_index,
    trainee_key, trim_name,
};
use crate::view::{DocView, LineView, re};

/// A half-day column of a grid: its period, date (when the header states it), hours, and
/// the x coordinate of its centre.
struct Column {
    date: Option<NaiveDate>,
    period: SessionPeriod,
    hours: Option<Decimal>,
    center: f32,
}

/// OCR confidence below which a cell's words on a scan are taken for letters OCR made of a
/// signature: printed words in a sheet's cells ("Absent", "Signé") read well above it.
const SCRIBBLE_CONFIDENCE: f32 = 0.5;
/// Height, relative to the row's printed name, from which a cell's "word" is a scribble: OCR
/// read signatures as words 1.6 to 3.4 times the height of the names beside them, some with
/// a confidence of 0.8.
const SCRIBBLE_HEIGHT: f32 = 1.4;
/// Share of the cell's width a scribble's words must span to be a signature.
const SCRIBBLE_SPREAD: f32 = 0.15;
/// Column spacing assumed when a header has a single column (a 90-point signature column,
/// as generated and as on the sheets seen).
const SINGLE_COLUMN_WIDTH: f32 = 90.0;
/// Confidence of a text-layer grid whose every cell is empty of text and the page of any
/// ink: signatures may have been drawn in a way the reader does not see (a flattened or
/// unsupported drawing), so "nobody signed" is not asserted.
const BLANK_SHEET_CONFIDENCE: f64 = 0.45;

/// OCR confidence under which a word of a scanned grid's header makes its columns doubtful:
/// a phone photo whose signatures ran over the header read "matinMatin Après-midiapres" at
/// 0.16 and lost a half-day column (`fixtures/wild/scans-smartphone`); clean headers of the
/// real and generated scans read at 0.85 and above.
const MIN_HEADER_CONFIDENCE: f32 = 0.5;
/// Confidence of a grid whose header OCR read poorly: under the rules' 0.6, so its slots and
/// hours are checked by hand rather than paid on columns that may be missing.
const DOUBTFUL_HEADER_CONFIDENCE: f64 = 0.55;

/// One trainee row as read, before its cells are judged.
struct Row {
    name: String,
    date: Option<NaiveDate>,
    centre: f32,
    name_size: f32,
    texts: Vec<String>,
    spans: Vec<Option<(f32, f32)>>,
    all_scribbles: Vec<bool>,
    bbox: BBox,
}

pub(super) fn grid(view: &DocView<'_>, context: &Context) -> Option<Marks> {
    let mut slots: Vec<Slot> = Vec::new();
    let mut marks: BTreeMap<String, BTreeMap<usize, Mark>> = BTreeMap::new();
    let mut first: Option<(u32, String, BBox)> = None;
    let mut bbox: Option<BBox> = None;
    let mut any_text = false;
    let mut any_ink = false;
    let mut doubtful_header = false;
    let mut index = 0;
    while index < view.lines.len() {
        let Some((columns, header_lines)) = header_columns(view, index, context) else {
            index += 1;
            continue;
        };
        let header = &view.lines[index];
        let page = view.text.pages.iter().find(|p| p.number == header.page);
        let scan = page.is_some_and(|p| p.source == TextSource::Ocr);
        let ink = view.ink(header.page);
        any_ink |= !ink.is_empty();
        doubtful_header |= scan
            && view.lines[index..index + header_lines]
                .iter()
                .any(|l| l.line.confidence < MIN_HEADER_CONFIDENCE);
        let spacing = if columns.len() > 1 {
            (columns[1].center - columns[0].center).abs()
        } else {
            SINGLE_COLUMN_WIDTH
        };
        let name_limit = columns[0].center - spacing / 2.0;
        let last_header = &view.lines[index + header_lines - 1];
        // Header cells beyond the half-day columns ("Heures", "Observations" on the right):
        // their words in the rows are no marks of a half-day. (A date cell centred over its
        // morning and afternoon lies between columns, not beyond them.)
        let (first_centre, last_centre) =
            columns.iter().fold((f32::MAX, f32::MIN), |(lo, hi), c| {
                (lo.min(c.center), hi.max(c.center))
            });
        let foreign: Vec<f32> = view.lines[index..index + header_lines]
            .iter()
            .flat_map(|l| &l.line.cells)
            .map(|c| (c.bbox.x0 + c.bbox.x1) / 2.0)
            .filter(|x| {
                *x > last_centre + spacing / 2.0
                    || (*x > name_limit && *x < first_centre - spacing / 2.0)
            })
            .collect();
        let mut rows: Vec<Row> = Vec::new();
        let mut previous_y = last_header.line.bbox.y0;
        let mut row_index = index + header_lines;
        while row_index < view.lines.len() {
            let line = &view.lines[row_index];
            if line.page != header.page
                || previous_y - line.line.bbox.y1 > header.line.size.max(6.0) * 6.0
                || header_columns(view, row_index, context).is_some()
            {
                break;
            }
            previous_y = line.line.bbox.y0;
            row_index += 1;
            if let Some(row) = read_row(line, &columns, &foreign, name_limit, spacing) {
                rows.push(row);
            }
        }
        let centres: Vec<f32> = rows.iter().map(|r| r.centre).collect();
        let mut anchor = centre_y(&last_header.line.bbox);
        for row in rows {
            let dates: Vec<Option<NaiveDate>> =
                columns.iter().map(|c| c.date.or(row.date)).collect();
            if dates.iter().any(Option::is_none) {
                continue;
            }
            // The row's band reaches halfway to the row (or header) above, and as far below;
            // its height is bounded by the names' size, not by a scribble on the same line.
            // max/min rather than clamp: no panic whatever the sizes read.
            let half = ((anchor - row.centre) / 2.0)
                .max(row.name_size * 0.8)
                .min(row.name_size * 2.5);
            anchor = row.centre;
            let key = trainee_key(&mut marks, row.name);
            let entry = marks.entry(key).or_default();
            for (column, text) in row.texts.iter().enumerate() {
                let Some(date) = dates[column] else { continue };
                let c = &columns[column];
                let slot = slot_index(&mut slots, date, c.period, c.hours);
                let cell = BBox {
                    x0: c.center - spacing / 2.0,
                    x1: c.center + spacing / 2.0,
                    y0: row.centre - half,
                    y1: row.centre + half,
                };
                let folded = crate::view::fold(text).0;
                any_text |= !folded.trim().is_empty();
                let ink_verdict = (!ink.is_empty()).then(|| ink_in(ink, &cell, &centres));
                let scribbled = scan
                    && row.all_scribbles[column]
                    && row.spans[column].is_some_and(|(a, b)| b - a >= spacing * SCRIBBLE_SPREAD);
                let mark = cell_mark(&folded, scribbled, ink_verdict, scan, context);
                let slot_mark = entry.entry(slot).or_default();
                *slot_mark = (*slot_mark).max(mark);
            }
            bbox = Some(bbox.map_or(row.bbox, |b| b.union(row.bbox)));
        }
        first.get_or_insert_with(|| {
            (
                header.page,
                crate::view::evidence_of(header.text()),
                header.line.bbox,
            )
        });
        index = row_index.max(index + 1);
    }
    let (page, evidence, header_box) = first?;
    if marks.is_empty() || slots.is_empty() {
        return None;
    }
    let (slots, signatures) = ordered(slots, marks);
    let confidence = if !any_text && !any_ink {
        BLANK_SHEET_CONFIDENCE
    } else if doubtful_header {
        DOUBTFUL_HEADER_CONFIDENCE
    } else {
        GRID_CONFIDENCE
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

/// A cell's mark from its text, whether its words look like letters OCR made of a signature,
/// and its ink (`None` when the page has no ink layer).
fn cell_mark(
    folded: &str,
    scribbled: bool,
    ink: Option<InkVerdict>,
    scan: bool,
    context: &Context,
) -> Mark {
    match text_mark(folded, &context.legend) {
        Some(Mark::Absent) => Mark::Absent,
        Some(Mark::Signed) => Mark::Signed,
        None => match ink {
            None | Some(InkVerdict::Empty) => Mark::Absent,
            Some(InkVerdict::Signed) => Mark::Signed,
            Some(InkVerdict::Unsure) => Mark::Uncertain,
        },
        Some(Mark::Uncertain) => {
            let stroke = Stroke::of(folded);
            let signature_ink = ink == Some(InkVerdict::Signed);
            match stroke {
                // On a scan OCR takes a stroke of a signature for "-" or "/": the ink
                // around it decides. A cross stays uncertain, whatever its ink.
                Some(Stroke::Dash | Stroke::Slash) if scan && signature_ink => Mark::Signed,
                Some(_) => Mark::Uncertain,
                // Letters OCR made of a signature ("DAS", "(UV UN"), spread across the cell,
                // or words over a signature's ink: the signature.
                None if scan && (scribbled || signature_ink) => Mark::Signed,
                None => Mark::Uncertain,
            }
        }
    }
}

/// Reads one line under a header as a trainee row: the name (and a leading date) left of the
/// first column, then each column's words.
fn read_row(
    line: &LineView<'_>,
    columns: &[Column],
    foreign: &[f32],
    name_limit: f32,
    spacing: f32,
) -> Option<Row> {
    /// How far from a column's centre, in column spacings, a word still belongs to it: a
    /// word further right than the last column is in a column the header did not name as a
    /// half-day (a "Heures" total, "Observations").
    const COLUMN_REACH: f32 = 0.75;
    let centre_x = |b: &BBox| (b.x0 + b.x1) / 2.0;
    let left: Vec<&dossier_layout::Word> = line
        .line
        .words
        .iter()
        .filter(|w| centre_x(&w.bbox) < name_limit)
        .collect();
    let joined: Vec<&str> = left.iter().map(|w| w.text.as_str()).collect();
    let joined = joined.join(" ");
    // A leading (or trailing) date cell: the row's day, not part of the name.
    let found = dossier_parse::find_dates(&joined);
    let date = found.first().map(|m| m.date);
    let mut name = joined.clone();
    for m in found.iter().rev() {
        name.replace_range(m.start..m.end, " ");
    }
    let name = trim_name(
        name.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
    )
    .to_string();
    if !is_trainee_name(&name) {
        return None;
    }
    let name_height = left.iter().map(|w| w.bbox.height()).fold(0.0f32, f32::max);
    let name_size = left
        .iter()
        .map(|w| w.size)
        .fold(f32::INFINITY, f32::min)
        .min(line.line.size);
    let mut texts: Vec<String> = vec![String::new(); columns.len()];
    let mut spans: Vec<Option<(f32, f32)>> = vec![None; columns.len()];
    let mut all_scribbles = vec![true; columns.len()];
    for word in line
        .line
        .words
        .iter()
        .filter(|w| centre_x(&w.bbox) >= name_limit)
    {
        let center = centre_x(&word.bbox);
        let nearest = columns
            .iter()
            .enumerate()
            .min_by(|a, b| {
                (a.1.center - center)
                    .abs()
                    .total_cmp(&(b.1.center - center).abs())
            })
            .map(|(i, _)| i);
        let nearest = nearest.filter(|i| {
            let distance = (columns[*i].center - center).abs();
            distance <= spacing * COLUMN_REACH
                && !foreign.iter().any(|f| (f - center).abs() < distance)
        });
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
    Some(Row {
        name,
        date,
        centre: centre_y(&line.line.bbox),
        name_size,
        texts,
        spans,
        all_scribbles,
        bbox: line.line.bbox,
    })
}

fn centre_y(b: &BBox) -> f32 {
    (b.y0 + b.y1) / 2.0
}

/// Half-day periods stated in a line: words ("matin", "après-midi", "AM"/"PM") or time
/// ranges, with the x centre of each. In a header that has "matin" and a lone "AM" but no
/// "PM", "AM" is the French abbreviation of "après-midi" ("Signature Matin | Signature AM").
fn periods_in(line: &LineView<'_>) -> Vec<(SessionPeriod, f32, Option<Decimal>)> {
    static MATIN: LazyLock<Regex> = LazyLock::new(|| re(r"\bmatin(ee)?\b"));
    static PM: LazyLock<Regex> = LazyLock::new(|| re(r"\bpm\b|apres-?\s?midi"));
    let am_is_afternoon = MATIN.is_match(&line.folded) && !PM.is_match(&line.folded);
    PERIOD
        .find_iter(&line.folded)
        .filter_map(|m| {
            let (start, end) = (line.orig(m.start()), line.orig(m.end()));
            let text = &line.text()[start..end];
            let folded = m.as_str();
            let period = if folded == "am" && am_is_afternoon {
                SessionPeriod::Pm
            } else {
                period_of(text, folded)?
            };
            let hours = dossier_parse::find_time_range(text).map(|(h, _, _)| h);
            let b = line.span_bbox(start, end);
            // The column is the layout cell holding the period ("Signature matin"), centred
            // over the signatures, rather than the period word alone.
            let cell = line
                .line
                .cells
                .iter()
                .find(|c| c.bbox.x0 <= b.x0 + 0.5 && b.x1 <= c.bbox.x1 + 0.5)
                .map(|c| c.bbox)
                .unwrap_or(b);
            Some((period, (cell.x0 + cell.x1) / 2.0, hours))
        })
        .collect()
}

/// A header of signature columns alone: "Signature matin", "Émargement après-midi", "Matin |
/// Après-midi".
fn signature_header(line: &LineView<'_>) -> bool {
    SIGNATURE_HEAD.is_match(&line.folded)
}

/// A half-day's period as a header names it: a word or a time range.
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"apres-?\s?midi|\bmatin(ee)?\b|\bam\b|\bpm\b|\b[0-2]?\d\s*[h:]\s*[0-5]?\d?\s*(-|a|à)\s*[0-2]?\d\s*[h:]\s*[0-5]?\d?",
    )
});

/// The words of a signature grid's header besides its periods.
static SIGNATURE_HEAD: LazyLock<Regex> =
    LazyLock::new(|| re(r"signatures?|emargements?|\bnom\b|stagiaires?|participants?|apprenants?"));

/// The day a page's title states, for a header of periods without dates: the nearest line
/// above the header (same page) whose dates are all one day.
fn title_date(view: &DocView<'_>, index: usize) -> Option<NaiveDate> {
    let page = view.lines.get(index)?.page;
    for line in view.lines[..index]
        .iter()
        .rev()
        .take_while(|l| l.page == page)
    {
        let dates: Vec<NaiveDate> = dossier_parse::find_dates(line.text())
            .into_iter()
            .map(|m| m.date)
            .collect();
        if let Some(first) = dates.first() {
            return dates.iter().all(|d| d == first).then_some(*first);
        }
    }
    None
}

/// The columns of a grid header starting at line `index`: one line holding dates and
/// periods, a line of dates above a line of periods, or a line of periods alone (dates from
/// the rows or the title). Returns the columns and how many lines the header takes.
fn header_columns(
    view: &DocView<'_>,
    index: usize,
    context: &Context,
) -> Option<(Vec<Column>, usize)> {
    let line = &view.lines[index];
    let dates: Vec<(NaiveDate, f32, usize)> = dossier_parse::find_dates(line.text())
        .into_iter()
        .map(|m| {
            let b = line.span_bbox(m.start, m.end);
            (m.date, (b.x0 + b.x1) / 2.0, m.start)
        })
        .collect();
    if dates.len() > 40 {
        return None;
    }
    let make = |date: Option<NaiveDate>,
                period: SessionPeriod,
                hours: Option<Decimal>,
                center: f32| Column {
        date,
        period,
        hours: hours.or(context.hours_of(period)),
        center,
    };
    if dates.is_empty() {
        // Periods alone: "Nom | Signature matin | Signature après-midi".
        if !signature_header(line) {
            return None;
        }
        let periods = periods_in(line);
        let distinct = periods
            .windows(2)
            .all(|w| (w[1].1 - w[0].1).abs() > line.line.size * 2.0);
        if periods.is_empty() || periods.len() > 2 * 7 || !distinct {
            return None;
        }
        let date = title_date(view, index);
        let columns = periods
            .into_iter()
            .map(|(period, center, hours)| make(date, period, hours, center))
            .collect();
        return Some((columns, 1));
    }
    let periods = periods_in(line);
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
            columns.push(make(Some(*date), period, hours, (b.x0 + b.x1) / 2.0));
        }
        return (!columns.is_empty() && columns.len() * 2 >= dates.len()).then_some((columns, 1));
    }
    // Dates alone, on a sheet whose timetable has a single half-day ("cours du mardi matin,
    // 9h00 – 12h00"): each date is that half-day.
    let dates_only = || {
        let period = match context.timetable {
            (Some(_), None) => SessionPeriod::Am,
            (None, Some(_)) => SessionPeriod::Pm,
            _ => return None,
        };
        if !signature_header(line) || dates.len() < 2 {
            return None;
        }
        let columns = dates
            .iter()
            .map(|(date, center, _)| make(Some(*date), period, None, *center))
            .collect();
        Some((columns, 1))
    };
    // Dates above, periods below: the periods' row may print as several lines (a wrapped
    // or vertically centred cell, the name column's heading, a row of times).
    let Some(below) = view.lines.get(index + 1).filter(|b| {
        b.page == line.page && line.line.bbox.y0 - b.line.bbox.y1 < line.line.size * 2.5
    }) else {
        return dates_only();
    };
    if !dossier_parse::find_dates(below.text()).is_empty() {
        return dates_only();
    }
    let (mut periods, band) = period_band(view, index + 1);
    if periods.is_empty() || periods.len() < dates.len().min(2) {
        return dates_only();
    }
    column_lengths(&view.lines[index + 1..index + 1 + band], &mut periods);
    let mut columns: Vec<Column> = periods
        .into_iter()
        .filter_map(|(period, center, hours)| {
            let nearest = dates
                .iter()
                .min_by(|a, b| (a.1 - center).abs().total_cmp(&(b.1 - center).abs()))?;
            Some(make(Some(nearest.0), period, hours, center))
        })
        .collect();
    let times = times_row(view, index + band, &mut columns);
    Some((columns, 1 + band + times))
}

/// The periods of a header row whose cells wrap or are centred vertically, so that one table
/// row prints as several lines ("Après-midi" above "Matin (3h30)" above "(3h30)": Calc centres
/// a one-line cell beside a wrapped one; "Stagiaire (nom, prénom)" above a row of times). From
/// line `first` (any line), the lines right under it that hold only header words (periods,
/// lengths, times, the name column's heading) belong to the same row; a period standing where
/// none is yet adds a column. Returns the periods, left to right, and how many lines the row
/// takes.
fn period_band(
    view: &DocView<'_>,
    first: usize,
) -> (Vec<(SessionPeriod, f32, Option<Decimal>)>, usize) {
    let mut periods = periods_in(&view.lines[first]);
    let mut lines = 1;
    let mut previous = &view.lines[first];
    while let Some(line) = view.lines.get(first + lines) {
        let tight = line.page == previous.page
            && previous.line.bbox.y0 - line.line.bbox.y1 < previous.line.size * HEADER_LINE_GAP;
        if !tight || !header_words_only(line) || !dossier_parse::find_dates(line.text()).is_empty()
        {
            break;
        }
        let reach = line.line.size * 2.0;
        for found in periods_in(line) {
            if periods.iter().all(|p| (p.1 - found.1).abs() > reach) {
                periods.push(found);
            }
        }
        previous = line;
        lines += 1;
    }
    periods.sort_by(|a, b| a.1.total_cmp(&b.1));
    (periods, lines)
}

/// Gap between two lines of one wrapped header cell, in line heights: the lines of a cell
/// are set solid (0.2–0.4 of a height apart in the Calc, Writer and Chromium sheets of the
/// corpora) while a header and the first trainee row are a row's padding apart.
const HEADER_LINE_GAP: f32 = 1.0;

/// Whether a line holds only what a header row prints: period words, times, lengths in
/// parentheses, signature words ("Signature", "Émargement"), no name or sentence.
fn header_words_only(line: &LineView<'_>) -> bool {
    // Besides the periods and the signature words: the name column's plural and "prénom",
    // connectives, and lengths ("3h30", "3,5 heures").
    static OTHER_HEADER_WORD: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"\bnoms\b|\bprenoms?\b|\bdu\b|\bde\b|\bet\b|\ba\b|\d+\s*[h:]\s*\d*|\d+[,.]?\d*\s*(h|heures?)\b",
        )
    });
    let rest = PERIOD.replace_all(&line.folded, " ");
    let rest = SIGNATURE_HEAD.replace_all(&rest, " ");
    let rest = OTHER_HEADER_WORD.replace_all(&rest, " ");
    rest.chars().filter(|c| c.is_alphabetic()).count() == 0
}

/// Half-day lengths printed in the header cells ("Matin (3h30)", "(3h30)" on the line under a
/// wrapped "Après-midi", "9h00 - 12h30" under "Matin"): each length or time range goes to the
/// column it stands over, unless the column already has its hours from its own cell.
fn column_lengths(lines: &[LineView<'_>], columns: &mut [(SessionPeriod, f32, Option<Decimal>)]) {
    let centres: Vec<f32> = columns.iter().map(|c| c.1).collect();
    let mut found: Vec<(usize, Decimal)> = Vec::new();
    for line in lines {
        let text = line.text();
        let mut rest = 0;
        let find = |t: &str| {
            let range = dossier_parse::find_time_range(t);
            let length = dossier_parse::find_duration_hours(t);
            match (range, length) {
                (Some(r), Some(l)) => Some(if r.1 <= l.1 { r } else { l }),
                (r, l) => r.or(l),
            }
        };
        while let Some((hours, start, end)) = find(&text[rest..]) {
            let b = line.span_bbox(rest + start, rest + end);
            let center = (b.x0 + b.x1) / 2.0;
            rest += end;
            if let Some(i) = column_under(&centres, center) {
                found.push((i, hours));
            }
        }
    }
    for (i, hours) in found {
        // A half-day's length: a whole day's ("7 h") over a period column is no half-day.
        if hours > Decimal::ZERO && hours <= MAX_HALF_DAY_HOURS && columns[i].2.is_none() {
            columns[i].2 = Some(hours);
        }
    }
}

/// The column (by its centre) a value centred at `center` stands over: the nearest one, if
/// within half the spacing of the columns (a value far from every centre, a whole day's
/// range, belongs to none).
fn column_under(centres: &[f32], center: f32) -> Option<usize> {
    let reach = match centres {
        [a, b, ..] => (b - a).abs() / 2.0,
        _ => SINGLE_COLUMN_WIDTH / 2.0,
    };
    centres
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1 - center).abs().total_cmp(&(b.1 - center).abs()))
        .filter(|(_, c)| (*c - center).abs() <= reach)
        .map(|(i, _)| i)
}

/// Longest half-day a header length may give a column: 4 h 30 (the rulebook's plausible
/// half-day, 2 to 4.5 h).
const MAX_HALF_DAY_HOURS: Decimal = Decimal::from_parts(45, 0, 0, false, 1);

/// A header row of times under the period row ("8h30-12h00 | 13h00-16h30" under "Matin |
/// Après-midi"): each time range gives the hours of the column nearest to it. Returns 1 when
/// line `index + 1` is such a row (it belongs to the header), 0 otherwise.
fn times_row(view: &DocView<'_>, index: usize, columns: &mut [Column]) -> usize {
    /// Letters a times row may hold besides its ranges ("h", "à", "de").
    const MAX_OTHER_LETTERS: usize = 4;
    let (Some(above), Some(line)) = (view.lines.get(index), view.lines.get(index + 1)) else {
        return 0;
    };
    if line.page != above.page || above.line.bbox.y0 - line.line.bbox.y1 > above.line.size * 2.5 {
        return 0;
    }
    let text = line.text();
    let mut ranges = Vec::new();
    let mut rest = 0;
    while let Some((hours, start, end)) = dossier_parse::find_time_range(&text[rest..]) {
        let b = line.span_bbox(rest + start, rest + end);
        ranges.push((hours, (b.x0 + b.x1) / 2.0, rest + start, rest + end));
        rest += end;
    }
    if ranges.is_empty() {
        return 0;
    }
    let mut other = text.to_string();
    for (_, _, start, end) in ranges.iter().rev() {
        other.replace_range(*start..*end, " ");
    }
    if other.chars().filter(|c| c.is_alphabetic()).count() > MAX_OTHER_LETTERS {
        return 0;
    }
    // A range belongs to the column it stands over: one range for the whole day ("9h00-
    // 17h00") far from any column centre is no half-day's length.
    let centres: Vec<f32> = columns.iter().map(|c| c.center).collect();
    for (hours, center, _, _) in ranges {
        if let Some(i) = column_under(&centres, center) {
            columns[i].hours = Some(hours);
        }
    }
    1
}
