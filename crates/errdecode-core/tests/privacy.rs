//! The privacy matrix, core side: every token shape with every secret format, through the
//! decode document (as every surface writes it) and the token answer. The web crate's tests
//! hold the pages, the API and the log to the same matrix; the CLI's, its three formats.

use errdecode_core::hostile::{leak, privacy_pastes, token_shapes};
use errdecode_core::redact::{count_signatures, redact};
use errdecode_core::{DecodeOptions, Decoder};

fn decoder() -> Decoder {
    Decoder::new(errdecode_kb::load_embedded().expect("valid knowledge base"))
}

#[test]
fn no_signature_or_secret_in_the_document_or_the_token_answer() {
    let decoder = decoder();
    let options = DecodeOptions { now: Some(1_700_000_100), ..Default::default() };
    for (name, paste) in privacy_pastes() {
        let document = decoder.decode(paste.as_bytes(), &options);
        let json = document.to_json(false);
        assert_eq!(leak(&json), None, "{name}: the decode document leaks: {json}");
        assert_eq!(leak(&document.to_json(true)), None, "{name}: pretty JSON leaks");
        // Signatures are cut before anything is read: not even the raw document holds one.
        let raw = serde_json::to_string(&document).unwrap();
        assert_eq!(count_signatures(&raw), 0, "{name}");
        assert!(!raw.contains(errdecode_core::hostile::SIGNATURE_PROBE), "{name}: {raw}");

        let (tokens, warnings) = decoder.decode_tokens(paste.as_bytes(), &options);
        let answer = serde_json::json!({ "tokens": tokens, "warnings": warnings }).to_string();
        assert_eq!(leak(&redact(&answer)), None, "{name}: the token answer leaks");
        assert!(!answer.contains(errdecode_core::hostile::SIGNATURE_PROBE), "{name}: {answer}");
        // The echo of the paste itself, as the result page's box shows it: nothing left that
        // a second pass would cut.
        let echo = redact(&paste);
        assert_eq!(leak(&echo), None, "{name}: the echo leaks: {echo}");
        assert_eq!(count_signatures(&echo), 0, "{name}: a signature in the echo: {echo}");
        assert_eq!(redact(&echo), echo, "{name}: the redactor is idempotent");
    }
}

/// The inputs the decode fuzz target failed on (`tests/fuzz/decode/`), held to what it checks:
/// no signature in the document or the token answer, the answer a small multiple of the
/// paste, the redacted paste free of signatures and redacted for good.
#[test]
fn the_decode_fuzz_target_holds_on_its_past_failures() {
    let decoder = decoder();
    let options = DecodeOptions { now: Some(1_700_000_000), ..Default::default() };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/decode");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    for path in inputs {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(&path).unwrap();
        let document = decoder.decode(&data, &options);
        let json = serde_json::to_string(&document).unwrap();
        assert_eq!(count_signatures(&json), 0, "{name}: a signature in the document");
        assert!(json.len() <= 64 * 1024 + 8 * data.len(), "{name}: {} bytes", json.len());
        let (tokens, _) = decoder.decode_tokens(&data, &options);
        let tokens = serde_json::to_string(&tokens).unwrap();
        assert_eq!(count_signatures(&tokens), 0, "{name}: a signature in the token answer");
        let text = String::from_utf8_lossy(&data);
        let once = redact(&text);
        assert_eq!(count_signatures(&once), 0, "{name}: a signature left by the redactor");
        assert_eq!(redact(&once), once, "{name}: the redactor is idempotent");
    }
}

#[test]
fn every_token_shape_is_still_seen_as_a_signed_token() {
    let decoder = decoder();
    for (name, paste) in token_shapes() {
        let document = decoder.decode(paste.as_bytes(), &DecodeOptions::default());
        let json = serde_json::to_string(&document).unwrap();
        let signed = document.facts.tokens.iter().any(|t| {
            matches!(t.signature, errdecode_core::token::SignatureState::Present { length } if length > 300)
        });
        assert!(
            signed || json.contains("<signature: "),
            "{name}: read as a signed token, or the cut leaves its mark: {json}"
        );
    }
}
