//! The middleware every response passes through: the request log, the security headers,
//! validators for what may be cached (an ETag, 304 on `If-None-Match`), and the bodies of error
//! responses.

use std::sync::Mutex;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ErrorInfo;
use crate::server::AppState;

/// No inline script or style anywhere: the pages load one stylesheet and one script from
/// `/static/`, and the static search page fetches its index from the same origin. The script
/// may compile the browser's decoder (`'wasm-unsafe-eval'` allows WebAssembly, not `eval`).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The most of a path a log line holds.
const LOGGED_PATH_CHARS: usize = 200;
/// Request lines written per second at most; the rest are counted, and the count is written
/// with the next second's first line. A flood of requests cannot fill a disk with its log.
const LOG_LINES_PER_SECOND: u32 = 200;

/// Which second the log is in, how many lines it wrote in it, and how many it left out.
static LOG_RATE: Mutex<(u64, u32, u64)> = Mutex::new((0, 0, 0));

/// Whether a request line may be written now, and how many were left out before it.
fn log_line_allowed() -> (bool, u64) {
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut rate = LOG_RATE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (current, written, skipped) = &mut *rate;
    if *current != second {
        *current = second;
        *written = 0;
    }
    if *written >= LOG_LINES_PER_SECOND {
        *skipped += 1;
        return (false, 0);
    }
    *written += 1;
    (true, std::mem::take(skipped))
}

/// One line per request: method, path, status, latency. Never the query string (searches)
/// nor a body (pastes): both can hold what people would not want in a log. The path is
/// written redacted (a segment that looks like a token or a secret becomes its length) and
/// cut, and at most [`LOG_LINES_PER_SECOND`] lines are written a second.
pub async fn log_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = errdecode_core::redact::redact_path(request.uri().path(), LOGGED_PATH_CHARS);
    let response = next.run(request).await;
    let (allowed, skipped) = log_line_allowed();
    if skipped > 0 {
        tracing::info!(
            skipped,
            "request lines left out (more than {LOG_LINES_PER_SECOND} a second)"
        );
    }
    if allowed {
        tracing::info!(
            method = %method,
            path = %path,
            status = response.status().as_u16(),
            latency_ms = format_args!("{:.2}", started.elapsed().as_secs_f64() * 1000.0),
            "request"
        );
    }
    response
}

/// The longest request target answered (longer ones get 414), and the most header bytes
/// (more get 431). The HTTP library has limits of its own, higher: these come first, so that
/// the answer goes through the layers (security headers, error body) like any other.
pub const MAX_URI_BYTES: usize = 8 * 1024;
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Answers 414 and 431 for request targets and header sets over [`MAX_URI_BYTES`] and
/// [`MAX_HEADER_BYTES`], before any handler reads them.
pub async fn bound_requests(request: Request, next: Next) -> Response {
    let uri_bytes = request.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri_bytes > MAX_URI_BYTES {
        return StatusCode::URI_TOO_LONG.into_response();
    }
    let header_bytes: usize =
        request.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE.into_response();
    }
    next.run(request).await
}

pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    add_security_headers(response.headers_mut());
    response
}

/// The headers every answer carries, the server's own error answers included.
pub fn add_security_headers(headers: &mut axum::http::HeaderMap) {
    headers
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
}

/// Writes the body of every response of 400 or more: a page for the site, JSON under
/// `/api/` and for `/healthz`. Handlers, axum and the tower layers only set the status.
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let wants_json = is_api_path(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, _body) = response.into_parts();
    let info = parts
        .extensions
        .remove::<ErrorInfo>()
        .unwrap_or_else(|| ErrorInfo::for_status(status, state.limits().body_bytes));
    let body = if wants_json {
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Body::from(crate::api::error_json(state.site().decoder(), status, &info))
    } else {
        parts
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        match state.error_page(status, &info) {
            Ok(html) => Body::from(html),
            Err(error) => {
                tracing::error!(%error, "the error page failed to render");
                parts.headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                );
                Body::from(format!("{} {}\n", status.as_u16(), info.title))
            }
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    (parts, body).into_response()
}

/// The most of a response body an ETag is computed over: larger ones (none of the site's
/// pages or assets is) go without.
const ETAG_MAX_BYTES: usize = 8 * 1024 * 1024;

/// Gives every cacheable answer (a 200 to GET or HEAD whose `Cache-Control` is not
/// `no-store`) an ETag, a hash of its body, and answers 304 Not Modified with no body when the
/// request's `If-None-Match` names it. The tag is weak (`W/"..."`): the compression layer
/// outside sends the same body gzipped or not, equal in meaning, not byte for byte.
pub async fn conditional_get(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    let cacheable = (method == axum::http::Method::GET || method == axum::http::Method::HEAD)
        && response.status() == StatusCode::OK
        && !response.headers().contains_key(header::ETAG)
        && response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| !v.contains("no-store"));
    if !cacheable {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ETAG_MAX_BYTES).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR).into_response();
    };
    let tag = etag_for(&bytes);
    let value = HeaderValue::from_str(&tag).expect("an ETag is ASCII");
    parts.headers.insert(header::ETAG, value);
    let matched = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|asked| etag_matches(asked, &tag));
    if matched {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return (parts, Body::empty()).into_response();
    }
    (parts, Body::from(bytes)).into_response()
}

/// A weak ETag for `body`: the first 16 bytes of its SHA-256, in hex.
pub fn etag_for(body: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// Whether an `If-None-Match` value names `tag` (weak comparison: `W/` is ignored on both
/// sides), or is `*`.
fn etag_matches(asked: &str, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let tag = opaque(tag);
    asked.split(',').any(|candidate| candidate.trim() == "*" || opaque(candidate) == tag)
}

pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}
