//! What one verdict stores.

use errdecode_core::DecodeDocument;
use errdecode_kb::KnowledgeBase;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::sanitize::{sanitize_code, sanitize_endpoint, CLOUDS, FLOWS, TOKEN_KINDS};

/// The facts a diagnosis rested on, reduced to what says nothing about who pasted it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Error codes, most specific first (`AADSTS50076`, `InvalidAuthenticationToken`).
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub status: Option<u16>,
    /// The request's path template (`/users/{id}/calendar/events`).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The first token's flow (`app-only`, `delegated`, ...).
    #[serde(default)]
    pub flow: Option<String>,
    /// The cloud of the request or token (`global`, `us-government`, `china`, ...).
    #[serde(default)]
    pub cloud: Option<String>,
    /// The first token's kind (`access-token`, `id-token`).
    #[serde(default)]
    pub token_kind: Option<String>,
}

/// A cause as the diagnosis ranked it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredCause {
    pub id: String,
    pub confidence: f32,
}

/// What a result page showed, in the shape that is stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// The matched known error, when the paste was recognised.
    #[serde(default)]
    pub entry: Option<String>,
    /// The causes, best first.
    #[serde(default)]
    pub causes: Vec<ScoredCause>,
    #[serde(default)]
    pub fingerprint: Fingerprint,
}

/// Causes kept per diagnosis (a result page shows fewer).
pub const MAX_CAUSES: usize = 12;
/// Codes kept per fingerprint.
pub const MAX_CODES: usize = 6;

fn enum_name(value: &impl Serialize) -> Option<String> {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string))
}

impl Diagnosis {
    /// The stored shape of a decode: ids, confidences and the fingerprint, nothing else.
    pub fn from_document(doc: &DecodeDocument) -> Diagnosis {
        let entry = if doc.recognised { doc.matches.first().map(|m| m.id.clone()) } else { None };
        let causes = doc
            .causes
            .iter()
            .take(MAX_CAUSES)
            .map(|c| ScoredCause { id: c.id.clone(), confidence: round3(c.confidence) })
            .collect();
        let facts = &doc.facts;
        let token = facts.tokens.first();
        let cloud = facts
            .request
            .as_ref()
            .and_then(|r| r.cloud)
            .or_else(|| token.and_then(|t| t.cloud))
            .and_then(|c| enum_name(&c));
        let fingerprint = Fingerprint {
            codes: facts
                .error_codes
                .iter()
                .filter_map(|c| sanitize_code(c))
                .take(MAX_CODES)
                .collect(),
            status: facts.http_status.filter(|s| (100..600).contains(s)),
            endpoint: facts.request.as_ref().map(|r| sanitize_endpoint(&r.template)),
            flow: token.and_then(|t| enum_name(&t.flow)),
            cloud,
            token_kind: token.and_then(|t| enum_name(&t.kind)),
        };
        Diagnosis { entry, causes, fingerprint }
    }

    /// The same diagnosis held to what may be stored: the entry and every cause must be the
    /// knowledge base's own ids, confidences in [0, 1], codes and the endpoint in their safe
    /// shapes, flow, cloud and token kind from their fixed lists. Anything else is dropped
    /// (an unknown entry or cause is an error: the client did not get it from this server).
    pub fn sanitized(&self, kb: &KnowledgeBase) -> crate::Result<Diagnosis> {
        let entry = match &self.entry {
            Some(id) if kb.error(id).is_some() => Some(id.clone()),
            Some(_) => return Err(crate::Error::Invalid("unknown error entry".into())),
            None => None,
        };
        let mut causes = Vec::new();
        for cause in self.causes.iter().take(MAX_CAUSES) {
            if kb.cause(&cause.id).is_none() {
                return Err(crate::Error::Invalid("unknown cause".into()));
            }
            if causes.iter().any(|c: &ScoredCause| c.id == cause.id) {
                continue;
            }
            let confidence = if cause.confidence.is_finite() {
                round3(cause.confidence.clamp(0.0, 1.0))
            } else {
                0.0
            };
            causes.push(ScoredCause { id: cause.id.clone(), confidence });
        }
        let fp = &self.fingerprint;
        let pick = |value: &Option<String>, allowed: &[&str]| {
            value.as_deref().filter(|v| allowed.contains(v)).map(str::to_string)
        };
        let fingerprint = Fingerprint {
            codes: fp.codes.iter().filter_map(|c| sanitize_code(c)).take(MAX_CODES).collect(),
            status: fp.status.filter(|s| (100..600).contains(s)),
            endpoint: fp.endpoint.as_deref().map(sanitize_endpoint),
            flow: pick(&fp.flow, FLOWS),
            cloud: pick(&fp.cloud, CLOUDS),
            token_kind: pick(&fp.token_kind, TOKEN_KINDS),
        };
        Ok(Diagnosis { entry, causes, fingerprint })
    }
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// A verdict on a diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", content = "cause", rename_all = "lowercase")]
pub enum Verdict {
    /// "This was it".
    Confirmed(String),
    /// "Not this".
    Rejected(String),
    /// "None of these".
    None,
}

impl Verdict {
    /// The stored name: `confirmed`, `rejected` or `none`.
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Confirmed(_) => "confirmed",
            Verdict::Rejected(_) => "rejected",
            Verdict::None => "none",
        }
    }

    pub fn cause(&self) -> Option<&str> {
        match self {
            Verdict::Confirmed(id) | Verdict::Rejected(id) => Some(id),
            Verdict::None => None,
        }
    }

    /// From the stored or posted pair: `confirmed`/`rejected` need a cause, `none` takes none.
    pub fn parse(kind: &str, cause: Option<&str>) -> crate::Result<Verdict> {
        let cause = cause.map(str::trim).filter(|c| !c.is_empty());
        match (kind, cause) {
            ("confirmed" | "yes", Some(id)) => Ok(Verdict::Confirmed(id.to_string())),
            ("rejected" | "no", Some(id)) => Ok(Verdict::Rejected(id.to_string())),
            ("none", _) => Ok(Verdict::None),
            _ => Err(crate::Error::Invalid(
                "the verdict is `confirmed` or `rejected` with a cause, or `none`".into(),
            )),
        }
    }
}

/// One verdict as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The day it was given, `YYYY-MM-DD` (UTC): a date, never a time.
    pub day: String,
    pub kb_version: String,
    pub diagnosis: Diagnosis,
    pub verdict: Verdict,
}

impl Record {
    /// A record for today (UTC). The verdict's cause must be one of the diagnosis's causes.
    pub fn new(kb_version: &str, diagnosis: Diagnosis, verdict: Verdict) -> crate::Result<Record> {
        Record::on_day(&today(), kb_version, diagnosis, verdict)
    }

    pub fn on_day(
        day: &str,
        kb_version: &str,
        diagnosis: Diagnosis,
        verdict: Verdict,
    ) -> crate::Result<Record> {
        if let Some(cause) = verdict.cause() {
            if !diagnosis.causes.iter().any(|c| c.id == cause) {
                return Err(crate::Error::Invalid(
                    "the verdict names a cause the diagnosis did not rank".into(),
                ));
            }
        }
        let valid_day = day.len() == 10
            && time::Date::parse(day, &time::macros::format_description!("[year]-[month]-[day]"))
                .is_ok();
        if !valid_day {
            return Err(crate::Error::Invalid("the day is YYYY-MM-DD".into()));
        }
        Ok(Record { day: day.to_string(), kb_version: kb_version.to_string(), diagnosis, verdict })
    }
}

/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    let now = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", now.year(), u8::from(now.month()), now.day())
}

/// A short digest of what the verdicts are about: every entry's id with its causes and
/// priors, and every cause's id. Verdicts from before a change of priors can be told apart.
pub fn kb_version(kb: &KnowledgeBase) -> String {
    let mut hash = Sha256::new();
    for entry in &kb.errors {
        hash.update(entry.id.as_bytes());
        for cause in &entry.causes {
            hash.update(b"\x1f");
            hash.update(cause.id.as_bytes());
            hash.update(cause.prior.to_bits().to_le_bytes());
        }
        hash.update(b"\x1e");
    }
    for cause in &kb.causes {
        hash.update(cause.id.as_bytes());
        hash.update(b"\x1e");
    }
    let digest = hash.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}
