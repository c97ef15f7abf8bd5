//! Adding a product is data only: a knowledge base with a sixth product (a fixture) gets its
//! status page matched for pastes its `[detect]` rules recognise, and nothing else changes.

use errdecode_core::{DecodeOptions, Decoder};
use errdecode_kb::{embedded_files, parse, SourceFile};

fn with_sixth_product() -> Decoder {
    let mut files = embedded_files();
    files.push(SourceFile {
        path: "products/contoso-widgets.md".into(),
        text: "+++\nid = \"contoso-widgets\"\norder = 90\nname = \"Contoso Widgets\"\nsummary = \"Widget API errors.\"\ntopics = [\"Widgets\"]\n\n[detect]\nwords = [\"widget api\"]\nhosts = [\"widgets.contoso.example\"]\n+++\nThe widget service.\n".into(),
    });
    files.push(SourceFile {
        path: "errors/contoso-widgets/widgets-403.md".into(),
        text: "+++\nid = \"widgets-403\"\ntitle = \"Widget API 403\"\nproduct = \"contoso-widgets\"\ntopic = \"Widgets\"\nhttp_status = [403]\nmessage = \"403 Forbidden\"\ngist = \"The widget API refused the call.\"\ncauses = [{ id = \"missing-permission\", prior = 0.6 }]\nsources = [\"fixture\"]\nlast_reviewed = 2026-12-05\n+++\n## What it means\nThe widget service refused the caller.\n".into(),
    });
    let (kb, problems) = parse(&files);
    assert!(problems.is_empty(), "{problems:?}");
    Decoder::new(kb)
}

#[test]
fn a_sixth_product_gets_its_status_page_from_data_alone() {
    let decoder = with_sixth_product();
    assert!(decoder.kb().product("contoso-widgets").is_some());
    let by_host = decoder.decode(
        b"GET https://widgets.contoso.example/v2/widgets/17 returned 403 Forbidden",
        &DecodeOptions::default(),
    );
    assert_eq!(by_host.matches.first().map(|m| m.id.as_str()), Some("widgets-403"));
    let by_words = decoder
        .decode(b"Our widget API call fails with HTTP 403 Forbidden.", &DecodeOptions::default());
    assert_eq!(by_words.matches.first().map(|m| m.id.as_str()), Some("widgets-403"));
    // A 403 that names none of its words or hosts is not the product's.
    let elsewhere = decoder.decode(
        b"GET https://graph.microsoft.com/v1.0/me returned 403 Forbidden",
        &DecodeOptions::default(),
    );
    assert!(elsewhere.matches.iter().all(|m| m.id != "widgets-403"));
}
