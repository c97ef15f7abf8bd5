//! The middleware every response passes through: the request log, the security headers, and
//! the bodies of error responses.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ErrorInfo;
use crate::server::AppState;

/// No inline script or style anywhere: the pages load one stylesheet and one script from
/// `/static/`, and the static search page fetches its index from the same origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// One line per request: method, path, status, latency. Never the query string (searches)
/// nor a body (pastes): both can hold what people would not want in a log.
pub async fn log_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = format_args!("{:.2}", started.elapsed().as_secs_f64() * 1000.0),
        "request"
    );
    response
}

pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
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
    response
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
        Body::from(crate::api::error_json(status, &info))
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

pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}
