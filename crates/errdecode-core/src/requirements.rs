//! Which of the knowledge base's endpoint requirements (`kb/requirements/`) a request is
//! subject to: a Teams access policy, a protected API, a site grant, a licence, an admin role.

use errdecode_kb::EndpointRequirement;

use crate::extract::RequestFact;

/// The requirements whose paths and methods cover `request`.
pub fn for_request(
    rules: &[EndpointRequirement],
    request: &RequestFact,
) -> Vec<EndpointRequirement> {
    let method = request.method.as_deref().unwrap_or("GET").to_ascii_uppercase();
    rules
        .iter()
        .filter(|rule| rule.methods.is_empty() || rule.methods.contains(&method))
        .filter(|rule| rule.paths.iter().any(|path| path_covers(path, &request.template)))
        .cloned()
        .collect()
}

/// Whether the rule path `rule` (`{id}` for any segment, a trailing `*` for the segment's
/// start and everything below) covers the request's path template.
pub fn path_covers(rule: &str, template: &str) -> bool {
    let (rule, open) = match rule.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (rule, false),
    };
    let rule_segments: Vec<&str> = rule.trim_matches('/').split('/').collect();
    let segments: Vec<&str> = template.trim_matches('/').split('/').collect();
    if segments.len() < rule_segments.len() || (!open && segments.len() != rule_segments.len()) {
        return false;
    }
    let last = rule_segments.len() - 1;
    rule_segments.iter().zip(&segments).enumerate().all(|(at, (want, have))| {
        *want == "{id}" || want == have || (open && at == last && have.starts_with(want))
    })
}

#[cfg(test)]
mod tests {
    use super::path_covers;

    #[test]
    fn rule_paths_cover_templates() {
        assert!(path_covers("/users/{id}/onlinemeetings*", "/users/{id}/onlinemeetings"));
        assert!(path_covers(
            "/users/{id}/onlinemeetings*",
            "/users/{id}/onlinemeetings/{id}/transcripts"
        ));
        assert!(path_covers("/communications/callrecords*", "/communications/callrecords/{id}"));
        assert!(path_covers("/auditlogs/signins", "/auditlogs/signins"));
        assert!(!path_covers("/auditlogs/signins", "/auditlogs/signins/{id}"));
        assert!(!path_covers("/users/{id}/onlinemeetings*", "/users/{id}/messages"));
        assert!(!path_covers("/chats/{id}/messages", "/chats"));
    }
}
