//! `errdecode kb check` and `errdecode kb stats`.

use std::process::ExitCode;

use anyhow::Result;
use errdecode_core::Decoder;

use super::KbSource;
use crate::cli::DataFormat;
use crate::render;

/// Every problem at once: the structural ones from parsing, then the ones that need the
/// decoder (signal names, variations that must decode to their own entry).
pub fn check(source: &KbSource, format: DataFormat) -> Result<ExitCode> {
    let files = match &source.dir {
        Some(dir) => errdecode_kb::read_dir(dir).map_err(|p| anyhow::anyhow!("{p}"))?,
        None => errdecode_kb::embedded_files(),
    };
    let (kb, mut problems) = errdecode_kb::parse(&files);
    let decoder = Decoder::new(kb);
    problems.extend(errdecode_core::kb_check::check(&decoder, &files));
    let stats = render::stats(decoder.kb());
    let report = render::KbCheck { ok: problems.is_empty(), problems: &problems, stats: &stats };
    // Problems go to stderr in text (a list for people), to stdout in JSON (data for scripts).
    render::renderer(format.into()).kb_check(
        &mut anstream::stdout().lock(),
        &mut anstream::stderr().lock(),
        &report,
    )?;
    Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

pub fn stats(source: &KbSource, format: DataFormat) -> Result<ExitCode> {
    let decoder = source.load()?;
    let stats = render::stats(decoder.kb());
    render::renderer(format.into()).stats(&mut anstream::stdout().lock(), &stats)?;
    Ok(ExitCode::SUCCESS)
}
