//! Error codes and messages: AADSTS numbers, Graph and Exchange codes, OAuth `error` values,
//! SMTP status codes, IDX/IDW codes, exception names, CompactToken reason codes.

use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::{bounded, CodeFact, Facts, LIMITS};
use crate::haystack::{captures_in, Caseless, Haystack};
use crate::text::first_chars;

/// What kind of code, which decides how specific it is. The order of the variants is the
/// order of `facts.error_codes`: the most specific kind first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeKind {
    /// `AADSTS50012`: names one sign-in failure precisely.
    Aadsts,
    /// A service's own code: `ErrorAccessDenied`, `Authorization_RequestDenied`, `InvalidAuthenticationToken`.
    Service,
    /// An SMTP enhanced status code: `535 5.7.139`.
    Smtp,
    /// `IDX10214`, `IDW10201`: a token validation failure in Microsoft.IdentityModel.
    IdentityModel,
    /// A code that only restates the HTTP status: `BadRequest`, `Unauthorized`.
    Generic,
    /// An AADSTS code that wraps a more specific one (`AADSTS70002`).
    AadstsWrapper,
    /// An OAuth `error` value: `invalid_client`.
    OAuth,
    /// An exception type name known to the knowledge base: `MsalUiRequiredException`.
    Exception,
    /// A CompactToken reason code: `80049228`.
    CompactToken,
}

/// AADSTS codes that only say "credentials could not be validated" and precede the real one.
const AADSTS_WRAPPERS: &[&str] = &["AADSTS70002"];

/// Codes that restate an HTTP status. They count only where the paste labels them as a code.
const GENERIC_CODES: &[&str] = &[
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "MethodNotAllowed",
    "Conflict",
    "TooManyRequests",
    "InternalServerError",
    "ServiceUnavailable",
    "GatewayTimeout",
    "generalException",
    "UnknownError",
    "Request_BadRequest",
    "InternalError",
];

const OAUTH_ERRORS: &[&str] = &[
    "invalid_request",
    "invalid_grant",
    "unauthorized_client",
    "invalid_client",
    "unsupported_grant_type",
    "invalid_resource",
    "interaction_required",
    "temporarily_unavailable",
    "access_denied",
    "unsupported_response_type",
    "server_error",
    "login_required",
    "consent_required",
    "invalid_scope",
    "authorization_pending",
    "authorization_declined",
    "bad_verification_code",
    "expired_token",
    "slow_down",
    "insufficient_claims",
];

/// The codes the knowledge base knows, for finding them as bare words in any text.
#[derive(Debug, Clone)]
pub struct CodeVocabulary {
    /// Sorted.
    codes: Vec<String>,
    lookup: FxHashSet<String>,
    /// The first word of every dotted code (`Azure` of `Azure.Identity.X`): only a name that
    /// starts with one of these can hold a code of more than one word.
    dotted_firsts: FxHashSet<String>,
    shortest: usize,
    longest: usize,
}

impl CodeVocabulary {
    pub fn new<'a>(codes: impl IntoIterator<Item = &'a str>) -> CodeVocabulary {
        let mut codes: Vec<String> = codes
            .into_iter()
            .filter(|code| code.len() >= 6 && !GENERIC_CODES.contains(code))
            .filter(|code| !code.starts_with("AADSTS") && !code.contains(' '))
            .map(String::from)
            .collect();
        codes.sort();
        codes.dedup();
        let lookup = codes.iter().cloned().collect();
        let dotted_firsts = codes
            .iter()
            .filter_map(|code| code.split_once('.').map(|(first, _)| first.to_string()))
            .collect();
        let shortest = codes.iter().map(String::len).min().unwrap_or(0);
        let longest = codes.iter().map(String::len).max().unwrap_or(0);
        CodeVocabulary { codes, lookup, dotted_firsts, shortest, longest }
    }

    pub fn empty() -> CodeVocabulary {
        CodeVocabulary::new([])
    }

    /// Every known code standing as a word of its own, with where it starts. A code is a word
    /// or a dotted name (`Azure.Identity.AuthenticationFailedException`): words joined by
    /// single dots are read as one name, in which the longest code at the leftmost place wins.
    fn find_all<'t>(&self, haystack: &Haystack<'t>) -> Vec<(usize, &'t str)> {
        let text = haystack.text();
        let words = haystack.word_spans();
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut first = 0;
        while first < words.len() {
            if !haystack.charge(1) || found.len() >= LIMITS.codes {
                break;
            }
            // The words of one dotted name: each next one right after a single dot.
            let mut last = first;
            while last + 1 < words.len()
                && words[last + 1].0 == words[last].1 + 1
                && bytes[words[last].1 as usize] == b'.'
            {
                last += 1;
            }
            self.find_in_name(haystack, &words[first..=last], &mut found);
            first = last + 1;
        }
        found
    }

    /// [`CodeVocabulary::find_all`] within one name of dot-joined `words`. A code is at most
    /// [`CodeVocabulary::longest`] bytes, and only a word that starts a dotted code is read
    /// on into the next words: each word costs a bounded number of lookups, so a paste of a
    /// million dot-joined words is read in linear time.
    fn find_in_name<'t>(
        &self,
        haystack: &Haystack<'t>,
        words: &[(u32, u32)],
        found: &mut Vec<(usize, &'t str)>,
    ) {
        let text = haystack.text();
        let fits = |start: u32, end: u32| {
            (self.shortest..=self.longest).contains(&((end - start) as usize))
        };
        let mut free_from = 0;
        for (index, &(start, first_end)) in words.iter().enumerate() {
            if start < free_from {
                continue;
            }
            let dotted = index + 1 < words.len()
                && self.dotted_firsts.contains(&text[start as usize..first_end as usize]);
            let reach = if dotted { words.len() - index } else { 1 };
            let mut longest = None;
            for &(_, end) in words[index..].iter().take(reach) {
                if (end - start) as usize > self.longest || !haystack.charge(1) {
                    break;
                }
                if fits(start, end) && self.lookup.contains(&text[start as usize..end as usize]) {
                    longest = Some(end);
                }
            }
            if let Some(end) = longest {
                found.push((start as usize, &text[start as usize..end as usize]));
                free_from = end;
            }
        }
    }

    pub fn contains(&self, code: &str) -> bool {
        self.codes.binary_search_by(|c| c.as_str().cmp(code)).is_ok()
    }
}

static AADSTS: LazyLock<Regex> = LazyLock::new(|| crate::text::re(r"\bAADSTS(\d{4,8})\b"));
static ERROR_CODES_ARRAY: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r#""?error_codes"?\s*[:=]\s*\[\s*([\d,\s]+)\]"#));
/// Tried only near a `code"` or `code'` (see [`Haystack::lines_around`]); the value's length
/// is checked after the match (a counted repetition makes a large automaton). The quotes may
/// be escaped: services nest a JSON error inside another one's message
/// (`"message":"{\"errorCode\":\"PermissionScopeNotGranted\"...`, library report gh-easypim-37;
/// Intune and Teams answers do the same).
static QUOTED_CODE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(
        r#"["'](?:code|Code|errorCode|ErrorCode|error_code)\\?["']\s*:\s*\\?["']([A-Za-z][\w.\-]+)\\?["']"#,
    )
});
static LOOSE_CODE: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r#"\b(?:error[ _]?code|res_code|code)["']?\s*(?:[:=]\s*["']?|["'‘“])([A-Za-z][A-Za-z0-9_]{2,})"#,
    )
});
/// A status-restating code in quotes in a sentence ("I just get a 401 and \"UnknownError\"",
/// "the error object has code 'Forbidden'"): the quotes mark it as the code the service sent
/// (library reports gh-microsoft-graph-docs-4920, gh-microsoft-graph-docs-7288), or opening a
/// quoted message as its label ("\"Request_BadRequest: An unexpected 'EndOfInput' node...\"",
/// gh-microsoft-graph-docs-5324).
static QUOTED_GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(&format!(r#"["'`‘“]({})(?:["'`’”]|:\s)"#, GENERIC_CODES.join("|")))
});
static FQID_CODE: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"FullyQualifiedErrorId\s*:\s*([A-Za-z][A-Za-z0-9_]{2,})"));
/// Exchange response codes as EWS clients print them: `exchangelib.errors.ErrorServerBusy`,
/// `<m:ResponseCode>ErrorItemNotFound</m:ResponseCode>`, `ResponseCode: ErrorAccessDenied`.
static EXCHANGE_RESPONSE_CODE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(
        r"(?:\berrors\.|ResponseCode>|\bResponseCode\s*[:=]\s*|faultcode>(?:\w+:)?)(Error[A-Z][A-Za-z]{3,60})\b",
    )
});

static SMTP: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"\b([45]\d\d)[ -]([45]\.\d{1,3}\.\d{1,3})\b"));
static IDENTITY_MODEL: LazyLock<Regex> = LazyLock::new(|| crate::text::re(r"\b(ID[XW]\d{4,5})\b"));
static COMPACT_TOKEN: LazyLock<Regex> = LazyLock::new(|| crate::text::re(r"\b(8004\d{4})\b"));
static EXCEPTION: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"\b((?:[A-Z][A-Za-z0-9]+){1,6}(?:Exception|Error))\b"));
static OAUTH: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives = OAUTH_ERRORS.join("|");
    crate::text::re(&format!(r"\b({alternatives})\b"))
});

pub fn extract_codes(haystack: &Haystack, vocabulary: &CodeVocabulary, facts: &mut Facts) {
    let text = haystack.text();
    let mut found: Vec<CodeFact> = Vec::new();
    // Where each code is in `found`: a paste of a million distinct codes is read in linear
    // time, and only the first ones are kept.
    let mut seen: FxHashMap<String, usize> = FxHashMap::default();
    let mut dropped = false;
    let mut push = |code: String, kind: CodeKind, position: usize| {
        if !haystack.charge(1) {
            return false;
        }
        if let Some(&at) = seen.get(&code) {
            let existing = &mut found[at];
            existing.position = existing.position.min(position);
            existing.kind = existing.kind.min(kind);
        } else if found.len() < LIMITS.codes {
            seen.insert(code.clone(), found.len());
            found.push(CodeFact { code, kind, position });
        } else {
            dropped = true;
        }
        true
    };

    for caps in AADSTS.captures_iter(text) {
        let code = format!("AADSTS{}", &caps[1]);
        let kind = if AADSTS_WRAPPERS.contains(&code.as_str()) {
            CodeKind::AadstsWrapper
        } else {
            CodeKind::Aadsts
        };
        if !push(code, kind, caps.get(0).unwrap().start()) {
            break;
        }
    }
    for caps in ERROR_CODES_ARRAY.captures_iter(text).filter(|caps| caps[1].len() <= 200) {
        let position = caps.get(0).unwrap().start();
        for number in caps[1].split(',').map(str::trim).filter(|n| n.len() >= 4) {
            let code = format!("AADSTS{number}");
            let kind = if AADSTS_WRAPPERS.contains(&code.as_str()) {
                CodeKind::AadstsWrapper
            } else {
                CodeKind::Aadsts
            };
            // The array repeats the codes of the description; its position must not outrank them.
            push(code, kind, position + text.len());
        }
    }
    let near_code_keys = haystack.lines_around(haystack.marks(&["code\"", "code'", "code\\\""]));
    for caps in captures_in(&QUOTED_CODE, text, &near_code_keys) {
        let code = caps[1].to_string();
        if code.len() > 100 || AADSTS.is_match(&code) || OAUTH_ERRORS.contains(&code.as_str()) {
            continue;
        }
        let kind = classify_named_code(&code);
        if !push(code, kind, caps.get(1).unwrap().start()) {
            break;
        }
    }
    let loose = LOOSE_CODE.captures_iter(haystack).map(|caps| caps.get(1).unwrap());
    let fqid = FQID_CODE.captures_iter(text).map(|caps| {
        let m = caps.get(1).unwrap();
        (m.start(), m.as_str())
    });
    for (start, code) in loose.map(|m| (m.start(), m.as_str())).chain(fqid) {
        let code = first_chars(code, 81).to_string();
        if OAUTH_ERRORS.contains(&code.as_str()) || code.starts_with("AADSTS") {
            continue;
        }
        if looks_like_code(&code)
            || vocabulary.contains(&code)
            || GENERIC_CODES.contains(&code.as_str())
        {
            let kind = classify_named_code(&code);
            if !push(code, kind, start) {
                break;
            }
        }
    }
    for caps in QUOTED_GENERIC.captures_iter(text).take(64) {
        let m = caps.get(1).unwrap();
        if !push(m.as_str().to_string(), CodeKind::Generic, m.start()) {
            break;
        }
    }
    for (position, code) in vocabulary.find_all(haystack) {
        let kind = if code.ends_with("Exception") {
            CodeKind::Exception
        } else {
            classify_named_code(code)
        };
        if !push(code.to_string(), kind, position) {
            break;
        }
    }
    // An enhanced status code (`5.7.139`) starts with `4.` or `5.`: the lines around those.
    let near_smtp = haystack.lines_around(haystack.marks(&["4.", "5."]));
    for caps in EXCHANGE_RESPONSE_CODE.captures_iter(text) {
        if !push(caps[1].to_string(), CodeKind::Service, caps.get(1).unwrap().start()) {
            break;
        }
    }
    for caps in captures_in(&SMTP, text, &near_smtp) {
        let code = format!("{} {}", &caps[1], &caps[2]);
        if !push(code, CodeKind::Smtp, caps.get(0).unwrap().start()) {
            break;
        }
    }
    for caps in IDENTITY_MODEL.captures_iter(text) {
        if !push(caps[1].to_string(), CodeKind::IdentityModel, caps.get(0).unwrap().start()) {
            break;
        }
    }
    for caps in OAUTH.captures_iter(text) {
        let kind =
            if &caps[1] == "insufficient_claims" { CodeKind::Service } else { CodeKind::OAuth };
        if !push(caps[1].to_string(), kind, caps.get(0).unwrap().start()) {
            break;
        }
    }
    for caps in COMPACT_TOKEN.captures_iter(text) {
        if !push(caps[1].to_string(), CodeKind::CompactToken, caps.get(0).unwrap().start()) {
            break;
        }
    }
    if dropped {
        facts.notes.push(format!(
            "more than {} distinct error codes; only the first {} were kept",
            LIMITS.codes, LIMITS.codes
        ));
    }
    let mut exceptions: Vec<String> = Vec::new();
    let near_names = haystack.lines_around(haystack.marks(&["exception", "error"]));
    for caps in captures_in(&EXCEPTION, text, &near_names) {
        if exceptions.len() >= LIMITS.exceptions || !haystack.charge(1) {
            break;
        }
        let name = bounded(&caps[1]).to_string();
        if name.len() > 9 && !exceptions.contains(&name) {
            exceptions.push(name);
        }
    }

    found.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.position.cmp(&b.position)));
    facts.error_codes = found.iter().map(|c| c.code.clone()).collect();
    facts.codes = found;
    facts.exceptions = exceptions;
}

fn classify_named_code(code: &str) -> CodeKind {
    if OAUTH_ERRORS.contains(&code) && code != "insufficient_claims" {
        CodeKind::OAuth
    } else if GENERIC_CODES.contains(&code) {
        CodeKind::Generic
    } else if code.ends_with("Exception") {
        CodeKind::Exception
    } else if is_identity_model_code(code) {
        CodeKind::IdentityModel
    } else {
        CodeKind::Service
    }
}

/// `IDX10214`, `IDW10201`.
fn is_identity_model_code(code: &str) -> bool {
    let digits = code.strip_prefix("IDX").or_else(|| code.strip_prefix("IDW"));
    digits.is_some_and(|d| (4..=5).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// A word shaped like a service error code: camel case (`itemNotFound`, `ErrorAccessDenied`)
/// or words joined by `_` (`Authorization_RequestDenied`).
fn looks_like_code(word: &str) -> bool {
    if word.len() < 6 || word.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
        return false;
    }
    let bytes = word.as_bytes();
    let camel = bytes.windows(2).any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    let joined = word.contains('_') && word.split('_').all(|part| part.len() >= 2);
    camel || joined
}

static MESSAGE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(
        r#"["']?(?:message|Message|error_description|ErrorMessage)["']?\s*[:=]\s*["']([^"'\n]{3,})"#,
    )
});

pub fn extract_messages(haystack: &Haystack, facts: &mut Facts) {
    let text = haystack.text();
    for found in MESSAGE.find_iter(text) {
        // The message follows the quote after the first `:` or `=` (the key holds neither);
        // read so rather than by a capture group, which is slow over a long message.
        let after_key = found.as_str().split_once([':', '=']).map_or("", |(_, rest)| rest);
        let mut value = after_key.trim_start().chars();
        value.next();
        if facts.messages.len() >= LIMITS.messages || !haystack.charge(1) {
            break;
        }
        let message = first_chars(value.as_str(), LIMITS.message_chars).trim().to_string();
        if message.starts_with('{') || facts.messages.contains(&message) {
            continue;
        }
        facts.messages.push(message);
    }
}

static MICROSOFT_MARKERS: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(concat!(
        r"graph\.microsoft|microsoftonline|sts\.windows\.net|graph\.windows\.net|office365|",
        r"outlook\.(?:com|office)|chinacloudapi|\bAADSTS\d|\bmsal\b|\bmsal[\w.-]|\badal|microsoft\.identity|",
        r"\bentra\b|azure ?ad\b|\bazure\b|microsoft graph|\bms ?graph|graph api|exchange online|",
        r"\bexchange\b|\boutlook\b|sharepoint|onedrive|\bteams\b|connect-mggraph|connect-graph|",
        r"\b(?:get|new|set|update|remove|invoke)-mg|connect-exchangeonline|microsoft 365|office 365|",
        r"\bo365\b|\bm365\b|\bintune\b|power ?bi|\bIDX\d{5}|\bIDW\d{5}|\bmicrosoft\b|smtp\.office365|",
        r"(?-i:\x22innerError\x22)|client-request-id|x-ms-ags-diagnostic"
    ))
});

/// The paste names something of Microsoft's: a host, a product, a code family, a cmdlet.
pub fn has_microsoft_context(
    haystack: &Haystack,
    facts: &Facts,
    vocabulary: &CodeVocabulary,
) -> bool {
    MICROSOFT_MARKERS.is_match(haystack)
        || facts.codes.iter().any(|c| matches!(c.kind, CodeKind::Aadsts | CodeKind::IdentityModel))
        || facts.codes.iter().any(|c| {
            matches!(c.kind, CodeKind::Service | CodeKind::Exception)
                && vocabulary.contains(&c.code)
        })
        || facts.codes.iter().any(|c| c.kind == CodeKind::Smtp && c.code.contains("5.7.139"))
        || facts.requests.iter().any(|r| r.service.is_some())
        || !facts.tokens.is_empty() && facts.tokens.iter().any(|t| t.is_microsoft())
}

static FAILURE_WORDS: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"\b(error|errors|fail|failed|failing|fails|failure|denied|exception|unauthori[sz]ed|forbidden|invalid|cannot|can't|unable)\b",
    )
});

pub fn mentions_failure(haystack: &Haystack) -> bool {
    FAILURE_WORDS.is_match(haystack)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::haystack::Haystack;

    fn codes(text: &str) -> Vec<String> {
        let vocabulary = CodeVocabulary::new([
            "ErrorInvalidLicense",
            "MsalUiRequiredException",
            "InvalidAuthenticationToken",
        ]);
        let mut facts = Facts::default();
        extract_codes(&Haystack::new(text), &vocabulary, &mut facts);
        facts.error_codes
    }

    #[test]
    fn orders_codes_most_specific_first() {
        let cases: &[(&str, &[&str])] = &[
            (r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret"}"#, &["AADSTS7000215", "invalid_client"]),
            ("AADSTS70002: Error validating credentials. AADSTS50012: Client assertion", &["AADSTS50012", "AADSTS70002"]),
            (r#"{"error":{"code":"InvalidAuthenticationToken","message":"CompactToken validation failed with reason code: 80049228."}}"#, &["InvalidAuthenticationToken", "80049228"]),
            ("ServiceException: Code: ErrorAccessDenied\nMessage: Access is denied.", &["ErrorAccessDenied"]),
            ("(code=ErrorAccessDenied, message='Access is denied.')", &["ErrorAccessDenied"]),
            ("res_code: 'TooManyRequests'\nres_status: 429", &["TooManyRequests"]),
            (r#"{"error":{"code":"BadRequest","message":"/me request is only valid with delegated authentication flow."}}"#, &["BadRequest"]),
            ("exchangelib.errors.ErrorInvalidLicense: The license is invalid", &["ErrorInvalidLicense"]),
            ("exchangelib.errors.ErrorSomethingNew: text", &["ErrorSomethingNew"]),
            ("<m:ResponseCode>ErrorMailboxStoreUnavailableX</m:ResponseCode>", &["ErrorMailboxStoreUnavailableX"]),
            ("535 5.7.139 Authentication unsuccessful", &["535 5.7.139"]),
            ("claims challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp", &["TokenIssuedBeforeRevocationTimestamp"]),
            ("'Microsoft.Identity.Client.MsalUiRequiredException'", &["MsalUiRequiredException"]),
            ("IDW10201: Neither scope or roles claim was found", &["IDW10201"]),
            (r#""error_codes": [7000218]"#, &["AADSTS7000218"]),
            ("HttpStatusCode=401 ErrorMessage={\"error\":{\"code\":\"Unauthorized\"}}", &["Unauthorized"]),
            ("FullyQualifiedErrorId : Authorization_RequestDenied,Microsoft.Graph.PowerShell.Cmdlets.GetMgUser_List", &["Authorization_RequestDenied"]),
            ("error: You must be logged in to the server (Unauthorized)", &[]),
            ("I just get a 401 and \"UnknownError\". Is this supposed to work?", &["UnknownError"]),
            ("The error object has code 'Forbidden' now", &["Forbidden"]),
            ("\"Request_BadRequest: An unexpected 'EndOfInput' node was found.\"", &["Request_BadRequest"]),
            ("\"Forbidden:no\" is not a label", &[]),
            ("a 403 Forbidden, then Unauthorized again", &[]),
            ("{'ok': False, 'error': 'invalid_auth'}", &[]),
            ("Error: Request failed with code: 42", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(codes(text), *expected, "text: {text}");
        }
    }

    #[test]
    fn vocabulary_finds_whole_words_and_dotted_names() {
        let vocabulary = CodeVocabulary::new([
            "ErrorAccessDenied",
            "ODataError",
            "Azure.Identity.AuthenticationFailedException",
            "AuthenticationFailedException",
        ]);
        let found = |text: &str| -> Vec<(usize, String)> {
            vocabulary
                .find_all(&Haystack::new(text))
                .into_iter()
                .map(|(at, code)| (at, code.to_string()))
                .collect()
        };
        assert_eq!(
            found("exchangelib.errors.ErrorAccessDenied: no"),
            [(19, "ErrorAccessDenied".into())]
        );
        assert_eq!(found("XErrorAccessDenied ErrorAccessDeniedX"), []);
        assert_eq!(found("Models.ODataErrors.ODataError."), [(19, "ODataError".into())]);
        assert_eq!(
            found("(Azure.Identity.AuthenticationFailedException)"),
            [(1, "Azure.Identity.AuthenticationFailedException".into())],
            "the longest name wins over the word inside it"
        );
        assert_eq!(
            found("x.AuthenticationFailedException"),
            [(2, "AuthenticationFailedException".into())]
        );
        assert_eq!(found("Ünïcode-ErrorAccessDenied"), [(10, "ErrorAccessDenied".into())]);
        assert_eq!(
            found("Azure.Azure.Identity.AuthenticationFailedException"),
            [(6, "Azure.Identity.AuthenticationFailedException".into())]
        );
    }

    /// Words joined by single dots make one long name. Every word is looked up a bounded
    /// number of times: 256 KiB of `a.` or of `Azure.Identity.` costs a few lookups a word
    /// (reading every later word from each one, as before, cost billions).
    #[test]
    fn dotted_names_cost_a_bounded_number_of_lookups_per_word() {
        let vocabulary = CodeVocabulary::new([
            "ErrorAccessDenied",
            "Azure.Identity.AuthenticationFailedException",
        ]);
        for unit in ["a.", "Azure.Identity.", "eyJAAAA."] {
            let text = unit.repeat(256 * 1024 / unit.len());
            let haystack = Haystack::new(&text);
            let words = haystack.word_spans().len() as u64;
            let before = haystack.meter().used();
            assert!(vocabulary.find_all(&haystack).is_empty());
            let lookups = haystack.meter().used() - before;
            assert!(lookups <= 30 * words, "{unit}: {lookups} steps for {words} words");
        }
    }

    /// A paste of distinct codes keeps the first ones, de-duplicated through a hash map.
    #[test]
    fn distinct_codes_are_capped() {
        let text: String = (0..20_000).map(|n| format!("AADSTS{} ", 100_000 + n)).collect();
        let haystack = Haystack::new(&text);
        let mut facts = Facts::default();
        extract_codes(&haystack, &CodeVocabulary::empty(), &mut facts);
        assert_eq!(facts.codes.len(), LIMITS.codes);
        assert_eq!(facts.codes[0].code, "AADSTS100000");
        assert!(facts.notes.iter().any(|n| n.contains("distinct error codes")));
        assert!(haystack.meter().used() < 8 * text.len() as u64);
    }

    #[test]
    fn code_shapes() {
        for word in ["itemNotFound", "ErrorAccessDenied", "Authorization_RequestDenied"] {
            assert!(looks_like_code(word), "{word}");
        }
        for word in ["You", "Unauthorized", "HTTP", "success", "A_B"] {
            assert!(!looks_like_code(word), "{word}");
        }
    }
}
