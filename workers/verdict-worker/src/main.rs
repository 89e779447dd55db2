//! `verdict-worker`: consumes `dossier.submitted.v1`, triages by training start date, then
//! verdicts the most urgent dossiers first and publishes `dossier.verdict.v1`. Settings:
//! `--help`.

use std::process::ExitCode;

use clap::Parser;
use dossier_fleet::{WorkerKind, init_logging, run_worker, settings::Worker};

fn main() -> anyhow::Result<ExitCode> {
    let settings = Worker::parse();
    init_logging(&settings.log_format);
    // Started again as a document reader by this worker (see dossier_fleet::reader).
    if let Some(code) = dossier_fleet::reader::serve_if_reader() {
        return Ok(code);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run_worker(WorkerKind::Verdict, settings))?;
    Ok(ExitCode::SUCCESS)
}
