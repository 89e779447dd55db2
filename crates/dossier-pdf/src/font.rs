//! Fonts as the text layer needs them: how a shown string splits into character codes, what
//! text each code stands for, and how far each code advances.
//!
//! Text comes from the ToUnicode CMap when the font has one, else from the simple font's
//! encoding (base encoding plus Differences). Type0 fonts without ToUnicode cannot be decoded
//! reliably and yield no text, which sends the page to OCR rather than producing garbage.

use lopdf::{Dictionary, Document, Object};

use crate::cmap::ToUnicode;
use crate::encoding::{BaseEncoding, glyph_name_to_char, helvetica_width};

/// Largest ToUnicode stream we decode.
const MAX_CMAP_BYTES: usize = 4 << 20;

#[derive(Debug)]
pub(crate) struct Font {
    composite: bool,
    to_unicode: Option<ToUnicode>,
    encoding: Option<[Option<char>; 256]>,
    /// Advance widths in glyph space (per 1000 em), by code.
    widths: std::collections::HashMap<u32, f32>,
    /// `c_first c_last w` entries of a CID font's W array, kept as ranges.
    width_ranges: Vec<(u32, u32, f32)>,
    default_width: f32,
    /// Glyph space to text space (1/1000 except for Type3 fonts).
    width_scale: f32,
    monospace: bool,
    /// Composite fonts whose codes are Unicode code points (tFPDF-style producers map them
    /// to glyphs with a CIDToGIDMap stream); used only when no usable ToUnicode exists.
    codes_are_unicode: bool,
}

/// One decoded character code.
#[derive(Debug)]
pub(crate) struct DecodedCode {
    pub(crate) text: String,
    /// Advance in text space units (before font size).
    pub(crate) width: f32,
    /// Whether the code is the single-byte space, to which word spacing applies.
    pub(crate) is_space_code: bool,
}

fn number(obj: &Object) -> Option<f32> {
    match obj {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn dict_get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| resolve(doc, o))
}

impl Font {
    pub(crate) fn load(doc: &Document, dict: &Dictionary) -> Font {
        let subtype = dict_get(doc, dict, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        let composite = subtype == b"Type0";
        let base_font = dict_get(doc, dict, b"BaseFont")
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let to_unicode = dict_get(doc, dict, b"ToUnicode")
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| {
                s.decompressed_content_with_limit(MAX_CMAP_BYTES)
                    .ok()
                    .or_else(|| Some(s.content.clone()))
            })
            .map(|data| ToUnicode::parse(&data))
            // An unreadable CMap (seen: left unencrypted in an encrypted file) is no CMap.
            .filter(|cmap| !cmap.is_empty());

        let mut font = Font {
            composite,
            to_unicode,
            encoding: None,
            widths: Default::default(),
            width_ranges: Vec::new(),
            default_width: if composite { 1000.0 } else { 0.0 },
            width_scale: 0.001,
            monospace: base_font.contains("Courier") || base_font.contains("Mono"),
            codes_are_unicode: false,
        };
        if composite {
            font.load_cid_widths(doc, dict);
        } else {
            font.encoding = Some(simple_encoding(doc, dict, subtype));
            font.load_simple_widths(doc, dict);
            if subtype == b"Type3" {
                if let Some(m) = dict_get(doc, dict, b"FontMatrix").and_then(|o| o.as_array().ok())
                {
                    if let Some(a) = m.first().and_then(number) {
                        font.width_scale = a;
                    }
                }
            }
        }
        font
    }

    fn load_simple_widths(&mut self, doc: &Document, dict: &Dictionary) {
        let first = dict_get(doc, dict, b"FirstChar")
            .and_then(number)
            .unwrap_or(0.0)
            .max(0.0) as u32;
        if let Some(widths) = dict_get(doc, dict, b"Widths").and_then(|o| o.as_array().ok()) {
            for (i, w) in widths.iter().take(256).enumerate() {
                if let Some(w) = number(resolve(doc, w)) {
                    self.widths.insert(first + i as u32, w);
                }
            }
        }
        if let Some(missing) = dict_get(doc, dict, b"FontDescriptor")
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| dict_get(doc, d, b"MissingWidth"))
            .and_then(number)
        {
            self.default_width = missing;
        }
    }

    fn load_cid_widths(&mut self, doc: &Document, dict: &Dictionary) {
        let Some(descendant) = dict_get(doc, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_dict().ok())
        else {
            return;
        };
        self.codes_are_unicode = self.to_unicode.is_none()
            && dict_get(doc, descendant, b"CIDToGIDMap").is_some_and(|o| o.as_stream().is_ok());
        if let Some(dw) = dict_get(doc, descendant, b"DW").and_then(number) {
            self.default_width = dw;
        }
        let Some(w) = dict_get(doc, descendant, b"W").and_then(|o| o.as_array().ok()) else {
            return;
        };
        let mut i = 0;
        while i < w.len() && self.widths.len() < 1 << 17 {
            let Some(first) = number(resolve(doc, &w[i])) else {
                break;
            };
            match w.get(i + 1).map(|o| resolve(doc, o)) {
                Some(Object::Array(list)) => {
                    for (k, width) in list.iter().enumerate() {
                        if let Some(width) = number(resolve(doc, width)) {
                            self.widths.insert(first as u32 + k as u32, width);
                        }
                    }
                    i += 2;
                }
                Some(last) => {
                    let (Some(last), Some(width)) = (
                        number(last),
                        w.get(i + 2).and_then(|o| number(resolve(doc, o))),
                    ) else {
                        break;
                    };
                    let span = (last - first).clamp(0.0, 65535.0) as u32;
                    self.width_ranges
                        .push((first as u32, first as u32 + span, width));
                    i += 3;
                }
                None => break,
            }
        }
    }

    /// Splits a shown string into codes and decodes each.
    pub(crate) fn decode(&self, bytes: &[u8]) -> Vec<DecodedCode> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let len = if self.composite {
                self.to_unicode
                    .as_ref()
                    .filter(|c| c.has_codespace())
                    .map(|c| c.code_length(&bytes[i..], 2))
                    .unwrap_or(2)
            } else {
                1
            };
            let end = (i + len).min(bytes.len());
            let code = bytes[i..end]
                .iter()
                .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
            i = end;
            let text = self.text_of(code);
            let explicit = self.widths.get(&code).copied().or_else(|| {
                self.width_ranges
                    .iter()
                    .find(|(lo, hi, _)| (*lo..=*hi).contains(&code))
                    .map(|(_, _, w)| *w)
            });
            let glyph_width = match explicit {
                Some(w) => w,
                None if self.composite => self.default_width,
                None if self.monospace => 600.0,
                None if self.default_width > 0.0 && !self.widths.is_empty() => self.default_width,
                None => text.chars().next().map(helvetica_width).unwrap_or(500.0),
            };
            out.push(DecodedCode {
                text,
                width: glyph_width * self.width_scale,
                is_space_code: len == 1 && code == 32,
            });
        }
        out
    }

    fn text_of(&self, code: u32) -> String {
        if let Some(text) = self.to_unicode.as_ref().and_then(|c| c.lookup(code)) {
            if !text.is_empty() && !text.contains('\u{FFFD}') && !text.chars().all(|c| c == '\0') {
                return text.into_owned();
            }
        }
        if self.codes_are_unicode {
            return char::from_u32(code)
                .filter(|c| !c.is_control())
                .map(String::from)
                .unwrap_or_default();
        }
        match &self.encoding {
            Some(table) if code < 256 => table[code as usize].map(String::from).unwrap_or_default(),
            _ => String::new(),
        }
    }
}

fn simple_encoding(doc: &Document, dict: &Dictionary, subtype: &[u8]) -> [Option<char>; 256] {
    let default_base = if subtype == b"TrueType" {
        BaseEncoding::WinAnsi
    } else {
        BaseEncoding::Standard
    };
    match dict_get(doc, dict, b"Encoding") {
        Some(Object::Name(name)) => BaseEncoding::from_name(name)
            .unwrap_or(BaseEncoding::WinAnsi)
            .table(),
        Some(Object::Dictionary(enc)) => {
            let base = dict_get(doc, enc, b"BaseEncoding")
                .and_then(|o| o.as_name().ok())
                .and_then(BaseEncoding::from_name)
                .unwrap_or(default_base);
            let mut table = base.table();
            if let Some(differences) =
                dict_get(doc, enc, b"Differences").and_then(|o| o.as_array().ok())
            {
                let mut code: usize = 0;
                for item in differences {
                    match resolve(doc, item) {
                        Object::Integer(n) => code = (*n).clamp(0, 255) as usize,
                        Object::Name(name) => {
                            if code < 256 {
                                table[code] = glyph_name_to_char(&String::from_utf8_lossy(name));
                            }
                            code += 1;
                        }
                        _ => {}
                    }
                }
            }
            table
        }
        _ => default_base.table(),
    }
}
