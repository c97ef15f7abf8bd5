//! Fact extraction: what a paste literally says, found by pure functions.
//!
//! Extraction never fails. Garbage in gives fewer facts and perhaps a note, never an error
//! (the paste is whatever a person had at hand). Each submodule finds one family of facts;
//! [`extract`] runs them all and orders the error codes.

mod codes;
mod http;
mod identity;
mod powershell;
mod time;
mod wording;

pub mod jwt;

use crate::haystack::Haystack;
use serde::Serialize;

pub use self::time::format_unix;
pub use self::time::TimestampFact;
pub use codes::{CodeKind, CodeVocabulary};
pub(crate) use http::percent_decode;
pub use http::{inferred_cmdlet_request, inferred_graph_request, RequestFact, RequestTarget};
pub use identity::{
    is_guid, Authority, AuthorityTenant, IdFact, LibraryVersion, SecretFact, UserFact,
};
pub use powershell::{ConnectCall, PowerShellFacts};
pub use wording::Wording;

use crate::token::TokenReport;

/// How many of each fact one paste may give, and how long a quoted value may be. A paste of
/// a thousand log lines repeats a few facts; past these numbers the rest are dropped (a note
/// says so), which keeps every extractor linear and every answer a small multiple of the paste.
#[derive(Debug, Clone, Copy)]
pub struct ExtractionLimits {
    pub codes: usize,
    pub messages: usize,
    pub requests: usize,
    /// Matches of the request patterns read before duplicates are merged.
    pub requests_read: usize,
    pub statuses: usize,
    pub tokens: usize,
    pub authorities: usize,
    pub users: usize,
    pub timestamps: usize,
    pub ids: usize,
    pub challenges: usize,
    pub cmdlets: usize,
    pub exceptions: usize,
    pub scopes: usize,
    pub grant_types: usize,
    pub secrets: usize,
    pub libraries: usize,
    /// PowerShell error ids, categories and `Connect-*` calls, each.
    pub powershell_lines: usize,
    /// Characters of a URL, a claim value, a tenant or any other value read from the paste.
    pub value_chars: usize,
    /// Characters of a quoted message.
    pub message_chars: usize,
    /// Bytes of one JWT segment that are decoded (real ones are a few kilobytes).
    pub token_segment_bytes: usize,
}

/// The limits every extractor keeps to.
pub const LIMITS: ExtractionLimits = ExtractionLimits {
    codes: 40,
    messages: 12,
    requests: 20,
    requests_read: 2_000,
    statuses: 20,
    tokens: 5,
    authorities: 20,
    users: 20,
    timestamps: 20,
    ids: 20,
    challenges: 5,
    cmdlets: 20,
    exceptions: 12,
    scopes: 30,
    grant_types: 10,
    secrets: 5,
    libraries: 10,
    powershell_lines: 5,
    value_chars: 2_000,
    message_chars: 600,
    token_segment_bytes: 64 * 1024,
};

/// `value` cut to [`ExtractionLimits::value_chars`] characters.
pub(crate) fn bounded(value: &str) -> &str {
    crate::text::first_chars(value, LIMITS.value_chars)
}

/// One error code found in the paste.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeFact {
    pub code: String,
    pub kind: CodeKind,
    /// Byte offset of the first mention, for ordering.
    #[serde(skip)]
    pub position: usize,
}

/// A `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Challenge {
    pub scheme: String,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub authorization_uri: Option<String>,
    /// The decoded `claims` parameter of a Continuous Access Evaluation challenge.
    pub claims: Option<String>,
}

/// Everything found in a paste. Field order is the order of the JSON document.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    /// The status of the failing response, when one is given.
    pub http_status: Option<u16>,
    /// Every status seen, in paste order (successes too).
    pub http_statuses: Vec<u16>,
    /// When no number gives the status, the words that name the refusal ("access denied",
    /// "insufficient privileges", "forbidden", "unauthorized"): `http_status` is read from
    /// them, and counts for less than a status the paste prints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status_in_words: Option<String>,
    /// Error codes, most specific first: an AADSTS code before the OAuth `error` that carries
    /// it, a service code before a generic wrapper, an exception name last.
    pub error_codes: Vec<String>,
    pub codes: Vec<CodeFact>,
    /// Error messages and descriptions quoted in the paste.
    pub messages: Vec<String>,
    /// The failing request, when one can be told apart.
    pub request: Option<RequestFact>,
    pub requests: Vec<RequestFact>,
    pub tokens: Vec<TokenReport>,
    pub authorities: Vec<Authority>,
    pub users: Vec<UserFact>,
    pub timestamps: Vec<TimestampFact>,
    pub ids: Vec<IdFact>,
    pub www_authenticate: Vec<Challenge>,
    pub powershell: PowerShellFacts,
    pub exceptions: Vec<String>,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
    pub secrets: Vec<SecretFact>,
    pub libraries: Vec<LibraryVersion>,
    /// What the paste's words say about the flow, the account, the cloud, the version.
    #[serde(skip_serializing_if = "Wording::is_empty")]
    pub context: Wording,
    /// Microsoft hosts, codes or products are named: the paste is in our field.
    pub microsoft_context: bool,
    /// The paste shows only successful responses and no error.
    pub success_only: bool,
    pub notes: Vec<String>,
}

impl Facts {
    /// The time of the error as the paste gives it (the latest labelled timestamp), in Unix seconds.
    pub fn error_time(&self) -> Option<i64> {
        self.timestamps.iter().filter(|t| t.is_error_time).map(|t| t.unix).max()
    }
}

/// Extracts every fact from normalized text. `vocabulary` holds the codes the knowledge base
/// knows, so that a bare `ErrorInvalidLicense` in a stack trace is recognised.
pub fn extract(haystack: &Haystack, vocabulary: &CodeVocabulary) -> Facts {
    let mut facts = Facts::default();
    let stages: [fn(&Haystack, &CodeVocabulary, &mut Facts); 10] = [
        |h, _, f| http::extract_statuses(h, f),
        codes::extract_codes,
        |h, _, f| codes::extract_messages(h, f),
        |h, _, f| http::extract_requests(h, f),
        |h, _, f| http::extract_challenges(h, f),
        |h, _, f| identity::extract_identity(h, f),
        |h, _, f| time::extract_timestamps(h, f),
        |h, _, f| powershell::extract_powershell(h, f),
        |h, _, f| jwt::extract_tokens(h, f),
        |h, _, f| f.context = wording::extract_wording(h),
    ];
    for stage in stages {
        if !haystack.charge(1) {
            break;
        }
        stage(haystack, vocabulary, &mut facts);
    }
    facts.microsoft_context = codes::has_microsoft_context(haystack, &facts, vocabulary);
    facts.success_only = facts.error_codes.is_empty()
        && !facts.http_statuses.is_empty()
        && facts.http_statuses.iter().all(|s| *s < 400)
        && !codes::mentions_failure(haystack);
    facts
}
