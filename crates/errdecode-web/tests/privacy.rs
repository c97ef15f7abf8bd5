//! The privacy matrix, web side: every token shape with every secret format (from
//! `errdecode_core::hostile`) through every answer the site writes from a paste: the result
//! page (facts and the paste box's echo), the decode and token API answers, and the request
//! log. No signature, no secret.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{form_body, get, post, router};
use errdecode_core::hostile::{leak, privacy_pastes, secret_formats, token_shapes};

#[tokio::test]
async fn no_page_or_api_answer_holds_a_signature_or_a_secret() {
    let router = router();
    for (name, paste) in privacy_pastes() {
        let page = post(
            &router,
            "/decode",
            "application/x-www-form-urlencoded",
            form_body(&[("text", &paste), ("stripped", "0")]),
        )
        .await;
        assert_eq!(page.status, 200, "{name}");
        let html = page.text();
        assert!(html.contains("id=\"paste-text\""), "{name}: the page echoes the paste");
        assert_eq!(leak(&html), None, "{name}: the result page leaks");

        let json = serde_json::json!({ "text": paste }).to_string();
        let decode = post(&router, "/api/v1/decode", "application/json", json.clone()).await;
        assert_eq!(decode.status, 200, "{name}");
        assert_eq!(leak(&decode.text()), None, "{name}: the decode answer leaks");
        let plain = post(&router, "/api/v1/decode", "text/plain", paste.clone()).await;
        assert_eq!(leak(&plain.text()), None, "{name}: the decode answer (text/plain) leaks");

        let token = post(&router, "/api/v1/token", "application/json", json).await;
        assert_eq!(token.status, 200, "{name}");
        assert_eq!(leak(&token.text()), None, "{name}: the token answer leaks");
    }
}

/// The pages that write `password:` in a sentence, and a paste whose diagnosis quotes one:
/// the knowledge base's text goes out as written, in pages, API answers and the result page.
#[tokio::test]
async fn the_knowledge_base_text_goes_out_as_written() {
    let router = router();
    for (path, sentence) in [
        ("/errors/exo-smtp-550-5-7-30/", "username and password: Basic authentication for"),
        ("/api/v1/errors/exo-smtp-550-5-7-30", "username and password: Basic authentication for"),
        ("/errors/aadsts50126/", "Stale password: update it in the saved credential"),
        ("/api/v1/errors/aadsts50126", "Stale password: update it in the saved credential"),
        ("/errors/aadsts50053/", "old password: update or remove that credential"),
        ("/errors/exo-smtp-535-5-7-3/", "Password: verify it by signing in"),
        ("/causes/password-expired/", "a new password: the password passed its expiry age"),
        ("/api/v1/causes/password-expired", "a new password: the password passed its expiry age"),
    ] {
        let page = get(&router, path).await;
        assert_eq!(page.status, 200, "{path}");
        let text = page.text();
        assert!(text.contains(sentence), "{path}: {sentence}");
        assert!(!text.contains("<redacted") && !text.contains("&lt;redacted"), "{path}");
    }
    let paste = "550 5.7.30 Basic authentication is not supported for Client Submission";
    let page = post(
        &router,
        "/decode",
        "application/x-www-form-urlencoded",
        form_body(&[("text", paste), ("stripped", "1")]),
    )
    .await;
    let html = page.text();
    assert!(html.contains("username and password: Basic authentication for"), "{html}");
    assert!(!html.contains("&lt;redacted"), "{html}");
    let answer = post(&router, "/api/v1/decode", "text/plain", paste.to_string()).await;
    assert!(!answer.text().contains("<redacted"), "{}", answer.text());
}

/// A writer the log goes to in a test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_request_log_holds_no_token_or_secret_from_a_path() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let router = router();
    let shapes = token_shapes().into_iter().chain(secret_formats());
    for (name, text) in shapes {
        let segment = errdecode_web::urls::encode_query(&text).replace('+', "%20");
        for path in [format!("/errors/{segment}/"), format!("/api/v1/errors/{segment}")] {
            let answer = get(&router, &path).await;
            assert!(answer.status.is_client_error(), "{name}: {}", answer.status);
            assert_eq!(leak(&answer.text()), None, "{name}: the 404 echoes it");
        }
    }
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("request"), "the log was captured: {log}");
    assert_eq!(leak(&log), None, "the log leaks: {log}");
    assert!(!log.contains('\x1b'), "plain lines");
}

#[tokio::test]
async fn long_ids_are_answered_at_once() {
    let router = router();
    let long = "aadsts7000216".to_string() + &"x".repeat(7_000);
    for path in
        [format!("/errors/{long}/"), format!("/api/v1/errors/{long}"), format!("/causes/{long}/")]
    {
        let answer = get(&router, &path).await;
        assert_eq!(answer.status, 404, "{path}");
        assert!(answer.text().len() < 64 * 1024);
    }
    let answer = get(&router, &format!("/errors/{}/", "x".repeat(9_000))).await;
    assert_eq!(answer.status, 414);
    assert_eq!(answer.header("x-content-type-options"), "nosniff", "security headers on a 414");
}
