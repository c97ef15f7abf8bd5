//! "Which cause was it?": the feedback forms on the decode result, the routes that take a
//! verdict (`POST /feedback` for the forms, `POST /api/v1/feedback` for scripts), and the
//! report at `/admin/feedback`.
//!
//! Off unless `serve --feedback-db` names a store. A result page carries, per cause, a small
//! form with the diagnosis in its stored shape ([`Diagnosis`]: ids, confidences, the facts'
//! fingerprint; never the paste) and a token, an HMAC of that diagnosis and the hour it was
//! made under a server secret: a form from another site cannot post a verdict without a
//! page of this server, and no cookie is needed. `Origin` and `Sec-Fetch-Site` are checked
//! too, each client (by address) gets a few posts a minute, bodies are small, and whatever
//! comes back is held to the knowledge base's ids before it is stored.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FormRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Form};
use base64::Engine as _;
use errdecode_core::DecodeDocument;
use errdecode_feedback::{report, Diagnosis, Record, Store, Verdict};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{AppError, ErrorInfo};
use crate::pages;
use crate::server::AppState;

/// The largest feedback body accepted (a diagnosis is well under 4 KiB).
pub const BODY_LIMIT: usize = 16 * 1024;
/// How long a result page's forms may be posted, in hours.
const TOKEN_HOURS: u64 = 24;
/// The form's address.
pub const FORM_PATH: &str = "/feedback";
/// The report's address.
pub const ADMIN_PATH: &str = "/admin/feedback";

/// Feedback as `serve` runs it: the store, the form secret, the rate limit, the admin token.
pub struct Feedback {
    store: Arc<dyn Store>,
    secret: Vec<u8>,
    admin_token: Option<String>,
    limiter: RateLimiter,
    kb_version: String,
}

impl Feedback {
    /// Feedback into `store`. The form secret is `ERRDECODE_FEEDBACK_SECRET` when set (the
    /// same on every replica, so that a page from one can be posted to another), otherwise
    /// random per process; the admin token is `ERRDECODE_ADMIN_TOKEN` (no admin page without
    /// it); 30 posts a minute per client (`ERRDECODE_FEEDBACK_RATE` sets another number).
    pub fn new(store: Box<dyn Store>, kb: &errdecode_kb::KnowledgeBase) -> Feedback {
        let secret = match std::env::var("ERRDECODE_FEEDBACK_SECRET") {
            Ok(secret) if !secret.is_empty() => secret.into_bytes(),
            _ => random_secret(),
        };
        let admin_token =
            std::env::var("ERRDECODE_ADMIN_TOKEN").ok().filter(|token| token.len() >= 16);
        Feedback {
            store: Arc::from(store),
            secret,
            admin_token,
            limiter: RateLimiter::new(
                std::env::var("ERRDECODE_FEEDBACK_RATE")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                    .unwrap_or(30),
            ),
            kb_version: errdecode_feedback::kb_version(kb),
        }
    }

    /// Posts a client may make in a minute.
    pub fn with_rate_per_minute(mut self, posts: u32) -> Feedback {
        self.limiter = RateLimiter::new(posts);
        self
    }

    /// The admin token (at least 16 characters), instead of the environment's.
    pub fn with_admin_token(mut self, token: Option<String>) -> Feedback {
        self.admin_token = token.filter(|token| token.len() >= 16);
        self
    }

    pub fn with_secret(mut self, secret: &[u8]) -> Feedback {
        self.secret = secret.to_vec();
        self
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    fn mac(&self, hour: u64, context: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("any key length");
        mac.update(b"errdecode-feedback/1\0");
        mac.update(hour.to_string().as_bytes());
        mac.update(b"\0");
        mac.update(context.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The forms' hidden fields for a decode: the diagnosis and its token.
    pub fn form_for(&self, doc: &DecodeDocument) -> Option<pages::FeedbackForm> {
        if doc.causes.is_empty() {
            return None;
        }
        let diagnosis = Diagnosis::from_document(doc);
        let json = serde_json::to_vec(&diagnosis).ok()?;
        let context = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let hour = unix_now() / 3600;
        let mac = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.mac(hour, &context));
        Some(pages::FeedbackForm {
            action: FORM_PATH,
            api: "/api/v1/feedback",
            token: format!("{hour}.{mac}"),
            context,
        })
    }

    /// The diagnosis a form carried, when its token is this server's and recent.
    fn verify(&self, context: &str, token: &str) -> Result<Diagnosis, Refused> {
        let refused = || {
            forbidden(
                "The feedback form is not from this server or is more than a day old: decode the paste again to give feedback.".to_string(),
            )
        };
        let (hour, mac) = token.split_once('.').ok_or_else(refused)?;
        let hour: u64 = hour.parse().map_err(|_| refused())?;
        let now = unix_now() / 3600;
        if hour > now || now - hour > TOKEN_HOURS {
            return Err(refused());
        }
        let mac =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(mac).map_err(|_| refused())?;
        let mut check = Hmac::<Sha256>::new_from_slice(&self.secret).expect("any key length");
        check.update(b"errdecode-feedback/1\0");
        check.update(hour.to_string().as_bytes());
        check.update(b"\0");
        check.update(context.as_bytes());
        check.verify_slice(&mac).map_err(|_| refused())?;
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(context)
            .map_err(|_| refused())?;
        serde_json::from_slice(&json).map_err(|_| refused())
    }

    fn admin_allows(&self, offered: &str) -> bool {
        match &self.admin_token {
            // Compared through an HMAC, so that the time taken says nothing about the token.
            Some(token) => self.mac(0, token) == self.mac(0, offered),
            None => false,
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn random_secret() -> Vec<u8> {
    use std::io::Read as _;
    let mut secret = vec![0u8; 32];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut secret)).is_err() {
        // No /dev/urandom: the clock and the process, hashed; forms still expire in a day.
        let seed = format!("{:?}{}{:p}", SystemTime::now(), std::process::id(), &secret);
        secret = <Sha256 as sha2::Digest>::digest(seed.as_bytes()).to_vec();
    }
    secret
}

/// Posts per client per minute, in memory (per replica).
struct RateLimiter {
    per_minute: u32,
    clients: Mutex<HashMap<IpAddr, (u64, u32)>>,
}

impl RateLimiter {
    fn new(per_minute: u32) -> RateLimiter {
        RateLimiter { per_minute, clients: Mutex::new(HashMap::new()) }
    }

    fn allow(&self, client: IpAddr) -> bool {
        let minute = unix_now() / 60;
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if clients.len() > 100_000 {
            clients.retain(|_, (window, _)| *window == minute);
        }
        let (window, count) = clients.entry(client).or_insert((minute, 0));
        if *window != minute {
            *window = minute;
            *count = 0;
        }
        *count += 1;
        *count <= self.per_minute
    }
}

/// A refusal: an [`AppError`], or a status with its own words (the error middleware writes
/// the body, a page or JSON, like every other error's).
pub(crate) struct Refused(Box<Response>);

impl From<AppError> for Refused {
    fn from(error: AppError) -> Refused {
        Refused(Box::new(error.into_response()))
    }
}

impl From<minijinja::Error> for Refused {
    fn from(error: minijinja::Error) -> Refused {
        Refused(Box::new(AppError::from(error).into_response()))
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        *self.0
    }
}

fn refusal(status: StatusCode, title: &str, message: String) -> Refused {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorInfo {
        title: title.to_string(),
        message,
        asked: None,
        suggestions: Vec::new(),
    });
    Refused(Box::new(response))
}

fn forbidden(message: String) -> Refused {
    refusal(StatusCode::FORBIDDEN, "Refused", message)
}

fn too_many(message: String) -> Refused {
    refusal(StatusCode::TOO_MANY_REQUESTS, "Too many requests", message)
}

fn unavailable(message: String) -> Refused {
    refusal(StatusCode::SERVICE_UNAVAILABLE, "Not stored", message)
}

fn not_found(message: String) -> Refused {
    refusal(StatusCode::NOT_FOUND, "Not found", message)
}

/// The feedback of the state, or 404 when the server runs without it.
fn feedback_of(state: &AppState) -> Result<Arc<Feedback>, Refused> {
    state.feedback().cloned().ok_or_else(|| {
        not_found("Feedback is not turned on on this server (serve --feedback-db).".to_string())
    })
}

/// A cross-site post: a browser says so in `Sec-Fetch-Site`, or an `Origin` other than the host.
fn check_same_origin(headers: &HeaderMap) -> Result<(), Refused> {
    let refused = || forbidden("Feedback is taken from this site's own pages only.".to_string());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return Err(refused());
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        if host.is_empty() || !origin_host.eq_ignore_ascii_case(host) {
            return Err(refused());
        }
    }
    Ok(())
}

fn check_rate(
    feedback: &Feedback,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> Result<(), Refused> {
    let client = peer.map_or(IpAddr::from([0, 0, 0, 0]), |Extension(ConnectInfo(addr))| addr.ip());
    if feedback.limiter.allow(client) {
        Ok(())
    } else {
        Err(too_many("Too many verdicts from this address: try again in a minute.".to_string()))
    }
}

/// Checks and stores one verdict (on the blocking pool: both stores block).
async fn record(
    state: &AppState,
    feedback: &Arc<Feedback>,
    diagnosis: Diagnosis,
    verdict: &str,
    cause: Option<&str>,
) -> Result<Verdict, Refused> {
    let diagnosis = diagnosis
        .sanitized(state.site().kb())
        .map_err(|e| AppError::BadRequest(format!("The diagnosis cannot be stored: {e}.")))?;
    let verdict =
        Verdict::parse(verdict, cause).map_err(|e| AppError::BadRequest(format!("{e}.")))?;
    let record = Record::new(&feedback.kb_version, diagnosis, verdict.clone())
        .map_err(|e| AppError::BadRequest(format!("{e}.")))?;
    let store = Arc::clone(&feedback.store);
    tokio::task::spawn_blocking(move || store.insert(&record))
        .await
        .map_err(|e| AppError::Internal(format!("the feedback task failed: {e}")))?
        .map_err(|e| {
            tracing::error!(error = %e, "storing feedback failed");
            unavailable("The verdict could not be stored just now; try again later.".to_string())
        })?;
    Ok(verdict)
}

/// The fields of a result page's feedback form.
#[derive(Debug, Deserialize)]
pub struct FeedbackFormPost {
    context: String,
    token: String,
    verdict: String,
    #[serde(default)]
    cause: Option<String>,
}

/// `POST /feedback`: a form on the result page, without JavaScript.
async fn form_post(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    form: Result<Form<FeedbackFormPost>, FormRejection>,
) -> Result<Response, Refused> {
    let feedback = feedback_of(&state)?;
    check_same_origin(&headers)?;
    check_rate(&feedback, peer)?;
    let Form(form) = form.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge { limit: BODY_LIMIT },
        _ => AppError::BadRequest(format!(
            "The feedback form could not be read: {}",
            rejection.body_text()
        )),
    })?;
    let diagnosis = feedback.verify(&form.context, &form.token)?;
    let verdict =
        record(&state, &feedback, diagnosis, &form.verdict, form.cause.as_deref()).await?;
    let said = match &verdict {
        Verdict::Confirmed(cause) => {
            format!("You said the cause was {}.", cause_title(&state, cause))
        }
        Verdict::Rejected(cause) => format!("You said it was not {}.", cause_title(&state, cause)),
        Verdict::None => "You said none of the causes was it.".to_string(),
    };
    let html = pages::render_message(
        state.site(),
        200,
        "Thank you",
        &format!("{said} Only the diagnosis is kept (the error, the causes ranked and the kind of request), never your paste."),
    )?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        html,
    )
        .into_response())
}

fn cause_title(state: &AppState, id: &str) -> String {
    state.site().cause(id).map_or_else(|| id.to_string(), |c| format!("“{}”", c.title))
}

/// The body of `POST /api/v1/feedback`: the page's `context` and `token`, or a `diagnosis`
/// in the clear (built from a decode document by a script).
#[derive(Debug, Deserialize)]
struct ApiPost {
    #[serde(default)]
    context: Option<String>,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    diagnosis: Option<Diagnosis>,
    verdict: String,
    #[serde(default)]
    cause: Option<String>,
}

#[derive(Serialize)]
struct ApiAnswer {
    recorded: bool,
    verdict: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<String>,
}

/// `POST /api/v1/feedback`.
pub(crate) async fn api_post(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Refused> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge { limit: BODY_LIMIT },
        _ => AppError::BadRequest(format!("The body could not be read: {}", rejection.body_text())),
    })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if content_type != "application/json" {
        return Err(AppError::UnsupportedMediaType(
            "Send the verdict as application/json.".to_string(),
        )
        .into());
    }
    let post: ApiPost = serde_json::from_slice(&body).map_err(|e| {
        AppError::BadRequest(format!(
            "The body is not a verdict: {e}. Send {{\"context\", \"token\", \"verdict\", \"cause\"}} or {{\"diagnosis\", \"verdict\", \"cause\"}}."
        ))
    })?;
    let feedback = feedback_of(&state)?;
    check_same_origin(&headers)?;
    check_rate(&feedback, peer)?;
    let diagnosis = match (&post.context, &post.token, post.diagnosis) {
        (Some(context), Some(token), _) => feedback.verify(context, token)?,
        (None, None, Some(diagnosis)) => diagnosis,
        _ => {
            return Err(AppError::BadRequest(
                "Send either `context` and `token` from a result page, or a `diagnosis`."
                    .to_string(),
            )
            .into())
        }
    };
    let verdict =
        record(&state, &feedback, diagnosis, &post.verdict, post.cause.as_deref()).await?;
    let answer = ApiAnswer {
        recorded: true,
        verdict: verdict.kind().to_string(),
        cause: verdict.cause().map(str::to_string),
    };
    Ok(([(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], axum::Json(answer))
        .into_response())
}

/// The report page, or the form asking for the admin token.
async fn admin(state: &AppState, offered: Option<&str>, bearer: bool) -> Result<Response, Refused> {
    let feedback = feedback_of(&state.clone())?;
    if feedback.admin_token.is_none() {
        return Err(not_found(
            "The feedback report needs ERRDECODE_ADMIN_TOKEN (16 characters or more) set where the server runs.".to_string(),
        ));
    }
    let site = state.site();
    let no_store = |status: StatusCode, html: String| {
        (
            status,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            html,
        )
            .into_response()
    };
    let allowed = offered.is_some_and(|token| feedback.admin_allows(token));
    if !allowed {
        if bearer {
            return Err(refusal(
                StatusCode::UNAUTHORIZED,
                "Not allowed",
                "That token is not the admin token.".to_string(),
            ));
        }
        // The login form is a page of its own (error statuses get the site's error page).
        let html = pages::render_feedback_report(site, None, offered.is_some(), ADMIN_PATH)?;
        return Ok(no_store(StatusCode::OK, html));
    }
    let store = Arc::clone(&feedback.store);
    let tallies = tokio::task::spawn_blocking(move || store.tally())
        .await
        .map_err(|e| AppError::Internal(format!("the report task failed: {e}")))?
        .map_err(|e| {
            tracing::error!(error = %e, "reading feedback failed");
            unavailable("The feedback could not be read just now.".to_string())
        })?;
    let report = report::build(site.kb(), &feedback.kb_version, &tallies);
    let html = pages::render_feedback_report(site, Some(&report), false, ADMIN_PATH)?;
    Ok(no_store(StatusCode::OK, html))
}

async fn admin_get(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Refused> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    admin(&state, bearer, bearer.is_some()).await
}

#[derive(Deserialize)]
struct AdminLogin {
    #[serde(default)]
    token: String,
}

async fn admin_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<AdminLogin>, FormRejection>,
) -> Result<Response, Refused> {
    check_same_origin(&headers)?;
    let token = form.map(|Form(f)| f.token).unwrap_or_default();
    admin(&state, Some(token.as_str()), false).await
}

/// The site's feedback routes (the API route is in [`crate::api::routes`]).
pub(crate) fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        (FORM_PATH, post(form_post).layer(DefaultBodyLimit::max(BODY_LIMIT))),
        (ADMIN_PATH, get(admin_get).post(admin_post).layer(DefaultBodyLimit::max(BODY_LIMIT))),
    ]
}

/// `POST /api/v1/feedback` with its body limit.
pub(crate) fn api_route() -> MethodRouter<AppState> {
    post(api_post).layer(DefaultBodyLimit::max(BODY_LIMIT))
}
