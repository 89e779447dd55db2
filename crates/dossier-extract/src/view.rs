//! A searchable view of a document's lines, and the labelled-value search every extractor
//! uses.
//!
//! Labels are matched on a folded copy of each line (lower case, accents removed, so
//! "Durée", "DUREE" and "durée" are one label) while values are parsed from the original
//! text, so evidence quotes the document as printed. A value is looked for to the right of
//! its label on the same line ("Total HT ........ 10 890,00 €", a table row), then on the
//! lines just below whose column overlaps the label ("Date de début" above "02/03/2026").

use dossier_contract::Field;
use dossier_layout::{BBox, DocText, Line, Page, TextSource};
use regex::Regex;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// One line with its folded text.
pub(crate) struct LineView<'a> {
    pub(crate) page: u32,
    pub(crate) page_height: f32,
    pub(crate) line: &'a Line,
    pub(crate) folded: String,
    /// Whether the line was read by OCR (its digits may be misread) rather than from a text
    /// layer.
    pub(crate) ocr: bool,
    /// For each byte of `folded` (plus one past the end), the byte offset in the original.
    map: Vec<usize>,
    /// Start offset of each word in the original text.
    word_starts: Vec<usize>,
}

impl<'a> LineView<'a> {
    fn new(page: &'a Page, line: &'a Line) -> LineView<'a> {
        let (folded, map) = fold(&line.text);
        let mut word_starts = Vec::with_capacity(line.words.len());
        let mut offset = 0;
        for word in &line.words {
            word_starts.push(offset);
            offset += word.text.len() + 1;
        }
        LineView {
            page: page.number,
            page_height: page.height,
            line,
            folded,
            ocr: page.source == TextSource::Ocr,
            map,
            word_starts,
        }
    }

    pub(crate) fn text(&self) -> &'a str {
        &self.line.text
    }

    /// Original byte offset of a folded byte offset.
    pub(crate) fn orig(&self, folded_pos: usize) -> usize {
        self.map
            .get(folded_pos)
            .copied()
            .unwrap_or(self.line.text.len())
    }

    /// The box of the words overlapping the original byte span.
    pub(crate) fn span_bbox(&self, start: usize, end: usize) -> BBox {
        let mut bbox: Option<BBox> = None;
        for (word, word_start) in self.line.words.iter().zip(&self.word_starts) {
            let word_end = word_start + word.text.len();
            if *word_start < end.max(start + 1) && word_end > start {
                bbox = Some(bbox.map_or(word.bbox, |b| b.union(word.bbox)));
            }
        }
        bbox.unwrap_or(self.line.bbox)
    }

    /// Lowest confidence of the words in the span (1 for a text layer).
    pub(crate) fn span_confidence(&self, start: usize, end: usize) -> f32 {
        self.line
            .words
            .iter()
            .zip(&self.word_starts)
            .filter(|(w, s)| **s < end.max(start + 1) && *s + w.text.len() > start)
            .map(|(w, _)| w.confidence)
            .fold(1.0, f32::min)
    }

    /// Vertical position from the top of the page, as a fraction of its height.
    pub(crate) fn top_fraction(&self) -> f32 {
        if self.page_height <= 0.0 {
            0.5
        } else {
            1.0 - self.line.bbox.y1 / self.page_height
        }
    }
}

/// Folds text for label matching: lower case, accents dropped, "œ" as "oe".
pub(crate) fn fold(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (offset, c) in text.char_indices() {
        let replacement: &str = match c {
            // Labels are matched with hyphens only; the original keeps its dashes.
            '–' | '—' => "-",
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            _ => "",
        };
        if !replacement.is_empty() {
            for r in replacement.chars() {
                folded.push(r);
                map.push(offset);
            }
            continue;
        }
        for lower in c.to_lowercase() {
            for d in std::iter::once(lower).nfd() {
                if is_combining_mark(d) {
                    continue;
                }
                let before = folded.len();
                folded.push(d);
                map.extend(std::iter::repeat_n(offset, folded.len() - before));
            }
        }
    }
    map.push(text.len());
    (folded, map)
}

/// The document as a list of lines.
pub(crate) struct DocView<'a> {
    pub(crate) lines: Vec<LineView<'a>>,
    pub(crate) text: &'a DocText,
}

impl<'a> DocView<'a> {
    pub(crate) fn new(text: &'a DocText) -> DocView<'a> {
        let lines = text
            .pages
            .iter()
            .flat_map(|p| p.lines.iter().map(move |l| LineView::new(p, l)))
            .collect();
        DocView { lines, text }
    }

    /// Non-text ink of page `number` (scanned pages only).
    pub(crate) fn ink(&self, number: u32) -> &'a [dossier_layout::InkMark] {
        self.text
            .pages
            .iter()
            .find(|p| p.number == number)
            .map_or(&[], |p| p.ink.as_slice())
    }

    /// Lines of the first page.
    pub(crate) fn first_page(&self) -> impl Iterator<Item = &LineView<'a>> {
        self.first_page_indexed().into_iter().map(|(_, l)| l)
    }

    /// Lines of the first page with their index in [`DocView::lines`].
    pub(crate) fn first_page_indexed(&self) -> Vec<(usize, &LineView<'a>)> {
        let first = self.lines.first().map_or(1, |f| f.page);
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.page == first)
            .collect()
    }
}

/// A value read from the document, before it becomes a contract [`Field`].
#[derive(Debug, Clone)]
pub(crate) struct Found<T> {
    pub(crate) value: T,
    pub(crate) page: u32,
    pub(crate) evidence: String,
    pub(crate) bbox: BBox,
    pub(crate) confidence: f64,
    /// Index of the line the value was read on.
    pub(crate) line_index: usize,
}

impl<T> Found<T> {
    pub(crate) fn into_field(self) -> Field<T> {
        Field {
            value: self.value,
            confidence: (self.confidence.clamp(0.0, 1.0) * 100.0).round() / 100.0,
            page: self.page,
            evidence: self.evidence,
            bbox: Some(
                [self.bbox.x0, self.bbox.y0, self.bbox.x1, self.bbox.y1]
                    .map(|v| (v * 10.0).round() / 10.0),
            ),
        }
    }

    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Found<U> {
        Found {
            value: f(self.value),
            page: self.page,
            evidence: self.evidence,
            bbox: self.bbox,
            confidence: self.confidence,
            line_index: self.line_index,
        }
    }
}

/// Evidence text: the line, trimmed to a readable length.
pub(crate) fn evidence_of(text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.chars().count() <= 160 {
        trimmed.to_string()
    } else {
        trimmed.chars().take(157).collect::<String>() + "…"
    }
}

/// A value parser: finds a value in a text and returns it with its byte span.
pub(crate) type Parser<'p, T> = &'p dyn Fn(&str) -> Option<(T, usize, usize)>;

/// Builds a found value from a span of a line.
pub(crate) fn found_at<T>(
    view: &DocView<'_>,
    index: usize,
    value: T,
    start: usize,
    end: usize,
    confidence: f64,
) -> Found<T> {
    let line = &view.lines[index];
    Found {
        value,
        page: line.page,
        evidence: evidence_of(line.text()),
        bbox: line.span_bbox(start, end),
        confidence: confidence * f64::from(line.span_confidence(start, end)),
        line_index: index,
    }
}

/// A key/value table row ("Action | Bureautique : Excel niveau 2", "Organisme | Forma
/// Plus"): the first cell alone is the label, written without the colon the label's pattern
/// may require, and the value is read from the cells after it.
fn key_cell_value<T>(
    view: &DocView<'_>,
    index: usize,
    label: &Regex,
    parse: Parser<'_, T>,
) -> Option<Found<T>> {
    /// Words a key cell holds at most ("Nom de la formation").
    const MAX_KEY_WORDS: usize = 5;
    let line = &view.lines[index];
    // Two cells: a key and its value. A table's header row has more, or a second cell that
    // names a column ("Formation | Montant HT"), not a value.
    let [key, value_cell] = line.line.cells.as_slice() else {
        return None;
    };
    if key.text.split_whitespace().count() > MAX_KEY_WORDS {
        return None;
    }
    let value_words = crate::lexicon::words(&fold(&value_cell.text).0)
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let value_words: Vec<&str> = value_words.iter().map(String::as_str).collect();
    if !crate::lexicon::cues(crate::lexicon::TOTALS, &value_words).is_empty()
        || !crate::lexicon::cues(crate::lexicon::COLUMN_HEADS, &value_words).is_empty()
    {
        return None;
    }
    let as_label = format!("{} :", fold(key.text.trim()).0);
    let whole = label
        .find_iter(&as_label)
        .any(|m| m.start() == 0 && m.end() == as_label.len());
    if !whole {
        return None;
    }
    // The value cell is searched after the key's own text (a value repeating a word of its
    // key must not be found inside the key).
    let key_end = line
        .text()
        .find(key.text.as_str())
        .map_or(0, |k| k + key.text.len());
    let after = key_end + line.text()[key_end..].find(value_cell.text.as_str())?;
    let (value, start, end) = parse(&line.text()[after..])?;
    // The value must open its cell: a cell that only mentions it further on says more.
    if start > 3 {
        return None;
    }
    Some(found_at(
        view,
        index,
        value,
        after + start,
        after + end,
        0.9,
    ))
}

/// The byte offset where the cell holding byte `at` of the line's text ends (the line's end
/// when its cells cannot be placed in its text).
fn cell_end(line: &LineView<'_>, at: usize) -> usize {
    let text = line.text();
    let mut from = 0;
    for cell in &line.line.cells {
        let Some(start) = text[from..].find(cell.text.as_str()).map(|s| from + s) else {
            return text.len();
        };
        let end = start + cell.text.len();
        if at < end {
            return end;
        }
        from = end;
    }
    text.len()
}

/// The line a read field came from: the one on its page whose box holds the centre of the
/// field's box (a text search for its evidence would also find another line that begins with
/// the same words, a letterhead repeating a footer's name). With the line's index.
pub(crate) fn line_of_field<'v, 'a, T>(
    view: &'v DocView<'a>,
    field: &Field<T>,
) -> Option<(usize, &'v LineView<'a>)> {
    let [x0, y0, x1, y1] = field.bbox?;
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    view.lines.iter().enumerate().find(|(_, l)| {
        let b = l.line.bbox;
        l.page == field.page && b.x0 <= cx && cx <= b.x1 && b.y0 <= cy && cy <= b.y1
    })
}

/// Letters a label's line may hold after it when its value stands on the line below ("Date
/// de délivrance (jj/mm/aaaa)"); more is a sentence the label's words belong to.
const MAX_LETTERS_AFTER_LABEL: usize = 24;

/// Every value `parse` finds next to a match of `label`: on the same line after the label,
/// else on one of the next lines below it (same page, overlapping column). In document order.
pub(crate) fn find_labeled<T>(
    view: &DocView<'_>,
    label: &Regex,
    parse: Parser<'_, T>,
) -> Vec<Found<T>> {
    let mut out = Vec::new();
    for (index, line) in view.lines.iter().enumerate() {
        if !label.is_match(&line.folded)
            && let Some(found) = key_cell_value(view, index, label, parse)
        {
            out.push(found);
            continue;
        }
        for m in label.find_iter(&line.folded) {
            let after = line.orig(m.end());
            let rest = &line.text()[after..];
            if let Some((value, start, end)) = parse(rest) {
                // The value must follow the label closely: a far-away value on a long prose
                // line belongs to another statement.
                let gap = &rest[..start];
                if gap.chars().filter(|c| c.is_alphabetic()).count() <= 40 {
                    out.push(found_at(
                        view,
                        index,
                        value,
                        after + start,
                        after + end,
                        0.95,
                    ));
                    // A line may pair several labels with their values ("Date de
                    // certification initiale : … | Date d'émission : …"): the next label
                    // match of the line is tried too.
                    continue;
                }
            }
            let below = || {
                value_below(
                    view,
                    index,
                    line.span_bbox(line.orig(m.start()), after),
                    parse,
                )
            };
            // A label in a table row (several cells) heads a column: its value is the cell
            // below it, whatever else the row below holds.
            let in_table = line.line.cells.len() > 1;
            // A label followed in its cell by a sentence ("à la date d'édition du présent
            // certificat. La preuve …") is a phrase of that sentence, not a label whose value
            // waits below.
            let rest_of_cell = &rest[..cell_end(line, after).saturating_sub(after).min(rest.len())];
            let prose_after = rest_of_cell.chars().filter(|c| c.is_alphabetic()).count()
                > MAX_LETTERS_AFTER_LABEL;
            if in_table
                && !prose_after
                && let Some(found) = below()
            {
                out.push(found);
                break;
            }
            // Prose wraps: a value may start at the end of this line and end on the next.
            // OCR sizes a line from its letters' boxes, so two lines of one paragraph differ
            // by more than a text layer's half point ("(35" against "heures)"); such lines
            // are joined only for a value that starts on the label's line, so that a table's
            // header row ("Total HT   Total TTC") does not read the row below as prose.
            let size_gap = view
                .lines
                .get(index + 1)
                .map_or(f32::MAX, |n| (n.line.size - line.line.size).abs());
            let same_size = size_gap < 0.5;
            let ocr_same_size = line.ocr && size_gap < line.line.size * 0.2;
            if let Some(next) = view.lines.get(index + 1).filter(|n| {
                n.page == line.page
                    && (same_size || ocr_same_size)
                    && line.line.bbox.y0 - n.line.bbox.y1 < line.line.size * 0.8
            }) {
                let joined = format!("{rest} {}", next.text());
                if let Some((value, start, end)) = parse(&joined) {
                    let close = joined[..start]
                        .chars()
                        .filter(|c| c.is_alphabetic())
                        .count()
                        <= 40;
                    let starts_here = start < rest.len();
                    if close && end > rest.len() && (same_size || starts_here) {
                        let mut found = if start > rest.len() {
                            found_at(
                                view,
                                index + 1,
                                value,
                                start - rest.len() - 1,
                                end - rest.len() - 1,
                                0.85,
                            )
                        } else {
                            found_at(view, index, value, after + start, line.text().len(), 0.85)
                        };
                        found.evidence =
                            evidence_of(&format!("{} {}", line.text().trim(), next.text().trim()));
                        out.push(found);
                        break;
                    }
                }
            }
            if !in_table
                && !prose_after
                && let Some(found) = below()
            {
                out.push(found);
                break;
            }
            // A label that ends its line continues on the next one (wrapped prose).
            if rest.trim().chars().all(|c| !c.is_alphanumeric()) {
                if let Some(next) = view.lines.get(index + 1).filter(|n| n.page == line.page) {
                    let head_end = next
                        .text()
                        .char_indices()
                        .nth(40)
                        .map_or(next.text().len(), |(i, _)| i);
                    if let Some((value, start, end)) = parse(&next.text()[..head_end]) {
                        let mut found = found_at(view, index + 1, value, start, end, 0.85);
                        found.evidence =
                            evidence_of(&format!("{} {}", line.text().trim(), next.text().trim()));
                        out.push(found);
                        break;
                    }
                }
            }
        }
    }
    out
}

/// The value on the lines just below a label, in the label's column.
fn value_below<T>(
    view: &DocView<'_>,
    index: usize,
    label_box: BBox,
    parse: Parser<'_, T>,
) -> Option<Found<T>> {
    let label_line = &view.lines[index];
    let reach = label_line.line.size.max(6.0) * 3.2;
    for (below_index, below) in view.lines.iter().enumerate().skip(index + 1).take(4) {
        if below.page != label_line.page || label_line.line.bbox.y0 - below.line.bbox.y1 > reach {
            break;
        }
        for cell in &below.line.cells {
            let overlaps = cell.bbox.x_overlap_ratio(&label_box) > 0.2
                || (cell.bbox.x0 - label_box.x0).abs() < label_line.line.size * 2.0;
            if !overlaps {
                continue;
            }
            if let Some((value, start, end)) = parse(&cell.text) {
                let cell_start = below.text().find(cell.text.as_str()).unwrap_or(0);
                let mut found = found_at(
                    view,
                    below_index,
                    value,
                    cell_start + start,
                    cell_start + end,
                    0.85,
                );
                found.evidence = evidence_of(&format!(
                    "{} {}",
                    label_line.text().trim(),
                    cell.text.trim()
                ));
                return Some(found);
            }
        }
    }
    None
}

/// Compiles a constant pattern (folded text: lower case, no accents).
pub(crate) fn re(pattern: &str) -> Regex {
    #[allow(clippy::expect_used)] // Constant patterns: a failure is a bug caught by every test.
    Regex::new(pattern).expect("constant pattern")
}
