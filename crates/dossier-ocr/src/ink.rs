//! Ink that is not text, on a scanned page: what a handwritten signature, a tick or a stamp
//! leaves. A paper sign-in sheet is read by its text (names, dates, half-days), but whether a
//! trainee signed a cell is only in its ink, so the page's non-text ink is reported as blobs
//! beside the lines and the attendance extractor weighs it per cell.
//!
//! The page is reduced to about 150 dpi and thresholded against its local mean (uneven
//! lighting of a phone photo does not turn into ink); printed words tesseract read with
//! confidence are erased (a scribble read as letters keeps a low confidence and stays ink),
//! as are table rules (long straight runs, and the thin straight fragments a noisy or skewed
//! rule breaks into); what remains is grouped into 8-connected blobs, and specks are dropped.

use dossier_layout::{BBox, InkMark};

use crate::{GrayImage, OcrWord, is_rule_artifact};

/// Words read at least this confidently, with letters or digits, are print, not ink.
const PRINT_CONFIDENCE: f32 = 0.75;

/// At most this many blobs per page: a photo of a textured surface must not flood the reader.
const MAX_MARKS: usize = 4_000;

/// A page's non-text ink: its blobs in a reduced copy of the page (`factor` page pixels per
/// pixel), thresholded, with confident print words and table rules erased.
pub(crate) struct NonTextInk {
    blobs: Vec<Blob>,
    factor: usize,
    width: usize,
    height: usize,
}

impl NonTextInk {
    /// Measures the ink of `image` that is not one of `words` nor a table rule.
    pub(crate) fn of(image: &GrayImage, words: &[OcrWord]) -> NonTextInk {
        let factor = if image.width > 1800 { 2usize } else { 1 };
        let (w, h) = (
            image.width as usize / factor,
            image.height as usize / factor,
        );
        let mut found = NonTextInk {
            blobs: Vec::new(),
            factor,
            width: image.width as usize,
            height: image.height as usize,
        };
        if w < 16 || h < 16 || image.pixels.len() < image.width as usize * image.height as usize {
            return found;
        }
        let gray = reduce(image, factor, w, h);
        let mut ink = threshold_local(&gray, w, h);
        erase_words(&mut ink, w, h, words, factor);
        // Table rules: runs longer than about 8 mm at 150 dpi are lines, not handwriting.
        let rule = (48 * 2 / factor.max(1)).max(24);
        erase_runs(&mut ink, w, h, rule);
        found.blobs = blobs(&ink, w, h);
        found
    }

    /// Boxes, in the page's pixels, of the handwriting on a page whose text lines are
    /// `line_height` pixels tall: a signature's scribble is one connected stroke, far wider
    /// than a printed letter (at least 2.5 lines) yet no taller than a few lines, and thin
    /// (at most a third of its box inked), where a photo's halftone or a stamp is a dense
    /// mass. tesseract's layout analysis takes a table row of signatures for a picture and
    /// drops the printed names beside them with it.
    pub(crate) fn handwriting(&self, line_height: f32) -> Vec<(usize, usize, usize, usize)> {
        let factor = self.factor;
        self.blobs
            .iter()
            .filter(|b| {
                let (w, h) = (b.x1 - b.x0 + 1, b.y1 - b.y0 + 1);
                let (width, height) = ((w * factor) as f32, (h * factor) as f32);
                let fill = b.pixels as f32 / (w * h) as f32;
                (line_height * 2.5..=line_height * 15.0).contains(&width)
                    && (line_height * 0.5..=line_height * 4.0).contains(&height)
                    && fill <= 0.35
            })
            .map(|b| {
                (
                    b.x0 * factor,
                    b.y0 * factor,
                    ((b.x1 + 1) * factor).min(self.width),
                    ((b.y1 + 1) * factor).min(self.height),
                )
            })
            .collect()
    }

    /// The blobs as marks on the page, in points: `sx` and `sy` points per page pixel, y up
    /// from the bottom of a page `page_height` points tall.
    pub(crate) fn marks(&self, sx: f32, sy: f32, page_height: f32) -> Vec<InkMark> {
        let scale_x = sx * self.factor as f32;
        let scale_y = sy * self.factor as f32;
        self.blobs
            .iter()
            .map(|b| InkMark {
                bbox: BBox {
                    x0: b.x0 as f32 * scale_x,
                    x1: (b.x1 + 1) as f32 * scale_x,
                    y0: page_height - (b.y1 + 1) as f32 * scale_y,
                    y1: page_height - b.y0 as f32 * scale_y,
                },
                area: b.pixels as f32 * scale_x * scale_y,
            })
            .collect()
    }
}

pub(crate) fn reduce(image: &GrayImage, factor: usize, w: usize, h: usize) -> Vec<u8> {
    if factor == 1 {
        return image.pixels[..w * h].to_vec();
    }
    let stride = image.width as usize;
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let mut sum = 0u32;
            for dy in 0..factor {
                let row = (y * factor + dy) * stride;
                for dx in 0..factor {
                    sum += u32::from(image.pixels[row + x * factor + dx]);
                }
            }
            out.push((sum / (factor * factor) as u32) as u8);
        }
    }
    out
}

/// Ink where a pixel is clearly darker than its neighbourhood (a 31-pixel window).
pub(crate) fn threshold_local(gray: &[u8], w: usize, h: usize) -> Vec<bool> {
    let mut integral = vec![0u64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u64;
        for x in 0..w {
            row += u64::from(gray[y * w + x]);
            integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
        }
    }
    let radius = 15usize;
    let mut ink = vec![false; w * h];
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(radius), (x + radius + 1).min(w));
            let sum = integral[y1 * (w + 1) + x1] + integral[y0 * (w + 1) + x0]
                - integral[y0 * (w + 1) + x1]
                - integral[y1 * (w + 1) + x0];
            let mean = sum as f32 / ((y1 - y0) * (x1 - x0)) as f32;
            let value = f32::from(gray[y * w + x]);
            ink[y * w + x] = value < mean * 0.85 && value < 200.0;
        }
    }
    ink
}

fn erase_words(ink: &mut [bool], w: usize, h: usize, words: &[OcrWord], factor: usize) {
    let f = factor as f32;
    let print = |w: &&OcrWord| {
        w.confidence >= PRINT_CONFIDENCE
            && !is_rule_artifact(w)
            && w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 2
    };
    for word in words.iter().filter(print) {
        let x0 = ((word.left / f) as usize).saturating_sub(1);
        let y0 = ((word.top / f) as usize).saturating_sub(1);
        let x1 = (((word.left + word.width) / f) as usize + 2).min(w);
        let y1 = (((word.top + word.height) / f) as usize + 2).min(h);
        for y in y0..y1 {
            for x in x0..x1 {
                ink[y * w + x] = false;
            }
        }
    }
}

/// Erases horizontal and vertical runs of ink at least `length` long, and the pixels next to
/// them that belong to the same (slightly thick or wavy) rule.
fn erase_runs(ink: &mut [bool], w: usize, h: usize, length: usize) {
    let mut rule = vec![false; w * h];
    for y in 0..h {
        mark_runs(ink, &mut rule, y * w, 1, w, length);
    }
    for x in 0..w {
        mark_runs(ink, &mut rule, x, w, h, length);
    }
    for y in 0..h {
        for x in 0..w {
            if rule[y * w + x] {
                ink[y * w + x] = false;
                // A rule two or three pixels thick leaves fringes one pixel away.
                for (dx, dy) in [(0isize, -1isize), (0, 1), (-1, 0), (1, 0)] {
                    let (nx, ny) = (x as isize + dx, y as isize + dy);
                    if nx >= 0 && ny >= 0 && (nx as usize) < w && (ny as usize) < h {
                        ink[ny as usize * w + nx as usize] = false;
                    }
                }
            }
        }
    }
}

/// Marks in `rule` the runs of ink at least `length` long along one row or column: `count`
/// pixels from index `start`, `step` apart.
fn mark_runs(
    ink: &[bool],
    rule: &mut [bool],
    start: usize,
    step: usize,
    count: usize,
    length: usize,
) {
    let at = |i: usize| start + i * step;
    let mut i = 0;
    while i < count {
        if !ink[at(i)] {
            i += 1;
            continue;
        }
        let first = i;
        while i < count && ink[at(i)] {
            i += 1;
        }
        if i - first >= length {
            for j in first..i {
                rule[at(j)] = true;
            }
        }
    }
}

pub(crate) struct Blob {
    pub(crate) x0: usize,
    pub(crate) y0: usize,
    pub(crate) x1: usize,
    pub(crate) y1: usize,
    pub(crate) pixels: usize,
}

/// 8-connected blobs, specks (less than about 1 mm across or a handful of pixels) dropped.
fn blobs(ink: &[bool], w: usize, h: usize) -> Vec<Blob> {
    components(ink, w, h, MAX_MARKS * 50)
        .into_iter()
        .filter(|b| {
            let (bw, bh) = (b.x1 - b.x0 + 1, b.y1 - b.y0 + 1);
            let span = bw.max(bh);
            let thin_straight = bw.min(bh) <= 3 && span >= 6 * bw.min(bh);
            b.pixels >= 12 && span >= 6 && !thin_straight
        })
        .take(MAX_MARKS)
        .collect()
}

/// Every 8-connected component of ink, up to `limit` of them.
pub(crate) fn components(ink: &[bool], w: usize, h: usize, limit: usize) -> Vec<Blob> {
    let mut seen = vec![false; w * h];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !ink[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut blob = Blob {
            x0: usize::MAX,
            y0: usize::MAX,
            x1: 0,
            y1: 0,
            pixels: 0,
        };
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            blob.x0 = blob.x0.min(x);
            blob.x1 = blob.x1.max(x);
            blob.y0 = blob.y0.min(y);
            blob.y1 = blob.y1.max(y);
            blob.pixels += 1;
            for dy in -1isize..=1 {
                for dx in -1isize..=1 {
                    let (nx, ny) = (x as isize + dx, y as isize + dy);
                    if nx < 0 || ny < 0 || nx as usize >= w || ny as usize >= h {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if ink[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        out.push(blob);
        if out.len() >= limit {
            break;
        }
    }
    out
}
