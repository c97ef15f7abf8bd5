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

/// A score or confidence of this much or more means "fairly sure", in every surface.
pub const FAIRLY_SURE: f32 = 0.5;

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
    /// Whether a cause is fairly sure, and when none is, the check that tells the leading
    /// ones apart. Said before the causes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
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
    /// paste held redacted by `decoder` ([`crate::Decoder::redact`]): what every surface
    /// writes.
    pub fn to_json(&self, pretty: bool, decoder: &crate::Decoder) -> String {
        let json =
            if pretty { serde_json::to_string_pretty(self) } else { serde_json::to_string(self) }
                .expect("the document is plain data");
        match decoder.redact(&json) {
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

/// How sure the ranking is, in one sentence, and what to check next when it is not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// The leading cause reaches [`FAIRLY_SURE`].
    pub fairly_sure: bool,
    pub says: String,
    /// When no cause is fairly sure: the first step of confirming the leading cause, which
    /// tells it apart from the next ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_check: Option<String>,
}

impl Assessment {
    pub fn of(causes: &[RankedCause]) -> Option<Assessment> {
        let top = causes.first()?;
        if top.confidence >= FAIRLY_SURE {
            return Some(Assessment {
                fairly_sure: true,
                says: format!("Fairly sure: {}.", top.title.trim_end_matches('.')),
                next_check: None,
            });
        }
        let leading: Vec<&str> = causes.iter().take(3).map(|c| c.title.as_str()).collect();
        let says = match leading.as_slice() {
            [one] => format!("No cause is fairly sure yet; the closest is: {one}."),
            many => format!(
                "No cause is fairly sure yet; the leading ones are: {}.",
                many.iter().map(|t| t.trim_end_matches('.')).collect::<Vec<_>>().join("; ")
            ),
        };
        let next_check = top.how_to_confirm.as_deref().and_then(first_step);
        Some(Assessment { fairly_sure: false, says, next_check })
    }
}

/// The first step of a "How to confirm it" section: its first list item, or its first
/// paragraph, as plain text.
pub fn first_step(markdown: &str) -> Option<String> {
    let mut lines =
        markdown.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("```"));
    let first = lines.next()?;
    let item = markdown.lines().map(str::trim).find_map(|line| {
        let rest = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")).or_else(|| {
            let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            (digits > 0).then(|| line[digits..].strip_prefix(". ")).flatten()
        })?;
        Some(rest.to_string())
    });
    let text = item.unwrap_or_else(|| first.to_string());
    let plain: String = text.replace("**", "").replace('`', "");
    let plain = plain.trim().trim_end_matches(':').to_string();
    if plain.is_empty() {
        return None;
    }
    Some(match plain.char_indices().nth(240) {
        Some((cut, _)) => format!("{}…", &plain[..cut]),
        None => plain,
    })
}
