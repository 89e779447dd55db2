//! `extract-worker`: consumes `document.uploaded.v1`, reads each upload once (extractions are
//! stored by content hash) and publishes `document.extracted.v1`. Settings: `--help`.

use clap::Parser;
use dossier_fleet::{WorkerKind, init_logging, run_worker, settings::Worker};

fn main() -> anyhow::Result<()> {
    let settings = Worker::parse();
    init_logging(&settings.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run_worker(WorkerKind::Extract, settings))?;
    Ok(())
}
