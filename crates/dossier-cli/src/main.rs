//! `dossier`: the command line of the pre-check. `extract` reads one document, `validate`
//! checks dossier folders in-process (no broker), `bench` times the pipeline against its
//! anchors. Output formats and exit codes follow contract §1.

mod bench;
mod render;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use dossier_core::folder;
use dossier_fleet::reader::Reader;
use dossier_rules::Rulebook;

#[derive(Parser)]
#[command(
    name = "dossier",
    version,
    about = "Pré-contrôle des dossiers de financement de formation (OPCO)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Text,
    Html,
}

#[derive(Subcommand)]
enum Command {
    /// Classify one document and extract its fields (contract §4).
    Extract {
        file: PathBuf,
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Print the text as read (lines with their position and source, and on scans the
        /// blobs of non-text ink) instead of the fields.
        #[arg(long)]
        show_text: bool,
        #[command(flatten)]
        limits: dossier_fleet::settings::ReadLimits,
    },
    /// Check one or more dossier folders and print their verdicts (contract §3).
    Validate {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// A rulebook TOML file instead of the built-in OPCO 2i one.
        #[arg(long, env = "DOSSIER_RULEBOOK")]
        rulebook: Option<PathBuf>,
        #[command(flatten)]
        limits: dossier_fleet::settings::ReadLimits,
    },
    /// Fleet: store a dossier's files and publish its upload and submission messages.
    Submit {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[command(flatten)]
        connection: dossier_fleet::settings::Connection,
    },
    /// Fleet: print verdicts from the portal's verdict queue as JSON lines, acking each.
    Verdicts {
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// Seconds to wait for them.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        #[command(flatten)]
        connection: dossier_fleet::settings::Connection,
    },
    /// Fleet: list the dead-letter queue as JSON lines (origin queue, reason, body), or
    /// replay it: each message is sent back to the queue it came from.
    DeadLetters {
        /// Send the messages back to the queue they came from (retry count reset).
        #[arg(long)]
        replay: bool,
        /// Only replay messages that came from this queue.
        #[arg(long)]
        queue: Option<String>,
        /// Most messages to read.
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        #[command(flatten)]
        connection: dossier_fleet::settings::Connection,
    },
    /// Fleet: declare the RabbitMQ topology, or print it as a definitions file.
    Topology {
        /// Print the RabbitMQ definitions JSON instead of declaring.
        #[arg(long)]
        export: bool,
        #[command(flatten)]
        connection: dossier_fleet::settings::Connection,
    },
    /// Fleet: send N dossiers drawn from fixture folders at a rate and report throughput
    /// and latency percentiles.
    Loadgen {
        /// Dossier folders to draw from (default: fixtures/dossiers/* and the scanned
        /// fixtures/scans/*).
        dirs: Vec<PathBuf>,
        #[arg(long, default_value_t = 100)]
        count: usize,
        /// Dossiers per second; 0 sends as fast as possible.
        #[arg(long, default_value_t = 10.0)]
        rate: f64,
        #[arg(long, default_value_t = 120)]
        timeout: u64,
        /// Give every file of every dossier bytes of its own, so that each document is read
        /// rather than taken from the extraction cache.
        #[arg(long)]
        cold: bool,
        #[command(flatten)]
        connection: dossier_fleet::settings::Connection,
    },
    /// Benchmarks: reading against `pdftotext -layout`, validation per dossier.
    Bench {
        #[command(subcommand)]
        what: bench::BenchCommand,
    },
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// The fixture dossiers, text ones (`fixtures/dossiers`) and scanned ones (`fixtures/scans`).
fn fixture_dossiers() -> anyhow::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for root in ["fixtures/dossiers", "fixtures/scans"] {
        let Ok(entries) = std::fs::read_dir(root) else {
            continue;
        };
        dirs.extend(
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("dossier.json").is_file()),
        );
    }
    anyhow::ensure!(!dirs.is_empty(), "no fixture dossiers under fixtures/");
    dirs.sort();
    Ok(dirs)
}

fn default_format() -> Format {
    if std::io::stdout().is_terminal() {
        Format::Text
    } else {
        Format::Json
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DOSSIER_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    // Started again by `extract` or `validate` as a document reader (dossier_fleet::reader).
    if let Some(code) = dossier_fleet::reader::serve_if_reader() {
        return code;
    }
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("dossier: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn load_rulebook(path: Option<&PathBuf>) -> anyhow::Result<Rulebook> {
    match path {
        None => Ok(Rulebook::built_in()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read the rulebook", path.display()))?;
            Rulebook::from_toml(&text).with_context(|| format!("{}", path.display()))
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract {
            file,
            format,
            show_text,
            limits,
        } => {
            let options = limits.read_options();
            let bytes = std::fs::read(&file)
                .with_context(|| format!("{}: cannot be read", file.display()))?;
            if show_text {
                let text = dossier_core::read_text(&bytes, &options)
                    .map_err(|reason| anyhow::anyhow!("{}: {reason}", file.display()))?;
                std::io::stdout().write_all(render::text_as_read(&text).as_bytes())?;
                return Ok(ExitCode::SUCCESS);
            }
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let reader = Reader::new(&limits, None).context("cannot set up the reader")?;
            let report = reader.read("", &name, &name, None, &bytes)?;
            let out = match format.unwrap_or_else(default_format) {
                Format::Json => serde_json::to_string_pretty(&report)? + "\n",
                Format::Text => render::document_text(&report),
                Format::Html => render::document_html(&report),
            };
            std::io::stdout().write_all(out.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate {
            dirs,
            format,
            rulebook,
            limits,
        } => {
            let rulebook = load_rulebook(rulebook.as_ref())?;
            let format = format.unwrap_or_else(default_format);
            let reader = Reader::new(&limits, None).context("cannot set up the reader")?;
            let max_file_bytes = limits.read_options().max_file_bytes;
            let progress = (dirs.len() > 1 && std::io::stderr().is_terminal()).then(|| {
                let bar = indicatif::ProgressBar::new(dirs.len() as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:40} {pos}/{len} dossiers ({eta})",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar
            });
            let mut failed = false;
            let mut stdout = std::io::stdout().lock();
            for dir in &dirs {
                let verdict = folder::validate_with(
                    dir,
                    &rulebook,
                    max_file_bytes,
                    |dossier_id, file, bytes| {
                        reader.read(
                            dossier_id,
                            &file.document_id,
                            &file.file,
                            file.declared_kind,
                            bytes,
                        )
                    },
                );
                match verdict {
                    Ok(verdict) => {
                        let out = match format {
                            Format::Json if dirs.len() > 1 => {
                                serde_json::to_string(&verdict)? + "\n"
                            }
                            Format::Json => serde_json::to_string_pretty(&verdict)? + "\n",
                            Format::Text => render::verdict_text(&verdict),
                            Format::Html => render::verdict_html(&verdict),
                        };
                        stdout.write_all(out.as_bytes())?;
                    }
                    Err(err) => {
                        failed = true;
                        if let Some(bar) = &progress {
                            bar.suspend(|| eprintln!("dossier: {err}"));
                        } else {
                            eprintln!("dossier: {err}");
                        }
                    }
                }
                if let Some(bar) = &progress {
                    bar.inc(1);
                }
            }
            if let Some(bar) = progress {
                bar.finish_and_clear();
            }
            Ok(if failed {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Bench { what } => bench::run(what),
        Command::Submit { dirs, connection } => {
            let ids = runtime()?.block_on(dossier_fleet::portal::submit(&connection, &dirs))?;
            for id in ids {
                println!("{id}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verdicts {
            count,
            timeout,
            connection,
        } => {
            let read = runtime()?.block_on(dossier_fleet::portal::verdicts(
                &connection,
                count,
                std::time::Duration::from_secs(timeout),
            ))?;
            Ok(if read == count {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::DeadLetters {
            replay,
            queue,
            limit,
            connection,
        } => {
            let report = runtime()?.block_on(dossier_fleet::portal::dead_letters(
                &connection,
                replay,
                queue.as_deref(),
                limit,
            ))?;
            eprintln!(
                "dossier: {} dead letters listed, {} replayed",
                report.listed, report.replayed
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Topology { export, connection } => {
            if export {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&dossier_fleet::portal::topology_definitions())?
                );
            } else {
                runtime()?.block_on(dossier_fleet::portal::declare_topology(&connection))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Loadgen {
            dirs,
            count,
            rate,
            timeout,
            cold,
            connection,
        } => {
            let dirs = if dirs.is_empty() {
                fixture_dossiers()?
            } else {
                dirs
            };
            let report = runtime()?.block_on(dossier_fleet::portal::loadgen(
                &connection,
                &dirs,
                count,
                rate,
                std::time::Duration::from_secs(timeout),
                cold,
            ))?;
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
            println!(
                "| cache | sent | verdicts | elapsed | throughput | p50 | p95 | p99 | validate (batch) per dossier | validate throughput |"
            );
            println!("|---|---|---|---|---|---|---|---|---|---|");
            println!(
                "| {} | {} | {} | {:.2} s | {:.1} dossiers/s | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} dossiers/s |",
                if cold { "cold" } else { "warm" },
                report.sent,
                report.received,
                report.elapsed.as_secs_f64(),
                report.received as f64 / report.elapsed.as_secs_f64().max(1e-9),
                ms(report.percentile(50.0)),
                ms(report.percentile(95.0)),
                ms(report.percentile(99.0)),
                ms(report.validate_per_dossier),
                1.0 / report.validate_per_dossier.as_secs_f64().max(1e-9)
            );
            Ok(if report.received == report.sent {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
