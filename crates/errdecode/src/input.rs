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

/// A token given on the command line, a file holding one, or standard input (`-` or nothing).
/// An argument that is no file is the token itself, whatever it looks like: `notatoken` is
/// then reported as no token, not as a missing file.
pub fn read_token_argument(argument: Option<&str>) -> Result<Vec<u8>> {
    match argument {
        None | Some("-") => read_paste(argument),
        Some(text) if text.starts_with("eyJ") || text.starts_with("Bearer ") => {
            Ok(text.as_bytes().to_vec())
        }
        Some(text) if Path::new(text).is_file() => read_paste(Some(text)),
        Some(text) => Ok(text.as_bytes().to_vec()),
    }
}

/// Refuses what is no paste at all: a binary file (an executable, an archive, an image) would
/// otherwise yield hundreds of "error codes" from its strings. UTF-16 text is text.
pub fn refuse_binary(bytes: &[u8], source: Option<&str>) -> Result<()> {
    if errdecode_core::encoding::detect_utf16(bytes).is_some() {
        return Ok(());
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    let nul = sample.iter().filter(|&&b| b == 0).count();
    if !sample.is_empty() && (control * 10 > sample.len() || nul * 100 > sample.len()) {
        let what = match source {
            None | Some("-") => "standard input".to_string(),
            Some(path) => path.to_string(),
        };
        bail!(
            "{what} is binary data, not a paste: give the error text (a log, a response, a message) as UTF-8 or UTF-16 text"
        );
    }
    Ok(())
}
