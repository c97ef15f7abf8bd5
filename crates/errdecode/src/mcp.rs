//! `errdecode mcp`: the decoder as a Model Context Protocol server on stdio, for AI assistants.
//!
//! Tools: `decode`, `token`, `show_error`, `show_cause`, `search`. Each answers a JSON document
//! (the same the command line's `--format json` prints; the decode document is
//! `errdecode.decode/1`) as structured content, with a short summary as text before it.
//! Everything runs in this process on the embedded (or `--kb`) knowledge base: no network, no
//! files written. No answer carries a JWT signature or a client secret: the decoder never keeps
//! them, and every answer is scrubbed of the ones the request held before it goes out.

use std::sync::{Arc, LazyLock};

use errdecode_core::token::{verdict, ValidationOptions};
use errdecode_core::{DecodeOptions, Decoder};
use regex::Regex;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{schemars, tool, tool_handler, tool_router, ServerHandler};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct DecodeRequest {
    /// The paste: an error message, an HTTP response, a log excerpt, a PowerShell error record,
    /// with any token or request line it came with. JWT signatures can be left in: they are
    /// cut before decoding and never returned.
    pub text: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct TokenRequest {
    /// A JWT (`eyJ...`), an `Authorization: Bearer ...` line, pasted claims (JSON), or a paste
    /// holding any of them.
    pub token: String,
    /// Check expiry and not-before at this time (RFC 3339, e.g. `2025-11-20T11:42:08Z`)
    /// instead of now.
    #[serde(default)]
    pub at: Option<String>,
    /// The audience the token must have (e.g. `https://graph.microsoft.com`).
    #[serde(default)]
    pub aud: Option<String>,
    /// The issuer the token must have.
    #[serde(default)]
    pub iss: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ShowRequest {
    /// An error id (`aadsts50012`) or code (`AADSTS50012`, `ErrorAccessDenied`) for
    /// `show_error`; a cause id (`token-expired`) for `show_cause`.
    pub id: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SearchRequest {
    /// Words, a code or a message fragment (`insufficient privileges`, `AADSTS7000`).
    pub query: String,
    /// At most this many results (default 10).
    #[serde(default)]
    pub limit: Option<usize>,
}

#[derive(Clone)]
pub struct ErrdecodeServer {
    decoder: Arc<Decoder>,
    clock: fn() -> i64,
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl ErrdecodeServer {
    pub fn new(decoder: Arc<Decoder>, clock: fn() -> i64) -> Self {
        ErrdecodeServer { decoder, clock, tool_router: Self::tool_router() }
    }

    fn options(&self) -> DecodeOptions {
        DecodeOptions { now: Some((self.clock)()), ..Default::default() }
    }

    #[tool(
        description = "Decode a pasted Microsoft cloud error (Microsoft Graph, Entra ID AADSTS sign-in errors, Graph PowerShell, MSAL, Exchange Online, SharePoint, Teams, Intune): the known error, the root causes ranked by the evidence in the paste (with that evidence), the causes the paste rules out and why, the decoded token, and warnings about live tokens or secrets. Offline and deterministic. Returns the errdecode.decode/1 document."
    )]
    fn decode(&self, Parameters(request): Parameters<DecodeRequest>) -> CallToolResult {
        let doc = self.decoder.decode(request.text.as_bytes(), &self.options());
        let mut summary = doc.summary.clone();
        for (i, cause) in doc.causes.iter().take(3).enumerate() {
            summary.push_str(&format!(
                "\n{}. {} ({}, {:.0}%)",
                i + 1,
                cause.title,
                cause.id,
                cause.confidence * 100.0
            ));
            if let Some(evidence) = cause.evidence.first() {
                summary.push_str(&format!(": {evidence}"));
            }
        }
        if !doc.ruled_out.is_empty() {
            let ruled: Vec<&str> = doc.ruled_out.iter().map(|r| r.id.as_str()).collect();
            summary.push_str(&format!("\nRuled out: {}.", ruled.join(", ")));
        }
        for warning in &doc.warnings {
            summary.push_str(&format!("\nWarning: {}", warning.message));
        }
        answer(&self.decoder, &request.text, summary, json!(doc), false)
    }

    #[tool(
        description = "Decode a JWT access or ID token (or pasted claims) from the Microsoft identity platform and check it: expiry and not-before (against now or `at`), exp before iat, audience and issuer (against `aud`/`iss` when given), v1.0/v2.0 issuer shape; explains every claim. The signature is never checked nor returned (Microsoft Graph tokens carry a nonce and only Graph can verify them). `valid` is true when a token was found and none has a problem."
    )]
    fn token(&self, Parameters(request): Parameters<TokenRequest>) -> CallToolResult {
        let at = match request.at.as_deref().map(parse_rfc3339) {
            Some(Ok(at)) => at,
            Some(Err(message)) => return invalid(message),
            None => (self.clock)(),
        };
        let (reports, warnings) =
            self.decoder.decode_tokens(request.token.as_bytes(), &self.options());
        let options =
            ValidationOptions { at: Some(at), audience: request.aud, issuer: request.iss };
        let verdict = verdict(reports, warnings, &options);
        let summary = if verdict.tokens.is_empty() {
            "No token found: give a JWT (eyJ...), a Bearer line or pasted claims.".to_string()
        } else if verdict.valid {
            format!(
                "{} decoded; no problem found in what it says (the signature is not checked).",
                if verdict.tokens.len() == 1 { "The token" } else { "Every token" }
            )
        } else {
            let problems: Vec<String> = verdict
                .problems
                .iter()
                .map(|p| format!("token {} {}: {}", p.token, p.code, p.message))
                .collect();
            format!("Problems found:\n{}", problems.join("\n"))
        };
        answer(&self.decoder, &request.token, summary, json!(verdict), false)
    }

    #[tool(
        description = "The knowledge-base page of a known error, by id or code: message, meaning, causes to check, quick fix, admin fix with commands, step by step, variations, related errors."
    )]
    fn show_error(&self, Parameters(request): Parameters<ShowRequest>) -> CallToolResult {
        match crate::commands::show::find_error(&self.decoder, &request.id) {
            Some(entry) => {
                let summary = format!("{} ({}): {}", entry.title, entry.id, entry.gist);
                answer(&self.decoder, &request.id, summary, json!(entry), false)
            }
            None => not_found(&self.decoder, &request.id, "error"),
        }
    }

    #[tool(
        description = "The knowledge-base page of a root cause, by cause id (as the decode tool's causes and ruled_out name them): summary, how to confirm it, how to fix it."
    )]
    fn show_cause(&self, Parameters(request): Parameters<ShowRequest>) -> CallToolResult {
        match self.decoder.kb().cause(&request.id.trim().to_ascii_lowercase()) {
            Some(cause) => {
                let summary = format!("{} ({}): {}", cause.title, cause.id, cause.summary);
                answer(&self.decoder, &request.id, summary, json!(cause), false)
            }
            None => not_found(&self.decoder, &request.id, "cause"),
        }
    }

    #[tool(
        description = "Search the known errors by code, title, message, variation or related search; best first (an error whose code the query names first), with id, title, product, a one-line gist and a score in [0, 1]; `total` counts every match."
    )]
    fn search(&self, Parameters(request): Parameters<SearchRequest>) -> CallToolResult {
        let found =
            self.decoder.search_counted(&request.query, request.limit.unwrap_or(10).min(100));
        let hits = found.hits;
        let summary = if hits.is_empty() {
            format!("Nothing found for \"{}\".", request.query)
        } else {
            let shown = if hits.len() < found.total {
                format!("{} results, showing {}:", found.total, hits.len())
            } else {
                format!("{} result{}:", found.total, if found.total == 1 { "" } else { "s" })
            };
            std::iter::once(shown)
                .chain(hits.iter().map(|h| format!("{}: {}", h.id, h.title)))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let content = json!({ "total": found.total, "hits": hits });
        answer(&self.decoder, &request.query, summary, content, false)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for ErrdecodeServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("errdecode", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "errdecode decodes Microsoft cloud errors offline. Call `decode` with the user's whole paste (error text, response, log lines, token); cite the causes' evidence and the ruled-out list instead of guessing. `token` checks a JWT; `show_error` and `show_cause` give the fix pages; `search` finds errors by words.",
            )
    }
}

fn parse_rfc3339(text: &str) -> Result<i64, String> {
    time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|_| {
            format!("`at` must be an RFC 3339 time such as 2025-11-20T11:42:08Z, not `{text}`")
        })
}

fn invalid(message: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}

fn not_found(decoder: &Decoder, id: &str, what: &str) -> CallToolResult {
    let id = errdecode_core::text::first_chars(id, errdecode_kb::SUGGEST_CHARS);
    let hits = crate::commands::show::suggestions(decoder, id);
    let shown = errdecode_core::text::first_chars(id, crate::commands::show::SHOWN_ID_CHARS);
    let mut message = format!("No {what} with the id `{shown}`.");
    if !hits.is_empty() {
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        message.push_str(&format!(" Did you mean: {}?", ids.join(", ")));
    }
    let value = json!({"found": false, "message": message, "suggestions": hits});
    answer(decoder, id, message, value, true)
}

/// The answer: the summary, then the document as JSON text, and the document as structured
/// content; through the one redactor (`errdecode_core::redact`), and scrubbed of every
/// signature and secret the request held besides.
fn answer(
    decoder: &Decoder,
    request: &str,
    summary: String,
    value: Value,
    is_error: bool,
) -> CallToolResult {
    let secrets = secrets_in(request);
    let scrub = |text: String| -> String {
        let text = decoder.redact(&text).into_owned();
        secrets.iter().fold(text, |text, secret| text.replace(secret.as_str(), &preview(secret)))
    };
    let json_text = scrub(serde_json::to_string_pretty(&value).unwrap_or_default());
    let value = serde_json::from_str(&json_text).unwrap_or(value);
    let mut result = if is_error {
        CallToolResult::structured_error(value)
    } else {
        CallToolResult::structured(value)
    };
    result.content = vec![ContentBlock::text(scrub(summary)), ContentBlock::text(json_text)];
    result
}

/// The shortest secret value scrubbed from an answer wherever it appears (a shorter one
/// would take words of the answer with it).
const MIN_SCRUBBED_CHARS: usize = 6;
static SECRET_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9_.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{20,}").expect("secret shape")
});
static JWT_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.([A-Za-z0-9_-]{8,})").expect("jwt")
});

/// The most distinct secrets of a request scrubbed one by one from its answer.
const MAX_SCRUBBED: usize = 64;

/// Every secret value and JWT signature in the request, longest first.
fn secrets_in(text: &str) -> Vec<String> {
    // The secrets the one redactor finds (so not the words after a `password:` in a
    // sentence), with the shapes of a secret and of a signature besides.
    let mut found: Vec<String> = errdecode_core::redact::secret_values(text)
        .into_iter()
        .filter(|value| value.chars().count() >= MIN_SCRUBBED_CHARS)
        .chain(SECRET_SHAPE.find_iter(text).map(|m| m.as_str()))
        .chain(JWT_SIGNATURE.captures_iter(text).filter_map(|c| c.get(1)).map(|m| m.as_str()))
        .map(str::to_string)
        .collect();
    found.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    found.dedup();
    // Each is replaced in the whole answer: a request with thousands of them keeps the
    // longest (the redactor has removed every shape it knows before these run).
    found.truncate(MAX_SCRUBBED);
    found
}

fn preview(secret: &str) -> String {
    format!("{}…(removed)", secret.chars().take(3).collect::<String>())
}

/// Serves until the client closes standard input.
pub async fn serve(decoder: Arc<Decoder>, clock: fn() -> i64) -> anyhow::Result<()> {
    use rmcp::ServiceExt;
    let service = ErrdecodeServer::new(decoder, clock)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| anyhow::anyhow!("the MCP client did not start a session: {e}"))?;
    service.waiting().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoder() -> Decoder {
        Decoder::new(errdecode_kb::load_embedded().expect("valid knowledge base"))
    }

    #[test]
    fn secrets_and_signatures_are_scrubbed() {
        let request = "client_secret=abc8Q~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&x=1 Bearer eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl";
        let result = answer(
            &decoder(),
            request,
            "summary abc8Q~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            json!({"echo": request}),
            false,
        );
        let all = serde_json::to_string(&result).unwrap();
        assert!(!all.contains("aaaaaaaaaaaaaaaaaaaa"), "{all}");
        assert!(!all.contains("c2lnbmF0dXJlc2lnbmF0dXJl"), "{all}");
    }

    #[test]
    fn words_after_a_password_key_in_a_sentence_are_not_scrubbed() {
        let request =
            "SMTP AUTH with a username and password: update the client, password: Hunter2!x";
        let result = answer(
            &decoder(),
            request,
            "Stale password: update it in the saved credential".into(),
            json!({"how": "update the saved credential", "echo": request}),
            false,
        );
        let all = serde_json::to_string(&result).unwrap();
        assert!(all.contains("Stale password: update it in the saved credential"), "{all}");
        assert!(all.contains("update the saved credential"), "{all}");
        assert!(!all.contains("Hunter2!x"), "{all}");
    }
}
