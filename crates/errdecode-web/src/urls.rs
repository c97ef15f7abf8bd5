//! The URL scheme, in one place: every page is a folder path that the server answers and the
//! export writes as `<path>index.html`, so the same links work in both.

/// The home page.
pub const HOME: &str = "/";
/// The search page; `?q=` carries the query.
pub const SEARCH: &str = "/search/";
/// The list of every root cause.
pub const CAUSES: &str = "/causes/";
/// Where the paste box posts.
pub const DECODE: &str = "/decode";
/// The search index the static copy of the search page reads.
pub const SEARCH_INDEX: &str = "/search-index.json";
/// The OpenAPI description of the JSON API.
pub const OPENAPI: &str = "/api/v1/openapi.json";

pub fn error(id: &str) -> String {
    format!("/errors/{id}/")
}

pub fn cause(id: &str) -> String {
    format!("/causes/{id}/")
}

pub fn product(id: &str) -> String {
    format!("/products/{id}/")
}

/// The product hub, scrolled to one of its topics.
pub fn topic(product_id: &str, topic: &str) -> String {
    format!("/products/{product_id}/#{}", slug(topic))
}

pub fn search(query: &str) -> String {
    format!("{SEARCH}?q={}", encode_query(query))
}

/// The file the export writes for a page path: `/errors/x/` -> `errors/x/index.html`.
pub fn file_for(path: &str) -> String {
    let relative = path.trim_start_matches('/');
    if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative.to_string()
    }
}

/// An anchor id from a heading: lower-case ASCII words joined by `-`.
pub fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Percent-encodes a query value (`application/x-www-form-urlencoded` style, space as `+`).
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_for_paths() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/errors/aadsts50012/"), "errors/aadsts50012/index.html");
        assert_eq!(file_for("/search-index.json"), "search-index.json");
    }

    #[test]
    fn slugs_and_queries() {
        assert_eq!(slug("Mail, calendar and contacts"), "mail-calendar-and-contacts");
        assert_eq!(slug("  Access tokens! "), "access-tokens");
        assert_eq!(encode_query("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
        assert_eq!(search("graph 401"), "/search/?q=graph+401");
    }
}
