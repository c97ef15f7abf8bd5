//! Helpers shared by the web crate's test binaries: one site per binary, requests without a
//! socket, a server on loopback, tokens to paste, and a link reader for HTML.
#![allow(dead_code)] // Each test binary uses its own share of these helpers.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use errdecode_core::Decoder;
use errdecode_web::assets::Assets;
use errdecode_web::{app, AppState, Site};
use tower::ServiceExt;

/// The site over the embedded knowledge base, built once per test binary.
pub fn site() -> Arc<Site> {
    static SITE: OnceLock<Arc<Site>> = OnceLock::new();
    SITE.get_or_init(|| {
        let kb = errdecode_kb::load_embedded().expect("the embedded knowledge base is valid");
        Arc::new(Site::new(Arc::new(Decoder::new(kb))).expect("the templates compile"))
    })
    .clone()
}

pub fn state() -> AppState {
    AppState::new(site())
}

/// The site without the browser's decoder: pages that load no module, so that the paste box
/// posts to the server (what a browser without WebAssembly sees).
pub fn site_without_wasm() -> Arc<Site> {
    static SITE: OnceLock<Arc<Site>> = OnceLock::new();
    SITE.get_or_init(|| {
        let decoder = Arc::new(Decoder::new(site().kb().clone()));
        let assets = Assets { wasm: None, ..Assets::embedded() };
        Arc::new(Site::with_assets(decoder, assets).expect("the templates compile"))
    })
    .clone()
}

pub fn router() -> Router {
    app(state())
}

/// A store for feedback tests: a SQLite file in a temporary folder (kept with the returned
/// guard), or a fresh schema on the PostgreSQL test server.
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct FeedbackStore {
    pub spec: String,
    _dir: Option<tempfile::TempDir>,
}

impl FeedbackStore {
    /// `None` (with a visible `skipped:` line) for PostgreSQL without `ERRDECODE_TEST_POSTGRES`.
    pub fn new(backend: Backend, test: &str) -> Option<FeedbackStore> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary folder");
                let spec = dir.path().join("feedback.db").to_string_lossy().into_owned();
                Some(FeedbackStore { spec, _dir: Some(dir) })
            }
            Backend::Postgres => errdecode_feedback::testing::postgres_url(test)
                .map(|spec| FeedbackStore { spec, _dir: None }),
        }
    }

    pub fn open(&self) -> Box<dyn errdecode_feedback::Store> {
        errdecode_feedback::open(&self.spec).expect("the feedback store opens")
    }

    /// The state with feedback into this store, the admin token `ADMIN_TOKEN` and `rate`
    /// posts a minute per client.
    pub fn state(&self, rate: u32) -> AppState {
        self.state_on(site(), rate)
    }

    /// [`FeedbackStore::state`] over another site (one without the browser's decoder, whose
    /// results come from the server with their feedback forms).
    pub fn state_on(&self, site: Arc<Site>, rate: u32) -> AppState {
        let feedback = errdecode_web::feedback::Feedback::new(self.open(), site.kb())
            .with_admin_token(Some(ADMIN_TOKEN.to_string()))
            .with_rate_per_minute(rate);
        AppState::new(site).with_feedback(feedback)
    }
}

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

/// An answer read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("the answer is UTF-8")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("the answer is not JSON ({e}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// Sends one request through the whole service, without a socket.
pub async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.expect("the service never fails");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("a body");
    Answer { status, headers, body: body.to_vec() }
}

pub async fn get(router: &Router, path: &str) -> Answer {
    send(router, Request::get(path).body(Body::empty()).unwrap()).await
}

pub async fn post(
    router: &Router,
    path: &str,
    content_type: &str,
    body: impl Into<Body>,
) -> Answer {
    let request =
        Request::post(path).header("content-type", content_type).body(body.into()).unwrap();
    send(router, request).await
}

/// A form body as a browser sends it.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| {
            format!(
                "{}={}",
                errdecode_web::urls::encode_query(name),
                errdecode_web::urls::encode_query(value)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The vendored test inputs (`fixtures/` at the top of the repository, see its README).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The seed forum post: a Graph 401 on calendar events with pasted app-only claims.
pub fn seed_paste() -> String {
    let path = fixtures_dir().join("seeds/000_ee8fd830ad4052b7.txt");
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("cannot read the vendored seed {}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The signature every test token carries: if it shows up anywhere, it leaked.
pub const SIGNATURE: &str = "c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1sZWF2ZS10aGUtYnJvd3Nlcg";

/// A Graph-like app-only access token for the seed's tenant, valid until 2100, with
/// [`SIGNATURE`] as its signature.
pub fn graph_jwt() -> String {
    let header = serde_json::json!({
        "typ": "JWT", "nonce": "a1B2c3D4e5F6g7H8", "alg": "RS256",
        "x5t": "test-key-1", "kid": "test-key-1"
    });
    let claims = serde_json::json!({
        "aud": "https://graph.microsoft.com",
        "iss": "https://sts.windows.net/950a4376-c358-4553-980a-9ba773e48dff/",
        "iat": 1761310165, "nbf": 1761310165, "exp": 4102444800i64,
        "app_displayname": "Multi tenant app",
        "appid": "1409b9f1-217e-49ad-8180-898d1e0dfddf",
        "appidacr": "1", "idtyp": "app",
        "oid": "5c1e8a2b-3f4d-4e6a-9b7c-8d2e1f0a3b4c",
        "roles": ["Calendars.Read", "Calendars.ReadWrite", "User.Read.All"],
        "sub": "5c1e8a2b-3f4d-4e6a-9b7c-8d2e1f0a3b4c",
        "tid": "950a4376-c358-4553-980a-9ba773e48dff",
        "ver": "1.0"
    });
    format!(
        "{}.{}.{SIGNATURE}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// The seed paste with the token added as the request's bearer, as people paste it.
pub fn seed_with_token() -> String {
    format!("{}\nAuthorization: Bearer {}\n", seed_paste(), graph_jwt())
}

/// A server on a loopback port; stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Serves `router` (the app, perhaps wrapped by the test) on 127.0.0.1 and a free port.
    pub async fn start(router: Router) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        TestServer { addr, stop: Some(stop), task: Some(task) }
    }

    /// Serves the app through `errdecode_web::serve`, the function `errdecode serve` uses.
    pub async fn start_app(state: AppState) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(errdecode_web::serve(listener, state, async {
            let _ = stopped.await;
        }));
        TestServer { addr, stop: Some(stop), task: Some(task) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops the server and waits until it has finished.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("the server task ends").expect("the server ends cleanly");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Every `href`, `src` and GET-form `action` in a page, entities decoded.
pub fn links(html: &str) -> Vec<String> {
    static ATTRIBUTE: OnceLock<regex::Regex> = OnceLock::new();
    let attribute = ATTRIBUTE
        .get_or_init(|| regex::Regex::new(r#"<(a|link|script|img|form)\b([^>]*)>"#).unwrap());
    static VALUE: OnceLock<regex::Regex> = OnceLock::new();
    let value =
        VALUE.get_or_init(|| regex::Regex::new(r#"\b(href|src|action|method)="([^"]*)""#).unwrap());
    let mut found = Vec::new();
    for tag in attribute.captures_iter(html) {
        let attributes: Vec<(String, String)> =
            value.captures_iter(&tag[2]).map(|c| (c[1].to_string(), unescape(&c[2]))).collect();
        let is_post_form = &tag[1] == "form"
            && attributes.iter().any(|(n, v)| n == "method" && v.eq_ignore_ascii_case("post"));
        if is_post_form {
            continue;
        }
        for (name, value) in attributes {
            if matches!(name.as_str(), "href" | "src" | "action") {
                found.push(value);
            }
        }
    }
    found
}

/// Every `id` in a page.
pub fn ids(html: &str) -> Vec<String> {
    static ID: OnceLock<regex::Regex> = OnceLock::new();
    let id = ID.get_or_init(|| regex::Regex::new(r#"\bid="([^"]*)""#).unwrap());
    id.captures_iter(html).map(|c| unescape(&c[1])).collect()
}

pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}
