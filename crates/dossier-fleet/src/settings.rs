//! Settings of the workers and of the portal-side commands: every one a flag with a
//! `DOSSIER_*` environment fallback, so the same image runs under compose and Kubernetes.

use std::path::PathBuf;

/// Retries before a message is dead-lettered: with the delays of
/// `dossier_amqp::topology::RETRY_DELAYS_MS`, 310 s, enough to ride out the 1–2 minutes of a
/// storage node restart or failover (a one-minute outage dead-lettered everything in flight
/// with the former 5 retries 5 s apart, issue 14).
pub const DEFAULT_MAX_RETRIES: u32 = 8;

/// Broker and storage, shared by the workers and the CLI's fleet commands.
#[derive(clap::Args, Debug, Clone)]
pub struct Connection {
    /// AMQP URL; `amqps://` uses TLS (rustls).
    #[arg(
        long,
        env = "DOSSIER_AMQP_URL",
        default_value = "amqp://guest:guest@127.0.0.1:5672/%2f"
    )]
    pub amqp_url: String,
    /// Object storage: `file:///path` (confined to that root) or `s3://bucket[/prefix]`.
    #[arg(
        long,
        env = "DOSSIER_STORAGE_URL",
        default_value = "file://./dossier-data"
    )]
    pub storage_url: String,
}

/// A worker's settings.
#[derive(clap::Parser, Debug, Clone)]
pub struct Worker {
    #[command(flatten)]
    pub connection: Connection,
    /// Address of /healthz, /readyz and /metrics.
    #[arg(long, env = "DOSSIER_HTTP_ADDR", default_value = "0.0.0.0:9090")]
    pub http_addr: String,
    /// Unacknowledged messages the broker may hand this worker per queue.
    #[arg(long, env = "DOSSIER_PREFETCH", default_value_t = 4)]
    pub prefetch: u16,
    /// Messages processed at once (CPU-bound reading runs on blocking threads).
    #[arg(long, env = "DOSSIER_CONCURRENCY", default_value_t = 2)]
    pub concurrency: usize,
    /// Retries of a transient or internal failure before the message is dead-lettered
    /// (delays: 5 s, 5 s, 30 s, 30 s, then 60 s each).
    #[arg(long, env = "DOSSIER_MAX_RETRIES", default_value_t = DEFAULT_MAX_RETRIES)]
    pub max_retries: u32,
    /// Seconds to finish in-flight messages after SIGTERM.
    #[arg(long, env = "DOSSIER_SHUTDOWN_GRACE_SECS", default_value_t = 25)]
    pub shutdown_grace_secs: u64,
    /// A rulebook TOML instead of the built-in OPCO 2i one (verdict worker).
    #[arg(long, env = "DOSSIER_RULEBOOK")]
    pub rulebook: Option<PathBuf>,
    #[command(flatten)]
    pub limits: ReadLimits,
    /// Log format: `json` (default) or `text`.
    #[arg(long, env = "DOSSIER_LOG_FORMAT", default_value = "json")]
    pub log_format: String,
}

/// Where untrusted documents are read.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// In reader child processes under an address-space cap, killed past the time budget
    /// (see [`crate::reader`]).
    Process,
    /// In this process: no memory cap and no kill, for debugging and benchmarks.
    InProcess,
}

impl Isolation {
    fn as_str(self) -> &'static str {
        match self {
            Isolation::Process => "process",
            Isolation::InProcess => "in-process",
        }
    }
}

/// Bounds on reading one untrusted document, shared by the workers and `dossier
/// extract`/`validate`: past any of them the document is `unreadable_document` with the
/// reason, never a crash, a hang or a node out of memory.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct ReadLimits {
    /// Largest upload read, in bytes.
    #[arg(long, env = "DOSSIER_MAX_FILE_BYTES", default_value_t = 64 << 20)]
    pub max_file_bytes: u64,
    /// Most pages of a PDF.
    #[arg(long, env = "DOSSIER_MAX_PAGES", default_value_t = 500)]
    pub max_pages: usize,
    /// Largest decompressed size of one PDF stream, in bytes.
    #[arg(long, env = "DOSSIER_MAX_STREAM_BYTES", default_value_t = 64 << 20)]
    pub max_stream_bytes: usize,
    /// Largest decompressed size of a whole PDF's pages and images, in bytes.
    #[arg(long, env = "DOSSIER_MAX_DOCUMENT_BYTES", default_value_t = 256 << 20)]
    pub max_document_bytes: usize,
    /// Largest image decoded, in pixels.
    #[arg(long, env = "DOSSIER_MAX_IMAGE_PIXELS", default_value_t = 60_000_000)]
    pub max_image_pixels: u64,
    /// Wall-clock budget for reading one document, in seconds.
    #[arg(long, env = "DOSSIER_DOCUMENT_SECONDS", default_value_t = 120)]
    pub document_seconds: u64,
    /// Longest OCR of one page, in seconds.
    #[arg(long, env = "DOSSIER_OCR_PAGE_SECONDS", default_value_t = 40)]
    pub ocr_page_seconds: u64,
    /// Address space of a reader process, in MiB (0: no cap). A reader holds one document,
    /// its decoded images and the OCR engine (about 300 MiB for an A4 scan at 300 dpi).
    #[arg(long, env = "DOSSIER_MAX_MEMORY_MIB", default_value_t = 1024)]
    pub max_memory_mib: u64,
    /// `process`: each document is read in a reader process under the memory cap, killed
    /// past the document's time budget (a document can only break its reader); `in-process`
    /// reads in this process, without either.
    #[arg(long, env = "DOSSIER_ISOLATION", value_enum, default_value_t = Isolation::Process)]
    pub isolation: Isolation,
    /// Whether pages without a text layer are read by OCR (`false`: such a document is
    /// reported as needing OCR; the verdict worker's first reading is made so).
    #[arg(long, env = "DOSSIER_OCR", default_value_t = true, action = clap::ArgAction::Set)]
    pub ocr: bool,
}

/// The limits as a reader process takes them: from its environment only.
#[derive(clap::Parser)]
#[command(no_binary_name = true)]
struct ReaderLimits {
    #[command(flatten)]
    limits: ReadLimits,
}

impl ReadLimits {
    /// The `DOSSIER_*` environment that gives a reader process these limits.
    pub fn to_environment(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DOSSIER_MAX_FILE_BYTES", self.max_file_bytes.to_string()),
            ("DOSSIER_MAX_PAGES", self.max_pages.to_string()),
            (
                "DOSSIER_MAX_STREAM_BYTES",
                self.max_stream_bytes.to_string(),
            ),
            (
                "DOSSIER_MAX_DOCUMENT_BYTES",
                self.max_document_bytes.to_string(),
            ),
            (
                "DOSSIER_MAX_IMAGE_PIXELS",
                self.max_image_pixels.to_string(),
            ),
            (
                "DOSSIER_DOCUMENT_SECONDS",
                self.document_seconds.to_string(),
            ),
            (
                "DOSSIER_OCR_PAGE_SECONDS",
                self.ocr_page_seconds.to_string(),
            ),
            ("DOSSIER_MAX_MEMORY_MIB", self.max_memory_mib.to_string()),
            ("DOSSIER_ISOLATION", self.isolation.as_str().to_string()),
            ("DOSSIER_OCR", self.ocr.to_string()),
        ]
    }

    /// The limits from the `DOSSIER_*` environment (defaults for what is unset).
    pub fn from_environment() -> std::io::Result<ReadLimits> {
        <ReaderLimits as clap::Parser>::try_parse_from(std::iter::empty::<String>())
            .map(|parsed| parsed.limits)
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    pub fn read_options(&self) -> dossier_core::ReadOptions {
        let mut options = dossier_core::ReadOptions {
            max_file_bytes: usize::try_from(self.max_file_bytes).unwrap_or(usize::MAX),
            document_time: std::time::Duration::from_secs(self.document_seconds),
            ocr_allowed: self.ocr,
            ..dossier_core::ReadOptions::default()
        };
        options.pdf.max_pages = self.max_pages;
        options.pdf.max_stream_bytes = self.max_stream_bytes;
        options.pdf.max_document_bytes = self.max_document_bytes;
        options.ocr.max_pixels = self.max_image_pixels;
        options.ocr.page_time = std::time::Duration::from_secs(self.ocr_page_seconds);
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader process gets every limit: each flag's variable is in the environment
    /// handed to it.
    #[test]
    fn the_reader_environment_carries_every_limit() {
        let command = <ReaderLimits as clap::CommandFactory>::command();
        let mut expected: Vec<String> = command
            .get_arguments()
            .filter_map(|arg| arg.get_env())
            .map(|name| name.to_string_lossy().into_owned())
            .collect();
        let limits = ReadLimits::from_environment().unwrap_or_else(|e| panic!("{e}"));
        let mut given: Vec<String> = limits
            .to_environment()
            .into_iter()
            .map(|(name, _)| name.to_string())
            .collect();
        expected.sort();
        given.sort();
        assert_eq!(given, expected);
    }
}
