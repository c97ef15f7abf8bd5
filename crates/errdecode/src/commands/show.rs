//! `errdecode show`: the page of a known error or a cause.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use errdecode_core::Decoder;
use errdecode_kb::ErrorEntry;

use super::KbSource;
use crate::cli::ShowArgs;
use crate::render;

/// An error by id, or by code: the entry for the bare code first (no message or context
/// condition), then any entry with the code.
pub fn find_error<'k>(decoder: &'k Decoder, id: &str) -> Option<&'k ErrorEntry> {
    let kb = decoder.kb();
    let wanted = id.trim().to_ascii_lowercase();
    kb.error(&wanted).or_else(|| kb.error_for_code(&wanted))
}

pub fn run(source: &KbSource, args: ShowArgs) -> Result<ExitCode> {
    let decoder = source.load()?;
    let kb = decoder.kb();
    let renderer = render::renderer(args.format.format);
    let mut out = anstream::stdout().lock();
    if let Some(entry) = find_error(&decoder, &args.id) {
        renderer.error_page(&mut out, kb, entry)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(cause) = kb.cause(&args.id.trim().to_ascii_lowercase()) {
        renderer.cause_page(&mut out, kb, cause)?;
        return Ok(ExitCode::SUCCESS);
    }
    let hits = suggestions(&decoder, &args.id);
    let mut err = anstream::stderr().lock();
    writeln!(err, "errdecode: no error or cause with the id `{}`", args.id)?;
    if !hits.is_empty() {
        writeln!(err, "did you mean:")?;
        for hit in hits {
            writeln!(err, "  {}  {}", hit.id, hit.title)?;
        }
    }
    Ok(ExitCode::from(1))
}

/// Entries close to an id that does not exist: a search, then shorter and shorter prefixes
/// (`aadsts7000216` finds `aadsts7000215`).
pub fn suggestions(decoder: &Decoder, id: &str) -> Vec<errdecode_core::SearchHit> {
    let mut query = id.trim().to_string();
    loop {
        let hits = decoder.search(&query, 5);
        if !hits.is_empty() || query.chars().count() <= 4 {
            return hits;
        }
        query.pop();
    }
}
