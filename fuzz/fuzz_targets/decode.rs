//! Any bytes through the whole decoder, then through every output: no panic, scores in range,
//! no signature in the document, the token answer or the redacted paste.
#![no_main]

use std::sync::LazyLock;

use errdecode_core::redact::{count_signatures, redact};
use errdecode_core::{DecodeOptions, Decoder};
use libfuzzer_sys::fuzz_target;

static DECODER: LazyLock<Decoder> = LazyLock::new(|| Decoder::new(errdecode_kb::load_embedded().expect("valid knowledge base")));

fuzz_target!(|data: &[u8]| {
    let options = DecodeOptions { now: Some(1_700_000_000), ..Default::default() };
    let document = DECODER.decode(data, &options);
    assert!(document.matches.iter().all(|m| (0.0..=1.0).contains(&m.score)));
    assert!(document.causes.iter().all(|c| (0.0..=1.0).contains(&c.confidence)));
    // The decoder cuts signatures before it reads: the document quotes none.
    let json = serde_json::to_string(&document).expect("a document serializes");
    assert_eq!(count_signatures(&json), 0, "a signature in the document");
    // The answer stays a small multiple of the paste.
    assert!(json.len() <= 64 * 1024 + 8 * data.len(), "{} bytes for {}", json.len(), data.len());
    let (tokens, _) = DECODER.decode_tokens(data, &options);
    let tokens = serde_json::to_string(&tokens).expect("tokens serialize");
    assert_eq!(count_signatures(&tokens), 0, "a signature in the token answer");
    // What every page echoes: redacted once is redacted for good.
    let text = String::from_utf8_lossy(data);
    let once = redact(&text);
    assert_eq!(count_signatures(&once), 0, "a signature left by the redactor");
    assert_eq!(redact(&once), once, "the redactor is idempotent");
});
