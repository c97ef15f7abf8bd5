//! Turns pasted bytes into text the extractors can read.
//!
//! Pastes come from terminals, browsers, log viewers and forum posts: they carry ANSI colours,
//! Windows newlines, JSON strings with their escapes still in, HTML entities, and text that was
//! UTF-8 once but has been read through a legacy code page (mojibake). None of that may stop the
//! decoder, and none of it may make it fail: normalization is total.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// Pastes longer than this are cut (at a character boundary) before decoding; the notes say so.
pub const MAX_PASTE_BYTES: usize = 4 * 1024 * 1024;

/// The paste after normalization, with what was done to it.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    /// Human-readable notes: "stripped ANSI colours", "input was not valid UTF-8", ...
    pub notes: Vec<String>,
    /// Bytes of the original paste.
    pub original_len: usize,
    /// The paste was cut to [`MAX_PASTE_BYTES`].
    pub truncated: bool,
    /// The paste looked binary (many control bytes).
    pub binary: bool,
}

static ANSI: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
});
static HTML_ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(quot|amp|lt|gt|apos|nbsp));")
});
pub use crate::redact::SIGNATURE_MARK;

static JSON_UNICODE_ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"\\u([0-9a-fA-F]{4})"));

pub fn normalize(bytes: &[u8]) -> Normalized {
    let mut notes = Vec::new();
    let original_len = bytes.len();
    // UTF-16 (Windows PowerShell's `>`) is read as such, not as binary data.
    let transcoded = crate::encoding::detect_utf16(bytes).map(|(encoding, start)| {
        notes.push("read the paste as UTF-16".to_string());
        let end = bytes.len().min(2 * MAX_PASTE_BYTES);
        crate::encoding::decode_utf16(&bytes[start..end], encoding).into_bytes()
    });
    let bytes = transcoded.as_deref().unwrap_or(bytes);
    let truncated = bytes.len() > MAX_PASTE_BYTES;
    let bytes = if truncated {
        notes.push(format!(
            "the paste is {} bytes; only the first {} were read",
            original_len, MAX_PASTE_BYTES
        ));
        &bytes[..MAX_PASTE_BYTES]
    } else {
        bytes
    };
    let control = count_control_bytes(bytes);
    let binary = !bytes.is_empty() && control * 20 > bytes.len();
    if binary {
        notes.push(
            "the paste looks like binary data; only its readable parts were used".to_string(),
        );
    }
    // Valid UTF-8 (most pastes) is checked by the fast validator; only the rest is repaired.
    let mut text = match std::str::from_utf8(bytes)
        .map_or_else(|_| String::from_utf8_lossy(bytes), Cow::Borrowed)
    {
        Cow::Borrowed(text) => text.to_string(),
        Cow::Owned(text) => {
            if !truncated {
                notes.push(
                    "the paste was not valid UTF-8; unreadable bytes were replaced".to_string(),
                );
            }
            text
        }
    };
    if binary {
        text = text
            .chars()
            .map(|c| if c.is_control() && !c.is_whitespace() { ' ' } else { c })
            .collect();
    }
    text = text.trim_start_matches('\u{feff}').to_string();
    if text.contains('\x1b') {
        text = ANSI.replace_all(&text, "").into_owned();
        notes.push("stripped terminal colour codes".to_string());
    }
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    if let Some(repaired) = repair_mojibake(&text) {
        text = repaired;
        notes.push("repaired text that had been read through the wrong code page".to_string());
    }
    if let Some(plain) = crate::encoding::plain_spaces(&text) {
        text = plain;
    }
    if looks_json_escaped(&text) {
        text = unescape_json_strings(&text);
        notes.push("undid JSON string escaping".to_string());
    }
    if HTML_ENTITY.is_match(&text) {
        text = decode_html_entities(&text);
    }
    // A signature is what makes a token usable. It is cut here, before anything can quote it
    // (messages, evidence, URLs); the token reader sees from the mark that one was there.
    if let Some(cut) = crate::redact::cut_signatures(&text) {
        text = cut;
    }
    Normalized { text, notes, original_len, truncated, binary }
}

/// Control bytes other than whitespace and ESC. Branch-free, in chunks a byte-wide counter
/// cannot overflow, so that the compiler turns it into vector code.
fn count_control_bytes(bytes: &[u8]) -> usize {
    let is_control = |b: u8| (b < 0x09) | ((b > 0x0d) & (b < 0x20) & (b != 0x1b));
    bytes
        .chunks(255)
        .map(|chunk| chunk.iter().fold(0u8, |n, &b| n + u8::from(is_control(b))) as usize)
        .sum()
}

/// UTF-8 read as Windows-1252 or Latin-1 turns `’` into `â€™` and `é` into `Ã©`. When the text
/// holds such pairs and mapping every character back to its single byte gives valid UTF-8, that
/// UTF-8 is what was meant. Text that does not round-trip (other code pages, such as the
/// Thai-page mojibake in some forum pastes) is left alone: its ASCII parts still decode.
fn repair_mojibake(text: &str) -> Option<String> {
    if !(text.contains("â€") || text.contains('Ã') || text.contains("Â ")) {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len());
    for ch in text.chars() {
        bytes.push(cp1252_byte(ch)?);
    }
    let repaired = String::from_utf8(bytes).ok()?;
    (repaired.len() < text.len()).then_some(repaired)
}

fn cp1252_byte(ch: char) -> Option<u8> {
    let code = ch as u32;
    if code < 0x80 || (0xa0..=0xff).contains(&code) {
        return Some(code as u8);
    }
    const HIGH: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8a),
        ('‹', 0x8b),
        ('Œ', 0x8c),
        ('Ž', 0x8e),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9a),
        ('›', 0x9b),
        ('œ', 0x9c),
        ('ž', 0x9e),
        ('Ÿ', 0x9f),
    ];
    HIGH.iter().find(|(c, _)| *c == ch).map(|(_, b)| *b).or(match code {
        0x81 | 0x8d | 0x8f | 0x90 | 0x9d => Some(code as u8),
        _ => None,
    })
}

/// A paste that was copied out of a JSON string keeps `\"` and `\n` as two characters each.
fn looks_json_escaped(text: &str) -> bool {
    text.contains("\\\"")
        || text.matches("\\n").count() >= 2
        || text.contains("\\r\\n")
        || text.contains("\\u00")
}

/// Undoes the JSON string escapes that matter for reading: quotes, newlines, tabs, slashes and
/// `\uXXXX`. Backslashes before other characters (Windows paths) are kept.
fn unescape_json_strings(text: &str) -> String {
    let mut text = text.to_string();
    // Nested escaping (a JSON string inside a JSON string) takes two rounds.
    for _ in 0..2 {
        let next = text
            .replace("\\\\\"", "\"")
            .replace("\\\"", "\"")
            .replace("\\r\\n", "\n")
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\/", "/");
        let next = JSON_UNICODE_ESCAPE
            .replace_all(&next, |caps: &regex::Captures| {
                u32::from_str_radix(&caps[1], 16)
                    .ok()
                    .and_then(char::from_u32)
                    .map(String::from)
                    .unwrap_or_else(|| caps[0].to_string())
            })
            .into_owned();
        if next == text {
            break;
        }
        text = next;
    }
    text
}

fn decode_html_entities(text: &str) -> String {
    HTML_ENTITY
        .replace_all(text, |caps: &regex::Captures| {
            let decoded = if let Some(decimal) = caps.get(1) {
                decimal.as_str().parse::<u32>().ok().and_then(char::from_u32)
            } else if let Some(hex) = caps.get(2) {
                u32::from_str_radix(hex.as_str(), 16).ok().and_then(char::from_u32)
            } else {
                match &caps[3] {
                    "quot" => Some('"'),
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "apos" => Some('\''),
                    _ => Some(' '),
                }
            };
            decoded.filter(|c| *c != '\0').map(String::from).unwrap_or_else(|| caps[0].to_string())
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_cut_to_their_length() {
        use crate::redact::cut_signatures;
        let text = "a eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOi.c2lnbmF0dXJlLXBhcnQ b eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOi.QUJDREVGR0hJSg c";
        let cut = cut_signatures(text).unwrap();
        assert_eq!(
            cut,
            "a eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOi.<signature: 19 characters> b eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOi.<signature: 14 characters> c"
        );
        assert_eq!(cut_signatures("eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOi. and no signature"), None);
    }

    #[test]
    fn control_bytes_are_counted_without_whitespace_or_escape() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let naive = bytes
            .iter()
            .filter(|b| **b < 0x09 || (**b > 0x0d && **b < 0x20 && **b != 0x1b))
            .count();
        assert_eq!(count_control_bytes(&bytes), naive);
        assert_eq!(count_control_bytes(b"line\r\n\tend\x1b[0m"), 0);
        assert_eq!(count_control_bytes(&[0u8; 600]), 600, "more than one chunk");
    }

    fn norm(text: &str) -> String {
        normalize(text.as_bytes()).text
    }

    #[test]
    fn normalizes_the_shapes_pastes_come_in() {
        let cases: &[(&str, &str)] = &[
            ("\x1b[31mError\x1b[0m: 401", "Error: 401"),
            ("a\r\nb\rc", "a\nb\nc"),
            (r#"{\"error\":\"invalid_client\"}"#, r#"{"error":"invalid_client"}"#),
            ("line one\\nline two\\nline three", "line one\nline two\nline three"),
            ("&quot;code&quot;: &lt;b&gt; &#39;x&#39; &#x41;", "\"code\": <b> 'x' A"),
            ("Iâ€™m trying", "I’m trying"),
            ("cafÃ© ok", "café ok"),
            (r"C:\Program Files\new", r"C:\Program Files\new"),
            ("\u{feff}BOM", "BOM"),
        ];
        for (input, expected) in cases {
            assert_eq!(norm(input), *expected, "input: {input:?}");
        }
    }

    #[test]
    fn cuts_jwt_signatures() {
        let text =
            norm("Bearer eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA and more");
        assert_eq!(
            text,
            "Bearer eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.<signature: 22 characters> and more"
        );
    }

    #[test]
    fn keeps_undecodable_mojibake_readable() {
        // UTF-8 read through the Thai code page, as in real forum pastes: left as is.
        let text = "๐ฆ Title\nIโm getting 401 InvalidAuthenticationToken";
        assert!(norm(text).contains("401 InvalidAuthenticationToken"));
    }

    #[test]
    fn survives_invalid_utf8_and_binary() {
        let normalized = normalize(&[0xff, 0xfe, b'4', b'0', b'1', 0, 1, 2, 3, 4, 5]);
        assert!(normalized.binary);
        assert!(normalized.text.contains("401"));
    }

    #[test]
    fn cuts_huge_pastes() {
        let big = vec![b'a'; MAX_PASTE_BYTES + 10];
        let normalized = normalize(&big);
        assert!(normalized.truncated);
        assert_eq!(normalized.text.len(), MAX_PASTE_BYTES);
    }
}
