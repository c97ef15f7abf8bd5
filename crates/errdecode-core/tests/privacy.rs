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
        let json = document.to_json(false, &decoder);
        assert_eq!(leak(&json), None, "{name}: the decode document leaks: {json}");
        assert_eq!(leak(&document.to_json(true, &decoder)), None, "{name}: pretty JSON leaks");
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

/// The knowledge base's own text goes out as written: a page that quotes a password or a
/// secret as an example shows it, in the same document that redacts the paste's.
#[test]
fn the_knowledge_base_text_is_not_redacted() {
    let mut kb = errdecode_kb::load_embedded().expect("valid knowledge base");
    let entry = kb.errors.iter_mut().find(|e| e.id == "exo-smtp-550-5-7-30").unwrap();
    let example = " For example: password: Hunter2!x, or client_secret=abc8Q~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.";
    entry.gist.push_str(example);
    let gist = entry.gist.clone();
    let decoder = Decoder::new(kb);
    let paste = "550 5.7.30 Basic authentication is not supported for Client Submission\nusername: app@contoso.com password: Pasted9!x\n";
    let document = decoder.decode(paste.as_bytes(), &DecodeOptions::default());
    assert_eq!(document.matches[0].id, "exo-smtp-550-5-7-30");
    assert!(gist.contains("password: Basic authentication for client submission"), "{gist}");
    let json = document.to_json(false, &decoder);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["matches"][0]["gist"], gist.as_str(), "{json}");
    // The paste's own password, quoted beside the page, is redacted.
    let echoed = decoder.redact(&format!("{paste}{json}")).into_owned();
    assert!(echoed.contains("password: <redacted: 9 characters>"), "{echoed}");
    assert!(!echoed.contains("Pasted9!x") && echoed.ends_with(&json), "{echoed}");
}
