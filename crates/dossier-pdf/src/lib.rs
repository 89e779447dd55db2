//! The PDF text layer, with layout.
//!
//! [`read_text_layer`] opens a PDF from bytes (trying the empty user password that
//! print-protected files use), interprets each page's content stream and returns, per page,
//! the positioned lines of [`dossier_layout`] plus how much of the page images cover, so the
//! caller can decide per page between the text layer and OCR.
//!
//! lopdf's own `extract_text` is not used: it keeps no positions, so table rows and
//! "label ........ value" pairs fall apart. This crate is the only one that links lopdf for
//! reading text; it does no file or network I/O and never panics on malformed input (every
//! failure is a [`PdfError`]).

mod cmap;
mod encoding;
mod font;
mod interpret;

use dossier_layout::{Page, TextSource, build_lines};
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

/// Bounds that keep a hostile PDF from consuming unbounded time or memory.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_pages: usize,
    /// Largest decompressed size of any single stream (content, form, object stream).
    pub max_stream_bytes: usize,
    /// Largest decompressed size of all the pages' contents and images of one document: a
    /// bomb spread over many streams, each under `max_stream_bytes`, stops here.
    pub max_document_bytes: usize,
    pub max_operations_per_page: usize,
    pub max_glyphs_per_page: usize,
    pub max_form_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_pages: 500,
            max_stream_bytes: 64 << 20,
            max_document_bytes: 256 << 20,
            max_operations_per_page: 2_000_000,
            max_glyphs_per_page: 200_000,
            max_form_depth: 12,
        }
    }
}

/// Why a PDF could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the file is not a PDF")]
    NotPdf,
    #[error("the PDF is encrypted and cannot be opened without a password")]
    Encrypted,
    #[error("the PDF is damaged and cannot be opened: {0}")]
    Malformed(String),
    #[error("the PDF has no pages")]
    NoPages,
    #[error("the PDF has {pages} pages, over the limit of {limit}")]
    TooManyPages { pages: usize, limit: usize },
    #[error("the PDF decompresses to more than {limit} bytes")]
    TooMuchData { limit: usize },
}

/// The samples of a page's main image, for OCR.
#[derive(Debug, Clone)]
pub struct PdfImage {
    pub width: u32,
    pub height: u32,
    pub bits_per_component: u8,
    pub components: u8,
    /// DCT (JPEG) bytes rather than raw samples.
    pub jpeg: bool,
    /// `/Decode [1 0]`: dark and light swapped.
    pub inverted: bool,
    pub data: Vec<u8>,
}

/// Why a page's image cannot be handed to OCR.
#[derive(Debug, Clone)]
pub enum PageImage {
    Ready(PdfImage),
    Unsupported(String),
}

/// One page as read from the text layer.
#[derive(Debug, Clone)]
pub struct PdfPage {
    pub page: Page,
    /// Area covered by images over the page area (above ~0.5 the page is likely a scan).
    pub image_coverage: f32,
    pub image_count: usize,
    /// Whether a limit cut the page's interpretation short.
    pub truncated: bool,
    /// Why the page's content could not be decoded (over the decompression limit, corrupt).
    pub content_error: Option<String>,
    /// The page's main image, taken only when the page has (almost) no text.
    pub image: Option<PageImage>,
    /// The most pixels any image of the page declares: rasterising the page decodes them.
    pub max_image_pixels: u64,
}

/// A whole PDF's text layer.
#[derive(Debug, Clone)]
pub struct PdfText {
    pub pages: Vec<PdfPage>,
    /// Whether the file was encrypted and opened with the empty user password.
    pub was_encrypted: bool,
}

/// Whether `bytes` look like a PDF (the header may follow some garbage, as readers allow).
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Opens a PDF from memory within `limits`.
pub fn open(bytes: &[u8], limits: &Limits) -> Result<Document, PdfError> {
    if !looks_like_pdf(bytes) {
        return Err(PdfError::NotPdf);
    }
    let options = LoadOptions {
        max_decompressed_size: Some(limits.max_stream_bytes),
        ..Default::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => PdfError::Encrypted,
        other => PdfError::Malformed(other.to_string()),
    })?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(PdfError::Encrypted);
    }
    Ok(doc)
}

/// Reads the text layer of every page.
pub fn read_text_layer(bytes: &[u8], limits: &Limits) -> Result<PdfText, PdfError> {
    let doc = open(bytes, limits)?;
    let page_ids = doc.get_pages();
    if page_ids.is_empty() {
        return Err(PdfError::NoPages);
    }
    if page_ids.len() > limits.max_pages {
        return Err(PdfError::TooManyPages {
            pages: page_ids.len(),
            limit: limits.max_pages,
        });
    }
    let mut pages = Vec::with_capacity(page_ids.len());
    let mut decoded = 0usize;
    for (number, page_id) in page_ids {
        let (page, bytes) = read_page(&doc, number, page_id, limits);
        decoded = decoded.saturating_add(bytes);
        if decoded > limits.max_document_bytes {
            return Err(PdfError::TooMuchData {
                limit: limits.max_document_bytes,
            });
        }
        pages.push(page);
    }
    Ok(PdfText {
        pages,
        was_encrypted: doc.was_encrypted(),
    })
}

/// One page, and how many bytes its content and image decompressed to.
fn read_page(doc: &Document, number: u32, page_id: ObjectId, limits: &Limits) -> (PdfPage, usize) {
    let media_box = page_attribute(doc, page_id, b"MediaBox")
        .and_then(|o| o.as_array().ok())
        .and_then(|a| {
            let v: Vec<f32> = a.iter().filter_map(|o| o.as_float().ok()).collect();
            (v.len() == 4).then(|| {
                [
                    v[0].min(v[2]),
                    v[1].min(v[3]),
                    v[0].max(v[2]),
                    v[1].max(v[3]),
                ]
            })
        })
        .filter(|b| b[2] - b[0] > 1.0 && b[3] - b[1] > 1.0)
        .unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let (width, height) = (media_box[2] - media_box[0], media_box[3] - media_box[1]);
    let (content, content_error) =
        match doc.get_page_content_with_limit(page_id, limits.max_stream_bytes) {
            Ok(content) => (content, None),
            Err(err) => (Vec::new(), Some(err.to_string())),
        };
    let resources = page_resources(doc, page_id);
    let scan = interpret::Interpreter::new(doc, limits).scan_page(
        &content,
        &resources,
        (media_box[0], media_box[1]),
        width * height,
    );
    let mut page = PdfPage {
        page: Page {
            number,
            width,
            height,
            lines: build_lines(scan.glyphs),
            source: TextSource::TextLayer,
            ink: scan.ink,
        },
        image_coverage: scan.image_coverage,
        image_count: scan.image_count,
        truncated: scan.truncated,
        content_error,
        image: None,
        max_image_pixels: scan.max_image_pixels,
    };
    if page.page.char_count() < TEXT_PAGE_CHARS {
        page.image = scan
            .largest_image
            .map(|(id, _)| page_image(doc, id, limits));
    }
    let image_bytes = match &page.image {
        Some(PageImage::Ready(image)) => image.data.len(),
        _ => 0,
    };
    (page, content.len() + image_bytes)
}

/// A page with fewer text characters than this is a candidate for OCR.
pub const TEXT_PAGE_CHARS: usize = 40;

fn page_image(doc: &Document, id: ObjectId, limits: &Limits) -> PageImage {
    let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
        return PageImage::Unsupported("image introuvable".into());
    };
    let dict = &stream.dict;
    let int = |key: &[u8]| {
        dict.get(key)
            .ok()
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_i64().ok())
    };
    let width = int(b"Width").unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32;
    let height = int(b"Height").unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32;
    let bits = int(b"BitsPerComponent").unwrap_or(8).clamp(1, 16) as u8;
    let mask = dict
        .get(b"ImageMask")
        .ok()
        .and_then(|o| o.as_bool().ok())
        .unwrap_or(false);
    let components = if mask {
        1
    } else {
        match dict
            .get(b"ColorSpace")
            .ok()
            .and_then(|o| doc.dereference(o).ok())
            .map(|(_, o)| o)
        {
            Some(Object::Name(name)) => match name.as_slice() {
                b"DeviceRGB" | b"CalRGB" => 3,
                b"DeviceCMYK" => 4,
                _ => 1,
            },
            Some(Object::Array(items)) => match items.first().and_then(|o| o.as_name().ok()) {
                Some(b"ICCBased") => items
                    .get(1)
                    .and_then(|o| doc.dereference(o).ok())
                    .and_then(|(_, o)| o.as_stream().ok())
                    .and_then(|s| s.dict.get(b"N").ok())
                    .and_then(|n| n.as_i64().ok())
                    .unwrap_or(3) as u8,
                _ => 1,
            },
            _ => 1,
        }
    };
    let inverted = dict
        .get(b"Decode")
        .ok()
        .and_then(|o| o.as_array().ok())
        .and_then(|a| a.first().and_then(|v| v.as_float().ok()))
        .is_some_and(|first| first >= 1.0);
    let filters: Vec<Vec<u8>> = stream
        .filters()
        .map(|f| f.into_iter().map(<[u8]>::to_vec).collect())
        .unwrap_or_default();
    let last = filters.last().map(Vec::as_slice);
    let image = |data: Vec<u8>, jpeg: bool| {
        PageImage::Ready(PdfImage {
            width,
            height,
            bits_per_component: bits,
            components,
            jpeg,
            inverted: inverted || mask,
            data,
        })
    };
    match last {
        Some(b"DCTDecode") if filters.len() == 1 => image(stream.content.clone(), true),
        // Scanners often deflate their JPEG again: inflate (bounded), then decode as JPEG.
        Some(b"DCTDecode") if filters.len() == 2 && filters[0] == b"FlateDecode" => {
            use std::io::Read;
            let mut inflated = Vec::new();
            let reader = flate2::read::ZlibDecoder::new(stream.content.as_slice());
            match reader
                .take(limits.max_stream_bytes as u64)
                .read_to_end(&mut inflated)
            {
                Ok(_) => image(inflated, true),
                Err(err) => PageImage::Unsupported(format!("image non décompressable : {err}")),
            }
        }
        Some(b"DCTDecode") => PageImage::Unsupported("filtres d'image enchaînés".into()),
        Some(b"FlateDecode") | Some(b"LZWDecode") | None => {
            match stream.decompressed_content_with_limit(limits.max_stream_bytes) {
                Ok(data) => image(data, false),
                Err(_) if last.is_none() => image(stream.content.clone(), false),
                Err(err) => PageImage::Unsupported(format!("image non décompressable : {err}")),
            }
        }
        Some(other) => PageImage::Unsupported(format!(
            "image au format {}",
            String::from_utf8_lossy(other)
        )),
    }
}

/// A page attribute, inherited through the page tree when the page itself lacks it.
fn page_attribute<'a>(doc: &'a Document, page_id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page_id).ok()?;
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return doc.dereference(value).ok().map(|(_, o)| o);
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn page_resources(doc: &Document, page_id: ObjectId) -> Vec<&Dictionary> {
    let Ok((inline, ids)) = doc.get_page_resources(page_id) else {
        return Vec::new();
    };
    inline
        .into_iter()
        .chain(ids.into_iter().filter_map(|id| doc.get_dictionary(id).ok()))
        .collect()
}
