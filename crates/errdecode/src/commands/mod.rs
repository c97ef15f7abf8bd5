//! One file per command. Each takes its parsed arguments, does its work through the core, and
//! prints through the renderer `render::renderer` picks for its `--format`.

pub mod decode;
pub mod feedback;
pub mod generate;
pub mod kb;
pub mod list;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod search;
#[cfg(feature = "web")]
pub mod serve;
pub mod show;
pub mod token;

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use errdecode_core::{Decoder, PermissionIndex};

/// Where the knowledge base and the permission table come from (`--kb`, `--permissions`).
#[derive(Debug, Clone, Default)]
pub struct KbSource {
    pub dir: Option<PathBuf>,
    pub permissions: Option<PathBuf>,
}

impl KbSource {
    pub fn load(&self) -> Result<Decoder> {
        let kb = match &self.dir {
            Some(dir) => errdecode_kb::load_dir(dir)
                .map_err(|problems| anyhow::anyhow!("{problems}"))
                .with_context(|| format!("the knowledge base in {} is not valid", dir.display()))?,
            None => errdecode_kb::load_embedded()
                .map_err(|problems| anyhow::anyhow!("{problems}"))
                .context("the embedded knowledge base is not valid")?,
        };
        let mut decoder = Decoder::new(kb);
        if let Some(path) = &self.permissions {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let index = PermissionIndex::from_microsoft_json(&text)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("{} is not a Graph permissions file", path.display()))?;
            decoder = decoder.with_permissions(index);
        }
        Ok(decoder)
    }
}

/// Writes to `out` what `render` writes, with every token signature and secret removed by the
/// one redactor (`errdecode_core::redact`, through [`Decoder::redact`]): no credential quoted
/// from the input reaches a terminal, a file or a chat, whatever the format, and the
/// knowledge base's own text goes out as written.
pub fn write_redacted(
    decoder: &Decoder,
    out: &mut dyn Write,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let mut rendered = Vec::new();
    render(&mut rendered)?;
    let text = String::from_utf8_lossy(&rendered);
    out.write_all(decoder.redact(&text).as_bytes())?;
    Ok(())
}

/// The clock, read here (the core takes it as an argument).
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// `errdecode --version`: the program's version, then the knowledge base it carries: its date
/// (the latest review) and what it holds.
pub fn long_version() -> String {
    let version = env!("CARGO_PKG_VERSION");
    match errdecode_kb::load_embedded() {
        Ok(kb) => {
            let date = kb
                .errors
                .iter()
                .map(|e| e.last_reviewed.as_str())
                .chain(kb.causes.iter().map(|c| c.last_reviewed.as_str()))
                .max()
                .unwrap_or("unknown")
                .to_string();
            format!(
                "{version} (knowledge base of {date}: {} errors, {} causes, {} products, {} endpoints)",
                kb.errors.len(),
                kb.causes.len(),
                kb.products.len(),
                kb.endpoint_permissions.count()
            )
        }
        Err(_) => format!("{version} (the embedded knowledge base is not valid)"),
    }
}
