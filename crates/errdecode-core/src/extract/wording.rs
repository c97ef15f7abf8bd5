//! What the paste's words say about its context: the flow (app-only, a user signing in,
//! username and password, device code, a browser app), the account (personal, guest), a
//! national cloud named in words, who validates the token, a version change around the
//! failure, placeholders left in configuration.
//!
//! These are facts like any other: each is the phrase the paste holds, quoted, so that the
//! signals drawn from them can show it. Signals never read the text themselves.

use std::ops::Range;
use std::sync::LazyLock;

use serde::Serialize;

use crate::haystack::{Caseless, Haystack};

/// Phrases of the paste that describe its context; each holds the words it was found by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Wording {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_only: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ropc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_account: Option<String>,
    /// A configuration value that is still a template placeholder (`ENTER_YOUR_CLIENT_ID`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// A national cloud named in words (GCC High, 21Vianet, AzureUSGovernment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_cloud: Option<String>,
    /// The token is validated by the person's own API (JwtBearer, Spring, express-jwt ...),
    /// not by a Microsoft service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_api: Option<String>,
    /// The failure came with a new version of a library, module or tool: the words about the
    /// change and the words about the breakage, found close together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_change: Option<String>,
    /// A library, module, SDK or tool named with its version (`azure-identity 1.8.1`,
    /// `graph-java v3.1.0`, `Version: 2.10.0`): the quote runs from the name to the number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library_version: Option<String>,
    /// IMAP, POP, SMTP or XOAUTH2 named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_protocol: Option<String>,
    /// A mail-protocol scope asked of Microsoft Graph (`graph.microsoft.com/IMAP.`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_mail_scope: Option<String>,
    /// `/.default` requested together with other scopes.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub default_scope_mixed: bool,
    /// A claims challenge or Continuous Access Evaluation named in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims_challenge: Option<String>,
    /// The app signs in with a client secret (a secret parameter, a secret credential class,
    /// or said in words).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The app signs in with a certificate (a thumbprint, a certificate credential, a client
    /// assertion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// SharePoint's own API is called (REST `_api`, CSOM, PnP), not Microsoft Graph.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharepoint_api: Option<String>,
    /// SharePoint's retired ACS add-in model is used (AppRegNew/AppInv, the ACS token endpoint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharepoint_acs: Option<String>,
    /// A managed identity is used (a managed identity credential, its endpoint, or said so).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_identity: Option<String>,
    /// A user-assigned managed identity is named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_assigned_identity: Option<String>,
    /// The person says nothing changed on their side ("without changing anything", "I changed
    /// no permissions").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_client_change: Option<String>,
}

impl Wording {
    pub fn is_empty(&self) -> bool {
        *self == Wording::default()
    }
}

// Each detector below names the reports or fact sources it rests on where it was added for them.

static APP_ONLY: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r#"client[_ -]credentials?|\bapp[- ]only\b|\bdaemon\b|AcquireTokenForClient|acquire_?token_?for_?client|ClientSecretCredential|ClientCertificateCredential|auth_flow_type\s*(?:=\s*)?['"]credentials|without (?:a )?(?:signed-in )?user|no user (?:login|sign-in|interaction)|application permissions? only|background service"#,
    )
});
// A person signing in themselves, told in words ("signed in with my admin account", "log in
// through the browser", "Auth code acquired"): library reports gh-PowerShell-EWS-Scripts-1, -51,
// -52, gh-sasl-xoauth2-43, gh-msgraph-sdk-powershell-3489, gh-microsoft-graph-docs-3983.
static DELEGATED: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"authori[sz]ation[ _-]code|auth code flow|AcquireTokenInteractive|acquire_?token_?interactive|loginPopup|loginRedirect|acquireTokenSilent|AcquireTokenSilent|signed-in user|AccessAsUser|delegated (?:token|flow|access)|on behalf of|\bOBO\b|(?:sign(?:ed|s)?|log(?:ged|s)?)[ -]?in (?:with|as|using|through|via) (?:my|our|an?|the) (?:own |personal |work |global )?(?:admin(?:istrator)?|user|browser|account|credentials)|(?:log|sign)[ -]?in (?:through|via|in) (?:the |a )?(?:web )?browser|auth(?:ori[sz]ation)? code (?:acquired|grant)|OAuth completed for \S+@|interactive(?:ly)? (?:sign|log)[ -]?in|browser (?:sign|log)[ -]?in",
    )
});
static ROPC: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"grant_type\s*[:=]\s*.?password|AcquireTokenByUsernamePassword|acquire_token_by_username_password|UsernamePasswordCredential|\bROPC\b|resource owner password|username\s*(?:and|/|&)\s*password (?:flow|grant|auth)|headless",
    )
});
static DEVICE_CODE: LazyLock<Caseless> =
    LazyLock::new(|| Caseless::new(r"device[ _-]?code|AcquireTokenWithDeviceCode|devicelogin"));
static BROWSER: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"msal[.-]?js|msal-browser|@azure/msal-(?:browser|angular|react)|loginPopup|loginRedirect|acquireTokenPopup|single[- ]page|\bSPA\b|cross-origin",
    )
});
static PERSONAL: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"personal (?:microsoft )?accounts?|\bMSA\b|consumer accounts?|(?:outlook\.com|hotmail|live\.com) accounts?|personal (?:outlook|hotmail|email)",
    )
});
static GUEST: LazyLock<Caseless> =
    LazyLock::new(|| Caseless::new(r"\bguest (?:user|account)s?\b|#EXT#|\bB2B\b|external users?"));
static PLACEHOLDER: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"\benter[_ ]?(?:your|the)[_ ]?[a-z_]*(?:id|secret|tenant|here)\b|\byour[_-](?:client|app|application|tenant)[_-]?(?:id|secret)\b|<(?:your|client|tenant|app)[^>]{0,30}>",
    )
});
/// `client_id_here`: apart from the rest of [`PLACEHOLDER`] because it starts with no literal,
/// so it is tried only near a `_here`.
static PLACEHOLDER_HERE: LazyLock<Caseless> = LazyLock::new(|| Caseless::new(r"\b[a-z_]*_here\b"));
/// National clouds by the names people give them (Microsoft's national cloud deployment
/// documentation: GCC High and DoD on graph.microsoft.us, 21Vianet in China).
static NATIONAL_CLOUD: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"\bgcc[ -]?high\b|\bgcc[ -]?moderate\b|\bDoD (?:tenant|cloud|environment)|21\s?vianet|\bAzure ?China\b|AzureChinaCloud|\bchina cloud\b|AzureUSGovernment|\bUS ?Gov(?:ernment)? ?cloud|\bgovernment (?:cloud|tenant)|\bsovereign cloud|\bnational cloud",
    )
});
/// The person's own API validates the token: ASP.NET Core's JwtBearer and Microsoft.Identity.Web,
/// Spring Security's resource server, express-jwt, passport-azure-ad (dev reports
/// gh-aspnetcore-webapp-oidc-v2-216, gh-microsoft-identity-web-3212; library reports with IDX10214).
static OWN_API: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"AddJwtBearer|JwtBearer|AddMicrosoftIdentityWebApi|Microsoft\.Identity\.Web|spring[- ]security|oauth2ResourceServer|spring\.security\.oauth2|express-jwt|expressjwt|passport-azure-ad|BearerStrategy|jwt\.verify|JwtSecurityTokenHandler|TokenValidationParameters|\bmy (?:own )?(?:web )?api\b|\bour (?:own )?(?:web )?api\b|\bcustom api\b|\bprotected api\b",
    )
});
/// Words about a new version: the change itself.
static VERSION_MOVE: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"upgrad|\bupdat(?:ed|ing|es?)(?:[ ,.;:!)]|$)|new(?:er|est)? (?:version|release|module|package)|latest (?:version|release|module|package)|since (?:version |v)?\d|after installing|moved to (?:version |v)?\d|bump(?:ed)? (?:to|the)|release \d|version \d",
    )
});
/// Words about breakage that follows a version change.
static VERSION_BREAK: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"\bbroke|\bbreak|stopped working|no longer work|doesn't work anymore|does not work anymore|not working anymore|used to work|worked (?:fine |well |perfectly )?(?:before|previously|until|on|in|with)|was working|(?:started|began|begins|starts) (?:to )?(?:fail|happen|throw|get|return)|regression|works? (?:fine |again )?(?:on|with|in) (?:the )?(?:previous|older|old|earlier)|everything works",
    )
});
/// Going back to an earlier version, or comparing with one that works: evidence of a version
/// problem on its own (library reports gh-exchangelib-682, gh-ms-365-mcp-server-413,
/// gh-msgraph-sdk-dotnet-1095, gh-office-docs-powershell-9082, gh-scubagear-1115,
/// gh-pnpjs-2102, gh-msgraph-sdk-powershell-3489).
static VERSION_BACK: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"downgrad|roll(?:ed|ing)? ?back\b|revert(?:ed|ing)? to (?:version |v)?\d|go(?:ing)? back to (?:version |v|the )?[\d.]*|pinn?(?:ed|ing)? (?:to |the |an? )?(?:earlier|older|previous|version|v?\d)|-RequiredVersion|(?:did not|didn't|does not|doesn't) happen (?:with|in|on|before) (?:the )?(?:\w+ )?(?:version|v?\d)|(?:older|previous|earlier) (?:module |sdk |package |library )?versions? (?:still |did |worked|work)|versions? tried\b|works? (?:fine |again )?(?:with|on|in) (?:version |v)?\d+\.\d|\bon (?:version |v)?\d+\.\d[\d.]* (?:it|the \w+|everything) (?:works|behaves)",
    )
});
static DEFAULT_MIXED: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"scopes?[^\n]{0,12}[=:][^\n]{0,200}?(?:/\.default[ +,]+['\x22]?[A-Za-z]|[A-Za-z]\.[A-Za-z]+['\x22]?[ +,]+['\x22]?https?://\S+/\.default)",
    )
});
static GRAPH_MAIL_SCOPE: LazyLock<Caseless> =
    LazyLock::new(|| Caseless::new(r"graph\.microsoft\.com/(?:IMAP|POP|SMTP)\."));
static MAIL_PROTOCOL: LazyLock<Caseless> =
    LazyLock::new(|| Caseless::new(r"\b(?:IMAP|POP3?|SMTP|XOAUTH2)\b"));
static CLAIMS_CHALLENGE: LazyLock<Caseless> =
    LazyLock::new(|| Caseless::new(r"claims challenge|continuous access evaluation"));
/// The app's credential is a client secret: the parameter and class names of MSAL, Azure
/// Identity, PnP and the OAuth token request, or the words (library reports
/// gh-office365-rest-python-client-108, gh-pnpjs-1169, gh-sp-dev-docs-3711).
static CLIENT_SECRET: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"client[_ -]?secret|ClientSecretCredential|WithClientSecret|app(?:lication)? secret|secret value",
    )
});
/// The app's credential is a certificate (MSAL's WithCertificate, Azure Identity's
/// ClientCertificateCredential, PnP's -Thumbprint, the OAuth client_assertion).
static CERTIFICATE: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"client_assertion|ClientCertificateCredential|WithCertificate|CertificateThumbprint|-Thumbprint|CertificatePath|CertificateBase64|\.pfx\b|certificate[- ]based|with a certificate|using a certificate",
    )
});
/// SharePoint's own API: its REST endpoints under `/_api/`, the CSOM client, PnP's libraries
/// and cmdlets, the Python client for SharePoint (SharePoint's app-only documentation: these
/// accept app-only tokens from certificates only).
static SHAREPOINT_API: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"/_api/|_vti_bin|SPFetchClient|ClientContext|\bCSOM\b|Connect-PnPOnline|PnP\.Framework|PnP\.PowerShell|@pnp/|office365-rest-python-client|office365\.sharepoint|sharepoint online|sharepoint rest",
    )
});
/// SharePoint's retired ACS add-in model: its token endpoint, the pages that register and grant
/// add-ins, and the helpers that fetch ACS tokens (SharePoint's ACS retirement notice).
static SHAREPOINT_ACS: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"accesscontrol\.windows\.net|AppRegNew|AppInv|GetACSAppOnlyContext|GetAppOnlyAuthenticatedContext|TokenHelper",
    )
});
/// A managed identity: the Azure Identity and MSAL credential names, the environment and
/// addresses of its endpoints (App Service, Functions, Container Apps, the VM's IMDS).
static MANAGED_IDENTITY: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"managed[ -]identit|ManagedIdentityCredential|ManagedIdentity|AppServiceMSICredentials|\bMSI\b|MSI_ENDPOINT|IDENTITY_ENDPOINT|IDENTITY_HEADER|169\.254\.169\.254|/msi/token|/metadata/identity",
    )
});
/// Nothing changed on the caller's side: in the case library 8 pastes say so, and the answer
/// was a service incident or a library version in half of them, causes behind about one
/// report in fifty otherwise (gh-msal-android-267, gh-msgraph-sdk-dotnet-215).
static NO_CLIENT_CHANGE: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"without (?:me |us |anyone |any(?:thing)? )?chang(?:ing|e|es)\b|\b(?:i|we) (?:have )?changed (?:nothing|no\b)|nothing (?:has |was )?changed|no changes? (?:on our side|were made|from our side)|didn.t change anything|did not change anything|\b(?:i|we) (?:have |had )?(?:not|n.t|never) (?:changed|touched|modified) (?:it|anything|the code|a thing|my code|our code)|\bno (?:code|config(?:uration)?) changes?\b|(?:has|had) been (?:running|working) (?:fine |well )?for (?:months|weeks|years|a year|\d+)|worked (?:fine |well )?(?:until|till|up to) (?:yesterday|today|this morning|last week)|\bsuddenly (?:started (?:to fail|failing|throwing|returning)|stopped working)|started failing (?:today|yesterday|this morning|overnight)",
    )
});
static USER_ASSIGNED: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(r"user[- ]assigned|ManagedIdentityClientId|managed_identity_client_id")
});

/// How far apart (in bytes) the words about a version change and about the breakage may be
/// to count as one statement: about two sentences.
const VERSION_WINDOW: usize = 240;

pub(super) fn extract_wording(haystack: &Haystack) -> Wording {
    let quote = |detector: &Caseless| detector.find(haystack).map(|m| m.as_str().to_string());
    let near_here = haystack.lines_around(haystack.marks(&["_here"]));
    let placeholder = PLACEHOLDER
        .find(haystack)
        .into_iter()
        .chain(PLACEHOLDER_HERE.captures_in(haystack, &near_here).find_map(|c| c.get(0)))
        .min_by_key(|m| m.start())
        .map(|m| m.as_str().to_string());
    Wording {
        app_only: quote(&APP_ONLY),
        delegated: DELEGATED
            .find_iter(haystack)
            .take(64)
            .find(|m| !negated(haystack.lower(), m.start()))
            .map(|m| m.as_str().to_string()),
        ropc: quote(&ROPC),
        device_code: quote(&DEVICE_CODE),
        browser: quote(&BROWSER),
        personal_account: quote(&PERSONAL),
        guest_account: quote(&GUEST),
        placeholder,
        national_cloud: quote(&NATIONAL_CLOUD),
        own_api: quote(&OWN_API),
        version_change: version_change(haystack),
        library_version: library_version(haystack),
        mail_protocol: quote(&MAIL_PROTOCOL),
        graph_mail_scope: quote(&GRAPH_MAIL_SCOPE),
        default_scope_mixed: DEFAULT_MIXED.is_match(haystack),
        claims_challenge: quote(&CLAIMS_CHALLENGE),
        client_secret: quote(&CLIENT_SECRET),
        certificate: quote(&CERTIFICATE),
        sharepoint_api: quote(&SHAREPOINT_API),
        sharepoint_acs: quote(&SHAREPOINT_ACS),
        managed_identity: quote(&MANAGED_IDENTITY),
        user_assigned_identity: quote(&USER_ASSIGNED),
        no_client_change: quote(&NO_CLIENT_CHANGE),
    }
}

/// Words that turn the phrase after them around: "without a signed-in user", "no signed-in
/// user" describe an app-only flow, not a delegated one (library reports
/// gh-microsoft-graph-docs-13457, gh-microsoft-graph-docs-4920).
fn negated(lower: &str, at: usize) -> bool {
    // Only the few words before the phrase matter: a bounded look back keeps this linear.
    let from = crate::text::boundary_at_or_after(lower, at.saturating_sub(32));
    let before = lower[from..at].trim_end_matches(' ');
    ["without a", "without", "no", "not a", "not", "not as a", "no need for a"].iter().any(|word| {
        before.ends_with(word)
            && before[..before.len() - word.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// A three-part version number (`1.8.1`, `v3.1.0`, `2.0.0-preview`), standing alone: not
/// part of an address (`10.0.0.1`) or a longer dotted number.
static VERSION_NUMBER: LazyLock<regex::Regex> =
    LazyLock::new(|| crate::text::re(r"\bv?\d{1,3}\.\d{1,3}\.\d{1,5}\b"));
/// Words that make a version number a library's: said just before it.
static VERSION_OWNER: LazyLock<regex::Regex> = LazyLock::new(|| {
    crate::text::re(r"(?i)version|\bsdk|module|package|library|nuget|\bnpm\b|\bpip\b|@|\bv\d")
});
/// How far before a version number its owner's words are looked for.
const VERSION_OWNER_WINDOW: usize = 60;

/// The first library named with its version. In the case library, a paste that names one is
/// a version problem about a third of the time (16 of 44 reports), against one in ten when
/// none is named (30 of 303): evidence for a regression, never proof.
fn library_version(haystack: &Haystack) -> Option<String> {
    let text = haystack.text();
    for m in VERSION_NUMBER.find_iter(text).take(64) {
        let bytes = text.as_bytes();
        let before_dot = m.start() > 0 && matches!(bytes[m.start() - 1], b'.' | b'-');
        let after_dot = bytes.get(m.end()) == Some(&b'.')
            && bytes.get(m.end() + 1).is_some_and(u8::is_ascii_digit);
        if before_dot || after_dot {
            continue;
        }
        let start =
            crate::text::boundary_at_or_after(text, m.start().saturating_sub(VERSION_OWNER_WINDOW));
        let window = &text[start..m.end()];
        if let Some(owner) = VERSION_OWNER.find(window) {
            let line_start = window[..owner.start()].rfind('\n').map_or(0, |i| i + 1);
            // A window cut inside a word starts the quote at the next whole word.
            let cut_word = line_start == 0
                && start > 0
                && !text[..start].ends_with(char::is_whitespace)
                && !window.starts_with(char::is_whitespace);
            let from =
                if cut_word { window.find(char::is_whitespace).unwrap_or(0) } else { line_start };
            let quote: String = window[from..].split_whitespace().collect::<Vec<_>>().join(" ");
            return Some(crate::text::first_chars(&quote, 80).to_string());
        }
    }
    None
}

/// A version change told around the failure: going back to an earlier version, or the words
/// of a change and of a breakage within [`VERSION_WINDOW`] of each other. The quote runs from
/// the first of the two to the end of the second.
fn version_change(haystack: &Haystack) -> Option<String> {
    if let Some(back) = VERSION_BACK.find(haystack) {
        return Some(back.as_str().to_string());
    }
    let moves: Vec<Range<usize>> =
        VERSION_MOVE.find_iter(haystack).take(64).map(|m| m.start()..m.end()).collect();
    if moves.is_empty() {
        return None;
    }
    let text = haystack.text();
    for broke in VERSION_BREAK.find_iter(haystack).take(64) {
        let close = moves.iter().find(|m| {
            m.end.abs_diff(broke.start()) <= VERSION_WINDOW
                || broke.end().abs_diff(m.start) <= VERSION_WINDOW
        });
        if let Some(m) = close {
            let (start, end) = (m.start.min(broke.start()), m.end.max(broke.end()));
            let quote: String = text[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
            let cut = crate::text::first_chars(&quote, 100);
            return Some(if cut.len() < quote.len() { format!("{cut}…") } else { quote });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wording(text: &str) -> Wording {
        extract_wording(&Haystack::new(text))
    }

    #[test]
    fn a_library_version_needs_its_owner_named_just_before_it() {
        let named = wording("Using azure-identity package 1.8.1 on Python 3.11");
        assert_eq!(named.library_version.as_deref(), Some("Using azure-identity package 1.8.1"));
        let cut = wording(&format!(
            "{}Install-Module -Name ExchangeOnlineManagement -RequiredVersion 2.0.4",
            "x ".repeat(20)
        ));
        assert_eq!(
            cut.library_version.as_deref(),
            Some("-Name ExchangeOnlineManagement -RequiredVersion 2.0.4"),
            "a quote starts at a whole word"
        );
        let tagged = wording("Microsoft.Graph module version: 2.10.0");
        assert!(tagged.library_version.is_some());
        assert!(wording("connecting from 10.0.0.1 failed").library_version.is_none());
        assert!(wording("it failed 3 times at 1.2.3 seconds").library_version.is_none());
    }

    #[test]
    fn a_version_change_needs_the_change_and_the_breakage_close_together() {
        let told = wording("This used to work on an earlier module version and broke after I upgraded the modules.");
        assert!(told.version_change.is_some());
        let back = wording("Downgrading to 2.25.0 fixes it for now.");
        assert_eq!(back.version_change.as_deref(), Some("Downgrad"));
        // An upgrade mentioned with no breakage near it is not a version change.
        let far = format!("I upgraded the SDK. {} It stopped working.", "filler words ".repeat(40));
        assert_eq!(wording(&far).version_change, None);
        assert_eq!(wording("Please update the docs.").version_change, None);
    }

    #[test]
    fn a_signed_in_user_denied_is_not_a_delegated_flow() {
        assert!(wording("reading presence with the app's token (no signed-in user)")
            .delegated
            .is_none());
        assert!(wording("chat messages, without a signed-in user.").delegated.is_none());
        assert!(wording("the signed-in user gets a 403").delegated.is_some());
        assert!(wording("I know a signed-in user is needed").delegated.is_some());
    }

    #[test]
    fn signing_in_oneself_is_a_delegated_flow() {
        for told in [
            "signed in with my admin account",
            "I log in through the browser and get a token",
            "Auth code acquired, attempting to obtain access token",
            "VERBOSE: OAuth completed for admin@contoso.com",
            "after an interactive sign-in",
        ] {
            assert!(wording(told).delegated.is_some(), "{told}");
        }
        assert!(wording("the app signs in with a certificate").delegated.is_none());
    }

    #[test]
    fn credentials_sharepoint_and_managed_identities_are_read_from_words() {
        let spo = wording("new SPFetchClient(siteUrl, clientId, clientSecret)");
        assert_eq!(spo.sharepoint_api.as_deref(), Some("SPFetchClient"));
        assert_eq!(spo.client_secret.as_deref(), Some("clientSecret"));
        assert!(spo.certificate.is_none());
        let cert = wording("Connect-PnPOnline -Url $site -ClientId $id -Thumbprint $t -Tenant x");
        assert!(cert.certificate.is_some() && cert.sharepoint_api.is_some());
        // A SharePoint site named in a Graph call is not SharePoint's own API.
        assert!(wording("GET /sites/contoso.sharepoint.com:/sites/hr").sharepoint_api.is_none());
        let acs = wording("POST https://accounts.accesscontrol.windows.net/x/tokens/OAuth/2");
        assert_eq!(acs.sharepoint_acs.as_deref(), Some("accesscontrol.windows.net"));
        assert!(wording("registered on AppRegNew.aspx").sharepoint_acs.is_some());
        let mi = wording("ManagedIdentityCredential with a user-assigned identity");
        assert!(mi.managed_identity.is_some() && mi.user_assigned_identity.is_some());
        assert!(wording("a system-assigned identity").user_assigned_identity.is_none());
        let unchanged = wording("now it seems fine again without me changing anything");
        assert_eq!(unchanged.no_client_change.as_deref(), Some("without me changing"));
        assert!(wording("I changed no permissions").no_client_change.is_some());
        // A failure that began on its own (library reports gh-msgraph-sdk-python-440,
        // gh-msgraph-sdk-powershell-1901, gh-sharepy-63).
        assert!(wording("The script suddenly started failing").no_client_change.is_some());
        assert!(wording("I have not changed it in months").no_client_change.is_some());
        assert!(wording("after changing the redirect URI").no_client_change.is_none());
    }

    #[test]
    fn national_clouds_and_own_apis_are_read_from_words() {
        assert_eq!(wording("our GCC High tenant").national_cloud.as_deref(), Some("GCC High"));
        assert_eq!(wording("the global cloud").national_cloud, None);
        assert!(wording("services.AddMicrosoftIdentityWebApi(Configuration)").own_api.is_some());
        assert!(wording("calling Graph from a console app").own_api.is_none());
    }
}
