//! Reading one document: sniff the content, read its text, classify and extract.

use std::panic::{AssertUnwindSafe, catch_unwind};

use dossier_contract::{DocumentKind, DocumentReport, Fields, TextSource};
use dossier_layout::DocText;
use dossier_pdf::{Limits, PdfError};
use sha2::{Digest, Sha256};

/// Bounds on reading one document.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub pdf: Limits,
    /// Largest upload accepted, in bytes.
    pub max_file_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            pdf: Limits::default(),
            max_file_bytes: 64 << 20,
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
        fields: Fields::default(),
        reason: Some(reason),
        sha256: Some(sha256),
    }
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
    let outcome = catch_unwind(AssertUnwindSafe(|| read_content(bytes, options)));
    let (text, source) = match outcome {
        Ok(Ok(read)) => read,
        Ok(Err((reason, pages))) => {
            tracing::info!(reason, "document unreadable");
            return unreadable_with(document_id, file, declared_kind, sha256, pages, reason);
        }
        Err(_) => {
            tracing::error!("panic while reading a document");
            return unreadable_with(
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
    let extraction = match catch_unwind(AssertUnwindSafe(|| dossier_extract::extract(&text))) {
        Ok(extraction) => extraction,
        Err(_) => {
            tracing::error!("panic while extracting fields");
            return unreadable_with(
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
        fields: extraction.fields,
        reason: None,
        sha256: Some(sha256),
    }
}

type ReadFailure = (String, u32);

fn read_content(bytes: &[u8], options: &ReadOptions) -> Result<(DocText, TextSource), ReadFailure> {
    match detect_content_type(bytes) {
        "application/pdf" => read_pdf(bytes, options),
        "image/jpeg" | "image/png" | "image/tiff" => Err((
            "image scannée : la lecture par OCR n'est pas disponible dans cette version".into(),
            1,
        )),
        _ => Err((
            "format non pris en charge (ni PDF, ni JPEG, PNG ou TIFF)".into(),
            0,
        )),
    }
}

fn read_pdf(bytes: &[u8], options: &ReadOptions) -> Result<(DocText, TextSource), ReadFailure> {
    let pdf = dossier_pdf::read_text_layer(bytes, &options.pdf).map_err(|e| {
        let reason = match &e {
            PdfError::Encrypted => {
                "PDF chiffré (encrypted) : ouverture impossible sans mot de passe".to_string()
            }
            PdfError::NotPdf => "le fichier n'est pas un PDF".to_string(),
            PdfError::Malformed(detail) => format!("PDF endommagé ou tronqué : {detail}"),
            PdfError::NoPages => "le PDF ne contient aucune page".to_string(),
            PdfError::TooManyPages { pages, limit } => {
                format!("le PDF compte {pages} pages, au-delà de la limite de {limit}")
            }
        };
        (reason, 0)
    })?;
    let page_count = pdf.pages.len() as u32;
    let readable = pdf
        .pages
        .iter()
        .filter(|p| p.page.char_count() >= MIN_TEXT_CHARS)
        .count();
    if readable == 0 {
        if let Some(error) = pdf.pages.iter().find_map(|p| p.content_error.as_deref()) {
            let limit = options.pdf.max_stream_bytes >> 20;
            let reason = format!(
                "contenu de page non décompressable, corrompu ou au-delà de {limit} Mo une fois décompressé (bombe de décompression ?) : {error}"
            );
            return Err((reason, page_count));
        }
        return Err(("PDF sans couche texte exploitable (document scanné) : la lecture par OCR n'est pas disponible dans cette version".into(), page_count));
    }
    let text = DocText {
        pages: pdf.pages.into_iter().map(|p| p.page).collect(),
    };
    Ok((text, TextSource::TextLayer))
}
