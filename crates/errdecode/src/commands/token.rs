//! `errdecode token`: decode a token, explain its claims, and check it.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use errdecode_core::token::{verdict, ValidationOptions};
use errdecode_core::DecodeOptions;

use super::KbSource;
use crate::cli::{Format, TokenArgs};
use crate::{input, render};

pub fn run(source: &KbSource, args: TokenArgs) -> Result<ExitCode> {
    let text = input::read_token_argument(args.token.as_deref())?;
    let decoder = source.load()?;
    let now = super::now();
    let (reports, warnings) =
        decoder.decode_tokens(&text, &DecodeOptions { now: Some(now), ..Default::default() });
    let options = ValidationOptions {
        at: Some(args.at.unwrap_or(now)),
        audience: args.aud,
        issuer: args.iss,
    };
    let verdict = verdict(reports, warnings, &options);
    let format = if args.json { Format::Json } else { args.format.format };
    if verdict.tokens.is_empty() && format != Format::Json {
        let mut err = anstream::stderr().lock();
        writeln!(
            err,
            "errdecode: no token found: give a JWT (eyJ...), a line with `Bearer <token>`, pasted claims, or a file holding one"
        )?;
        return Ok(ExitCode::from(1));
    }
    let mut out = anstream::stdout().lock();
    super::write_redacted(&decoder, &mut out, |out| {
        render::renderer(format).tokens(out, &verdict)
    })?;
    Ok(if verdict.valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
