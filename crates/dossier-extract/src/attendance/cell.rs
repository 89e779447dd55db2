//! What one cell's text and ink say: [`Mark::Signed`], [`Mark::Absent`] or
//! [`Mark::Uncertain`], and the sheet's legend that may turn a cross or a dash into an
//! absence.

use std::sync::LazyLock;

use dossier_layout::{BBox, InkMark};
use regex::Regex;

use super::Mark;
use crate::view::{DocView, re};

/// Words and marks of a signature: "signé", "présent", a tick, a signing time.
static SIGNED: LazyLock<Regex> = LazyLock::new(|| {
    re(r"sign|[✓✔☑]|\bpresente?s?\b|\bok\b|\b\d{1,2}\s*[:h]\s*\d{2}\b|\bvalidee?\b")
});
static ABSENT: LazyLock<Regex> =
    LazyLock::new(|| re(r"absen|\babs\b|excuse|\bnon\b|non signe|pas signe|manquant|non present"));

/// A mark that is no signature but says nothing by itself: a cross, a slash, a dash. Folded
/// text: "—" and "–" are "-" in the folded text ([`crate::view::fold`]), "X" is "x".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stroke {
    Cross,
    Slash,
    Dash,
}

impl Stroke {
    /// The stroke a cell's whole (folded) text is, if it is one.
    pub(crate) fn of(folded: &str) -> Option<Stroke> {
        let t = folded.trim();
        if t.is_empty() {
            return None;
        }
        let only = |set: &[char]| t.chars().all(|c| c.is_whitespace() || set.contains(&c));
        if only(&['x', '✗', '✘', '☒', '×', '☓', '╳']) {
            Some(Stroke::Cross)
        } else if only(&['/', '\\']) {
            Some(Stroke::Slash)
        } else if only(&['-', '_', '—', '–', '=']) {
            Some(Stroke::Dash)
        } else {
            None
        }
    }
}

/// The strokes the sheet's own legend says mark an absence ("Légende : X = absent",
/// "— : absence", "absent : /").
#[derive(Debug, Default)]
pub(crate) struct Legend {
    absent: Vec<Stroke>,
}

impl Legend {
    pub(crate) fn of(view: &DocView<'_>) -> Legend {
        const MARK: &str = r"(x|✗|✘|☒|×|/|-|_)";
        const MEANS: &str = r"\s*(?:[:=]|->|→|signifie|indique|pour|correspond a)\s*";
        static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
            re(&format!(
                r"(?:^|[\s;,:\[])(?:\({MARK}\)\s*(?:{MEANS})?|\(?{MARK}\)?{MEANS})(?:absen|abs\b|non signe|non present|excuse)"
            ))
        });
        static AFTER: LazyLock<Regex> = LazyLock::new(|| {
            re(&format!(
                r"(?:absen(?:t|te|ts|tes|ce)|non signe)\s*(?:[:=]|->|→)\s*\(?{MARK}\)?(?:$|[\s);,.\]])"
            ))
        });
        let mut absent = Vec::new();
        for line in &view.lines {
            for regex in [&*BEFORE, &*AFTER] {
                for caps in regex.captures_iter(&line.folded) {
                    let mark = caps.get(1).or_else(|| caps.get(2));
                    if let Some(stroke) = mark.and_then(|m| Stroke::of(m.as_str())) {
                        if !absent.contains(&stroke) {
                            absent.push(stroke);
                        }
                    }
                }
            }
        }
        Legend { absent }
    }

    fn means_absent(&self, stroke: Stroke) -> bool {
        self.absent.contains(&stroke)
    }
}

/// What a cell's text alone says (`None`: no text). A stroke is absent only by the legend;
/// words that are neither a signature nor an absence (initials, a name) are uncertain.
pub(crate) fn text_mark(folded: &str, legend: &Legend) -> Option<Mark> {
    if folded.trim().is_empty() {
        return None;
    }
    if ABSENT.is_match(folded) {
        return Some(Mark::Absent);
    }
    if let Some(stroke) = Stroke::of(folded) {
        return Some(if legend.means_absent(stroke) {
            Mark::Absent
        } else {
            Mark::Uncertain
        });
    }
    if SIGNED.is_match(folded) {
        return Some(Mark::Signed);
    }
    Some(Mark::Uncertain)
}

/// Whether a status text (a list's last column, a line's remainder) says signed or absent,
/// and nothing when it says neither.
pub(crate) fn status_mark(folded: &str, legend: &Legend) -> Option<Mark> {
    match text_mark(folded, legend)? {
        Mark::Uncertain if Stroke::of(folded).is_none() => None,
        mark => Some(mark),
    }
}

/// Whether `folded` holds a signature word or an absence word anywhere.
pub(crate) fn says_signed(folded: &str) -> bool {
    SIGNED.is_match(folded) && !ABSENT.is_match(folded)
}

pub(crate) fn says_absent(folded: &str) -> bool {
    ABSENT.is_match(folded)
}

#[derive(Debug, PartialEq)]
pub(crate) enum InkVerdict {
    Signed,
    Empty,
    Unsure,
}

/// Share of a cell covered by ink above which it is signed, and below which it is empty.
/// Measured on scanned sheets: a signature inks 2 to 15 % of a sheet's cell; scanner noise
/// that survives the OCR's speck filter stays under 0.5 %.
const SIGNED_INK: f32 = 0.015;
const EMPTY_INK: f32 = 0.006;
/// Width, as a share of the cell, the ink must spread over to be a signature rather than a
/// dot or a tick's stub (a signature spans a third of the cell or more on the sheets seen).
const SIGNATURE_SPREAD: f32 = 0.15;

/// Whether the ink inside `cell` looks like a signature: enough of it, and spread over more
/// than a dot. `rows` are the centre lines (y) of the grid's rows: a blob that crosses several
/// of them (signatures touching one another, merged into one blob on a photo) is shared
/// between the rows it crosses, and one that merely reaches into this row without crossing its
/// centre while crossing a neighbour's belongs to that neighbour.
pub(crate) fn ink_in(ink: &[InkMark], cell: &BBox, rows: &[f32]) -> InkVerdict {
    let centre = (cell.y0 + cell.y1) / 2.0;
    let mut area = 0.0f32;
    let mut spread: Option<BBox> = None;
    for mark in ink {
        let b = mark.bbox;
        let w = b.x1.min(cell.x1) - b.x0.max(cell.x0);
        let h = b.y1.min(cell.y1) - b.y0.max(cell.y0);
        if w <= 0.0 || h <= 0.0 {
            continue;
        }
        let crossed = rows.iter().filter(|y| b.y0 <= **y && **y <= b.y1).count();
        let crosses_own = b.y0 <= centre && centre <= b.y1;
        if crossed > 0 && !crosses_own {
            // Overflow of a neighbour's signature.
            continue;
        }
        let inside = if crossed > 1 {
            // Shared between the rows it crosses, this one's part clipped to the cell.
            (w / b.width().max(0.01)).min(1.0) / crossed as f32
        } else {
            ((w * h) / (b.width() * b.height()).max(0.01)).min(1.0)
        };
        area += mark.area * inside;
        let clipped = BBox {
            x0: b.x0.max(cell.x0),
            x1: b.x1.min(cell.x1),
            y0: b.y0.max(cell.y0),
            y1: b.y1.min(cell.y1),
        };
        spread = Some(spread.map_or(clipped, |s| s.union(clipped)));
    }
    let cell_area = (cell.width() * cell.height()).max(1.0);
    let share = area / cell_area;
    let wide = spread.is_some_and(|s| s.width() >= cell.width() * SIGNATURE_SPREAD);
    if share >= SIGNED_INK && wide {
        InkVerdict::Signed
    } else if share < EMPTY_INK {
        InkVerdict::Empty
    } else {
        InkVerdict::Unsure
    }
}
