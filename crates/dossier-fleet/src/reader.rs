//! Reading untrusted documents, in this process or in reader child processes with resource
//! caps.
//!
//! In-process reading bounds what it can see coming (bytes, pages, pixels, decompressed
//! sizes, recursion, time between OCR steps, panics), but not everything: an allocation
//! the limits did not foresee, tesseract's layout analysis (its cancel callback is only
//! polled during recognition), a stack overflow or a crash in C code would take the whole
//! worker, and every dossier it holds, with it. So by default each document is read by a
//! *reader*: the same executable started again in reader mode (`DOSSIER_READER=1`), under
//! an address-space cap (`RLIMIT_AS`, no core dumps), fed one document at a time through its
//! standard input and answering the contract's document object on its standard output. The
//! parent kills a reader that overruns the document's time budget. Whatever a document does
//! to its reader (out of memory, out of time, a crash) becomes an `unreadable` report with
//! the reason, and the next document gets a fresh reader. Readers are reused (the OCR engine
//! stays loaded) and replaced after [`DOCUMENTS_PER_READER`] documents, so that a slow leak
//! or fragmentation cannot build up.
//!
//! Frames on the pipes: a request is the document id, the file name and the dossier id
//! (each a little-endian `u32` length and UTF-8 bytes), then the document (a `u64` length
//! and its bytes); an answer is a `u32` length and the document object as JSON.

use std::collections::VecDeque;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use dossier_contract::{DocumentKind, DocumentReport};
use dossier_core::ReadOptions;

use crate::settings::{Isolation, ReadLimits};

/// What a reader inherits of its parent's environment, nothing else: it parses untrusted
/// files, so it gets no storage or broker credentials (`AWS_*`, `DOSSIER_AMQP_URL`,
/// `DOSSIER_STORAGE_URL`, …) that a hijacked reader could use. Locale, time zone, temporary
/// directory, tesseract's data and thread limit, and logging are what reading needs; the
/// limits are handed over explicitly ([`ReadLimits::to_environment`]).
const READER_INHERITED_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TMPDIR",
    "OMP_THREAD_LIMIT",
    "TESSDATA_PREFIX",
    "RUST_BACKTRACE",
    "DOSSIER_LOG",
    "DOSSIER_LOG_FORMAT",
];

/// The part of `parent` (an environment) a reader process inherits.
pub fn reader_environment(
    parent: impl IntoIterator<Item = (String, String)>,
) -> Vec<(String, String)> {
    parent
        .into_iter()
        .filter(|(name, _)| READER_INHERITED_ENV.contains(&name.as_str()))
        .collect()
}

/// Why reader processes were lost, as `dossier_reader_kills_total{cause}` labels.
const KILL_CAUSES: [&str; 5] = [
    "timeout",
    "out_of_memory",
    "killed_from_outside",
    "crashed",
    "exited",
];

/// The environment variable that starts an executable in reader mode.
pub const READER_ENV: &str = "DOSSIER_READER";

/// Documents a reader reads before it is replaced.
pub const DOCUMENTS_PER_READER: u32 = 200;

/// Time a reader gets past the document's own budget before it is killed: reading stops
/// itself at the budget between OCR steps; the kill is for what it cannot interrupt.
const KILL_GRACE: Duration = Duration::from_secs(5);

/// The last bytes of a reader's standard error kept to tell why it died (a backtrace
/// follows the allocation failure line when RUST_BACKTRACE is set).
const STDERR_TAIL: usize = 64 << 10;

/// What the reason of a reading stopped for time or memory says, here and in `dossier-core`
/// ("lecture interrompue", "lecture OCR d'une page interrompue", see [`Reader::is_final`]).
const INTERRUPTED: &str = "interrompue";

/// Why a document could not be read for reasons that are not the document's: the caller
/// retries later (a worker) or stops (the CLI).
#[derive(Debug, thiserror::Error)]
pub enum ReaderError {
    #[error("cannot start a reader process ({program}): {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("the reader process was killed from outside ({0}) while reading")]
    KilledFromOutside(String),
    #[error("the reader process failed on its own (exit code {0}); see its log")]
    Broken(i32),
}

/// Reads documents: in this process, or in reader child processes.
pub enum Reader {
    InProcess(ReadOptions),
    Isolated(ReaderPool),
}

impl Reader {
    /// The reader the limits ask for; isolated readers run `program` (this executable by
    /// default, which must call [`serve_if_reader`] first thing in `main`).
    pub fn new(limits: &ReadLimits, program: Option<PathBuf>) -> std::io::Result<Reader> {
        Ok(match limits.isolation {
            Isolation::InProcess => Reader::InProcess(limits.read_options()),
            Isolation::Process => {
                let program = match program {
                    Some(program) => program,
                    None => std::env::current_exe()?,
                };
                Reader::Isolated(ReaderPool::new(program, limits))
            }
        })
    }

    /// Whether a report is the document's final reading, fit to be cached under its content
    /// hash: not when the service failed (`internal_error`), nor when the reader process was
    /// stopped for time or memory, which depends on the load of the moment as much as on the
    /// file (a document that timed out during the year-end rush reads fine an hour later).
    pub fn is_final(report: &DocumentReport) -> bool {
        !report.internal_error
            && !Reader::needs_ocr(report)
            && !report
                .reason
                .as_deref()
                .is_some_and(|reason| reason.contains(INTERRUPTED))
    }

    /// Whether a reading without OCR stopped where OCR was needed
    /// ([`dossier_core::NEEDS_OCR`]): no reading of the document at all.
    pub fn needs_ocr(report: &DocumentReport) -> bool {
        report.reason.as_deref() == Some(dossier_core::NEEDS_OCR)
    }

    /// Reader processes lost so far, by cause (none when reading in this process).
    pub fn kill_counts(&self) -> Vec<(&'static str, u64)> {
        match self {
            Reader::InProcess(_) => Vec::new(),
            Reader::Isolated(pool) => KILL_CAUSES
                .iter()
                .zip(&pool.kills)
                .map(|(cause, count)| (*cause, count.load(Ordering::Relaxed)))
                .collect(),
        }
    }

    /// Reads one document. A document that breaks its reader is an `unreadable` report;
    /// an error means the document was not judged at all.
    pub fn read(
        &self,
        dossier_id: &str,
        document_id: &str,
        file: &str,
        declared_kind: Option<DocumentKind>,
        bytes: &[u8],
    ) -> Result<DocumentReport, ReaderError> {
        match self {
            Reader::InProcess(options) => Ok(dossier_core::read_document(
                document_id,
                file,
                declared_kind,
                bytes,
                options,
            )),
            // Empty and oversized files are judged without reading them (a reader takes no
            // frame past the size limit).
            Reader::Isolated(pool)
                if bytes.is_empty() || bytes.len() > pool.options.max_file_bytes =>
            {
                Ok(dossier_core::read_document(
                    document_id,
                    file,
                    declared_kind,
                    bytes,
                    &pool.options,
                ))
            }
            Reader::Isolated(pool) => {
                let mut report = pool.read(dossier_id, document_id, file, bytes)?;
                report.declared_kind = declared_kind;
                Ok(report)
            }
        }
    }
}

/// Reader child processes, started on demand and kept for the next document.
pub struct ReaderPool {
    program: PathBuf,
    arguments: Vec<String>,
    environment: Vec<(&'static str, String)>,
    /// Killed past this: the document's budget and a grace.
    deadline: Duration,
    memory_mib: u64,
    /// The limits, for judging what never reaches a reader.
    options: ReadOptions,
    idle: Mutex<VecDeque<ReaderProcess>>,
    /// Readers lost, by [`KILL_CAUSES`].
    kills: [AtomicU64; KILL_CAUSES.len()],
}

impl ReaderPool {
    pub fn new(program: PathBuf, limits: &ReadLimits) -> ReaderPool {
        ReaderPool {
            program,
            arguments: Vec::new(),
            environment: limits.to_environment(),
            deadline: Duration::from_secs(limits.document_seconds) + KILL_GRACE,
            memory_mib: limits.max_memory_mib,
            options: limits.read_options(),
            idle: Mutex::new(VecDeque::new()),
            kills: Default::default(),
        }
    }

    fn count_kill(&self, cause: &str) {
        if let Some(index) = KILL_CAUSES.iter().position(|c| *c == cause) {
            self.kills[index].fetch_add(1, Ordering::Relaxed);
        }
    }

    fn read(
        &self,
        dossier_id: &str,
        document_id: &str,
        file: &str,
        bytes: &[u8],
    ) -> Result<DocumentReport, ReaderError> {
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        // An idle reader may have died meanwhile (killed with its pod's processes, say):
        // such a one gets the document's request refused at once, and a fresh one is
        // started for it, once.
        let mut reader = match taken {
            Some(reader) => reader,
            None => self.spawn()?,
        };
        let mut outcome = reader.exchange(dossier_id, document_id, file, bytes, self.deadline);
        if matches!(outcome, Err(Exchange::NotSent)) {
            drop(reader.discard());
            reader = self.spawn()?;
            outcome = reader.exchange(dossier_id, document_id, file, bytes, self.deadline);
        }
        match outcome {
            Ok(report) => {
                if reader.reusable() {
                    self.idle
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push_back(reader);
                }
                Ok(report)
            }
            Err(failure) => {
                let death = reader.discard();
                let internal = matches!(death, Death::Crashed(_));
                self.count_kill(match (&failure, &death) {
                    (Exchange::TimedOut, _) => "timeout",
                    (_, Death::OutOfMemory) => "out_of_memory",
                    (_, Death::KilledFromOutside(_)) => "killed_from_outside",
                    (_, Death::Crashed(_)) => "crashed",
                    (_, Death::Exited(_)) => "exited",
                });
                let reason = match (failure, death) {
                    (Exchange::TimedOut, _) => format!(
                        "{INTERRUPTED} : budget de {} s par document dépassé",
                        self.options.document_time.as_secs()
                    ),
                    (_, Death::OutOfMemory) => format!(
                        "{INTERRUPTED} : le document demande plus de {} Mo de mémoire",
                        self.memory_mib
                    ),
                    (_, Death::KilledFromOutside(how)) => {
                        return Err(ReaderError::KilledFromOutside(how));
                    }
                    (_, Death::Exited(code)) => return Err(ReaderError::Broken(code)),
                    (_, Death::Crashed(how)) => format!(
                        "erreur interne pendant la lecture du document (processus de lecture arrêté : {how})"
                    ),
                };
                tracing::warn!(document_id, reason, "reader process lost on a document");
                let mut report = dossier_core::unreadable(document_id, file, None, reason);
                report.sha256 = Some(dossier_core::sha256_hex(bytes));
                report.internal_error = internal;
                Ok(report)
            }
        }
    }

    fn spawn(&self) -> Result<ReaderProcess, ReaderError> {
        let spawn_error = |source| ReaderError::Spawn {
            program: self.program.display().to_string(),
            source,
        };
        let mut child = Command::new(&self.program)
            .args(&self.arguments)
            .env_clear()
            // vars_os: a variable that is not UTF-8 is skipped, never a panic.
            .envs(reader_environment(std::env::vars_os().filter_map(
                |(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)),
            )))
            .env(READER_ENV, "1")
            .envs(self.environment.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_error)?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            child.kill().ok();
            child.wait().ok();
            return Err(spawn_error(std::io::Error::other("no pipes to the reader")));
        };
        // The reader's log lines go on to ours; the tail is kept to tell why it died.
        let tail = Arc::new(Mutex::new(Vec::new()));
        let keeper = Arc::clone(&tail);
        let relay = std::thread::Builder::new()
            .name("reader-stderr".into())
            .spawn(move || relay_stderr(stderr, &keeper))
            .map_err(spawn_error)?;
        tracing::debug!(pid = child.id(), "reader process started");
        Ok(ReaderProcess {
            child: Arc::new(Mutex::new(child)),
            stdin: Some(BufWriter::new(stdin)),
            stdout: BufReader::new(stdout),
            stderr_tail: tail,
            relay: Some(relay),
            served: 0,
            killed: false,
        })
    }
}

fn relay_stderr(mut stderr: std::process::ChildStderr, tail: &Mutex<Vec<u8>>) {
    let mut buffer = [0u8; 4096];
    let mut out = std::io::stderr();
    loop {
        match stderr.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                out.write_all(&buffer[..n]).ok();
                let mut kept = tail.lock().unwrap_or_else(PoisonError::into_inner);
                kept.extend_from_slice(&buffer[..n]);
                let excess = kept.len().saturating_sub(STDERR_TAIL);
                kept.drain(..excess);
            }
        }
    }
}

/// One reader child and the pipes to it. Dropping it ends the reader.
struct ReaderProcess {
    child: Arc<Mutex<Child>>,
    /// Closing it is the reader's signal to exit.
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
    stderr_tail: Arc<Mutex<Vec<u8>>>,
    relay: Option<std::thread::JoinHandle<()>>,
    served: u32,
    /// Killed by the watchdog, even if its answer came in just before.
    killed: bool,
}

/// How an exchange with a reader went wrong.
enum Exchange {
    /// The request could not be written: the reader was already gone.
    NotSent,
    /// Killed at the deadline.
    TimedOut,
    /// The reader stopped answering (died) or answered garbage.
    Lost,
}

/// How a reader ended.
enum Death {
    OutOfMemory,
    KilledFromOutside(String),
    /// A crash while reading (a panic outside the document boundary, an abort): a bug of
    /// ours that this document triggers, reported as `internal_error`, not the file's fault.
    Crashed(String),
    /// An exit with a code of its own: its setup or its pipes failed, not the document.
    Exited(i32),
}

impl ReaderProcess {
    fn exchange(
        &mut self,
        dossier_id: &str,
        document_id: &str,
        file: &str,
        bytes: &[u8],
        deadline: Duration,
    ) -> Result<DocumentReport, Exchange> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(Exchange::NotSent);
        };
        // What the reader said about earlier documents says nothing about how it may die
        // on this one.
        self.stderr_tail
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        let (done, wait) = mpsc::channel::<()>();
        let child = Arc::clone(&self.child);
        // The watchdog kills the reader at the deadline, which ends the blocking read
        // below with end of file; finishing in time drops `done` and ends the watchdog.
        let watchdog = std::thread::Builder::new()
            .name("reader-watchdog".into())
            .spawn(move || match wait.recv_timeout(deadline) {
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    child
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .kill()
                        .ok();
                    true
                }
                _ => false,
            })
            .map_err(|_| Exchange::NotSent)?;
        let answer = match write_request(stdin, dossier_id, document_id, file, bytes) {
            Ok(()) => read_answer(&mut self.stdout).map_err(|_| Exchange::Lost),
            Err(_) => Err(Exchange::NotSent),
        };
        drop(done);
        self.killed = watchdog.join().unwrap_or(false);
        self.served += 1;
        match answer {
            Ok(report) => Ok(report),
            Err(_) if self.killed => Err(Exchange::TimedOut),
            Err(failure) => Err(failure),
        }
    }

    fn reusable(&self) -> bool {
        !self.killed && self.served < DOCUMENTS_PER_READER
    }

    /// Kills the reader if it still runs and says how it ended.
    fn discard(mut self) -> Death {
        let status = self.end(true);
        let tail = String::from_utf8_lossy(
            &self
                .stderr_tail
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
        .into_owned();
        classify_death(status, &tail)
    }

    fn end(&mut self, kill: bool) -> Option<ExitStatus> {
        self.stdin.take();
        let mut child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
        // A reader that died on its own keeps its own cause of death; an idle one exits at
        // the end of its input, and is killed only if it does not within a second.
        let mut status = child.try_wait().ok().flatten();
        if status.is_none() && !kill {
            for _ in 0..50 {
                std::thread::sleep(Duration::from_millis(20));
                status = child.try_wait().ok().flatten();
                if status.is_some() {
                    break;
                }
            }
        }
        if status.is_none() {
            child.kill().ok();
            status = child.wait().ok();
        }
        drop(child);
        if let Some(relay) = self.relay.take() {
            relay.join().ok();
        }
        status
    }
}

impl Drop for ReaderProcess {
    fn drop(&mut self) {
        if self.relay.is_some() {
            self.end(false);
        }
    }
}

fn classify_death(status: Option<ExitStatus>, stderr_tail: &str) -> Death {
    use std::os::unix::process::ExitStatusExt as _;
    // Rust aborts with this line when an allocation fails; C++ code (tesseract) throws
    // std::bad_alloc, uncaught across the C API; both die of SIGABRT.
    let out_of_memory = stderr_tail.contains("memory allocation of")
        || stderr_tail.contains("bad_alloc")
        || stderr_tail.contains("Cannot allocate memory")
        || stderr_tail.contains("out of memory");
    match status {
        _ if out_of_memory => Death::OutOfMemory,
        // SIGKILL that the watchdog did not send: the node's OOM killer, the pod's end.
        Some(status) if status.signal() == Some(9) => Death::KilledFromOutside("SIGKILL".into()),
        Some(status) => match (status.signal(), status.code()) {
            (Some(6), _) => Death::Crashed("SIGABRT".into()),
            (Some(11), _) => Death::Crashed("SIGSEGV".into()),
            (Some(7), _) => Death::Crashed("SIGBUS".into()),
            (Some(signal), _) => Death::Crashed(format!("signal {signal}")),
            // A panic outside the document boundary's catch_unwind.
            (None, Some(101)) => Death::Crashed("panic".into()),
            (None, code) => Death::Exited(code.unwrap_or(-1)),
        },
        None => Death::Crashed("état inconnu".into()),
    }
}

fn write_request(
    out: &mut impl Write,
    dossier_id: &str,
    document_id: &str,
    file: &str,
    bytes: &[u8],
) -> std::io::Result<()> {
    for text in [document_id, file, dossier_id] {
        out.write_all(&(text.len() as u32).to_le_bytes())?;
        out.write_all(text.as_bytes())?;
    }
    out.write_all(&(bytes.len() as u64).to_le_bytes())?;
    out.write_all(bytes)?;
    out.flush()
}

fn read_answer(input: &mut impl Read) -> std::io::Result<DocumentReport> {
    let mut length = [0u8; 4];
    input.read_exact(&mut length)?;
    let mut json = vec![0u8; u32::from_le_bytes(length) as usize];
    input.read_exact(&mut json)?;
    serde_json::from_slice(&json).map_err(std::io::Error::other)
}

/// One request read by a reader; `None` at the end of its input.
struct Request {
    document_id: String,
    file: String,
    dossier_id: String,
    bytes: Vec<u8>,
}

fn read_text(input: &mut impl Read) -> std::io::Result<String> {
    let mut length = [0u8; 4];
    input.read_exact(&mut length)?;
    let mut text = vec![0u8; u32::from_le_bytes(length) as usize];
    input.read_exact(&mut text)?;
    String::from_utf8(text).map_err(std::io::Error::other)
}

fn read_request(input: &mut impl Read, max_bytes: usize) -> std::io::Result<Option<Request>> {
    let document_id = match read_text(input) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    };
    let file = read_text(input)?;
    let dossier_id = read_text(input)?;
    let mut length = [0u8; 8];
    input.read_exact(&mut length)?;
    let length = u64::from_le_bytes(length);
    // The parent checks the size before sending; a frame past it is not ours.
    let length = usize::try_from(length)
        .ok()
        .filter(|l| *l <= max_bytes.saturating_add(1))
        .ok_or_else(|| std::io::Error::other(format!("a document frame of {length} bytes")))?;
    let mut bytes = vec![0u8; length];
    input.read_exact(&mut bytes)?;
    Ok(Some(Request {
        document_id,
        file,
        dossier_id,
        bytes,
    }))
}

/// In a reader process (`DOSSIER_READER` set), serves documents until the end of input and
/// returns `Some` exit status; in any other process returns `None` at once. Binaries that
/// read documents call this first thing in `main`, after setting up logging.
pub fn serve_if_reader() -> Option<std::process::ExitCode> {
    std::env::var_os(READER_ENV)?;
    Some(match serve() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "reader process stopped");
            std::process::ExitCode::from(3)
        }
    })
}

fn serve() -> std::io::Result<()> {
    use std::io::IsTerminal as _;
    // A variable left set in a shell would otherwise make every command wait on its input.
    if std::io::stdin().is_terminal() {
        return Err(std::io::Error::other(format!(
            "{READER_ENV} is set: this process would read documents framed on its standard \
             input, which is a terminal; unset {READER_ENV}"
        )));
    }
    let limits = ReadLimits::from_environment()?;
    confine(&limits)?;
    watch_parent();
    let options = limits.read_options();
    let mut input = std::io::stdin().lock();
    let mut output = BufWriter::new(std::io::stdout().lock());
    while let Some(request) = read_request(&mut input, options.max_file_bytes)? {
        let span = tracing::info_span!("reader", dossier_id = %request.dossier_id);
        let _entered = span.enter();
        let report = dossier_core::read_document(
            &request.document_id,
            &request.file,
            None,
            &request.bytes,
            &options,
        );
        drop(request);
        let json = serde_json::to_vec(&report).map_err(std::io::Error::other)?;
        output.write_all(&(json.len() as u32).to_le_bytes())?;
        output.write_all(&json)?;
        output.flush()?;
    }
    Ok(())
}

/// The reader's own caps: its address space, and no core dump of what it read.
fn confine(limits: &ReadLimits) -> std::io::Result<()> {
    use rustix::process::{Resource, Rlimit, setrlimit};
    setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    )?;
    if limits.max_memory_mib > 0 {
        // Never above a cap inherited from the parent (prlimit, a container runtime):
        // raising a hard limit is refused to unprivileged processes.
        let inherited = rustix::process::getrlimit(Resource::As).maximum;
        let bytes = limits
            .max_memory_mib
            .saturating_mul(1 << 20)
            .min(inherited.unwrap_or(u64::MAX));
        setrlimit(
            Resource::As,
            Rlimit {
                current: Some(bytes),
                maximum: Some(bytes),
            },
        )?;
    }
    Ok(())
}

/// A reader whose parent died (a worker killed with SIGKILL) exits at once instead of
/// finishing a document nobody waits for. The parent's pipe closing ends an idle reader;
/// this ends a busy one.
fn watch_parent() {
    let parent = std::os::unix::process::parent_id();
    std::thread::Builder::new()
        .name("reader-parent-watch".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                if std::os::unix::process::parent_id() != parent {
                    std::process::exit(4);
                }
            }
        })
        .ok();
}

#[cfg(test)]
mod tests {
    //! The pool's handling of readers that die, with shell scripts standing in for readers:
    //! what a real reader does with a document is tested end to end through `dossier`.

    use super::*;

    fn pool(script: &str, document_seconds: u64) -> ReaderPool {
        ReaderPool {
            program: PathBuf::from("sh"),
            arguments: vec!["-c".into(), script.into()],
            environment: Vec::new(),
            deadline: Duration::from_secs(document_seconds) + Duration::from_millis(300),
            memory_mib: 512,
            options: ReadOptions {
                max_file_bytes: 1 << 20,
                document_time: Duration::from_secs(document_seconds),
                ..ReadOptions::default()
            },
            idle: Mutex::new(VecDeque::new()),
            kills: Default::default(),
        }
    }

    /// A reader parses untrusted files: it inherits no credentials from its parent.
    /// See: issue 14, point 8.
    #[test]
    fn readers_inherit_no_credentials() {
        let parent = [
            ("PATH", "/usr/bin"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_ACCESS_KEY_ID", "key"),
            ("DOSSIER_AMQP_URL", "amqp://fleet:password@broker/"),
            ("DOSSIER_STORAGE_URL", "s3://uploads"),
            ("OMP_THREAD_LIMIT", "1"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let inherited: Vec<String> = reader_environment(parent)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(inherited, ["PATH", "OMP_THREAD_LIMIT"]);
        // And a real reader process sees nothing else of this test's environment (cargo
        // sets CARGO_PKG_NAME for it), but its limits.
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dump = dir.path().join("env");
        let pool = pool(&format!("env > '{}'; exit 3", dump.display()), 5);
        assert!(std::env::var_os("CARGO_PKG_NAME").is_some());
        pool.read("DOS-1", "D-1", "devis.pdf", b"%PDF-1.7").ok();
        let seen = std::fs::read_to_string(&dump).unwrap_or_default();
        assert!(seen.contains(&format!("{READER_ENV}=1")), "{seen}");
        assert!(!seen.contains("CARGO_PKG_NAME"), "{seen}");
    }

    fn reason(pool: &ReaderPool) -> Result<String, ReaderError> {
        let report = pool.read("DOS-1", "D-1", "devis.pdf", b"%PDF-1.7 hostile")?;
        assert_eq!(report.kind, DocumentKind::Unreadable);
        assert_eq!(report.document_id, "D-1");
        assert_eq!(
            report.sha256.as_deref(),
            Some(dossier_core::sha256_hex(b"%PDF-1.7 hostile").as_str())
        );
        Ok(report.reason.unwrap_or_default())
    }

    #[test]
    fn a_reader_past_its_deadline_is_killed_and_the_document_is_out_of_time() {
        let pool = pool("cat > /dev/null", 0);
        let reason = reason(&pool).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            reason.contains("budget de 0 s par document dépassé"),
            "{reason}"
        );
        assert!(
            pool.idle
                .lock()
                .map(|idle| idle.is_empty())
                .unwrap_or(false)
        );
    }

    #[test]
    fn a_reader_out_of_memory_makes_the_document_unreadable_for_memory() {
        // The fake reader waits for its document before dying, as a real one does: its
        // dying words written at start-up could be cleared with an earlier document's.
        let pool = pool(
            "head -c 1 > /dev/null; echo 'memory allocation of 3600000000 bytes failed' >&2; kill -ABRT $$",
            10,
        );
        let reason = reason(&pool).unwrap_or_else(|e| panic!("{e}"));
        assert!(reason.contains("plus de 512 Mo de mémoire"), "{reason}");
    }

    #[test]
    fn a_reader_that_crashes_makes_the_document_unreadable() {
        let pool = pool("head -c 1 > /dev/null; kill -SEGV $$", 10);
        let reason = reason(&pool).unwrap_or_else(|e| panic!("{e}"));
        assert!(reason.contains("SIGSEGV"), "{reason}");
    }

    #[test]
    fn a_reader_killed_from_outside_or_failing_on_its_own_is_not_the_documents_fault() {
        let killed = pool("kill -KILL $$", 10);
        assert!(matches!(
            reason(&killed),
            Err(ReaderError::KilledFromOutside(_))
        ));
        let broken = pool("exit 3", 10);
        assert!(matches!(reason(&broken), Err(ReaderError::Broken(3))));
    }

    #[test]
    fn empty_and_oversized_files_are_judged_without_a_reader() {
        let reader = Reader::Isolated(pool("exit 3", 10));
        let too_big = vec![b'%'; (1 << 20) + 1];
        for bytes in [&[][..], too_big.as_slice()] {
            let report = reader
                .read(
                    "DOS-1",
                    "D-1",
                    "devis.pdf",
                    Some(DocumentKind::Quote),
                    bytes,
                )
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(report.kind, DocumentKind::Unreadable);
            assert_eq!(report.declared_kind, Some(DocumentKind::Quote));
        }
    }

    #[test]
    fn frames_round_trip() {
        let mut wire = Vec::new();
        write_request(&mut wire, "DOS-1", "D-1", "devis é.pdf", b"bytes")
            .unwrap_or_else(|e| panic!("{e}"));
        let request = read_request(&mut wire.as_slice(), 5)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no request"));
        assert_eq!(
            (
                request.document_id.as_str(),
                request.file.as_str(),
                request.dossier_id.as_str(),
                request.bytes.as_slice()
            ),
            ("D-1", "devis é.pdf", "DOS-1", b"bytes".as_slice())
        );
        // A frame larger than the file size limit is refused, not allocated.
        assert!(read_request(&mut wire.as_slice(), 3).is_err());
        // The end of input ends the reader.
        assert!(matches!(read_request(&mut [].as_slice(), 5), Ok(None)));
    }
}
