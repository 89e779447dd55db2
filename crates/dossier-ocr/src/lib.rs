//! OCR of scans and photos, and the only crate that links tesseract.
//!
//! An image (a JPEG, PNG or TIFF upload, or a PDF page's image) becomes a grayscale
//! [`GrayImage`], bounded in pixels before any allocation; its resolution is brought to about
//! 300 dpi, its skew (up to a few degrees, as copiers and phones produce) is measured by
//! projection profiles and corrected, and tesseract reads it in French with automatic page
//! segmentation and orientation detection (PSM 1; the library's default, PSM 6, wrecks
//! tables). Words come back with boxes and confidences and are turned into the same
//! positioned lines as a PDF text layer ([`dossier_layout`]), so the extractors run unchanged
//! and OCR confidence flows into field confidence.
//!
//! One engine per thread is kept and reused across pages (initialisation costs ~0.1 s);
//! callers run OCR on blocking threads, one per core, with `OMP_THREAD_LIMIT=1`.

mod deskew;

use std::cell::RefCell;
use std::io::Cursor;

use dossier_layout::{BBox, Glyph, Page, TextSource, build_lines};
use image::ImageReader;

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
}

impl Default for OcrLimits {
    fn default() -> OcrLimits {
        OcrLimits {
            max_pixels: 60_000_000,
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
                    3 => {
                        ((u32::from(px[0]) * 299 + u32::from(px[1]) * 587 + u32::from(px[2]) * 114)
                            / 1000) as u8
                    }
                    _ => 255u8.saturating_sub(
                        ((u32::from(px[0]) + u32::from(px[1]) + u32::from(px[2])) / 3
                            + u32::from(px[3]))
                        .min(255) as u8,
                    ),
                };
                pixels.push(value);
            }
        }
        (1, 1) => {
            let row_bytes = w.div_ceil(8);
            if data.len() < row_bytes * h {
                return Err(OcrError::Decode("données d'image tronquées".into()));
            }
            for row in data.chunks_exact(row_bytes).take(h) {
                for x in 0..w {
                    let bit = (row[x / 8] >> (7 - (x % 8))) & 1;
                    pixels.push(if bit == 1 { 255 } else { 0 });
                }
            }
        }
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
    static ENGINE: RefCell<Option<tesseract::Tesseract>> = const { RefCell::new(None) };
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

/// Reads one page image. `page_size` is the page's size in PDF points (for an image upload,
/// the size it would have at the estimated resolution).
pub fn ocr_page(image: &GrayImage, number: u32, page_size: (f32, f32)) -> Result<Page, OcrError> {
    let (page_width, page_height) = page_size;
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
    let dpi = scaled.width as f32 / (page_width / 72.0).max(0.1);
    let straight = deskew::deskew(&scaled);
    let tsv = ENGINE.with(|slot| -> Result<String, OcrError> {
        let mut slot = slot.borrow_mut();
        let engine = match slot.take() {
            Some(engine) => engine,
            None => {
                let mut engine = tesseract::Tesseract::new(None, Some("fra"))
                    .map_err(|e| OcrError::Engine(e.to_string()))?;
                engine.set_page_seg_mode(tesseract::PageSegMode::PsmAutoOsd);
                engine
            }
        };
        let width = i32::try_from(straight.width).map_err(|e| OcrError::Decode(e.to_string()))?;
        let height = i32::try_from(straight.height).map_err(|e| OcrError::Decode(e.to_string()))?;
        let mut engine = engine
            .set_frame(&straight.pixels, width, height, 1, width)
            .map_err(|e| OcrError::Engine(e.to_string()))?
            .set_source_resolution(dpi.round() as i32)
            .recognize()
            .map_err(|e| OcrError::Engine(e.to_string()))?;
        let tsv = engine
            .get_tsv_text(0)
            .map_err(|e| OcrError::Engine(e.to_string()))?;
        *slot = Some(engine);
        Ok(tsv)
    })?;
    let sx = page_width / straight.width as f32;
    let sy = page_height / straight.height as f32;
    let glyphs = words_from_tsv(&tsv, sx, sy, page_height);
    Ok(Page {
        number,
        width: page_width,
        height: page_height,
        lines: build_lines(glyphs),
        source: TextSource::Ocr,
    })
}

/// Tesseract's TSV: level, page, block, paragraph, line, word, left, top, width, height,
/// confidence, text. Word rows (level 5) become glyphs in PDF points.
fn words_from_tsv(tsv: &str, sx: f32, sy: f32, page_height: f32) -> Vec<Glyph> {
    tsv.lines()
        .filter_map(|row| {
            let cols: Vec<&str> = row.split('\t').collect();
            if cols.len() < 12 || cols[0] != "5" {
                return None;
            }
            let num = |i: usize| cols[i].trim().parse::<f32>().ok();
            let (left, top, width, height, conf) = (num(6)?, num(7)?, num(8)?, num(9)?, num(10)?);
            let text = cols[11].trim();
            if text.is_empty() || conf < 0.0 {
                return None;
            }
            let y1 = page_height - top * sy;
            let y0 = page_height - (top + height) * sy;
            let size = (height * sy).max(1.0);
            Some(Glyph {
                text: text.to_string(),
                bbox: BBox {
                    x0: left * sx,
                    y0,
                    x1: (left + width) * sx,
                    y1,
                },
                baseline: y0 + 0.2 * size,
                size,
                confidence: (conf / 100.0).clamp(0.0, 1.0),
            })
        })
        .collect()
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
        .map(|p| {
            ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8
        })
        .collect();
    Ok(GrayImage {
        width: w,
        height: h,
        pixels,
    })
}
