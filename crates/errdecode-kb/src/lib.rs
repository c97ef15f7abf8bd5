//! The errdecode knowledge base: what the decoder knows, as data.
//!
//! Content lives in the repository's `kb/` folder as Markdown files with TOML front matter
//! (`+++ … +++`): one file per known error, per cause and per product, plus tables for code
//! families with hundreds of members. This crate owns the format: it parses those files into
//! the [`model`] types, checks their structure, and reports **every** problem at once with the
//! file and line it stands on ([`Problem`]). It knows nothing about decoding pastes; the checks
//! that need the decoder (every variation decodes to its own entry, signal names exist) live in
//! `errdecode-core`.
//!
//! The shipped knowledge base is embedded in the binary ([`embedded_files`]); [`read_dir`] reads
//! another copy from disk for `--kb DIR`. Those two functions are this crate's only I/O.

mod check;
mod embedded;
mod frontmatter;
mod mentions;
pub mod model;
mod parse;
mod permissions;
mod problem;
mod requirements;
mod sections;
mod tables;

pub use embedded::embedded_files;
pub use model::*;
pub use parse::{ascii_boundaries, parse, read_dir, SourceFile};
pub use problem::{Problem, Problems};
pub use sections::{SectionKind, CAUSE_SECTIONS, ERROR_SECTIONS};

/// Parses and checks the knowledge base embedded in this build.
pub fn load_embedded() -> Result<KnowledgeBase, Problems> {
    let (kb, problems) = parse(&embedded_files());
    if problems.is_empty() {
        Ok(kb)
    } else {
        Err(Problems(problems))
    }
}

/// Reads, parses and checks the knowledge base in `dir`.
pub fn load_dir(dir: &std::path::Path) -> Result<KnowledgeBase, Problems> {
    let files = read_dir(dir).map_err(|problem| Problems(vec![problem]))?;
    let (kb, problems) = parse(&files);
    if problems.is_empty() {
        Ok(kb)
    } else {
        Err(Problems(problems))
    }
}
