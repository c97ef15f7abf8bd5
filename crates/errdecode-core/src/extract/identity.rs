//! Who and where: authorities and tenants, users, correlation ids, client secrets, scopes,
//! grant types and library versions.

use std::sync::LazyLock;

use regex::Regex;

use rustc_hash::FxHashSet;
use serde::Serialize;

use super::http::percent_decode;
use super::{bounded, Facts, LIMITS};
use crate::cloud::{classify_host, Cloud, Service};
use crate::haystack::{captures_in, Caseless, Haystack};
use crate::text::first_chars;

/// The tenant segment of an authority URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum AuthorityTenant {
    Common,
    Organizations,
    Consumers,
    TenantId(String),
    Domain(String),
    /// A template placeholder such as `{tenant_id}`: the real value is not in the paste.
    Placeholder(String),
    /// Neither a GUID, a domain nor an alias: the sign-in service will reject it.
    Invalid(String),
}

/// A sign-in authority (`https://login.microsoftonline.com/{tenant}/...`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Authority {
    pub host: String,
    pub cloud: Cloud,
    pub tenant: AuthorityTenant,
    /// `v2.0` when the URL uses the v2.0 endpoints.
    pub endpoint_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserFact {
    pub upn: String,
    /// A guest account (`#EXT#` in the UPN).
    pub guest: bool,
    /// A personal Microsoft account domain (outlook.com, hotmail.com, live.com, ...).
    pub consumer: bool,
}

/// A correlation, trace or request id: what Microsoft support asks for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdFact {
    pub kind: String,
    pub value: String,
}

/// A client secret found in the paste. The value itself is never kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretFact {
    /// Where it was found: `client_secret parameter`, `configuration value`, ...
    pub found_in: String,
    /// Shaped like a GUID: a Secret ID rather than the secret's value.
    pub guid_shaped: bool,
    /// Shaped like a real Entra client secret value (`xxx8Q~...`).
    pub looks_live: bool,
    /// The first characters, for recognising it, and its length.
    pub preview: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LibraryVersion {
    pub name: String,
    pub version: String,
}

const CONSUMER_DOMAINS: &[&str] = &[
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "passport.com",
    "hotmail.co.uk",
    "outlook.fr",
    "hotmail.fr",
    "live.co.uk",
    "outlook.de",
    "hotmail.de",
    "live.de",
    "outlook.es",
    "hotmail.es",
    "outlook.it",
    "hotmail.it",
    "live.nl",
    "outlook.jp",
    "live.jp",
    "outlook.com.br",
    "hotmail.com.br",
    "live.ca",
    "live.com.au",
    "outlook.in",
];

static GUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
        .unwrap()
});
static AUTHORITY: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"https?://(login\.microsoftonline\.(?:com|us)|login\.windows\.net|sts\.windows\.net|login\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn|login\.microsoft\.com)/([^/\s\x22'<>?#]+)(/[^\s\x22'<>?#]*)?",
    )
});
/// A tenant named in the service's answer: AADSTS900023's "tenant identifier 'x'" and
/// AADSTS90002's "Tenant 'x' not found" (older libraries print it without quotes).
static TENANT_IDENTIFIER: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"tenant identifier '([^']+)'|\bTenant '([^'\s]{1,100})' not found|AADSTS90002: Tenant ([A-Za-z0-9._-]{1,60}) not found",
    )
});
static UPN: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(
        r"[A-Za-z0-9._%+\-#]{1,64}(?:@|%40)[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,}",
    )
});
static LABELLED_ID: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r#"\b(trace[ _-]?id|correlation[ _-]?id|client-request-id|request-id|x-ms-ags-diagnostic)["']?\s*[:=]?\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"#,
    )
});
static SECRET_PARAM: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r#"\b(client[_-]?secret|clientsecret|secret[_-]?value|AZURE_CLIENT_SECRET|AZUREAD_CLIENT_SECRET|app[_-]?secret)["']?\s*[:=]\s*["']?([^\s"'&,;)]{6,})"#,
    )
});
static LIVE_SECRET: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"\b[A-Za-z0-9_\-.]{3}\dQ~[A-Za-z0-9_\-.~]{31,34}"));
/// Where a list of scopes begins; [`scope_list`] reads the list itself.
static SCOPE_PARAM: LazyLock<Caseless> =
    LazyLock::new(|| Caseless::new(r#"(?:\bscopes?["']?\s*[:=]\s*\[?\s*|-Scopes\s+)"#));
static SCOPE_IN_MESSAGE: LazyLock<Caseless> =
    LazyLock::new(|| Caseless::new(r"The scope (.+?) (?:is not valid|does not exist)"));
static DEFAULT_SCOPE: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"https?://[^\s'\x22,\]]+/\.default"));
static GRANT_TYPE: LazyLock<Caseless> =
    LazyLock::new(|| Caseless::new(r#"grant_type["']?\s*[:=]\s*["']?([a-z_:\-]{4,})"#));
static LIBRARY: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(concat!(
        r"\b(Microsoft\.Identity\.Web|Microsoft\.Identity\.Client|Microsoft\.Graph(?:\.[A-Za-z]+)*|Azure\.Identity|azure-identity|",
        r"@azure/msal-[a-z]+|@azure/identity|msal4j|msal-python|msal|MSAL\.NET|MSAL\.js|adal4j|adal|react-adal|",
        r"ExchangeOnlineManagement|msgraph-sdk-[a-z]+|msgraph-core|Microsoft Graph PowerShell|exchangelib|O365)",
        r"(?:\s+(?:version\s+)?|@|/|\\|\s*v)(\d+\.\d+(?:\.\d+)?(?:-[A-Za-z0-9.]+)?)\b"
    ))
});
static REQUIRED_VERSION: LazyLock<Caseless> =
    LazyLock::new(|| Caseless::new(r"-RequiredVersion\s+['\x22]?(\d+\.\d+\.\d+)"));

/// Adds `authority` unless it is already there or the list is full; `false` when full.
fn push_authority(
    facts: &mut Facts,
    seen: &mut FxHashSet<Authority>,
    authority: Authority,
) -> bool {
    if facts.authorities.len() >= LIMITS.authorities {
        facts.notes.push(format!(
            "more than {} sign-in authorities or tenants; only the first {} were kept",
            LIMITS.authorities, LIMITS.authorities
        ));
        return false;
    }
    if seen.insert(authority.clone()) {
        facts.authorities.push(authority);
    }
    true
}

pub fn extract_identity(haystack: &Haystack, facts: &mut Facts) {
    let text = haystack.text();
    // Authorities and tenants, de-duplicated through a set and capped: a paste of a million
    // `tenant identifier 'tN'` lines is read in linear time and gives twenty.
    let mut seen: FxHashSet<Authority> = FxHashSet::default();
    let mut full = false;
    for caps in AUTHORITY.captures_iter(haystack) {
        if !haystack.charge(1) {
            break;
        }
        let host = caps[1].to_ascii_lowercase();
        let Some((Service::Login, cloud)) = classify_host(&host) else { continue };
        // sts.windows.net appears in tokens as the issuer, never as an authority a client uses.
        if host == "sts.windows.net" {
            continue;
        }
        let segment = percent_decode(bounded(&caps[2]));
        let rest = caps.get(3).map_or("", |m| m.as_str());
        if segment.eq_ignore_ascii_case("error") || segment.eq_ignore_ascii_case("v2.0") {
            continue;
        }
        let authority = Authority {
            host,
            cloud,
            tenant: classify_tenant(&segment),
            endpoint_version: bounded(rest).contains("/v2.0").then(|| "v2.0".to_string()),
        };
        if !push_authority(facts, &mut seen, authority) {
            full = true;
            break;
        }
    }
    let named_tenants = TENANT_IDENTIFIER
        .captures_iter(haystack)
        .filter_map(|c| c.groups().flatten().next().map(|m| m.as_str()))
        .filter(|tenant| tenant.chars().count() <= 100);
    for named in named_tenants {
        if full || !haystack.charge(1) {
            break;
        }
        let tenant = classify_tenant(named);
        let authority = Authority {
            host: "login.microsoftonline.com".to_string(),
            cloud: Cloud::Global,
            tenant,
            endpoint_version: None,
        };
        if !push_authority(facts, &mut seen, authority) {
            break;
        }
    }

    // The user-name pattern has no literal to search for: it is tried near an `@` only.
    let near_at = haystack.lines_around(haystack.marks(&["@", "%40"]));
    for m in captures_in(&UPN, text, &near_at).filter_map(|caps| caps.get(0)) {
        if facts.users.len() >= LIMITS.users || !haystack.charge(1) {
            break;
        }
        if is_url_password(text, m.start()) {
            continue;
        }
        let upn = percent_decode(m.as_str());
        let Some((_, domain)) = upn.rsplit_once('@') else { continue };
        let domain = domain.to_ascii_lowercase();
        // Hosts such as outlook.office365.com are not user names.
        if upn.starts_with('.') || facts.users.iter().any(|u| u.upn.eq_ignore_ascii_case(&upn)) {
            continue;
        }
        facts.users.push(UserFact {
            guest: upn.to_ascii_uppercase().contains("#EXT#"),
            consumer: CONSUMER_DOMAINS.contains(&domain.as_str()),
            upn,
        });
    }

    for caps in LABELLED_ID.captures_iter(haystack) {
        if facts.ids.len() >= LIMITS.ids || !haystack.charge(1) {
            break;
        }
        let kind = caps[1].to_ascii_lowercase().replace([' ', '_'], "-");
        let value = caps[2].to_ascii_lowercase();
        if !facts.ids.iter().any(|id| id.value == value) {
            facts.ids.push(IdFact { kind, value });
        }
    }

    let mut secret_spans = Vec::new();
    for caps in SECRET_PARAM.captures_iter(haystack).take(LIMITS.secrets) {
        let value = first_chars(&caps[2], 200).trim_end_matches(['.', ',']);
        secret_spans.push(caps.get(2).unwrap().range());
        if is_placeholder_value(value) {
            continue;
        }
        push_secret(facts, &format!("{} value", &caps[1]), value);
    }
    let may_hold_secret = text.contains("Q~");
    let live = LIVE_SECRET.find_iter(if may_hold_secret { text } else { "" });
    for m in live.take(LIMITS.secrets) {
        if !secret_spans.iter().any(|span| span.contains(&m.start())) {
            push_secret(facts, "text shaped like a client secret", m.as_str());
        }
    }

    let mut scopes: Vec<String> = Vec::new();
    let mut list_end = 0;
    for lead in SCOPE_PARAM.find_iter(haystack) {
        if scopes.len() >= LIMITS.scopes || !haystack.charge(1) {
            break;
        }
        if lead.start() < list_end {
            continue;
        }
        let list = scope_list(&text[lead.end()..]);
        list_end = lead.end() + list.len();
        if list.is_empty() {
            continue;
        }
        let raw = percent_decode(&bounded(list).replace('+', " "));
        let list: Vec<String> = raw
            .split([' ', '\n'])
            .map(|s| {
                s.trim_matches(|c: char| c == '"' || c == '\'' || c == '[' || c == ']' || c == ',')
            })
            .filter(|s| s.contains('.') || s.contains('/') || s.contains('_'))
            .map(String::from)
            .collect();
        if raw.contains(',')
            && !raw.contains('"')
            && !raw.contains('\'')
            && !raw.contains(", ")
            && list.len() == 1
        {
            // `scope=a,b` arrives as one scope with a comma: keep it whole, it is the evidence.
            scopes.push(raw.trim().to_string());
        } else {
            scopes.extend(list);
        }
    }
    let in_messages = SCOPE_IN_MESSAGE.captures_iter(haystack);
    for caps in in_messages.filter(|c| c[1].chars().count() <= 300) {
        if scopes.len() >= 2 * LIMITS.scopes || !haystack.charge(1) {
            break;
        }
        scopes.push(caps[1].trim().to_string());
    }
    for m in DEFAULT_SCOPE.find_iter(text) {
        if scopes.len() >= 3 * LIMITS.scopes || !haystack.charge(1) {
            break;
        }
        scopes.push(bounded(m.as_str()).to_string());
    }
    for scope in scopes {
        if !scope.is_empty() && !facts.scopes.contains(&scope) && facts.scopes.len() < LIMITS.scopes
        {
            facts.scopes.push(scope);
        }
    }

    for caps in GRANT_TYPE.captures_iter(haystack) {
        if facts.grant_types.len() >= LIMITS.grant_types || !haystack.charge(1) {
            break;
        }
        let grant = first_chars(&caps[1], 80).to_ascii_lowercase();
        if !facts.grant_types.contains(&grant) {
            facts.grant_types.push(grant);
        }
    }

    for caps in LIBRARY.captures_iter(haystack) {
        if facts.libraries.len() >= LIMITS.libraries || !haystack.charge(1) {
            break;
        }
        push_library(facts, &caps[1], &caps[2]);
    }
    for caps in REQUIRED_VERSION.captures_iter(haystack) {
        if facts.libraries.len() >= LIMITS.libraries || !haystack.charge(1) {
            break;
        }
        push_library(facts, "PowerShell module", &caps[1]);
    }
}

/// Whether what starts at `at` is the password of a URL's `user:password@host`: not a user.
fn is_url_password(text: &str, at: usize) -> bool {
    let Some(before) = text[..at].strip_suffix(':') else { return false };
    let from = crate::text::boundary_at_or_after(before, before.len().saturating_sub(200));
    let word = before[from..].rsplit(|c: char| c.is_whitespace() || c == '"' || c == '\'').next();
    word.is_some_and(|word| word.contains("://"))
}

/// The scope list at the start of `text`: up to 12 items, each a run of anything but
/// whitespace, quotes, `&` and `]` (in quotes or not), followed by spaces or a comma. Read by
/// hand: as a pattern, `(?:["']?[^\s"'&\]]+["']?\s*,?\s*){1,12}` is a large automaton.
fn scope_list(text: &str) -> &str {
    let stops = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '&' | ']');
    let quote = |c: char| c == '"' || c == '\'';
    let mut end = 0;
    for _ in 0..12 {
        let rest = &text[end..];
        let unquoted = rest.strip_prefix(quote).unwrap_or(rest);
        let run = unquoted.find(stops).unwrap_or(unquoted.len());
        if run == 0 {
            break;
        }
        let after = &unquoted[run..];
        let after = after.strip_prefix(quote).unwrap_or(after).trim_start();
        let after = after.strip_prefix(',').unwrap_or(after).trim_start();
        end = text.len() - after.len();
    }
    &text[..end]
}

fn push_library(facts: &mut Facts, name: &str, version: &str) {
    let library = LibraryVersion { name: name.to_string(), version: version.to_string() };
    if !facts.libraries.contains(&library) && facts.libraries.len() < LIMITS.libraries {
        facts.libraries.push(library);
    }
}

fn push_secret(facts: &mut Facts, found_in: &str, value: &str) {
    let preview: String = value.chars().take(3).collect();
    facts.secrets.push(SecretFact {
        found_in: found_in.to_string(),
        guid_shaped: GUID.is_match(value),
        looks_live: LIVE_SECRET.is_match(value),
        preview: format!("{preview}… ({} characters)", value.chars().count()),
    });
}

/// `{client_secret}`, `<secret>`, `xxxx`, `***`, `$SECRET`: not a real value.
fn is_placeholder_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.starts_with(['{', '<', '$', '%', '*', '['])
        || lower.chars().all(|c| c == 'x' || c == '*' || c == '.' || c == '-')
        || lower.contains("your")
        || lower.contains("secret")
        || lower.contains("here")
}

pub fn classify_tenant(segment: &str) -> AuthorityTenant {
    let trimmed = segment.trim();
    let lower = trimmed.to_ascii_lowercase();
    match lower.as_str() {
        "common" => AuthorityTenant::Common,
        "organizations" => AuthorityTenant::Organizations,
        "consumers" => AuthorityTenant::Consumers,
        _ if GUID.is_match(trimmed) => AuthorityTenant::TenantId(lower),
        _ if trimmed.starts_with(['{', '<', '$'])
            || lower.contains("tenant_id")
            || lower.contains("tenantid")
            || lower == "tenant" =>
        {
            AuthorityTenant::Placeholder(trimmed.to_string())
        }
        _ if is_domain(&lower) => AuthorityTenant::Domain(lower),
        _ => AuthorityTenant::Invalid(trimmed.to_string()),
    }
}

fn is_domain(text: &str) -> bool {
    let labels: Vec<&str> = text.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

pub fn is_guid(text: &str) -> bool {
    GUID.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::haystack::Haystack;

    fn facts(text: &str) -> Facts {
        let mut facts = Facts::default();
        extract_identity(&Haystack::new(text), &mut facts);
        facts
    }

    #[test]
    fn classifies_tenant_segments() {
        let cases = [
            ("common", AuthorityTenant::Common),
            ("consumers", AuthorityTenant::Consumers),
            (
                "950a4376-c358-4553-980a-9ba773e48dff",
                AuthorityTenant::TenantId("950a4376-c358-4553-980a-9ba773e48dff".into()),
            ),
            ("contoso.onmicrosoft.com", AuthorityTenant::Domain("contoso.onmicrosoft.com".into())),
            ("{tenant_id}", AuthorityTenant::Placeholder("{tenant_id}".into())),
            ("by defect common", AuthorityTenant::Invalid("by defect common".into())),
        ];
        for (segment, expected) in cases {
            assert_eq!(classify_tenant(segment), expected, "{segment}");
        }
    }

    #[test]
    fn reads_the_tenant_the_service_could_not_find() {
        let quoted = facts("MsalServiceException: AADSTS90002: Tenant 'v2.0' not found.");
        assert_eq!(quoted.authorities[0].tenant, AuthorityTenant::Invalid("v2.0".into()));
        let bare = facts("AADSTS90002: Tenant authorize not found : Occurs after update");
        assert_eq!(bare.authorities[0].tenant, AuthorityTenant::Invalid("authorize".into()));
        // A tenant that was not found, said in a sentence, names none.
        assert!(facts("the tenant was not found in the list").authorities.is_empty());
    }

    #[test]
    fn finds_authorities_users_and_ids() {
        let f = facts("POST https://login.microsoftonline.com/950a4376-c358-4553-980a-9ba773e48dff/oauth2/v2.0/token\nuser alice_contoso.com#EXT#@fabrikam.onmicrosoft.com and bob@hotmail.com\nTrace ID: 80ad7758-a570-42f0-97b7-ae2dded006c7\r\nCorrelation ID: 986a6c2c-a596-4189-b5b5-3a1b1a9a17e2");
        assert_eq!(f.authorities.len(), 1);
        assert_eq!(f.authorities[0].endpoint_version.as_deref(), Some("v2.0"));
        assert!(f.users[0].guest && !f.users[0].consumer);
        assert!(f.users[1].consumer);
        assert_eq!(f.ids.len(), 2);
        let f = facts("Specified tenant identifier 'by defect common' is neither a valid DNS name");
        assert!(matches!(f.authorities[0].tenant, AuthorityTenant::Invalid(_)));
    }

    /// Tenants and authorities are de-duplicated through a set and capped: 256 KiB of
    /// distinct `tenant identifier` lines (or authority URLs) give twenty, in linear work.
    #[test]
    fn tenants_and_authorities_are_capped() {
        for line in [
            |n: usize| format!("tenant identifier 't{n}'\n"),
            |n: usize| format!("https://login.microsoftonline.com/t{n}.com/oauth2/v2.0/token "),
        ] {
            let text: String = (0..10_000).map(line).collect();
            let haystack = Haystack::new(&text);
            let mut facts = Facts::default();
            extract_identity(&haystack, &mut facts);
            assert_eq!(facts.authorities.len(), LIMITS.authorities);
            assert!(facts.notes.iter().any(|n| n.contains("authorities")));
            assert!(haystack.meter().used() < 4 * text.len() as u64);
        }
        let f =
            facts("tenant identifier 'a.com' tenant identifier 'a.com' tenant identifier 'b.com'");
        assert_eq!(f.authorities.len(), 2);
    }

    #[test]
    fn keeps_secrets_out_of_facts() {
        let f = facts("client_secret=abc8Q~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&scope=x");
        assert_eq!(f.secrets.len(), 1);
        assert!(f.secrets[0].looks_live);
        assert!(!f.secrets[0].preview.contains("aaaaaaaa"));
        let f = facts("https://app:Hunter2@example.com/api and upn:alice@contoso.com");
        assert_eq!(f.users.len(), 1);
        assert_eq!(f.users[0].upn, "alice@contoso.com");
        let f = facts("client_secret={client_secret}");
        assert!(f.secrets.is_empty());
        let f = facts("ClientSecret = \"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"");
        assert!(f.secrets[0].guid_shaped);
    }

    #[test]
    fn reads_scopes_grant_types_and_versions() {
        let f = facts("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials\nMicrosoft.Identity.Web 3.6.1 Giving");
        assert!(f.scopes.contains(&"https://graph.microsoft.com/.default".to_string()));
        assert_eq!(f.grant_types, ["client_credentials"]);
        assert_eq!(f.libraries[0].version, "3.6.1");
        let f = facts("The scope Contacts.Read, Mail.Read is not valid.");
        assert!(f.scopes.iter().any(|s| s.contains(',')));
    }

    #[test]
    fn scope_lists_end_where_the_pattern_did() {
        let cases = [
            ("Mail.Read User.Read&x", "Mail.Read User.Read"),
            ("\"Mail.Read\", \"User.Read\"]", "\"Mail.Read\", \"User.Read\""),
            ("a,b,c d", "a,b,c d"),
            ("\"\" Mail.Read", ""),
            ("a b c d e f g h i j k l m n", "a b c d e f g h i j k l "),
            ("Mail.Read\u{a0}User.Read", "Mail.Read\u{a0}User.Read"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(scope_list(text), expected, "{text:?}");
        }
    }

    #[test]
    fn scope_lists_agree_with_the_pattern_they_replace() {
        let pattern = regex::Regex::new(r#"^(?:["']?[^\s"'&\]\n]+["']?\s*,?\s*){0,12}"#).unwrap();
        let alphabet = ['a', '.', '"', '\'', ' ', ',', '&', ']', '\n', '\u{a0}', '/'];
        let mut seed: u64 = 7;
        for _ in 0..5_000 {
            let text: String = (0..seed % 24)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    alphabet[(seed >> 33) as usize % alphabet.len()]
                })
                .collect();
            let expected = pattern.find(&text).map_or("", |m| m.as_str());
            assert_eq!(scope_list(&text), expected, "{text:?}");
        }
    }
}
