//! Finds tokens in a paste: compact JWTs (with or without `Bearer `, inside JSON, truncated,
//! with a broken signature), opaque personal-account tokens, and claim sets pasted as JSON
//! (pretty or flattened), as people copy them out of jwt.ms.

use std::sync::LazyLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use regex::Regex;
use serde_json::{Map, Value};

use super::{bounded, Facts, LIMITS};
use crate::haystack::Haystack;
use crate::token::{analyze, RawToken, SignatureState, TokenSource};

/// Stop trying to read JSON after this many attempts; keeps hostile pastes linear.
const MAX_JSON_ATTEMPTS: usize = 200;
const MAX_TOKENS: usize = LIMITS.tokens;
const JSON_WINDOW: usize = 64 * 1024;

/// A compact JWT. Its header and payload are JSON objects, which base64 writes as `eyJ` (`{"`),
/// `eyAi` (`{ "`) or `ewog`, `ewoJ`, `ew0K` (`{` and a newline). No word boundary in front: a
/// token glued to a word or to `%20` is still one.
static JWT: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(
        r"(?:eyJ|eyAi|ewog|ewoJ|ew0K)[A-Za-z0-9_-]{4,}\.(?:(?:eyJ|eyAi|ewog|ewoJ|ew0K)[A-Za-z0-9_-]*|[A-Za-z0-9_-]{0,3})(?:\.([A-Za-z0-9_-]*))?",
    )
});
static OPAQUE_MSA: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"\bEw[A-Za-z0-9+/]{100,}={0,2}"));
static FLAT_CLAIM: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(
        r#"(?m)^\s*["']?(aud|iss|tid|appid|azp|idtyp|ver|scp|roles|exp|nbf|iat|upn|oid|app_displayname|appidacr|azpacr|unique_name|preferred_username|sub)["']?\s*[:=]\s*["']?([^"'\n]+?)["']?,?\s*$"#,
    )
});

/// Claims that mark a JSON object as a token's payload.
const CLAIM_KEYS: &[&str] = &[
    "aud",
    "iss",
    "tid",
    "appid",
    "azp",
    "roles",
    "scp",
    "exp",
    "iat",
    "nbf",
    "oid",
    "ver",
    "idtyp",
    "upn",
    "app_displayname",
    "appidacr",
    "azpacr",
    "unique_name",
    "preferred_username",
];

pub fn extract_tokens(haystack: &Haystack, facts: &mut Facts) {
    let text = haystack.text();
    let error_time = facts.error_time();
    let mut raw_tokens: Vec<RawToken> = Vec::new();
    let mut jwt_spans = Vec::new();

    // Found without capture groups (reading groups over a long token is slow): header and
    // payload hold no dot, so the signature is whatever follows the second one.
    for whole in JWT.find_iter(text) {
        if !haystack.charge(1) {
            break;
        }
        if raw_tokens.len() >= MAX_TOKENS {
            facts.notes.push(format!(
                "more than {MAX_TOKENS} tokens; only the first {MAX_TOKENS} were decoded"
            ));
            break;
        }
        jwt_spans.push(whole.range());
        let mut parts = whole.as_str().splitn(3, '.');
        let header_part = parts.next().unwrap_or_default();
        let payload_part = parts.next().unwrap_or_default();
        let signature = match parts.next() {
            Some(sig) if !sig.is_empty() => SignatureState::Present { length: sig.len() },
            // Normalization cut the signature and left its length.
            _ => match text[whole.end()..].strip_prefix(crate::normalize::SIGNATURE_MARK) {
                Some(rest) => SignatureState::Present {
                    length: rest.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0),
                },
                None => SignatureState::Missing,
            },
        };
        let (header, header_complete) = decode_segment(segment_prefix(header_part));
        let (claims, payload_complete) = decode_segment(segment_prefix(payload_part));
        let mut problems = Vec::new();
        if !header_complete {
            problems.push("the header could not be fully decoded".to_string());
        }
        if !payload_complete {
            problems.push("the payload is truncated or damaged; the claims shown are those that could be read".to_string());
        }
        raw_tokens.push(RawToken { source: TokenSource::Jwt, header, claims, signature, problems });
    }

    for m in OPAQUE_MSA.find_iter(text).take(2) {
        if jwt_spans.iter().any(|span| span.contains(&m.start())) {
            continue;
        }
        raw_tokens.push(RawToken {
            source: TokenSource::Opaque,
            header: Map::new(),
            claims: Map::new(),
            signature: SignatureState::NotApplicable,
            problems: Vec::new(),
        });
    }

    // A claim set names at least one of these, and JSON always quotes its keys.
    let may_hold_claims_json = ["\"aud\"", "\"iss\"", "\"tid\"", "\"appid\"", "\"azp\""]
        .iter()
        .any(|key| text.contains(key));
    let mut attempts = 0;
    let mut search_from = if may_hold_claims_json { 0 } else { text.len() };
    while let Some(offset) = text[search_from..].find('{') {
        let start = search_from + offset;
        if attempts >= MAX_JSON_ATTEMPTS || raw_tokens.len() >= MAX_TOKENS || !haystack.charge(1) {
            break;
        }
        attempts += 1;
        // Claim sets are small; a window keeps a hostile paste (an unclosed string before
        // megabytes of text) from being scanned once per brace.
        let mut end = (start + JSON_WINDOW).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut stream = serde_json::Deserializer::from_str(&text[start..end]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value)) => {
                let consumed = stream.byte_offset();
                if let Some(claims) = find_claims_object(&value, 0) {
                    raw_tokens.push(RawToken {
                        source: TokenSource::PastedClaims,
                        header: Map::new(),
                        claims,
                        signature: SignatureState::NotApplicable,
                        problems: Vec::new(),
                    });
                }
                // Every object inside this one has been looked at.
                search_from = start + consumed.max(1);
            }
            _ => search_from = start + 1,
        }
    }

    if !raw_tokens.iter().any(|t| t.source == TokenSource::PastedClaims) {
        let mut flat = Map::new();
        let may_hold_claims = ["aud", "iss", "tid"].iter().any(|claim| text.contains(claim));
        for caps in FLAT_CLAIM.captures_iter(if may_hold_claims { text } else { "" }) {
            if flat.len() > CLAIM_KEYS.len() || !haystack.charge(1) {
                break;
            }
            let key = caps[1].to_string();
            let raw_value = bounded(caps[2].trim());
            let value = raw_value
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(raw_value.to_string()));
            flat.entry(key).or_insert(value);
        }
        if flat.len() >= 3 && ["aud", "iss", "tid"].iter().any(|k| flat.contains_key(*k)) {
            raw_tokens.push(RawToken {
                source: TokenSource::PastedClaims,
                header: Map::new(),
                claims: flat,
                signature: SignatureState::NotApplicable,
                problems: Vec::new(),
            });
        }
    }

    facts.tokens = raw_tokens.into_iter().map(|raw| analyze(raw, error_time)).collect();
}

/// The part of a token segment that is decoded: real segments are a few kilobytes, and a
/// megabyte-long one must not become a megabyte of claims in every answer.
fn segment_prefix(segment: &str) -> &str {
    &segment[..segment.len().min(LIMITS.token_segment_bytes)]
}

/// Decodes one base64url segment into a JSON object. Returns what could be read and whether
/// the segment was whole.
pub fn decode_segment(segment: &str) -> (Map<String, Value>, bool) {
    let trimmed = segment.trim_end_matches('=');
    // A base64 string cut at a length of 4n+1 has a dangling character.
    let usable = if trimmed.len() % 4 == 1 { &trimmed[..trimmed.len() - 1] } else { trimmed };
    let bytes = match URL_SAFE_NO_PAD.decode(usable) {
        Ok(bytes) => bytes,
        Err(_) => {
            // Decode the longest clean prefix.
            let clean: String = usable
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            let cut = clean.len() - clean.len() % 4;
            URL_SAFE_NO_PAD.decode(&clean[..cut]).unwrap_or_default()
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => (map, true),
        _ => (lenient_object(&text), false),
    }
}

static PAIR: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(
        r#""([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null|\[[^\]]*\])"#,
    )
});

/// Reads the complete `"key": value` pairs of a cut-off JSON object.
fn lenient_object(text: &str) -> Map<String, Value> {
    let mut map = Map::new();
    for caps in PAIR.captures_iter(text) {
        if let Ok(value) = serde_json::from_str::<Value>(&caps[2]) {
            map.entry(caps[1].to_string()).or_insert(value);
        }
    }
    map
}

/// A JSON object that looks like a token payload, or one nested a level or two down
/// (jwt.ms and other tools wrap it as `{"header": .., "payload": ..}`).
/// The first object in `value`, at any depth, that reads as a claim set.
fn find_claims_object(value: &Value, depth: usize) -> Option<Map<String, Value>> {
    if depth > 64 {
        return None;
    }
    let object = match value {
        Value::Object(object) => object,
        Value::Array(items) => return items.iter().find_map(|v| find_claims_object(v, depth + 1)),
        _ => return None,
    };
    let claim_count = CLAIM_KEYS.iter().filter(|k| object.contains_key(**k)).count();
    if claim_count >= 2
        && ["aud", "iss", "tid", "appid", "azp"].iter().any(|k| object.contains_key(*k))
    {
        return Some(object.clone());
    }
    object.values().find_map(|v| find_claims_object(v, depth + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::haystack::Haystack;

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn decodes_whole_truncated_and_broken_segments() {
        let (map, complete) =
            decode_segment(&b64(r#"{"aud":"https://graph.microsoft.com","exp":1}"#));
        assert!(complete);
        assert_eq!(map["aud"], "https://graph.microsoft.com");
        let full = b64(r#"{"aud":"https://graph.microsoft.com","tid":"x","roles":["A"],"exp":17}"#);
        let (map, complete) = decode_segment(&full[..full.len() - 7]);
        assert!(!complete);
        assert_eq!(map["aud"], "https://graph.microsoft.com");
        let (map, complete) = decode_segment("!!!not base64");
        assert!(!complete && map.is_empty());
    }

    #[test]
    fn finds_claims_deep_in_a_json_document_once() {
        let mut facts = Facts::default();
        let paste = r#"{"log":[{"step":1},{"token":{"decoded":{"aud":"https://graph.microsoft.com","tid":"t","roles":["Mail.Read"]}}}]} and {"id":"{id}"}"#;
        extract_tokens(&Haystack::new(paste), &mut facts);
        assert_eq!(facts.tokens.len(), 1, "{:?}", facts.tokens);
        let mut facts = Facts::default();
        extract_tokens(
            &Haystack::new(r#"{"error":{"code":"x","inner":{"date":"d"}}}"#),
            &mut facts,
        );
        assert!(facts.tokens.is_empty());
    }

    #[test]
    fn finds_claims_in_json_and_flat_text() {
        let mut facts = Facts::default();
        extract_tokens(&Haystack::new("Token details\n{\n\"aud\": \"https://graph.microsoft.com\",\n\"tid\": \"t\",\n\"roles\": [\"Calendars.Read\"]\n}"), &mut facts);
        assert_eq!(facts.tokens.len(), 1);
        assert_eq!(facts.tokens[0].source, TokenSource::PastedClaims);
        let mut facts = Facts::default();
        extract_tokens(
            &Haystack::new("aud: https://graph.microsoft.com\ntid: abc\nidtyp: app\n"),
            &mut facts,
        );
        assert_eq!(facts.tokens.len(), 1);
    }

    #[test]
    fn finds_jwts_without_keeping_signatures() {
        let token = format!(
            "{}.{}.c2lnbmF0dXJl",
            b64(r#"{"typ":"JWT","alg":"RS256","nonce":"n"}"#),
            b64(r#"{"aud":"00000003-0000-0000-c000-000000000000","scp":"User.Read"}"#)
        );
        let mut facts = Facts::default();
        extract_tokens(&Haystack::new(&format!("Authorization: Bearer {token}")), &mut facts);
        let report = &facts.tokens[0];
        assert_eq!(report.signature, SignatureState::Present { length: 12 });
        let json = serde_json::to_string(report).unwrap();
        assert!(!json.contains("c2lnbmF0dXJl"));
    }

    #[test]
    fn hostile_json_stays_bounded() {
        let deep = "[".repeat(50_000) + &"{".repeat(50_000);
        let mut facts = Facts::default();
        extract_tokens(&Haystack::new(&deep), &mut facts);
        assert!(facts.tokens.is_empty());
    }
}
