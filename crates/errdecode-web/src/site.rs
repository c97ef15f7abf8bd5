//! The site: the decoder, the compiled templates and the lookups the pages need, built once
//! and shared by the server and the export.

use std::sync::Arc;

use errdecode_core::Decoder;
use errdecode_kb::{Cause, ErrorEntry, KnowledgeBase, Product};
use minijinja::Environment;

use crate::assets::Assets;
use crate::templates;

/// Everything a page needs to render. Read-only once built; share it behind an `Arc`.
pub struct Site {
    decoder: Arc<Decoder>,
    pub(crate) env: Environment<'static>,
    pub(crate) assets: Assets,
}

impl Site {
    /// Prepares the site for `decoder`'s knowledge base. Fails only if an embedded template
    /// does not compile, which the tests of this crate rule out.
    pub fn new(decoder: Arc<Decoder>) -> Result<Site, minijinja::Error> {
        Site::with_assets(decoder, Assets::embedded())
    }

    /// [`Site::new`] with other assets: without the browser's decoder (`wasm: None`), the
    /// pages load no module and the paste box posts to `/decode`, as a browser without
    /// WebAssembly would.
    pub fn with_assets(decoder: Arc<Decoder>, assets: Assets) -> Result<Site, minijinja::Error> {
        let env = templates::environment(Arc::clone(&decoder), &assets)?;
        Ok(Site { decoder, env, assets })
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
        self.kb().error_index(id)
    }

    pub fn error(&self, id: &str) -> Option<&ErrorEntry> {
        self.kb().error(id)
    }

    /// The entry a code names (`AADSTS50012`, `InvalidAuthenticationToken`), any case: the
    /// same choice as `errdecode show CODE` ([`KnowledgeBase::error_for_code`]).
    pub fn error_for_code(&self, code: &str) -> Option<&ErrorEntry> {
        self.kb().error_for_code(code)
    }

    pub fn cause_index(&self, id: &str) -> Option<usize> {
        self.kb().cause_index(id)
    }

    pub fn cause(&self, id: &str) -> Option<&Cause> {
        self.kb().cause(id)
    }

    pub fn product_index(&self, id: &str) -> Option<usize> {
        self.kb().product_index(id)
    }

    pub fn product(&self, id: &str) -> Option<&Product> {
        self.kb().product(id)
    }

    /// The errors that list the cause at `cause_index`, rich pages first.
    pub fn errors_listing_cause(&self, cause_index: usize) -> impl Iterator<Item = &ErrorEntry> {
        let kb = self.kb();
        let mut listing = kb.entries_listing(cause_index).to_vec();
        listing.sort_by_key(|&i| (!kb.errors[i].tier.is_rich(), i));
        listing.into_iter().map(move |i| &kb.errors[i])
    }
}
