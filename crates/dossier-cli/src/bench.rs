//! Benchmarks, run as `dossier bench …`: performance is measured here against anchors in
//! the same run, never asserted in tests.

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clap::Subcommand;
use dossier_core::{ReadOptions, folder, read_document};
use dossier_rules::Rulebook;

#[derive(Subcommand)]
pub(crate) enum BenchCommand {
    /// Time the whole reading (text layer + classification + fields) of PDFs against one
    /// `pdftotext -layout` pass over the same files.
    Read {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value_t = 5)]
        rounds: u32,
    },
    /// Time `validate` per dossier in batch mode (one process) against `pdftotext -layout`
    /// over the same files.
    Validate {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long, default_value_t = 5)]
        rounds: u32,
    },
    /// Print what OCR recognises on an image (JPEG, PNG, TIFF) in tesseract's reading order,
    /// for `scripts/bench_ocr.py` to measure the character error rate and time per page
    /// against the tesseract CLI.
    OcrText { file: PathBuf },
}

fn pdftotext(files: &[PathBuf]) -> Option<Duration> {
    let started = Instant::now();
    for file in files {
        let status = Command::new("pdftotext")
            .arg("-layout")
            .arg(file)
            .arg("/dev/null")
            .status()
            .ok()?;
        if !status.success() {
            return None;
        }
    }
    Some(started.elapsed())
}

fn pdfs_in(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(d)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|e| e.path())
        })
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
        .collect();
    files.sort();
    files
}

fn best_of(rounds: u32, mut f: impl FnMut()) -> Duration {
    (0..rounds.max(1))
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ratio_line(ours: Duration, anchor: Option<Duration>) -> String {
    match anchor {
        Some(anchor) if !anchor.is_zero() => format!(
            "ratio to pdftotext -layout: {:.2}x",
            ours.as_secs_f64() / anchor.as_secs_f64()
        ),
        _ => "pdftotext not available: no ratio".to_string(),
    }
}

pub(crate) fn run(command: BenchCommand) -> anyhow::Result<ExitCode> {
    let options = ReadOptions::default();
    match command {
        BenchCommand::OcrText { file } => {
            let bytes = std::fs::read(&file)?;
            let text = dossier_core::image_plain_text(&bytes, &options)
                .map_err(|reason| anyhow::anyhow!("{}: {reason}", file.display()))?;
            println!("{text}");
        }
        BenchCommand::Read { files, rounds } => {
            let inputs: Vec<(PathBuf, Vec<u8>)> = files
                .iter()
                .filter_map(|f| std::fs::read(f).ok().map(|b| (f.clone(), b)))
                .collect();
            let ours = best_of(rounds, || {
                for (path, bytes) in &inputs {
                    let name = path.display().to_string();
                    std::hint::black_box(read_document(&name, &name, None, bytes, &options));
                }
            });
            let paths: Vec<PathBuf> = inputs.iter().map(|(p, _)| p.clone()).collect();
            let anchor = (0..rounds.max(1)).filter_map(|_| pdftotext(&paths)).min();
            println!(
                "read: {} files, best of {rounds}: {:.1} ms ({:.2} ms/file); pdftotext -layout: {}; {}",
                inputs.len(),
                ours.as_secs_f64() * 1e3,
                ours.as_secs_f64() * 1e3 / inputs.len().max(1) as f64,
                anchor.map_or("n/a".into(), |a| format!("{:.1} ms", a.as_secs_f64() * 1e3)),
                ratio_line(ours, anchor)
            );
        }
        BenchCommand::Validate { dirs, rounds } => {
            let rulebook = Rulebook::built_in();
            let ours = best_of(rounds, || {
                for dir in &dirs {
                    std::hint::black_box(folder::validate(dir, &rulebook, &options).ok());
                }
            });
            let files = pdfs_in(&dirs);
            let anchor = (0..rounds.max(1)).filter_map(|_| pdftotext(&files)).min();
            println!(
                "validate (batch): {} dossiers, {} PDFs, best of {rounds}: {:.1} ms ({:.2} ms/dossier); pdftotext -layout over the same PDFs: {}; {}",
                dirs.len(),
                files.len(),
                ours.as_secs_f64() * 1e3,
                ours.as_secs_f64() * 1e3 / dirs.len().max(1) as f64,
                anchor.map_or("n/a".into(), |a| format!("{:.1} ms", a.as_secs_f64() * 1e3)),
                ratio_line(ours, anchor)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
