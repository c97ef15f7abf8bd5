//! errdecode in the browser: the decoder and its embedded knowledge base compiled to
//! WebAssembly, so that a page decodes a paste without sending it anywhere.
//!
//! Built by `scripts/build-wasm.sh` (`wasm32-unknown-unknown`, then `wasm-bindgen`). The
//! exports are thin: each calls what the command line and the server call. [`decode`] gives the
//! decode document exactly as `errdecode decode --format json` prints it, [`render_result`]
//! the result page the server answers for `POST /decode`, rendered by the same templates and
//! `errdecode_web::pages` code, and [`render_search`] the server's search page. The caller
//! gives the time (the core reads no clock).
//!
//! [`permalink`] and [`open_permalink`] carry a paste in a URL fragment: redacted by the
//! decoder's redactor (no token signature or secret), deflated, base64url.

use std::sync::Arc;

use base64::Engine as _;
use errdecode_core::{DecodeOptions, Decoder};
use errdecode_web::pages::{self, PasteInput};
use errdecode_web::Site;
use wasm_bindgen::prelude::*;

/// The most a permalink's paste may inflate to: the decoder cuts pastes at 4 MiB.
const PERMALINK_MAX_BYTES: usize = 4 * 1024 * 1024;
/// The most a permalink's fragment may hold before it is inflated.
const PERMALINK_MAX_CHARS: usize = 2 * 1024 * 1024;

thread_local! {
    // One thread in a browser: the site (decoder, index, templates) is built once, on first use.
    static SITE: Site = build_site();
}

fn build_site() -> Site {
    let kb = errdecode_kb::load_embedded().expect("the embedded knowledge base is checked by CI");
    Site::new(Arc::new(Decoder::new(kb))).expect("the embedded templates compile")
}

fn with_site<T>(f: impl FnOnce(&Site) -> T) -> T {
    SITE.with(f)
}

fn options(now: f64) -> DecodeOptions {
    DecodeOptions { now: now.is_finite().then_some(now.floor() as i64), ..Default::default() }
}

/// Builds the decoder and the templates now rather than at the first decode (the page calls it
/// once the module has loaded). Answers the number of known errors.
#[wasm_bindgen]
pub fn warm() -> usize {
    with_site(|site| {
        // The redactor's exceptions and the endpoint table are read on first use: read them now.
        let _ = site.decoder().own_text();
        let _ = site.decoder().permissions();
        site.kb().errors.len()
    })
}

/// The decode document of `text` at `now` (Unix seconds; NaN for none), as
/// `errdecode decode --format json --now NOW` prints it: pretty JSON, a newline, redacted.
#[wasm_bindgen]
pub fn decode(text: &str, now: f64) -> String {
    decode_bytes(text.as_bytes(), now)
}

/// [`decode`] for a paste given as bytes (a file read as it is: UTF-16, a BOM).
#[wasm_bindgen]
pub fn decode_bytes(paste: &[u8], now: f64) -> String {
    with_site(|site| {
        let decoder = site.decoder();
        let document = decoder.decode(paste, &options(now));
        let mut json = serde_json::to_string_pretty(&document).expect("the document is plain data");
        json.push('\n');
        decoder.redact(&json).into_owned()
    })
}

/// The result page for `text` at `now`: the whole HTML document the server answers for the
/// paste box (`POST /decode`), from the same templates. The page takes its `<main>` and title.
#[wasm_bindgen]
pub fn render_result(text: &str, now: f64) -> Result<String, JsError> {
    with_site(|site| {
        let document = site.decoder().decode(text.as_bytes(), &options(now));
        let input = PasteInput { text: text.to_string(), ..PasteInput::default() };
        pages::render_decode_result(site, &document, &input)
            .map_err(|e| JsError::new(&e.to_string()))
    })
}

/// The search page for `query`, as the server answers `/search/?q=`.
#[wasm_bindgen]
pub fn render_search(query: &str) -> Result<String, JsError> {
    with_site(|site| {
        let query: String = query.trim().chars().take(errdecode_core::SEARCH_QUERY_CHARS).collect();
        let found = if query.is_empty() {
            errdecode_core::SearchResults::default()
        } else {
            site.decoder().search_counted(&query, pages::SEARCH_LIMIT)
        };
        pages::render_search(site, &query, &found).map_err(|e| JsError::new(&e.to_string()))
    })
}

/// The known errors that fit `query`, best first, as JSON (`errdecode search --format json`).
#[wasm_bindgen]
pub fn search(query: &str, limit: usize) -> String {
    with_site(|site| {
        let query: String = query.chars().take(errdecode_core::SEARCH_QUERY_CHARS).collect();
        let hits = site.decoder().search(&query, limit);
        let json = serde_json::to_string(&hits).expect("hits are plain data");
        site.decoder().redact(&json).into_owned()
    })
}

/// The paste with every token signature and secret removed, by the decoder's redactor: what a
/// shared link may carry.
#[wasm_bindgen]
pub fn redact(text: &str) -> String {
    with_site(|site| site.decoder().redact(text).into_owned())
}

/// The fragment value of a link that carries `text` (`#p=<this>`): redacted, deflated,
/// base64url without padding.
#[wasm_bindgen]
pub fn permalink(text: &str) -> String {
    let redacted = redact(text);
    encode_permalink(&redacted)
}

/// The paste a [`permalink`] value carries. Fails on a value that is not one.
#[wasm_bindgen]
pub fn open_permalink(value: &str) -> Result<String, JsError> {
    decode_permalink(value).map_err(JsError::new)
}

/// Deflate (level 9, raw) and base64url: the encoding half of [`permalink`].
pub fn encode_permalink(text: &str) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(deflated)
}

/// The decoding half of [`open_permalink`], bounded: a link cannot inflate past 4 MiB.
pub fn decode_permalink(value: &str) -> Result<String, &'static str> {
    let value = value.trim().trim_end_matches('=');
    if value.len() > PERMALINK_MAX_CHARS {
        return Err("the link is too long");
    }
    let deflated = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|_| "the link is cut or changed: its paste is not base64url")?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, PERMALINK_MAX_BYTES)
        .map_err(|_| "the link is cut or changed: its paste does not inflate")?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_round_trip_without_the_signature() {
        let token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ.c2lnbmF0dXJlLXRoYXQtbXVzdC1nbw";
        let paste = format!("HTTP/1.1 401 Unauthorized\nAuthorization: Bearer {token}\n");
        let value = permalink(&paste);
        assert!(value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let opened = decode_permalink(&value).unwrap();
        assert!(opened.contains("401 Unauthorized"));
        assert!(!opened.contains("c2lnbmF0dXJlLXRoYXQtbXVzdC1nbw"), "{opened}");
        assert_eq!(opened, redact(&paste));
    }

    #[test]
    fn broken_permalinks_are_refused() {
        assert!(decode_permalink("not base64!").is_err());
        assert!(decode_permalink("AAAA").is_err());
        // A bomb: 8 MiB of one letter deflates to a few kilobytes and is refused.
        let bomb = encode_permalink(&"a".repeat(8 * 1024 * 1024));
        assert!(bomb.len() < 64 * 1024);
        assert!(decode_permalink(&bomb).is_err());
    }

    #[test]
    fn decode_is_the_cli_document() {
        let json = decode("AADSTS7000215: Invalid client secret provided.", 1_763_000_000.0);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["matches"][0]["code"], "AADSTS7000215");
        assert!(json.ends_with("}\n"));
        let page =
            render_result("AADSTS7000215: Invalid client secret provided.", f64::NAN).unwrap();
        assert!(page.contains("<main"));
        assert!(render_search("AADSTS7000215").unwrap().contains("/errors/"));
        assert!(search("AADSTS7000215", 3).contains("\"id\""));
    }
}
