//! A safe handle on tesseract's C API, the only unsafe code of the workspace.
//!
//! The high-level `tesseract` crate hides what a production reader needs: a deadline on
//! recognition (a monitor, so that a pathological page cannot hold a worker) and orientation
//! detection (OSD). This module owns one `TessBaseAPI` per [`Engine`], hands it borrowed
//! pixels that tesseract copies on `SetImage`, and frees every string the library returns.

#![allow(unsafe_code)]

use std::ffi::{CStr, CString};
use std::os::raw::c_int;
use std::ptr;
use std::time::{Duration, Instant};

use tesseract_sys as sys;

use crate::{GrayImage, OcrError, OcrWord};

/// What an engine is initialised for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// French recognition with automatic page segmentation without OSD (PSM 3, as the
    /// tesseract CLI; the library's default, PSM 6, wrecks tables).
    Recognize,
    /// Orientation and script detection only (the `osd` model, PSM 0).
    Orientation,
}

pub(crate) struct Engine {
    handle: *mut sys::TessBaseAPI,
}

impl Engine {
    pub(crate) fn new(mode: Mode) -> Result<Engine, OcrError> {
        let (language, psm) = match mode {
            Mode::Recognize => ("fra", sys::TessPageSegMode_PSM_AUTO),
            Mode::Orientation => ("osd", sys::TessPageSegMode_PSM_OSD_ONLY),
        };
        let language = CString::new(language).map_err(|e| OcrError::Engine(e.to_string()))?;
        // SAFETY: Create returns an owned handle or null; Init3 takes a valid handle and
        // NUL-terminated strings (a null datapath means the system's tessdata).
        let handle = unsafe { sys::TessBaseAPICreate() };
        if handle.is_null() {
            return Err(OcrError::Engine("TessBaseAPICreate a échoué".into()));
        }
        let engine = Engine { handle };
        let status = unsafe { sys::TessBaseAPIInit3(handle, ptr::null(), language.as_ptr()) };
        if status != 0 {
            return Err(OcrError::Engine(format!(
                "modèle tesseract « {} » introuvable (paquet tesseract-ocr-{} installé ?)",
                language.to_string_lossy(),
                language.to_string_lossy()
            )));
        }
        // SAFETY: valid handle.
        unsafe { sys::TessBaseAPISetPageSegMode(handle, psm) };
        // tesseract prints diagnostics ("Invalid resolution 0 dpi", "Too few characters") on
        // stderr, between the workers' JSON log lines; what matters is logged by the caller.
        let (name, value) = (c"debug_file", c"/dev/null");
        // SAFETY: valid handle and NUL-terminated strings.
        unsafe { sys::TessBaseAPISetVariable(handle, name.as_ptr(), value.as_ptr()) };
        Ok(engine)
    }

    fn set_image(&mut self, image: &GrayImage, dpi: u32) -> Result<(), OcrError> {
        let width = c_int::try_from(image.width).map_err(|e| OcrError::Decode(e.to_string()))?;
        let height = c_int::try_from(image.height).map_err(|e| OcrError::Decode(e.to_string()))?;
        let expected = image.width as usize * image.height as usize;
        if image.pixels.len() < expected || expected == 0 {
            return Err(OcrError::Decode(
                "image incohérente avec ses dimensions".into(),
            ));
        }
        match bilevel_rows(image) {
            // A black-and-white image (fax, CCITT G4 or JBIG2 scan) goes in as one bit per
            // pixel, as the tesseract CLI loads such a file: tesseract then skips its own
            // thresholding and works on a binary image, which is much faster than the same
            // pixels given as gray (measured 1.4× on 300-dpi newspaper pages).
            Some(packed) => {
                let row_bytes = c_int::try_from(image.width.div_ceil(8))
                    .map_err(|e| OcrError::Decode(e.to_string()))?;
                // SAFETY: `packed` holds height rows of row_bytes bytes, one bit per pixel
                // (bytes_per_pixel 0), 1 = white, most significant bit first, as
                // SetImage documents; tesseract copies it before returning.
                unsafe {
                    sys::TessBaseAPISetImage(
                        self.handle,
                        packed.as_ptr(),
                        width,
                        height,
                        0,
                        row_bytes,
                    );
                }
            }
            // SAFETY: the buffer holds width × height bytes (checked above), one byte per
            // pixel and `width` bytes per row; tesseract copies it before returning.
            None => unsafe {
                sys::TessBaseAPISetImage(
                    self.handle,
                    image.pixels.as_ptr(),
                    width,
                    height,
                    1,
                    width,
                );
            },
        }
        // SAFETY: valid handle.
        unsafe { sys::TessBaseAPISetSourceResolution(self.handle, dpi.clamp(70, 1200) as c_int) };
        Ok(())
    }

    /// Recognises `image` and returns its words in tesseract's reading order, or a timeout
    /// past `deadline`. Words are walked with the result iterator rather than through
    /// tesseract's TSV, which walks every symbol to print it: on a dense newspaper page that
    /// saved about 5 % of the recognition time.
    pub(crate) fn recognize_words(
        &mut self,
        image: &GrayImage,
        dpi: u32,
        deadline: Duration,
    ) -> Result<Vec<OcrWord>, OcrError> {
        self.set_image(image, dpi)?;
        let started = Instant::now();
        let monitor = Monitor::new(deadline)?;
        // SAFETY: valid handle and monitor; the monitor outlives the call.
        let status = unsafe { sys::TessBaseAPIRecognize(self.handle, monitor.0) };
        drop(monitor);
        if status != 0 {
            self.clear();
            return Err(if started.elapsed() >= deadline {
                OcrError::Timeout(deadline.as_secs_f32())
            } else {
                OcrError::Engine("la reconnaissance a échoué".into())
            });
        }
        let words = self.words();
        self.clear();
        Ok(words)
    }

    /// The words of the last recognition, with their boxes, confidences and lines (each
    /// word sized as its own line until [`crate::words_by_line`] sizes the lines). Empty
    /// words and words without a confidence are left out.
    fn words(&mut self) -> Vec<OcrWord> {
        let mut words = Vec::new();
        // SAFETY: valid handle after a successful Recognize; the iterator is owned by us,
        // deleted below, and not used after the results are cleared. Its page iterator is a
        // view of the same object, not owned.
        let results = unsafe { sys::TessBaseAPIGetIterator(self.handle) };
        if results.is_null() {
            return words;
        }
        let page = unsafe { sys::TessResultIteratorGetPageIterator(results) };
        let (block, para, line) = (
            sys::TessPageIteratorLevel_RIL_BLOCK,
            sys::TessPageIteratorLevel_RIL_PARA,
            sys::TessPageIteratorLevel_RIL_TEXTLINE,
        );
        let word = sys::TessPageIteratorLevel_RIL_WORD;
        let mut position = (0u32, 0u32, 0u32);
        loop {
            // SAFETY: `page` and `results` stay valid until TessResultIteratorDelete; the
            // text is ours and freed with TessDeleteText.
            unsafe {
                if sys::TessPageIteratorIsAtBeginningOf(page, block) != 0 {
                    position = (position.0 + 1, 0, 0);
                }
                if sys::TessPageIteratorIsAtBeginningOf(page, para) != 0 {
                    position = (position.0, position.1 + 1, 0);
                }
                if sys::TessPageIteratorIsAtBeginningOf(page, line) != 0 {
                    position.2 += 1;
                }
                let (mut left, mut top, mut right, mut bottom) = (0, 0, 0, 0);
                let boxed = sys::TessPageIteratorBoundingBox(
                    page,
                    word,
                    &mut left,
                    &mut top,
                    &mut right,
                    &mut bottom,
                ) != 0;
                let text = sys::TessResultIteratorGetUTF8Text(results, word);
                if !text.is_null() {
                    let read = CStr::from_ptr(text).to_string_lossy().trim().to_string();
                    sys::TessDeleteText(text);
                    let confidence = sys::TessResultIteratorConfidence(results, word);
                    if boxed
                        && !read.is_empty()
                        && confidence >= 0.0
                        && right >= left
                        && bottom >= top
                    {
                        let height = (bottom - top) as f32;
                        words.push(OcrWord {
                            text: read,
                            left: left as f32,
                            top: top as f32,
                            width: (right - left) as f32,
                            height,
                            confidence: (confidence / 100.0).clamp(0.0, 1.0),
                            line_size: height,
                            line_baseline: bottom as f32,
                            line: position,
                        });
                    }
                }
                if sys::TessResultIteratorNext(results, word) == 0 {
                    break;
                }
            }
        }
        // SAFETY: the iterator is ours and no longer used.
        unsafe { sys::TessResultIteratorDelete(results) };
        words
    }

    /// The page's orientation: the clockwise rotation, in degrees (0, 90, 180 or 270), that
    /// was applied to an upright page, with tesseract's confidence; `None` when the page has
    /// too little text to tell.
    pub(crate) fn orientation(&mut self, image: &GrayImage, dpi: u32) -> Option<(u32, f32)> {
        self.set_image(image, dpi).ok()?;
        let mut degrees: c_int = 0;
        let mut confidence: f32 = 0.0;
        let mut script: *const std::os::raw::c_char = ptr::null();
        let mut script_confidence: f32 = 0.0;
        // SAFETY: valid handle and out-pointers to locals; the script name points into
        // tesseract's static tables and is not freed.
        let found = unsafe {
            sys::TessBaseAPIDetectOrientationScript(
                self.handle,
                &mut degrees,
                &mut confidence,
                &mut script,
                &mut script_confidence,
            )
        };
        self.clear();
        (found != 0).then_some((degrees.rem_euclid(360) as u32, confidence))
    }

    fn clear(&mut self) {
        // SAFETY: valid handle; Clear frees the image and results, keeping the model loaded.
        unsafe { sys::TessBaseAPIClear(self.handle) };
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: the handle is ours and not used after this.
        unsafe {
            sys::TessBaseAPIEnd(self.handle);
            sys::TessBaseAPIDelete(self.handle);
        }
    }
}

/// The image packed one bit per pixel (1 = white, most significant bit first, rows padded to
/// a byte) when every pixel is pure black or pure white; `None` for a gray image.
fn bilevel_rows(image: &GrayImage) -> Option<Vec<u8>> {
    let width = image.width as usize;
    if width == 0 || !image.pixels.iter().all(|&p| p == 0 || p == 255) {
        return None;
    }
    let row_bytes = width.div_ceil(8);
    let mut packed = vec![0u8; row_bytes * image.height as usize];
    for (row, out) in image
        .pixels
        .chunks_exact(width)
        .zip(packed.chunks_exact_mut(row_bytes))
    {
        for (x, &pixel) in row.iter().enumerate() {
            if pixel == 255 {
                out[x / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    Some(packed)
}

/// tesseract's progress monitor, carrying the recognition deadline.
struct Monitor(*mut sys::ETEXT_DESC);

impl Monitor {
    fn new(deadline: Duration) -> Result<Monitor, OcrError> {
        // SAFETY: Create returns an owned monitor or null.
        let monitor = unsafe { sys::TessMonitorCreate() };
        if monitor.is_null() {
            return Err(OcrError::Engine("TessMonitorCreate a échoué".into()));
        }
        let millis = c_int::try_from(deadline.as_millis())
            .unwrap_or(c_int::MAX)
            .max(1);
        // SAFETY: valid monitor.
        unsafe { sys::TessMonitorSetDeadlineMSecs(monitor, millis) };
        Ok(Monitor(monitor))
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        // SAFETY: the monitor is ours and no longer used by tesseract.
        unsafe { sys::TessMonitorDelete(self.0) };
    }
}
