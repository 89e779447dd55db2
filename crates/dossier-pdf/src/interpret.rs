//! The content-stream interpreter: walks a page's operators, tracks the graphics and text
//! state (CTM, text and line matrices, font, size, spacing, scaling, rise) and emits one
//! positioned [`Glyph`] per character code, in page coordinates. Form XObjects are followed
//! with their matrix and resources; image XObjects are only measured (how much of the page
//! they cover), which tells the reader whether a page is a scan.

use std::collections::HashMap;
use std::rc::Rc;

use dossier_layout::{BBox, Glyph};
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
}

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
                "Do" => {
                    if let Some(Object::Name(name)) = operands.first() {
                        self.draw_xobject(resources, name, &gs.ctm);
                    }
                }
                "BI" | "EI" => {
                    self.add_image_area(&gs.ctm);
                }
                _ => {}
            }
        }
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
