//! A fleet for one test: a storage directory, worker processes, and the `dossier` CLI.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

static BROKER: Mutex<()> = Mutex::new(());

pub(crate) fn amqp_url() -> String {
    std::env::var("DOSSIER_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn sibling(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_verdict-worker")).with_file_name(name);
    assert!(
        path.exists(),
        "{} is not built: run `cargo build --workspace` first",
        path.display()
    );
    path
}

pub(crate) struct Fleet {
    _lock: MutexGuard<'static, ()>,
    pub(crate) data: tempfile::TempDir,
    children: Vec<(String, Child)>,
}

impl Fleet {
    /// Takes the broker for this test and empties the fleet's queues.
    pub(crate) fn new() -> Fleet {
        let lock = BROKER
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        runtime().block_on(async {
            let broker = dossier_amqp::Broker::connect(&amqp_url(), "fleet-test")
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "no broker at {}: {e} (the test command starts one)",
                        amqp_url()
                    )
                });
            // Deleted rather than purged: a queue or an exchange declared by an older release
            // with other arguments (a bound, an alternate exchange) could not be declared again.
            for queue in dossier_amqp::topology::queue_names() {
                broker.delete_queue(queue).await.ok();
            }
            for exchange in dossier_amqp::topology::exchange_names() {
                broker.delete_exchange(exchange).await.ok();
            }
            broker
                .declare_topology()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            broker.close().await;
        });
        Fleet {
            _lock: lock,
            data: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            children: Vec::new(),
        }
    }

    pub(crate) fn storage_url(&self) -> String {
        format!("file://{}", self.data.path().display())
    }

    /// The fleet's storage, as the test's portal side writes uploads to it.
    pub(crate) fn storage(&self) -> dossier_storage::Storage {
        dossier_storage::Storage::from_url(&self.storage_url()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn env(&self, command: &mut Command) {
        command
            .env("DOSSIER_AMQP_URL", amqp_url())
            .env("DOSSIER_STORAGE_URL", self.storage_url())
            .env("DOSSIER_LOG", "warn");
    }

    /// Starts a worker process (`extract-worker` or `verdict-worker`).
    pub(crate) fn start(&mut self, worker: &str, args: &[&str]) {
        let path = if worker == "verdict-worker" {
            PathBuf::from(env!("CARGO_BIN_EXE_verdict-worker"))
        } else {
            sibling(worker)
        };
        let mut command = Command::new(path);
        self.env(&mut command);
        if !args.contains(&"--http-addr") {
            command.args(["--http-addr", "127.0.0.1:0"]);
        }
        command
            .args(["--shutdown-grace-secs", "5"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = command.spawn().unwrap_or_else(|e| panic!("{worker}: {e}"));
        self.children.push((worker.to_string(), child));
    }

    /// SIGKILLs every process of a worker.
    pub(crate) fn kill(&mut self, worker: &str) {
        for (_, child) in self.children.iter_mut().filter(|(n, _)| n == worker) {
            child.kill().ok();
            child.wait().ok();
        }
        self.children.retain(|(n, _)| n != worker);
    }

    /// SIGTERMs every process of a worker, as Kubernetes does on a deploy or a scale-down,
    /// and waits for each to drain and exit.
    pub(crate) fn terminate(&mut self, worker: &str) {
        for (_, child) in self.children.iter_mut().filter(|(n, _)| n == worker) {
            let sent = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .is_ok_and(|s| s.success());
            assert!(sent, "cannot SIGTERM {worker}");
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            while child.try_wait().ok().flatten().is_none() {
                assert!(
                    std::time::Instant::now() < deadline,
                    "{worker} did not stop within 30 s of SIGTERM"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        self.children.retain(|(n, _)| n != worker);
    }

    pub(crate) fn dossier(&self, args: &[&str]) -> Output {
        let mut command = Command::new(sibling("dossier"));
        self.env(&mut command);
        command
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("dossier: {e}"))
    }

    /// Submits dossier folders through `dossier submit`, as the portal would; returns their
    /// ids in the order given.
    pub(crate) fn submit(&self, dirs: &[PathBuf]) -> Vec<String> {
        let mut args = vec!["submit".to_string()];
        args.extend(dirs.iter().map(|d| d.to_string_lossy().into_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = self.dossier(&args);
        assert!(
            output.status.success(),
            "submit failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Reads `count` verdicts through `dossier verdicts`.
    pub(crate) fn verdicts(&self, count: usize, timeout: Duration) -> Vec<serde_json::Value> {
        let output = self.dossier(&[
            "verdicts",
            "--count",
            &count.to_string(),
            "--timeout",
            &timeout.as_secs().to_string(),
        ]);
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for (_, child) in &mut self.children {
            child.kill().ok();
            child.wait().ok();
        }
    }
}

/// Stores a fixture dossier's files under `prefix` and returns its document list with their
/// URIs and hashes, as a submission carries it.
pub(crate) async fn upload_files(
    storage: &dossier_storage::Storage,
    dossier: &dossier_core::folder::FolderDossier,
    prefix: &str,
) -> Vec<dossier_contract::DocumentRef> {
    upload_files_marked(storage, dossier, prefix, "").await
}

/// [`upload_files`], each file followed by `mark` (a PDF comment such as `\n% unique 7\n`,
/// which readers ignore, gives the documents bytes and a SHA-256 of their own).
pub(crate) async fn upload_files_marked(
    storage: &dossier_storage::Storage,
    dossier: &dossier_core::folder::FolderDossier,
    prefix: &str,
    mark: &str,
) -> Vec<dossier_contract::DocumentRef> {
    let mut refs = Vec::new();
    for file in &dossier.files {
        let mut bytes = file.bytes.clone().unwrap_or_default();
        bytes.extend_from_slice(mark.as_bytes());
        let uri = storage
            .put_key(
                &format!("{prefix}/{}", file.file),
                bytes::Bytes::from(bytes.clone()),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        refs.push(dossier_contract::DocumentRef {
            document_id: file.document_id.clone(),
            file: file.file.clone(),
            declared_kind: file.declared_kind,
            uri: Some(uri),
            sha256: Some(dossier_core::sha256_hex(&bytes)),
        });
    }
    refs
}

/// Publishes a body to the fleet's exchange with a routing key, as a portal does.
pub(crate) async fn publish_event(publisher: &dossier_amqp::Publisher, key: &str, body: &[u8]) {
    publisher
        .publish(
            dossier_amqp::Target::Event(key),
            body,
            &dossier_amqp::Meta::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The fixture dossiers the load tests draw from: a pass, a review and two failures, at
/// both stages.
pub(crate) fn load_templates() -> Vec<dossier_core::folder::FolderDossier> {
    [
        "pass-request",
        "nda-missing",
        "pass-payment",
        "quote-totals",
    ]
    .iter()
    .map(|case| {
        dossier_core::folder::load(&fixtures().join("dossiers").join(case), 64 << 20)
            .unwrap_or_else(|e| panic!("{e}"))
    })
    .collect()
}

/// Notes a verdict's id under its dossier.
pub(crate) fn record_verdict(
    ids: &mut std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    verdict: &serde_json::Value,
) {
    let field = |name: &str| verdict[name].as_str().unwrap_or_default().to_string();
    ids.entry(field("dossier_id"))
        .or_default()
        .insert(field("verdict_id"));
}

/// `dossier validate`'s verdict of a folder.
pub(crate) fn validate(fleet: &Fleet, dir: &Path) -> serde_json::Value {
    let output = fleet.dossier(&["validate", &dir.to_string_lossy(), "--format", "json"]);
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"))
}

/// A local address nothing listens on, for a worker's ops endpoint the test reads.
pub(crate) fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    address.to_string()
}

/// A GET on a worker's ops endpoint (`/metrics`, `/readyz`): the whole response, status
/// line included; empty when nothing answers.
pub(crate) fn get(address: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(address) else {
        return String::new();
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return String::new();
    }
    let mut response = String::new();
    stream.read_to_string(&mut response).ok();
    response
}
