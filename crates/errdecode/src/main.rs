//! `errdecode`: the command line shell around errdecode-core.
//!
//! Exit codes (documented in the README):
//! - 0: success (decode: a known error was recognised; search: something was found; token: it
//!   decodes and has no problem)
//! - 1: decode: nothing recognised with confidence; search/show: nothing found; token: problems
//!   or no token; kb check: problems
//! - 2: usage error, unreadable input, invalid knowledge base

mod cli;
mod commands;
mod input;
#[cfg(feature = "mcp")]
mod mcp;
mod render;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    let mut command = cli::Cli::command();
    // The knowledge base is loaded for the version line only when it is asked for.
    if std::env::args_os().skip(1).any(|a| a == "--version" || a == "-V") {
        command = command.version(commands::long_version());
    }
    let cli = match cli::Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    match cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = io::stderr().lock();
            let _ = writeln!(stderr, "errdecode: {error}");
            // A cause whose words the message above already holds is not repeated.
            let mut said = error.to_string();
            for cause in error.chain().skip(1) {
                let text = cause.to_string();
                if !said.contains(&text) {
                    let _ = writeln!(stderr, "  caused by: {text}");
                }
                said.push_str(&text);
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
