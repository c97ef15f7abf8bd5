//! Output for people: text for terminals, Markdown for issues and chats. JSON is serde's.

pub mod markdown;
pub mod text;

use std::collections::BTreeMap;

use errdecode_kb::{KnowledgeBase, Tier};
use serde::Serialize;

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
        rich_pages: kb.errors.iter().filter(|e| e.tier == Tier::Rich).count(),
        causes: kb.causes.len(),
        products: kb.products.len(),
        endpoints: kb.endpoint_permissions.len(),
        endpoint_paths: kb.endpoint_permissions.paths(),
        errors_by_product,
        codes: codes.len(),
        aadsts_codes: codes.iter().filter(|c| c.starts_with("AADSTS")).count(),
        http_status_pages: kb
            .errors
            .iter()
            .filter(|e| e.codes.is_empty() && e.messages.is_empty() && !e.http_status.is_empty())
            .count(),
        variations: kb.errors.iter().map(|e| e.variations.len()).sum(),
    }
}

/// Percent with no decimals, for scores in [0, 1].
pub fn percent(value: f32) -> String {
    format!("{:.0}%", value * 100.0)
}
