//! End to end in a real headless browser: Debian's Chromium driven over WebDriver
//! (chromedriver) against the site served on loopback.
//!
//! The tests paste the seed forum post with a real (test) JWT, read the diagnosis, check that
//! the server never received the token's signature, read an error page, search, use the site
//! with JavaScript off, try hostile and oversized pastes, search the static export, click
//! "This was it" on a cause and find the verdict stored (SQLite, and PostgreSQL when
//! `ERRDECODE_TEST_POSTGRES` names a server) with nothing of the paste, and save screenshots to
//! `target/screenshots/`. At a phone's width (390 px) the home, error, cause, search and
//! result pages must not scroll sideways, the paste box and the error message must be on the
//! first screen, the navigation must fold into a menu, and axe-core (`target/axe/`, which
//! `.ci/run` installs with npm, or `AXE_CORE_JS`) must find no serious or critical violation.
//!
//! Without `chromium` and `chromedriver` each test says "skipped" on the terminal (past the
//! test harness's output capture, so it shows beside `ok`), unless the environment variable
//! `CI` is set (to anything but `false` or `0`), where a missing browser is a failure.

mod common;

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;

/// One browser test at a time: two cores, and each Chromium wants both.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The port of the running chromedriver (one at a time), for its commands fantoccini lacks.
static DRIVER_PORT: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(0);

const SCENARIO_TIMEOUT: Duration = Duration::from_secs(180);

fn find_program(names: &[&str], variable: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Chromium and chromedriver, or the reason the test cannot run.
fn browser_tools() -> Result<(PathBuf, PathBuf), String> {
    let chromium = find_program(&["chromium", "chromium-browser"], "CHROMIUM")
        .ok_or("chromium is not installed (apt-get install chromium)")?;
    let driver = find_program(&["chromedriver"], "CHROMEDRIVER")
        .ok_or("chromedriver is not installed (apt-get install chromium-driver)")?;
    Ok((chromium, driver))
}

/// Whether the environment says this is a CI run, where nothing may be skipped.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.trim(), "" | "false" | "0"))
}

/// Says "skipped" on the terminal: written to the stderr file itself, because the harness
/// captures `eprintln!` of passing tests and the test would show a bare `ok`.
fn skipped(reason: &str) {
    use std::io::Write;
    let test = std::thread::current().name().unwrap_or("browser test").to_string();
    let line = format!("\n{test}: skipped: {reason}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// A running chromedriver; it and its browsers stop when this is dropped.
struct Driver {
    child: Child,
    port: u16,
    chromium: PathBuf,
}

impl Driver {
    /// Starts chromedriver, or says why it cannot (skip) or panics when `CI` demands it.
    fn start() -> Option<Driver> {
        let (chromium, driver) = match browser_tools() {
            Ok(tools) => tools,
            Err(reason) => {
                if in_ci() {
                    panic!("browser tests need Chromium in CI: {reason}");
                }
                skipped(&reason);
                return None;
            }
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(driver)
            // Its own process group, so that dropping the driver can stop the browsers it
            // started even when a session was never closed.
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        DRIVER_PORT.store(port, std::sync::atomic::Ordering::SeqCst);
        Some(Driver { child, port, chromium })
    }

    /// A new browser session with a fresh profile, JavaScript on or off.
    async fn session(&self, javascript: bool, dark: bool) -> (Client, tempfile::TempDir) {
        let profile = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-crash-reporter".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if dark {
            args.push("--force-dark-mode".into());
            args.push("--blink-settings=preferredColorScheme=0".into());
        }
        let mut options = serde_json::json!({
            "binary": self.chromium.to_string_lossy(),
            "args": args,
        });
        if !javascript {
            options["prefs"] = serde_json::json!({
                "profile.managed_default_content_settings.javascript": 2,
                "webkit.webprefs.javascript_enabled": false
            });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "chrome".into());
        capabilities.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a browser session");
        (client, profile)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the browsers it launched.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request as the server received it: its path, its body and its query string.
type Received = (String, Vec<u8>, String);

/// Request bodies as the server received them, recorded by a layer around the app.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Received>>>);

impl Recorder {
    fn bodies_for(&self, path: &str) -> Vec<String> {
        let recorded = self.0.lock().unwrap();
        recorded
            .iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, body, _)| String::from_utf8_lossy(body).into_owned())
            .collect()
    }

    /// Every request received, as text: path, query string and body.
    fn everything(&self) -> Vec<String> {
        let recorded = self.0.lock().unwrap();
        recorded
            .iter()
            .map(|(path, body, query)| format!("{path}?{query}\n{}", String::from_utf8_lossy(body)))
            .collect()
    }

    fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

async fn record(State(recorder): State<Recorder>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 8 * 1024 * 1024).await.unwrap_or_default();
    let query = parts.uri.query().unwrap_or_default().to_string();
    recorder.0.lock().unwrap().push((parts.uri.path().to_string(), bytes.to_vec(), query));
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

async fn recorded_server() -> (TestServer, Recorder) {
    recorded_server_of(state()).await
}

/// The site without the browser's decoder: the paste box posts to the server.
async fn recorded_server_without_wasm() -> (TestServer, Recorder) {
    recorded_server_of(errdecode_web::AppState::new(site_without_wasm())).await
}

async fn recorded_server_of(state: errdecode_web::AppState) -> (TestServer, Recorder) {
    let recorder = Recorder::default();
    let router = errdecode_web::app(state).layer(from_fn_with_state(recorder.clone(), record));
    (TestServer::start(router).await, recorder)
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A screenshot of the whole page (the window grown to the page's height).
async fn full_page_screenshot(client: &Client, name: &str) -> PathBuf {
    client.execute("window.scrollTo(0, 0);", vec![]).await.unwrap();
    let height = client
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(900)
        .clamp(600, 12_000);
    client.set_window_size(1280, height as u32).await.unwrap();
    let png = client.screenshot().await.unwrap();
    client.set_window_size(1280, 900).await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let path = screenshot_dir().join(name);
    std::fs::write(&path, png).unwrap();
    let path = path.canonicalize().unwrap();
    println!("screenshot: {}", path.display());
    path
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Puts `text` in the paste box as a paste does (one input event), then submits with the
/// Decode button.
async fn paste_and_submit(client: &Client, text: &str) {
    let textarea = client.find(Locator::Css("#paste-text")).await.unwrap();
    client
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::to_value(&textarea).unwrap(), text.into()],
        )
        .await
        .unwrap();
    client
        .find(Locator::Css(".paste-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
}

/// Waits until the page's `h1` reads `expected`: the page before a navigation has an `h1` too.
async fn wait_for_heading(client: &Client, expected: &str) {
    let started = Instant::now();
    loop {
        let heading = match client.find(Locator::Css("h1")).await {
            Ok(h1) => h1.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if heading == expected {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the heading is {heading:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs `scenario` in a new browser session (JavaScript on or off, light or dark), one
/// scenario at a time. The session is closed whatever happens, which is what makes Chromium
/// quit; a panic or a timeout in the scenario is reported after that.
async fn in_browser<F, Fut>(javascript: bool, dark: bool, scenario: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(driver) = Driver::start() else { return };
    let (client, profile) = driver.session(javascript, dark).await;
    let outcome =
        AssertUnwindSafe(tokio::time::timeout(SCENARIO_TIMEOUT, scenario(client.clone())))
            .catch_unwind()
            .await;
    let closed = client.close().await;
    drop(driver);
    drop(profile);
    match outcome {
        Err(panic) => std::panic::resume_unwind(panic),
        Ok(Err(_)) => panic!("the scenario did not finish within {SCENARIO_TIMEOUT:?}"),
        Ok(Ok(())) => closed.expect("the browser session closes"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paste_the_seed_read_the_diagnosis_the_error_page_and_search() {
    in_browser(true, false, |client| async move {
        // The server's path: a site without the browser's decoder (the in-page decode is
        // `the_paste_is_decoded_in_the_page_offline`).
        let (server, recorder) = recorded_server_without_wasm().await;

        client.goto(&server.url("/")).await.unwrap();
        assert_eq!(
            client.find(Locator::Css("html")).await.unwrap().attr("class").await.unwrap().as_deref(),
            Some("js"),
            "app.js ran under the Content-Security-Policy"
        );
        let font = client
            .execute("return getComputedStyle(document.body).fontFamily;", vec![])
            .await
            .unwrap();
        assert!(font.as_str().unwrap_or("").contains("system-ui"), "app.css applied: {font}");
        full_page_screenshot(&client, "home.png").await;

        let paste = seed_with_token();
        let textarea = client.find(Locator::Css("#paste-text")).await.unwrap();
        client
            .execute(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                vec![serde_json::to_value(&textarea).unwrap(), paste.clone().into()],
            )
            .await
            .unwrap();
        let status = text_of(&client, "[data-paste-status]").await;
        assert_eq!(status, "1 token signature will be removed before sending.");
        client.find(Locator::Css(".paste-form button[type=submit]")).await.unwrap().click().await.unwrap();

        wait_for(&client, "#likely-causes").await;
        assert!(count(&client, "ol.ranked-causes > li.ranked-cause").await >= 3, "ranked causes");
        assert!(count(&client, "ul.ruled-out > li").await >= 3, "the ruled-out list");
        let ruled_out = text_of(&client, "#ruled-out").await;
        assert!(ruled_out.contains("The token is for a different API"), "{ruled_out}");
        let causes = text_of(&client, "#likely-causes").await;
        assert!(causes.contains("Evidence in your paste"), "{causes}");
        let notice = text_of(&client, "p.notice").await;
        assert!(notice.contains("removed the signature of 1 token"), "{notice}");
        let tokens = text_of(&client, "#tokens").await;
        assert!(tokens.contains("Audience: the API this token is for"), "claim meanings shown");
        assert!(tokens.contains("None: removed before sending"), "{tokens}");

        // What reached the server: the token's header and payload, never its signature.
        let bodies = recorder.bodies_for("/decode");
        assert_eq!(bodies.len(), 1);
        let jwt = graph_jwt();
        let unsigned = &jwt[..jwt.rfind('.').unwrap() + 1];
        let received = form_urlencoded_text(&bodies[0]);
        assert!(received.contains(unsigned), "the token arrived without its signature");
        assert!(!received.contains(SIGNATURE), "the signature reached the server");
        assert!(bodies[0].contains("stripped=1"), "{}", &bodies[0][..200]);
        assert!(!client.source().await.unwrap().contains(SIGNATURE));

        full_page_screenshot(&client, "result.png").await;

        // The matched error's page, every section of it.
        client.find(Locator::Css("#known-error a.button")).await.unwrap().click().await.unwrap();
        wait_for(&client, "#error-message").await;
        for id in [
            "error-message", "what-it-means", "why-it-happens", "causes-to-check", "quick-fix",
            "admin-fix", "step-by-step", "affected-products", "variations", "still-broken",
            "related-errors", "related-searches", "faq",
        ] {
            let section = client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("section {id}"));
            assert!(section.is_displayed().await.unwrap(), "{id} is shown");
        }
        let foot = text_of(&client, ".page-foot").await;
        assert!(foot.contains("Last reviewed") && foot.contains("Browse more errors in Microsoft Graph"), "{foot}");
        let copy = client.find(Locator::Css("#admin-fix button.copy")).await.unwrap();
        assert!(copy.is_displayed().await.unwrap(), "copy buttons appear with JavaScript");
        copy.click().await.unwrap();
        // The clipboard answers asynchronously; the label changes when it has.
        let mut label = String::new();
        for _ in 0..50 {
            label = copy.text().await.unwrap();
            if label != "Copy" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(label == "Copied" || label == "Select and copy", "the copy button answered: {label}");
        full_page_screenshot(&client, "error-page.png").await;

        // Search from the header.
        let search = client.find(Locator::Css("#header-q")).await.unwrap();
        search.send_keys("AADSTS7000215").await.unwrap();
        client.find(Locator::Css(".header-search button")).await.unwrap().click().await.unwrap();
        wait_for(&client, ".result-count").await;
        client.find(Locator::Css("#search-results a[href='/errors/aadsts7000215/']")).await.unwrap().click().await.unwrap();
        let title = wait_for(&client, "h1#page-title").await.text().await.unwrap();
        assert!(title.contains("AADSTS7000215"), "{title}");

        server.stop().await;
    })
    .await;
}

/// The text of a form body, decoded.
fn form_urlencoded_text(body: &str) -> String {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_and_huge_pastes_are_shown_never_run() {
    in_browser(true, false, |client| async move {
        // The server's answers (its size limit among them): a site without the browser's decoder.
        let (server, _recorder) = recorded_server_without_wasm().await;
        let hostile = "<script>window.__pwned = 1; alert(1)</script>\n<img src=x onerror=\"window.__pwned = 2\">\n\
                       </textarea><h1 id=injected>injected</h1>\n\
                       {\"error\":{\"code\":\"<svg onload=window.__pwned=3>\",\"message\":\"<iframe src=javascript:alert(4)>\"}}";
        client.goto(&server.url("/")).await.unwrap();
        paste_and_submit(&client, hostile).await;
        wait_for(&client, "#likely-causes").await;
        assert!(client.get_alert_text().await.is_err(), "no alert was opened");
        let pwned = client.execute("return window.__pwned === undefined;", vec![]).await.unwrap();
        assert_eq!(pwned, serde_json::Value::Bool(true), "no pasted script ran");
        assert_eq!(count(&client, "#injected").await, 0, "no pasted element was created");
        assert_eq!(count(&client, "script").await, 1, "only app.js");
        let echoed = client.find(Locator::Css("#paste-text")).await.unwrap().prop("value").await.unwrap();
        assert_eq!(echoed.as_deref().map(str::trim_end), Some(hostile), "the paste comes back as text");

        // Over the limit: a clear page, with the box to try again.
        client.goto(&server.url("/")).await.unwrap();
        paste_and_submit(&client, &"A".repeat(1024 * 1024 + 10)).await;
        wait_for_heading(&client, "Paste too large").await;
        assert!(client.find(Locator::Css("#paste-text")).await.is_ok());

        // Large but allowed: decoded.
        let mut big = String::new();
        while big.len() < 400 * 1024 {
            big.push_str("2026-11-20T10:00:00Z INFO GET https://graph.microsoft.com/v1.0/users 200 OK\n");
        }
        big.push_str("AADSTS7000215: Invalid client secret provided.");
        client.goto(&server.url("/")).await.unwrap();
        paste_and_submit(&client, &big).await;
        wait_for(&client, "#likely-causes").await;
        let summary = text_of(&client, "h1#page-title").await;
        assert!(summary.contains("AADSTS7000215"), "{summary}");

        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_works_without_javascript() {
    in_browser(false, false, |client| async move {
        let (server, recorder) = recorded_server().await;
        client.goto(&server.url("/")).await.unwrap();
        let class = client.find(Locator::Css("html")).await.unwrap().attr("class").await.unwrap();
        assert_eq!(class, None, "app.js did not run: JavaScript is off");

        // Typed, not set: nothing on the page can run.
        let paste = format!(
            "GET https://graph.microsoft.com/v1.0/users/adele@contoso.com/calendar/events\n\
             HTTP/1.1 401 Unauthorized\n\
             {{\"error\":{{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token validation failure. Invalid audience or permissions.\"}}}}\n\
             Authorization: Bearer {}\n",
            graph_jwt()
        );
        client.find(Locator::Css("#paste-text")).await.unwrap().send_keys(&paste).await.unwrap();
        client.find(Locator::Css(".paste-form button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_for(&client, "#likely-causes").await;
        assert!(count(&client, "li.ranked-cause").await >= 1);
        assert!(count(&client, "ul.ruled-out > li").await >= 1);
        let warning = text_of(&client, ".alert").await;
        assert!(warning.contains("signed token that works"), "the live token is flagged: {warning}");
        // Without JavaScript the signature is sent; the server must still never show it.
        let bodies = recorder.bodies_for("/decode");
        assert!(form_urlencoded_text(&bodies[0]).contains(SIGNATURE), "JavaScript was really off");
        assert!(!client.source().await.unwrap().contains(SIGNATURE), "the signature is not echoed");

        // Browse: product hub, an error, the search form.
        client.find(Locator::Css(".site-nav a[href='/products/microsoft-graph/']")).await.unwrap().click().await.unwrap();
        wait_for_heading(&client, "Microsoft Graph errors").await;
        client.find(Locator::Css("#access-tokens .error-list a")).await.unwrap().click().await.unwrap();
        wait_for(&client, "#error-message").await;
        let copy = client.find(Locator::Css("#error-message button.copy")).await.unwrap();
        assert!(!copy.is_displayed().await.unwrap(), "copy buttons stay hidden without JavaScript");
        client.find(Locator::Css("#header-q")).await.unwrap().send_keys("insufficient privileges").await.unwrap();
        client.find(Locator::Css(".header-search button")).await.unwrap().click().await.unwrap();
        let results = wait_for(&client, ".result-count").await.text().await.unwrap();
        assert!(results.contains("insufficient privileges"), "{results}");
        assert!(count(&client, "#search-results li").await > 0);
        // An example paste, one click, no script.
        client.goto(&server.url("/")).await.unwrap();
        recorder.clear();
        client.find(Locator::Css(".example-list button")).await.unwrap().click().await.unwrap();
        wait_for(&client, "#likely-causes").await;
        assert_eq!(recorder.bodies_for("/decode").len(), 1);

        server.stop().await;
    })
    .await;
}

/// Serves an exported folder as a static host would: files by path, `index.html` for
/// folders, `404.html` for anything else.
async fn static_host(dir: &Path) -> TestServer {
    TestServer::start(static_router(dir)).await
}

/// [`static_host`], recording every request.
async fn recorded_static_host(dir: &Path) -> (TestServer, Recorder) {
    let recorder = Recorder::default();
    let router = static_router(dir).layer(from_fn_with_state(recorder.clone(), record));
    (TestServer::start(router).await, recorder)
}

fn static_router(dir: &Path) -> axum::Router {
    let dir = dir.to_path_buf();
    let router = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let dir = dir.clone();
        async move {
            let relative = errdecode_web::urls::file_for(uri.path());
            let (status, file) = match std::fs::read(dir.join(&relative)) {
                Ok(bytes) => (200, (relative, bytes)),
                Err(_) => {
                    (404, ("404.html".to_string(), std::fs::read(dir.join("404.html")).unwrap()))
                }
            };
            let content_type = match Path::new(&file.0).extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css",
                Some("js") => "text/javascript",
                Some("json") => "application/json",
                Some("svg") => "image/svg+xml",
                Some("wasm") => "application/wasm",
                _ => "application/octet-stream",
            };
            axum::response::Response::builder()
                .status(status)
                .header("content-type", content_type)
                .header("content-security-policy", errdecode_web_csp())
                .body(Body::from(file.1))
                .unwrap()
        }
    });
    router
}

fn errdecode_web_csp() -> &'static str {
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_static_export_searches_in_the_browser() {
    in_browser(true, false, |client| async move {
        let dir = tempfile::tempdir().unwrap();
        errdecode_web::export::export(&site(), dir.path(), errdecode_web::export::Progress::Quiet)
            .unwrap();
        let host = static_host(dir.path()).await;
        client.goto(&host.url("/")).await.unwrap();
        client
            .find(Locator::Css("#header-q"))
            .await
            .unwrap()
            .send_keys("AADSTS7000215")
            .await
            .unwrap();
        client.find(Locator::Css(".header-search button")).await.unwrap().click().await.unwrap();
        let first = wait_for(&client, "#search-results ol li a").await;
        assert_eq!(first.attr("href").await.unwrap().as_deref(), Some("/errors/aadsts7000215/"));
        let count_text = text_of(&client, ".result-count").await;
        assert!(count_text.contains("for “AADSTS7000215”"), "{count_text}");
        assert_eq!(
            client.find(Locator::Css("#q")).await.unwrap().prop("value").await.unwrap().as_deref(),
            Some("AADSTS7000215")
        );
        client
            .goto(&host.url("/search/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"))
            .await
            .unwrap();
        let none = wait_for(&client, ".result-count").await.text().await.unwrap();
        assert!(
            none.contains("<img src=x onerror=alert(1)>"),
            "the query is shown as text: {none}"
        );
        assert!(client.get_alert_text().await.is_err());
        client.goto(&host.url("/errors/aadsts7000215/")).await.unwrap();
        wait_for(&client, "#admin-fix").await;
        client.goto(&host.url("/nowhere/")).await.unwrap();
        wait_for_heading(&client, "There is no page at this address").await;
        host.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dark_mode_follows_the_system_setting() {
    in_browser(true, true, |client| async move {
        let (server, _recorder) = recorded_server().await;
        client.goto(&server.url("/")).await.unwrap();
        paste_and_submit(&client, &seed_with_token()).await;
        wait_for(&client, "#likely-causes").await;
        let dark = client
            .execute("return window.matchMedia('(prefers-color-scheme: dark)').matches;", vec![])
            .await
            .unwrap();
        assert_eq!(dark, serde_json::Value::Bool(true), "the browser prefers dark");
        let background = client
            .execute("return getComputedStyle(document.body).backgroundColor;", vec![])
            .await
            .unwrap();
        assert_eq!(background.as_str(), Some("rgb(15, 19, 24)"), "the dark palette applies");
        full_page_screenshot(&client, "result-dark.png").await;
        server.stop().await;
    })
    .await;
}

/// The verdicts stored, read on a thread of their own (the PostgreSQL client blocks).
fn stored_rows(spec: &str) -> Vec<errdecode_feedback::StoredRow> {
    let spec = spec.to_string();
    std::thread::spawn(move || errdecode_feedback::open(&spec).unwrap().rows(1000).unwrap())
        .join()
        .unwrap()
}

/// Decodes a paste full of secrets in the page, clicks "This was it" on the first cause, and
/// finds that one verdict in the store, holding nothing of the paste.
async fn this_was_it_lands_in_the_store(store: FeedbackStore) {
    let spec = store.spec.clone();
    in_browser(true, false, |client| async move {
        // Feedback forms come with the server's results: a site without the browser's decoder.
        let server = TestServer::start_app(store.state_on(site_without_wasm(), 100)).await;
        client.goto(&server.url("/")).await.unwrap();
        let paste = format!(
            "{}\nclient_secret=Qx8Q~abcdefghijklmnopqrstuvwxyz0123456789\nclient-request-id: 5f1c0d7e-2b9a-4c8e-8f3d-1a2b3c4d5e6f\nx-forwarded-for: 198.51.100.23\nuser: adele.vance@fabrikam.onmicrosoft.com\n",
            seed_with_token()
        );
        paste_and_submit(&client, &paste).await;
        wait_for(&client, "#likely-causes").await;
        assert!(count(&client, "form.feedback button[value=confirmed]").await >= 2, "a form per cause");
        let form = client.find(Locator::Css("li.ranked-cause form.feedback")).await.unwrap();
        let cause = form
            .find(Locator::Css("input[name=cause]"))
            .await
            .unwrap()
            .attr("value")
            .await
            .unwrap()
            .expect("the form names its cause");
        form.find(Locator::Css("button[value=confirmed]")).await.unwrap().click().await.unwrap();
        let started = Instant::now();
        loop {
            let status = form.find(Locator::Css(".feedback-status")).await.unwrap().text().await.unwrap();
            if status == "Thanks: noted that this was it." {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the verdict was not taken: {status:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        full_page_screenshot(&client, "feedback-sent.png").await;
        server.stop().await;

        let rows = stored_rows(&spec);
        assert_eq!(rows.len(), 1, "one verdict stored");
        assert_eq!(rows[0].get("verdict"), Some("confirmed"));
        assert_eq!(rows[0].get("cause"), Some(cause.as_str()));
        let jwt = graph_jwt();
        let payload = jwt.split('.').nth(1).unwrap().to_string();
        let mut forbidden = vec![
            jwt.clone(),
            payload,
            "Qx8Q".into(),
            "198.51.100.23".into(),
            "adele".into(),
            "fabrikam".into(),
            "@".into(),
            "eyJ".into(),
            "Bearer".into(),
        ];
        // Every GUID of the paste: request, tenant, app and object ids.
        forbidden.extend(
            paste
                .split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
                .filter(|w| w.len() == 36)
                .map(str::to_string),
        );
        for value in rows[0].values.iter().flatten() {
            for bad in &forbidden {
                assert!(!value.contains(bad.as_str()), "a stored value holds `{bad}`: {value}");
            }
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_was_it_clicked_in_the_page_is_stored_in_sqlite() {
    this_was_it_lands_in_the_store(FeedbackStore::new(Backend::Sqlite, "browser").unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_was_it_clicked_in_the_page_is_stored_in_postgres() {
    // `None` (with a visible skip line, a failure under CI) without a PostgreSQL server.
    if let Some(store) = FeedbackStore::new(Backend::Postgres, "browser") {
        this_was_it_lands_in_the_store(store).await;
    }
}

// ---------------------------------------------------------------------------------------------
// The browser's decoder (WebAssembly): the paste decoded in the page, offline.

/// Whether the site carries the browser's decoder; without it (`scripts/build-wasm.sh` not run)
/// the in-page tests say "skipped", and fail under `CI`.
fn wasm_built() -> bool {
    if site().assets().wasm.is_some() {
        return true;
    }
    let reason =
        "the browser's decoder is not built (bash scripts/build-wasm.sh, then build again)";
    if in_ci() {
        panic!("{reason}");
    }
    skipped(reason);
    false
}

/// Waits until app.js has loaded the module (`<html data-decoder="ready">`).
async fn wait_for_decoder(client: &Client) {
    let started = Instant::now();
    loop {
        let state = client
            .execute("return document.documentElement.getAttribute('data-decoder');", vec![])
            .await
            .unwrap();
        match state.as_str() {
            Some("ready") => return,
            Some("failed") => panic!("the module failed to load"),
            _ => {}
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the module did not load");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Cuts the browser's network (chromedriver's network conditions), and checks it is cut.
async fn go_offline(client: &Client) {
    let session = client.session_id().await.unwrap().expect("a session");
    let port = DRIVER_PORT.load(std::sync::atomic::Ordering::SeqCst);
    let answer = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/session/{session}/chromium/network_conditions"))
        .json(&serde_json::json!({
            "network_conditions": {
                "offline": true, "latency": 0, "download_throughput": 0, "upload_throughput": 0
            }
        }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "network conditions: {}", answer.text().await.unwrap());
    let reached = client
        .execute_async(
            "var done = arguments[0]; fetch('/healthz', {cache: 'no-store'}).then(function () { done('reached'); }, function () { done('offline'); });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(reached.as_str(), Some("offline"), "the network is cut");
}

/// The links of the ranked causes and of the ruled-out list, in order.
async fn cause_links(client: &Client) -> (Vec<String>, Vec<String>) {
    let links = |css: &'static str| async move {
        let mut out = Vec::new();
        for link in client.find_all(Locator::Css(css)).await.unwrap() {
            out.push(link.attr("href").await.unwrap().unwrap_or_default());
        }
        out
    };
    (links("ol.ranked-causes > li h3 a").await, links("ul.ruled-out > li a").await)
}

/// The distinctive parts of the seed paste with its token: none may reach a server.
fn secret_parts() -> Vec<String> {
    let jwt = graph_jwt();
    let payload = jwt.split('.').nth(1).unwrap().to_string();
    vec![SIGNATURE.to_string(), payload[..40].to_string(), "InvalidAuthenticationToken".to_string()]
}

fn assert_nothing_sent(recorder: &Recorder) {
    for request in recorder.everything() {
        let decoded = form_urlencoded_text(&request);
        for part in secret_parts() {
            assert!(
                !decoded.contains(&part),
                "a request carried the paste ({part}): {request:.300}"
            );
        }
    }
    assert!(recorder.bodies_for("/decode").is_empty(), "nothing was posted to /decode");
}

/// Pastes the seed with its token into the page's box, offline, and reads the in-page result:
/// the ranked causes and the ruled-out list. Answers the "Copy link" permalink.
async fn decode_the_seed_offline(client: &Client) -> (String, (Vec<String>, Vec<String>)) {
    wait_for_decoder(client).await;
    go_offline(client).await;
    paste_and_submit(client, &seed_with_token()).await;
    wait_for(client, "main[data-decoded-in=browser] #likely-causes").await;
    assert!(count(client, "ol.ranked-causes > li.ranked-cause").await >= 3, "ranked causes");
    assert!(count(client, "ul.ruled-out > li").await >= 3, "the ruled-out list");
    let ruled_out = text_of(client, "#ruled-out").await;
    assert!(ruled_out.contains("The token is for a different API"), "{ruled_out}");
    let tokens = text_of(client, "#tokens").await;
    assert!(tokens.contains("Audience: the API this token is for"), "claim meanings shown");
    // The signature never left the page, and the page shows none of it.
    assert!(!client.source().await.unwrap().contains(SIGNATURE));
    let title = client.title().await.unwrap();
    let top = text_of(client, "h1#page-title").await;
    assert!(title.starts_with(&top) && title.ends_with("| errdecode"), "{title} names {top}");
    let links = cause_links(client).await;

    client.find(Locator::Css("[data-permalink]")).await.unwrap().click().await.unwrap();
    let button = wait_for(client, "[data-permalink][data-link]").await;
    let link = button.attr("data-link").await.unwrap().unwrap();
    let fragment = link.split_once("#p=").expect("the paste is in the fragment").1.to_string();
    assert!(
        fragment.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "base64url: {fragment}"
    );
    assert!(!link.contains(SIGNATURE) && !link.contains("InvalidAuthenticationToken"), "deflated");
    (link, links)
}

/// The decode document's cause and ruled-out links, from the server's API.
async fn server_cause_links(server: &TestServer, paste: &str) -> (Vec<String>, Vec<String>) {
    let doc: serde_json::Value = reqwest::Client::new()
        .post(server.url("/api/v1/decode"))
        .header("content-type", "text/plain")
        .body(paste.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids = |field: &str| -> Vec<String> {
        doc[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| errdecode_web::urls::cause(c["id"].as_str().unwrap()))
            .collect()
    };
    (ids("causes"), ids("ruled_out"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_paste_is_decoded_in_the_page_offline_and_shared_by_a_link() {
    if !wasm_built() {
        return;
    }
    let (server, recorder) = recorded_server().await;
    let shared = Arc::new(Mutex::new(None));
    let kept = Arc::clone(&shared);
    let home = server.url("/");
    in_browser(true, false, |client| async move {
        client.goto(&home).await.unwrap();
        let (link, links) = decode_the_seed_offline(&client).await;
        *kept.lock().unwrap() = Some((link, links));
        full_page_screenshot(&client, "result-in-browser.png").await;
    })
    .await;
    let Some((link, links)) = shared.lock().unwrap().take() else { return };
    assert_nothing_sent(&recorder);
    // The same ranking as the server's, for the same paste.
    assert_eq!(links, server_cause_links(&server, &seed_with_token()).await);

    // The link, in a fresh browser session: the same result, decoded again in that page.
    recorder.clear();
    in_browser(true, false, |client| async move {
        client.goto(&link).await.unwrap();
        wait_for(&client, "main[data-decoded-in=browser] #likely-causes").await;
        assert_eq!(cause_links(&client).await, links, "the link opens the same result");
        let echoed = client.find(Locator::Css("#paste-text")).await.unwrap().prop("value").await.unwrap().unwrap();
        assert!(echoed.contains("Bearer eyJ"), "the paste travelled with its token");
        assert!(!echoed.contains(SIGNATURE), "but without the signature");
        let title = client.title().await.unwrap();
        assert!(title.contains(": diagnosis | errdecode"), "the title names the error: {title}");
        // Hostile text decoded in the page is shown, never run.
        let hostile = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"></textarea><h1 id=injected>x</h1> AADSTS50076";
        paste_and_submit(&client, hostile).await;
        wait_for(&client, "#likely-causes").await;
        let mut echoed = String::new();
        for _ in 0..100 {
            echoed = client.find(Locator::Css("#paste-text")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
            if echoed.trim_end() == hostile {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(echoed.trim_end(), hostile, "the paste comes back as text");
        let pwned = client.execute("return window.__pwned === undefined;", vec![]).await.unwrap();
        assert_eq!(pwned, serde_json::Value::Bool(true), "no pasted script ran");
        assert_eq!(count(&client, "#injected").await, 0, "no pasted element was created");
    })
    .await;
    assert_nothing_sent(&recorder);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_static_export_decodes_in_the_page_offline() {
    if !wasm_built() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    errdecode_web::export::export(&site(), dir.path(), errdecode_web::export::Progress::Quiet)
        .unwrap();
    let (host, recorder) = recorded_static_host(dir.path()).await;
    let home = host.url("/");
    let search = host.url("/search/?q=AADSTS7000215");
    in_browser(true, false, |client| async move {
        // The search page searches with the module.
        client.goto(&search).await.unwrap();
        let first = wait_for(&client, "#search-results ol li a").await;
        assert_eq!(first.attr("href").await.unwrap().as_deref(), Some("/errors/aadsts7000215/"));
        wait_for_decoder(&client).await;

        client.goto(&home).await.unwrap();
        let (link, _) = decode_the_seed_offline(&client).await;
        assert!(link.starts_with(&home), "{link}");
    })
    .await;
    assert_nothing_sent(&recorder);
    assert!(
        !recorder.everything().iter().any(|r| r.starts_with("/search-index.json")),
        "the module searched, not the index"
    );
    host.stop().await;
}

/// Sizes and times of the browser's decoder in headless Chromium, for `bench/README.md`:
/// `cargo test --release -p errdecode-web --test browser -- --ignored --nocapture measure`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run by hand"]
async fn measure_the_decoder_in_the_browser() {
    if !wasm_built() {
        return;
    }
    let wasm = site().assets().wasm.clone().unwrap();
    println!("module: {} bytes, glue: {} bytes", wasm.module.bytes.len(), wasm.glue.bytes.len());
    let (server, _recorder) = recorded_server().await;
    let home = server.url("/");
    in_browser(true, false, |client| async move {
        for round in 0..3 {
            client.goto(&home).await.unwrap();
            wait_for_decoder(&client).await;
            let since_start = client
                .execute("return performance.now();", vec![])
                .await
                .unwrap();
            let paste = seed_with_token();
            for _ in 0..21 {
                paste_and_submit(&client, &paste).await;
                wait_for(&client, "main[data-decoded-in=browser] #likely-causes").await;
            }
            let timings = client
                .execute("return window.errdecodeTimings;", vec![])
                .await
                .unwrap();
            let load = timings["load"].as_f64().unwrap();
            let mut decodes: Vec<f64> =
                timings["decodes"].as_array().unwrap().iter().map(|d| d.as_f64().unwrap()).collect();
            let first = decodes.remove(0);
            decodes.sort_by(f64::total_cmp);
            println!(
                "round {round}: module ready {load:.0} ms after it was asked for ({:.0} ms after navigation), first decode {first:.1} ms, later decodes median of {} {:.1} ms (min {:.1}, max {:.1})",
                since_start.as_f64().unwrap_or(0.0),
                decodes.len(),
                decodes[decodes.len() / 2],
                decodes[0],
                decodes[decodes.len() - 1]
            );
        }
    })
    .await;
    server.stop().await;
}

// ---- a phone's screen, and axe-core ------------------------------------------------------

/// A phone's viewport: an iPhone 12 to 15, the narrowest in common use.
const PHONE: (u32, u32) = (390, 844);

/// axe-core's script: `AXE_CORE_JS`, or what `.ci/run` installs with npm under `target/axe/`.
fn axe_source() -> Result<String, String> {
    let path = match std::env::var_os("AXE_CORE_JS") {
        Some(path) => PathBuf::from(path),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
            target.join("axe/node_modules/axe-core/axe.min.js")
        }
    };
    std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "axe-core is not installed at {} ({e}): npm install --prefix target/axe axe-core@4",
            path.display()
        )
    })
}

/// The page's width against the viewport's, and when it is wider, the elements that stick out
/// (for the failure message).
async fn sideways_overflow(client: &Client) -> (u64, u64, Vec<String>) {
    let answer = client
        .execute(
            "const root = document.documentElement; const width = root.clientWidth;
             const out = [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > width + 0.5)
               .slice(0, 12)
               .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                 + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                 + ' (' + Math.round(e.getBoundingClientRect().right) + ')');
             return [root.scrollWidth, width, out];",
            vec![],
        )
        .await
        .unwrap();
    let scroll = answer[0].as_u64().unwrap();
    let width = answer[1].as_u64().unwrap();
    let offenders =
        answer[2].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    (scroll, width, offenders)
}

/// axe-core's serious and critical violations on the page, one line each.
async fn axe_violations(client: &Client, axe: &str) -> Vec<String> {
    // WebDriver's scripts are not the page's: the Content-Security-Policy does not stop them.
    client.execute(&format!("{axe}\nreturn true;"), vec![]).await.expect("axe-core loads");
    let answer = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(
               r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at '
                   + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', '))),
               e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    answer.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

/// The top of an element against the viewport's height.
async fn top_and_fold(client: &Client, css: &str) -> (f64, f64) {
    let answer = client
        .execute(
            "const e = document.querySelector(arguments[0]);
             return [e ? e.getBoundingClientRect().top : 1e9, window.innerHeight];",
            vec![css.into()],
        )
        .await
        .unwrap();
    (answer[0].as_f64().unwrap(), answer[1].as_f64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_nothing_overflows_and_axe_finds_nothing_serious() {
    let axe = match axe_source() {
        Ok(axe) => Some(axe),
        Err(reason) if in_ci() => panic!("the accessibility check needs axe-core in CI: {reason}"),
        Err(reason) => {
            skipped(&reason);
            None
        }
    };
    in_browser(true, false, |client| async move {
        let server = TestServer::start(router()).await;
        client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
        let mut problems = Vec::new();
        let pages = [
            ("home", "/"),
            ("error", "/errors/aadsts7000215/"),
            ("rich error", "/errors/graph-invalid-authentication-token/"),
            ("cause", "/causes/token-expired/"),
            ("search", "/search/?q=AADSTS7000215+invalid+client+secret"),
            ("decode result", ""),
        ];
        for (name, path) in pages {
            if path.is_empty() {
                client.goto(&server.url("/")).await.unwrap();
                paste_and_submit(&client, &seed_paste()).await;
                wait_for(&client, "#likely-causes").await;
            } else {
                client.goto(&server.url(path)).await.unwrap();
                wait_for(&client, "main h1").await;
            }
            let (scroll, width, offenders) = sideways_overflow(&client).await;
            assert!(width <= u64::from(PHONE.0) && width >= 300, "{name}: the viewport is {width} wide");
            if scroll != width {
                problems.push(format!("{name}: {scroll} px wide in a {width} px viewport: {offenders:?}"));
            }
            if let Some(axe) = &axe {
                for violation in axe_violations(&client, axe).await {
                    problems.push(format!("{name}: {violation}"));
                }
            }
            match name {
                "home" => {
                    let (top, fold) = top_and_fold(&client, "#paste-text").await;
                    if top + 60.0 > fold {
                        problems.push(format!("home: the paste box starts at {top}, below the first screen ({fold})"));
                    }
                    // The navigation is a menu that opens without JavaScript's help.
                    let menu = client.find(Locator::Css(".nav-menu summary")).await.unwrap();
                    assert!(menu.is_displayed().await.unwrap(), "a menu button on a phone");
                    assert_eq!(count(&client, ".nav-menu[open]").await, 0);
                    menu.click().await.unwrap();
                    let link = client.find(Locator::Css(".nav-menu a[href='/causes/']")).await.unwrap();
                    assert!(link.is_displayed().await.unwrap(), "the menu opens");
                    let wide = client.find(Locator::Css(".nav-wide")).await.unwrap();
                    assert!(!wide.is_displayed().await.unwrap(), "the wide list folds away");
                }
                "error" | "rich error" => {
                    let (message, fold) = top_and_fold(&client, "#error-message pre").await;
                    let (toc, _) = top_and_fold(&client, ".toc").await;
                    if message + 40.0 > fold || toc < message {
                        problems.push(format!(
                            "{name}: the error message starts at {message} (screen {fold}), the contents at {toc}"
                        ));
                    }
                }
                _ => {}
            }
            let png = client.screenshot().await.unwrap();
            std::fs::write(screenshot_dir().join(format!("phone-{}.png", name.replace(' ', "-"))), png).unwrap();
        }
        if let Some(axe) = &axe {
            // The check itself works: a page with a picture and no text for it fails.
            client.goto("data:text/html,<html lang=en><title>t</title><main><img src=x></main>").await.unwrap();
            let found = axe_violations(&client, axe).await;
            assert!(found.iter().any(|v| v.contains("image-alt")), "axe-core runs: {found:?}");
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    })
    .await;
}
