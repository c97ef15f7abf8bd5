//! Token analysis: what a decoded access token (or a pasted set of claims) says about the
//! call it was used for.
//!
//! Nothing here verifies a signature. Microsoft Graph access tokens carry a `nonce` in their
//! header and are signed so that only Graph can check them; a third-party validator that
//! calls such a token's signature invalid is not telling the user anything. We say so
//! instead of repeating the verdict.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::cloud::{classify_audience, classify_host, Cloud, Service};
use crate::extract::format_unix;

pub const MSA_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenSource {
    /// A compact JWT found in the paste.
    Jwt,
    /// Claims pasted as JSON or `name: value` lines.
    PastedClaims,
    /// An opaque token (not a JWT), as personal Microsoft accounts get.
    Opaque,
}

/// The signature part of a JWT. Its text is never kept, only whether it is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum SignatureState {
    Present { length: usize },
    Missing,
    NotApplicable,
}

/// A token as found, before analysis.
pub struct RawToken {
    pub source: TokenSource,
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub signature: SignatureState,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    AccessToken,
    IdToken,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenFlow {
    /// Acquired by the app for itself (client credentials): permissions in `roles`.
    AppOnly,
    /// Acquired for a signed-in user: permissions in `scp`.
    Delegated,
    Unknown,
}

/// One claim with what it means.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimLine {
    pub claim: String,
    pub value: Value,
    /// What the claim is, in one line.
    pub meaning: Option<&'static str>,
    /// What this value says here (a time in ISO-8601, a resource name, ...).
    pub reading: Option<String>,
}

/// Everything a token says, read for a person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenReport {
    pub source: TokenSource,
    pub kind: TokenKind,
    pub flow: TokenFlow,
    /// `1.0` or `2.0`.
    pub version: Option<String>,
    pub audience: Option<String>,
    /// The service the audience names (Microsoft Graph, Exchange Online, ...).
    pub audience_service: Option<Service>,
    pub cloud: Option<Cloud>,
    pub issuer: Option<String>,
    pub tenant_id: Option<String>,
    pub personal_account: bool,
    pub app_id: Option<String>,
    pub app_name: Option<String>,
    pub user: Option<String>,
    pub scopes: Vec<String>,
    pub roles: Vec<String>,
    pub issued_at: Option<String>,
    pub not_before: Option<String>,
    pub expires_at: Option<String>,
    #[serde(skip)]
    pub expires_unix: Option<i64>,
    #[serde(skip)]
    pub not_before_unix: Option<i64>,
    /// Measured against the time of the error in the paste; `None` when the paste gives none.
    pub expired_at_error: Option<bool>,
    pub lifetime_minutes: Option<i64>,
    pub signature: SignatureState,
    pub header: Vec<ClaimLine>,
    pub claims: Vec<ClaimLine>,
    /// Plain-language observations: version, signature, audience, ...
    pub notes: Vec<String>,
    pub problems: Vec<String>,
}

impl TokenReport {
    /// The token comes from the Microsoft identity platform.
    pub fn is_microsoft(&self) -> bool {
        self.source == TokenSource::Opaque
            || self.issuer.as_deref().and_then(host_of).and_then(classify_host).is_some()
            || self.audience_service.is_some()
            || self
                .claims
                .iter()
                .any(|c| matches!(c.claim.as_str(), "tid" | "appid" | "idtyp" | "scp"))
    }

    pub fn has_permissions(&self) -> bool {
        !self.scopes.is_empty() || !self.roles.is_empty()
    }

    pub fn audience_is_client(&self) -> bool {
        match (&self.audience, &self.app_id) {
            (Some(aud), Some(app)) => aud.eq_ignore_ascii_case(app),
            _ => false,
        }
    }
}

fn host_of(url: &str) -> Option<&str> {
    url.split("://").nth(1)?.split('/').next()
}

fn string_claim(claims: &Map<String, Value>, name: &str) -> Option<String> {
    match claims.get(name)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn time_claim(claims: &Map<String, Value>, name: &str) -> Option<i64> {
    match claims.get(name)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn list_claim(claims: &Map<String, Value>, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(Value::String(s)) => s.split_whitespace().map(String::from).collect(),
        Some(Value::Array(items)) => {
            items.iter().filter_map(|v| v.as_str().map(String::from)).collect()
        }
        _ => Vec::new(),
    }
}

/// Reads a token for a person. `error_time` is the time of the error as the paste gives it.
pub fn analyze(raw: RawToken, error_time: Option<i64>) -> TokenReport {
    let claims = &raw.claims;
    let mut notes = Vec::new();
    let scopes = list_claim(claims, "scp");
    let roles = list_claim(claims, "roles");
    let audience = string_claim(claims, "aud");
    let issuer = string_claim(claims, "iss");
    let app_id = string_claim(claims, "appid").or_else(|| string_claim(claims, "azp"));
    let user = ["upn", "preferred_username", "unique_name", "email"]
        .iter()
        .find_map(|c| string_claim(claims, c));
    let version = string_claim(claims, "ver");
    let idtyp = string_claim(claims, "idtyp");
    let tenant_id = string_claim(claims, "tid").or_else(|| {
        issuer.as_deref().and_then(|iss| {
            iss.split('/').find(|part| crate::extract::is_guid(part)).map(String::from)
        })
    });

    let audience_class = audience.as_deref().and_then(classify_audience);
    let issuer_cloud =
        issuer.as_deref().and_then(host_of).and_then(classify_host).map(|(_, cloud)| cloud);
    let cloud = audience_class.map(|(_, cloud)| cloud).or(issuer_cloud);

    let personal_account = raw.source == TokenSource::Opaque
        || tenant_id.as_deref() == Some(MSA_TENANT_ID)
        || issuer.as_deref().is_some_and(|iss| iss.contains(MSA_TENANT_ID));

    let has_id_token_marks = ["nonce", "at_hash", "c_hash"].iter().any(|c| claims.contains_key(*c));
    let kind = if raw.source == TokenSource::Opaque || !scopes.is_empty() || !roles.is_empty() {
        TokenKind::AccessToken
    } else if app_id.is_none()
        && (has_id_token_marks || audience.as_deref().is_some_and(crate::extract::is_guid))
        && !claims.is_empty()
    {
        TokenKind::IdToken
    } else {
        TokenKind::Unknown
    };

    let flow = match idtyp.as_deref() {
        Some("app") => TokenFlow::AppOnly,
        Some("user") => TokenFlow::Delegated,
        _ if !scopes.is_empty() => TokenFlow::Delegated,
        _ if !roles.is_empty() && user.is_none() => TokenFlow::AppOnly,
        _ if kind == TokenKind::IdToken => TokenFlow::Delegated,
        _ if raw.source == TokenSource::Opaque => TokenFlow::Delegated,
        _ if user.is_some() => TokenFlow::Delegated,
        _ if app_id.is_some() && claims.contains_key("oid") && !claims.contains_key("name") => {
            TokenFlow::AppOnly
        }
        _ => TokenFlow::Unknown,
    };

    let issued = time_claim(claims, "iat");
    let not_before = time_claim(claims, "nbf");
    let expires = time_claim(claims, "exp");
    let expired_at_error = match (error_time, expires) {
        (Some(at), Some(exp)) => Some(at >= exp),
        _ => None,
    };
    let lifetime_minutes = match (not_before.or(issued), expires) {
        (Some(start), Some(end)) if end > start => Some((end - start) / 60),
        _ => None,
    };

    match raw.source {
        TokenSource::Opaque => notes.push(
            "This is an opaque token, not a JWT: personal Microsoft accounts (outlook.com, hotmail.com) get tokens like this. They cannot be decoded, and that is normal; only Microsoft's services can read them.".to_string(),
        ),
        TokenSource::PastedClaims => notes.push(
            "These claims were pasted as text, not as a token: they show what a token said, not necessarily the token the failing call sent.".to_string(),
        ),
        TokenSource::Jwt => {}
    }

    if let (Some((service, _)), Some(aud)) = (audience_class, audience.as_deref()) {
        notes.push(format!("The audience {aud} is {}.", service.name()));
    } else if let Some(aud) = audience.as_deref() {
        if app_id.as_deref().is_some_and(|app| app.eq_ignore_ascii_case(aud)) {
            notes.push(format!("The audience {aud} is the client's own app id: this token is meant for that app (an ID token, or a token for its own API), not for Microsoft Graph."));
        } else {
            notes.push(format!(
                "The audience {aud} is not a Microsoft API: the token is for a custom API."
            ));
        }
    }
    match (version.as_deref(), audience_class) {
        (Some("1.0"), Some((Service::MicrosoftGraph, _))) => notes.push(
            "It is a v1.0 token even if it came from the v2.0 endpoint: the API being called, not the endpoint, decides the token version, and Microsoft Graph takes v1.0 tokens.".to_string(),
        ),
        (Some(v), _) => notes.push(format!("Token format version {v}.")),
        _ => {}
    }
    match flow {
        TokenFlow::AppOnly => notes.push(if roles.is_empty() {
            "App-only token (client credentials) with no roles: the app was granted no application permission on this API, or the grant was never consented.".to_string()
        } else {
            format!("App-only token (client credentials): it acts as the app itself, with the application permissions in roles ({}).", roles.join(", "))
        }),
        TokenFlow::Delegated if kind == TokenKind::AccessToken => notes.push(match &user {
            Some(user) => format!("Delegated token: it acts for the signed-in user {user}, limited to the scopes in scp."),
            None => "Delegated token: it acts for a signed-in user, limited to the scopes in scp.".to_string(),
        }),
        _ => {}
    }
    if kind == TokenKind::IdToken {
        notes.push("This looks like an ID token (it proves who signed in to the app). APIs such as Microsoft Graph accept only access tokens.".to_string());
    }
    if personal_account && raw.source != TokenSource::Opaque {
        notes.push("The tenant 9188040d-6c67-4c5b-b112-36a304b66dad is the one Microsoft uses for personal accounts.".to_string());
    }
    if raw.header.contains_key("nonce") {
        notes.push(
            "The header carries a nonce, as Microsoft Graph tokens do: only Graph can verify such a signature, so a tool that reports it invalid is not telling you anything. The token can still be good.".to_string(),
        );
    }
    if raw.signature == SignatureState::Missing && raw.source == TokenSource::Jwt {
        notes.push("The token has no signature part: fine for reading, but no API would accept it in this form.".to_string());
    }
    if let Some(acr) = string_claim(claims, "appidacr").or_else(|| string_claim(claims, "azpacr")) {
        let how = match acr.as_str() {
            "0" => "as a public client (no secret or certificate)",
            "1" => "with a client secret",
            "2" => "with a certificate",
            _ => "in a way the token does not say",
        };
        notes.push(format!("The client authenticated {how}."));
    }

    let reading_for = |claim: &str, value: &Value| -> Option<String> {
        match claim {
            "exp" | "nbf" | "iat" | "auth_time" | "pwd_exp" => {
                let unix =
                    value.as_i64().or_else(|| value.as_str().and_then(|s| s.parse().ok()))?;
                let iso = format_unix(unix);
                Some(match error_time {
                    Some(at) => {
                        format!("{iso} ({} the error at {})", relative(unix - at), format_unix(at))
                    }
                    None => iso,
                })
            }
            "aud" => value
                .as_str()
                .and_then(classify_audience)
                .map(|(service, cloud)| format!("{} ({})", service.name(), cloud.name())),
            "tid" if value.as_str() == Some(MSA_TENANT_ID) => {
                Some("personal Microsoft accounts".to_string())
            }
            "idtyp" => value.as_str().map(|v| {
                if v == "app" {
                    "app-only token".to_string()
                } else {
                    format!("{v} token")
                }
            }),
            "appidacr" | "azpacr" => value.as_str().map(|v| match v {
                "0" => "public client".to_string(),
                "1" => "client secret".to_string(),
                "2" => "certificate".to_string(),
                other => other.to_string(),
            }),
            _ => None,
        }
    };
    let lines = |map: &Map<String, Value>| -> Vec<ClaimLine> {
        map.iter()
            .map(|(claim, value)| ClaimLine {
                claim: claim.clone(),
                value: value.clone(),
                meaning: claim_meaning(claim),
                reading: reading_for(claim, value),
            })
            .collect()
    };

    TokenReport {
        source: raw.source,
        kind,
        flow,
        version,
        audience,
        audience_service: audience_class.map(|(service, _)| service),
        cloud,
        issuer,
        tenant_id,
        personal_account,
        app_id,
        app_name: string_claim(claims, "app_displayname"),
        user,
        scopes,
        roles,
        issued_at: issued.map(format_unix),
        not_before: not_before.map(format_unix),
        expires_at: expires.map(format_unix),
        expires_unix: expires,
        not_before_unix: not_before,
        expired_at_error,
        lifetime_minutes,
        signature: raw.signature,
        header: lines(&raw.header),
        claims: lines(claims),
        notes,
        problems: raw.problems,
    }
}

/// "3 h 12 min after", "45 s before".
pub fn relative(seconds: i64) -> String {
    let direction = if seconds >= 0 { "after" } else { "before" };
    let s = seconds.unsigned_abs();
    let amount = if s >= 86_400 {
        format!("{} d {} h", s / 86_400, (s % 86_400) / 3600)
    } else if s >= 3600 {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    };
    format!("{amount} {direction}")
}

/// One line on what a claim is, in our words.
pub fn claim_meaning(claim: &str) -> Option<&'static str> {
    Some(match claim {
        "typ" => "Token type; JWT for these tokens.",
        "alg" => "The algorithm the token was signed with.",
        "kid" => "Which of the issuer's published keys signed the token.",
        "x5t" => "Thumbprint of the signing certificate (older twin of kid).",
        "nonce" => "Header nonce: marks a token only its own API (such as Microsoft Graph) can verify.",
        "aud" => "Audience: the API this token is for. Any other API must refuse it.",
        "iss" => "Issuer: the token service and the tenant that issued the token.",
        "idp" => "The identity provider that authenticated the user, when it is not the issuing tenant (guests, personal accounts).",
        "iat" => "Issued at: when the token was created.",
        "nbf" => "Not before: the token is not valid before this time.",
        "exp" => "Expires: the token is not valid after this time.",
        "aio" => "Opaque data Entra ID uses internally; ignore it.",
        "acr" => "Authentication context class of the sign-in (v1.0 tokens).",
        "acrs" => "Authentication contexts the sign-in satisfied (Conditional Access).",
        "amr" => "How the user proved who they are (pwd, mfa, rsa, ...).",
        "appid" => "The client app that asked for the token (v1.0).",
        "azp" => "The client app that asked for the token (v2.0).",
        "appidacr" => "How the client app authenticated: 0 public, 1 secret, 2 certificate (v1.0).",
        "azpacr" => "How the client app authenticated: 0 public, 1 secret, 2 certificate (v2.0).",
        "app_displayname" => "Display name of the client app (optional claim).",
        "idtyp" => "Token type marker: app for app-only tokens, user for delegated ones (optional claim).",
        "name" => "The user's display name; for display only.",
        "given_name" => "The user's first name.",
        "family_name" => "The user's last name.",
        "oid" => "Object id of the user or service principal in this tenant: the stable id of the caller.",
        "sub" => "Subject: a per-app stable id of the user or app.",
        "tid" => "The tenant the token was issued in (the caller's directory for this call).",
        "upn" => "The user's sign-in name; can change, so never use it as a key.",
        "unique_name" => "A readable user name (v1.0); for display only.",
        "preferred_username" => "The user's preferred sign-in name (v2.0); for display only.",
        "email" => "The user's email address, when known.",
        "scp" => "Scopes: the delegated permissions granted to the app for this user.",
        "roles" => "Roles: application permissions granted to the app (app-only), or app roles of the user.",
        "wids" => "Entra directory roles of the user, as role template ids.",
        "groups" => "Group ids the user is a member of (optional claim).",
        "hasgroups" => "The user is in too many groups to list; ask Graph for them.",
        "uti" => "Token id, used by Entra ID internally.",
        "rh" => "Opaque data Entra ID uses to revalidate the token; ignore it.",
        "ver" => "Token format version: 1.0 or 2.0. The API being called decides it.",
        "xms_cc" => "Client capabilities: cp1 means the app can handle claims challenges (CAE).",
        "xms_tcdt" => "When the tenant was created.",
        "xms_tdbr" => "The data boundary region of the tenant.",
        "xms_idrel" => "Internal relation data of the identity; ignore it.",
        "xms_ftd" => "Internal routing data; ignore it.",
        "ipaddr" => "The IP address the user signed in from.",
        "auth_time" => "When the user last authenticated.",
        "ctry" => "The user's country or region.",
        "tenant_region_scope" => "The region of the tenant.",
        "deviceid" => "The id of the user's device in Entra ID.",
        "onprem_sid" => "The user's security identifier in on-premises Active Directory.",
        "signin_state" => "Sign-in state facts such as kmsi (keep me signed in) or dvc_cmp (compliant device).",
        "at_hash" => "Hash of the access token issued with this ID token.",
        "c_hash" => "Hash of the authorization code issued with this ID token.",
        _ => return None,
    })
}

/// What the caller checks a token against, for [`validate`].
#[derive(Debug, Clone, Default)]
pub struct ValidationOptions {
    /// The time to check expiry and not-before against (Unix seconds): now, or `--at`.
    pub at: Option<i64>,
    /// The audience the token must have (`--aud`).
    pub audience: Option<String>,
    /// The issuer the token must have (`--iss`).
    pub issuer: Option<String>,
}

/// One reason a token would be refused, with a stable code for scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenProblem {
    /// `expired`, `not-yet-valid`, `expires-before-issued`, `not-before-after-expiry`,
    /// `no-expiry`, `audience-mismatch`, `issuer-mismatch`, `issuer-shape`, `tenant-mismatch`,
    /// `damaged`, `no-claims`.
    pub code: &'static str,
    pub message: String,
}

/// The verdict on one token: usable as far as its contents can tell, or not, and why.
///
/// The signature is never checked: that needs the issuer's keys, and Microsoft Graph tokens
/// (a `nonce` in the header) can only be checked by Graph itself. `valid` is about what the
/// token says (times, audience, issuer, shape), never about its signature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    pub valid: bool,
    /// The contents could be read (a JWT or pasted claims); `false` for an opaque token.
    pub readable: bool,
    pub problems: Vec<TokenProblem>,
    /// What was checked and what could not be, in plain words.
    pub notes: Vec<String>,
}

/// Checks what a token says against a time and, when given, an audience and an issuer. A
/// pure function: the caller supplies the clock.
pub fn validate(report: &TokenReport, options: &ValidationOptions) -> Validation {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut problem = |code: &'static str, message: String| {
        problems.push(TokenProblem { code, message });
    };
    if report.source == TokenSource::Opaque {
        notes.push("An opaque token (personal Microsoft account): its contents cannot be read, so nothing but its shape was checked. Only Microsoft's services can tell whether it is still good.".to_string());
        return Validation { valid: true, readable: false, problems: Vec::new(), notes };
    }
    for damage in &report.problems {
        problem("damaged", format!("The token is damaged: {damage}."));
    }
    if report.claims.is_empty() {
        problem("no-claims", "No claims could be read from the token.".to_string());
    }
    let claims: Map<String, Value> =
        report.claims.iter().map(|c| (c.claim.clone(), c.value.clone())).collect();
    let issued = time_claim(&claims, "iat");
    let not_before = time_claim(&claims, "nbf");
    let expires = time_claim(&claims, "exp");
    let at_label = |at: i64| format_unix(at);

    match (expires, options.at) {
        (Some(exp), Some(at)) if at >= exp => problem(
            "expired",
            format!(
                "The token has expired: it expired at {}, {} {}.",
                format_unix(exp),
                relative(exp - at),
                at_label(at)
            ),
        ),
        (None, _) if report.source == TokenSource::Jwt && !claims.is_empty() => problem(
            "no-expiry",
            "The token has no exp claim: Microsoft's tokens always have one, so this is not a token an API would accept."
                .to_string(),
        ),
        _ => {}
    }
    if let (Some(nbf), Some(at)) = (not_before, options.at) {
        if at < nbf {
            problem(
                "not-yet-valid",
                format!(
                    "The token is not valid yet: its nbf is {}, {} {} (check the clock of the machine that made or checks it).",
                    format_unix(nbf),
                    relative(nbf - at),
                    at_label(at)
                ),
            );
        }
    }
    if let (Some(iat), Some(exp)) = (issued, expires) {
        if exp <= iat {
            problem(
                "expires-before-issued",
                format!(
                    "The token expires ({}) before it was issued ({}): it was never valid; the times were edited or the issuer's clock is wrong.",
                    format_unix(exp),
                    format_unix(iat)
                ),
            );
        }
    }
    if let (Some(nbf), Some(exp)) = (not_before, expires) {
        if exp <= nbf {
            problem(
                "not-before-after-expiry",
                format!(
                    "The token's nbf ({}) is not before its exp ({}): there is no time at which it is valid.",
                    format_unix(nbf),
                    format_unix(exp)
                ),
            );
        }
    }
    if let Some(wanted) = options.audience.as_deref() {
        match report.audience.as_deref() {
            Some(aud) if same_audience(aud, wanted) => {}
            Some(aud) => problem(
                "audience-mismatch",
                format!("The audience is {aud}, not {wanted}: the API expecting {wanted} will refuse it."),
            ),
            None => problem("audience-mismatch", format!("The token has no aud claim; {wanted} was expected.")),
        }
    }
    if let Some(wanted) = options.issuer.as_deref() {
        match report.issuer.as_deref() {
            Some(iss) if same_url(iss, wanted) => {}
            Some(iss) => problem("issuer-mismatch", format!("The issuer is {iss}, not {wanted}.")),
            None => problem(
                "issuer-mismatch",
                format!("The token has no iss claim; {wanted} was expected."),
            ),
        }
    }
    if let Some(message) = shape_problem(report) {
        problem("issuer-shape", message);
    }
    if let (Some(tid), Some(iss)) = (string_claim(&claims, "tid"), report.issuer.as_deref()) {
        let issuer_tenant = iss.split('/').find(|part| crate::extract::is_guid(part));
        if issuer_tenant.is_some_and(|t| !t.eq_ignore_ascii_case(&tid)) {
            problem(
                "tenant-mismatch",
                format!(
                    "The issuer names the tenant {}, the tid claim {tid}.",
                    issuer_tenant.unwrap_or_default()
                ),
            );
        }
    }

    if options.at.is_none() && expires.is_some() {
        notes.push("Expiry was not checked: no time to check it against.".to_string());
    }
    let signature_note = if report.header.iter().any(|h| h.claim == "nonce") {
        "The signature was not checked. This is a Microsoft Graph token (a nonce in the header): only Graph can verify its signature, and a validator that calls it invalid is not telling you anything."
    } else {
        "The signature was not checked: that needs the issuer's signing keys; the API the token is sent to checks it."
    };
    if report.source == TokenSource::Jwt {
        notes.push(signature_note.to_string());
    }
    Validation { valid: problems.is_empty(), readable: true, problems, notes }
}

/// One token with its check, as `errdecode token --json`, the API and the MCP server give it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenCheck {
    pub valid: bool,
    pub readable: bool,
    pub problems: Vec<TokenProblem>,
    /// What was and was not checked (the signature never is).
    pub checked: Vec<String>,
    pub token: TokenReport,
}

/// The verdict on every token of a paste: `valid` when there is at least one and none has a
/// problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenVerdict {
    pub valid: bool,
    /// Every token's problems, in order, each with the token's 1-based number.
    pub problems: Vec<NumberedProblem>,
    pub tokens: Vec<TokenCheck>,
    pub warnings: Vec<crate::Warning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberedProblem {
    pub token: usize,
    pub code: &'static str,
    pub message: String,
}

/// Checks every token found and puts the verdicts together.
pub fn verdict(
    reports: Vec<TokenReport>,
    warnings: Vec<crate::Warning>,
    options: &ValidationOptions,
) -> TokenVerdict {
    let tokens: Vec<TokenCheck> = reports
        .into_iter()
        .map(|token| {
            let validation = validate(&token, options);
            TokenCheck {
                valid: validation.valid,
                readable: validation.readable,
                problems: validation.problems,
                checked: validation.notes,
                token,
            }
        })
        .collect();
    let problems = tokens
        .iter()
        .enumerate()
        .flat_map(|(i, check)| {
            check.problems.iter().map(move |p| NumberedProblem {
                token: i + 1,
                code: p.code,
                message: p.message.clone(),
            })
        })
        .collect();
    let valid = !tokens.is_empty() && tokens.iter().all(|t| t.valid);
    TokenVerdict { valid, problems, tokens, warnings }
}

/// Microsoft's issuers by token version: v1.0 tokens come from `https://sts.windows.net/{tid}/`
/// (or a national cloud's sts host), v2.0 tokens from `https://login.microsoftonline.com/{tid}/v2.0`.
fn shape_problem(report: &TokenReport) -> Option<String> {
    let iss = report.issuer.as_deref()?;
    let version = report.version.as_deref()?;
    let host = host_of(iss)?.to_ascii_lowercase();
    classify_host(&host)?;
    let v2_issuer = iss.trim_end_matches('/').ends_with("/v2.0");
    let sts_host = host.starts_with("sts.");
    match version {
        "1.0" if v2_issuer => Some(format!(
            "The token says ver 1.0 but its issuer {iss} is a v2.0 issuer: v1.0 tokens are issued by https://sts.windows.net/{{tenant}}/ (or the national cloud's sts host)."
        )),
        "2.0" if sts_host || !v2_issuer => Some(format!(
            "The token says ver 2.0 but its issuer {iss} is not a v2.0 issuer (https://login.microsoftonline.com/{{tenant}}/v2.0)."
        )),
        _ => None,
    }
}

fn same_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/').eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// Audiences compare without a trailing slash, and Microsoft Graph's app id stands for its URL.
fn same_audience(aud: &str, wanted: &str) -> bool {
    if same_url(aud, wanted) {
        return true;
    }
    match (classify_audience(aud), classify_audience(wanted)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(claims: Value, error_time: Option<i64>) -> TokenReport {
        let raw = RawToken {
            source: TokenSource::PastedClaims,
            header: Map::new(),
            claims: claims.as_object().unwrap().clone(),
            signature: SignatureState::NotApplicable,
            problems: Vec::new(),
        };
        analyze(raw, error_time)
    }

    #[test]
    fn reads_an_app_only_graph_token() {
        let r = report(
            json!({"aud": "https://graph.microsoft.com", "iss": "https://sts.windows.net/950a4376-c358-4553-980a-9ba773e48dff/", "idtyp": "app", "roles": ["Calendars.Read"], "ver": "1.0", "exp": 1761314065, "nbf": 1761310165}),
            None,
        );
        assert_eq!(r.flow, TokenFlow::AppOnly);
        assert_eq!(r.kind, TokenKind::AccessToken);
        assert_eq!(r.audience_service, Some(Service::MicrosoftGraph));
        assert_eq!(r.cloud, Some(Cloud::Global));
        assert_eq!(r.tenant_id.as_deref(), Some("950a4376-c358-4553-980a-9ba773e48dff"));
        assert_eq!(r.lifetime_minutes, Some(65));
        assert!(r.notes.iter().any(|n| n.contains("v1.0 token")));
    }

    #[test]
    fn measures_expiry_against_the_paste() {
        let r = report(
            json!({"aud": "https://graph.microsoft.com", "scp": "User.Read", "exp": 1000}),
            Some(5000),
        );
        assert_eq!(r.expired_at_error, Some(true));
        assert_eq!(r.flow, TokenFlow::Delegated);
        let exp = r.claims.iter().find(|c| c.claim == "exp").unwrap();
        assert!(exp.reading.as_deref().unwrap().contains("before the error"));
    }

    #[test]
    fn tells_id_tokens_apart() {
        let r = report(
            json!({"aud": "6731de76-14a6-49ae-97bc-6eba6914391e", "iss": "https://login.microsoftonline.com/x/v2.0", "nonce": "abc", "name": "Jo", "ver": "2.0"}),
            None,
        );
        assert_eq!(r.kind, TokenKind::IdToken);
    }

    #[test]
    fn recognises_personal_accounts() {
        let r = report(
            json!({"aud": "https://graph.microsoft.com", "tid": MSA_TENANT_ID, "scp": "Mail.Read"}),
            None,
        );
        assert!(r.personal_account);
    }

    fn jwt_report(claims: Value, header: Value) -> TokenReport {
        let raw = RawToken {
            source: TokenSource::Jwt,
            header: header.as_object().unwrap().clone(),
            claims: claims.as_object().unwrap().clone(),
            signature: SignatureState::Present { length: 342 },
            problems: Vec::new(),
        };
        analyze(raw, None)
    }

    fn codes(v: &Validation) -> Vec<&'static str> {
        v.problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn an_expired_token_says_so() {
        let r = jwt_report(
            json!({"aud": "https://graph.microsoft.com", "iat": 1000, "nbf": 1000, "exp": 4600, "ver": "1.0", "iss": "https://sts.windows.net/950a4376-c358-4553-980a-9ba773e48dff/"}),
            json!({"alg": "RS256", "nonce": "x"}),
        );
        let v = validate(&r, &ValidationOptions { at: Some(8200), ..Default::default() });
        assert!(!v.valid);
        assert_eq!(codes(&v), vec!["expired"]);
        assert!(v.problems[0].message.contains("expired"), "{:?}", v.problems);
        assert!(v.problems[0].message.contains("1 h 0 min before"), "{:?}", v.problems);
        let fresh = validate(&r, &ValidationOptions { at: Some(2000), ..Default::default() });
        assert!(fresh.valid, "{:?}", fresh.problems);
        assert!(fresh.notes.iter().any(|n| n.contains("only Graph can verify")));
        assert!(!fresh.notes.iter().any(|n| n.contains("invalid signature")));
    }

    #[test]
    fn times_that_cannot_be_are_problems() {
        let r =
            jwt_report(json!({"aud": "api://x", "iat": 5000, "nbf": 5000, "exp": 4000}), json!({}));
        let v = validate(&r, &ValidationOptions::default());
        assert_eq!(codes(&v), vec!["expires-before-issued", "not-before-after-expiry"]);
        let early = jwt_report(json!({"aud": "api://x", "nbf": 5000, "exp": 9000}), json!({}));
        let v = validate(&early, &ValidationOptions { at: Some(100), ..Default::default() });
        assert_eq!(codes(&v), vec!["not-yet-valid"]);
    }

    #[test]
    fn audience_issuer_and_shape() {
        let r = jwt_report(
            json!({"aud": "00000003-0000-0000-c000-000000000000", "iss": "https://login.microsoftonline.com/950a4376-c358-4553-980a-9ba773e48dff/v2.0", "ver": "1.0", "exp": 9000, "tid": "950a4376-c358-4553-980a-9ba773e48dff"}),
            json!({}),
        );
        let ok = ValidationOptions {
            at: Some(10),
            audience: Some("https://graph.microsoft.com/".into()),
            issuer: None,
        };
        assert_eq!(codes(&validate(&r, &ok)), vec!["issuer-shape"]);
        let wrong = ValidationOptions {
            at: Some(10),
            audience: Some("api://mine".into()),
            issuer: Some("https://sts.windows.net/950a4376-c358-4553-980a-9ba773e48dff/".into()),
        };
        assert_eq!(
            codes(&validate(&r, &wrong)),
            vec!["audience-mismatch", "issuer-mismatch", "issuer-shape"]
        );
    }

    #[test]
    fn opaque_tokens_are_not_invalid() {
        let raw = RawToken {
            source: TokenSource::Opaque,
            header: Map::new(),
            claims: Map::new(),
            signature: SignatureState::NotApplicable,
            problems: Vec::new(),
        };
        let v =
            validate(&analyze(raw, None), &ValidationOptions { at: Some(1), ..Default::default() });
        assert!(v.valid && !v.readable && v.problems.is_empty());
    }
}
