//! `extract-worker`: consumes `document.uploaded.v1`, reads each upload once (extractions are
//! stored by content hash) and publishes `document.extracted.v1`. Settings: `--help`.

use std::process::ExitCode;

use dossier_fleet::{WorkerKind, worker_main};

fn main() -> ExitCode {
    worker_main(WorkerKind::Extract)
}
