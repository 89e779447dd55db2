//! Positioned text, the common currency of every reader.
//!
//! A PDF text layer yields positioned characters; OCR yields positioned words. Both are turned
//! here into the same [`Page`] of [`Line`]s in reading order, each line split into [`Cell`]s
//! wherever a horizontal gap is wide enough to be a table column or a tab stop. The extractors
//! only ever see this model, so a field read from a scan goes through exactly the same code as
//! one read from a born-digital PDF.
//!
//! Coordinates are PDF points with the origin at the bottom-left of the page (as in PDF user
//! space); OCR readers convert pixels to points before building lines. This crate does no I/O.

use unicode_normalization::UnicodeNormalization;

/// An axis-aligned box in PDF points, origin bottom-left: `x0 <= x1`, `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BBox {
    pub fn union(self, other: BBox) -> BBox {
        BBox {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }

    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    /// Horizontal overlap with `other`, as a fraction of the narrower box (0 when disjoint).
    pub fn x_overlap_ratio(&self, other: &BBox) -> f32 {
        let overlap = self.x1.min(other.x1) - self.x0.max(other.x0);
        let narrow = self.width().min(other.width()).max(0.5);
        (overlap / narrow).max(0.0)
    }
}

/// Where a page's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSource {
    TextLayer,
    Ocr,
}

/// One positioned piece of text as a reader produces it: a single character from a PDF text
/// layer, or a whole word from OCR.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub text: String,
    pub bbox: BBox,
    /// The baseline's y coordinate.
    pub baseline: f32,
    /// Effective font size in points (the glyph's height for OCR).
    pub size: f32,
    /// Reading confidence in `[0, 1]`: 1 for a text layer, the engine's confidence for OCR.
    pub confidence: f32,
}

/// A word: glyphs with no gap between them.
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    pub size: f32,
    pub confidence: f32,
}

/// A run of words on one line separated from its neighbours by a wide gap (a table cell, a
/// tab stop, or the two sides of a "label ........ value" row).
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub bbox: BBox,
}

/// One line of text in reading order.
#[derive(Debug, Clone)]
pub struct Line {
    pub words: Vec<Word>,
    pub cells: Vec<Cell>,
    /// The words joined by single spaces.
    pub text: String,
    pub bbox: BBox,
    /// The largest font size on the line.
    pub size: f32,
    /// The lowest word confidence on the line.
    pub confidence: f32,
}

/// A page's text.
#[derive(Debug, Clone)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    pub width: f32,
    pub height: f32,
    pub lines: Vec<Line>,
    pub source: TextSource,
    /// Ink that is not text: on a scanned page, what OCR saw (handwritten signatures, ticks,
    /// stamps); on a text layer, free-form vector paths and images drawn on the page (a
    /// signature drawn or pasted in a cell), rules and borders left out.
    pub ink: Vec<InkMark>,
}

/// A blob of non-text ink on a page: its box and how much of it is inked, in square
/// points, so that a reader can tell a signed cell from an empty one.
#[derive(Debug, Clone, Copy)]
pub struct InkMark {
    pub bbox: BBox,
    pub area: f32,
}

impl Page {
    /// Number of non-whitespace characters on the page.
    pub fn char_count(&self) -> usize {
        self.lines
            .iter()
            .map(|l| l.text.chars().filter(|c| !c.is_whitespace()).count())
            .sum()
    }
}

/// A whole document's text, page by page.
#[derive(Debug, Clone, Default)]
pub struct DocText {
    pub pages: Vec<Page>,
}

impl DocText {
    /// Every line with its page number, in reading order.
    pub fn lines(&self) -> impl Iterator<Item = (u32, &Line)> {
        self.pages
            .iter()
            .flat_map(|p| p.lines.iter().map(move |l| (p.number, l)))
    }

    /// The plain text, one line per line and a blank line between pages.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for page in &self.pages {
            for line in &page.lines {
                out.push_str(&line.text);
                out.push('\n');
            }
            out.push('\n');
        }
        out
    }
}

/// Gap, as a fraction of the font size, above which two glyphs belong to different words.
const WORD_GAP: f32 = 0.18;
/// Gap, as a fraction of the font size, above which two words belong to different cells.
/// A justified space rarely exceeds 0.6 em; table columns and tab stops are wider.
const CELL_GAP: f32 = 1.2;

/// Normalises text the way extractors expect it: NFKC (ligatures such as "ﬁ" become "fi"),
/// typographic apostrophes and hyphens folded to ASCII, and every kind of space made a plain
/// space. Non-breaking spaces keep their meaning as separators, which is all parsers need.
/// En and em dashes are kept: they are part of titles and names as printed ("Soudure TIG —
/// perfectionnement"), and parsers accept them wherever they accept a hyphen as a separator.
pub fn normalize_text(s: &str) -> String {
    s.nfkc()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' | '`' | '´' => '\'',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2212}' => '-',
            '\u{00A0}' | '\u{202F}' | '\u{2007}' | '\u{2009}' | '\u{200A}' | '\t' => ' ',
            '\u{00AD}' | '\u{200B}' | '\u{FEFF}' => '\0',
            c if c.is_control() => '\0',
            c => c,
        })
        .filter(|c| *c != '\0')
        .collect()
}

/// Sizes further apart than this ratio are a heading and body text, not a line with its
/// superscripts (measured: superscripts 0.58 to 0.7 of their line's size; a real
/// convention's 40-point title merged with its 11-point subtitle at 3.6).
const MAX_JOINED_SIZE_RATIO: f32 = 1.8;

/// Builds a page's lines from positioned glyphs (characters or OCR words), in reading order:
/// top to bottom, then left to right. Glyphs whose baselines lie within a fraction of the font
/// size of each other share a line, so table cells drawn at slightly different heights still
/// read as one row.
pub fn build_lines(mut glyphs: Vec<Glyph>) -> Vec<Line> {
    glyphs.retain(|g| !g.text.is_empty() && g.size.is_finite() && g.size > 0.0);
    if glyphs.is_empty() {
        return Vec::new();
    }
    glyphs.sort_by(|a, b| {
        b.baseline
            .total_cmp(&a.baseline)
            .then(a.bbox.x0.total_cmp(&b.bbox.x0))
    });

    let mut rows: Vec<Vec<Glyph>> = Vec::new();
    let mut row_baseline = f32::NAN;
    let mut row_size = 0.0f32;
    for glyph in glyphs {
        // Glyphs of very different sizes (a 36-point title over an 11-point subtitle) share
        // a line only within the smaller one's reach; a superscript (about 0.6 of its
        // line's size) still joins its line.
        let ratio = row_size.max(glyph.size) / row_size.min(glyph.size).max(0.1);
        let reach = if ratio > MAX_JOINED_SIZE_RATIO {
            row_size.min(glyph.size)
        } else {
            row_size.max(glyph.size)
        };
        let tolerance = 0.45 * reach.min(40.0);
        let joins = rows.last().is_some() && (row_baseline - glyph.baseline).abs() <= tolerance;
        if joins {
            if glyph.size > row_size * 1.5 {
                // A much larger glyph (a heading) is anchored on its own baseline.
                row_baseline = glyph.baseline;
            }
            row_size = row_size.max(glyph.size);
            if let Some(row) = rows.last_mut() {
                row.push(glyph);
            }
        } else {
            row_baseline = glyph.baseline;
            row_size = glyph.size;
            rows.push(vec![glyph]);
        }
    }
    rows.into_iter().filter_map(row_to_line).collect()
}

fn row_to_line(mut row: Vec<Glyph>) -> Option<Line> {
    row.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    let mut words: Vec<Word> = Vec::new();
    let mut gaps_before: Vec<f32> = Vec::new();
    let mut pending_space = false;
    let mut last: Option<(BBox, char)> = None;
    for glyph in row {
        let text = normalize_text(&glyph.text);
        if text.trim().is_empty() {
            pending_space = true;
            continue;
        }
        // Fake bold and shadows draw the same glyph twice at (almost) the same place.
        if let Some((prev, prev_char)) = last {
            if text.chars().count() == 1
                && text.starts_with(prev_char)
                && (glyph.bbox.x0 - prev.x0).abs() < glyph.size * 0.1
            {
                continue;
            }
        }
        let size = glyph.size;
        let gap = last
            .map(|(prev, _)| glyph.bbox.x0 - prev.x1)
            .unwrap_or(f32::MAX);
        let new_word = words.is_empty() || pending_space || gap > WORD_GAP * size;
        if new_word {
            gaps_before.push(if words.is_empty() { 0.0 } else { gap / size });
            words.push(Word {
                text: text.clone(),
                bbox: glyph.bbox,
                size,
                confidence: glyph.confidence,
            });
        } else if let Some(word) = words.last_mut() {
            word.text.push_str(&text);
            word.bbox = word.bbox.union(glyph.bbox);
            word.size = word.size.max(size);
            word.confidence = word.confidence.min(glyph.confidence);
        }
        pending_space = false;
        last = text.chars().last().map(|c| (glyph.bbox, c));
    }
    if words.is_empty() {
        return None;
    }
    let mut cells: Vec<Cell> = Vec::new();
    for (word, gap) in words.iter().zip(&gaps_before) {
        match cells.last_mut() {
            Some(cell) if *gap <= CELL_GAP => {
                cell.text.push(' ');
                cell.text.push_str(&word.text);
                cell.bbox = cell.bbox.union(word.bbox);
            }
            _ => cells.push(Cell {
                text: word.text.clone(),
                bbox: word.bbox,
            }),
        }
    }
    let text = words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let bbox = words
        .iter()
        .skip(1)
        .fold(words[0].bbox, |b, w| b.union(w.bbox));
    let size = words.iter().map(|w| w.size).fold(0.0, f32::max);
    let confidence = words.iter().map(|w| w.confidence).fold(1.0, f32::min);
    Some(Line {
        words,
        cells,
        text,
        bbox,
        size,
        confidence,
    })
}

#[cfg(test)]
mod tests;
