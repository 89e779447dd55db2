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

use crate::{GrayImage, OcrError};

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
        // SAFETY: the buffer holds width × height bytes (checked above), one byte per pixel
        // and `width` bytes per row; tesseract copies it into its own Pix before returning.
        unsafe {
            sys::TessBaseAPISetImage(self.handle, image.pixels.as_ptr(), width, height, 1, width);
            sys::TessBaseAPISetSourceResolution(self.handle, dpi.clamp(70, 1200) as c_int);
        }
        Ok(())
    }

    /// Recognises `image` and returns tesseract's TSV (one row per block, paragraph, line and
    /// word, with boxes and confidences), or a timeout past `deadline`.
    pub(crate) fn recognize_tsv(
        &mut self,
        image: &GrayImage,
        dpi: u32,
        deadline: Duration,
    ) -> Result<String, OcrError> {
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
        // SAFETY: valid handle after a successful Recognize; the returned string is owned by
        // us and freed with TessDeleteText.
        let text = unsafe { sys::TessBaseAPIGetTsvText(self.handle, 0) };
        if text.is_null() {
            self.clear();
            return Err(OcrError::Engine("aucun résultat TSV".into()));
        }
        let tsv = unsafe { CStr::from_ptr(text) }
            .to_string_lossy()
            .into_owned();
        unsafe { sys::TessDeleteText(text) };
        self.clear();
        Ok(tsv)
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
