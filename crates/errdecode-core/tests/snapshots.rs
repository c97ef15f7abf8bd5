//! The decode document, our wire format, held whole for every regression case: each case
//! directory (`tests/cases/<name>/`) keeps `document.snap` beside its paste. A change to any
//! field shows as a snapshot diff to review (`cargo insta review`, or `INSTA_UPDATE=always`
//! to accept). The clock is fixed, so nothing in the document is volatile.

use std::path::Path;

use errdecode_core::{DecodeOptions, Decoder};

/// 2026-12-01T00:00:00Z: the `now` every snapshot is decoded at.
const NOW: i64 = 1_796_083_200;

#[test]
fn every_regression_case_gives_its_recorded_document() {
    let decoder =
        Decoder::new(errdecode_kb::load_embedded().expect("the embedded knowledge base is valid"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|dir| dir.join("paste.txt").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "the regression cases are missing from {}", root.display());
    for dir in cases {
        let paste = std::fs::read(dir.join("paste.txt")).unwrap();
        let doc = decoder.decode(&paste, &DecodeOptions { now: Some(NOW), ..Default::default() });
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({
            snapshot_path => &dir,
            prepend_module_to_snapshot => false,
            info => &name,
            omit_expression => true,
        }, {
            insta::assert_json_snapshot!("document", doc);
        });
    }
}
