//! Any bytes through the whole decoder: no panic, scores in range.
#![no_main]

use std::sync::LazyLock;

use errdecode_core::{DecodeOptions, Decoder};
use libfuzzer_sys::fuzz_target;

static DECODER: LazyLock<Decoder> = LazyLock::new(|| Decoder::new(errdecode_kb::load_embedded().expect("valid knowledge base")));

fuzz_target!(|data: &[u8]| {
    let document = DECODER.decode(data, &DecodeOptions { now: Some(1_700_000_000) });
    assert!(document.matches.iter().all(|m| (0.0..=1.0).contains(&m.score)));
    assert!(document.causes.iter().all(|c| (0.0..=1.0).contains(&c.confidence)));
});
