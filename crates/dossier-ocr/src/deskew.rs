//! Skew correction: a 2° tilt wrecks tesseract's table layout analysis (stack notes), so the
//! page is straightened first. The angle is the one, between −4° and +4°, whose horizontal
//! projection of dark pixels is the most contrasted (text lines line up), searched on a
//! reduced image.

use crate::GrayImage;

/// Threshold below which a pixel counts as ink.
const INK: u8 = 128;

fn score(points: &[(f32, f32)], angle: f32, rows: usize) -> f64 {
    let (sin, cos) = angle.to_radians().sin_cos();
    let mut histogram = vec![0u32; rows * 2 + 2];
    for (x, y) in points {
        let rotated = (y * cos - x * sin) as isize + rows as isize;
        if let Some(slot) = usize::try_from(rotated)
            .ok()
            .and_then(|i| histogram.get_mut(i))
        {
            *slot += 1;
        }
    }
    histogram
        .iter()
        .map(|c| f64::from(*c) * f64::from(*c))
        .sum()
}

/// The skew angle in degrees (positive: the text rises to the right).
pub(crate) fn skew_angle(image: &GrayImage) -> f32 {
    let step = (image.width / 800).max(1) as usize;
    let (w, h) = (image.width as usize, image.height as usize);
    let mut points = Vec::new();
    for y in (0..h).step_by(step) {
        for x in (0..w).step_by(step) {
            if image.pixels[y * w + x] < INK {
                points.push(((x / step) as f32, (y / step) as f32));
            }
        }
    }
    if points.len() < 200 || points.len() > 2_000_000 {
        return 0.0;
    }
    let rows = h / step + 1;
    let mut best = (0.0f32, score(&points, 0.0, rows));
    let mut angle = -4.0f32;
    while angle <= 4.0 {
        let s = score(&points, angle, rows);
        if s > best.1 {
            best = (angle, s);
        }
        angle += 0.25;
    }
    // Refine around the best coarse angle.
    let coarse = best.0;
    let mut angle = coarse - 0.25;
    while angle <= coarse + 0.25 {
        let s = score(&points, angle, rows);
        if s > best.1 {
            best = (angle, s);
        }
        angle += 0.05;
    }
    best.0
}

/// Rotates the image by the measured skew (white background), when it is worth it.
pub(crate) fn deskew(image: &GrayImage) -> GrayImage {
    let angle = skew_angle(image);
    if angle.abs() < 0.5 {
        return image.clone();
    }
    tracing::debug!(angle, "deskewing");
    rotate(image, -angle)
}

fn rotate(image: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = (image.width as usize, image.height as usize);
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut out = vec![255u8; w * h];
    for y in 0..h {
        let dy = y as f32 - cy;
        for x in 0..w {
            let dx = x as f32 - cx;
            // Inverse mapping: where in the source does this destination pixel come from.
            let sx = cos * dx + sin * dy + cx;
            let sy = -sin * dx + cos * dy + cy;
            // Bilinear: nearest-neighbour rotation leaves stair-stepped strokes that cost
            // tesseract small and bold print.
            if sx >= 0.0 && sy >= 0.0 && sx < (w - 1) as f32 && sy < (h - 1) as f32 {
                let (x0, y0) = (sx as usize, sy as usize);
                let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
                let at = |xx: usize, yy: usize| f32::from(image.pixels[yy * w + xx]);
                let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
                let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
                out[y * w + x] = (top * (1.0 - fy) + bottom * fy).round() as u8;
            }
        }
    }
    GrayImage {
        width: image.width,
        height: image.height,
        pixels: out,
    }
}
