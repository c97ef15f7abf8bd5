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
//! The shipped knowledge base is embedded in the binary twice: parsed at build time
//! ([`load_embedded`] only decodes it) and as its source files ([`embedded_files`], for the
//! commands that show or diff the files). [`read_dir`] reads another copy from disk for
//! `--kb DIR`. Those are this crate's only I/O.

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
pub use parse::{ascii_boundaries, parse, read_dir, Parsed, SourceFile};
pub use problem::{Problem, Problems};
pub use sections::{SectionKind, CAUSE_SECTIONS, ERROR_SECTIONS};

/// The knowledge base embedded in this build, parsed and checked when the crate was built
/// (`build.rs`); a start-up only decodes it.
pub fn load_embedded() -> Result<KnowledgeBase, Problems> {
    static PARSED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/kb.postcard"));
    let Parsed { kb, problems } = postcard::from_bytes(PARSED).map_err(|error| {
        Problems(vec![Problem::new(
            "(embedded)",
            None,
            format!("cannot decode the embedded copy: {error}"),
        )])
    })?;
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
