//! Pastes shaped to find super-linear work: each a line repeated, or numbered, to any size.
//! The complexity tests, the fuzz seeds and `examples/hostile.rs` all use these; every
//! extractor, matcher step and lookup must stay about linear over each of them.

/// A hostile shape: its name and a function that makes a paste of about `bytes` bytes.
pub type Shape = (&'static str, fn(usize) -> Vec<u8>);

/// `line(n)` for n = 0, 1, 2, ... until the paste has `bytes` bytes.
fn numbered(bytes: usize, line: impl Fn(usize) -> String) -> Vec<u8> {
    let mut out = String::with_capacity(bytes + 128);
    let mut n = 0;
    while out.len() < bytes {
        out.push_str(&line(n));
        n += 1;
    }
    out.truncate(bytes);
    while !out.is_char_boundary(out.len()) {
        out.pop();
    }
    out.into_bytes()
}

fn repeated(bytes: usize, unit: &str) -> Vec<u8> {
    numbered(bytes, |_| unit.to_string())
}

/// Every hostile shape, by name.
pub fn shapes() -> Vec<Shape> {
    vec![
        ("dotted-words", |b| repeated(b, "a.")),
        ("dotted-names", |b| repeated(b, "Azure.Identity.")),
        ("jwt-headers-dotted", |b| repeated(b, "eyJAAAA.")),
        ("jwt-many", |b| {
            numbered(b, |n| format!("eyJhbGciOiJub25lIn0.eyJhdWQiOiJ{n}In0.c2lnbmF0dXJl{n} "))
        }),
        ("distinct-aadsts", |b| numbered(b, |n| format!("AADSTS{} ", 100_000 + n))),
        ("tenant-identifiers", |b| numbered(b, |n| format!("tenant identifier 't{n}'\n"))),
        ("authorities", |b| {
            numbered(b, |n| {
                format!("https://login.microsoftonline.com/t{n}.com/oauth2/v2.0/token ")
            })
        }),
        ("urls-one-line", |b| {
            numbered(b, |n| format!("https://graph.microsoft.com/v1.0/users/{n}?$select=x "))
        }),
        ("urls-lines", |b| {
            numbered(b, |n| format!("GET https://graph.microsoft.com/v1.0/users/{n}\n"))
        }),
        ("curl-line", |b| numbered(b, |n| format!("curl -X POST https://a{n}.example.com/ "))),
        ("grant-types", |b| numbered(b, |n| format!("grant_type=g{n}x&"))),
        ("scopes", |b| numbered(b, |n| format!("scope=https://a{n}.example.com/.default "))),
        ("messages", |b| numbered(b, |n| format!("\"message\": \"failed {n}\", "))),
        ("quoted-codes", |b| numbered(b, |n| format!("{{\"code\": \"ErrorThing{n}\"}}\n"))),
        ("loose-codes", |b| numbered(b, |n| format!("error code: SomethingWrong{n} "))),
        ("exceptions", |b| numbered(b, |n| format!("Error FooBar{n}Exception "))),
        ("client-secrets", |b| numbered(b, |n| format!("client_secret=abc8Q~{n:0>34}& "))),
        ("users", |b| numbered(b, |n| format!("user{n}@contoso{n}.com "))),
        ("ids", |b| numbered(b, |n| format!("request-id: {n:0>8}-0000-0000-0000-000000000000\n"))),
        ("timestamps", |b| {
            numbered(b, |n| {
                format!(
                    "Timestamp: 2024-01-{:02} 10:{:02}:{:02}Z\n",
                    n % 28 + 1,
                    n / 60 % 60,
                    n % 60
                )
            })
        }),
        ("statuses", |b| numbered(b, |n| format!("returned {} error ", 400 + n % 100))),
        ("cmdlets", |b| numbered(b, |n| format!("Get-MgUser{n} "))),
        ("claims-json", |b| repeated(b, "{\"aud\":")),
        ("open-braces", |b| repeated(b, "{")),
        ("open-brackets", |b| repeated(b, "[")),
        ("html-entities", |b| repeated(b, "eyJ&#46;")),
        ("json-escapes", |b| repeated(b, "\\\"a\\n")),
        ("one-word", |b| repeated(b, "a")),
        ("words", |b| numbered(b, |n| format!("token{} ", n % 5000))),
        ("www-authenticate", |b| {
            numbered(b, |n| format!("WWW-Authenticate: Bearer error=\"e{n}\", claims=\"x\"\n"))
        }),
        ("sdk-chains", |b| repeated(b, "graphClient.Me.Messages")),
        ("percent", |b| repeated(b, "%4")),
        ("jwt-wrapped-lines", |b| repeated(b, "eyJhbGciOiJSUzI1NiJ9eyJhbGciOiJSUzI1NiJ9\n")),
        ("jwt-separators", |b| repeated(b, "eyJhbGciOiJSUzI1NiJ9&#46;")),
        ("jwt-signatures", |b| repeated(b, "eyJhbGciOiJSUzI1NiJ9.eyJ0IjoxfQ.AbCd+/== ")),
        ("pretty-headers", |b| repeated(b, "ewogICJhbGciOiAiUlMyNTYiCn0.")),
        ("e-runs", |b| repeated(b, "eyeyeweyew")),
        ("secret-keys", |b| repeated(b, "password=client_secret=")),
        ("basic-auth", |b| repeated(b, "Authorization: Basic ")),
        ("url-userinfo", |b| repeated(b, "https://u:")),
        ("live-secret-shapes", |b| repeated(b, "abc8Q~")),
        ("opaque-tokens", |b| repeated(b, "EwA")),
    ]
}

/// A fragment of every signature in [`token_shapes`]: no output may hold it.
pub const SIGNATURE_PROBE: &str = "S1gNaTuRe";
/// A fragment of every secret in [`secret_formats`]: no output may hold it.
pub const SECRET_PROBE: &str = "Hunter2Zq";
/// An Entra client secret value (the shape, not a real one); it holds [`SECRET_PROBE`].
pub const LIVE_SECRET: &str = "abc8Q~Hunter2Zq_Hunter2Zq.Hunter2Zq-abcde";

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A token's parts: a header of `header_json`, a Graph payload, an RS256-long signature made
/// of [`SIGNATURE_PROBE`] (with `+`, `/` and padding when `standard`).
fn token_parts(header_json: &str, standard: bool) -> (String, String, String) {
    let payload = r#"{"aud":"https://graph.microsoft.com","iss":"https://sts.windows.net/950a4376-c358-4553-980a-9ba773e48dff/","tid":"950a4376-c358-4553-980a-9ba773e48dff","appid":"5a1c0e77-1b2d-4c3e-9f40-6d2b8a9e0f11","roles":["Mail.Read"],"exp":1700003600,"iat":1700000000,"nbf":1700000000,"idtyp":"app","ver":"1.0"}"#;
    let unit = if standard { "S1gNaTuRe+/" } else { "S1gNaTuRe_-" };
    let mut signature: String = unit.repeat(32)[..340].to_string();
    signature.push_str(if standard { "==" } else { "Ab" });
    (base64url(header_json.as_bytes()), base64url(payload.as_bytes()), signature)
}

/// Every shape a token is pasted in, each in a line of context: name and paste text. Every
/// one holds a signature made of [`SIGNATURE_PROBE`].
pub fn token_shapes() -> Vec<(&'static str, String)> {
    let compact = r#"{"typ":"JWT","alg":"RS256","kid":"abc"}"#;
    let (h, p, s) = token_parts(compact, false);
    let (_, _, standard) = token_parts(compact, true);
    let (spaced, ..) = token_parts(r#"{ "typ": "JWT", "alg": "RS256" }"#, false);
    let (pretty, ..) = token_parts("{\n  \"typ\": \"JWT\",\n  \"alg\": \"RS256\"\n}", false);
    let token = format!("{h}.{p}.{s}");
    let wrapped: Vec<String> = token
        .as_bytes()
        .chunks(76)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect();
    vec![
        ("bearer", format!("Authorization: Bearer {token}")),
        (
            "wrapped-lines",
            format!("Authorization: Bearer {}\nHTTP/1.1 401", wrapped.join("\n    ")),
        ),
        ("wrapped-json-escapes", format!(r#"{{"token": "{}"}}"#, wrapped.join("\\n"))),
        ("entity-dots", format!("Bearer {h}&#46;{p}&#46;{s}")),
        ("entity-dots-json-wraps", format!(r#"{{"token": "{h}&#46;\n{p}&#46;\n{s}"}}"#)),
        ("percent-dots", format!("token={h}%2E{p}%2E{s}")),
        ("standard-base64-signature", format!("Bearer {h}.{p}.{standard}")),
        ("spaced-header", format!("Bearer {spaced}.{p}.{s}")),
        ("pretty-header", format!("Bearer {pretty}.{p}.{s}")),
        ("glued-percent-20", format!("GET /me?x=Bearer%20{token}")),
        ("glued-letter", format!("tokenx{token} was rejected")),
    ]
}

/// Every format of secret the decoder recognises, in a line of context: name and paste text.
/// Every one holds [`SECRET_PROBE`].
pub fn secret_formats() -> Vec<(&'static str, String)> {
    let live = LIVE_SECRET;
    let word = "Hunter2Zq-Hunter2Zq";
    vec![
        (
            "form-parameter",
            format!("client_id=x&client_secret={live}&grant_type=client_credentials"),
        ),
        (
            "form-parameter-word",
            format!("client_secret={word}&scope=https://graph.microsoft.com/.default"),
        ),
        ("json-property", format!(r#"{{"client_secret": "{word}"}}"#)),
        ("escaped-json", format!(r#"{{\"client_secret\":\"{word}\"}}"#)),
        ("appsettings", format!(r#""ClientSecret": "{word}""#)),
        ("powershell-parameter", format!(r#"Connect-MgGraph -ClientSecret "{word}""#)),
        (
            "powershell-secure-string",
            format!(r#"-ClientSecret (ConvertTo-SecureString "{word}" -AsPlainText -Force)"#),
        ),
        ("msal-builder", format!(r#".WithClientSecret("{word}")"#)),
        ("environment", format!("AZURE_CLIENT_SECRET={word}")),
        ("bare-value", format!("new ClientSecretCredential(tenant, client, \"{live}\")")),
        ("xml", format!("<ClientSecret>{word}</ClientSecret>")),
        ("connection-string", format!("Server=tcp:db;User ID=app;Password={word};Encrypt=True")),
        ("password-parameter", format!("username=alice&password={word}")),
        ("password-line", format!("username: alice\npassword: {word}")),
        ("powershell-password", format!("New-LocalUser -Name app -Password '{word}'")),
        ("pwd", format!("Driver={{SQL}};Uid=app;Pwd={word};")),
        ("url-userinfo", format!("https://app:{word}@example.com/api")),
        (
            "basic-auth",
            format!(
                "Authorization: Basic {}",
                base64url(format!("app:{word}").as_bytes()).replace('_', "/")
            ),
        ),
        (
            "storage-key",
            format!("DefaultEndpointsProtocol=https;AccountName=a;AccountKey={word}==;"),
        ),
        ("refresh-token", format!("refresh_token=0.AAAA{word}&x=1")),
    ]
}

/// The signature or secret fragment `output` leaks, if any.
pub fn leak(output: &str) -> Option<&'static str> {
    let basic = base64url(b"app:Hunter2Zq");
    if output.contains(SIGNATURE_PROBE) {
        Some(SIGNATURE_PROBE)
    } else if output.contains(SECRET_PROBE) {
        Some(SECRET_PROBE)
    } else if output.contains(&basic[..12]) {
        Some("a Basic credential")
    } else {
        None
    }
}

/// One paste per pair of a token shape and a secret format, around an error: name and text.
pub fn privacy_pastes() -> Vec<(String, String)> {
    let mut pastes = Vec::new();
    for (token_name, token) in token_shapes() {
        for (secret_name, secret) in secret_formats() {
            pastes.push((
                format!("{token_name} x {secret_name}"),
                format!("POST https://login.microsoftonline.com/common/oauth2/v2.0/token\n{secret}\n{token}\n{{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. {secret} {token}\"}}\n"),
            ));
        }
    }
    pastes
}
