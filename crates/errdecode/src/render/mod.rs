//! Output: text for terminals, Markdown for issues and chats, JSON for scripts. One
//! [`Renderer`] per format, chosen in one place ([`renderer`]); the commands never match on a
//! format themselves.

pub mod feedback;
pub mod json;
pub mod markdown;
pub mod plain;
pub mod text;

use std::collections::BTreeMap;
use std::io::{self, Write};

use errdecode_core::token::TokenVerdict;
use errdecode_core::{DecodeDocument, SearchHit};
use errdecode_kb::{Cause, ErrorEntry, KnowledgeBase, Problem};
use serde::Serialize;

use crate::cli::Format;

/// Everything a command prints, in one format.
pub trait Renderer {
    fn decode(&self, out: &mut dyn Write, doc: &DecodeDocument) -> io::Result<()>;
    fn tokens(&self, out: &mut dyn Write, verdict: &TokenVerdict) -> io::Result<()>;
    fn error_page(
        &self,
        out: &mut dyn Write,
        kb: &KnowledgeBase,
        entry: &ErrorEntry,
    ) -> io::Result<()>;
    fn cause_page(&self, out: &mut dyn Write, kb: &KnowledgeBase, cause: &Cause) -> io::Result<()>;
    /// `hits` are those shown (after `--limit`), `total` how many matched.
    fn search(
        &self,
        out: &mut dyn Write,
        query: &str,
        hits: &[SearchHit],
        total: usize,
    ) -> io::Result<()>;
    /// `entries` are those shown (after `--limit`), `total` how many matched.
    fn list(&self, out: &mut dyn Write, entries: &[&ErrorEntry], total: usize) -> io::Result<()>;
    fn stats(&self, out: &mut dyn Write, stats: &Stats) -> io::Result<()>;
    fn kb_check(
        &self,
        out: &mut dyn Write,
        err: &mut dyn Write,
        report: &KbCheck<'_>,
    ) -> io::Result<()>;
}

/// The one place a format becomes a renderer.
pub fn renderer(format: Format) -> &'static dyn Renderer {
    match format {
        Format::Text => &text::Text,
        Format::Json => &json::Json,
        Format::Markdown => &markdown::Markdown,
    }
}

/// The outcome of `kb check`.
pub struct KbCheck<'a> {
    pub ok: bool,
    pub problems: &'a [Problem],
    pub stats: &'a Stats,
}

#[derive(Serialize)]
pub struct Stats {
    pub errors: usize,
    pub rich_pages: usize,
    pub causes: usize,
    pub products: usize,
    pub endpoints: usize,
    /// Distinct paths of the endpoint permission table.
    pub endpoint_paths: usize,
    pub errors_by_product: BTreeMap<String, usize>,
    pub codes: usize,
    pub aadsts_codes: usize,
    pub http_status_pages: usize,
    pub variations: usize,
}

pub fn stats(kb: &KnowledgeBase) -> Stats {
    let mut errors_by_product = BTreeMap::new();
    for entry in &kb.errors {
        *errors_by_product.entry(entry.product.clone()).or_insert(0) += 1;
    }
    let codes: std::collections::BTreeSet<&str> =
        kb.errors.iter().flat_map(|e| e.codes.iter().map(String::as_str)).collect();
    Stats {
        errors: kb.errors.len(),
        rich_pages: kb.errors.iter().filter(|e| e.tier.is_rich()).count(),
        causes: kb.causes.len(),
        products: kb.products.len(),
        endpoints: kb.endpoint_permissions.len(),
        endpoint_paths: kb.endpoint_permissions.paths(),
        errors_by_product,
        codes: codes.len(),
        aadsts_codes: codes.iter().filter(|c| c.starts_with("AADSTS")).count(),
        http_status_pages: kb.errors.iter().filter(|e| e.is_status_page()).count(),
        variations: kb.errors.iter().map(|e| e.variations.len()).sum(),
    }
}

/// "1 role", "2 roles".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The sources worth showing a reader: links. Paths into the project's own data
/// (`shared/data/...`) say nothing to someone who installed the program.
pub fn public_sources(sources: &[String]) -> Vec<&str> {
    sources
        .iter()
        .map(String::as_str)
        .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
        .collect()
}

/// Percent with no decimals, for scores in [0, 1].
pub fn percent(value: f32) -> String {
    format!("{:.0}%", value * 100.0)
}
