//! `errdecode show`: the page of a known error or a cause.

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

/// The most of an asked id echoed in a "not found" message.
pub const SHOWN_ID_CHARS: usize = 120;

pub fn run(source: &KbSource, args: ShowArgs) -> Result<ExitCode> {
    let decoder = source.load()?;
    let kb = decoder.kb();
    let renderer = render::renderer(args.format.format);
    let mut out = anstream::stdout().lock();
    // No id is longer than this: a longer one is cut before any lookup.
    let id = errdecode_core::text::first_chars(&args.id, errdecode_kb::SUGGEST_CHARS);
    if let Some(entry) = find_error(&decoder, id) {
        super::write_redacted(&decoder, &mut out, |out| renderer.error_page(out, kb, entry))?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(cause) = kb.cause(&id.trim().to_ascii_lowercase()) {
        super::write_redacted(&decoder, &mut out, |out| renderer.cause_page(out, kb, cause))?;
        return Ok(ExitCode::SUCCESS);
    }
    let hits = suggestions(&decoder, id);
    let mut err = anstream::stderr().lock();
    super::write_redacted(&decoder, &mut err, |err| {
        let shown = errdecode_core::text::first_chars(id, SHOWN_ID_CHARS);
        writeln!(err, "errdecode: no error or cause with the id `{shown}`")?;
        if !hits.is_empty() {
            writeln!(err, "did you mean:")?;
            for hit in &hits {
                writeln!(err, "  {}  {}", hit.id, hit.title)?;
            }
        }
        Ok(())
    })?;
    Ok(ExitCode::from(1))
}

/// Entries close to an id that does not exist (`aadsts7000216` finds `aadsts7000215`): one
/// bounded lookup, whatever the length of the id (see `Decoder::suggest`).
pub fn suggestions(decoder: &Decoder, id: &str) -> Vec<errdecode_core::SearchHit> {
    decoder.suggest(id.trim())
}
