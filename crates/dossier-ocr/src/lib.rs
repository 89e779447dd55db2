//! OCR of scans and photos, and the only crate that links tesseract.
//!
//! An image (a JPEG, PNG or TIFF upload, or a PDF page's image) becomes a grayscale
//! [`GrayImage`], bounded in pixels before any allocation; its resolution is brought to about
//! 300 dpi, its skew (up to a few degrees, as copiers and phones produce) is measured by
//! projection profiles and corrected, and tesseract reads it in French with automatic page
//! segmentation (PSM 3; the library's default, PSM 6, wrecks tables) under a per-page
//! deadline, once its leader dots are erased ([`leaders`]). A page that reads badly is
//! checked for orientation (tesseract OSD) and read
//! again turned upright. Words come back with boxes and confidences and are turned into the
//! same positioned lines as a PDF text layer ([`dossier_layout`]), so the extractors run
//! unchanged and OCR confidence flows into field confidence; ink that is not text
//! (signatures, ticks) is reported beside the lines ([`ink`]).
//!
//! One engine per thread is kept and reused across pages (initialisation costs ~0.1 s);
//! callers run OCR on blocking threads, one per core, with `OMP_THREAD_LIMIT=1`.

mod deskew;
mod engine;
mod ink;
mod leaders;

use std::cell::RefCell;
use std::io::Cursor;
use std::time::{Duration, Instant};

use dossier_layout::{BBox, Glyph, Page, TextSource, build_lines};
use image::ImageReader;

use crate::engine::{Engine, Mode};
use crate::ink::NonTextInk;

/// A grayscale image, one byte per pixel, row by row.
#[derive(Debug, Clone)]
pub struct GrayImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Bounds on images.
#[derive(Debug, Clone)]
pub struct OcrLimits {
    /// Largest image accepted, in pixels (a 300-dpi A3 page is 17.5 million).
    pub max_pixels: u64,
    /// Longest recognition of one page (a dense 300-dpi page takes 2 to 5 s here).
    pub page_time: Duration,
    /// Most pages read from one multi-page image (TIFF).
    pub max_image_pages: usize,
}

impl Default for OcrLimits {
    fn default() -> OcrLimits {
        OcrLimits {
            max_pixels: 60_000_000,
            page_time: Duration::from_secs(40),
            max_image_pages: 50,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("image de {width} × {height} pixels, au-delà de la limite de {limit} pixels")]
    TooLarge { width: u64, height: u64, limit: u64 },
    #[error("image non décodable : {0}")]
    Decode(String),
    #[error("format d'image non pris en charge : {0}")]
    Unsupported(String),
    #[error("moteur OCR indisponible : {0}")]
    Engine(String),
    #[error("lecture OCR d'une page interrompue après {} s (limite par page)", seconds_in_french(*.0))]
    Timeout(f32),
}

/// Seconds as an adviser reads them: "0,8", not "0.7884409".
fn seconds_in_french(seconds: f32) -> String {
    format!("{seconds:.1}").replace('.', ",")
}

fn check_size(width: u64, height: u64, limits: &OcrLimits) -> Result<(), OcrError> {
    if width == 0 || height == 0 || width.saturating_mul(height) > limits.max_pixels {
        return Err(OcrError::TooLarge {
            width,
            height,
            limit: limits.max_pixels,
        });
    }
    Ok(())
}

/// Decodes a JPEG, PNG or TIFF upload to grayscale, refusing oversized images before
/// decoding them.
pub fn decode_image(bytes: &[u8], limits: &OcrLimits) -> Result<GrayImage, OcrError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| OcrError::Decode(e.to_string()))?;
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| OcrError::Decode(e.to_string()))?;
    check_size(u64::from(width), u64::from(height), limits)?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| OcrError::Decode(e.to_string()))?;
    let mut image_limits = image::Limits::default();
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(4));
    reader.limits(image_limits);
    let decoded = reader
        .decode()
        .map_err(|e| OcrError::Decode(e.to_string()))?;
    let gray = decoded.to_luma8();
    Ok(GrayImage {
        width: gray.width(),
        height: gray.height(),
        pixels: gray.into_raw(),
    })
}

/// The resolution an image file declares (JPEG JFIF density, PNG pHYs, TIFF XResolution), in
/// dots per inch, when it declares a plausible one: a scan's size in inches follows, where
/// guessing an A4 sheet would misjudge a small picture or a cropped receipt.
pub fn declared_dpi(bytes: &[u8]) -> Option<f32> {
    let dpi = if bytes.starts_with(&[0xFF, 0xD8]) {
        jfif_dpi(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_dpi(bytes)
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        tiff_dpi(bytes)
    } else {
        None
    }?;
    (70.0..=1200.0).contains(&dpi).then_some(dpi)
}

fn jfif_dpi(bytes: &[u8]) -> Option<f32> {
    // SOI, then APP0: FF E0, length, "JFIF\0", version (2), units, x density (2), y density.
    let app0 = bytes.get(2..20)?;
    if app0[0] != 0xFF || app0[1] != 0xE0 || &app0[4..9] != b"JFIF\0" {
        return None;
    }
    let density = f32::from(u16::from_be_bytes([app0[12], app0[13]]));
    match app0[11] {
        1 => Some(density),
        2 => Some(density * 2.54),
        _ => None,
    }
}

fn png_dpi(bytes: &[u8]) -> Option<f32> {
    let mut at = 8;
    while at + 12 <= bytes.len() {
        let length = u32::from_be_bytes(bytes[at..at + 4].try_into().ok()?) as usize;
        let kind = &bytes[at + 4..at + 8];
        if kind == b"pHYs" {
            let data = bytes.get(at + 8..at + 17)?;
            let per_metre = u32::from_be_bytes(data[0..4].try_into().ok()?);
            return (data[8] == 1).then_some(per_metre as f32 * 0.0254);
        }
        if kind == b"IDAT" || kind == b"IEND" {
            return None;
        }
        at = at.checked_add(12 + length)?;
    }
    None
}

fn tiff_dpi(bytes: &[u8]) -> Option<f32> {
    use tiff::tags::Tag;
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(bytes)).ok()?;
    let value = decoder.get_tag(Tag::XResolution).ok()?;
    let resolution = match value {
        tiff::decoder::ifd::Value::Rational(n, d) if d != 0 => n as f32 / d as f32,
        other => other.into_f32().ok()?,
    };
    // ResolutionUnit: 2 inch (the default), 3 centimetre.
    match decoder.get_tag_u32(Tag::ResolutionUnit).unwrap_or(2) {
        3 => Some(resolution * 2.54),
        _ => Some(resolution),
    }
}

/// Decodes an image upload into its pages: every frame of a multi-page TIFF (as scanners
/// write multi-page documents), the single picture of a JPEG or PNG.
pub fn decode_pages(bytes: &[u8], limits: &OcrLimits) -> Result<Vec<GrayImage>, OcrError> {
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        match decode_tiff_pages(bytes, limits) {
            Ok(pages) if !pages.is_empty() => return Ok(pages),
            Err(e @ OcrError::TooLarge { .. }) => return Err(e),
            // A TIFF variant the frame reader does not handle may still decode whole.
            _ => {}
        }
    }
    decode_image(bytes, limits).map(|page| vec![page])
}

fn decode_tiff_pages(bytes: &[u8], limits: &OcrLimits) -> Result<Vec<GrayImage>, OcrError> {
    use tiff::decoder::{Decoder, DecodingResult};
    let decode_error = |e: tiff::TiffError| OcrError::Decode(e.to_string());
    let mut tiff_limits = tiff::decoder::Limits::default();
    tiff_limits.decoding_buffer_size =
        usize::try_from(limits.max_pixels.saturating_mul(4)).unwrap_or(usize::MAX);
    let mut decoder = Decoder::new(Cursor::new(bytes))
        .map_err(decode_error)?
        .with_limits(tiff_limits);
    let mut pages = Vec::new();
    loop {
        let (width, height) = decoder.dimensions().map_err(decode_error)?;
        check_size(u64::from(width), u64::from(height), limits)?;
        let colortype = decoder.colortype().map_err(decode_error)?;
        let samples = match colortype {
            tiff::ColorType::Gray(1) => 0,
            tiff::ColorType::Gray(_) => 1,
            tiff::ColorType::GrayA(_) => 2,
            tiff::ColorType::RGB(_) | tiff::ColorType::YCbCr(_) => 3,
            tiff::ColorType::RGBA(_) | tiff::ColorType::CMYK(_) => 4,
            other => return Err(OcrError::Unsupported(format!("TIFF {other:?}"))),
        };
        let cmyk = matches!(colortype, tiff::ColorType::CMYK(_));
        let mut values: Vec<u8> = match decoder.read_image().map_err(decode_error)? {
            DecodingResult::U8(v) => v,
            DecodingResult::U16(v) => v.into_iter().map(|x| (x >> 8) as u8).collect(),
            _ => return Err(OcrError::Unsupported("TIFF en virgule flottante".into())),
        };
        let count = width as usize * height as usize;
        let samples = if samples == 0 {
            // Bilevel (fax, CCITT G4): rows of packed bits. The decoder has already turned
            // a WhiteIsZero page (most fax and G4 scans) into 0 = black, as it does for gray.
            values = unpack_bits(&values, width as usize, height as usize)?;
            1
        } else {
            samples
        };
        if values.len() < count * samples {
            return Err(OcrError::Decode("page TIFF tronquée".into()));
        }
        let pixels = values
            .chunks_exact(samples)
            .take(count)
            .map(|px| match (samples, cmyk) {
                (1 | 2, _) => px[0],
                (_, true) => 255u8.saturating_sub(
                    ((u32::from(px[0]) + u32::from(px[1]) + u32::from(px[2])) / 3
                        + u32::from(px[3]))
                    .min(255) as u8,
                ),
                _ => luma(px[0], px[1], px[2]),
            })
            .collect();
        pages.push(GrayImage {
            width,
            height,
            pixels,
        });
        if pages.len() >= limits.max_image_pages || !decoder.more_images() {
            break;
        }
        decoder.next_image().map_err(decode_error)?;
    }
    Ok(pages)
}

/// Rows of 1-bit samples (1 = white) into one byte per pixel.
fn unpack_bits(data: &[u8], width: usize, height: usize) -> Result<Vec<u8>, OcrError> {
    let row_bytes = width.div_ceil(8);
    if data.len() < row_bytes * height {
        return Err(OcrError::Decode("données d'image tronquées".into()));
    }
    let mut pixels = Vec::with_capacity(width * height);
    for row in data.chunks_exact(row_bytes).take(height) {
        for x in 0..width {
            let bit = (row[x / 8] >> (7 - (x % 8))) & 1;
            pixels.push(if bit == 1 { 255 } else { 0 });
        }
    }
    Ok(pixels)
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

/// Decodes a PDF image XObject's samples: DCT (JPEG) bytes, or raw samples of 1 or 8 bits
/// per component in gray, RGB or CMYK. `inverted` follows a `/Decode [1 0]` array.
pub fn decode_samples(
    data: &[u8],
    jpeg: bool,
    width: u32,
    height: u32,
    bits: u8,
    components: u8,
    inverted: bool,
    limits: &OcrLimits,
) -> Result<GrayImage, OcrError> {
    check_size(u64::from(width), u64::from(height), limits)?;
    if jpeg {
        let image = decode_image(data, limits)?;
        return Ok(image);
    }
    let (w, h) = (width as usize, height as usize);
    let mut pixels = Vec::with_capacity(w * h);
    match (bits, components) {
        (8, n @ (1 | 3 | 4)) => {
            let n = usize::from(n);
            if data.len() < w * h * n {
                return Err(OcrError::Decode("données d'image tronquées".into()));
            }
            for px in data.chunks_exact(n).take(w * h) {
                let value = match n {
                    1 => px[0],
                    3 => luma(px[0], px[1], px[2]),
                    _ => 255u8.saturating_sub(
                        ((u32::from(px[0]) + u32::from(px[1]) + u32::from(px[2])) / 3
                            + u32::from(px[3]))
                        .min(255) as u8,
                    ),
                };
                pixels.push(value);
            }
        }
        (1, 1) => pixels = unpack_bits(data, w, h)?,
        other => {
            return Err(OcrError::Unsupported(format!(
                "{} bits, {} composantes",
                other.0, other.1
            )));
        }
    }
    if inverted {
        for p in &mut pixels {
            *p = 255 - *p;
        }
    }
    Ok(GrayImage {
        width,
        height,
        pixels,
    })
}

thread_local! {
    static RECOGNIZER: RefCell<Option<Engine>> = const { RefCell::new(None) };
    static ORIENTER: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// Runs `work` with this thread's engine of `mode`, creating it on first use.
fn with_engine<T>(
    mode: Mode,
    work: impl FnOnce(&mut Engine) -> Result<T, OcrError>,
) -> Result<T, OcrError> {
    let slot = match mode {
        Mode::Recognize => &RECOGNIZER,
        Mode::Orientation => &ORIENTER,
    };
    slot.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            if std::env::var("OMP_THREAD_LIMIT").as_deref() != Ok("1") {
                tracing::warn!(
                    "OMP_THREAD_LIMIT is not 1: tesseract's OpenMP threads will contend with one another and with the other pages being read"
                );
            }
            *slot = Some(Engine::new(mode)?);
        }
        match slot.as_mut() {
            Some(engine) => work(engine),
            None => Err(OcrError::Engine("moteur non initialisé".into())),
        }
    })
}

/// Scales an image by `factor` (bilinear).
fn resample(image: &GrayImage, factor: f32) -> GrayImage {
    let width = ((image.width as f32) * factor).round().max(1.0) as u32;
    let height = ((image.height as f32) * factor).round().max(1.0) as u32;
    let buffer = image::GrayImage::from_raw(image.width, image.height, image.pixels.clone());
    match buffer {
        Some(buffer) => {
            let resized = image::imageops::resize(
                &buffer,
                width,
                height,
                image::imageops::FilterType::Triangle,
            );
            GrayImage {
                width,
                height,
                pixels: resized.into_raw(),
            }
        }
        None => image.clone(),
    }
}

/// A reading below this share of well-read characters, or with fewer well-read characters
/// than [`POOR_READING_WORDS`], is tried again (even lighting, then upright): an upright
/// page of print scores above 0.8, a page read sideways near 0 (see [`reading_quality`]).
const POOR_READING_QUALITY: f32 = 0.4;
/// Well-read characters below which a reading is tried again: a certificate's or an
/// invoice's first page holds several hundred.
const POOR_READING_WORDS: usize = 40;

/// How much the background estimate is shrunk: one sample per 16×16 pixels keeps a
/// lighting gradient (a copier's lid shadow, a phone's vignette) and loses letters.
const BACKGROUND_SCALE: f32 = 1.0 / 16.0;
/// Radius, in background samples, of the maximum taken so that the estimate is the paper
/// and not the ink (a 12-point heading at 300 dpi spans about three samples).
const BACKGROUND_MAX_RADIUS: i64 = 2;

/// The spread of the paper's brightness (5th to 95th percentile of the background estimate)
/// within which a page counts as lit unevenly. Measured: three copier and office scans of
/// `fixtures/wild` spread 27, 38 and 46 levels; a page rendered from a PDF spreads about 0,
/// and one holding a photograph far more (the photograph is no paper); neither gains from
/// flattening, and retrying them cost a real 41-page programme half as much time again.
const UNEVEN_LIGHTING_SPREAD: std::ops::RangeInclusive<u8> = 16..=120;

/// The page with its lighting made even: each pixel divided by the paper's brightness
/// around it. tesseract's global threshold reads nothing on a page whose grey varies more
/// across the sheet than between ink and paper (a certificate copied under uneven light in
/// `fixtures/wild/scans-copieur` read no word at all, and every word once flattened).
/// `None` when the page is not lit unevenly (see [`UNEVEN_LIGHTING_SPREAD`]).
fn flatten_lighting(image: &GrayImage) -> Option<GrayImage> {
    let small = resample(image, BACKGROUND_SCALE);
    let (w, h) = (i64::from(small.width), i64::from(small.height));
    let mut paper = small.pixels.clone();
    for y in 0..h {
        for x in 0..w {
            let mut brightest = 0u8;
            for dy in -BACKGROUND_MAX_RADIUS..=BACKGROUND_MAX_RADIUS {
                for dx in -BACKGROUND_MAX_RADIUS..=BACKGROUND_MAX_RADIUS {
                    let (sx, sy) = (x + dx, y + dy);
                    if sx >= 0 && sy >= 0 && sx < w && sy < h {
                        let index = usize::try_from(sy * w + sx).unwrap_or(0);
                        brightest = brightest.max(small.pixels.get(index).copied().unwrap_or(0));
                    }
                }
            }
            if let Ok(index) = usize::try_from(y * w + x) {
                if let Some(p) = paper.get_mut(index) {
                    *p = brightest;
                }
            }
        }
    }
    let mut sorted = paper.clone();
    sorted.sort_unstable();
    let percentile = |p: usize| sorted.get(sorted.len() * p / 100).copied().unwrap_or(0);
    if !UNEVEN_LIGHTING_SPREAD.contains(&percentile(95).saturating_sub(percentile(5))) {
        return None;
    }
    let buffer = image::GrayImage::from_raw(small.width, small.height, paper)?;
    let background = image::imageops::resize(
        &buffer,
        image.width,
        image.height,
        image::imageops::FilterType::Triangle,
    );
    let pixels = image
        .pixels
        .iter()
        .zip(background.as_raw())
        .map(|(&p, &b)| {
            let scaled = u32::from(p) * 255 / u32::from(b.max(1));
            u8::try_from(scaled.min(255)).unwrap_or(u8::MAX)
        })
        .collect();
    Some(GrayImage {
        width: image.width,
        height: image.height,
        pixels,
    })
}

/// A word read by tesseract, in the pixels of the image it read.
#[derive(Debug, Clone)]
pub(crate) struct OcrWord {
    pub(crate) text: String,
    pub(crate) left: f32,
    pub(crate) top: f32,
    pub(crate) width: f32,
    pub(crate) height: f32,
    /// 0 to 1.
    pub(crate) confidence: f32,
    /// The font size and baseline of the word's line (pixels): a ":" or a "-" has a tiny box,
    /// and sizing it by its own box would split cells and lines that belong together.
    pub(crate) line_size: f32,
    pub(crate) line_baseline: f32,
    /// tesseract's (block, paragraph, line) of the word.
    pub(crate) line: (u32, u32, u32),
}

/// Below this confidence a "word" is mostly a scribble, a stamp or noise read as letters:
/// it is dropped from the text and its pixels count as ink.
const MIN_WORD_CONFIDENCE: f32 = 0.1;

/// How well a reading went: the share of characters in confident words. An upright page of
/// print scores above 0.8 (a sign-in sheet whose signatures read as letters, above 0.5); a
/// page read upside down or sideways scores near 0.
fn reading_quality(words: &[OcrWord]) -> (f32, usize) {
    let total: usize = words.iter().map(|w| w.text.chars().count()).sum();
    let good: usize = words
        .iter()
        .filter(|w| w.confidence >= 0.75 && w.text.chars().any(char::is_alphanumeric))
        .map(|w| w.text.chars().count())
        .sum();
    if total == 0 {
        return (0.0, 0);
    }
    (good as f32 / total as f32, good)
}

/// Whether most words were read as vertical text: tesseract reads a page turned a quarter
/// well, word by word, but its lines then run down the page.
fn mostly_vertical(words: &[OcrWord]) -> bool {
    let long: Vec<&OcrWord> = words
        .iter()
        .filter(|w| w.confidence >= 0.6 && w.text.chars().count() >= 4)
        .collect();
    let vertical = long.iter().filter(|w| w.height > w.width * 1.5).count();
    !long.is_empty() && vertical * 2 > long.len()
}

/// Rotates by a multiple of 90° clockwise.
fn rotate_quarters(image: &GrayImage, degrees: u32) -> GrayImage {
    let buffer = image::GrayImage::from_raw(image.width, image.height, image.pixels.clone());
    let Some(buffer) = buffer else {
        return image.clone();
    };
    let turned = match degrees % 360 {
        90 => image::imageops::rotate90(&buffer),
        180 => image::imageops::rotate180(&buffer),
        270 => image::imageops::rotate270(&buffer),
        _ => buffer,
    };
    GrayImage {
        width: turned.width(),
        height: turned.height(),
        pixels: turned.into_raw(),
    }
}

fn recognize(image: &GrayImage, dpi: u32, deadline: Instant) -> Result<Vec<OcrWord>, OcrError> {
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        return Err(OcrError::Timeout(0.0));
    }
    let words = with_engine(Mode::Recognize, |engine| {
        engine.recognize_words(image, dpi, remaining)
    })?;
    Ok(words_by_line(words))
}

/// Reads one page image. `page_size` is the page's size in PDF points (for an image upload,
/// the size it would have at the estimated resolution); a page found turned a quarter is
/// reported with its width and height swapped, as it reads.
pub fn ocr_page(
    image: &GrayImage,
    number: u32,
    page_size: (f32, f32),
    limits: &OcrLimits,
) -> Result<Page, OcrError> {
    let started = Instant::now();
    let Reading {
        image,
        words,
        turn,
        quality,
        leaders,
        ink,
    } = read_words(image, page_size, limits)?;
    let (page_width, page_height) = if turn % 180 == 90 {
        (page_size.1, page_size.0)
    } else {
        page_size
    };
    let sx = page_width / image.width as f32;
    let sy = page_height / image.height as f32;
    let ink = ink.marks(sx, sy, page_height);
    let glyphs = words
        .iter()
        .filter(|w| w.confidence >= MIN_WORD_CONFIDENCE && !is_rule_artifact(w))
        .map(|w| {
            let y1 = page_height - w.top * sy;
            let y0 = page_height - (w.top + w.height) * sy;
            let size = (w.line_size * sy).max(1.0);
            Glyph {
                text: w.text.clone(),
                bbox: BBox {
                    x0: w.left * sx,
                    y0,
                    x1: (w.left + w.width) * sx,
                    y1,
                },
                baseline: page_height - w.line_baseline * sy,
                size,
                confidence: w.confidence,
            }
        })
        .collect();
    tracing::debug!(
        page = number,
        quality,
        turned = turn,
        leaders,
        ink_marks = ink.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "page read by OCR"
    );
    Ok(Page {
        number,
        width: page_width,
        height: page_height,
        lines: build_lines(glyphs),
        source: TextSource::Ocr,
        ink,
    })
}

/// The page's words in tesseract's own reading order (blocks, then lines), one line per row:
/// what the OCR recognised, before any layout is rebuilt from positions. For measuring the
/// character error rate against transcriptions made in that order.
pub fn ocr_plain_text(
    image: &GrayImage,
    page_size: (f32, f32),
    limits: &OcrLimits,
) -> Result<String, OcrError> {
    let reading = read_words(image, page_size, limits)?;
    let mut text = String::new();
    let mut line = None;
    for word in reading
        .words
        .iter()
        .filter(|w| w.confidence >= MIN_WORD_CONFIDENCE && !is_rule_artifact(w))
    {
        match line {
            Some(l) if l != word.line => text.push('\n'),
            Some(_) => text.push(' '),
            None => {}
        }
        text.push_str(&word.text);
        line = Some(word.line);
    }
    Ok(text)
}

/// One page read: the image as finally read (turned upright, straightened, leaders erased)
/// and its words, in its pixels.
struct Reading {
    image: GrayImage,
    words: Vec<OcrWord>,
    /// Clockwise quarter turn applied, in degrees.
    turn: u32,
    quality: f32,
    leaders: usize,
    /// The ink that is not one of `words`.
    ink: NonTextInk,
}

fn read_words(
    image: &GrayImage,
    page_size: (f32, f32),
    limits: &OcrLimits,
) -> Result<Reading, OcrError> {
    let deadline = Instant::now() + limits.page_time;
    let (page_width, _) = page_size;
    // Resolution: bring the image to about 300 dpi.
    let dpi = image.width as f32 / (page_width / 72.0).max(0.1);
    let factor = if (200.0..=400.0).contains(&dpi) {
        1.0
    } else {
        (300.0 / dpi).clamp(0.25, 3.0)
    };
    let scaled = if (factor - 1.0).abs() > 0.05 {
        resample(image, factor)
    } else {
        image.clone()
    };
    let dpi = (scaled.width as f32 / (page_width / 72.0).max(0.1)).round() as u32;
    let mut straight = deskew::deskew(&scaled);
    let leaders = leaders::erase_leaders(&mut straight);
    let words = recognize(&straight, dpi, deadline)?;
    let (quality, good) = reading_quality(&words);
    let mut best = (straight, words, 0u32, quality, good);
    // A page that reads badly may be lit unevenly: read it again with its lighting made
    // even, and keep the better reading (the first stands if the second runs out of time).
    if quality < POOR_READING_QUALITY || good < POOR_READING_WORDS {
        if let Some(flat) = flatten_lighting(&best.0) {
            // Out of time, a first reading that read well enough stands; one that read
            // almost nothing is no reading, and the page's timeout says so (it is not cached).
            let words = match recognize(&flat, dpi, deadline) {
                Ok(words) => words,
                Err(timeout) if best.4 < POOR_READING_WORDS => return Err(timeout),
                Err(_) => Vec::new(),
            };
            let (quality, good) = reading_quality(&words);
            tracing::debug!(
                good_before = best.4,
                good,
                "page read again with even lighting"
            );
            if good > best.4 {
                best = (flat, words, 0, quality, good);
            }
        }
    }
    // A page that reads badly may be upside down or sideways (a sheet fed the wrong way, a
    // phone held in landscape): ask OSD, read it again turned upright, keep the better.
    if quality < POOR_READING_QUALITY || good < POOR_READING_WORDS || mostly_vertical(&best.1) {
        let orientation = with_engine(Mode::Orientation, |engine| {
            Ok(engine.orientation(&best.0, dpi))
        })
        .ok()
        .flatten();
        if let Some((degrees, confidence)) = orientation {
            tracing::debug!(degrees, confidence, quality, "page orientation");
            if degrees != 0 && confidence >= 0.5 {
                let turn = (360 - degrees) % 360;
                let mut upright = deskew::deskew(&rotate_quarters(&best.0, turn));
                leaders::erase_leaders(&mut upright);
                let words = recognize(&upright, dpi, deadline)?;
                let (quality, good) = reading_quality(&words);
                // Lines that run down the page are worth nothing to the extractors, however
                // well their words read.
                let worth = |good: usize, words: &[OcrWord]| {
                    if mostly_vertical(words) { 0 } else { good }
                };
                if worth(good, &words) > worth(best.4, &best.1) {
                    best = (upright, words, turn, quality, good);
                }
            }
        }
    }
    let (image, mut words, turn, mut quality, good) = best;
    // Signatures in a table row can make tesseract drop the row's printed names with them
    // (it takes the row for a picture): with handwriting on the page, read it again with the
    // scribbles whited out, and keep that reading if it holds more well-read text. The ink
    // is still measured on the page as it is.
    let mut ink = NonTextInk::of(&image, &words);
    if let Some(line_height) = median_word_height(&words) {
        let scribbles = ink.handwriting(line_height);
        // A page that read almost nothing has no names to lose: a second reading would only
        // cost time (a typewritten page under handwritten notes).
        if scribbles.len() >= 3 && good >= 40 {
            let mut clean = image.clone();
            white_out(&mut clean, &scribbles);
            // The first reading stands if the second one runs out of time.
            let again = recognize(&clean, dpi, deadline).unwrap_or_default();
            let (quality_again, good_again) = reading_quality(&again);
            tracing::debug!(
                scribbles = scribbles.len(),
                good,
                good_again,
                "page read again without its handwriting"
            );
            if good_again > good {
                ink = NonTextInk::of(&image, &again);
                words = again;
                quality = quality_again;
            }
        }
    }
    Ok(Reading {
        image,
        words,
        turn,
        quality,
        leaders,
        ink,
    })
}

/// The median height of the confidently read words of two letters or more, in pixels.
fn median_word_height(words: &[OcrWord]) -> Option<f32> {
    let mut heights: Vec<f32> = words
        .iter()
        .filter(|w| {
            w.confidence >= 0.75 && w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 2
        })
        .map(|w| w.height)
        .collect();
    (!heights.is_empty()).then(|| median(&mut heights))
}

/// Paints the dark pixels of each box white (the page's paper stays as it is).
fn white_out(image: &mut GrayImage, boxes: &[(usize, usize, usize, usize)]) {
    let width = image.width as usize;
    for &(x0, y0, x1, y1) in boxes {
        for y in y0..y1 {
            if let Some(row) = image.pixels.get_mut(y * width + x0..y * width + x1) {
                for pixel in row.iter_mut().filter(|p| **p < 160) {
                    *pixel = 255;
                }
            }
        }
    }
}

/// Table rules read as letters ("|", "[", "_"): tall and thin, or made of bar characters.
fn is_rule_artifact(word: &OcrWord) -> bool {
    word.text
        .chars()
        .all(|c| matches!(c, '|' | '[' | ']' | '{' | '}' | '¦' | '_' | '—' | '='))
        && (word.width < word.height * 0.5 || word.text.chars().count() == 1)
}

/// Gives each of tesseract's words its line's font size (from the median height of the
/// line's confident words of two letters or more, which is about 0.72 em) and baseline (the
/// median bottom of its words).
fn words_by_line(words: Vec<OcrWord>) -> Vec<OcrWord> {
    let mut words: Vec<((u32, u32, u32), OcrWord)> =
        words.into_iter().map(|w| (w.line, w)).collect();
    let mut start = 0;
    while start < words.len() {
        let key = words[start].0;
        let end = words[start..]
            .iter()
            .position(|(k, _)| *k != key)
            .map_or(words.len(), |n| start + n);
        let line = &words[start..end];
        // Confident words only: a scribble read as letters on the same line is taller.
        let mut heights: Vec<f32> = line
            .iter()
            .filter(|(_, w)| {
                w.confidence >= 0.6 && w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 2
            })
            .map(|(_, w)| w.height)
            .collect();
        if heights.is_empty() {
            heights = line.iter().map(|(_, w)| w.height).collect();
        }
        let mut bottoms: Vec<f32> = line.iter().map(|(_, w)| w.top + w.height).collect();
        let size = median(&mut heights) / 0.72;
        let baseline = median(&mut bottoms);
        for (_, word) in &mut words[start..end] {
            word.line_size = size;
            word.line_baseline = baseline;
        }
        start = end;
    }
    words.into_iter().map(|(_, w)| w).collect()
}

/// The lower median (of two values, the smaller).
fn median(values: &mut [f32]) -> f32 {
    values.sort_by(f32::total_cmp);
    values
        .get(values.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0.0)
}

/// Rasterises a whole PDF page (1-based `number`) at about `dpi`, for pages whose text is
/// drawn as several images, image masks (CCITT, JBIG2) or vector paths: hayro, pure Rust.
pub fn rasterize_pdf_page(
    pdf_bytes: &[u8],
    number: u32,
    dpi: f32,
    limits: &OcrLimits,
) -> Result<GrayImage, OcrError> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    let pdf = Pdf::new(pdf_bytes.to_vec()).map_err(|e| OcrError::Decode(format!("{e:?}")))?;
    let pages = pdf.pages();
    let page = pages
        .get(number.saturating_sub(1) as usize)
        .ok_or_else(|| OcrError::Decode("page absente".into()))?;
    let (width, height) = page.render_dimensions();
    // Keep within the pixel budget and the renderer's 16-bit dimensions.
    let mut scale = dpi / 72.0;
    let budget = (limits.max_pixels as f32 / (width * height).max(1.0)).sqrt();
    scale = scale.min(budget).min(16_000.0 / width.max(height).max(1.0));
    if !(scale.is_finite() && scale > 0.05) {
        return Err(OcrError::TooLarge {
            width: width as u64,
            height: height as u64,
            limit: limits.max_pixels,
        });
    }
    let cache = hayro::RenderCache::new();
    let pixmap = hayro::render(
        page,
        &cache,
        &InterpreterSettings::default(),
        &hayro::RenderSettings::default(),
        &hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        },
    );
    let (w, h) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    let rgba = pixmap.data_as_u8_slice();
    let pixels = rgba
        .chunks_exact(4)
        .map(|p| luma(p[0], p[1], p[2]))
        .collect();
    Ok(GrayImage {
        width: w,
        height: h,
        pixels,
    })
}
