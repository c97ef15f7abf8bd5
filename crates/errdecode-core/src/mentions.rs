//! The Graph request a paste names in words when it shows no URL, so that the endpoint's
//! permissions and requirements are checked as for a URL. One path, most precise first:
//!
//! - a Graph PowerShell cmdlet names its endpoint (`Get-MgUserMessage -UserId x` →
//!   `GET /users/{id}/messages`), read against the paths of the permission table;
//! - otherwise, in a paste about Graph, the earliest operation of the knowledge base's mentions
//!   (`kb/mentions/`: "add a member to a group" → `POST /groups/{id}/members/$ref`).

use std::sync::OnceLock;

use errdecode_kb::EndpointMention;

use crate::extract::{inferred_cmdlet_request, inferred_graph_request, Facts, RequestFact};
use crate::haystack::{Caseless, Haystack};
use crate::permissions::PermissionIndex;

/// The mentions' patterns, compiled the first time a paste about Graph has no request.
pub struct MentionIndex {
    mentions: Vec<EndpointMention>,
    compiled: OnceLock<Vec<Option<Caseless>>>,
}

impl MentionIndex {
    pub fn new(mentions: &[EndpointMention]) -> MentionIndex {
        MentionIndex { mentions: mentions.to_vec(), compiled: OnceLock::new() }
    }

    /// The request the paste's words name, when it holds no request of its own: the first
    /// Graph PowerShell cmdlet with an endpoint, else the earliest mention when the paste is
    /// about Microsoft Graph (it says "graph"). `permissions` gives the table, which is only
    /// read when the paste shows a cmdlet.
    pub fn infer<'p>(
        &self,
        facts: &Facts,
        haystack: &Haystack,
        permissions: impl FnOnce() -> &'p PermissionIndex,
    ) -> Option<RequestFact> {
        if facts.request.is_some() {
            return None;
        }
        if !facts.powershell.cmdlets.is_empty() {
            let permissions = permissions();
            let by_cmdlet = facts
                .powershell
                .cmdlets
                .iter()
                .find_map(|cmdlet| cmdlet_request(permissions, cmdlet, haystack.text()));
            if by_cmdlet.is_some() {
                return by_cmdlet;
            }
        }
        self.named_operation(haystack)
    }

    /// The request of the earliest operation the paste names, in a paste about Graph.
    fn named_operation(&self, haystack: &Haystack) -> Option<RequestFact> {
        if self.mentions.is_empty() || !haystack.contains_lower("graph") {
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

/// The request a Graph PowerShell cmdlet makes: `Get-MgUserMessage -UserId x` →
/// `GET /users/{id}/messages`; with the last noun's id (`-MessageId`) the item.
fn cmdlet_request(permissions: &PermissionIndex, cmdlet: &str, text: &str) -> Option<RequestFact> {
    // The call's line: does it give the last noun's id?
    let line = text
        .find(cmdlet)
        .map(|at| &text[at..text[at..].find('\n').map_or(text.len(), |end| at + end)])
        .unwrap_or_default()
        .to_ascii_lowercase();
    let last = cmdlet
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or("", |(at, _)| &cmdlet[at..]);
    let with_id = !last.is_empty() && line.contains(&format!("-{}id", last.to_ascii_lowercase()));
    let (method, path, beta) = permissions.cmdlet_endpoint(cmdlet, with_id)?;
    Some(inferred_cmdlet_request(&method, &path, beta))
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
