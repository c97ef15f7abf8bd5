//! The decode document: the one JSON shape that `errdecode decode --format json` prints and
//! `POST /api/v1/decode` answers. Its top-level names (`facts.http_status`,
//! `facts.error_codes`, `matches[].id/code/title/score`, `causes[].id/confidence/evidence`,
//! `ruled_out[].id/because`) are a wire format other tools read: add fields, never rename.

use serde::Serialize;

use crate::extract::Facts;
use crate::matcher::MatchedBy;
use crate::rank::{RankedCause, RuledOut};
use crate::signals::Signal;

/// The version of this wire format.
pub const SCHEMA: &str = "errdecode.decode/1";

#[derive(Debug, Clone, Serialize)]
pub struct DecodeDocument {
    pub schema: &'static str,
    /// A known error matched with a score of 0.5 or more.
    pub recognised: bool,
    /// One line for people: what this is, or that it was not recognised.
    pub summary: String,
    pub facts: Facts,
    pub signals: Vec<Signal>,
    /// Known errors, best first. When nothing is recognised these are the nearest entries.
    pub matches: Vec<MatchedError>,
    /// Root causes for this paste, most likely first.
    pub causes: Vec<RankedCause>,
    /// Causes the paste itself excludes, with the evidence that excludes them.
    pub ruled_out: Vec<RuledOut>,
    /// Live credentials and other things the user should act on now.
    pub warnings: Vec<Warning>,
    /// What normalization did to the paste.
    pub notes: Vec<String>,
}

impl DecodeDocument {
    /// The document as JSON (indented when `pretty`), with every signature and secret the
    /// paste held redacted ([`crate::redact`]): what every surface writes.
    pub fn to_json(&self, pretty: bool) -> String {
        let json =
            if pretty { serde_json::to_string_pretty(self) } else { serde_json::to_string(self) }
                .expect("the document is plain data");
        match crate::redact::redact(&json) {
            std::borrow::Cow::Owned(redacted) => redacted,
            std::borrow::Cow::Borrowed(_) => json,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MatchedError {
    pub id: String,
    /// The entry's main code, when it has one.
    pub code: Option<String>,
    pub title: String,
    pub product: String,
    pub gist: String,
    pub score: f32,
    pub matched_by: MatchedBy,
    /// What in the paste matched.
    pub on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `live-token`, `client-secret`.
    pub kind: &'static str,
    pub message: String,
}
