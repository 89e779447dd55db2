//! Reading one document: sniff the content, read its text, classify and extract.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use dossier_contract::{DocumentKind, DocumentReport, Fields, TextSource};
use dossier_layout::DocText;
use dossier_pdf::{Limits, PdfError};
use sha2::{Digest, Sha256};

/// Bounds on reading one document.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub pdf: Limits,
    pub ocr: dossier_ocr::OcrLimits,
    /// Largest upload accepted, in bytes.
    pub max_file_bytes: usize,
    /// Wall-clock budget for reading one document; OCR stops at it (each page is also bounded
    /// by `ocr.page_time`).
    pub document_time: Duration,
    /// Whether a page without a text layer may be read by OCR. Without, such a document is
    /// `unreadable` with the reason [`NEEDS_OCR`] (never a final reading): the verdict
    /// worker reads text itself and leaves OCR to the extract worker.
    pub ocr_allowed: bool,
}

/// The reason of a reading stopped where OCR was needed and not allowed
/// ([`ReadOptions::ocr_allowed`]).
pub const NEEDS_OCR: &str = "lecture OCR nécessaire, non faite ici";

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            pdf: Limits::default(),
            ocr: dossier_ocr::OcrLimits::default(),
            max_file_bytes: 64 << 20,
            document_time: Duration::from_secs(120),
            ocr_allowed: true,
        }
    }
}

/// A page with fewer non-space characters than this carries no usable text layer.
const MIN_TEXT_CHARS: usize = 40;

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The MIME type from the leading bytes, not from the name.
pub fn detect_content_type(bytes: &[u8]) -> &'static str {
    if dossier_pdf::looks_like_pdf(bytes) {
        "application/pdf"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        "image/tiff"
    } else {
        "application/octet-stream"
    }
}

fn unreadable_with(
    id: &str,
    file: &str,
    declared: Option<DocumentKind>,
    sha256: String,
    pages: u32,
    reason: String,
) -> DocumentReport {
    DocumentReport {
        document_id: id.to_string(),
        file: file.to_string(),
        declared_kind: declared,
        kind: DocumentKind::Unreadable,
        kind_confidence: 1.0,
        pages,
        text_source: None,
        ocr_pages: 0,
        fields: Fields::default(),
        reason: Some(reason),
        sha256: Some(sha256),
        internal_error: false,
    }
}

/// The report of a document the service failed to read because of its own fault (a bug
/// caught at the document boundary): `unreadable`, marked as internal so no rule blames the
/// upload.
fn internal_failure(
    id: &str,
    file: &str,
    declared: Option<DocumentKind>,
    sha256: String,
    pages: u32,
    reason: String,
) -> DocumentReport {
    let mut report = unreadable_with(id, file, declared, sha256, pages, reason);
    report.internal_error = true;
    report
}

/// The report of a document whose bytes could not be obtained (absent, refused path).
pub fn unreadable(
    id: &str,
    file: &str,
    declared: Option<DocumentKind>,
    reason: String,
) -> DocumentReport {
    let mut report = unreadable_with(id, file, declared, String::new(), 0, reason);
    report.sha256 = None;
    report
}

/// Reads one uploaded document. Never panics; every failure is an `unreadable` report.
pub fn read_document(
    document_id: &str,
    file: &str,
    declared_kind: Option<DocumentKind>,
    bytes: &[u8],
    options: &ReadOptions,
) -> DocumentReport {
    let span = tracing::info_span!("read_document", document_id, file);
    let _entered = span.enter();
    let sha256 = sha256_hex(bytes);
    if bytes.is_empty() {
        return unreadable_with(
            document_id,
            file,
            declared_kind,
            sha256,
            0,
            "le fichier est vide".into(),
        );
    }
    if bytes.len() > options.max_file_bytes {
        let reason = format!(
            "le fichier dépasse la taille maximale ({} Mo)",
            options.max_file_bytes >> 20
        );
        return unreadable_with(document_id, file, declared_kind, sha256, 0, reason);
    }
    let budget = Budget::new(options);
    let outcome = catch_unwind(AssertUnwindSafe(|| read_content(bytes, options, &budget)));
    let (text, source) = match outcome {
        Ok(Ok(read)) => read,
        Ok(Err((reason, pages))) => {
            tracing::info!(reason, "document unreadable");
            return unreadable_with(document_id, file, declared_kind, sha256, pages, reason);
        }
        Err(_) => {
            tracing::error!("panic while reading a document");
            return internal_failure(
                document_id,
                file,
                declared_kind,
                sha256,
                0,
                "erreur interne pendant la lecture du document".into(),
            );
        }
    };
    let pages = text.pages.len() as u32;
    let ocr_pages = text
        .pages
        .iter()
        .filter(|p| p.source == dossier_layout::TextSource::Ocr)
        .count() as u32;
    let extraction = match catch_unwind(AssertUnwindSafe(|| dossier_extract::extract(&text))) {
        Ok(extraction) => extraction,
        Err(_) => {
            tracing::error!("panic while extracting fields");
            return internal_failure(
                document_id,
                file,
                declared_kind,
                sha256,
                pages,
                "erreur interne pendant l'analyse du document".into(),
            );
        }
    };
    tracing::debug!(
        kind = extraction.kind.as_str(),
        confidence = extraction.kind_confidence,
        "document read"
    );
    DocumentReport {
        document_id: document_id.to_string(),
        file: file.to_string(),
        declared_kind,
        kind: extraction.kind,
        kind_confidence: extraction.kind_confidence,
        pages,
        text_source: Some(source),
        ocr_pages,
        fields: extraction.fields,
        reason: None,
        sha256: Some(sha256),
        internal_error: false,
    }
}

type ReadFailure = (String, u32);

/// The text of a document as the extractors see it (text layer or OCR, page by page), for
/// showing what was read; the same reading as [`read_document`], without extraction.
pub fn read_text(bytes: &[u8], options: &ReadOptions) -> Result<DocText, String> {
    let budget = Budget::new(options);
    match catch_unwind(AssertUnwindSafe(|| read_content(bytes, options, &budget))) {
        Ok(Ok((text, _))) => Ok(text),
        Ok(Err((reason, _))) => Err(reason),
        Err(_) => Err("erreur interne pendant la lecture du document".into()),
    }
}

/// The time left for one document, and the OCR limits of its next page within it.
struct Budget {
    deadline: Instant,
    total: Duration,
    ocr: dossier_ocr::OcrLimits,
}

impl Budget {
    fn new(options: &ReadOptions) -> Budget {
        Budget {
            deadline: Instant::now() + options.document_time,
            total: options.document_time,
            ocr: options.ocr.clone(),
        }
    }

    /// OCR limits for the next page: its own time limit, cut to what is left of the
    /// document's budget; an error once that budget is spent.
    fn next_page(&self) -> Result<dossier_ocr::OcrLimits, PageFailure> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(PageFailure::OutOfTime(format!(
                "lecture interrompue : budget de {} s par document épuisé",
                self.total.as_secs()
            )));
        }
        let mut limits = self.ocr.clone();
        limits.page_time = limits.page_time.min(left);
        Ok(limits)
    }
}

/// Why a page could not be read by OCR. Out of time ends the document's OCR: a page that
/// timed out is not tried a second way.
enum PageFailure {
    OutOfTime(String),
    Unreadable(String),
}

impl From<dossier_ocr::OcrError> for PageFailure {
    fn from(error: dossier_ocr::OcrError) -> PageFailure {
        match error {
            dossier_ocr::OcrError::Timeout(_) => PageFailure::OutOfTime(error.to_string()),
            other => PageFailure::Unreadable(other.to_string()),
        }
    }
}

impl PageFailure {
    fn reason(self) -> String {
        match self {
            PageFailure::OutOfTime(why) | PageFailure::Unreadable(why) => why,
        }
    }
}

fn read_content(
    bytes: &[u8],
    options: &ReadOptions,
    budget: &Budget,
) -> Result<(DocText, TextSource), ReadFailure> {
    match detect_content_type(bytes) {
        "application/pdf" => read_pdf(bytes, options, budget),
        "image/jpeg" | "image/png" | "image/tiff" => read_image(bytes, options, budget),
        _ => Err((
            "format non pris en charge (ni PDF, ni JPEG, PNG ou TIFF)".into(),
            0,
        )),
    }
}

/// The size in points of a scanned or photographed page: from its declared resolution; a
/// photo declares none (or a meaningless 72 dpi) and is taken for an A4 sheet across its width.
fn image_page_size(image: &dossier_ocr::GrayImage, dpi: Option<f32>) -> (f32, f32) {
    match dpi.filter(|d| *d >= 100.0) {
        Some(dpi) => (
            image.width as f32 * 72.0 / dpi,
            image.height as f32 * 72.0 / dpi,
        ),
        None => {
            let width = if image.height >= image.width {
                595.0
            } else {
                842.0
            };
            (
                width,
                width * image.height as f32 / image.width.max(1) as f32,
            )
        }
    }
}

/// The text OCR recognises on an image upload, page by page in tesseract's reading order
/// (pages separated by a form feed), for measuring recognition against transcriptions.
pub fn image_plain_text(bytes: &[u8], options: &ReadOptions) -> Result<String, String> {
    let images = dossier_ocr::decode_pages(bytes, &options.ocr).map_err(|e| e.to_string())?;
    let dpi = dossier_ocr::declared_dpi(bytes);
    let mut pages = Vec::with_capacity(images.len());
    for image in &images {
        let text = dossier_ocr::ocr_plain_text(image, image_page_size(image, dpi), &options.ocr)
            .map_err(|e| e.to_string())?;
        pages.push(text);
    }
    Ok(pages.join("\n\u{c}\n"))
}

/// A photo or scan upload (a multi-page TIFF too): each picture is a page, sized by its
/// declared resolution, or as an A4 sheet in its orientation.
fn read_image(
    bytes: &[u8],
    options: &ReadOptions,
    budget: &Budget,
) -> Result<(DocText, TextSource), ReadFailure> {
    if !options.ocr_allowed {
        return Err((NEEDS_OCR.into(), 1));
    }
    let images = dossier_ocr::decode_pages(bytes, &options.ocr).map_err(|e| (e.to_string(), 1))?;
    let count = images.len() as u32;
    let dpi = dossier_ocr::declared_dpi(bytes);
    let mut pages = Vec::with_capacity(images.len());
    let mut failure = None;
    for (image, number) in images.iter().zip(1u32..) {
        let (width, height) = image_page_size(image, dpi);
        let read = budget.next_page().and_then(|limits| {
            dossier_ocr::ocr_page(image, number, (width, height), &limits)
                .map_err(PageFailure::from)
        });
        match read {
            Ok(page) => pages.push(page),
            Err(why) => {
                failure.get_or_insert(why.reason());
            }
        }
    }
    if pages
        .iter()
        .map(dossier_layout::Page::char_count)
        .sum::<usize>()
        < MIN_TEXT_CHARS
    {
        let reason = failure.unwrap_or_else(|| "aucun texte lisible sur l'image".into());
        return Err((reason, count));
    }
    Ok((DocText { pages }, TextSource::Ocr))
}

/// OCR of a PDF page that carries an image instead of text.
fn ocr_pdf_page(
    page: &dossier_pdf::PdfPage,
    options: &ReadOptions,
    budget: &Budget,
) -> Result<dossier_layout::Page, PageFailure> {
    let image = match &page.image {
        Some(dossier_pdf::PageImage::Ready(image)) => image,
        Some(dossier_pdf::PageImage::Unsupported(why)) => {
            return Err(PageFailure::Unreadable(why.clone()));
        }
        None => return Err(PageFailure::Unreadable("page sans texte ni image".into())),
    };
    let gray = dossier_ocr::decode_samples(
        &image.data,
        image.jpeg,
        image.width,
        image.height,
        image.bits_per_component,
        image.components,
        image.inverted,
        &options.ocr,
    )?;
    ocr_at_page_size(&gray, page, &budget.next_page()?)
}

/// OCR of a page image, positioned in the PDF page's own size.
fn ocr_at_page_size(
    gray: &dossier_ocr::GrayImage,
    page: &dossier_pdf::PdfPage,
    limits: &dossier_ocr::OcrLimits,
) -> Result<dossier_layout::Page, PageFailure> {
    Ok(dossier_ocr::ocr_page(
        gray,
        page.page.number,
        (page.page.width, page.page.height),
        limits,
    )?)
}

fn read_pdf(
    bytes: &[u8],
    options: &ReadOptions,
    budget: &Budget,
) -> Result<(DocText, TextSource), ReadFailure> {
    let pdf = dossier_pdf::read_text_layer(bytes, &options.pdf).map_err(|e| {
        let reason = match &e {
            PdfError::Encrypted => {
                "PDF chiffré (encrypted) : ouverture impossible sans mot de passe".to_string()
            }
            PdfError::NotPdf => "le fichier n'est pas un PDF".to_string(),
            PdfError::Malformed(detail) => format!("PDF endommagé ou tronqué : {detail}"),
            PdfError::NoPages => "le PDF ne contient aucune page".to_string(),
            PdfError::TooMuchData { limit } => format!(
                "le PDF dépasse {} Mo une fois décompressé (bombe de décompression ?)",
                limit >> 20
            ),
            PdfError::TooManyPages { pages, limit } => {
                format!("le PDF compte {pages} pages, au-delà de la limite de {limit}")
            }
        };
        (reason, 0)
    })?;
    let page_count = pdf.pages.len() as u32;
    // Per page: the text layer when it carries text, OCR when it carries an image instead.
    let mut pages = Vec::with_capacity(pdf.pages.len());
    let (mut text_pages, mut ocr_pages) = (0, 0);
    let mut ocr_failure: Option<String> = None;
    for page in &pdf.pages {
        if page.page.char_count() >= MIN_TEXT_CHARS {
            text_pages += 1;
            pages.push(page.page.clone());
            continue;
        }
        if page.image_count == 0 {
            pages.push(page.page.clone());
            continue;
        }
        if !options.ocr_allowed {
            return Err((NEEDS_OCR.into(), page_count));
        }
        // One image: OCR its samples directly. Several images, image masks or an unsupported
        // filter: rasterise the whole page first.
        let direct = if page.image_count == 1 {
            Some(ocr_pdf_page(page, options, budget))
        } else {
            None
        };
        let read = match direct {
            Some(Ok(read)) if read.char_count() >= MIN_TEXT_CHARS => Ok(read),
            // Rasterising decodes every image of the page: refuse oversized ones first.
            _ if page.max_image_pixels > options.ocr.max_pixels => {
                Err(PageFailure::Unreadable(format!(
                    "image de {} millions de pixels, au-delà de la limite de {} millions",
                    page.max_image_pixels / 1_000_000,
                    options.ocr.max_pixels / 1_000_000
                )))
            }
            Some(Err(PageFailure::OutOfTime(why))) => Err(PageFailure::OutOfTime(why)),
            _ => budget.next_page().and_then(|limits| {
                let gray =
                    dossier_ocr::rasterize_pdf_page(bytes, page.page.number, 300.0, &limits)?;
                ocr_at_page_size(&gray, page, &limits)
            }),
        };
        match read {
            Ok(read) if read.char_count() >= MIN_TEXT_CHARS => {
                ocr_pages += 1;
                pages.push(read);
            }
            Ok(_) => pages.push(page.page.clone()),
            Err(why) => {
                ocr_failure.get_or_insert(why.reason());
                pages.push(page.page.clone());
            }
        }
    }
    if text_pages + ocr_pages == 0 {
        if let Some(error) = pdf.pages.iter().find_map(|p| p.content_error.as_deref()) {
            let limit = options.pdf.max_stream_bytes >> 20;
            let reason = format!(
                "contenu de page non décompressable, corrompu ou au-delà de {limit} Mo une fois décompressé (bombe de décompression ?) : {error}"
            );
            return Err((reason, page_count));
        }
        let reason = match ocr_failure {
            Some(why) => format!("PDF sans texte lisible : {why}"),
            None => "PDF sans texte lisible (ni couche texte, ni image exploitable)".to_string(),
        };
        return Err((reason, page_count));
    }
    let source = match (text_pages, ocr_pages) {
        (_, 0) => TextSource::TextLayer,
        (0, _) => TextSource::Ocr,
        _ => TextSource::Mixed,
    };
    let text = DocText { pages };
    Ok((text, source))
}
