//! Every route over real HTTP on loopback: the server started with `errdecode_web::serve` on
//! 127.0.0.1 and a free port, called with a real HTTP client.

mod common;

use common::*;
use reqwest::redirect::Policy;
use reqwest::StatusCode;

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().expect("an HTTP client")
}

struct Case {
    method: &'static str,
    path: String,
    content_type: Option<&'static str>,
    body: String,
    status: u16,
    content: &'static str,
    contains: &'static str,
}

fn case(
    method: &'static str,
    path: impl Into<String>,
    status: u16,
    content: &'static str,
    contains: &'static str,
) -> Case {
    Case {
        method,
        path: path.into(),
        content_type: None,
        body: String::new(),
        status,
        content,
        contains,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_over_loopback() {
    let server = TestServer::start_app(state()).await;
    assert!(server.addr.ip().is_loopback());
    let client = client();
    let site = site();
    let html = "text/html; charset=utf-8";
    let json = "application/json";
    let mut cases = vec![
        case("GET", "/", 200, html, "id=\"paste-text\""),
        case("GET", "/products/microsoft-graph/", 200, html, "Access tokens"),
        case("GET", "/products/microsoft-graph", 308, "", ""),
        case("GET", "/errors/aadsts7000215/", 200, html, "Admin / engineer fix"),
        case("GET", "/errors/aadsts7000215", 308, "", ""),
        case("GET", "/errors/AADSTS7000215/", 308, "", ""),
        case("GET", "/errors/not-a-known-error/", 404, html, "id=\"paste-text\""),
        case("GET", "/causes/", 200, html, "Root causes"),
        case("GET", "/causes", 308, "", ""),
        case("GET", "/causes/token-expired/", 200, html, "How to confirm it"),
        case("GET", "/causes/token-expired", 308, "", ""),
        case("GET", "/search/", 200, html, "Search known errors"),
        case("GET", "/search/?q=AADSTS50076", 200, html, "/errors/aadsts50076/"),
        case("GET", "/search?q=AADSTS50076", 308, "", ""),
        case("GET", "/search-index.json", 200, json, "\"entries\""),
        case("GET", "/decode", 303, "", ""),
        case("GET", "/nowhere", 404, html, "There is no page at this address"),
        case("DELETE", "/", 405, html, "Method not allowed"),
        case("GET", "/api/v1/errors", 200, json, "\"aadsts7000215\""),
        case("GET", "/api/v1/errors?product=msal", 200, json, "\"msal\""),
        case("GET", "/api/v1/errors/InvalidAuthenticationToken", 200, json, "\"sections\""),
        case("GET", "/api/v1/errors/none-such", 404, json, "\"status\":404"),
        case("GET", "/api/v1/causes/audience-mismatch", 200, json, "\"errors\""),
        case("GET", "/api/v1/causes/none-such", 404, json, "\"status\":404"),
        case("GET", "/api/v1/openapi.json", 200, json, "\"openapi\""),
        case("GET", "/healthz", 200, json, "\"ok\""),
    ];
    for asset in site.assets().all() {
        cases.push(case("GET", asset.url(), 200, asset.content_type, ""));
    }
    let form = form_body(&[("text", &seed_with_token()), ("stripped", "0")]);
    cases.push(Case {
        content_type: Some("application/x-www-form-urlencoded"),
        body: form,
        ..case("POST", "/decode", 200, html, "Ruled out by your paste")
    });
    cases.push(Case {
        content_type: Some("application/json"),
        body: serde_json::json!({ "text": seed_paste() }).to_string(),
        ..case("POST", "/api/v1/decode", 200, json, "\"ruled_out\"")
    });
    cases.push(Case {
        content_type: Some("text/plain"),
        body: seed_paste(),
        ..case("POST", "/api/v1/decode", 200, json, "\"errdecode.decode/1\"")
    });
    cases.push(Case {
        content_type: Some("text/plain"),
        body: graph_jwt(),
        ..case("POST", "/api/v1/token", 200, json, "\"app-only\"")
    });
    cases.push(Case {
        content_type: Some("application/xml"),
        body: "<x/>".into(),
        ..case("POST", "/api/v1/decode", 415, json, "\"status\":415")
    });

    for case in cases {
        let label = format!("{} {}", case.method, case.path);
        let mut request =
            client.request(case.method.parse().unwrap(), server.url(&case.path)).body(case.body);
        if let Some(content_type) = case.content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(response.status().as_u16(), case.status, "{label}");
        let headers = response.headers().clone();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{label}");
        assert!(headers.contains_key("content-security-policy"), "{label}");
        if !case.content.is_empty() {
            assert_eq!(headers["content-type"], case.content, "{label}");
        }
        let body = response.text().await.unwrap();
        assert!(
            body.contains(case.contains),
            "{label}: no {:?} in {}",
            case.contains,
            &body[..body.len().min(300)]
        );
        assert!(!body.contains(SIGNATURE), "{label} echoed a signature");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_land_on_the_pages_and_head_works() {
    let server = TestServer::start_app(state()).await;
    let following = reqwest::Client::new();
    let response = following.get(server.url("/errors/AADSTS7000215")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.url().path(), "/errors/aadsts7000215/");
    let response = following.get(server.url("/decode")).send().await.unwrap();
    assert_eq!(response.url().path(), "/");
    let response = client().head(server.url("/errors/aadsts7000215/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_decodes_all_answer() {
    let server = TestServer::start_app(state()).await;
    let client = client();
    let paste = seed_paste();
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let request = client
            .post(server.url("/api/v1/decode"))
            .header("content-type", "text/plain")
            .body(paste.clone());
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            (response.status(), response.json::<serde_json::Value>().await.unwrap())
        }));
    }
    let mut documents = Vec::new();
    for task in tasks {
        let (status, document) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        documents.push(document);
    }
    assert!(documents.windows(2).all(|pair| pair[0] == pair[1]), "decoding is deterministic");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_request_times_out_with_a_clear_answer() {
    let limits = errdecode_web::Limits {
        timeout: std::time::Duration::from_millis(300),
        ..errdecode_web::Limits::default()
    };
    let server = TestServer::start_app(errdecode_web::AppState::with_limits(site(), limits)).await;
    // Announce a body and send only part of it: the request cannot finish in time.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"POST /api/v1/decode HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\npartial")
        .await
        .unwrap();
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("the server answers before the client gives up")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"status\":408"), "{answer}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let limits = errdecode_web::Limits {
        header_timeout: std::time::Duration::from_millis(300),
        ..errdecode_web::Limits::default()
    };
    let server = TestServer::start_app(errdecode_web::AppState::with_limits(site(), limits)).await;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: local").await.unwrap();
    let mut buffer = vec![0u8; 1024];
    let started = std::time::Instant::now();
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buffer))
        .await
        .expect("the server closes the connection before the client gives up");
    // Closed (0 bytes, or a reset): either way the slot is free again.
    assert!(matches!(read, Ok(0) | Err(_)) || buffer.starts_with(b"HTTP/1.1 408"), "{read:?}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(250));
    // And the server still serves everyone else.
    let response = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutting_down_finishes_the_request_in_flight() {
    let server = TestServer::start_app(state()).await;
    let client = client();
    let mut paste = String::new();
    while paste.len() < 900 * 1024 {
        paste.push_str(
            "2026-11-20T10:00:00Z INFO GET https://graph.microsoft.com/v1.0/users 200 OK\n",
        );
    }
    paste.push_str("AADSTS7000215: Invalid client secret provided.");
    let request =
        client.post(server.url("/api/v1/decode")).header("content-type", "text/plain").body(paste);
    let in_flight = tokio::spawn(async move { request.send().await });
    // Long enough for the request to arrive, short of the decode of 900 KiB finishing.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    server.stop().await;
    let response = in_flight.await.unwrap().expect("the request in flight was answered");
    assert_eq!(response.status(), StatusCode::OK);
}

/// Sends a request that declares a body over the limit and writes only its first part, then
/// reads the answer. A real client writing megabytes races the server's early 413 (the server
/// rightly stops reading); declaring the length is what the limit acts on.
async fn oversized(addr: std::net::SocketAddr, path: &str, content_type: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        2 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.expect("write the head");
    let _ = stream.write_all(&vec![b'x'; 16 * 1024]).await;
    let mut answer = Vec::new();
    let _ =
        tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut answer))
            .await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn oversized_bodies_get_413_over_loopback() {
    let server = TestServer::start_app(state()).await;
    let api = oversized(server.addr, "/api/v1/decode", "text/plain").await;
    assert!(api.starts_with("HTTP/1.1 413"), "{}", api.lines().next().unwrap_or(""));
    assert!(api.to_ascii_lowercase().contains("x-content-type-options: nosniff"), "{api}");
    assert!(api.contains("\"status\":413"), "{api}");
    let page = oversized(server.addr, "/decode", "application/x-www-form-urlencoded").await;
    assert!(page.starts_with("HTTP/1.1 413"), "{}", page.lines().next().unwrap_or(""));
    assert!(page.contains("Paste too large"), "{page}");
    server.stop().await;
}
