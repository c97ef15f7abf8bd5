//! Similar wording between the paste and each cause's own description: the ranking's fallback
//! when the evidence rules find little.
//!
//! A person who describes the problem in words ("it worked until three days ago", "we gave the
//! app Global Reader") often uses the words a cause's page uses. This index holds, per cause,
//! the terms of its title, summary, evidence lines and how to confirm it; the ranker reads how much of a cause's
//! vocabulary the paste shares. It never decides on its own: the weights it lends are capped
//! well below "fairly sure" (see `rank`).

use std::collections::HashSet;

use errdecode_kb::KnowledgeBase;

use crate::text::{terms, TermIndex};

/// A cause whose description the paste's words come close to.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarCause {
    /// Index into `KnowledgeBase::causes`.
    pub cause: usize,
    /// How much of the cause's weighted vocabulary the paste shares, in [0, 1].
    pub score: f32,
    /// A few of the shared words, in alphabetical order, for the evidence line.
    pub shared: Vec<String>,
}

pub struct CauseSearch {
    index: TermIndex,
    /// Each cause's distinct terms, to name the shared ones.
    vocabulary: Vec<HashSet<String>>,
}

impl CauseSearch {
    pub fn new(kb: &KnowledgeBase) -> CauseSearch {
        let documents: Vec<String> = kb
            .causes
            .iter()
            .map(|cause| {
                let says = cause.support.iter().filter_map(|rule| rule.says.as_deref());
                let mut text = format!("{} {}", cause.title, cause.summary);
                for line in says {
                    text.push(' ');
                    text.push_str(line);
                }
                if let Some(confirm) = cause.section(errdecode_kb::SectionKind::Confirm) {
                    text.push(' ');
                    text.push_str(&confirm.markdown);
                }
                text
            })
            .collect();
        let vocabulary = documents.iter().map(|d| terms(d).into_iter().collect()).collect();
        CauseSearch { index: TermIndex::new(&documents), vocabulary }
    }

    /// The causes closest to `paste_terms`, best first, at most `limit`.
    pub fn similar(&self, paste_terms: &[String], limit: usize) -> Vec<SimilarCause> {
        let query: HashSet<&str> = paste_terms.iter().map(String::as_str).collect();
        self.index
            .similar(paste_terms, limit)
            .into_iter()
            .map(|(cause, score)| {
                let mut shared: Vec<String> = self.vocabulary[cause]
                    .iter()
                    .filter(|term| query.contains(term.as_str()))
                    .cloned()
                    .collect();
                shared.sort();
                shared.truncate(5);
                SimilarCause { cause, score, shared }
            })
            .collect()
    }
}
