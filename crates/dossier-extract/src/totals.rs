//! Totals of quotes and invoices (HT, VAT, TTC) as candidates, features and a constrained
//! assignment.
//!
//! Every amount printed on the document is a candidate. Its features are the cues of
//! [`crate::lexicon::TOTALS`] found around it: the words just before it (back to the
//! previous amount of its cell), its label (the rest of its cell, or the cell before it, with
//! parenthesised asides and other amounts taken out), the words just after it ("1 800,00 €
//! HT", "(TTC)"), and the header of its column when it sits in a table. Some cues speak
//! against a role: a number after "sur" is a base, one after "dont" is a part of the amount
//! stated before, a deposit, a balance, a per-day price or a discount is no total.
//!
//! The assignment then picks the HT, the VAT lines (one or more rates) and the TTC that
//! satisfy HT + ΣVAT = TTC with the best total score; on a page read by OCR each candidate
//! also has the repairs of OCR's misreadings, which cost score. The confidence comes from the
//! margin over the best assignment that reads other values. When no assignment adds up, each
//! total is kept only where one candidate clearly leads its role, and with a confidence that
//! tells the rules whether the disagreement is printed (clear labels: report it) or ours
//! (competing readings: ask for a check rather than fail an honest quote).

use dossier_layout::{BBox, Cell};
use dossier_parse::{AmountReading, find_amounts, ocr_amount_readings};
use rust_decimal::Decimal;

use crate::lexicon::{Cue, CueMatch, TOTALS, cues, words};
use crate::view::{DocView, Found, LineView, fold, found_at};

/// A role's score at or above which a candidate may take it. One generic word ("total",
/// 1.0) with a weak position is not enough; a named role (3.0) in a label is. Set on the
/// generated fixtures and the Factur-X corpus (every labelled total scores ≥ 2.1; stray
/// amounts in prose ≤ 0.8).
const MIN_ROLE_SCORE: f64 = 1.4;
/// The TTC score of a bare "Total" in a label (1.0 × 0.8 × 0.5), the least a candidate needs
/// to be tried as the total with tax when nothing names one (Factur-X's English rendering:
/// "Net total", "Tax Total", then "Total").
const MIN_GENERIC_TTC_SCORE: f64 = 0.4;
/// Words after a number searched for an exemption ("€ net (TVA non applicable": "€" is no
/// word, "non applicable" are the third and fourth), beyond the three that may name its role.
const AFTER_EXEMPTION_WORDS: usize = 5;
/// Largest number taken as an amount without a currency or cents: an activity declaration
/// number (11 digits) printed next to "TVA intracommunautaire" read as a VAT amount of
/// 93 236 540 323 € on the generated quotes; no total in the fixtures or the Factur-X
/// corpus is written bare above a million.
const MAX_BARE_AMOUNT: i64 = 1_000_000;
/// The same threshold for a candidate that takes a role in an assignment that adds up: the
/// arithmetic is evidence of its own, so a role named only by a column header above the
/// value ("Net à payer" over "1.176,00 EUR": 2.5 × 0.6 × 0.8 = 1.2) is enough there. Set on
/// the generated quotes with header-row totals; a generic "total" alone (0.5) stays out.
const MIN_COHERENT_ROLE_SCORE: f64 = 1.0;
/// A score from which a label names a role beyond doubt (a named cue in the label or just
/// before or after the number).
const CLEAR_ROLE_SCORE: f64 = 2.4;
/// Weight of each context: the words just before the number, its label, the words just
/// after it, the column header above it.
const NEAR_WEIGHT: f64 = 1.0;
const LABEL_WEIGHT: f64 = 0.8;
const AFTER_WEIGHT: f64 = 0.95;
const HEADER_WEIGHT: f64 = 0.6;
/// Score lost per OCR repair in a reading (a repaired reading must be confirmed by the
/// arithmetic with better labels than the text as read).
const REPAIR_COST: f64 = 0.8;
/// Score gained by an assignment that states a VAT amount: a coherent triple is stronger
/// evidence than an HT equal to a TTC.
const VAT_BONUS: f64 = 0.5;
/// An assignment whose score leads the best one reading other values by this much is taken
/// at full confidence; a smaller lead lowers it (measured on the Factur-X corpus: genuine
/// totals lead by ≥ 1.5; a sub-total and its total lead each other by < 0.5).
const CLEAR_MARGIN: f64 = 1.0;
/// Candidates kept per role for the assignment, best scores first: bounds the search on
/// long conventions and catalogues (the Factur-X corpus has at most 9 per role).
const MAX_CANDIDATES_PER_ROLE: usize = 12;
/// Confidences of the outcomes.
const CONFIDENCE_COHERENT: f64 = 0.97;
const CONFIDENCE_COHERENT_CLOSE: f64 = 0.75;
/// Totals that do not add up but whose labels leave no doubt: the incoherence is printed and
/// the rules report it.
const CONFIDENCE_CLEAR_AS_READ: f64 = 0.9;
/// Totals that do not add up and compete with other readings: below the rules' field
/// threshold (0.6), so a check that needs them asks for a look instead of failing.
const CONFIDENCE_UNSURE: f64 = 0.5;

/// One amount printed on the document, with its readings and its role scores.
#[derive(Debug, Clone)]
struct Candidate {
    line_index: usize,
    start: usize,
    end: usize,
    readings: Vec<AmountReading>,
    ht: f64,
    vat: f64,
    ttc: f64,
    /// Whether the number is written as money (a currency mark or cents).
    money: bool,
    /// Fraction of the document before this line (totals close a document).
    position: f64,
}

impl Candidate {
    fn found(
        &self,
        view: &DocView<'_>,
        reading: &AmountReading,
        confidence: f64,
    ) -> Found<Decimal> {
        let mut value = reading.value;
        value.rescale(2);
        let penalty = if reading.repaired { 0.8 } else { 1.0 };
        found_at(
            view,
            self.line_index,
            value,
            self.start,
            self.end,
            confidence * penalty,
        )
    }
}

/// The totals read from a document.
#[derive(Debug, Default)]
pub(crate) struct Totals {
    pub(crate) ht: Option<Found<Decimal>>,
    /// The VAT amount (the sum of the VAT lines when several rates apply) and the line that
    /// states it (the first one).
    pub(crate) vat: Option<Found<Decimal>>,
    pub(crate) ttc: Option<Found<Decimal>>,
    /// Number of VAT lines summed.
    pub(crate) vat_lines: usize,
}

/// Reads the totals of a quote or an invoice.
pub(crate) fn read_totals(view: &DocView<'_>) -> Totals {
    let candidates = candidates(view);
    if let Some(totals) = coherent(view, &candidates) {
        return totals;
    }
    as_read(view, &candidates)
}

/// Every money amount of the document with its role scores.
fn candidates(view: &DocView<'_>) -> Vec<Candidate> {
    let count = view.lines.len().max(1) as f64;
    let mut out = Vec::new();
    for (index, line) in view.lines.iter().enumerate() {
        let spans = amount_spans(line);
        for (k, (start, end, readings, money)) in spans.iter().enumerate() {
            let previous_end = k.checked_sub(1).map(|p| spans[p].1);
            let next_start = spans.get(k + 1).map(|n| n.0);
            let context = Context::around(view, index, *start, *end, previous_end, next_start);
            let (mut ht, vat, mut ttc) = context.scores();
            // Nothing before or after tax is zero; a VAT may be.
            if readings.iter().all(|r| r.value.is_zero()) {
                ht = 0.0;
                ttc = 0.0;
            }
            if ht.max(vat).max(ttc) <= 0.0 {
                continue;
            }
            out.push(Candidate {
                line_index: index,
                start: *start,
                end: *end,
                readings: readings.clone(),
                ht,
                vat,
                ttc,
                money: *money,
                position: index as f64 / count,
            });
        }
    }
    out
}

/// The amounts of a line with their readings, in reading order: (start, end, readings,
/// written as money). A text layer is taken as written; on a line read by OCR the first
/// amount of each cell also has the repairs of OCR's confusions (a lost or misread decimal
/// comma, O for 0), which may find an amount where the text as read holds none.
fn amount_spans(line: &LineView<'_>) -> Vec<(usize, usize, Vec<AmountReading>, bool)> {
    let text = line.text();
    // Amounts are looked for cell by cell: a quantity in one column and a price in the next
    // ("1" then "980,00 EUR") must not read as one number with a thousands space.
    let mut spans: Vec<(usize, usize, Vec<AmountReading>, bool)> = cell_ranges(line)
        .into_iter()
        .flat_map(|(from, to)| {
            find_amounts(&text[from..to])
                .into_iter()
                .map(move |a| (from, from + a.start, from + a.end, a))
        })
        // Zero stays: "Total taxes 0,00 €" is a stated VAT of nothing.
        .filter(|(_, _, _, a)| a.value >= Decimal::ZERO)
        // A long bare number (an NDA, a phone number, a SIREN) is an identifier: amounts
        // that large are written with a currency or cents.
        .filter(|(from, start, _, a)| {
            let money = a.has_currency || a.has_decimals;
            // A bare number right after another digit group of its cell is the end of a
            // longer run (an NDA "53 16 98387 16", a phone number), not an amount.
            let before = &text[*from..*start];
            let continues_digits = before.ends_with(' ')
                && before
                    .trim_end_matches(' ')
                    .ends_with(|c: char| c.is_ascii_digit());
            money || (a.value < Decimal::from(MAX_BARE_AMOUNT) && !continues_digits)
        })
        .map(|(_, start, end, a)| {
            let reading = AmountReading {
                value: a.value,
                start,
                end,
                repaired: false,
            };
            (start, end, vec![reading], a.has_currency || a.has_decimals)
        })
        .collect();
    // Identifiers are not amounts: a group of an activity declaration number ("53 16 98387
    // 16"), a SIRET or a VAT number read as money (OCR repairs find plenty in them). They are
    // looked for cell by cell too: a row of amounts ("24.99 | 5.00 | 29.99") holds eleven
    // digits in dotted groups, which across cells read as an NDA.
    let identifiers: Vec<(usize, usize)> = cell_ranges(line)
        .into_iter()
        .flat_map(|(from, to)| {
            let cell = &text[from..to];
            dossier_parse::find_nda(cell)
                .into_iter()
                .chain(dossier_parse::find_siret(cell))
                .chain(dossier_parse::find_invalid_siret(cell))
                .chain(dossier_parse::find_siren(cell))
                .chain(dossier_parse::find_vat_numbers(cell))
                .map(move |m| (from + m.start, from + m.end))
        })
        .collect();
    spans.retain(|(start, end, _, _)| !identifiers.iter().any(|(s, e)| start < e && s < end));
    if !line.ocr {
        return spans;
    }
    let ranges = cell_ranges(line);
    if ranges.len() != line.line.cells.len() {
        return spans;
    }
    for ((cell_start, cell_end), cell) in ranges.into_iter().zip(&line.line.cells) {
        let readings: Vec<AmountReading> = ocr_amount_readings(&cell.text)
            .into_iter()
            .filter(|r| r.value > Decimal::ZERO)
            .map(|r| AmountReading {
                start: cell_start + r.start,
                end: cell_start + r.end,
                ..r
            })
            .collect();
        if !readings.iter().any(|r| r.repaired) {
            continue;
        }
        let start = readings.iter().map(|r| r.start).min().unwrap_or(cell_start);
        let end = readings.iter().map(|r| r.end).max().unwrap_or(cell_end);
        spans.retain(|s| s.1 <= start || s.0 >= end);
        spans.push((start, end, readings, true));
    }
    spans.retain(|(start, end, _, _)| !identifiers.iter().any(|(s, e)| start < e && s < end));
    spans.sort_by_key(|s| s.0);
    spans
}

/// The cues around one amount.
struct Context {
    near: Vec<CueMatch>,
    label: Vec<CueMatch>,
    after: Vec<CueMatch>,
    header: Vec<CueMatch>,
    /// Whether an exemption ("non applicable", "exonéré", an article of the CGI) follows
    /// within a few words.
    after_exemption: bool,
}

impl Context {
    fn around(
        view: &DocView<'_>,
        index: usize,
        start: usize,
        end: usize,
        previous_end: Option<usize>,
        next_start: Option<usize>,
    ) -> Context {
        let line = &view.lines[index];
        let text = line.text();
        let (cell_start, cell_end, previous_cell) = cell_bounds(line, start);
        // Just before: back to the previous amount of the cell, and after a "dont" only
        // what follows it ("TTC (dont TVA 200 €)": the 200 is VAT, not TTC).
        let near_from = previous_end
            .filter(|p| *p >= cell_start)
            .unwrap_or(cell_start);
        let near_text = fold(&text[near_from.min(start)..start]).0;
        let near_words = words(&near_text);
        let near = cues(TOTALS, &near_words);
        // The label: the whole cell before the number without parenthesised asides and
        // other amounts; the cell before when this one starts with the number.
        let mut label_text = strip_asides_and_amounts(&text[cell_start.min(start)..start]);
        if label_text.chars().all(|c| !c.is_alphabetic()) {
            if let Some(previous) = previous_cell {
                label_text = strip_asides_and_amounts(&previous.text);
            }
        }
        let label_folded = fold(&label_text).0;
        let label_words = words(&label_folded);
        // The label's cues nearest the number speak for it: keep the last few words.
        let tail = label_words.len().saturating_sub(6);
        let label = cues(TOTALS, &label_words[tail..]);
        // Just after: a unit or a role word ("€ HT", "(TTC)", "par jour"), up to the next
        // amount or the end of the cell.
        let after_end = next_start.unwrap_or(cell_end).min(cell_end).max(end);
        let after_text = fold(&text[end..after_end]).0;
        let after_words: Vec<&str> = words(&after_text).into_iter().take(3).collect();
        let after = cues(TOTALS, &after_words);
        // A little further, only to hear "(TVA non applicable, art. …)" after a price.
        let further: Vec<&str> = words(&after_text)
            .into_iter()
            .take(AFTER_EXEMPTION_WORDS)
            .collect();
        let after_exemption = crate::commercial::EXEMPT.is_match(&further.join(" "));
        let header = column_header(view, index, start, end)
            .map(|h| cues(TOTALS, &words(&fold(&h).0)))
            .unwrap_or_default();
        Context {
            near,
            label,
            after,
            header,
            after_exemption,
        }
    }

    /// Scores for HT, VAT and TTC.
    fn scores(&self) -> (f64, f64, f64) {
        let has = |list: &[CueMatch], cue: Cue| list.iter().any(|m| m.cue == cue);
        // Cues that take the number out of every role.
        let last_near = self.near.last().map(|m| m.cue);
        // A deposit named after a role qualifies it ("Total TTC de l'acompte": a deposit
        // invoice's own total); named first, it is a deduction ("Acompte versé TTC").
        let deposit_after_role = |list: &[CueMatch]| {
            let first_role = list
                .iter()
                .position(|m| matches!(m.cue, Cue::Ht | Cue::Vat | Cue::Ttc));
            let first_deposit = list.iter().position(|m| m.cue == Cue::Deposit);
            matches!((first_role, first_deposit), (Some(r), Some(d)) if r < d)
        };
        let deposit = |list: &[CueMatch]| has(list, Cue::Deposit) && !deposit_after_role(list);
        let excluded = deposit(&self.near)
            || deposit(&self.label)
            || [Cue::Balance, Cue::Other]
                .iter()
                .any(|c| has(&self.near, *c) || has(&self.label, *c))
            || has(&self.after, Cue::Unit)
            // A column of unit prices ("P.U. HT", "Prix unitaire") holds no total.
            || has(&self.header, Cue::Unit)
            || matches!(last_near, Some(Cue::Unit))
            || self.label.last().is_some_and(|m| m.cue == Cue::Unit);
        if excluded {
            return (0.0, 0.0, 0.0);
        }
        // After "dont", only the cues that follow it speak for the number.
        let near: &[CueMatch] = match self.near.iter().rposition(|m| m.cue == Cue::Part) {
            Some(p) => &self.near[p + 1..],
            None => &self.near,
        };
        let part_of_label = has(&self.label, Cue::Part) && near.len() == self.near.len();
        let label: &[CueMatch] = match self.label.iter().rposition(|m| m.cue == Cue::Part) {
            Some(p) if !part_of_label => &self.label[p + 1..],
            _ => &self.label,
        };
        // A base: just before the number, or as the header of its column ("Taxe | Base |
        // Montant": the base column of a VAT table holds no VAT).
        let base = matches!(near.last().map(|m| m.cue), Some(Cue::Base))
            || self.header.last().is_some_and(|m| m.cue == Cue::Base);
        let score = |role: Cue| -> f64 {
            let best = |list: &[CueMatch]| {
                list.iter()
                    .filter(|m| m.cue == role)
                    .map(|m| m.weight)
                    .fold(0.0, f64::max)
            };
            let generic = |list: &[CueMatch]| {
                list.iter()
                    .filter(|m| m.cue == Cue::Total)
                    .map(|m| m.weight)
                    .fold(0.0, f64::max)
            };
            let named = (best(near) * NEAR_WEIGHT)
                .max(best(label) * LABEL_WEIGHT)
                .max(best(&self.after) * AFTER_WEIGHT)
                .max(best(&self.header) * HEADER_WEIGHT);
            // A generic word adds to a named role, and alone speaks a little for each.
            let generic = (generic(near) * NEAR_WEIGHT)
                .max(generic(label) * LABEL_WEIGHT)
                .max(generic(&self.header) * HEADER_WEIGHT);
            if named > 0.0 {
                named + generic * 0.3
            } else {
                generic * 0.5
            }
        };
        let mut ht = score(Cue::Ht);
        let mut vat = score(Cue::Vat);
        let mut ttc = score(Cue::Ttc).max(score(Cue::Due) * 0.8);
        // A label that names two roles ("Total HT / TTC") is no evidence for either.
        if ht >= MIN_ROLE_SCORE
            && ttc >= MIN_ROLE_SCORE
            && !has(&self.after, Cue::Ht)
            && !has(&self.after, Cue::Ttc)
        {
            let (named_ht, named_ttc) = (has(label, Cue::Ht), has(label, Cue::Ttc));
            if named_ht && named_ttc {
                ht *= 0.5;
                ttc *= 0.5;
            }
        } else if has(label, Cue::Ht) && has(label, Cue::Ttc) {
            // One of the two clearly leads ("Total général HT": "général" leans TTC, "HT"
            // names it): the other is no role for this number, even in a sum that adds up.
            if ht > ttc {
                ttc *= 0.5;
            } else {
                ht *= 0.5;
            }
        }
        if base {
            // "TVA 20 % sur 1 176,00": a base, at most an HT.
            vat = 0.0;
            ttc = 0.0;
            ht *= 0.5;
        }
        // The word after the number has the last say when it names a role ("1 800 € HT").
        if has(&self.after, Cue::Ht) {
            vat *= 0.3;
            ttc *= 0.3;
        } else if has(&self.after, Cue::Ttc) {
            ht *= 0.3;
            vat *= 0.3;
        }
        // "2 450,00 € net (TVA non applicable, art. 261-4-4° a)": the tax named after the
        // number is the one that does not apply; the number is no VAT.
        if self.after_exemption && !has(label, Cue::Vat) && !has(near, Cue::Vat) {
            vat = 0.0;
        }
        (ht, vat, ttc)
    }
}

/// Byte bounds of the cell holding `at`, and the cell before it.
fn cell_bounds<'l>(line: &'l LineView<'_>, at: usize) -> (usize, usize, Option<&'l Cell>) {
    let ranges = cell_ranges(line);
    for (i, (start, end)) in ranges.iter().enumerate() {
        if at < *end {
            let previous = i.checked_sub(1).and_then(|p| line.line.cells.get(p));
            return (*start, *end, previous);
        }
    }
    (0, line.text().len(), None)
}

/// The byte ranges of a line's cells in its text; the whole line when its cells cannot be
/// found in it.
fn cell_ranges(line: &LineView<'_>) -> Vec<(usize, usize)> {
    let text = line.text();
    let mut ranges = Vec::new();
    let mut offset = 0;
    for cell in &line.line.cells {
        let Some(found) = text[offset..].find(cell.text.as_str()) else {
            return vec![(0, text.len())];
        };
        let start = offset + found;
        offset = start + cell.text.len();
        ranges.push((start, offset));
    }
    if ranges.is_empty() {
        ranges.push((0, text.len()));
    }
    ranges
}

/// A label's text without parenthesised asides ("(dont TVA 200 €)") and without amounts.
fn strip_asides_and_amounts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let mut cleaned = out.clone();
    for amount in find_amounts(&out).iter().rev() {
        cleaned.replace_range(amount.start..amount.end, " ");
    }
    cleaned
}

/// The label heading the number's column: the line just above on the same page (within a
/// few line heights) whose cell over the number holds words and no amount; a header row
/// of a table, or a short label line ("Montant total HT :" above "1 800,00 €").
fn column_header(view: &DocView<'_>, index: usize, start: usize, end: usize) -> Option<String> {
    /// A label line alone above a value has at most this many words (longer is prose).
    const MAX_LABEL_LINE_WORDS: usize = 6;
    let span = view.lines[index].span_bbox(start, end);
    let (above_index, cell) = cell_above(view, index, span)?;
    let above = &view.lines[above_index];
    if !find_amounts(&cell.text).is_empty() || cell.text.chars().all(|c| !c.is_alphabetic()) {
        return None;
    }
    let table_row = above.line.cells.len() >= 2;
    let label_line = cell.text.split_whitespace().count() <= MAX_LABEL_LINE_WORDS;
    (table_row || label_line).then(|| cell.text.clone())
}

/// The cell that heads the column `span` stands in on line `index`: the cell over it on the
/// line just above (same page, within a few line heights), or, when that cell holds an
/// amount too and belongs to a row of the same table (as many cells), the one above that
/// row, and so on up the column ("Montant EUR HT" over three rows of amounts and a "Total
/// facture" row). With that line's index.
fn cell_above<'v>(view: &'v DocView<'_>, index: usize, span: BBox) -> Option<(usize, &'v Cell)> {
    /// How far above, in the value line's font size, a header may stand.
    const HEADER_REACH: f32 = 3.5;
    /// Share of the value's width a header cell must cover.
    const HEADER_OVERLAP: f32 = 0.3;
    /// Rows of amounts a column may hold between its header and the value (the longest
    /// invoice table of the benchmarks has 14 lines).
    const MAX_COLUMN_ROWS: usize = 20;
    let mut current = index;
    for _ in 0..=MAX_COLUMN_ROWS {
        let line = view.lines.get(current)?;
        let above_index = current.checked_sub(1)?;
        let above = &view.lines[above_index];
        let reach = line.line.size.max(6.0) * HEADER_REACH;
        if above.page != line.page || above.line.bbox.y0 - line.line.bbox.y1 > reach {
            return None;
        }
        let cell = above
            .line
            .cells
            .iter()
            .find(|c| c.bbox.x_overlap_ratio(&span) > HEADER_OVERLAP)?;
        if find_amounts(&cell.text).is_empty() {
            return Some((above_index, cell));
        }
        // A row of the same table has the value's line's cells; a totals block under a
        // table ("Total HT | 530,75 €" under "TVA 0 % | 530,75 € | 0,00 €") is no row of it.
        if above.line.cells.len() != view.lines[index].line.cells.len() {
            return None;
        }
        current = above_index;
    }
    None
}

/// The rate printed in the column header above a VAT amount ("T.V.A. 20 %" over
/// "196,00 EUR"), when its own line states none.
pub(crate) fn header_rate(view: &DocView<'_>, vat: &Found<Decimal>) -> Option<Found<Decimal>> {
    let (above_index, cell) = cell_above(view, vat.line_index, vat.bbox)?;
    let above = &view.lines[above_index];
    let cell_folded = fold(&cell.text).0;
    if !cues(TOTALS, &words(&cell_folded))
        .iter()
        .any(|m| m.cue == Cue::Vat)
    {
        return None;
    }
    let (rate, s, e) = crate::values::percent(&cell.text)?;
    let offset = above.text().find(cell.text.as_str())?;
    Some(found_at(
        view,
        above_index,
        rate,
        offset + s,
        offset + e,
        vat.confidence.min(0.9),
    ))
}

/// A reading of one candidate for one role in an assignment.
#[derive(Clone, Copy)]
struct Pick<'c> {
    candidate: &'c Candidate,
    reading: &'c AmountReading,
}

/// The best HT + ΣVAT = TTC assignment, when one exists.
fn coherent(view: &DocView<'_>, candidates: &[Candidate]) -> Option<Totals> {
    let tolerance = Decimal::new(1, 2);
    let role = |score: fn(&Candidate) -> f64| -> Vec<&Candidate> {
        let mut list: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| score(c) >= MIN_COHERENT_ROLE_SCORE)
            .collect();
        list.sort_by(|a, b| score(b).total_cmp(&score(a)));
        list.truncate(MAX_CANDIDATES_PER_ROLE);
        list
    };
    let clear_vat = candidates
        .iter()
        .any(|c| c.money && c.vat >= CLEAR_ROLE_SCORE);
    let hts = role(|c| c.ht);
    let vats = role(|c| c.vat);
    let mut ttcs = role(|c| c.ttc);
    // No amount is named as the total with tax: a bare "Total" (a generic cue alone) may be
    // it, when the arithmetic says so; its confidence then stays close, never clear.
    let generic_ttc = ttcs.is_empty();
    if generic_ttc {
        ttcs = candidates
            .iter()
            .filter(|c| c.money && c.ttc >= MIN_GENERIC_TTC_SCORE)
            .collect();
        ttcs.truncate(MAX_CANDIDATES_PER_ROLE);
    }
    // VAT options: none, one line, or two lines of different rates on different lines.
    let mut vat_sets: Vec<Vec<&Candidate>> = vec![Vec::new()];
    for (i, a) in vats.iter().enumerate() {
        vat_sets.push(vec![a]);
        for b in vats.iter().skip(i + 1) {
            if a.line_index != b.line_index {
                vat_sets.push(vec![a, b]);
            }
        }
    }
    type Assignment<'c> = (f64, Pick<'c>, Vec<Pick<'c>>, Pick<'c>);
    let mut assignments: Vec<Assignment<'_>> = Vec::new();
    for h in &hts {
        for t in &ttcs {
            if std::ptr::eq(*h, *t) {
                continue;
            }
            for set in &vat_sets {
                if set
                    .iter()
                    .any(|v| std::ptr::eq(*v, *h) || std::ptr::eq(*v, *t))
                {
                    continue;
                }
                for hr in &h.readings {
                    for tr in &t.readings {
                        let mut vat_readings: Vec<Vec<&AmountReading>> = vec![Vec::new()];
                        for v in set {
                            vat_readings = vat_readings
                                .into_iter()
                                .flat_map(|prefix| {
                                    v.readings.iter().map(move |r| {
                                        let mut next = prefix.clone();
                                        next.push(r);
                                        next
                                    })
                                })
                                .collect();
                        }
                        for vr in vat_readings {
                            let vat_sum: Decimal = vr.iter().map(|r| r.value).sum();
                            if (hr.value + vat_sum - tr.value).abs() > tolerance {
                                continue;
                            }
                            if set.is_empty() && !h.money && !t.money {
                                continue;
                            }
                            // HT = TTC without VAT while the document states a VAT amount
                            // beyond doubt: not this document's totals.
                            if set.is_empty() && clear_vat {
                                continue;
                            }
                            let repairs = [hr, tr]
                                .into_iter()
                                .chain(vr.iter().copied())
                                .filter(|r| r.repaired)
                                .count();
                            let score = h.ht
                                + t.ttc
                                + set.iter().map(|v| v.vat).sum::<f64>()
                                + if set.is_empty() { 0.0 } else { VAT_BONUS }
                                // Several VAT lines must each earn their place.
                                - if set.len() > 1 { 0.5 } else { 0.0 }
                                - REPAIR_COST * repairs as f64
                                // Totals close a document: a later line wins a tie.
                                + 0.2 * (h.position + t.position) / 2.0;
                            let vat_picks = set
                                .iter()
                                .zip(&vr)
                                .map(|(v, r)| Pick {
                                    candidate: v,
                                    reading: r,
                                })
                                .collect();
                            assignments.push((
                                score,
                                Pick {
                                    candidate: h,
                                    reading: hr,
                                },
                                vat_picks,
                                Pick {
                                    candidate: t,
                                    reading: tr,
                                },
                            ));
                        }
                    }
                }
            }
        }
    }
    assignments.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (best_score, h, vat_picks, t) = assignments.first()?.clone();
    // The runner-up that reads other values for HT or TTC.
    let rival = assignments
        .iter()
        .find(|(_, rh, _, rt)| {
            rh.reading.value != h.reading.value || rt.reading.value != t.reading.value
        })
        .map(|a| a.0);
    let margin = rival.map_or(f64::INFINITY, |r| best_score - r);
    let confidence = if margin >= CLEAR_MARGIN && !generic_ttc {
        CONFIDENCE_COHERENT
    } else {
        CONFIDENCE_COHERENT_CLOSE
    };
    let ht = h.candidate.found(view, h.reading, confidence);
    let ttc = t.candidate.found(view, t.reading, confidence);
    let vat = vat_picks.first().map(|first| {
        let sum: Decimal = vat_picks.iter().map(|p| p.reading.value).sum();
        let weakest = vat_picks
            .iter()
            .map(|p| p.candidate.found(view, p.reading, confidence).confidence)
            .fold(1.0, f64::min);
        let mut found = first.candidate.found(view, first.reading, confidence);
        found.value = sum;
        found.value.rescale(2);
        found.confidence = weakest;
        found
    });
    Some(Totals {
        ht: Some(ht),
        vat,
        ttc: Some(ttc),
        vat_lines: vat_picks.len(),
    })
}

/// When no assignment adds up: each role's leading candidate as read, trusted only as far as
/// its lead over the other values of that role goes.
fn as_read(view: &DocView<'_>, candidates: &[Candidate]) -> Totals {
    let pick = |score: fn(&Candidate) -> f64| -> Option<Found<Decimal>> {
        // A number written as money (a currency or cents) outranks a bare one ("30 jours"
        // under a totals line); bare numbers compete only where no money does.
        let any_money = candidates
            .iter()
            .any(|c| c.money && score(c) >= MIN_ROLE_SCORE);
        let mut ranked: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| score(c) >= MIN_ROLE_SCORE && (c.money || !any_money))
            .collect();
        ranked.sort_by(|a, b| {
            (score(b) + 0.2 * b.position).total_cmp(&(score(a) + 0.2 * a.position))
        });
        let best = *ranked.first()?;
        let reading = best.readings.first()?;
        let rival = ranked
            .iter()
            .skip(1)
            .find(|c| c.readings.first().is_some_and(|r| r.value != reading.value))
            .map(|c| score(c));
        let clear = score(best) >= CLEAR_ROLE_SCORE
            && rival.is_none_or(|r| score(best) - r >= CLEAR_MARGIN);
        let confidence = if clear {
            CONFIDENCE_CLEAR_AS_READ
        } else {
            CONFIDENCE_UNSURE
        };
        Some(best.found(view, reading, confidence))
    };
    let ht = pick(|c| c.ht);
    let vat = pick(|c| c.vat);
    let ttc = pick(|c| c.ttc);
    Totals {
        vat_lines: usize::from(vat.is_some()),
        ht,
        vat,
        ttc,
    }
}
