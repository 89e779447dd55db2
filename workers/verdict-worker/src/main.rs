//! `verdict-worker`: consumes `dossier.submitted.v1`, triages by training start date, then
//! verdicts the most urgent dossiers first and publishes `dossier.verdict.v1`. Settings:
//! `--help`.

use clap::Parser;
use dossier_fleet::{WorkerKind, init_logging, run_worker, settings::Worker};

fn main() -> anyhow::Result<()> {
    let settings = Worker::parse();
    init_logging(&settings.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run_worker(WorkerKind::Verdict, settings))?;
    Ok(())
}
