//! The JSON API, version 1: decode a paste, decode a token, read the knowledge base.
//!
//! `POST /api/v1/decode` answers the decode document of `errdecode-core` (the same
//! serialization `errdecode decode --format json` prints), so that every surface speaks one
//! wire format. The routes are listed once, in [`routes`]: the server is built from that list
//! and a test holds `openapi.json` to it in both directions.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use errdecode_core::Decoder;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorInfo};
use crate::server::AppState;
use crate::urls;

/// The OpenAPI 3 description of this API, served at `/api/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// One route of the API.
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
}

/// Every route of the API, with `/healthz`.
pub fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute { method: "POST", path: "/api/v1/decode", handler: post(decode) },
        ApiRoute { method: "POST", path: "/api/v1/token", handler: post(token) },
        ApiRoute {
            method: "POST",
            path: "/api/v1/feedback",
            handler: crate::feedback::api_route(),
        },
        ApiRoute { method: "GET", path: "/api/v1/errors", handler: get(list_errors) },
        ApiRoute { method: "GET", path: "/api/v1/errors/{id}", handler: get(show_error) },
        ApiRoute { method: "GET", path: "/api/v1/causes/{id}", handler: get(show_cause) },
        ApiRoute { method: "GET", path: "/api/v1/search", handler: get(search) },
        ApiRoute { method: "GET", path: urls::OPENAPI, handler: get(openapi) },
        ApiRoute { method: "GET", path: "/healthz", handler: get(healthz) },
    ]
}

/// The body of an error answer: `{"error": {"status": 413, "title": ..., "message": ...}}`.
pub fn error_json(decoder: &Decoder, status: StatusCode, info: &ErrorInfo) -> Vec<u8> {
    #[derive(Serialize)]
    struct Suggestion<'a> {
        id: &'a str,
        title: &'a str,
    }
    #[derive(Serialize)]
    struct Body<'a> {
        status: u16,
        title: &'a str,
        message: &'a str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        suggestions: Vec<Suggestion<'a>>,
    }
    let body = Body {
        status: status.as_u16(),
        title: &info.title,
        message: &info.message,
        suggestions: info
            .suggestions
            .iter()
            .map(|hit| Suggestion { id: &hit.id, title: &hit.title })
            .collect(),
    };
    let json = serde_json::to_vec(&serde_json::json!({ "error": body }))
        .expect("an error body is plain data");
    match decoder.redact(&String::from_utf8_lossy(&json)) {
        std::borrow::Cow::Owned(stripped) => stripped.into_bytes(),
        std::borrow::Cow::Borrowed(_) => json,
    }
}

/// A JSON answer. Anything computed from a paste goes out with its signatures stripped.
fn json_response(
    decoder: &Decoder,
    value: &impl Serialize,
    cache_control: &'static str,
) -> Result<Response, AppError> {
    let mut json = serde_json::to_string(value)
        .map_err(|e| AppError::Internal(format!("serializing an answer: {e}")))?;
    // Copied only when a signature or a secret had to be cut.
    if let std::borrow::Cow::Owned(stripped) = decoder.redact(&json) {
        json = stripped;
    }
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache_control)),
        ],
        json,
    )
        .into_response())
}

#[derive(Deserialize)]
struct TextBody {
    text: String,
}

/// The paste from a request: `{"text": "..."}` as JSON, or the whole body as `text/plain`.
fn paste_from(
    state: &AppState,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Vec<u8>, AppError> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::PayloadTooLarge { limit: state.limits().body_bytes }
        }
        _ => AppError::BadRequest(format!("The body could not be read: {}", rejection.body_text())),
    })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match content_type.as_str() {
        "application/json" => {
            let parsed: TextBody = serde_json::from_slice(&body).map_err(|error| {
                AppError::BadRequest(format!(
                    "The body is not a JSON object with a string field `text`: {error}."
                ))
            })?;
            Ok(parsed.text.into_bytes())
        }
        "text/plain" => Ok(body.to_vec()),
        "" => Err(AppError::UnsupportedMediaType(
            "Say what the body is: Content-Type: application/json with {\"text\": \"...\"}, or Content-Type: text/plain with the paste itself.".to_string(),
        )),
        other => Err(AppError::UnsupportedMediaType(format!(
            "The content type {other} is not accepted: send application/json with {{\"text\": \"...\"}}, or text/plain with the paste itself."
        ))),
    }
}

async fn decode(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let paste = paste_from(&state, &headers, body)?;
    let document = state.decode(paste).await?;
    json_response(state.site().decoder(), &document, "no-store")
}

async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let text = paste_from(&state, &headers, body)?;
    let (tokens, warnings) = state.decode_tokens(text).await?;
    json_response(
        state.site().decoder(),
        &serde_json::json!({ "tokens": tokens, "warnings": warnings }),
        "no-store",
    )
}

#[derive(Deserialize)]
struct ListParams {
    product: Option<String>,
}

#[derive(Serialize)]
struct ErrorRow<'a> {
    id: &'a str,
    product: &'a str,
    topic: &'a str,
    codes: &'a [String],
    http_status: &'a [u16],
    title: &'a str,
    tier: errdecode_kb::Tier,
    url: String,
}

async fn list_errors(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    let kb = state.site().kb();
    if let Some(product) = &params.product {
        if state.site().product(product).is_none() {
            return Err(unknown_product(&state, product));
        }
    }
    let rows: Vec<ErrorRow<'_>> = kb
        .errors
        .iter()
        .filter(|e| params.product.as_ref().is_none_or(|p| &e.product == p))
        .map(|e| ErrorRow {
            id: &e.id,
            product: &e.product,
            topic: &e.topic,
            codes: &e.codes,
            http_status: &e.http_status,
            title: &e.title,
            tier: e.tier,
            url: urls::error(&e.id),
        })
        .collect();
    json_response(state.site().decoder(), &rows, "public, max-age=300")
}

async fn show_error(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let site = state.site();
    let entry = site
        .error(&id)
        .or_else(|| site.error(&id.to_ascii_lowercase()))
        .or_else(|| site.error_for_code(&id));
    match entry {
        Some(entry) => json_response(state.site().decoder(), entry, "public, max-age=300"),
        None => Err(crate::server::not_found_for(&state, &id)),
    }
}

#[derive(Serialize)]
struct CauseDocument<'a> {
    #[serde(flatten)]
    cause: &'a errdecode_kb::Cause,
    /// The errors that list this cause.
    errors: Vec<&'a str>,
}

async fn show_cause(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let site = state.site();
    let index = site.cause_index(&id).or_else(|| site.cause_index(&id.to_ascii_lowercase()));
    match index {
        Some(index) => {
            let cause = &site.kb().causes[index];
            let errors = site.errors_listing_cause(index).map(|e| e.id.as_str()).collect();
            json_response(
                state.site().decoder(),
                &CauseDocument { cause, errors },
                "public, max-age=300",
            )
        }
        None => Err(AppError::NotFound {
            asked: Some(id.chars().take(crate::server::ASKED_LIMIT).collect()),
            suggestions: Vec::new(),
        }),
    }
}

#[derive(Deserialize)]
struct SearchParams {
    #[serde(default)]
    q: String,
    limit: Option<String>,
    product: Option<String>,
}

/// The most hits one search answers.
pub const SEARCH_MAX_LIMIT: usize = 100;

/// How many hits a search answers when the request does not say.
const SEARCH_DEFAULT_LIMIT: usize = 10;

#[derive(Serialize)]
struct SearchAnswer<'a> {
    query: &'a str,
    /// Every entry that matches, however many are in `hits`.
    total: usize,
    hits: Vec<SearchRow<'a>>,
}

#[derive(Serialize)]
struct SearchRow<'a> {
    #[serde(flatten)]
    hit: &'a errdecode_core::SearchHit,
    url: String,
}

async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    let site = state.site();
    let query: String = params.q.trim().chars().take(errdecode_core::SEARCH_QUERY_CHARS).collect();
    let limit = match params.limit.as_deref().map(str::trim) {
        None | Some("") => SEARCH_DEFAULT_LIMIT,
        Some(text) => text.parse::<usize>().map_err(|_| {
            AppError::BadRequest(format!("`limit` must be a whole number, not `{text}`."))
        })?,
    }
    .min(SEARCH_MAX_LIMIT);
    let mut found = match &params.product {
        None => site.decoder().search_counted(&query, limit),
        Some(product) => {
            if site.product(product).is_none() {
                return Err(unknown_product(&state, product));
            }
            let mut found = site.decoder().search_counted(&query, usize::MAX);
            found.hits.retain(|hit| &hit.product == product);
            found.total = found.hits.len();
            found
        }
    };
    found.hits.truncate(limit);
    let answer = SearchAnswer {
        query: &query,
        total: found.total,
        hits: found.hits.iter().map(|hit| SearchRow { hit, url: urls::error(&hit.id) }).collect(),
    };
    json_response(site.decoder(), &answer, "public, max-age=300")
}

fn unknown_product(state: &AppState, product: &str) -> AppError {
    let known: Vec<&str> = state.site().kb().products.iter().map(|p| p.id.as_str()).collect();
    AppError::BadRequest(format!("Unknown product `{product}`; use one of: {}.", known.join(", ")))
}

async fn openapi() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        OPENAPI,
    )
        .into_response()
}

async fn healthz(State(state): State<AppState>) -> Result<Response, AppError> {
    let kb = state.site().kb();
    json_response(
        state.site().decoder(),
        &serde_json::json!({
            "status": "ok",
            "schema": errdecode_core::SCHEMA,
            "errors": kb.errors.len(),
            "causes": kb.causes.len(),
        }),
        "no-store",
    )
}
