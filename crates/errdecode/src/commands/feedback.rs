//! `errdecode feedback report` and `errdecode feedback priors`: what the verdicts stored by
//! `serve --feedback-db` say, and the prior changes they suggest as a diff of `kb/`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use errdecode_feedback::{priors, report, Store};

use super::KbSource;
use crate::cli::{FeedbackPriorsArgs, FeedbackReportArgs};
use crate::render;

/// The store named by `--feedback-db`: a SQLite file (created when missing) or postgres://...
/// A PostgreSQL URL can hold a password, so it is never repeated in an error.
pub fn open(spec: &str) -> Result<Box<dyn Store>> {
    errdecode_feedback::open(spec).with_context(|| {
        if spec.starts_with("postgres") {
            "cannot open the feedback database".to_string()
        } else {
            format!("cannot open the feedback database {spec}")
        }
    })
}

pub fn report(source: &KbSource, args: FeedbackReportArgs) -> Result<ExitCode> {
    let decoder = source.load()?;
    let kb = decoder.kb();
    let store = open(&args.feedback_db)?;
    let report = report::build(kb, &errdecode_feedback::kb_version(kb), &store.tally()?);
    render::feedback::report(args.format, &mut anstream::stdout().lock(), &report)?;
    Ok(ExitCode::SUCCESS)
}

/// The diff names files under `--kb`; without it, the embedded copy, named as `kb/` of a
/// checkout.
pub fn priors(source: &KbSource, args: FeedbackPriorsArgs) -> Result<ExitCode> {
    let decoder = source.load()?;
    let kb = decoder.kb();
    let store = open(&args.feedback_db)?;
    let report = report::build(kb, &errdecode_feedback::kb_version(kb), &store.tally()?);
    let thresholds =
        priors::Thresholds { min_answers: args.min_verdicts, min_change: args.min_change };
    let changes = priors::changes(&report, thresholds);
    let (files, prefix) = match &source.dir {
        Some(dir) => (
            errdecode_kb::read_dir(dir).map_err(|p| anyhow::anyhow!("{p}"))?,
            dir.to_string_lossy().trim_end_matches('/').to_string(),
        ),
        None => (errdecode_kb::embedded_files(), "kb".to_string()),
    };
    let diff = priors::diff(kb, &files, &prefix, &changes);
    if diff.is_empty() {
        writeln!(
            anstream::stderr().lock(),
            "errdecode: no prior changes suggested ({} verdicts; an error needs {} that name the answer)",
            report.verdicts,
            args.min_verdicts
        )?;
    }
    write!(anstream::stdout().lock(), "{diff}")?;
    Ok(ExitCode::SUCCESS)
}
