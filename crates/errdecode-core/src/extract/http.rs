//! HTTP: response statuses in their many spellings, request lines and URLs, and
//! `WWW-Authenticate` challenges.

use std::sync::LazyLock;

use base64::Engine;
use regex::Regex;
use serde::Serialize;

use super::{bounded, Challenge, Facts, LIMITS};
use crate::cloud::{classify_host, Cloud, Service};
use crate::haystack::{Caseless, Haystack};
use crate::permissions::template_path;

/// How strongly a spelling says "this is the response status".
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    /// A reason phrase alone: "(Unauthorized)".
    Phrase = 1,
    /// "returns 401", "401 errors".
    Prose = 2,
    /// A status line, a labelled status, or a number with its reason phrase.
    Explicit = 3,
}

const REASONS: &[(&str, u16)] = &[
    ("bad request", 400),
    ("badrequest", 400),
    ("unauthorized", 401),
    ("unauthorised", 401),
    ("forbidden", 403),
    ("not found", 404),
    ("notfound", 404),
    ("method not allowed", 405),
    ("conflict", 409),
    ("precondition failed", 412),
    ("too many requests", 429),
    ("toomanyrequests", 429),
    ("internal server error", 500),
    ("service unavailable", 503),
    ("gateway timeout", 504),
    ("ok", 200),
    ("created", 201),
    ("accepted", 202),
    ("no content", 204),
];

static STATUS_EXPLICIT: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(concat!(
        r"(?:\bHTTP/\d(?:\.\d)?\x22?\s+(\d{3})\b",
        r"|\b(?:http\s*)?status(?:[ _]?code)?\x22?\s*[:=]?\s*\x22?(\d{3})\b",
        r"|\bres_status\s*[:=]\s*(\d{3})\b",
        r"|does not indicate success:\s*(\d{3})\b",
        r"|\bHTTP\s+(\d{3})\b",
        r"|\b(\d{3})\s+Client Error\b",
        r"|\bresponse code\s*[:=]?\s*(\d{3})\b",
        r"|\b([1-5]\d\d)\)?\s*[-:]?\s*\(?(?:Bad Request|Unauthori[sz]ed|Forbidden|Not Found|Method Not Allowed|Conflict|Precondition Failed|Too Many Requests|Locked|Unsupported Media Type|Payload Too Large|Request Entity Too Large|Not Acceptable|Gone|Internal Server Error|Service Unavailable|Gateway Timeout|OK|Created|Accepted|No Content)\b)",
    ))
});
static STATUS_NAMED: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"\bstatus(?:[ _]?code)?\x22?\s*[:=]\s*\x22?([A-Za-z][A-Za-z ]{1,24}?)\b(?:\x22|,|\s*$|\s*\))",
    )
});
static STATUS_PROSE: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"\b(?:returns?|returned|returning|resulted in an?|got an?|getting an?|gives?|giving|receiv(?:e|ed|ing) an?|with an?|throws?|error)\s+`?([45]\d\d)\b|\b([45]\d\d)\s+(?:errors?|responses?|status|error code)\b|\berror occurred \(([45]\d\d)\)",
    )
});
/// A refusal named in words, with no number: "comes back with an Access Denied error", "is
/// refused with insufficient privileges", "I get a forbidden back", "kept coming back
/// Unauthorized" (library reports gh-aspnet-snippets-sample-36, gh-microsoft-graph-docs-17172,
/// gh-microsoft-graph-docs-contrib-9009, gh-microsoft-graph-docs-contrib-3926,
/// gh-microsoft-graph-docs-contrib-5646). `unauthorized_client` and `UnauthorizedAccess...`
/// are other things: the word must end there.
static STATUS_WORDS: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"\b(access (?:is )?denied|accessdenied|insufficient privileges|forbidden|unauthori[sz]ed)\b",
    )
});
static STATUS_PHRASE: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"\((Unauthorized|Forbidden|Not Found|Too Many Requests)\)"));

pub fn extract_statuses(haystack: &Haystack, facts: &mut Facts) {
    let text = haystack.text();
    let mut found: Vec<(usize, u16, Strength)> = Vec::new();
    // Every explicit or prose spelling holds the status as a three-digit number.
    let near_numbers = haystack.lines_around(three_digit_numbers(haystack));
    for caps in STATUS_EXPLICIT.captures_in(haystack, &near_numbers) {
        if !haystack.charge(1) {
            break;
        }
        if let Some(m) = caps.groups().flatten().next() {
            if let Ok(status) = m.as_str().parse::<u16>() {
                if (100..600).contains(&status) {
                    found.push((m.start(), status, Strength::Explicit));
                }
            }
        }
    }
    for caps in STATUS_NAMED.captures_iter(haystack) {
        if !haystack.charge(1) {
            break;
        }
        let m = caps.get(1).unwrap();
        if let Some(status) = reason_status(m.as_str()) {
            found.push((m.start(), status, Strength::Explicit));
        }
    }
    for caps in STATUS_PROSE.captures_in(haystack, &near_numbers) {
        if !haystack.charge(1) {
            break;
        }
        if let Some(m) = caps.groups().flatten().next() {
            if let Ok(status) = m.as_str().parse::<u16>() {
                found.push((m.start(), status, Strength::Prose));
            }
        }
    }
    for caps in STATUS_PHRASE.captures_iter(text) {
        if !haystack.charge(1) {
            break;
        }
        let m = caps.get(1).unwrap();
        if let Some(status) = reason_status(m.as_str()) {
            found.push((m.start(), status, Strength::Phrase));
        }
    }
    found.sort_by_key(|(position, _, _)| *position);
    let mut statuses: Vec<u16> = Vec::new();
    for (_, status, _) in &found {
        if statuses.len() < LIMITS.statuses && !statuses.contains(status) {
            statuses.push(*status);
        }
    }
    facts.http_statuses = statuses;
    facts.http_status = found
        .iter()
        .filter(|(_, status, _)| *status >= 400)
        .max_by(|a, b| a.2.cmp(&b.2).then(b.0.cmp(&a.0)))
        .map(|(_, status, _)| *status);
    if facts.http_status.is_none() {
        if let Some(words) = STATUS_WORDS.captures_iter(haystack).next() {
            let m = words.get(1).unwrap();
            let status =
                if m.as_str().to_ascii_lowercase().starts_with("unauthori") { 401 } else { 403 };
            facts.http_status = Some(status);
            facts.http_status_in_words = Some(m.as_str().to_string());
        }
    }
}

/// The offsets of every three-digit number standing as a word of its own (`401`, not `c358`
/// or `2170`): every spelling of a status holds one.
fn three_digit_numbers(haystack: &Haystack) -> Vec<usize> {
    let bytes = haystack.text().as_bytes();
    haystack
        .word_spans()
        .iter()
        .filter(|&&(start, end)| {
            end - start == 3 && bytes[start as usize..end as usize].iter().all(u8::is_ascii_digit)
        })
        .map(|&(start, _)| start as usize)
        .collect()
}

fn reason_status(reason: &str) -> Option<u16> {
    let reason = reason.trim().to_ascii_lowercase();
    REASONS.iter().find(|(name, _)| *name == reason).map(|(_, status)| *status)
}

/// Which user a request is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum RequestTarget {
    /// `/me`: the signed-in user.
    Me,
    /// `/users/{id}`: the user named by id or UPN (as written; may be a placeholder).
    User(String),
}

/// A request found in the paste.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestFact {
    pub method: Option<String>,
    /// The URL without its query string.
    pub url: String,
    pub host: Option<String>,
    pub service: Option<Service>,
    pub cloud: Option<Cloud>,
    /// `v1.0` or `beta` for Microsoft Graph.
    pub api_version: Option<String>,
    /// Path template: ids replaced by `{id}`, version prefix removed, lower-case.
    pub template: String,
    pub target: Option<RequestTarget>,
    /// Inferred from an SDK call chain rather than read from a URL.
    pub inferred: bool,
    /// Inferred from an operation named in words ("add a member to a group"): the endpoint is
    /// a guess, good for its requirements and permissions, not for what it says of the data.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub named_in_words: bool,
    /// Permissions that let a caller use this endpoint, when the endpoint is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<errdecode_kb::EndpointPermissions>,
    /// What the endpoint needs beyond a permission, from the knowledge base; the signals
    /// decide which apply to this caller.
    #[serde(skip)]
    pub requirements: Vec<errdecode_kb::EndpointRequirement>,
}

impl RequestFact {
    pub fn is_token_endpoint(&self) -> bool {
        self.service == Some(Service::Login)
    }
}

/// A log of thousands of calls repeats a few URLs; reading the first ones is enough.
const MAX_REQUESTS_READ: usize = LIMITS.requests_read;
/// How far before a request line a host is looked for.
const HOST_LOOKBEHIND: usize = 2_048;
/// Segments of an SDK call chain read (`.Me.Messages.Request()` has two).
const MAX_CHAIN_SEGMENTS: usize = 12;

/// The line around byte offsets visited in ascending order, found without reading any byte
/// twice: a paste of one long line holding thousands of URLs costs one pass, not one per URL.
struct Lines<'t> {
    text: &'t str,
    start: usize,
    end: usize,
    scanned: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        Lines { text, start: 0, end: 0, scanned: 0 }
    }

    /// The line holding `at`; `at` must not be before the previous call's.
    fn around(&mut self, at: usize) -> (usize, usize) {
        let bytes = self.text.as_bytes();
        if at >= self.scanned {
            if let Some(newline) = memchr::memrchr(b'\n', &bytes[self.scanned..at]) {
                self.start = self.scanned + newline + 1;
            }
            self.scanned = at;
        }
        if at >= self.end || self.end < self.start {
            self.end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        }
        (self.start, self.end)
    }
}

static REQUEST_LINE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(r#"\b(GET|POST|PUT|PATCH|DELETE|HEAD)\s+(https?://[^\s"'<>`|]+|/[^\s"'<>`|]*)"#)
});
static URL: LazyLock<Regex> = LazyLock::new(|| crate::text::re(r#"https?://[^\s"'<>`|\\)\]]+"#));
static CURL_METHOD: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"-X\s*(GET|POST|PUT|PATCH|DELETE)\b"));
/// Tried only near `.me` or `.users` (see [`Haystack::lines_around`]): its leading words
/// (`client`, `graph`) are common enough to make a poor literal to search for.
static SDK_CHAIN: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"\b(?:graph_?client|graphServiceClient|client|_graphClient|graph)\.(Me|Users\[[^\]]{0,80}\]|users\.by_user_id\([^)]{0,80}\)|Users)((?:\.[A-Za-z]+(?:\[[^\]]{0,80}\])?)*)",
    )
});

pub fn extract_requests(haystack: &Haystack, facts: &mut Facts) {
    let text = haystack.text();
    // (position, method, URL, inferred): built into facts once duplicates are gone.
    let mut requests: Vec<(usize, Option<String>, String, bool)> = Vec::new();
    // Start offsets of URLs already read as part of a request line.
    let mut covered: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut lines = Lines::new(text);
    for caps in REQUEST_LINE.captures_iter(text).take(MAX_REQUESTS_READ) {
        if !haystack.charge(1) {
            break;
        }
        let target = caps.get(2).unwrap();
        let mut url = bounded(target.as_str()).to_string();
        if url.starts_with('/') {
            // A log line may give the host before the request line (urllib3, IIS, proxies).
            let (line_start, _) = lines.around(target.start());
            let from = crate::text::boundary_at_or_after(
                text,
                line_start.max(target.start().saturating_sub(HOST_LOOKBEHIND)),
            );
            let before = &text[from..target.start()];
            match URL.find_iter(before).last() {
                Some(host) => url = format!("{}{}", host.as_str().trim_end_matches('/'), url),
                None if looks_like_graph_path(&url) => url = graph_url(&url),
                None if !looks_like_api_path(&url) => continue,
                None => {}
            }
        }
        covered.insert(target.start());
        requests.push((caps.get(0).unwrap().start(), Some(caps[1].to_string()), url, false));
    }
    let mut lines = Lines::new(text);
    // The method a `curl` line gives, read once per line.
    let mut curl_line: Option<((usize, usize), Option<&str>)> = None;
    for m in URL.find_iter(text).take(MAX_REQUESTS_READ) {
        if !haystack.charge(1) {
            break;
        }
        if covered.contains(&m.start()) {
            continue;
        }
        let url = bounded(m.as_str()).trim_end_matches(['.', ',', ';', ':', '\'']);
        let line = lines.around(m.start());
        let method = match curl_line {
            Some((seen, method)) if seen == line => method,
            _ => {
                let text_of_line = &text[line.0..line.1];
                let method = memchr::memmem::find(text_of_line.as_bytes(), b"curl").map(|_| {
                    CURL_METHOD.captures(text_of_line).map_or("GET", |c| c.get(1).unwrap().as_str())
                });
                curl_line = Some((line, method));
                method
            }
        };
        requests.push((m.start(), method.map(str::to_string), url.to_string(), false));
    }
    // A Graph path written on its own, with no host and no method ("calling
    // /users/{id}/chats with my app-only token"): library reports gh-microsoft-graph-docs-15058,
    // gh-microsoft-graph-docs-contrib-5646, gh-microsoft-graph-docs-17172.
    for m in BARE_GRAPH_PATH.captures_iter(text).take(MAX_REQUESTS_READ).filter_map(|c| c.get(1)) {
        if covered.contains(&m.start()) {
            continue;
        }
        let path = m.as_str().trim_end_matches(['.', ',', ';', ':', '\'', '?']);
        if looks_like_graph_path(path) {
            requests.push((m.start(), None, graph_url(path), false));
        }
    }
    // A call chain names `.Me` or `.Users` right after the client: the lines around those.
    let near_chains = haystack.lines_around(haystack.marks(&[".me", ".users"]));
    for caps in SDK_CHAIN.captures_in(haystack, &near_chains) {
        if requests.len() >= 2 * MAX_REQUESTS_READ || !haystack.charge(1) {
            break;
        }
        let root = &caps[1];
        let chain = bounded(&caps[2]);
        let mut path = String::new();
        if root.eq_ignore_ascii_case("me") {
            path.push_str("/me");
        } else if root.eq_ignore_ascii_case("users") {
            path.push_str("/users");
        } else {
            path.push_str("/users/{id}");
        }
        for segment in chain.split('.').filter(|s| !s.is_empty()).take(MAX_CHAIN_SEGMENTS) {
            let name = segment.split('[').next().unwrap_or(segment);
            if matches!(
                name,
                "Request"
                    | "GetAsync"
                    | "PostAsync"
                    | "get"
                    | "post"
                    | "Get"
                    | "Post"
                    | "by_user_id"
            ) {
                break;
            }
            path.push('/');
            path.push_str(name);
            if segment.contains('[') {
                path.push_str("/{id}");
            }
        }
        let url = format!("https://graph.microsoft.com/v1.0{path}");
        requests.push((caps.get(0).unwrap().start(), None, url, true));
    }
    requests.sort_by_key(|(position, ..)| *position);
    // The same URL (without its query) is one request; its first method given counts.
    let mut unique: Vec<(Option<String>, String, bool)> = Vec::new();
    for (_, method, url, inferred) in requests {
        let key = without_query(&url);
        if let Some(existing) = unique.iter_mut().find(|(_, u, _)| without_query(u) == key) {
            if existing.0.is_none() {
                existing.0 = method;
            }
        } else if unique.len() < LIMITS.requests {
            unique.push((method, url, inferred));
        }
    }
    let unique: Vec<RequestFact> = unique
        .iter()
        .map(|(method, url, inferred)| build_request(method.as_deref(), url, *inferred))
        .collect();
    facts.request = pick_failing_request(&unique);
    facts.requests = unique;
}

/// The request the error is about: an API call (not the token endpoint, not a documentation
/// link), preferring one with a method.
fn pick_failing_request(requests: &[RequestFact]) -> Option<RequestFact> {
    let api_calls = || {
        requests.iter().filter(|r| {
            matches!(
                r.service,
                Some(
                    Service::MicrosoftGraph
                        | Service::AzureAdGraph
                        | Service::ExchangeOnline
                        | Service::AzureResourceManager
                        | Service::SharePoint
                )
            ) && r.template != "/"
                && !r.template.is_empty()
        })
    };
    api_calls()
        .find(|r| r.method.is_some() && !r.inferred)
        .or_else(|| api_calls().find(|r| !r.inferred))
        .or_else(|| api_calls().next())
        .cloned()
}

/// The first segments of Microsoft Graph's paths, as people write them: `users`, not the
/// `Users` of a macOS home folder (the first letter's case counts, the rest does not).
const GRAPH_ROOTS: &[&str] = &[
    "me",
    "users",
    "groups",
    "sites",
    "drives",
    "teams",
    "chats",
    "deviceManagement",
    "deviceAppManagement",
    "applications",
    "servicePrincipals",
    "directoryRoles",
    "directoryObjects",
    "roleManagement",
    "identity",
    "identityGovernance",
    "identityProtection",
    "auditLogs",
    "reports",
    "communications",
    "subscriptions",
    "education",
    "planner",
    "security",
    "policies",
    "solutions",
    "organization",
    "domains",
    "admin",
    "invitations",
    "oauth2PermissionGrants",
    "contacts",
    "places",
    "print",
    "external",
    "employeeExperience",
    "tenantRelationships",
    "informationProtection",
];

/// A path that starts with one of [`GRAPH_ROOTS`] after a space, quote or bracket.
static BARE_GRAPH_PATH: LazyLock<Regex> = LazyLock::new(|| {
    let roots: Vec<String> = GRAPH_ROOTS
        .iter()
        .map(|root| {
            let (first, rest) = root.split_at(1);
            format!("{first}(?i:{rest})")
        })
        .collect();
    crate::text::re(&format!(
        r#"(?:^|[\s"'`(\[])(/(?:v1\.0/|beta/)?(?:{})(?:/[^\s"'<>`|,)\]]*)?)"#,
        roots.join("|")
    ))
});

/// A host-less path that reads as Microsoft Graph: a version segment, or a first segment
/// of [`GRAPH_ROOTS`] with at least one more segment (`/me` alone counts).
fn looks_like_graph_path(path: &str) -> bool {
    let rest = path.strip_prefix("/v1.0").or_else(|| path.strip_prefix("/beta")).unwrap_or(path);
    let mut segments = rest.split('/').filter(|s| !s.is_empty());
    let Some(first) = segments.next() else {
        return false;
    };
    let known = GRAPH_ROOTS.iter().any(|root| {
        root.len() == first.len()
            && root.as_bytes()[0] == first.as_bytes()[0]
            && root.eq_ignore_ascii_case(first)
    });
    known && (first == "me" || segments.next().is_some())
}

/// A host-less Graph path as a full URL (version 1.0 unless the path names one).
fn graph_url(path: &str) -> String {
    if path.starts_with("/v1.0/") || path.starts_with("/beta/") {
        format!("https://graph.microsoft.com{path}")
    } else {
        format!("https://graph.microsoft.com/v1.0{path}")
    }
}

fn looks_like_api_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with("/v1.0/")
        || lower.starts_with("/beta/")
        || lower.starts_with("/me")
        || lower.starts_with("/users")
}

/// A URL without its query string and fragment.
fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// A Microsoft Graph request the paste implies without a URL (an operation named in words),
/// for the same endpoint checks as a request read from a URL.
pub fn inferred_graph_request(method: &str, path: &str) -> RequestFact {
    let mut request =
        build_request(Some(method), &format!("https://graph.microsoft.com/v1.0{path}"), true);
    // Words name the operation, not whose data it reads: `{id}` is no user.
    request.target = None;
    request.named_in_words = true;
    request
}

/// The Microsoft Graph request a Graph PowerShell cmdlet makes (`Get-MgUserMessage` →
/// `GET /users/{id}/messages`), for a paste that shows the cmdlet and no URL.
pub fn inferred_cmdlet_request(method: &str, path: &str, beta: bool) -> RequestFact {
    let version = if beta { "beta" } else { "v1.0" };
    let mut request =
        build_request(Some(method), &format!("https://graph.microsoft.com/{version}{path}"), true);
    // The cmdlet's name tells the endpoint, not whose data: `{id}` is no user.
    request.target = None;
    request
}

fn build_request(method: Option<&str>, url: &str, inferred: bool) -> RequestFact {
    let without_query = without_query(url);
    let (host, path) = match without_query.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(slash) => (Some(rest[..slash].to_string()), rest[slash..].to_string()),
            None => (Some(rest.to_string()), "/".to_string()),
        },
        None => (None, without_query.to_string()),
    };
    let host = host.map(|h| h.split(':').next().unwrap_or(&h).to_ascii_lowercase());
    let classified = host.as_deref().and_then(classify_host);
    let (service, cloud) = match classified {
        Some((service, cloud)) => (Some(service), Some(cloud)),
        None => (None, None),
    };
    let decoded_path = percent_decode(&path);
    let mut segments: Vec<&str> = decoded_path.split('/').filter(|s| !s.is_empty()).collect();
    let mut api_version = None;
    if let Some(first) = segments.first() {
        let lower = first.to_ascii_lowercase();
        if matches!(lower.as_str(), "v1.0" | "beta" | "v2.0" | "v1") {
            api_version = Some(lower);
            segments.remove(0);
        }
    }
    let target = match segments.first().map(|s| s.to_ascii_lowercase()) {
        Some(first) if first == "me" => Some(RequestTarget::Me),
        Some(first) if first == "users" && segments.len() > 1 => {
            Some(RequestTarget::User(segments[1].to_string()))
        }
        _ => None,
    };
    let template = template_path(&format!("/{}", segments.join("/")));
    RequestFact {
        method: method.map(str::to_string),
        url: without_query.to_string(),
        host,
        service,
        cloud,
        api_version,
        template,
        target,
        inferred,
        named_in_words: false,
        permissions: None,
        requirements: Vec::new(),
    }
}

pub(crate) fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let hex = |byte: u8| (byte as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

static WWW_AUTHENTICATE: LazyLock<Caseless> =
    LazyLock::new(|| Caseless::new(r"(?m)WWW-Authenticate\x22?\s*[:=]\s*\x22?(\w+)\s+(.+)$"));
static CHALLENGE_PARAM: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r#"(\w+)\s*=\s*"([^"]*)""#));

pub fn extract_challenges(haystack: &Haystack, facts: &mut Facts) {
    for caps in WWW_AUTHENTICATE.captures_iter(haystack).take(LIMITS.challenges) {
        let mut challenge = Challenge {
            scheme: caps[1].to_string(),
            error: None,
            error_description: None,
            authorization_uri: None,
            claims: None,
        };
        for param in CHALLENGE_PARAM.captures_iter(bounded(&caps[2])) {
            let value = param[2].to_string();
            match &param[1] {
                "error" => challenge.error = Some(value),
                "error_description" => challenge.error_description = Some(value),
                "authorization_uri" => challenge.authorization_uri = Some(value),
                "claims" => {
                    let decoded = base64::engine::general_purpose::STANDARD
                        .decode(value.trim_end_matches('='))
                        .or_else(|_| {
                            base64::engine::general_purpose::STANDARD_NO_PAD
                                .decode(value.trim_end_matches('='))
                        })
                        .ok()
                        .and_then(|bytes| String::from_utf8(bytes).ok());
                    challenge.claims = Some(decoded.unwrap_or(value));
                }
                _ => {}
            }
        }
        facts.www_authenticate.push(challenge);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::haystack::Haystack;

    fn status(text: &str) -> Option<u16> {
        let mut facts = Facts::default();
        extract_statuses(&Haystack::new(text), &mut facts);
        facts.http_status
    }

    #[test]
    fn reads_statuses_in_many_spellings() {
        let cases: &[(&str, Option<u16>)] = &[
            ("Response status code does not indicate success: 401 (Unauthorized).", Some(401)),
            ("StatusCode: Forbidden", Some(403)),
            ("HTTP/1.1 403 Forbidden", Some(403)),
            ("HTTP/2 401", Some(401)),
            ("401 (Unauthorized)", Some(401)),
            ("Status: 403 (Forbidden)", Some(403)),
            ("HttpStatusCode=401 ErrorMessage=", Some(401)),
            ("res_status: 429", Some(429)),
            ("401 Client Error: Unauthorized for url", Some(401)),
            ("resulted in a `400 Bad Request` response", Some(400)),
            ("\"GET /users HTTP/1.1\" 403 219", Some(403)),
            ("the call returns 401 every time", Some(401)),
            ("error: You must be logged in to the server (Unauthorized)", Some(401)),
            ("HTTP/2 200 \n then constant 401 errors", Some(401)),
            ("Server returned HTTP response code: 400 for URL: http://x/msi/token", Some(400)),
            ("The remote server returned an error: (423) Locked.", Some(423)),
            ("415 Unsupported Media Type", Some(415)),
            ("200 OK", None),
            ("I have 401 apples", None),
        ];
        for (text, expected) in cases {
            assert_eq!(status(text), *expected, "text: {text}");
        }
    }

    #[test]
    fn a_refusal_in_words_gives_a_status_only_when_no_number_does() {
        let words = |text: &str| {
            let mut facts = Facts::default();
            extract_statuses(&Haystack::new(text), &mut facts);
            (facts.http_status, facts.http_status_in_words)
        };
        assert_eq!(words("the call comes back with an Access Denied error").0, Some(403));
        assert_eq!(words("refused with Insufficient privileges to complete").0, Some(403));
        assert_eq!(words("it kept coming back Unauthorized").0, Some(401));
        let printed = words("HTTP/1.1 401 Unauthorized, then access denied");
        assert_eq!(printed, (Some(401), None));
        assert_eq!(words("error: unauthorized_client").0, None);
        assert_eq!(words("UnauthorizedAccessException thrown").0, None);
    }

    #[test]
    fn a_bare_graph_path_is_read_as_a_graph_request() {
        let r = request("calling /users/{id}/chats with my app-only token fails");
        assert_eq!(r.method, None);
        assert_eq!(r.service, Some(Service::MicrosoftGraph));
        assert_eq!(r.template, "/users/{id}/chats");
        let r = request("I tried \"/beta/teams/abc/channels\" too");
        assert_eq!(r.api_version.as_deref(), Some("beta"));
        assert_eq!(r.template, "/teams/{id}/channels");
        let none = |text: &str| {
            let mut facts = Facts::default();
            extract_requests(&Haystack::new(text), &mut facts);
            facts.request
        };
        // A home folder is not a Graph path, nor is a root with nothing after it.
        assert!(none("saved to /Users/me/Desktop/log.txt").is_none());
        assert!(none("see /groups for details").is_none());
    }

    fn request(text: &str) -> RequestFact {
        let mut facts = Facts::default();
        extract_requests(&Haystack::new(text), &mut facts);
        facts.request.expect("a request")
    }

    #[test]
    fn reads_requests_and_templates_paths() {
        let r = request("GET https://graph.microsoft.com/v1.0/users/{user_id}/calendar/events\nAuthorization: Bearer x");
        assert_eq!(r.method.as_deref(), Some("GET"));
        assert_eq!(r.template, "/users/{id}/calendar/events");
        assert_eq!(r.api_version.as_deref(), Some("v1.0"));
        assert_eq!(r.service, Some(Service::MicrosoftGraph));
        assert_eq!(r.cloud, Some(Cloud::Global));

        let r = request("401 Client Error: Unauthorized for url: https://graph.microsoft.com/v1.0/users/me@hotmail.com/calendar | Error");
        assert_eq!(r.template, "/users/{id}/calendar");
        assert_eq!(r.target, Some(RequestTarget::User("me@hotmail.com".into())));

        let r = request(
            r#"urllib3.connectionpool : https://graph.windows.net:443 "GET /ced47db0-x/users/a%40b.com?api-version=1.6 HTTP/1.1" 403 219"#,
        );
        assert_eq!(r.service, Some(Service::AzureAdGraph));
        assert_eq!(r.method.as_deref(), Some("GET"));

        let r = request(
            "var r = await graphClient.Me.MailFolders.Inbox.Messages.Request().GetAsync();",
        );
        assert_eq!(r.target, Some(RequestTarget::Me));
        assert_eq!(r.template, "/me/mailfolders/{id}/messages");
        assert!(r.inferred);

        let r =
            request("curl -i -H \"Authorization: Bearer $T\" https://graph.microsoft.com/v1.0/me");
        assert_eq!(r.method.as_deref(), Some("GET"));
        assert_eq!(r.target, Some(RequestTarget::Me));

        let r = request("GET https://microsoftgraph.chinacloudapi.cn/beta/groups/3f2504e0-4f89-11d3-9a0c-0305e82c3301/members");
        assert_eq!(r.cloud, Some(Cloud::China));
        assert_eq!(r.template, "/groups/{id}/members");
    }

    #[test]
    fn decodes_claims_challenges() {
        let mut facts = Facts::default();
        extract_challenges(
            &Haystack::new(
                r#"WWW-Authenticate: Bearer realm="", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ==""#,
            ),
            &mut facts,
        );
        let challenge = &facts.www_authenticate[0];
        assert_eq!(challenge.error.as_deref(), Some("insufficient_claims"));
        assert!(challenge.claims.as_deref().unwrap().contains("access_token"));
    }
}
