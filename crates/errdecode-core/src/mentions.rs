//! The Graph operation a paste names in words, when it shows no URL: the knowledge base's
//! mentions (`kb/mentions/`) turned into an inferred request, so that the endpoint's
//! permissions and requirements are checked as for a URL.

use std::sync::OnceLock;

use errdecode_kb::EndpointMention;

use crate::extract::{inferred_graph_request, Facts, RequestFact};
use crate::haystack::{Caseless, Haystack};

/// The mentions' patterns, compiled the first time a paste about Graph has no request.
pub struct MentionIndex {
    mentions: Vec<EndpointMention>,
    compiled: OnceLock<Vec<Option<Caseless>>>,
}

impl MentionIndex {
    pub fn new(mentions: &[EndpointMention]) -> MentionIndex {
        MentionIndex { mentions: mentions.to_vec(), compiled: OnceLock::new() }
    }

    /// The request the earliest mention in the paste names, when the paste is about Microsoft
    /// Graph (it says "graph") and holds no request of its own.
    pub fn infer(&self, facts: &Facts, haystack: &Haystack) -> Option<RequestFact> {
        if facts.request.is_some() || self.mentions.is_empty() || !haystack.contains_lower("graph")
        {
            return None;
        }
        let compiled = self.compiled.get_or_init(|| {
            self.mentions.iter().map(|m| Caseless::try_new(&m.pattern).ok()).collect()
        });
        let (index, _) = compiled
            .iter()
            .enumerate()
            .filter_map(|(index, regex)| Some((index, regex.as_ref()?.find(haystack)?.start())))
            .min_by_key(|(index, start)| (*start, *index))?;
        let mention = &self.mentions[index];
        Some(inferred_graph_request(&mention.method, &mention.path))
    }
}

#[cfg(test)]
mod tests {
    use crate::{DecodeOptions, Decoder};

    fn request_of(paste: &str) -> Option<(String, String)> {
        let decoder = Decoder::new(errdecode_kb::load_embedded().unwrap());
        let document = decoder.decode(paste.as_bytes(), &DecodeOptions::default());
        document.facts.request.map(|r| (r.method.unwrap_or_default(), r.template))
    }

    #[test]
    fn an_operation_named_in_words_becomes_the_request() {
        assert_eq!(
            request_of("Trying to add a member to a group from my daemon with Microsoft Graph: 403 Authorization_RequestDenied"),
            Some(("POST".into(), "/groups/{id}/members/$ref".into()))
        );
        assert_eq!(
            request_of("Graph API: reading the channel messages of a team app-only gives 403"),
            Some(("GET".into(), "/teams/{id}/channels/{id}/messages".into()))
        );
        // Not about Graph: no guess.
        assert_eq!(request_of("SMTP: sending an email from the printer fails"), None);
        // A URL in the paste wins over words.
        assert_eq!(
            request_of("add a member to a group: GET https://graph.microsoft.com/v1.0/me failed"),
            Some(("GET".into(), "/me".into()))
        );
    }
}
