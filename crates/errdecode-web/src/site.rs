//! The site: the decoder, the compiled templates and the lookups the pages need, built once
//! and shared by the server and the export.

use std::collections::HashMap;
use std::sync::Arc;

use errdecode_core::Decoder;
use errdecode_kb::{Cause, ErrorEntry, KnowledgeBase, Product, Tier};
use minijinja::Environment;

use crate::assets::Assets;
use crate::templates;

/// Everything a page needs to render. Read-only once built; share it behind an `Arc`.
pub struct Site {
    decoder: Arc<Decoder>,
    pub(crate) env: Environment<'static>,
    pub(crate) assets: Assets,
    errors_by_id: HashMap<String, usize>,
    errors_by_code: HashMap<String, usize>,
    causes_by_id: HashMap<String, usize>,
    products_by_id: HashMap<String, usize>,
    /// For each cause (by index), the errors that list it, rich pages first.
    errors_by_cause: Vec<Vec<usize>>,
}

impl Site {
    /// Prepares the site for `decoder`'s knowledge base. Fails only if an embedded template
    /// does not compile, which the tests of this crate rule out.
    pub fn new(decoder: Arc<Decoder>) -> Result<Site, minijinja::Error> {
        let kb = decoder.kb();
        let assets = Assets::embedded();
        let env = templates::environment(kb, &assets)?;
        let errors_by_id = kb.errors.iter().enumerate().map(|(i, e)| (e.id.clone(), i)).collect();
        let causes_by_id = kb.causes.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        let products_by_id =
            kb.products.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();

        // A code names the entry without `messages` or `when` (the default for that code),
        // else its first entry: the same choice as `errdecode show CODE`.
        let mut errors_by_code: HashMap<String, usize> = HashMap::new();
        for (index, entry) in kb.errors.iter().enumerate() {
            let is_default = entry.messages.is_empty() && entry.when.is_empty();
            for code in &entry.codes {
                let key = code.to_ascii_lowercase();
                match errors_by_code.get(&key) {
                    Some(&existing) => {
                        let existing = &kb.errors[existing];
                        if is_default && !(existing.messages.is_empty() && existing.when.is_empty())
                        {
                            errors_by_code.insert(key, index);
                        }
                    }
                    None => {
                        errors_by_code.insert(key, index);
                    }
                }
            }
        }

        let mut errors_by_cause = vec![Vec::new(); kb.causes.len()];
        for (index, entry) in kb.errors.iter().enumerate() {
            for candidate in &entry.causes {
                if let Some(cause) = kb.causes.iter().position(|c| c.id == candidate.id) {
                    errors_by_cause[cause].push(index);
                }
            }
        }
        for list in &mut errors_by_cause {
            list.sort_by_key(|&i| (kb.errors[i].tier != Tier::Rich, i));
        }

        Ok(Site {
            decoder,
            env,
            assets,
            errors_by_id,
            errors_by_code,
            causes_by_id,
            products_by_id,
            errors_by_cause,
        })
    }

    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    pub fn kb(&self) -> &KnowledgeBase {
        self.decoder.kb()
    }

    pub fn assets(&self) -> &Assets {
        &self.assets
    }

    /// The index of the error with this id.
    pub fn error_index(&self, id: &str) -> Option<usize> {
        self.errors_by_id.get(id).copied()
    }

    pub fn error(&self, id: &str) -> Option<&ErrorEntry> {
        self.error_index(id).map(|i| &self.kb().errors[i])
    }

    /// The entry a code names (`AADSTS50012`, `InvalidAuthenticationToken`), any case.
    pub fn error_for_code(&self, code: &str) -> Option<&ErrorEntry> {
        self.errors_by_code.get(&code.to_ascii_lowercase()).map(|&i| &self.kb().errors[i])
    }

    pub fn cause_index(&self, id: &str) -> Option<usize> {
        self.causes_by_id.get(id).copied()
    }

    pub fn cause(&self, id: &str) -> Option<&Cause> {
        self.cause_index(id).map(|i| &self.kb().causes[i])
    }

    pub fn product_index(&self, id: &str) -> Option<usize> {
        self.products_by_id.get(id).copied()
    }

    pub fn product(&self, id: &str) -> Option<&Product> {
        self.product_index(id).map(|i| &self.kb().products[i])
    }

    /// The errors that list the cause at `cause_index`, rich pages first.
    pub fn errors_listing_cause(&self, cause_index: usize) -> impl Iterator<Item = &ErrorEntry> {
        self.errors_by_cause[cause_index].iter().map(|&i| &self.kb().errors[i])
    }
}
