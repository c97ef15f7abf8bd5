//! Properties that hold for any paste: decoding never panics, scores stay in [0, 1], the
//! document is deterministic and serializable, and a signature never comes back out.

use std::sync::LazyLock;

use errdecode_core::{DecodeOptions, Decoder};
use proptest::prelude::*;

static DECODER: LazyLock<Decoder> =
    LazyLock::new(|| Decoder::new(errdecode_kb::load_embedded().unwrap()));

/// Fragments real pastes are made of, to steer generated input toward the extractors.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("AADSTS7000215: Invalid client secret provided.".to_string()),
        Just("{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"".to_string()),
        Just("HTTP/1.1 403 Forbidden\n".to_string()),
        Just("GET https://graph.microsoft.com/v1.0/users/".to_string()),
        Just("Authorization: Bearer eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.".to_string()),
        Just("\"roles\": [\"Mail.Read\"], \"tid\": \"".to_string()),
        Just("Connect-MgGraph -Scopes ".to_string()),
        Just("https://login.microsoftonline.com/".to_string()),
        Just("\u{1b}[31m".to_string()),
        Just("\\\"\\n&quot;&#x41;".to_string()),
        Just("Timestamp: 2025-02-30 25:61:61Z".to_string()),
        "[ -~]{0,40}",
        "\\PC{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_decode_to_a_sane_document(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let doc = DECODER.decode(&bytes, &DecodeOptions::default());
        for m in &doc.matches {
            prop_assert!((0.0..=1.0).contains(&m.score));
        }
        for c in &doc.causes {
            prop_assert!((0.0..=1.0).contains(&c.confidence));
        }
        prop_assert!(serde_json::to_string(&doc).is_ok());
    }

    #[test]
    fn paste_like_text_is_deterministic(parts in proptest::collection::vec(fragment(), 0..24)) {
        let paste = parts.concat();
        let first = serde_json::to_string(&DECODER.decode(paste.as_bytes(), &DecodeOptions::default())).unwrap();
        let second = serde_json::to_string(&DECODER.decode(paste.as_bytes(), &DecodeOptions::default())).unwrap();
        prop_assert_eq!(first, second);
    }

    #[test]
    fn signatures_are_never_echoed(signature in "[A-Za-z0-9_-]{24,80}", prefix in "[ -~]{0,30}") {
        let paste = format!("{prefix} Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJzY3AiOiJVc2VyLlJlYWQifQ.{signature} 401");
        let doc = DECODER.decode(paste.as_bytes(), &DecodeOptions::default());
        let json = serde_json::to_string(&doc).unwrap();
        prop_assert!(!json.contains(&signature));
    }

    #[test]
    fn normalized_text_has_no_terminal_escapes(parts in proptest::collection::vec(fragment(), 0..12)) {
        let normalized = errdecode_core::normalize::normalize(parts.concat().as_bytes());
        let escape = "\u{1b}[";
        prop_assert!(!normalized.text.contains(escape), "escape left in {:?}", normalized.text);
    }
}

/// Pieces of what the redactor looks for, glued in any order: keys, separators, quotes,
/// secret and token shapes, words, line breaks and marks.
fn redactor_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("password".to_string()),
        Just("Password: ".to_string()),
        Just("pwd=".to_string()),
        Just("client_secret=".to_string()),
        Just(".WithClientSecret(\"".to_string()),
        Just("-Password '".to_string()),
        Just("-ClientSecret (ConvertTo-SecureString ".to_string()),
        Just("Authorization: Basic ".to_string()),
        Just("https://u:".to_string()),
        Just("@".to_string()),
        Just("abc8Q~".to_string()),
        Just("aaaaaaaaaaaaaaaa".to_string()),
        Just("EwA".to_string()),
        Just("eyJhbGciOiJSUzI1NiJ9".to_string()),
        Just(".".to_string()),
        Just("&#46;".to_string()),
        Just("\\n".to_string()),
        Just("\n".to_string()),
        Just("<redacted: 5 characters>".to_string()),
        Just("secret".to_string()),
        Just("the word".to_string()),
        Just("\\\"".to_string()),
        Just("%2E".to_string()),
        Just("ewogICJhbGciOiAiUlMyNTYiCn0".to_string()),
        Just("eyJ0eXAiOiJKV1QifQ".to_string()),
        Just("   ".to_string()),
        Just("8Q~".to_string()),
        "[=:/+~@.a-z0-9\\-]{1,6}",
        "[ -~]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    /// Redacted once is redacted for good, and leaves no signature.
    #[test]
    fn the_redactor_is_idempotent(parts in proptest::collection::vec(redactor_piece(), 0..40)) {
        use errdecode_core::redact::{count_signatures, redact};
        let text = parts.concat();
        let once = redact(&text).into_owned();
        prop_assert_eq!(count_signatures(&once), 0, "{:?} -> {:?}", text, once);
        prop_assert_eq!(redact(&once).into_owned(), once.clone(), "{:?}", text);
    }
}
