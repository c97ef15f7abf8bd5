//! Signals: typed conclusions drawn from the facts, each with the sentence that justifies it.
//!
//! Causes in the knowledge base name these signals in their `support` and `refute` rules;
//! [`CATALOGUE`] is the list they may name (`kb check` holds them to it). A signal's evidence
//! sentence quotes the values it was drawn from, so that a ranked cause can show *why*.

use serde::Serialize;

use crate::cloud::{Cloud, Service};
use crate::extract::{AuthorityTenant, Facts, RequestFact, RequestTarget};
use errdecode_kb::RequirementFlow;

use crate::permissions::path_needs_mailbox;
use crate::token::{TokenFlow, TokenKind, TokenReport, TokenSource};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    pub name: &'static str,
    pub evidence: String,
}

/// Every signal the decoder can raise, with when it fires. Kept in step with `kb/README.md`.
pub const CATALOGUE: &[(&str, &str)] = &[
    ("token.present", "a JWT, an opaque token or pasted claims were found"),
    ("token.app_only", "the token is app-only"),
    ("token.delegated", "the token acts for a signed-in user"),
    ("token.has_roles", "the token carries application roles"),
    ("token.no_permissions", "the token has neither scp nor roles"),
    ("token.expired", "exp lies before the time of the error"),
    ("token.valid_at_error", "exp and nbf bracket the time of the error"),
    ("token.audience_graph", "aud is Microsoft Graph"),
    ("token.audience_matches_request", "aud is the API the request calls"),
    ("token.audience_mismatch", "aud is another API than the one the request calls"),
    ("token.audience_is_client", "aud equals the client's own app id"),
    ("token.id_token", "the token looks like an ID token"),
    ("token.access_token", "the token is an access token"),
    ("token.has_endpoint_permission", "the token holds a permission the endpoint accepts"),
    (
        "token.lacks_endpoint_permission",
        "the token holds none of the permissions the endpoint accepts",
    ),
    ("token.cloud_mismatch", "the token's cloud differs from the request's"),
    ("token.cloud_matches", "the token and the request are in the same cloud"),
    ("token.personal_account", "the token belongs to a personal Microsoft account"),
    ("token.tenant_differs", "the token's tenant differs from a tenant named in the paste"),
    ("token.opaque", "an opaque (non-JWT) access token"),
    ("request.graph", "a request to Microsoft Graph"),
    ("request.me", "the request targets /me"),
    ("request.other_user", "the request targets /users/{id}"),
    ("request.mailbox", "the endpoint's data lives in an Exchange Online mailbox"),
    ("request.azure_ad_graph", "the request goes to Azure AD Graph"),
    ("request.national_cloud", "a host belongs to a national cloud"),
    ("request.consumer_user", "the request names a personal-account user"),
    ("request.guest_user", "the request names a guest user"),
    ("flow.app_only", "the paste shows client credentials"),
    ("flow.delegated", "the paste shows a user signing in"),
    ("flow.ropc", "the username/password flow is used"),
    ("flow.device_code", "the device-code flow is used"),
    ("flow.browser", "a browser app redeems the code"),
    ("powershell.graph", "Microsoft Graph PowerShell is used"),
    ("powershell.graph_no_scopes", "Connect-MgGraph without -Scopes or app credentials"),
    ("powershell.exchange", "Exchange Online PowerShell is used"),
    ("account.personal", "a personal Microsoft account is involved"),
    ("account.guest", "a guest account is involved"),
    ("authority.common", "the authority is /common"),
    ("authority.organizations", "the authority is /organizations"),
    ("authority.consumers", "the authority is /consumers"),
    ("authority.tenant", "the authority names a tenant"),
    ("authority.path_as_tenant", "a part of the endpoint's path stands where the tenant belongs"),
    ("authority.invalid_tenant", "the tenant segment is not a GUID, domain or alias"),
    ("scope.comma_separated", "scopes are separated by commas"),
    ("scope.default_mixed", "/.default is combined with other scopes"),
    ("scope.graph_for_mail_protocol", "an IMAP/POP/SMTP scope on the Graph resource"),
    ("protocol.mail", "IMAP, POP or SMTP is used"),
    ("paste.placeholder", "a configuration value is still a placeholder"),
    ("paste.version_change", "the failure is told together with a version change"),
    ("paste.library_version", "a library, module or tool is named with its version"),
    ("token.validated_by_own_api", "the person's own API validates the token"),
    ("secret.guid_shaped", "the client secret looks like a GUID"),
    ("credential.client_secret", "the app signs in with a client secret"),
    ("credential.certificate", "the app signs in with a certificate"),
    ("request.sharepoint", "SharePoint's own API is called (REST, CSOM or PnP)"),
    ("sharepoint.acs", "SharePoint's retired ACS add-in model is used"),
    ("identity.managed", "a managed identity is used"),
    ("identity.user_assigned", "a user-assigned managed identity is named"),
    ("paste.no_client_change", "the person says nothing changed on their side"),
    ("cae.challenge", "a Continuous Access Evaluation claims challenge"),
    ("endpoint.needs_access_policy", "app-only calls need a Teams application access policy"),
    ("endpoint.protected_api", "the endpoint is a protected Teams API in app-only use"),
    ("endpoint.needs_site_grant", "Sites.Selected needs a grant on the site"),
    ("endpoint.needs_licence", "the endpoint needs a licence"),
    ("endpoint.needs_admin_role", "the operation also needs an administrator role"),
    ("endpoint.application_only", "the endpoint supports application permissions only"),
    ("endpoint.mailbox_scoping", "app-only mailbox access can be scoped by Exchange"),
    (
        "endpoint.delegated_only",
        "an app-only caller calls an endpoint with no application permission",
    ),
    ("status.400", "the failing response is a 400"),
    ("status.401", "the failing response is a 401"),
    ("status.403", "the failing response is a 403"),
    ("status.404", "the failing response is a 404"),
    ("status.429", "the failing response is a 429"),
];

pub fn is_known_signal(name: &str) -> bool {
    CATALOGUE.iter().any(|(known, _)| *known == name)
}

struct Signals(Vec<Signal>);

impl Signals {
    fn add(&mut self, name: &'static str, evidence: impl Into<String>) {
        debug_assert!(is_known_signal(name), "{name} is not in the catalogue");
        if !self.0.iter().any(|s| s.name == name) {
            self.0.push(Signal { name, evidence: evidence.into() });
        }
    }
}

/// Draws every signal from the facts.
pub fn derive(facts: &Facts) -> Vec<Signal> {
    let mut signals = Signals(Vec::new());
    let token = primary_token(&facts.tokens);
    let request = facts.request.as_ref();

    if let Some(token) = token {
        token_signals(&mut signals, token, facts);
    }
    if let Some(request) = request {
        let shown = format!(
            "{} {}",
            request.method.as_deref().unwrap_or("the call to"),
            display_path(request)
        );
        if request.service == Some(Service::MicrosoftGraph) {
            signals.add("request.graph", format!("The request goes to Microsoft Graph ({shown})."));
        }
        match &request.target {
            Some(RequestTarget::Me) => signals.add(
                "request.me",
                format!("The request targets /me, the signed-in user ({shown})."),
            ),
            Some(RequestTarget::User(user)) => {
                signals.add("request.other_user", format!("The request names a user: {shown}."));
                let lower = user.to_ascii_lowercase();
                if facts.users.iter().any(|u| u.consumer && u.upn.eq_ignore_ascii_case(user)) {
                    signals.add(
                        "request.consumer_user",
                        format!("The request names {user}, a personal Microsoft account address."),
                    );
                }
                if lower.contains("#ext#") {
                    signals.add(
                        "request.guest_user",
                        format!("The request names {user}, a guest account (#EXT#)."),
                    );
                }
            }
            None => {}
        }
        let needs_mailbox = request
            .permissions
            .as_ref()
            .map_or_else(|| path_needs_mailbox(&request.template), |p| p.needs_mailbox);
        if needs_mailbox && !request.named_in_words {
            signals.add("request.mailbox", format!("{} reads mailbox data, which lives in Exchange Online: the user needs a licensed cloud mailbox.", request.template));
        }
    }
    for request in &facts.requests {
        if request.service == Some(Service::AzureAdGraph) {
            signals.add("request.azure_ad_graph", format!("The call goes to Azure AD Graph ({}), the retired API: its permissions are separate from Microsoft Graph's.", request.host.as_deref().unwrap_or("graph.windows.net")));
        }
    }
    let national = facts
        .requests
        .iter()
        .filter_map(|r| r.cloud.map(|c| (c, r.host.clone().unwrap_or_default())))
        .chain(facts.authorities.iter().map(|a| (a.cloud, a.host.clone())))
        .find(|(cloud, _)| *cloud != Cloud::Global);
    if let Some((cloud, host)) = national {
        signals.add("request.national_cloud", format!("{host} belongs to {}.", cloud.name()));
    }
    for user in &facts.users {
        if user.guest {
            signals.add("account.guest", format!("{} is a guest account (#EXT#).", user.upn));
        }
        if user.consumer {
            signals.add(
                "account.personal",
                format!("{} is a personal Microsoft account address.", user.upn),
            );
        }
    }
    let words = &facts.context;
    if let Some(m) = &words.personal_account {
        signals
            .add("account.personal", format!("The paste speaks of a personal account (\"{m}\")."));
    }
    if let Some(m) = &words.guest_account {
        signals.add(
            "account.guest",
            format!("The paste speaks of a guest or external account (\"{m}\")."),
        );
    }

    // How the token was (or is meant to be) acquired.
    if facts.grant_types.iter().any(|g| g == "client_credentials") {
        signals.add(
            "flow.app_only",
            "The token request uses grant_type=client_credentials: an app-only token.",
        );
    }
    if facts.powershell.connects.iter().any(|c| c.app_credentials) {
        signals.add("flow.app_only", "The Connect call signs in with app credentials (app id and certificate or secret): app-only.");
    }
    if let Some(m) = &words.app_only {
        signals.add("flow.app_only", format!("The paste describes an app-only flow (\"{m}\")."));
    }
    if facts.grant_types.iter().any(|g| {
        matches!(
            g.as_str(),
            "authorization_code" | "refresh_token" | "urn:ietf:params:oauth:grant-type:jwt-bearer"
        )
    }) {
        signals.add("flow.delegated", "The token request is for a signed-in user (authorization code, refresh token or on-behalf-of grant).");
    }
    if facts.powershell.connects.iter().any(|c| c.scopes) {
        signals
            .add("flow.delegated", "Connect-MgGraph is called with -Scopes: a delegated sign-in.");
    }
    if let Some(m) = &words.delegated {
        signals.add("flow.delegated", format!("The paste shows a user signing in (\"{m}\")."));
    }
    if facts.grant_types.iter().any(|g| g == "password") {
        signals.add("flow.ropc", "The token request uses grant_type=password (ROPC).");
    }
    if let Some(m) = &words.ropc {
        signals.add("flow.ropc", format!("The username/password flow is used (\"{m}\")."));
    }
    if let Some(m) = &words.device_code {
        signals.add("flow.device_code", format!("The device-code flow is used (\"{m}\")."));
    }
    if let Some(m) = &words.browser {
        signals.add("flow.browser", format!("A browser app is involved (\"{m}\")."));
    }

    let ps = &facts.powershell;
    if ps.cmdlets.iter().any(|c| c.contains("-Mg") || c == "Connect-Graph") {
        let shown: Vec<&str> = ps
            .cmdlets
            .iter()
            .filter(|c| c.contains("-Mg") || *c == "Connect-Graph")
            .map(String::as_str)
            .take(4)
            .collect();
        signals.add(
            "powershell.graph",
            format!("Microsoft Graph PowerShell is used ({}).", shown.join(", ")),
        );
    }
    if let Some(connect) = ps.connects.iter().find(|c| {
        c.cmdlet.to_ascii_lowercase().contains("graph") && !c.scopes && !c.app_credentials
    }) {
        signals.add("powershell.graph_no_scopes", format!("{} is called without -Scopes: the session only gets the permissions consented before, often just enough to read your own profile.", connect.cmdlet));
    }
    if ps
        .cmdlets
        .iter()
        .any(|c| c.contains("ExchangeOnline") || c.contains("-EXO") || c.contains("-Exo"))
    {
        signals.add("powershell.exchange", "Exchange Online PowerShell is used.");
    }

    for authority in &facts.authorities {
        match &authority.tenant {
            AuthorityTenant::Common => signals.add("authority.common", format!("The authority is https://{}/common.", authority.host)),
            AuthorityTenant::Organizations => signals.add("authority.organizations", format!("The authority is https://{}/organizations.", authority.host)),
            AuthorityTenant::Consumers => signals.add("authority.consumers", format!("The authority is https://{}/consumers.", authority.host)),
            AuthorityTenant::Invalid(t) | AuthorityTenant::Domain(t) if is_endpoint_path(t) => signals.add("authority.path_as_tenant", format!("The tenant segment is '{t}', a part of the endpoint's path: the authority was built with a path where the tenant belongs.")),
            AuthorityTenant::TenantId(t) | AuthorityTenant::Domain(t) => signals.add("authority.tenant", format!("The authority names the tenant {t}.")),
            AuthorityTenant::Invalid(t) => signals.add("authority.invalid_tenant", format!("The tenant '{t}' is neither a tenant id (GUID), a domain, nor common/organizations/consumers.")),
            AuthorityTenant::Placeholder(_) => {}
        }
    }

    if let Some(scope) = facts.scopes.iter().find(|s| s.contains(',') && !s.starts_with('[')) {
        signals.add(
            "scope.comma_separated",
            format!(
                "The scopes \"{scope}\" are separated by commas; the scope parameter takes spaces."
            ),
        );
    }
    if words.default_scope_mixed {
        signals.add("scope.default_mixed", "A /.default scope is requested together with other scopes, which the identity platform refuses.");
    }
    if let Some(m) = &words.graph_mail_scope {
        signals.add("scope.graph_for_mail_protocol", format!("The mail protocol scope is requested on Microsoft Graph ({m}...); IMAP, POP and SMTP need an Exchange Online token (https://outlook.office365.com/...)."));
    }
    if let Some(m) = &words.mail_protocol {
        signals.add("protocol.mail", format!("A mail protocol is used ({m})."));
    } else if facts.codes.iter().any(|c| c.kind == crate::extract::CodeKind::Smtp) {
        signals.add("protocol.mail", "The error is an SMTP status code.");
    }
    if let Some(m) = &words.placeholder {
        signals.add(
            "paste.placeholder",
            format!("A configuration value is still a placeholder: \"{m}\"."),
        );
    }
    if let Some(m) = &words.version_change {
        signals.add(
            "paste.version_change",
            format!("The failure is told together with a version change (\"{m}\")."),
        );
    }
    // A library with its version: a known library by name (`facts.libraries`), else any owner
    // word just before a version number (`extract::wording`).
    let library_version = facts
        .libraries
        .first()
        .map(|library| {
            format!(
                "The paste names {} {}: a specific version is involved.",
                library.name, library.version
            )
        })
        .or_else(|| {
            words
                .library_version
                .as_ref()
                .map(|m| format!("The paste names a library or tool with its version (\"{m}\")."))
        });
    if let Some(evidence) = library_version {
        signals.add("paste.library_version", evidence);
    }
    if let Some(m) = &words.national_cloud {
        signals
            .add("request.national_cloud", format!("The paste names a national cloud (\"{m}\")."));
    }
    if let Some(m) = &words.own_api {
        signals.add(
            "token.validated_by_own_api",
            format!(
                "The token is checked by the app's own API, not by a Microsoft service (\"{m}\")."
            ),
        );
    }
    // Context said in words, each shown with the words that said it.
    let quoted: [(&Option<String>, &'static str, &str); 7] = [
        (&words.client_secret, "credential.client_secret", "The app signs in with a client secret"),
        (&words.certificate, "credential.certificate", "The app signs in with a certificate"),
        // A SharePoint site address alone may be the subject of a Graph call: the signal needs
        // SharePoint's own API.
        (&words.sharepoint_api, "request.sharepoint", "SharePoint's own API is called"),
        (&words.sharepoint_acs, "sharepoint.acs", "The paste shows SharePoint's ACS add-in model"),
        (&words.managed_identity, "identity.managed", "A managed identity is used"),
        (
            &words.no_client_change,
            "paste.no_client_change",
            "The failure began with nothing changed on the caller's side",
        ),
        (
            &words.user_assigned_identity,
            "identity.user_assigned",
            "A user-assigned managed identity is named",
        ),
    ];
    for (said, name, sentence) in quoted {
        if let Some(m) = said {
            signals.add(name, format!("{sentence} (\"{m}\")."));
        }
    }
    if let Some(secret) = facts.secrets.iter().find(|s| s.guid_shaped) {
        signals.add("secret.guid_shaped", format!("The client secret sent ({}) is shaped like a GUID: that is a secret's ID, not its value.", secret.preview));
    }
    let cae_code = facts.codes.iter().find(|c| {
        matches!(
            c.code.as_str(),
            "TokenIssuedBeforeRevocationTimestamp"
                | "TokenCreatedWithOutdatedPolicies"
                | "insufficient_claims"
        )
    });
    if let Some(code) = cae_code {
        signals.add(
            "cae.challenge",
            format!("The response is a Continuous Access Evaluation challenge ({}).", code.code),
        );
    } else if facts.www_authenticate.iter().any(|c| c.claims.is_some())
        || words.claims_challenge.is_some()
    {
        signals.add(
            "cae.challenge",
            "The response carries a claims challenge (Continuous Access Evaluation).",
        );
    }
    if let Some(request) = request {
        requirement_signals(&mut signals, request, token);
    }
    if let Some(status) = facts.http_status {
        let name = match status {
            400 => Some("status.400"),
            401 => Some("status.401"),
            403 => Some("status.403"),
            404 => Some("status.404"),
            429 => Some("status.429"),
            _ => None,
        };
        if let Some(name) = name {
            signals.add(name, format!("The failing response is HTTP {status}."));
        }
    }
    signals.0
}

/// The knowledge base's requirements of the failing endpoint that concern this caller: those
/// for app-only callers apply unless the paste shows a user signing in, those for delegated
/// callers only when it does; `token_holds` needs the token to hold one of its permissions.
fn requirement_signals(signals: &mut Signals, request: &RequestFact, token: Option<&TokenReport>) {
    let fired = |name: &str| signals.0.iter().any(|s| s.name == name);
    let app_only = fired("flow.app_only") || fired("token.app_only");
    let delegated = !app_only && (fired("flow.delegated") || fired("token.delegated"));
    // The permission table says the endpoint takes no application permission, and the caller
    // is app-only (by the token or by the paste's words).
    if let Some(permissions) = request.permissions.as_ref().filter(|_| app_only) {
        if permissions.application.is_empty() && !permissions.delegated.is_empty() {
            signals.add(
                "endpoint.delegated_only",
                format!(
                    "{} {} accepts no application permission, only delegated ones ({}): an app-only caller cannot use it.",
                    permissions.method,
                    permissions.path,
                    list(&permissions.delegated, 3)
                ),
            );
        }
    }
    let mut raised: Vec<(&'static str, String)> = Vec::new();
    for rule in &request.requirements {
        let applies = match rule.flow {
            RequirementFlow::Any => true,
            RequirementFlow::AppOnly => !delegated,
            RequirementFlow::Delegated => delegated,
        };
        let holds = rule.token_holds.is_empty()
            || token.is_some_and(|token| {
                token.roles.iter().chain(&token.scopes).any(|held| {
                    rule.token_holds.iter().any(|wanted| wanted.eq_ignore_ascii_case(held))
                })
            });
        let name = CATALOGUE.iter().map(|(name, _)| *name).find(|name| *name == rule.signal);
        if let (true, true, Some(name)) = (applies, holds, name) {
            raised.push((name, rule.says.clone()));
        }
    }
    for (name, says) in raised {
        signals.add(name, says);
    }
}

/// Segments of the sign-in endpoints' paths, which a mis-built authority puts where the tenant
/// belongs (`login.microsoftonline.com/oauth2/...`, "Tenant 'v2.0' not found", "Tenant
/// authorize not found": library reports gh-adal-dotnet-1346, gh-msal-dotnet-1270).
fn is_endpoint_path(segment: &str) -> bool {
    const PATHS: &[&str] = &[
        "oauth2",
        "authorize",
        "token",
        "v2.0",
        "v1.0",
        "devicecode",
        "logout",
        "discovery",
        "keys",
        "openid-configuration",
        ".well-known",
        "saml2",
        "wsfed",
        "userrealm",
    ];
    PATHS.iter().any(|path| segment.eq_ignore_ascii_case(path))
}

/// The token the analysis is about: a decoded JWT access token first, then pasted claims.
pub fn primary_token(tokens: &[TokenReport]) -> Option<&TokenReport> {
    tokens
        .iter()
        .find(|t| t.source == TokenSource::Jwt && t.kind == TokenKind::AccessToken)
        .or_else(|| tokens.iter().find(|t| t.source == TokenSource::PastedClaims))
        .or_else(|| tokens.first())
}

fn display_path(request: &crate::extract::RequestFact) -> String {
    match &request.api_version {
        Some(version) => format!("/{version}{}", request.template),
        None => request.template.clone(),
    }
}

fn token_signals(signals: &mut Signals, token: &TokenReport, facts: &Facts) {
    let which = match token.source {
        TokenSource::PastedClaims => "The pasted claims",
        _ => "The token's claims",
    };
    signals.add("token.present", format!("{which} were decoded."));
    if token.source == TokenSource::Opaque {
        signals.add(
            "token.opaque",
            "The access token is opaque (not a JWT), as personal Microsoft account tokens are.",
        );
    }
    if token.personal_account {
        signals
            .add("token.personal_account", "The token was issued to a personal Microsoft account.");
        signals.add("account.personal", "The token was issued to a personal Microsoft account.");
    }
    match token.flow {
        TokenFlow::AppOnly => {
            let why = match token.claims.iter().find(|c| c.claim == "idtyp") {
                Some(_) => "idtyp is app",
                None => "roles and no scp or user",
            };
            signals.add("token.app_only", format!("{which} describe an app-only token ({why}): it acts as the app{}, not as a user.", token.app_name.as_deref().map(|n| format!(" \"{n}\"")).unwrap_or_default()));
            signals.add(
                "flow.app_only",
                format!("{which} describe an app-only (client credentials) token."),
            );
        }
        TokenFlow::Delegated if token.kind == TokenKind::AccessToken => {
            signals.add(
                "token.delegated",
                format!(
                    "{which} describe a delegated token (scp: {}).",
                    shorten(&token.scopes.join(" "), 80)
                ),
            );
            signals.add("flow.delegated", format!("{which} describe a delegated token."));
        }
        _ => {}
    }
    if !token.roles.is_empty() {
        signals.add(
            "token.has_roles",
            format!("{which} carry application roles: {}.", list(&token.roles, 6)),
        );
    }
    if token.kind != TokenKind::IdToken
        && token.source != TokenSource::Opaque
        && !token.has_permissions()
        && token.audience.is_some()
    {
        signals.add(
            "token.no_permissions",
            format!("{which} have neither scp nor roles: the token carries no permission at all."),
        );
    }
    match token.kind {
        TokenKind::AccessToken if token.source != TokenSource::Opaque => {
            signals.add("token.access_token", format!("{which} describe an access token (it carries {}).", if token.roles.is_empty() { "scp" } else { "roles" }));
        }
        TokenKind::IdToken => signals.add("token.id_token", format!("{which} look like an ID token: no scp or roles, no client app id, meant for the app itself.")),
        _ => {}
    }
    if token.audience_is_client() {
        signals.add("token.audience_is_client", format!("aud ({}) is the client's own app id: the token is meant for the app, not for an API such as Graph.", token.audience.as_deref().unwrap_or_default()));
    }
    match (token.expired_at_error, facts.error_time(), token.expires_at.as_deref()) {
        (Some(true), Some(at), Some(exp)) => signals.add(
            "token.expired",
            format!(
                "{which} expired at {exp}, before the error at {}.",
                crate::extract::format_unix(at)
            ),
        ),
        (Some(false), Some(at), Some(exp)) if token.not_before_unix.is_none_or(|nbf| nbf <= at) => {
            signals.add(
                "token.valid_at_error",
                format!(
                    "{which} were valid at the time of the error ({}); the token expires at {exp}.",
                    crate::extract::format_unix(at)
                ),
            );
        }
        _ => {}
    }
    let aud = token.audience.as_deref().unwrap_or_default();
    if token.audience_service == Some(Service::MicrosoftGraph) {
        signals.add("token.audience_graph", format!("aud is {aud}: Microsoft Graph."));
    }
    if let Some(request) = facts.request.as_ref() {
        let host = request.host.as_deref().unwrap_or("the API");
        match (token.audience_service, request.service) {
            (Some(token_service), Some(request_service)) if token_service == request_service => {
                signals.add(
                    "token.audience_matches_request",
                    format!(
                        "aud is {aud} ({}), the API the request calls ({host}).",
                        token_service.name()
                    ),
                );
            }
            (Some(token_service), Some(request_service)) if request_service != Service::Other => {
                signals.add(
                    "token.audience_mismatch",
                    format!(
                        "aud is {aud} ({}), but the request goes to {} ({host}).",
                        token_service.name(),
                        request_service.name()
                    ),
                );
            }
            (None, Some(request_service))
                if !aud.is_empty() && request_service != Service::Other =>
            {
                signals.add(
                    "token.audience_mismatch",
                    format!(
                        "aud is {aud}, not {}, which the request calls ({host}).",
                        request_service.name()
                    ),
                );
            }
            _ => {}
        }
        if let (Some(token_cloud), Some(request_cloud)) = (token.cloud, request.cloud) {
            if token_cloud.same_family(request_cloud) {
                signals.add(
                    "token.cloud_matches",
                    format!("The token and the request are both in {}.", token_cloud.name()),
                );
            } else {
                signals.add("token.cloud_mismatch", format!("The token is from {} but the request goes to {} ({host}); tokens do not cross clouds.", token_cloud.name(), request_cloud.name()));
            }
        }
        if let Some(permissions) = &request.permissions {
            let (held, accepted, kind): (&[String], &[String], &str) = match token.flow {
                TokenFlow::AppOnly => {
                    (&token.roles, &permissions.application, "application (app-only)")
                }
                TokenFlow::Delegated => (&token.scopes, &permissions.delegated, "delegated"),
                TokenFlow::Unknown => (&[], &[], ""),
            };
            let endpoint = format!("{} {}", permissions.method, permissions.path);
            if !kind.is_empty() && !accepted.is_empty() {
                let matching: Vec<&String> = held
                    .iter()
                    .filter(|p| accepted.iter().any(|a| a.eq_ignore_ascii_case(p)))
                    .collect();
                if matching.is_empty() {
                    signals.add("token.lacks_endpoint_permission", format!("{endpoint} accepts the {kind} permissions {}; {which} hold none of them.", list(accepted, 5)));
                } else {
                    let shown: Vec<String> = matching.iter().map(|s| s.to_string()).collect();
                    signals.add(
                        "token.has_endpoint_permission",
                        format!(
                            "{which} hold {}, which {endpoint} accepts for {kind} calls.",
                            list(&shown, 4)
                        ),
                    );
                }
            } else if !kind.is_empty() && accepted.is_empty() && token.flow == TokenFlow::AppOnly {
                signals.add("token.lacks_endpoint_permission", format!("{endpoint} accepts no application permission at all: it needs a signed-in user."));
            }
        }
    }
    if let Some(tid) = token.tenant_id.as_deref() {
        let other = facts.authorities.iter().find_map(|a| match &a.tenant {
            AuthorityTenant::TenantId(t) if !t.eq_ignore_ascii_case(tid) => Some(t.clone()),
            _ => None,
        });
        if let Some(other) = other {
            signals.add("token.tenant_differs", format!("The token was issued by tenant {tid}, but the paste also names tenant {other}."));
        }
    }
}

fn list(items: &[String], max: usize) -> String {
    let mut shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    if items.len() > max {
        shown.push("…");
    }
    shown.join(", ")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}
