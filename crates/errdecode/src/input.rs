//! Reading pastes from files and standard input, with clear errors.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};
use errdecode_core::normalize::MAX_PASTE_BYTES;

/// Reads at most one byte more than the decoder uses, so that a 100 MB paste costs no more
/// than a 4 MB one and the decoder can still say it was cut.
pub fn read_paste(source: Option<&str>) -> Result<Vec<u8>> {
    let limit = MAX_PASTE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    match source {
        None | Some("-") => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                eprintln!(
                    "errdecode: paste the error, then press Ctrl-D (Ctrl-Z then Enter on Windows)"
                );
            }
            stdin
                .lock()
                .take(limit)
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
        }
        Some(path) => {
            let path = Path::new(path);
            if path.is_dir() {
                bail!(
                    "{} is a folder; give a file holding the paste, or - for standard input",
                    path.display()
                );
            }
            let file =
                File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            file.take(limit)
                .read_to_end(&mut bytes)
                .with_context(|| format!("cannot read {}", path.display()))?;
        }
    }
    Ok(bytes)
}

/// A JWT given on the command line, or a paste from a file or stdin.
pub fn read_token_argument(argument: Option<&str>) -> Result<Vec<u8>> {
    match argument {
        Some(text) if text.starts_with("eyJ") || text.starts_with("Bearer ") => {
            Ok(text.as_bytes().to_vec())
        }
        other => read_paste(other),
    }
}
