//! The content-stream interpreter: walks a page's operators, tracks the graphics and text
//! state (CTM, text and line matrices, font, size, spacing, scaling, rise) and emits one
//! positioned [`Glyph`] per character code, in page coordinates. Form XObjects are followed
//! with their matrix and resources; image XObjects are only measured (how much of the page
//! they cover), which tells the reader whether a page is a scan.
//!
//! Non-text ink is also collected ([`InkMark`]), as OCR does for scans: free-form vector paths
//! (curves, or polylines of many segments, as a signature drawn with a pen or a tablet is)
//! and image placements smaller than a page. Rules, cell borders, rectangles and paths of a
//! few straight segments are left out: they are the table, not what was written in it.

use std::collections::HashMap;
use std::rc::Rc;

use dossier_layout::{BBox, Glyph, InkMark};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::Limits;
use crate::font::Font;

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(m1: &Matrix, m2: &Matrix) -> Matrix {
    [
        m1[0] * m2[0] + m1[1] * m2[2],
        m1[0] * m2[1] + m1[1] * m2[3],
        m1[2] * m2[0] + m1[3] * m2[2],
        m1[2] * m2[1] + m1[3] * m2[3],
        m1[4] * m2[0] + m1[5] * m2[2] + m2[4],
        m1[4] * m2[1] + m1[5] * m2[3] + m2[5],
    ]
}

fn num(obj: &Object) -> Option<f32> {
    match obj {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn nums<const N: usize>(operands: &[Object]) -> Option<[f32; N]> {
    let mut out = [0.0; N];
    for (slot, obj) in out.iter_mut().zip(operands.iter().rev().take(N).rev()) {
        *slot = num(obj)?;
    }
    (operands.len() >= N).then_some(out)
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    char_spacing: f32,
    word_spacing: f32,
    horizontal_scale: f32,
    leading: f32,
    rise: f32,
    font: Option<Rc<Font>>,
    size: f32,
    line_width: f32,
}

impl GraphicsState {
    fn new(ctm: Matrix) -> GraphicsState {
        GraphicsState {
            ctm,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            font: None,
            size: 0.0,
            line_width: 1.0,
        }
    }
}

/// What interpreting one page produced.
pub(crate) struct PageScan {
    pub(crate) glyphs: Vec<Glyph>,
    /// Sum of image areas over the page area (may exceed 1 with overlapping images).
    pub(crate) image_coverage: f32,
    pub(crate) image_count: usize,
    /// The image XObject covering the most of the page, with its area in square points.
    pub(crate) largest_image: Option<(ObjectId, f32)>,
    /// The most pixels any image of the page declares (Width × Height).
    pub(crate) max_image_pixels: u64,
    /// Whether a limit cut the interpretation short.
    pub(crate) truncated: bool,
    /// Free-form paths and small images drawn on the page (see the module's documentation).
    pub(crate) ink: Vec<InkMark>,
}

/// A path under construction, in page coordinates.
#[derive(Default)]
struct PathState {
    points: Vec<(f32, f32)>,
    /// Length of the segments drawn so far (curves by their control polygon).
    length: f32,
    /// Straight segments and curves.
    segments: usize,
    curves: bool,
    rectangles: bool,
    current: Option<(f32, f32)>,
    start: Option<(f32, f32)>,
    /// Twice the signed area enclosed by the subpaths (shoelace), for fills.
    shoelace: f32,
}

/// Straight segments from which a path without curves is free-form ink rather than a rule, a
/// border, a cross or a slash (a drawn cross has 2, a box 4; a tablet signature's polyline has
/// dozens).
const FREEFORM_SEGMENTS: usize = 8;
/// Share of a page above which a path or an image is a background, a frame or a scanned page,
/// not ink written in a cell.
const BACKGROUND_SHARE: f32 = 0.25;
/// Share of an image's box a signature inks: the photographed sheet's signature blobs cover
/// 17 to 18 % of their boxes (645 pt² in 49 × 71, 457 in 61 × 43, 377 in 69 × 30).
const IMAGE_INK_SHARE: f32 = 0.17;
/// Most ink marks kept per page.
const MAX_INK_MARKS: usize = 20_000;

pub(crate) struct Interpreter<'a> {
    doc: &'a Document,
    limits: &'a Limits,
    fonts: HashMap<usize, Rc<Font>>,
    glyphs: Vec<Glyph>,
    operations: usize,
    image_area: f32,
    image_count: usize,
    largest_image: Option<(ObjectId, f32)>,
    max_image_pixels: u64,
    truncated: bool,
    forms_in_progress: Vec<ObjectId>,
    ink: Vec<InkMark>,
    page_area: f32,
}

fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

/// Looks `name` up in the `category` (Font, XObject) of the first resource dictionary that has it.
fn lookup<'a>(
    doc: &'a Document,
    resources: &[&'a Dictionary],
    category: &[u8],
    name: &[u8],
) -> Option<(Option<ObjectId>, &'a Object)> {
    for res in resources {
        let Some(table) = res
            .get(category)
            .ok()
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_dict().ok())
        else {
            continue;
        };
        if let Ok(entry) = table.get(name) {
            let id = entry.as_reference().ok();
            return Some((id, resolve(doc, entry)));
        }
    }
    None
}

impl<'a> Interpreter<'a> {
    pub(crate) fn new(doc: &'a Document, limits: &'a Limits) -> Interpreter<'a> {
        Interpreter {
            doc,
            limits,
            fonts: HashMap::new(),
            glyphs: Vec::new(),
            operations: 0,
            image_area: 0.0,
            image_count: 0,
            largest_image: None,
            max_image_pixels: 0,
            truncated: false,
            forms_in_progress: Vec::new(),
            ink: Vec::new(),
            page_area: 0.0,
        }
    }

    pub(crate) fn scan_page(
        mut self,
        content: &[u8],
        resources: &[&'a Dictionary],
        origin: (f32, f32),
        page_area: f32,
    ) -> PageScan {
        let ctm = [1.0, 0.0, 0.0, 1.0, -origin.0, -origin.1];
        self.page_area = page_area;
        self.run(content, resources, ctm);
        PageScan {
            glyphs: self.glyphs,
            image_coverage: if page_area > 0.0 {
                self.image_area / page_area
            } else {
                0.0
            },
            image_count: self.image_count,
            largest_image: self.largest_image,
            max_image_pixels: self.max_image_pixels,
            truncated: self.truncated,
            ink: self.ink,
        }
    }

    fn font(&mut self, resources: &[&'a Dictionary], name: &[u8]) -> Option<Rc<Font>> {
        let (id, obj) = lookup(self.doc, resources, b"Font", name)?;
        let dict = obj.as_dict().ok()?;
        let key = id
            .map(|(n, g)| ((n as usize) << 16) | g as usize)
            .unwrap_or(dict as *const Dictionary as usize);
        if let Some(font) = self.fonts.get(&key) {
            return Some(font.clone());
        }
        let font = Rc::new(Font::load(self.doc, dict));
        self.fonts.insert(key, font.clone());
        Some(font)
    }

    fn run(&mut self, content: &[u8], resources: &[&'a Dictionary], ctm: Matrix) {
        let mut gs = GraphicsState::new(ctm);
        let mut stack: Vec<GraphicsState> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut path = PathState::default();
        for op in Content::decode_iter(content) {
            // A syntax error ends the stream; what came before it is kept.
            let Ok(op) = op else { break };
            self.operations += 1;
            if self.operations > self.limits.max_operations_per_page {
                self.truncated = true;
                return;
            }
            let operands = &op.operands;
            match op.operator.as_str() {
                "q" => {
                    if stack.len() < 256 {
                        stack.push(gs.clone());
                    }
                }
                "Q" => {
                    if let Some(saved) = stack.pop() {
                        gs = saved;
                    }
                }
                "cm" => {
                    if let Some(m) = nums::<6>(operands) {
                        gs.ctm = mul(&m, &gs.ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    if let (Some(Object::Name(name)), Some(size)) =
                        (operands.first(), operands.get(1).and_then(num))
                    {
                        gs.font = self.font(resources, name);
                        gs.size = size;
                    }
                }
                "Tc" => {
                    gs.char_spacing = nums::<1>(operands).map(|[v]| v).unwrap_or(gs.char_spacing)
                }
                "Tw" => {
                    gs.word_spacing = nums::<1>(operands).map(|[v]| v).unwrap_or(gs.word_spacing)
                }
                "Tz" => {
                    gs.horizontal_scale = nums::<1>(operands)
                        .map(|[v]| v / 100.0)
                        .unwrap_or(gs.horizontal_scale)
                }
                "TL" => gs.leading = nums::<1>(operands).map(|[v]| v).unwrap_or(gs.leading),
                "Ts" => gs.rise = nums::<1>(operands).map(|[v]| v).unwrap_or(gs.rise),
                "Td" | "TD" => {
                    if let Some([tx, ty]) = nums::<2>(operands) {
                        if op.operator == "TD" {
                            gs.leading = -ty;
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(m) = nums::<6>(operands) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(bytes, _)) = operands.first() {
                        self.show(&gs, &mut tm, bytes);
                    }
                }
                "'" | "\"" => {
                    if op.operator == "\"" {
                        if let Some([aw, ac]) = operands.get(..2).and_then(nums::<2>) {
                            gs.word_spacing = aw;
                            gs.char_spacing = ac;
                        }
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                    if let Some(Object::String(bytes, _)) = operands.last() {
                        self.show(&gs, &mut tm, bytes);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = operands.first() {
                        for item in items {
                            match item {
                                Object::String(bytes, _) => self.show(&gs, &mut tm, bytes),
                                other => {
                                    if let Some(adjust) = num(other) {
                                        let tx = -adjust / 1000.0 * gs.size * gs.horizontal_scale;
                                        tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "w" => {
                    if let Some([w]) = nums::<1>(operands) {
                        gs.line_width = w.abs();
                    }
                }
                "m" | "l" | "c" | "v" | "y" | "re" | "h" => {
                    path.add(op.operator.as_str(), operands, &gs.ctm);
                }
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                    let stroke =
                        matches!(op.operator.as_str(), "S" | "s" | "B" | "B*" | "b" | "b*");
                    let fill = op.operator.as_str() != "S" && op.operator.as_str() != "s";
                    self.paint(&path, &gs, stroke, fill);
                    path = PathState::default();
                }
                "n" => path = PathState::default(),
                "Do" => {
                    if let Some(Object::Name(name)) = operands.first() {
                        self.draw_xobject(resources, name, &gs.ctm);
                    }
                }
                "BI" | "EI" => {
                    self.add_image_area(&gs.ctm);
                    if op.operator == "BI" {
                        self.image_ink(&gs.ctm);
                    }
                }
                _ => {}
            }
        }
    }

    /// Keeps a painted path as ink when it is free-form and smaller than a background.
    fn paint(&mut self, path: &PathState, gs: &GraphicsState, stroke: bool, fill: bool) {
        let freeform = path.curves || path.segments >= FREEFORM_SEGMENTS;
        if !freeform || path.rectangles || self.ink.len() >= MAX_INK_MARKS {
            return;
        }
        let Some(bbox) = bounds(&path.points) else {
            return;
        };
        let box_area = bbox.width().max(0.5) * bbox.height().max(0.5);
        if box_area > self.page_area * BACKGROUND_SHARE {
            return;
        }
        let scale = (gs.ctm[0] * gs.ctm[3] - gs.ctm[1] * gs.ctm[2]).abs().sqrt();
        let mut area = 0.0;
        if stroke {
            area += path.length * (gs.line_width * scale).max(0.5);
        }
        if fill {
            area += (path.shoelace / 2.0).abs();
        }
        let area = area.min(box_area);
        if area.is_finite() && area > 0.0 {
            self.ink.push(InkMark { bbox, area });
        }
    }

    /// Keeps an image placed on the page as ink when it is smaller than a background (a
    /// signature pasted in a cell, a stamp, a logo).
    fn image_ink(&mut self, ctm: &Matrix) {
        let corners =
            [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(x, y)| apply(ctm, x, y));
        let Some(bbox) = bounds(&corners) else { return };
        let box_area = bbox.width() * bbox.height();
        if box_area <= 0.0
            || box_area > self.page_area * BACKGROUND_SHARE
            || self.ink.len() >= MAX_INK_MARKS
        {
            return;
        }
        self.ink.push(InkMark {
            bbox,
            area: box_area * IMAGE_INK_SHARE,
        });
    }

    fn add_image_area(&mut self, ctm: &Matrix) {
        self.image_area += (ctm[0] * ctm[3] - ctm[1] * ctm[2]).abs();
        self.image_count += 1;
    }

    fn draw_xobject(&mut self, resources: &[&'a Dictionary], name: &[u8], ctm: &Matrix) {
        let Some((id, obj)) = lookup(self.doc, resources, b"XObject", name) else {
            return;
        };
        let Ok(stream) = obj.as_stream() else { return };
        match stream.dict.get(b"Subtype").and_then(|o| o.as_name()) {
            Ok(b"Image") => {
                self.add_image_area(ctm);
                self.image_ink(ctm);
                let dimension = |key: &[u8]| {
                    stream
                        .dict
                        .get(key)
                        .ok()
                        .and_then(|o| o.as_i64().ok())
                        .unwrap_or(0)
                        .max(0) as u64
                };
                self.max_image_pixels = self
                    .max_image_pixels
                    .max(dimension(b"Width").saturating_mul(dimension(b"Height")));
                let area = (ctm[0] * ctm[3] - ctm[1] * ctm[2]).abs();
                if let Some(id) = id {
                    if self.largest_image.is_none_or(|(_, a)| area > a) {
                        self.largest_image = Some((id, area));
                    }
                }
            }
            Ok(b"Form") => {
                if self.forms_in_progress.len() >= self.limits.max_form_depth
                    || id.is_some_and(|id| self.forms_in_progress.contains(&id))
                {
                    self.truncated = true;
                    return;
                }
                let Ok(content) = stream
                    .decompressed_content_with_limit(self.limits.max_stream_bytes)
                    .or_else(|_| {
                        if stream.filters().map(|f| f.is_empty()).unwrap_or(true) {
                            Ok(stream.content.clone())
                        } else {
                            Err(())
                        }
                    })
                else {
                    return;
                };
                let matrix = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|o| o.as_array().ok())
                    .and_then(|a| nums::<6>(a))
                    .unwrap_or(IDENTITY);
                let own = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .map(|o| resolve(self.doc, o))
                    .and_then(|o| o.as_dict().ok());
                let mut form_resources: Vec<&'a Dictionary> = own.into_iter().collect();
                form_resources.extend_from_slice(resources);
                self.forms_in_progress.push(id.unwrap_or((0, 0)));
                self.run(&content, &form_resources, mul(&matrix, ctm));
                self.forms_in_progress.pop();
            }
            _ => {}
        }
    }

    fn show(&mut self, gs: &GraphicsState, tm: &mut Matrix, bytes: &[u8]) {
        let Some(font) = gs.font.clone() else { return };
        for code in font.decode(bytes) {
            let m = mul(tm, &gs.ctm);
            let size = gs.size * m[2].hypot(m[3]);
            let x_scale = m[0].hypot(m[1]);
            let upright = m[0] > 0.0 && m[1].abs() <= 0.2 * m[0].abs() && m[3] > 0.0;
            let advance = code.width * gs.size * gs.horizontal_scale;
            if upright
                && size.is_finite()
                && size > 0.5
                && !code.text.is_empty()
                && self.glyphs.len() < self.limits.max_glyphs_per_page
            {
                let x = m[4] + gs.rise * m[2];
                let y = m[5] + gs.rise * m[3];
                let width = (advance * x_scale).max(0.0);
                self.glyphs.push(Glyph {
                    text: code.text,
                    bbox: BBox {
                        x0: x,
                        y0: y - 0.22 * size,
                        x1: x + width,
                        y1: y + 0.78 * size,
                    },
                    baseline: y,
                    size,
                    confidence: 1.0,
                });
            }
            let spacing = gs.char_spacing
                + if code.is_space_code {
                    gs.word_spacing
                } else {
                    0.0
                };
            let tx = advance + spacing * gs.horizontal_scale;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// The box of `points`, when they are finite.
fn bounds(points: &[(f32, f32)]) -> Option<BBox> {
    let mut it = points
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite());
    let &(x, y) = it.next()?;
    let init = BBox {
        x0: x,
        y0: y,
        x1: x,
        y1: y,
    };
    Some(it.fold(init, |b, &(x, y)| BBox {
        x0: b.x0.min(x),
        y0: b.y0.min(y),
        x1: b.x1.max(x),
        y1: b.y1.max(y),
    }))
}

impl PathState {
    /// Most points kept per path: enough for any signature, bounded for hostile streams.
    const MAX_POINTS: usize = 100_000;

    fn add(&mut self, operator: &str, operands: &[Object], ctm: &Matrix) {
        if self.points.len() >= Self::MAX_POINTS {
            return;
        }
        let to = |x: f32, y: f32| apply(ctm, x, y);
        match operator {
            "m" => {
                if let Some([x, y]) = nums::<2>(operands) {
                    let p = to(x, y);
                    self.points.push(p);
                    self.current = Some(p);
                    self.start = Some(p);
                }
            }
            "l" => {
                if let Some([x, y]) = nums::<2>(operands) {
                    self.line_to(to(x, y));
                    self.segments += 1;
                }
            }
            "c" => {
                if let Some([x1, y1, x2, y2, x3, y3]) = nums::<6>(operands) {
                    self.curve_to(&[to(x1, y1), to(x2, y2), to(x3, y3)]);
                }
            }
            "v" | "y" => {
                if let Some([x1, y1, x2, y2]) = nums::<4>(operands) {
                    self.curve_to(&[to(x1, y1), to(x2, y2)]);
                }
            }
            "re" => {
                if let Some([x, y, w, h]) = nums::<4>(operands) {
                    self.rectangles = true;
                    self.points.extend([to(x, y), to(x + w, y + h)]);
                }
            }
            "h" => {
                if let Some(start) = self.start {
                    self.line_to(start);
                }
            }
            _ => {}
        }
    }

    fn line_to(&mut self, p: (f32, f32)) {
        if let Some(c) = self.current {
            self.length += (p.0 - c.0).hypot(p.1 - c.1);
            self.shoelace += c.0 * p.1 - p.0 * c.1;
        }
        self.points.push(p);
        self.current = Some(p);
    }

    fn curve_to(&mut self, controls: &[(f32, f32)]) {
        self.curves = true;
        self.segments += 1;
        for p in controls {
            self.line_to(*p);
        }
    }
}

#[cfg(test)]
mod tests {
    use lopdf::{Stream, dictionary};

    use super::*;

    /// Ink of one page drawn by `content`, with an image XObject `/Im1` available.
    fn ink_of(content: &[u8]) -> Vec<InkMark> {
        let mut doc = Document::with_version("1.5");
        let image = doc.add_object(Stream::new(
            dictionary! {"Type" => "XObject", "Subtype" => "Image", "Width" => 10, "Height" => 10},
            vec![0; 100],
        ));
        let resources = dictionary! {"XObject" => dictionary! {"Im1" => image}};
        let limits = Limits::default();
        Interpreter::new(&doc, &limits)
            .scan_page(content, &[&resources], (0.0, 0.0), 595.0 * 842.0)
            .ink
    }

    #[test]
    fn drawn_and_pasted_signatures_are_ink_and_the_table_is_not() {
        // (what is drawn, whether it is ink)
        let cases: [(&[u8], bool); 7] = [
            (b"0.5 w 50 700 100 20 re S", false),
            (b"50 690 m 150 690 l S", false),
            (b"200 700 m 220 720 l 200 720 m 220 700 l S", false),
            (b"0 0 m 0 842 595 842 595 0 c f", false),
            (
                b"1 w 300 700 m 310 720 320 690 330 710 c 340 730 350 690 360 705 c S",
                true,
            ),
            (
                b"300 700 m 305 710 l 310 700 l 315 712 l 320 701 l 325 709 l 330 700 l 335 711 l 340 703 l S",
                true,
            ),
            (b"q 60 0 0 20 400 700 cm /Im1 Do Q", true),
        ];
        for (content, is_ink) in cases {
            let ink = ink_of(content);
            assert_eq!(
                !ink.is_empty(),
                is_ink,
                "{}: {ink:?}",
                String::from_utf8_lossy(content)
            );
            for mark in ink {
                assert!(mark.area > 0.0 && mark.area <= mark.bbox.width() * mark.bbox.height());
                assert!(mark.bbox.x0 >= 300.0 && mark.bbox.y0 >= 690.0, "{mark:?}");
            }
        }
    }
}
