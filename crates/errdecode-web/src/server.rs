//! The HTTP server: the routes of the site, their handlers, the layers around them, and
//! serving on a socket.
//!
//! [`app`] builds the whole service apart from any socket, so that tests call it with
//! `oneshot`; [`serve`] runs it on a listener until a shutdown future completes, and
//! [`serve_forever`] is what `errdecode serve` calls.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use errdecode_core::budget::Cancel;
use errdecode_core::{DecodeDocument, DecodeOptions, SearchResults, TokenReport, Warning};
use serde::Deserialize;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::error::{AppError, ErrorInfo};
use crate::middleware::{
    bound_requests, conditional_get, log_requests, render_errors, security_headers,
};
use crate::pages::{self, PasteInput};
use crate::site::Site;
use crate::{api, urls};

/// Bounds on what one request may cost.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest request body accepted, in bytes.
    pub body_bytes: usize,
    /// How long a request may take, from the end of its headers to its answer.
    pub timeout: Duration,
    /// How long a client may take to send a request's headers.
    pub header_timeout: Duration,
    /// Requests handled at once; more wait for a slot (within the timeout).
    pub concurrency: usize,
    /// Pastes larger than this are decoded on the blocking pool, so that a large paste does
    /// not hold up the requests that share its worker thread.
    pub inline_decode_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 1024 * 1024,
            timeout: Duration::from_secs(15),
            header_timeout: Duration::from_secs(10),
            concurrency: 512,
            inline_decode_bytes: 32 * 1024,
        }
    }
}

/// Browse pages once rendered. The knowledge base cannot change while the server runs, so a
/// page is rendered on its first request and then served from memory.
struct PageCache {
    home: OnceLock<Bytes>,
    causes: OnceLock<Bytes>,
    search: OnceLock<Bytes>,
    not_found: OnceLock<Bytes>,
    search_index: OnceLock<Bytes>,
    products: Vec<OnceLock<Bytes>>,
    errors: Vec<OnceLock<Bytes>>,
    cause_pages: Vec<OnceLock<Bytes>>,
}

impl PageCache {
    fn new(site: &Site) -> PageCache {
        let kb = site.kb();
        let cells = |n: usize| (0..n).map(|_| OnceLock::new()).collect();
        PageCache {
            home: OnceLock::new(),
            causes: OnceLock::new(),
            search: OnceLock::new(),
            not_found: OnceLock::new(),
            search_index: OnceLock::new(),
            products: cells(kb.products.len()),
            errors: cells(kb.errors.len()),
            cause_pages: cells(kb.causes.len()),
        }
    }
}

fn cached(
    cell: &OnceLock<Bytes>,
    render: impl FnOnce() -> Result<String, minijinja::Error>,
) -> Result<Bytes, AppError> {
    if let Some(bytes) = cell.get() {
        return Ok(bytes.clone());
    }
    // Two first requests may both render; the page is the same, one of them is kept.
    let bytes = Bytes::from(render()?);
    Ok(cell.get_or_init(|| bytes).clone())
}

struct Inner {
    site: Arc<Site>,
    cache: PageCache,
    limits: Limits,
    /// Large pastes decoded at once: one fewer than the cores, so that a core is always left
    /// for the async workers (a flood of large pastes queues here, and cannot slow `/healthz`
    /// or the pages down).
    heavy: tokio::sync::Semaphore,
    feedback: Option<Arc<crate::feedback::Feedback>>,
}

/// What every handler shares: the site, the page cache and the limits.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    pub fn new(site: Arc<Site>) -> AppState {
        AppState::with_limits(site, Limits::default())
    }

    pub fn with_limits(site: Arc<Site>, limits: Limits) -> AppState {
        let cache = PageCache::new(&site);
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let heavy = tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1));
        AppState { inner: Arc::new(Inner { site, cache, limits, heavy, feedback: None }) }
    }

    /// The same state taking feedback (`serve --feedback-db`); call before the state is shared.
    pub fn with_feedback(mut self, feedback: crate::feedback::Feedback) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("feedback is set before the state is shared")
            .feedback = Some(Arc::new(feedback));
        self
    }

    pub fn feedback(&self) -> Option<&Arc<crate::feedback::Feedback>> {
        self.inner.feedback.as_ref()
    }

    pub fn site(&self) -> &Site {
        &self.inner.site
    }

    pub fn limits(&self) -> Limits {
        self.inner.limits
    }

    fn cache(&self) -> &PageCache {
        &self.inner.cache
    }

    /// Decodes a paste, on the blocking pool when it is large.
    pub async fn decode(&self, paste: Vec<u8>) -> Result<DecodeDocument, AppError> {
        self.off_the_workers(paste, |site, paste, options| site.decoder().decode(paste, options))
            .await
    }

    /// Decodes the tokens in a paste, on the blocking pool when it is large.
    pub async fn decode_tokens(
        &self,
        paste: Vec<u8>,
    ) -> Result<(Vec<TokenReport>, Vec<Warning>), AppError> {
        self.off_the_workers(paste, |site, paste, options| {
            site.decoder().decode_tokens(paste, options)
        })
        .await
    }

    /// Runs `work` on a paste: inline when it is small, else on the blocking pool so that it
    /// does not hold up the requests that share its worker thread. The work stops when this
    /// future is dropped (the request's deadline passed, or its client went away): the
    /// timeout frees the thread, not just the connection.
    async fn off_the_workers<T: Send + 'static>(
        &self,
        paste: Vec<u8>,
        work: fn(&Site, &[u8], &DecodeOptions) -> T,
    ) -> Result<T, AppError> {
        let cancel = Cancel::new();
        let options = DecodeOptions {
            now: Some(unix_now()),
            cancel: Some(cancel.clone()),
            ..Default::default()
        };
        if paste.len() <= self.limits().inline_decode_bytes {
            return Ok(work(self.site(), &paste, &options));
        }
        let _stop_when_dropped = cancel.on_drop();
        let _slot = self
            .inner
            .heavy
            .acquire()
            .await
            .map_err(|_| AppError::Internal("the decode queue is closed".to_string()))?;
        let site = Arc::clone(&self.inner.site);
        tokio::task::spawn_blocking(move || work(&site, &paste, &options))
            .await
            .map_err(|error| AppError::Internal(format!("the decode task failed: {error}")))
    }

    /// The body of an error response's page.
    pub(crate) fn error_page(
        &self,
        status: StatusCode,
        info: &ErrorInfo,
    ) -> Result<Bytes, AppError> {
        let site = self.site();
        if status == StatusCode::NOT_FOUND {
            if info.asked.is_none() && info.suggestions.is_empty() {
                return cached(&self.cache().not_found, || {
                    pages::render_not_found(site, None, &[])
                });
            }
            return Ok(
                pages::render_not_found(site, info.asked.as_deref(), &info.suggestions)?.into()
            );
        }
        Ok(pages::render_message(site, status.as_u16(), &info.title, &info.message)?.into())
    }
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Browse pages may be kept a few minutes by browsers and caches in front of the server.
const PAGE_CACHE_CONTROL: &str = "public, max-age=300";
/// Assets are named after their content and never change under a name.
const ASSET_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

fn page_response(body: Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static(PAGE_CACHE_CONTROL)),
        ],
        body,
    )
        .into_response()
}

/// A page made from what the visitor sent: never stored by a browser or a proxy.
fn private_page_response(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// The whole site and API as one service, with every layer. Serve it with [`serve`], or call
/// it directly in tests.
pub fn app(state: AppState) -> Router {
    let limits = state.limits();
    let mut router = Router::new()
        .route("/", get(home))
        .route("/products/{id}/", get(product_page))
        .route("/products/{id}", get(add_slash))
        .route("/errors/{id}/", get(error_page))
        .route("/errors/{id}", get(add_slash))
        .route("/causes/", get(causes_page))
        .route("/causes", get(add_slash))
        .route("/causes/{id}/", get(cause_page))
        .route("/causes/{id}", get(add_slash))
        .route("/search/", get(search_page))
        .route("/search", get(add_slash))
        .route(urls::SEARCH_INDEX, get(search_index))
        .route(urls::DECODE, get(decode_get).post(decode_page))
        .route("/static/{name}", get(static_file));
    for (path, handler) in crate::feedback::routes() {
        router = router.route(path, handler);
    }
    for route in api::routes() {
        router = router.route(route.path, route.handler);
    }
    router
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(RequestBodyLimitLayer::new(limits.body_bytes))
        .layer(GlobalConcurrencyLimitLayer::new(limits.concurrency))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.timeout))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn(bound_requests))
        .layer(from_fn_with_state(state.clone(), render_errors))
        .layer(from_fn(security_headers))
        .layer(from_fn(conditional_get))
        .layer(CompressionLayer::new())
        .layer(from_fn(log_requests))
        .with_state(state)
}

/// A panic's message can quote the request (a paste), so only the fact is logged.
fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// Runs the site on `listener` until `shutdown` completes; requests in flight are finished
/// (for at most [`Limits::timeout`]), idle connections closed.
///
/// The accept loop is hyper's own rather than `axum::serve`, for one setting axum does not
/// expose: a deadline for a request's headers, so that a client that opens connections and
/// sends its headers a byte at a time cannot hold them open.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.limits();
    let app = app(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors or a connection reset before accept: wait a
                    // moment instead of spinning, and keep serving.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small answers go out at once instead of waiting for the client's delayed ACK.
        let _ = stream.set_nodelay(true);
        // The client's address, for the feedback rate limit (never logged).
        let app = tower::ServiceExt::map_request(
            app.clone(),
            move |mut request: axum::extract::Request<_>| {
                request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                request
            },
        );
        let service = hyper_util::service::TowerToHyperService::new(app);
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(
                crate::connection::SecureErrors::new(hyper_util::rt::TokioIo::new(stream)),
                service,
            );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away mid-request is not the server's error.
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(limits.timeout, graceful.shutdown()).await;
    Ok(())
}

/// What `errdecode serve` runs: binds `addr`, reports the address it listens on through
/// `on_ready`, and serves until Ctrl-C or SIGTERM.
pub fn serve_forever(
    site: Site,
    addr: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    serve_forever_with(site, addr, None, on_ready)
}

/// [`serve_forever`], taking feedback when `feedback` is given.
pub fn serve_forever_with(
    site: Site,
    addr: SocketAddr,
    feedback: Option<crate::feedback::Feedback>,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    // The default panic message could quote a paste; the server's stderr is a log.
    std::panic::set_hook(Box::new(|info| {
        let location =
            info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("errdecode: internal error (panic at {location})");
    }));
    // The decoder's indexes are built now, not by the first request.
    site.decoder().prepare();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        on_ready(listener.local_addr()?);
        let mut state = AppState::new(Arc::new(site));
        if let Some(feedback) = feedback {
            state = state.with_feedback(feedback);
        }
        serve(listener, state, shutdown_signal()).await
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Logs requests to standard error: one line each, method, path, status and latency.
/// `ERRDECODE_LOG` sets the level (`error`, `warn`, `info`, the default, `debug`, `trace`) or
/// turns the log off (`off`).
pub fn init_logging() {
    let level =
        match std::env::var("ERRDECODE_LOG").unwrap_or_default().to_ascii_lowercase().as_str() {
            "off" | "none" => return,
            "error" => tracing::Level::ERROR,
            "warn" => tracing::Level::WARN,
            "debug" => tracing::Level::DEBUG,
            "trace" => tracing::Level::TRACE,
            _ => tracing::Level::INFO,
        };
    // Colour only on a terminal: a log file gets plain lines.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_target(false)
        .with_ansi(ansi)
        .with_max_level(level)
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: a log redirected to a file stays plain text.
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .try_init();
}

// ---------------------------------------------------------------------------------------------
// Handlers.

async fn home(State(state): State<AppState>) -> Result<Response, AppError> {
    let site = state.site();
    cached(&state.cache().home, || pages::render_home(site)).map(page_response)
}

/// `/errors/x` -> `/errors/x/`, keeping the query: one canonical address per page.
async fn add_slash(uri: Uri) -> Redirect {
    // `/causes/index.html`, the export's file for `/causes/`, goes to its folder.
    let folder = uri.path().strip_suffix("/index.html").unwrap_or(uri.path());
    let target = match uri.query() {
        Some(query) => format!("{folder}/?{query}"),
        None => format!("{folder}/"),
    };
    Redirect::permanent(&target)
}

/// At most this much of an address is echoed back or searched for.
pub(crate) const ASKED_LIMIT: usize = 120;

/// A 404 for an id that names nothing, with what comes close (a bounded lookup, whatever the
/// length of what was asked).
pub(crate) fn not_found_for(state: &AppState, asked: &str) -> AppError {
    let asked: String = asked.chars().take(ASKED_LIMIT).collect();
    AppError::NotFound { suggestions: state.site().decoder().suggest(&asked), asked: Some(asked) }
}

async fn product_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let site = state.site();
    match site.product_index(&id) {
        Some(index) => {
            let product = &site.kb().products[index];
            cached(&state.cache().products[index], || pages::render_product(site, product))
                .map(page_response)
        }
        None => match site.product_index(&id.to_ascii_lowercase()) {
            Some(index) => {
                Ok(Redirect::permanent(&urls::product(&site.kb().products[index].id))
                    .into_response())
            }
            None => Err(AppError::NotFound { asked: None, suggestions: Vec::new() }),
        },
    }
}

async fn error_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let site = state.site();
    if let Some(index) = site.error_index(&id) {
        let entry = &site.kb().errors[index];
        return cached(&state.cache().errors[index], || pages::render_error(site, entry))
            .map(page_response);
    }
    // A code (`AADSTS50012`) or an id in another case names a page: send the visitor there.
    let canonical = site.error(&id.to_ascii_lowercase()).or_else(|| site.error_for_code(&id));
    match canonical {
        Some(entry) => Ok(Redirect::permanent(&urls::error(&entry.id)).into_response()),
        None => Err(not_found_for(&state, &id)),
    }
}

async fn cause_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let site = state.site();
    if let Some(index) = site.cause_index(&id) {
        let cause = &site.kb().causes[index];
        return cached(&state.cache().cause_pages[index], || pages::render_cause(site, cause))
            .map(page_response);
    }
    match site.cause(&id.to_ascii_lowercase()) {
        Some(cause) => Ok(Redirect::permanent(&urls::cause(&cause.id)).into_response()),
        None => Err(not_found_for(&state, &id)),
    }
}

async fn causes_page(State(state): State<AppState>) -> Result<Response, AppError> {
    let site = state.site();
    cached(&state.cache().causes, || pages::render_causes(site)).map(page_response)
}

#[derive(Debug, Deserialize)]
struct SearchParams {
    #[serde(default)]
    q: String,
}

async fn search_page(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    let site = state.site();
    let query: String = params.q.trim().chars().take(errdecode_core::SEARCH_QUERY_CHARS).collect();
    if query.is_empty() {
        return cached(&state.cache().search, || {
            pages::render_search(site, "", &SearchResults::default())
        })
        .map(page_response);
    }
    let found = site.decoder().search_counted(&query, pages::SEARCH_LIMIT);
    Ok(private_page_response(pages::render_search(site, &query, &found)?))
}

async fn search_index(State(state): State<AppState>) -> Result<Response, AppError> {
    let site = state.site();
    let body = cached(&state.cache().search_index, || Ok(pages::render_search_index(site)))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::CACHE_CONTROL, HeaderValue::from_static(PAGE_CACHE_CONTROL)),
        ],
        body,
    )
        .into_response())
}

/// The paste box's form: `text`, and `stripped`, the number of signatures the browser
/// removed (set by `app.js`; `0` without JavaScript).
#[derive(Debug, Deserialize)]
struct DecodeForm {
    text: Option<String>,
    #[serde(default)]
    stripped: Option<String>,
}

async fn decode_page(
    State(state): State<AppState>,
    form: Result<Form<DecodeForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|rejection| form_error(&state, rejection))?;
    let Some(text) = form.text else {
        return Err(AppError::BadRequest(
            "The form has no paste in it: send the error as the field `text`.".to_string(),
        ));
    };
    let stripped_in_browser =
        form.stripped.as_deref().and_then(|s| s.trim().parse::<usize>().ok()).unwrap_or(0);
    let document = state.decode(text.as_bytes().to_vec()).await?;
    let feedback = state.feedback().and_then(|feedback| feedback.form_for(&document));
    let input = PasteInput { text, stripped_in_browser, feedback };
    let html = pages::render_decode_result(state.site(), &document, &input)?;
    Ok(private_page_response(html))
}

fn form_error(state: &AppState, rejection: FormRejection) -> AppError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::PayloadTooLarge { limit: state.limits().body_bytes }
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType(
            "The paste box sends a form (application/x-www-form-urlencoded). To send JSON or plain text, use POST /api/v1/decode.".to_string(),
        ),
        _ => AppError::BadRequest(format!("The form could not be read: {}", rejection.body_text())),
    }
}

/// A bookmarked or reloaded result page: its paste is gone (nothing is kept), so offer the
/// box again.
async fn decode_get() -> Redirect {
    Redirect::to("/#paste")
}

async fn static_file(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let asset = state
        .site()
        .assets()
        .find(&name)
        .ok_or(AppError::NotFound { asked: None, suggestions: Vec::new() })?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(ASSET_CACHE_CONTROL)),
        ],
        asset.bytes,
    )
        .into_response())
}

/// Nothing here, except a page asked for by the file the export writes for it
/// (`/errors/x/index.html`), which is sent to the page's own address.
async fn not_found(uri: Uri) -> Result<Redirect, AppError> {
    // `//elsewhere.example/index.html` would redirect off the site: only a path of this one.
    let folder = uri.path().strip_suffix("index.html").filter(|folder| {
        folder.starts_with('/') && folder.ends_with('/') && !folder.starts_with("//")
    });
    match folder {
        Some(folder) => Ok(Redirect::permanent(&match uri.query() {
            Some(query) => format!("{folder}?{query}"),
            None => folder.to_string(),
        })),
        None => Err(AppError::NotFound { asked: None, suggestions: Vec::new() }),
    }
}
