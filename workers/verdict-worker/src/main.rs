//! `verdict-worker`: consumes `dossier.submitted.v1`, triages it by urgency, then
//! verdicts the most urgent dossiers first and publishes `dossier.verdict.v1`. Settings:
//! `--help`.

use std::process::ExitCode;

use dossier_fleet::{WorkerKind, worker_main};

fn main() -> ExitCode {
    worker_main(WorkerKind::Verdict)
}
