//! `errdecode feedback report` and `errdecode feedback priors`: what the verdicts stored by
//! `serve --feedback-db` say, and the prior changes they suggest as a diff of `kb/`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use errdecode_feedback::{priors, report, Store};
use errdecode_kb::KnowledgeBase;

#[derive(Subcommand, Debug)]
pub enum FeedbackCommand {
    /// Per error, how often each cause was confirmed, rejected, and "none of these"; and the
    /// causes whose confirmations disagree most with their priors.
    Report {
        /// The store `serve --feedback-db` wrote: a SQLite file or postgres://...
        #[arg(long, value_name = "PATH|postgres://...")]
        feedback_db: String,
        /// Comma-separated values instead of `--format text|json`.
        #[arg(long)]
        csv: bool,
    },
    /// The prior changes the verdicts suggest, as a unified diff of the knowledge base's files
    /// (printed; review it and apply it with `git apply`).
    Priors {
        /// The store `serve --feedback-db` wrote: a SQLite file or postgres://...
        #[arg(long, value_name = "PATH|postgres://...")]
        feedback_db: String,
        /// Verdicts naming the answer an error needs before its priors are worth changing.
        #[arg(long, default_value_t = 10, value_name = "N")]
        min_verdicts: u64,
        /// The smallest change worth a review.
        #[arg(long, default_value_t = 0.05, value_name = "X")]
        min_change: f64,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Csv,
}

fn open(spec: &str) -> Result<Box<dyn Store>> {
    errdecode_feedback::open(spec).with_context(|| {
        if spec.starts_with("postgres") {
            "cannot open the feedback database".to_string()
        } else {
            format!("cannot open the feedback database {spec}")
        }
    })
}

/// Opens the store for `serve --feedback-db` (creating a SQLite file when missing).
#[cfg(feature = "web")]
pub fn for_serve(spec: &str, kb: &KnowledgeBase) -> Result<errdecode_web::feedback::Feedback> {
    Ok(errdecode_web::feedback::Feedback::new(open(spec)?, kb))
}

/// `kb_dir` is `--kb` (the diff names files under it); without it, the embedded copy, named
/// as `kb/` of a checkout.
pub fn run(
    command: FeedbackCommand,
    format: crate::cli::Format,
    kb: &KnowledgeBase,
    kb_dir: Option<&Path>,
) -> Result<ExitCode> {
    let mut out = anstream::stdout().lock();
    let version = errdecode_feedback::kb_version(kb);
    match command {
        FeedbackCommand::Report { feedback_db, csv } => {
            let report_format = match (csv, format) {
                (true, _) => ReportFormat::Csv,
                (false, crate::cli::Format::Json) => ReportFormat::Json,
                (false, _) => ReportFormat::Text,
            };
            let store = open(&feedback_db)?;
            let report = report::build(kb, &version, &store.tally()?);
            match report_format {
                ReportFormat::Text => write!(out, "{}", report.to_text())?,
                ReportFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
                ReportFormat::Csv => write!(out, "{}", report.to_csv())?,
            }
        }
        FeedbackCommand::Priors { feedback_db, min_verdicts, min_change } => {
            let store = open(&feedback_db)?;
            let report = report::build(kb, &version, &store.tally()?);
            let thresholds = priors::Thresholds { min_answers: min_verdicts, min_change };
            let changes = priors::changes(&report, thresholds);
            let (files, prefix) = match kb_dir {
                Some(dir) => (
                    errdecode_kb::read_dir(dir).map_err(|p| anyhow::anyhow!("{p}"))?,
                    dir.to_string_lossy().trim_end_matches('/').to_string(),
                ),
                None => (errdecode_kb::embedded_files(), "kb".to_string()),
            };
            let diff = priors::diff(kb, &files, &prefix, &changes);
            if diff.is_empty() {
                eprintln!(
                    "errdecode: no prior changes suggested ({} verdicts; an error needs {min_verdicts} that name the answer)",
                    report.verdicts
                );
            }
            write!(out, "{diff}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
