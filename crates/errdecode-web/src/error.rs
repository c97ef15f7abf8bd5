//! What can go wrong with a request, and how each case answers.
//!
//! A handler returns an [`AppError`]; its response carries the status and an [`ErrorInfo`]
//! and no body yet. One middleware (`middleware::render_errors`) then writes the body for
//! every response of 400 or more, as a page for the site and as JSON under `/api/`, so that
//! errors made by handlers, by axum (405) and by the tower layers (413, 408) all look alike.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use errdecode_core::SearchHit;

/// An error a request ends in. User errors say what to do; internal ones say nothing of
/// their cause to the client (it is logged, without request data).
#[derive(Debug)]
pub enum AppError {
    /// The request is malformed (a form without `text`, JSON that does not parse, ...).
    BadRequest(String),
    /// Nothing at this address; `asked` is the id asked for, `suggestions` what comes close.
    NotFound { asked: Option<String>, suggestions: Vec<SearchHit> },
    /// The body is over the limit.
    PayloadTooLarge { limit: usize },
    /// The body's content type is not one the route takes.
    UnsupportedMediaType(String),
    /// Something failed on our side; the string goes to the log, not to the client.
    Internal(String),
}

/// What the error middleware needs to write the body of an error response.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub title: String,
    pub message: String,
    pub asked: Option<String>,
    pub suggestions: Vec<SearchHit>,
}

impl ErrorInfo {
    /// The default wording for a status no handler described (axum's 405, a layer's 408).
    pub fn for_status(status: StatusCode, body_limit: usize) -> ErrorInfo {
        let (title, message) = match status.as_u16() {
            400 => ("Bad request", "The request could not be read.".to_string()),
            404 => ("Not found", "There is nothing at this address.".to_string()),
            405 => (
                "Method not allowed",
                "This address does not take that kind of request.".to_string(),
            ),
            408 => (
                "Request timed out",
                "The request took too long to arrive or to answer. Try again.".to_string(),
            ),
            413 => ("Paste too large", too_large_message(body_limit)),
            414 => ("Address too long", "The address of this request is too long.".to_string()),
            431 => (
                "Headers too large",
                "The request's headers are too large.".to_string(),
            ),
            415 => ("Unsupported content type", "The body's content type is not accepted here.".to_string()),
            429 | 503 => (
                "Busy",
                "The server is handling too many requests. Try again in a moment.".to_string(),
            ),
            _ if status.is_server_error() => (
                "Something went wrong",
                "The server could not answer this request. Try again; if it keeps failing, the problem is on our side."
                    .to_string(),
            ),
            _ => ("Request failed", "The request could not be completed.".to_string()),
        };
        ErrorInfo { title: title.to_string(), message, asked: None, suggestions: Vec::new() }
    }
}

pub(crate) fn too_large_message(limit: usize) -> String {
    format!(
        "The paste is larger than {} KiB. Paste the error itself: the response, the request line and the token are enough; logs around them rarely help.",
        limit / 1024
    )
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn info(self) -> ErrorInfo {
        let status = self.status();
        match self {
            AppError::BadRequest(message) => {
                ErrorInfo { message, ..ErrorInfo::for_status(status, 0) }
            }
            AppError::NotFound { asked, suggestions } => {
                let message = match &asked {
                    Some(id) => format!("No known error or cause has the id `{id}`."),
                    None => "There is nothing at this address.".to_string(),
                };
                ErrorInfo { message, asked, suggestions, ..ErrorInfo::for_status(status, 0) }
            }
            AppError::PayloadTooLarge { limit } => ErrorInfo::for_status(status, limit),
            AppError::UnsupportedMediaType(message) => {
                ErrorInfo { message, ..ErrorInfo::for_status(status, 0) }
            }
            AppError::Internal(detail) => {
                // The detail names what failed (a template, a task); it never holds request data.
                tracing::error!(%detail, "internal error");
                ErrorInfo::for_status(status, 0)
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = status.into_response();
        response.extensions_mut().insert(self.info());
        response
    }
}

impl From<minijinja::Error> for AppError {
    fn from(error: minijinja::Error) -> AppError {
        AppError::Internal(format!("rendering failed: {error}"))
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::BadRequest(message) | AppError::UnsupportedMediaType(message) => {
                f.write_str(message)
            }
            AppError::NotFound { asked: Some(id), .. } => write!(f, "not found: {id}"),
            AppError::NotFound { asked: None, .. } => f.write_str("not found"),
            AppError::PayloadTooLarge { limit } => write!(f, "body over {limit} bytes"),
            AppError::Internal(detail) => write!(f, "internal error: {detail}"),
        }
    }
}

impl std::error::Error for AppError {}
