//! `errdecode`: the command line shell around errdecode-core.
//!
//! Exit codes (documented in the README):
//! - 0: success (decode: a known error was recognised; search: something was found)
//! - 1: decode: nothing recognised with confidence; search/show: nothing found; kb check: problems
//! - 2: usage error, unreadable input, invalid knowledge base

mod cli;
mod feedback;
mod input;
mod render;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = io::stderr().lock();
            let _ = writeln!(stderr, "errdecode: {error}");
            for cause in error.chain().skip(1) {
                let _ = writeln!(stderr, "  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

/// Piping into `head` closes our stdout early; that is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
