//! errdecode-core: from a pasted error to the known error and its root causes, ranked by the
//! evidence in the paste.
//!
//! The pipeline runs one way, each stage a pure function of the one before:
//!
//! ```text
//! paste bytes -> normalize -> extract facts -> derive signals -> match known errors -> rank causes
//! ```
//!
//! * [`normalize`] makes any bytes readable (lossy UTF-8, ANSI colours, JSON escapes,
//!   HTML entities, mojibake) and never fails.
//! * [`extract`] finds what the paste literally says: statuses, codes, requests, tokens,
//!   claims, tenants, users, times. Garbage in gives fewer facts, not an error.
//! * [`signals`] draws typed conclusions from the facts (the token is app-only, its audience
//!   is not the API called, it expired before the error), each with its evidence sentence.
//! * [`matcher`] finds the known errors: exact codes, then message templates, then status
//!   pages, then similar wording (never confident on its own).
//! * [`rank`] moves each candidate cause's prior with the evidence its knowledge-base rules
//!   name, and rules out what the paste excludes.
//!
//! This crate does no I/O and no async, and the same paste with the same knowledge base and
//! options always gives the same document. The shells (the CLI, the web server) read files,
//! keep the clock and print.

pub mod budget;
pub mod cause_search;
pub mod cloud;
pub mod document;
pub mod encoding;
pub mod extract;
pub mod haystack;
pub mod hostile;
pub mod kb_check;
pub mod matcher;
pub mod mentions;
pub mod normalize;
pub mod permissions;
pub mod rank;
pub mod redact;
pub mod requirements;
pub mod search;
pub mod signals;
pub mod text;
pub mod token;

use std::sync::OnceLock;

use errdecode_kb::KnowledgeBase;

pub use document::{Assessment, DecodeDocument, MatchedError, Warning, FAIRLY_SURE, SCHEMA};
pub use extract::Facts;
pub use permissions::PermissionIndex;
pub use token::TokenReport;

use crate::extract::CodeVocabulary;
use crate::matcher::MatchIndex;
use crate::mentions::MentionIndex;
use crate::rank::Ranker;
use crate::token::{SignatureState, TokenSource};

/// What the caller knows that the paste does not, and how much work it allows.
#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {
    /// The current time (Unix seconds), for warning about tokens that are still live. `None`
    /// keeps the document independent of the clock.
    pub now: Option<i64>,
    /// The most steps of work the decode may do (see [`budget`]); `None` for no bound.
    pub max_steps: Option<u64>,
    /// Set by the caller to stop the decode (a deadline passed); it then returns what it has.
    pub cancel: Option<budget::Cancel>,
}

impl DecodeOptions {
    fn meter(&self) -> budget::Meter {
        budget::Meter::new(self.max_steps, self.cancel.clone())
    }
}

/// The note a decode that ran out of budget carries.
fn stopped_note(stopped: budget::Stopped, stage: &str) -> String {
    match stopped {
        budget::Stopped::Cancelled => format!(
            "decoding was stopped at its deadline while {stage}; what was found until then is shown"
        ),
        budget::Stopped::OutOfSteps => format!(
            "decoding used up its work budget while {stage}; what was found until then is shown"
        ),
    }
}

/// A knowledge base made ready for decoding. Build once, decode many times, share freely.
pub struct Decoder {
    kb: KnowledgeBase,
    // Every index below is built the first time it is needed, so that a command that decodes
    // nothing (`token`, `show`, `list`) never pays for it; [`Decoder::prepare`] builds them all.
    index: OnceLock<MatchIndex>,
    ranker: OnceLock<Ranker>,
    vocabulary: OnceLock<CodeVocabulary>,
    /// Built from the knowledge base's table the first time a request needs it.
    permissions: OnceLock<PermissionIndex>,
    mentions: OnceLock<MentionIndex>,
    /// The knowledge base's own text as the redactor leaves it, read on first use.
    own_text: OnceLock<redact::OwnText>,
    /// The errors indexed for search, built on the first search.
    search: OnceLock<search::SearchIndex>,
}

impl Decoder {
    /// Prepares `kb`; the endpoint permissions come from its own table.
    pub fn new(kb: KnowledgeBase) -> Decoder {
        Decoder {
            kb,
            index: OnceLock::new(),
            ranker: OnceLock::new(),
            vocabulary: OnceLock::new(),
            permissions: OnceLock::new(),
            mentions: OnceLock::new(),
            own_text: OnceLock::new(),
            search: OnceLock::new(),
        }
    }

    /// Builds every index now instead of on first use: for a long-running server, so that its
    /// first request is as fast as the others.
    pub fn prepare(&self) {
        self.index();
        self.ranker();
        self.vocabulary();
        self.mentions();
        self.permissions();
        self.own_text();
    }

    fn index(&self) -> &MatchIndex {
        self.index.get_or_init(|| MatchIndex::new(&self.kb))
    }

    fn ranker(&self) -> &Ranker {
        self.ranker.get_or_init(|| Ranker::new(&self.kb))
    }

    fn vocabulary(&self) -> &CodeVocabulary {
        self.vocabulary.get_or_init(|| {
            CodeVocabulary::new(
                self.kb.errors.iter().flat_map(|e| e.codes.iter().map(String::as_str)),
            )
        })
    }

    fn mentions(&self) -> &MentionIndex {
        self.mentions.get_or_init(|| MentionIndex::new(&self.kb.endpoint_mentions))
    }

    /// Uses another permission table (Microsoft's full permissions file, say).
    pub fn with_permissions(mut self, permissions: PermissionIndex) -> Decoder {
        self.permissions = OnceLock::from(permissions);
        self
    }

    pub fn kb(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// The endpoint permission table, parsed and indexed on first use.
    pub fn permissions(&self) -> &PermissionIndex {
        self.permissions.get_or_init(|| {
            PermissionIndex::new(std::sync::Arc::clone(self.kb.endpoint_permissions.table()))
        })
    }

    /// `text` through the one redactor ([`redact::redact`]), except for this knowledge base's
    /// own text ([`redact::OwnText`]): what every surface writes. Redaction is for what was
    /// pasted; the pages quoted in a diagnosis go out as written.
    pub fn redact<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        redact::redact_except(text, || self.own_text())
    }

    /// The knowledge base's own text, for [`Decoder::redact`]: every string of its errors,
    /// causes, products and tables.
    pub fn own_text(&self) -> &redact::OwnText {
        self.own_text.get_or_init(|| {
            let value = serde_json::to_value(&self.kb).unwrap_or_default();
            let mut texts = Vec::new();
            strings(&value, &mut texts);
            redact::OwnText::new(texts)
        })
    }

    /// Decodes a paste into the document of [`document`]. The work stops when the options'
    /// budget runs out or their [`budget::Cancel`] is set; the document then holds what was
    /// found until then, and a note says so.
    pub fn decode(&self, paste: &[u8], options: &DecodeOptions) -> DecodeDocument {
        self.decode_measured(paste, options).0
    }

    /// [`Decoder::decode`], with the steps of work it took (see [`budget`]): what the
    /// complexity tests compare across sizes of input.
    pub fn decode_measured(&self, paste: &[u8], options: &DecodeOptions) -> (DecodeDocument, u64) {
        let normalized = normalize::normalize(paste);
        let text = normalized.text.as_str();
        let haystack = haystack::Haystack::with_meter(text, options.meter());
        let mut stopped_at = None;
        let mut stage = |name: &'static str| {
            if stopped_at.is_none() && !haystack.meter().ok() {
                stopped_at = Some(name);
            }
            stopped_at.is_none()
        };
        let mut facts = if stage("extracting facts") {
            extract::extract(&haystack, self.vocabulary())
        } else {
            Facts::default()
        };
        // A request named in words (a cmdlet, an operation) when the paste shows none.
        if let Some(request) = self.mentions().infer(&facts, &haystack, || self.permissions()) {
            facts.requests.push(request.clone());
            facts.request = Some(request);
        }
        for request in facts.request.iter_mut().chain(facts.requests.iter_mut()) {
            let graph = request.service == Some(cloud::Service::MicrosoftGraph)
                || (request.service.is_none() && request.host.is_none());
            if graph {
                let path = permissions::api_path(&request.url);
                request.permissions = self.permissions().lookup(request.method.as_deref(), &path);
                if let Some(found) = &request.permissions {
                    // The table's template (a segment read as an id may be a literal of it),
                    // unless another method's row stands in for this one.
                    if found.method == request.method.as_deref().unwrap_or("GET") {
                        request.template = found.path.clone();
                    }
                }
            }
            request.requirements =
                requirements::for_request(&self.kb.endpoint_requirements, request);
        }
        let signals = if stage("deriving signals") { signals::derive(&facts) } else { Vec::new() };
        let matches = if stage("matching known errors") {
            self.index().matches(&self.kb, &facts, &signals, &haystack)
        } else {
            Vec::new()
        };
        let in_context = facts.microsoft_context
            || matches.first().is_some_and(|m| m.score > matcher::OFF_DOMAIN_CEILING);
        let (causes, ruled_out) = if stage("ranking causes") {
            self.ranker().rank(&self.kb, &matches, &signals, &haystack, in_context)
        } else {
            (Vec::new(), Vec::new())
        };
        stage("finishing");
        let warnings = warnings(&facts, options);

        let matches: Vec<MatchedError> = matches
            .iter()
            .map(|m| {
                let entry = &self.kb.errors[m.entry];
                MatchedError {
                    id: entry.id.clone(),
                    code: entry.codes.first().cloned(),
                    title: entry.title.clone(),
                    product: entry.product.clone(),
                    gist: entry.gist.clone(),
                    score: m.score,
                    matched_by: m.matched_by,
                    on: m.on.clone(),
                }
            })
            .collect();
        let recognised = matches.first().is_some_and(|m| m.score >= FAIRLY_SURE);
        let summary = summarize(&facts, &matches, recognised, normalized.text.trim().is_empty());
        let mut notes = normalized.notes;
        notes.append(&mut facts.notes);
        if let Some(stopped) = haystack.meter().stopped() {
            notes.push(stopped_note(stopped, stopped_at.unwrap_or("extracting facts")));
        }
        let steps = haystack.meter().used();
        let document = DecodeDocument {
            schema: SCHEMA,
            recognised,
            summary,
            facts,
            signals,
            matches,
            assessment: Assessment::of(&causes),
            causes,
            ruled_out,
            warnings,
            notes,
        };
        (document, steps)
    }

    /// Decodes every token in `text` (a bare JWT, a header, a paste), for `errdecode token`.
    /// Bounded as [`Decoder::decode`] is.
    pub fn decode_tokens(
        &self,
        text: &[u8],
        options: &DecodeOptions,
    ) -> (Vec<TokenReport>, Vec<Warning>) {
        let normalized = normalize::normalize(text);
        let haystack = haystack::Haystack::with_meter(&normalized.text, options.meter());
        let facts = extract::extract(&haystack, self.vocabulary());
        let warnings = warnings(&facts, options);
        (facts.tokens, warnings)
    }

    /// Known errors close to an id that names none, for "did you mean" (see
    /// [`KnowledgeBase::suggest`]).
    pub fn suggest(&self, asked: &str) -> Vec<SearchHit> {
        self.kb
            .suggest(asked, SUGGESTIONS)
            .into_iter()
            .map(|index| {
                let entry = &self.kb.errors[index];
                SearchHit {
                    index,
                    id: entry.id.clone(),
                    title: entry.title.clone(),
                    product: entry.product.clone(),
                    gist: entry.gist.clone(),
                    score: 0.5,
                }
            })
            .collect()
    }

    /// Entries that fit `query`, best first, at most `limit` of them (see [`search`]: ranked
    /// by the words of their codes, titles, messages, variations and related searches, an
    /// entry whose code or id the query names first).
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        self.search_counted(query, limit).hits
    }

    /// [`Decoder::search`], with how many entries match in all (`total`), for "348 results,
    /// showing 50".
    pub fn search_counted(&self, query: &str, limit: usize) -> SearchResults {
        let index = self.search.get_or_init(|| search::SearchIndex::new(&self.kb));
        let found = index.search(query, limit);
        let hits = found
            .hits
            .iter()
            .map(|scored| {
                let entry = &self.kb.errors[scored.entry];
                SearchHit {
                    index: scored.entry,
                    id: entry.id.clone(),
                    title: entry.title.clone(),
                    product: entry.product.clone(),
                    gist: entry.gist.clone(),
                    score: scored.score,
                }
            })
            .collect();
        SearchResults { total: found.total, hits }
    }
}

/// Every string in `value`.
fn strings<'v>(value: &'v serde_json::Value, out: &mut Vec<&'v str>) {
    match value {
        serde_json::Value::String(text) => out.push(text),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        serde_json::Value::Object(fields) => fields.values().for_each(|item| strings(item, out)),
        _ => {}
    }
}

/// The most of a search query that is searched for.
pub const SEARCH_QUERY_CHARS: usize = 200;

/// How many entries a "did you mean" offers.
const SUGGESTIONS: usize = 5;

/// What a search found: the best entries, and how many match in all.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SearchResults {
    /// Every entry that matches, however many are in `hits`.
    pub total: usize,
    pub hits: Vec<SearchHit>,
}

/// One entry a search found, with its score in [0, 1]: 0.5 or more when the query names its
/// code or id.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchHit {
    #[serde(skip)]
    pub index: usize,
    pub id: String,
    pub title: String,
    pub product: String,
    pub gist: String,
    pub score: f32,
}

fn summarize(facts: &Facts, matches: &[MatchedError], recognised: bool, empty: bool) -> String {
    if empty {
        return "The paste is empty: paste an error message, a response, a log line or a token."
            .to_string();
    }
    if facts.success_only {
        return "No error found: the paste shows only successful responses.".to_string();
    }
    match matches.first() {
        Some(top) if recognised => format!("{}: {}", top.title, top.gist),
        Some(top) => format!(
            "Not recognised with confidence; the nearest known error is {} ({}).",
            top.title,
            if facts.microsoft_context {
                "similar wording"
            } else {
                "this paste does not look like a Microsoft cloud error"
            }
        ),
        None if facts.microsoft_context => {
            "Not recognised: no known Microsoft cloud error fits this paste.".to_string()
        }
        None => "Not recognised: this does not look like a Microsoft cloud error.".to_string(),
    }
}

/// Live tokens and secrets in the paste: the user should revoke or rotate them.
fn warnings(facts: &Facts, options: &DecodeOptions) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for token in &facts.tokens {
        // Only a token that decodes whole can work: a damaged one (`eyJhbGciOi.bad.sig`)
        // is no live credential.
        if token.source != TokenSource::Jwt
            || !matches!(token.signature, SignatureState::Present { .. })
            || !token.problems.is_empty()
            || token.claims.is_empty()
        {
            continue;
        }
        let live = match (options.now, token.expires_unix) {
            (Some(now), Some(exp)) => now < exp,
            (_, None) => true,
            (None, Some(_)) => true,
        };
        if live {
            let until =
                token.expires_at.as_deref().map(|e| format!(" until {e}")).unwrap_or_default();
            warnings.push(Warning {
                kind: "live-token",
                message: format!(
                    "The paste holds a signed token that works{until}: anyone who has it can call {} with it. Remove it from wherever you posted it.",
                    token.audience.as_deref().unwrap_or("the API it was issued for")
                ),
            });
        }
    }
    for secret in &facts.secrets {
        if secret.looks_live || !secret.guid_shaped {
            warnings.push(Warning {
                kind: "client-secret",
                message: format!(
                    "The paste holds what looks like a client secret ({}, {}). If it is real, treat it as exposed: add a new secret to the app and delete this one.",
                    secret.preview, secret.found_in
                ),
            });
        }
    }
    warnings
}
