//! Every route of the site and the API through the whole service, without a socket
//! (`oneshot`): statuses, content types, what each page must show, security headers, limits
//! and escaping.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use errdecode_core::DecodeOptions;

const SECTION_IDS: &[&str] = &[
    "error-message",
    "what-it-means",
    "why-it-happens",
    "causes-to-check",
    "quick-fix",
    "admin-fix",
    "step-by-step",
    "affected-products",
    "variations",
    "still-broken",
    "related-errors",
    "related-searches",
    "faq",
];

fn assert_html(answer: &Answer) {
    assert_eq!(answer.header("content-type"), "text/html; charset=utf-8");
    let html = answer.text();
    assert!(html.starts_with("<!doctype html>"), "{}", &html[..html.len().min(200)]);
    assert!(html.contains("<main id=\"main\""), "a main landmark");
    assert!(!html.contains("style=\""), "no inline styles (the CSP forbids them)");
    // Structured data (`application/ld+json`) is a data block the browser never runs.
    let scripts = html.matches("<script").count()
        - html.matches("<script type=\"application/ld+json\">").count();
    assert_eq!(scripts, 1, "one script, from /static/");
}

fn assert_security_headers(answer: &Answer, path: &str) {
    let csp = answer.header("content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{path}: {csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    assert_eq!(answer.header("x-content-type-options"), "nosniff", "{path}");
    assert_eq!(answer.header("referrer-policy"), "no-referrer", "{path}");
    assert_eq!(answer.header("x-frame-options"), "DENY", "{path}");
}

#[tokio::test]
async fn home_offers_the_paste_box_then_products_then_common_errors() {
    let router = router();
    let answer = get(&router, "/").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_html(&answer);
    assert_eq!(answer.header("cache-control"), "public, max-age=300");
    let html = answer.text();
    let paste = html.find("id=\"paste-text\"").expect("the paste box");
    let browse = html.find("Browse by product and topic").expect("browse by product");
    let common = html.find("Most common errors").expect("the common errors");
    assert!(paste < browse && browse < common, "the paste box comes first");
    assert!(html.contains("<label for=\"paste-text\">"), "the box has a label");
    assert!(html.contains("removes the signature"), "the privacy note sits by the box");
    assert!(html.contains("action=\"/decode\" method=\"post\""));
    let site = site();
    for product in &site.kb().products {
        assert!(html.contains(&format!("href=\"/products/{}/\"", product.id)), "{}", product.id);
    }
    for entry in site.kb().errors.iter().filter(|e| e.tier == errdecode_kb::Tier::Rich) {
        assert!(html.contains(&format!("href=\"/errors/{}/\"", entry.id)), "{}", entry.id);
    }
}

#[tokio::test]
async fn product_hubs_group_errors_by_topic_in_order() {
    let router = router();
    let site = site();
    for product in &site.kb().products {
        let answer = get(&router, &format!("/products/{}/", product.id)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", product.id);
        assert_html(&answer);
        let html = answer.text();
        let mut last = 0;
        for topic in &product.topics {
            let count = site
                .kb()
                .errors
                .iter()
                .filter(|e| e.product == product.id && &e.topic == topic)
                .count();
            let heading = format!("id=\"heading-{}\"", errdecode_web::urls::slug(topic));
            if count == 0 {
                assert!(!html.contains(&heading), "{}: empty topic {topic} shown", product.id);
                continue;
            }
            let at = html.find(&heading).unwrap_or_else(|| panic!("{}: topic {topic}", product.id));
            assert!(at > last, "{}: topic {topic} out of order", product.id);
            last = at;
        }
        for entry in site.kb().errors.iter().filter(|e| e.product == product.id) {
            assert!(
                html.contains(&format!("href=\"/errors/{}/\"", entry.id)),
                "{} lists {}",
                product.id,
                entry.id
            );
        }
    }
    let answer = get(&router, "/products/entra-id").await;
    assert_eq!(answer.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(answer.header("location"), "/products/entra-id/");
    assert_eq!(get(&router, "/products/nothing-here/").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_rich_error_page_has_every_section() {
    let router = router();
    let answer = get(&router, "/errors/graph-invalid-authentication-token/").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_html(&answer);
    let html = answer.text();
    for id in SECTION_IDS {
        assert!(html.contains(&format!("<section id=\"{id}\"")), "section {id}");
    }
    for text in [
        "Error message",
        "What this error means",
        "Why this happens",
        "Causes to check",
        "Quick fix (for end users)",
        "Admin / engineer fix",
        "Step-by-step fix",
        "Affected products",
        "Common variations of this error",
        "Still broken? Try these",
        "Related errors",
        "Related searches",
        "Frequently asked questions",
        "Last reviewed",
        "Browse more errors in <a href=\"/products/microsoft-graph/\">Microsoft Graph</a>",
    ] {
        assert!(html.contains(text), "{text}");
    }
    assert!(html.contains("class=\"copy\" hidden>Copy</button>"), "code blocks carry copy buttons");
    assert!(html.contains("href=\"/causes/audience-mismatch/\""), "causes link to their pages");
    assert!(html
        .contains("href=\"/search/?q=graph+api+401+InvalidAuthenticationToken+invalid+audience\""));
}

#[tokio::test]
async fn every_error_and_cause_page_renders() {
    let router = router();
    let site = site();
    for entry in &site.kb().errors {
        let answer = get(&router, &format!("/errors/{}/", entry.id)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", entry.id);
        let html = answer.text();
        assert!(
            html.contains("id=\"error-message\"") && html.contains("id=\"affected-products\""),
            "{}",
            entry.id
        );
    }
    for cause in &site.kb().causes {
        let answer = get(&router, &format!("/causes/{}/", cause.id)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", cause.id);
        let html = answer.text();
        for text in ["How to confirm it", "How to fix it", "Errors it causes"] {
            assert!(html.contains(text), "{}: {text}", cause.id);
        }
    }
    let answer = get(&router, "/causes/").await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = answer.text();
    for cause in &site.kb().causes {
        assert!(html.contains(&format!("href=\"/causes/{}/\"", cause.id)), "{}", cause.id);
    }
}

#[tokio::test]
async fn addresses_without_a_slash_or_by_code_redirect_to_the_page() {
    let router = router();
    for (path, location) in [
        ("/errors/aadsts7000215", "/errors/aadsts7000215/"),
        ("/errors/AADSTS7000215/", "/errors/aadsts7000215/"),
        ("/causes/token-expired", "/causes/token-expired/"),
        ("/causes/Token-Expired/", "/causes/token-expired/"),
        ("/causes", "/causes/"),
        ("/search?q=AADSTS50076", "/search/?q=AADSTS50076"),
    ] {
        let answer = get(&router, path).await;
        assert_eq!(answer.status, StatusCode::PERMANENT_REDIRECT, "{path}");
        assert_eq!(answer.header("location"), location, "{path}");
    }
}

#[tokio::test]
async fn unknown_addresses_get_a_useful_404() {
    let router = router();
    let answer = get(&router, "/no/such/page").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_html(&answer);
    let html = answer.text();
    assert!(html.contains("id=\"paste-text\""), "the 404 offers the paste box");
    assert!(html.contains("Or browse by product"));

    let answer = get(&router, "/errors/aadsts7000-secret-invalid/").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let html = answer.text();
    assert!(html.contains("<code>aadsts7000-secret-invalid</code>"), "names what was asked");
    assert!(html.contains("Did you mean"), "and suggests");

    let hostile = get(&router, "/errors/%3Cscript%3Ealert(1)%3C%2Fscript%3E/").await;
    assert_eq!(hostile.status, StatusCode::NOT_FOUND);
    let html = hostile.text();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert"));
}

#[tokio::test]
async fn the_search_api_answers_the_same_ranking_with_its_total() {
    let router = router();
    let answer =
        get(&router, "/api/v1/search?q=AADSTS65001+on-behalf-of+knownClientApplications").await;
    assert_eq!(answer.status, StatusCode::OK);
    let json = answer.json();
    assert_eq!(json["hits"][0]["id"], "aadsts65001");
    assert_eq!(json["hits"][0]["url"], "/errors/aadsts65001/");
    let json = get(&router, "/api/v1/search?q=token&limit=3").await.json();
    assert_eq!(json["hits"].as_array().unwrap().len(), 3);
    let expected = site().decoder().search_counted("token", 3);
    assert_eq!(json["total"], expected.total);
    let ids: Vec<&str> =
        json["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, expected.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>());
    let json =
        get(&router, "/api/v1/search?q=token&product=exchange-online&limit=500").await.json();
    let hits = json["hits"].as_array().unwrap();
    assert!(hits.len() <= 100 && !hits.is_empty());
    assert!(hits.iter().all(|h| h["product"] == "exchange-online"), "{json}");
    assert!(json["total"].as_u64().unwrap() as usize >= hits.len());
    assert_eq!(
        get(&router, "/api/v1/search?q=token&limit=many").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(get(&router, "/api/v1/search").await.json()["total"], 0);
}

#[tokio::test]
async fn search_finds_codes_and_words_and_escapes_the_query() {
    let router = router();
    let answer = get(&router, "/search/?q=AADSTS7000215").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("cache-control"), "no-store");
    let html = answer.text();
    let first = html.find("href=\"/errors/").expect("a result");
    assert!(html[first..].starts_with("href=\"/errors/aadsts7000215/\""), "the code's page first");

    let html = get(&router, "/search/?q=insufficient+privileges").await.text();
    assert!(html.contains("results for “insufficient privileges”"), "{html}");

    // A page that shows fewer than match says how many match.
    let all = site().decoder().search_counted("token", usize::MAX).total;
    assert!(all > 50, "{all}");
    let html = get(&router, "/search/?q=token").await.text();
    assert!(html.contains(&format!("{all} results, showing the best 50, for “token”")), "{html}");
    assert_eq!(html.matches("<li><a href=\"/errors/").count(), 50);

    let html = get(&router, "/search/?q=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E").await.text();
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<img src=x"));

    let empty = get(&router, "/search/").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.text().contains("data-query=\"\""), "the static copy's search page");

    let index = get(&router, "/search-index.json").await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(index.header("content-type"), "application/json");
    let index = index.json();
    assert_eq!(index["entries"].as_array().unwrap().len(), site().kb().errors.len());
}

#[tokio::test]
async fn assets_are_served_with_their_hash_and_cached_for_a_year() {
    let router = router();
    let site = site();
    for asset in site.assets().all() {
        let answer = get(&router, &asset.url()).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", asset.name);
        assert_eq!(answer.header("content-type"), asset.content_type);
        assert_eq!(answer.header("cache-control"), "public, max-age=31536000, immutable");
        assert_eq!(answer.body, asset.bytes);
    }
    assert_eq!(get(&router, "/static/app.css").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn decoding_the_seed_shows_ranked_causes_and_what_is_ruled_out() {
    let router = router();
    let body = form_body(&[("text", &seed_with_token()), ("stripped", "0")]);
    let answer = post(&router, "/decode", "application/x-www-form-urlencoded", body).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_html(&answer);
    assert_eq!(answer.header("cache-control"), "no-store", "a result page is never stored");
    let html = answer.text();
    for text in [
        "Known error",
        "href=\"/errors/graph-invalid-authentication-token/\"",
        "Likely causes, ranked for this paste",
        "class=\"ranked-cause",
        "Evidence in your paste",
        "Ruled out by your paste",
        "href=\"/causes/audience-mismatch/\"",
        "Decoded tokens",
        "Found in the paste",
        "Act on this first",
    ] {
        assert!(html.contains(text), "{text}");
    }
    // With JavaScript off the signature arrives; it must not come back.
    assert!(!html.contains(SIGNATURE), "the signature is never echoed");
    let jwt = graph_jwt();
    let unsigned = &jwt[..jwt.rfind('.').unwrap() + 1];
    assert!(html.contains(unsigned), "the paste comes back in the box, signature stripped");
    assert!(html.contains("Present in the paste ("), "the signature's presence is reported");
}

#[tokio::test]
async fn a_browser_stripped_paste_is_acknowledged() {
    let router = router();
    let jwt = graph_jwt();
    let unsigned = &jwt[..jwt.rfind('.').unwrap() + 1];
    let paste = format!("{}\nAuthorization: Bearer {unsigned}\n", seed_paste());
    let body = form_body(&[("text", &paste), ("stripped", "1")]);
    let html = post(&router, "/decode", "application/x-www-form-urlencoded", body).await.text();
    assert!(html.contains("Your browser removed the signature of 1 token"), "{html}");
    assert!(html.contains("None: removed before sending"));
}

#[tokio::test]
async fn hostile_pastes_are_shown_as_text() {
    let router = router();
    let paste = "<script>alert(1)</script><img src=x onerror=alert(2)></textarea><b>bold</b> \
                 {\"error\":{\"code\":\"<svg onload=alert(3)>\",\"message\":\"<iframe src=javascript:alert(4)>\"}}";
    let body = form_body(&[("text", paste)]);
    let answer = post(&router, "/decode", "application/x-www-form-urlencoded", body).await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = answer.text();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the paste comes back escaped");
    for raw in ["<script>alert", "<img src=x", "</textarea><b>", "<svg onload", "<iframe"] {
        assert!(!html.contains(raw), "{raw} must not appear unescaped");
    }
    assert_eq!(html.matches("<script").count(), 1);
}

#[tokio::test]
async fn a_large_paste_is_decoded_and_an_oversized_one_refused_clearly() {
    let router = router();
    // Half a megabyte of log lines around one error: decoded on the blocking pool.
    let mut paste = String::new();
    while paste.len() < 512 * 1024 {
        paste.push_str(
            "2026-11-20T10:00:00Z INFO GET https://graph.microsoft.com/v1.0/users 200 OK\n",
        );
    }
    paste.push_str("{\"error\":{\"code\":\"Authorization_RequestDenied\",\"message\":\"Insufficient privileges to complete the operation.\"}}");
    let answer = post(
        &router,
        "/decode",
        "application/x-www-form-urlencoded",
        form_body(&[("text", &paste)]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.text().contains("Likely causes"));

    let huge = "A".repeat(1024 * 1024 + 1);
    let answer =
        post(&router, "/decode", "application/x-www-form-urlencoded", format!("text={huge}")).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_html(&answer);
    let html = answer.text();
    assert!(html.contains("Paste too large") && html.contains("1024 KiB"), "{html}");
    assert!(html.contains("id=\"paste-text\""));

    // A body that announces its size gets the same page from the outer limit layer.
    let request = Request::post("/decode")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("content-length", (huge.len() + 5).to_string())
        .body(Body::from(format!("text={huge}")))
        .unwrap();
    let answer = send(&router, request).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.text().contains("Paste too large"));
}

#[tokio::test]
async fn the_decode_form_refuses_what_it_cannot_read() {
    let router = router();
    let answer = post(&router, "/decode", "application/json", "{\"text\":\"x\"}").await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(answer.text().contains("/api/v1/decode"), "points at the API");
    let answer = post(&router, "/decode", "application/x-www-form-urlencoded", "other=1").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.text().contains("has no paste in it"));
    let answer = get(&router, "/decode").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/#paste");
    let answer = send(&router, Request::put("/").body(Body::empty()).unwrap()).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_html(&answer);
    assert!(answer.text().contains("Method not allowed"));
}

#[tokio::test]
async fn the_decode_api_answers_the_cli_document() {
    let router = router();
    let paste = seed_paste();
    // Through text, as the CLI prints it: an f32 read back from text is not the f32 widened.
    let expected: serde_json::Value = serde_json::from_str(
        &serde_json::to_string(
            &site()
                .decoder()
                .decode(paste.as_bytes(), &DecodeOptions { now: Some(0), ..Default::default() }),
        )
        .unwrap(),
    )
    .unwrap();
    let json_body = serde_json::json!({ "text": paste }).to_string();
    let answer = post(&router, "/api/v1/decode", "application/json", json_body).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), "application/json");
    assert_eq!(answer.header("cache-control"), "no-store");
    assert_eq!(answer.json(), expected);
    let answer = post(&router, "/api/v1/decode", "text/plain; charset=utf-8", paste.clone()).await;
    assert_eq!(answer.json(), expected);
    let document = answer.json();
    assert!(!document["causes"].as_array().unwrap().is_empty());
    assert!(!document["ruled_out"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn no_answer_echoes_a_signature() {
    let router = router();
    let jwt = graph_jwt();
    // The token also sits inside the error message, which the decoder quotes in its facts.
    let paste = format!(
        "HTTP/1.1 401 Unauthorized\n{{\"error\":{{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Token {jwt} is not valid\"}}}}\nAuthorization: Bearer {jwt}\n"
    );
    for (path, content_type, body) in [
        ("/api/v1/decode", "text/plain", paste.clone()),
        ("/api/v1/token", "text/plain", paste.clone()),
        ("/decode", "application/x-www-form-urlencoded", form_body(&[("text", &paste)])),
    ] {
        let answer = post(&router, path, content_type, body).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert!(!answer.text().contains(SIGNATURE), "{path} echoed a signature");
    }
    let document = post(&router, "/api/v1/decode", "text/plain", paste).await.json();
    let warnings = document["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w["kind"] == "live-token"), "the live token is flagged");
}

#[tokio::test]
async fn the_api_refuses_bad_input_with_json() {
    let router = router();
    for (content_type, body, status, says) in [
        ("application/json", "{\"txt\": 1}".to_string(), 400, "field `text`"),
        ("application/json", "[[[[".to_string(), 400, "not a JSON object"),
        (
            "application/json",
            format!("{}1{}", "[".repeat(5000), "]".repeat(5000)),
            400,
            "not a JSON object",
        ),
        ("application/xml", "<x/>".to_string(), 415, "application/xml"),
        ("", "text".to_string(), 415, "Content-Type"),
        ("text/plain", "x".repeat(1024 * 1024 + 10), 413, "larger than 1024 KiB"),
    ] {
        let mut request = Request::post("/api/v1/decode");
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        let answer = send(&router, request.body(Body::from(body)).unwrap()).await;
        assert_eq!(answer.status.as_u16(), status, "{content_type}");
        assert_eq!(answer.header("content-type"), "application/json");
        let json = answer.json();
        assert_eq!(json["error"]["status"], status);
        let message = json["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }
    let answer = get(&router, "/api/v1/errors?product=nope").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["error"]["message"].as_str().unwrap().contains("entra-id"));
    let answer = get(&router, "/api/v1/errors/aadsts7000-nope").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(!answer.json()["error"]["suggestions"].as_array().unwrap().is_empty());
    let answer = get(&router, "/api/v1/nothing").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.header("content-type"), "application/json");
    let answer = send(&router, Request::get("/api/v1/decode").body(Body::empty()).unwrap()).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.json()["error"]["status"], 405);
}

#[tokio::test]
async fn the_read_api_serves_the_knowledge_base() {
    let router = router();
    let site = site();
    let list = get(&router, "/api/v1/errors").await.json();
    assert_eq!(list.as_array().unwrap().len(), site.kb().errors.len());
    let exchange = get(&router, "/api/v1/errors?product=exchange-online").await.json();
    assert!(exchange.as_array().unwrap().iter().all(|row| row["product"] == "exchange-online"));
    let by_id = get(&router, "/api/v1/errors/aadsts7000215").await.json();
    let by_code = get(&router, "/api/v1/errors/AADSTS7000215").await.json();
    assert_eq!(by_id, by_code);
    let expected: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(site.error("aadsts7000215").unwrap()).unwrap())
            .unwrap();
    assert_eq!(by_id, expected);
    let cause = get(&router, "/api/v1/causes/token-expired").await.json();
    assert_eq!(cause["id"], "token-expired");
    assert!(cause["errors"].as_array().unwrap().iter().any(|id| id == "graph-token-expired"));
    let token = post(
        &router,
        "/api/v1/token",
        "application/json",
        serde_json::json!({"text": graph_jwt()}).to_string(),
    )
    .await
    .json();
    assert_eq!(token["tokens"][0]["flow"], "app-only");
    assert_eq!(token["tokens"][0]["signature"]["state"], "present");
    let health = get(&router, "/healthz").await.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["errors"], site.kb().errors.len());
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let router = router();
    let site = site();
    let mut paths: Vec<String> = vec![
        "/".into(),
        "/causes/".into(),
        "/search/".into(),
        "/search/?q=401".into(),
        "/search-index.json".into(),
        "/no-such-page".into(),
        "/errors/aadsts7000215".into(),
        "/api/v1/errors".into(),
        "/api/v1/openapi.json".into(),
        "/healthz".into(),
        "/decode".into(),
    ];
    paths.push(site.assets().css.url());
    paths.push("/products/msal/".into());
    for path in &paths {
        let answer = get(&router, path).await;
        assert_security_headers(&answer, path);
    }
    let answer = post(&router, "/decode", "application/x-www-form-urlencoded", "text=x").await;
    assert_security_headers(&answer, "POST /decode");
    let answer = post(&router, "/api/v1/decode", "text/plain", "x").await;
    assert_security_headers(&answer, "POST /api/v1/decode");
}

#[tokio::test]
async fn the_exports_file_names_lead_to_the_pages() {
    let router = router();
    for (asked, page) in [
        ("/errors/aadsts7000215/index.html", "/errors/aadsts7000215/"),
        ("/index.html", "/"),
        ("/causes/index.html", "/causes/"),
        ("/search/index.html?q=401", "/search/?q=401"),
    ] {
        let answer = get(&router, asked).await;
        assert_eq!(answer.status, StatusCode::PERMANENT_REDIRECT, "{asked}");
        assert_eq!(answer.header("location"), page, "{asked}");
        assert_eq!(get(&router, page).await.status, StatusCode::OK, "{page}");
    }
    // Never a redirect off the site.
    assert_eq!(get(&router, "//elsewhere.example/index.html").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&router, "/errors/x/other.html").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn text_is_compressed_and_cacheable_answers_revalidate() {
    let router = router();
    let request = |path: &str, headers: &[(&str, &str)]| {
        let mut request = axum::http::Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(axum::body::Body::empty()).unwrap()
    };
    let plain = get(&router, "/errors/aadsts7000215/").await;
    let gzipped =
        send(&router, request("/errors/aadsts7000215/", &[("accept-encoding", "gzip")])).await;
    assert_eq!(gzipped.status, StatusCode::OK);
    assert_eq!(gzipped.header("content-encoding"), "gzip");
    assert!(gzipped.body.starts_with(&[0x1f, 0x8b]), "a gzip stream");
    assert!(
        gzipped.body.len() * 3 < plain.body.len(),
        "{} vs {}",
        gzipped.body.len(),
        plain.body.len()
    );
    assert_eq!(plain.header("content-encoding"), "", "only when asked for");
    let api = send(&router, request("/api/v1/errors", &[("accept-encoding", "gzip")])).await;
    assert_eq!(api.header("content-encoding"), "gzip");

    let etag = plain.header("etag").to_string();
    assert!(etag.starts_with("W/\""), "{etag}");
    assert_eq!(gzipped.header("etag"), etag, "one tag for both codings");
    let again = send(&router, request("/errors/aadsts7000215/", &[("if-none-match", &etag)])).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);
    let other =
        send(&router, request("/errors/aadsts7000215/", &[("if-none-match", "W/\"other\"")])).await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.body, plain.body);
    let css = get(&router, &site().assets().css.url()).await;
    assert!(!css.header("etag").is_empty(), "assets too");

    // What a visitor sent is never stored, so it gets no validator.
    let searched = get(&router, "/search/?q=401").await;
    assert_eq!(searched.header("etag"), "");
    let decoded = post(&router, "/api/v1/decode", "text/plain", "AADSTS7000215").await;
    assert_eq!(decoded.header("etag"), "");
}

#[tokio::test]
async fn every_page_names_its_address_and_error_pages_their_questions() {
    let router = router();
    for (path, canonical) in [
        ("/", "/"),
        ("/products/entra-id/", "/products/entra-id/"),
        ("/errors/aadsts7000215/", "/errors/aadsts7000215/"),
        ("/causes/", "/causes/"),
        ("/causes/token-expired/", "/causes/token-expired/"),
        ("/search/", "/search/"),
        ("/search/?q=AADSTS+7000215", "/search/?q=AADSTS+7000215"),
    ] {
        let html = get(&router, path).await.text();
        assert_eq!(html.matches("<link rel=\"canonical\"").count(), 1, "{path}");
        assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{canonical}\">")), "{path}");
    }
    let html = post(&router, "/decode", "application/x-www-form-urlencoded", "text=AADSTS7000215")
        .await
        .text();
    assert!(
        html.contains("<meta name=\"robots\" content=\"noindex\">"),
        "a result is nobody's page"
    );

    let html = get(&router, "/errors/aadsts7000215/").await.text();
    let start = html.find("<script type=\"application/ld+json\">").expect("FAQ data") + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).expect("JSON");
    assert_eq!(data["@type"], "FAQPage");
    let questions = data["mainEntity"].as_array().unwrap();
    assert!(questions.len() >= 3, "{data}");
    assert_eq!(questions[0]["name"], "What causes AADSTS7000215?");
    assert!(questions
        .iter()
        .all(|q| q["@type"] == "Question"
            && !q["acceptedAnswer"]["text"].as_str().unwrap().is_empty()));
    assert!(!html[start..end].contains('<'));
}

#[tokio::test]
async fn scrolling_blocks_are_reached_by_keyboard_and_named() {
    let router = router();
    let html = get(&router, "/errors/aadsts7000215/").await.text();
    let blocks: Vec<&str> =
        html.split("<pre").skip(1).map(|rest| &rest[..rest.find('>').unwrap()]).collect();
    assert!(blocks.len() > 1, "{}", blocks.len());
    for attributes in blocks {
        assert!(
            attributes.contains("tabindex=\"0\"") && attributes.contains("aria-label=\""),
            "{attributes}"
        );
    }
}

#[tokio::test]
async fn the_privacy_notes_agree() {
    let html = get(&router(), "/").await.text();
    assert!(html.contains("JavaScript is off, so token signatures are sent with the paste"));
    assert!(!html.contains("token signatures are removed before a paste leaves your browser"));
    assert!(html.contains("With JavaScript on, your browser removes token signatures"));
}

/// The verdict at the top of a result page, as text.
fn verdict_of(html: &str) -> String {
    let start = html.find("<div class=\"verdict").expect("a verdict");
    let end = start + html[start..].find("</div>").unwrap();
    let text = regex::Regex::new("<[^>]+>").unwrap().replace_all(&html[start..end], "");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn a_result_says_how_sure_it_is_at_the_top() {
    let router = router();
    let decode = |paste: &str| {
        let body = format!("text={}", errdecode_web::urls::encode_query(paste));
        let router = router.clone();
        async move { post(&router, "/decode", "application/x-www-form-urlencoded", body).await.text() }
    };
    // Evidence makes it sure; the next known error is close, the rest further off.
    let html = decode(include_str!("../../../examples/graph-calendar-401.txt")).await;
    let verdict = verdict_of(&html);
    assert!(verdict.starts_with("Fairly sure: The access token has expired"), "{verdict}");
    assert!(html.find("id=\"verdict\"").unwrap() < html.find("id=\"likely-causes\"").unwrap());
    let close = &html[html.find("id=\"other-matches\"").unwrap()..];
    assert!(close.contains("<h2 id=\"h-other-matches\">Also close</h2>"));
    let further = close.find("Further off").expect("the rest apart");
    assert!(close[..further].contains("/errors/graph-invalid-authentication-token/"));
    assert!(close[further..].contains("/errors/graph-cae-claims-challenge/"));

    // Nothing but a status: not sure, with what tells the leading causes apart.
    let html = decode("HTTP 401 Unauthorized from graph.microsoft.com GET /v1.0/users").await;
    let verdict = verdict_of(&html);
    assert!(verdict.starts_with("Not sure yet. No cause reaches “fairly sure” (50%)"), "{verdict}");
    assert!(verdict.contains("What tells them apart:"), "{verdict}");
    assert!(verdict.contains("The access token has expired: Decode the token"), "{verdict}");

    // A bare code: the usual cause, said to be the base rate and not evidence.
    let html = decode("AADSTS50076").await;
    let verdict = verdict_of(&html);
    assert!(verdict.starts_with("Likely, from how common it is:"), "{verdict}");
    assert!(verdict.contains("nothing in your paste points at it"), "{verdict}");
    assert!(verdict.contains("To confirm it:"), "{verdict}");
    assert!(html.contains("Common for this error: about 85% of AADSTS50076 cases come from it"));
    assert!(!html.contains("<h4>Evidence in your paste</h4>"), "a base rate is no evidence");
}
