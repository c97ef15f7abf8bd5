//! `errdecode decode`: a paste in, the diagnosis out.

use std::process::ExitCode;

use anyhow::Result;
use errdecode_core::DecodeOptions;

use super::KbSource;
use crate::cli::DecodeArgs;
use crate::{input, render};

pub fn run(source: &KbSource, args: DecodeArgs) -> Result<ExitCode> {
    let paste = input::read_paste(args.file.as_deref())?;
    input::refuse_binary(&paste, args.file.as_deref())?;
    let decoder = source.load()?;
    // `--now` fixes the clock, for output that does not change from one day to the next.
    let now = args.now.unwrap_or_else(super::now);
    let options = DecodeOptions { now: Some(now), ..Default::default() };
    let document = decoder.decode(&paste, &options);
    let mut out = anstream::stdout().lock();
    let renderer = render::renderer(args.format.format);
    super::write_redacted(&decoder, &mut out, |out| renderer.decode(out, &document))?;
    Ok(if document.recognised { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
