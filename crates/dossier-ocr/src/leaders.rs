//! Leader dots ("Total HT .............. 1 234,00 €"), erased before recognition. French
//! quotes and invoices are full of them, and tesseract reads a row of dots as a string of
//! letters that swallows the label beside it ("Total hors taxes ....." came back as "RP Ve"
//! from a phone photo), so the amount loses its label. A dot is a small, compact blob; a row
//! of at least eight of them, evenly spaced on one baseline, is a leader and is painted white.

use crate::GrayImage;
use crate::ink::{Blob, components, reduce, threshold_local};

/// Fewest dots in a row that make a leader (an ellipsis has three; the dots of the i's of a
/// line of text are rarely eight evenly spaced in a row).
const MIN_DOTS: usize = 8;

/// Erases leader dots in place; returns how many leaders were erased.
pub(crate) fn erase_leaders(image: &mut GrayImage) -> usize {
    let factor = if image.width > 1800 { 2usize } else { 1 };
    let (w, h) = (
        image.width as usize / factor,
        image.height as usize / factor,
    );
    if w < 16 || h < 16 || image.pixels.len() < image.width as usize * image.height as usize {
        return 0;
    }
    let gray = reduce(image, factor, w, h);
    let ink = threshold_local(&gray, w, h);
    // At about 150 dpi a printed full stop is 2 to 5 pixels across.
    let mut dots: Vec<Blob> = components(&ink, w, h, 400_000)
        .into_iter()
        .filter(|b| {
            let (bw, bh) = (b.x1 - b.x0 + 1, b.y1 - b.y0 + 1);
            bw <= 5 && bh <= 5 && bw * 2 >= bh && bh * 2 >= bw
        })
        .collect();
    dots.sort_by_key(|b| (b.y0 + b.y1, b.x0));
    // Dots by bottom row, each row's sorted by left edge, to find a dot's right neighbour
    // without scanning them all.
    let mut rows: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for (i, d) in dots.iter().enumerate() {
        rows.entry(d.y1).or_default().push(i);
    }
    for row in rows.values_mut() {
        row.sort_by_key(|&i| dots[i].x0);
    }
    // Chain dots left to right: same baseline (within 2 px), gap of 1 to 10 px, spacing
    // regular (within 1 px of the chain's first gap).
    let mut used = vec![false; dots.len()];
    let mut leaders = 0;
    let stride = image.width as usize;
    for start in 0..dots.len() {
        if used[start] {
            continue;
        }
        let mut chain = vec![start];
        let mut spacing: Option<usize> = None;
        while let Some(&last) = chain.last() {
            let (lx, ly) = (dots[last].x1, dots[last].y1);
            let next = (ly.saturating_sub(2)..=ly + 2)
                .filter_map(|y| rows.get(&y))
                .filter_map(|row| {
                    let from = row.partition_point(|&j| dots[j].x0 <= lx);
                    row[from..]
                        .iter()
                        .copied()
                        .find(|&j| !used[j])
                        .filter(|&j| dots[j].x0 - lx <= 10)
                })
                .min_by_key(|&j| dots[j].x0);
            let Some(next) = next else { break };
            let gap = dots[next].x0 - lx;
            if spacing.is_some_and(|s| s.abs_diff(gap) > 1) {
                break;
            }
            spacing.get_or_insert(gap);
            chain.push(next);
        }
        if chain.len() < MIN_DOTS {
            continue;
        }
        leaders += 1;
        for &i in &chain {
            used[i] = true;
            let d = &dots[i];
            let x0 = (d.x0 * factor).saturating_sub(1);
            let y0 = (d.y0 * factor).saturating_sub(1);
            let x1 = ((d.x1 + 1) * factor + 1).min(image.width as usize);
            let y1 = ((d.y1 + 1) * factor + 1).min(image.height as usize);
            for y in y0..y1 {
                image.pixels[y * stride + x0..y * stride + x1].fill(255);
            }
        }
    }
    leaders
}
