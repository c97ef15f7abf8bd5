//! The safe shapes of what a fingerprint holds.

/// Token flows as the decoder names them.
pub(crate) const FLOWS: &[&str] = &["app-only", "delegated", "unknown"];
/// Clouds as the decoder names them.
pub(crate) const CLOUDS: &[&str] = &["global", "us-government", "us-government-dod", "china"];
/// Token kinds as the decoder names them.
pub(crate) const TOKEN_KINDS: &[&str] = &["access-token", "id-token", "unknown"];

fn looks_like_identifier(s: &str) -> bool {
    let hex = s.chars().filter(|c| c.is_ascii_hexdigit()).count();
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    // A GUID, a long hex or number run, an address: something that names one thing.
    (s.len() >= 16 && hex * 10 >= s.len() * 8 && digits > 0)
        || s.chars().filter(|c| *c == '-').count() >= 4
        || s.contains('@')
        || s.split('.').filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())).count()
            >= 2
}

/// An error code when it has a code's shape (`AADSTS50076`, `ErrorAccessDenied`,
/// `invalid_grant`, `Microsoft.Identity.Client.MsalUiRequiredException`): a letter first,
/// then letters, digits, `_`, `.` or `-`, at most 80 characters, and nothing shaped like an
/// id, an address or a user name. Anything else is not stored.
pub fn sanitize_code(code: &str) -> Option<String> {
    let code = code.trim();
    let shaped = !code.is_empty()
        && code.len() <= 80
        && code.starts_with(|c: char| c.is_ascii_alphabetic())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    (shaped && !looks_like_identifier(code)).then(|| code.to_string())
}

/// A path template with every segment that could name something (a GUID, a user, a domain,
/// an address, a long number) replaced by `{id}`; at most 12 segments of 40 characters.
pub fn sanitize_endpoint(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut out = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()).take(12) {
        out.push('/');
        let (name, call) = match segment.find('(') {
            Some(open) => (&segment[..open], true),
            None => (segment, false),
        };
        let plain = !name.is_empty()
            && name.len() <= 40
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$'))
            && !looks_like_identifier(name)
            && name.chars().filter(|c| c.is_ascii_digit()).count() < 4;
        if segment == "{id}" || !plain {
            out.push_str("{id}");
        } else {
            out.push_str(&name.to_ascii_lowercase());
            if call {
                out.push_str("(...)");
            }
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keep_their_shape_and_lose_identifiers() {
        assert_eq!(sanitize_code("AADSTS50076").as_deref(), Some("AADSTS50076"));
        assert_eq!(sanitize_code("invalid_grant").as_deref(), Some("invalid_grant"));
        assert_eq!(
            sanitize_code("Microsoft.Identity.Client.MsalUiRequiredException").as_deref(),
            Some("Microsoft.Identity.Client.MsalUiRequiredException")
        );
        assert_eq!(sanitize_code("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), None);
        assert_eq!(sanitize_code("jo@contoso.com"), None);
        assert_eq!(sanitize_code("10.1.2.3"), None);
        assert_eq!(sanitize_code("a b"), None);
    }

    #[test]
    fn endpoints_keep_collections_and_lose_names() {
        assert_eq!(sanitize_endpoint("/users/{id}/calendar/events"), "/users/{id}/calendar/events");
        assert_eq!(sanitize_endpoint("/users/jo@contoso.com/messages"), "/users/{id}/messages");
        assert_eq!(sanitize_endpoint("/sites/contoso.sharepoint.com/lists"), "/sites/{id}/lists");
        assert_eq!(
            sanitize_endpoint("/groups/3f2504e0-4f89-11d3-9a0c-0305e82c3301/members"),
            "/groups/{id}/members"
        );
        assert_eq!(sanitize_endpoint("/users(...)/x?$filter=a"), "/users(...)/x");
        assert_eq!(sanitize_endpoint(""), "/");
    }
}
