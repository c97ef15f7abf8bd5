//! `errdecode search`.

use std::process::ExitCode;

use anyhow::Result;

use super::KbSource;
use crate::cli::SearchArgs;
use crate::render;

pub fn run(source: &KbSource, args: SearchArgs) -> Result<ExitCode> {
    let decoder = source.load()?;
    let query = args.query.join(" ");
    let found = decoder.search_counted(&query, args.limit);
    let hits = found.hits;
    let mut out = anstream::stdout().lock();
    let renderer = render::renderer(args.format.format);
    super::write_redacted(&decoder, &mut out, |out| {
        renderer.search(out, &query, &hits, found.total)
    })?;
    Ok(if hits.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
