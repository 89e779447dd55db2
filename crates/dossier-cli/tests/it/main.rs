//! End-to-end tests of the `dossier` binary and the pipeline, driven by the fixtures:
//! extraction against each generated document's stated fields, verdicts against each
//! fixture dossier's expected status and rules (and a golden verdict snapshot), the exit
//! codes of contract §1, hostile inputs, scanned dossiers, and the real third-party documents of
//! `../shared/benchmarks` when they are present.

mod benchmarks;
mod cli;
mod dossiers;
mod extraction;
mod fuzz_regressions;
mod hostile;
mod scans;
mod support;
mod tidy;
