//! The decoder end to end, on the embedded knowledge base: data-driven regression cases
//! (`tests/cases/<name>/paste.txt` + `expected.toml`), the two seed documents, and pastes
//! meant to break it.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use errdecode_core::{DecodeDocument, DecodeOptions, Decoder};
use serde::Deserialize;

static DECODER: LazyLock<Decoder> = LazyLock::new(|| {
    Decoder::new(errdecode_kb::load_embedded().expect("the embedded knowledge base is valid"))
});

fn decode(paste: &[u8]) -> DecodeDocument {
    DECODER.decode(paste, &DecodeOptions::default())
}

/// A vendored seed paste (`fixtures/`, see its README).
fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(path)
}

/// What a regression case asserts; every field is optional.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expected {
    top_match: Option<String>,
    first_code: Option<String>,
    error_codes: Option<Vec<String>>,
    http_status: Option<u16>,
    #[serde(default)]
    causes_in_top3: Vec<String>,
    #[serde(default)]
    ruled_out: Vec<String>,
    /// Nothing at 0.5 or more: an off-domain or error-free paste.
    #[serde(default)]
    quiet: bool,
}

fn check(name: &str, document: &DecodeDocument, expected: &Expected) -> Vec<String> {
    let mut failures = Vec::new();
    let top = document.matches.first().map(|m| m.id.as_str());
    if let Some(want) = &expected.top_match {
        if top != Some(want.as_str()) || !document.recognised {
            failures.push(format!(
                "{name}: top match {top:?} (recognised: {}), expected {want}",
                document.recognised
            ));
        }
    }
    if let Some(want) = &expected.first_code {
        let got = document.facts.error_codes.first();
        if got != Some(want) {
            failures.push(format!("{name}: first code {got:?}, expected {want}"));
        }
    }
    if let Some(want) = &expected.error_codes {
        if &document.facts.error_codes != want {
            failures
                .push(format!("{name}: codes {:?}, expected {want:?}", document.facts.error_codes));
        }
    }
    if let Some(want) = expected.http_status {
        if document.facts.http_status != Some(want) {
            failures
                .push(format!("{name}: status {:?}, expected {want}", document.facts.http_status));
        }
    }
    let top3: Vec<&str> = document.causes.iter().take(3).map(|c| c.id.as_str()).collect();
    for cause in &expected.causes_in_top3 {
        if !top3.contains(&cause.as_str()) {
            failures.push(format!("{name}: {cause} not in the top three causes {top3:?}"));
        }
    }
    let ruled: Vec<&str> = document.ruled_out.iter().map(|r| r.id.as_str()).collect();
    for cause in &expected.ruled_out {
        if !ruled.contains(&cause.as_str()) {
            failures.push(format!("{name}: {cause} not ruled out ({ruled:?})"));
        }
    }
    if expected.quiet {
        let loudest = document
            .matches
            .iter()
            .map(|m| m.score)
            .chain(document.causes.iter().map(|c| c.confidence))
            .fold(0.0f32, f32::max);
        if loudest >= 0.5 || document.recognised {
            failures.push(format!("{name}: expected no confident answer, loudest was {loudest}"));
        }
    }
    failures
}

#[test]
fn regression_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut names: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    assert!(names.len() >= 10, "the case folder lost its cases");
    let mut failures = Vec::new();
    for dir in names {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let paste = std::fs::read(dir.join("paste.txt")).unwrap();
        let expected: Expected =
            toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap())
                .unwrap_or_else(|e| panic!("{name}/expected.toml: {e}"));
        failures.extend(check(&name, &decode(&paste), &expected));
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn seed_000_forum_post_is_decoded_from_its_own_evidence() {
    let paste =
        std::fs::read(fixture("seeds/000_ee8fd830ad4052b7.txt")).expect("the vendored seed");
    let doc = decode(&paste);
    assert_eq!(doc.facts.http_status, Some(401));
    assert_eq!(
        doc.facts.error_codes.first().map(String::as_str),
        Some("InvalidAuthenticationToken")
    );
    let request = doc.facts.request.as_ref().expect("the request");
    assert_eq!(request.method.as_deref(), Some("GET"));
    assert_eq!(request.template, "/users/{id}/calendar/events");
    assert_eq!(request.host.as_deref(), Some("graph.microsoft.com"));
    assert_eq!(request.api_version.as_deref(), Some("v1.0"));

    let token = doc.facts.tokens.first().expect("the pasted claims");
    assert_eq!(token.tenant_id.as_deref(), Some("950a4376-c358-4553-980a-9ba773e48dff"));
    assert_eq!(token.version.as_deref(), Some("1.0"));
    assert_eq!(format!("{:?}", token.flow), "AppOnly");
    assert_eq!(format!("{:?}", token.audience_service), "Some(MicrosoftGraph)");

    assert_eq!(doc.matches[0].id, "graph-invalid-authentication-token");
    let ruled: Vec<&str> = doc.ruled_out.iter().map(|r| r.id.as_str()).collect();
    for cause in [
        "audience-mismatch",
        "missing-permission",
        "delegated-permission-used-with-client-credentials",
    ] {
        assert!(ruled.contains(&cause), "{cause} should be ruled out by the token: {ruled:?}");
    }
    let audience = doc.ruled_out.iter().find(|r| r.id == "audience-mismatch").unwrap();
    assert!(audience.because.contains("https://graph.microsoft.com"), "{}", audience.because);
    let permission = doc.ruled_out.iter().find(|r| r.id == "missing-permission").unwrap();
    assert!(permission.because.contains("Calendars.Read"), "{}", permission.because);

    let causes: Vec<&str> = doc.causes.iter().take(5).map(|c| c.id.as_str()).collect();
    for cause in [
        "cross-tenant-token",
        "no-exchange-mailbox",
        "tenant-without-exchange-online",
        "sent-token-differs",
    ] {
        assert!(causes.contains(&cause), "{cause} should be among the top causes: {causes:?}");
    }
    // The suspects the token cannot exclude are backed by the paste itself, not only by priors
    // (the base rate is kept apart from the evidence lines).
    let backed = ["cross-tenant-token", "no-exchange-mailbox", "sent-token-differs"];
    for cause in doc.causes.iter().filter(|c| backed.contains(&c.id.as_str())) {
        assert!(
            !cause.evidence.is_empty() && cause.base_rate.is_some(),
            "{} has too little evidence: {:?}",
            cause.id,
            cause.evidence
        );
    }
}

#[test]
fn seed_002_error_page_matches_the_graph_401_entry() {
    let paste =
        std::fs::read(fixture("seeds/002_b8b16c04b5770224.txt")).expect("the vendored seed");
    let doc = decode(&paste);
    assert!(doc.recognised);
    assert!(
        // The page fixes it with Disconnect-MgGraph / Connect-MgGraph: the Graph PowerShell 401 fits too.
        ["graph-invalid-authentication-token", "graph-401-unauthorized", "mgps-401-unauthorized"]
            .contains(&doc.matches[0].id.as_str()),
        "{:?}",
        doc.matches.iter().map(|m| &m.id).collect::<Vec<_>>()
    );
    assert_eq!(doc.facts.http_status, Some(401));
}

/// The same paste gives the same document every time, also from a freshly built decoder (hash
/// maps are seeded anew for each one, so an answer that hung on their order would vary).
#[test]
fn decoding_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut pastes: Vec<PathBuf> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path().join("paste.txt")).collect();
    pastes.push(fixture("seeds/000_ee8fd830ad4052b7.txt"));
    pastes.retain(|path| path.exists());
    let fresh =
        Decoder::new(errdecode_kb::load_embedded().expect("the embedded knowledge base is valid"));
    for path in pastes {
        let paste = std::fs::read(&path).unwrap();
        let first = serde_json::to_string(&decode(&paste)).unwrap();
        for _ in 0..3 {
            assert_eq!(serde_json::to_string(&decode(&paste)).unwrap(), first, "{path:?}");
        }
        let again = serde_json::to_string(&fresh.decode(&paste, &DecodeOptions::default()));
        assert_eq!(again.unwrap(), first, "{path:?} from a new decoder");
    }
}

/// A rule with `when` counts only when every signal it names fires too: the client secret
/// counts for `spo-app-only-needs-certificate` next to SharePoint's own API, not next to a
/// Graph call.
#[test]
fn a_rule_with_when_needs_every_signal() {
    let evidence_for = |paste: &str| -> Vec<String> {
        let document = decode(paste.as_bytes());
        document
            .causes
            .iter()
            .filter(|c| c.id == "spo-app-only-needs-certificate")
            .flat_map(|c| c.evidence.clone())
            .collect()
    };
    let secret = "The daemon signs in with its client secret and gets 403 Forbidden";
    let sharepoint = evidence_for(&format!(
        "{secret} from GET https://contoso.sharepoint.com/sites/hr/_api/web/lists"
    ));
    assert!(sharepoint.iter().any(|line| line.contains("client secret")), "{sharepoint:?}");
    let graph = evidence_for(&format!(
        "{secret} from GET https://graph.microsoft.com/v1.0/sites/root/lists"
    ));
    assert!(!graph.iter().any(|line| line.contains("client secret")), "{graph:?}");
}

/// Decodes within a generous bound; the point is "no hang", the speed is measured in benches.
fn decode_bounded(paste: &[u8]) -> DecodeDocument {
    let started = Instant::now();
    let doc = decode(paste);
    assert!(started.elapsed() < Duration::from_secs(20), "decoding took {:?}", started.elapsed());
    doc
}

#[test]
fn bad_input_gets_a_best_effort_answer() {
    let empty = decode_bounded(b"");
    assert!(!empty.recognised);
    assert!(empty.summary.contains("empty"), "{}", empty.summary);

    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let random: Vec<u8> = (0..1_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let doc = decode_bounded(&random);
    assert!(!doc.recognised);

    let line = "2025-01-01T00:00:00Z INFO GET https://graph.microsoft.com/v1.0/users 200 OK\n";
    let mut big = line.repeat(10_000_000 / line.len());
    big.push_str("{\"error\":{\"code\":\"ErrorAccessDenied\",\"message\":\"Access is denied.\"}}");
    let doc = decode_bounded(big.as_bytes());
    assert!(doc.notes.iter().any(|n| n.contains("only the first")), "{:?}", doc.notes);

    let deep = "{\"a\":".repeat(50_000) + &"}".repeat(50_000);
    decode_bounded(deep.as_bytes());
    let deep_arrays = "[".repeat(50_000);
    decode_bounded(deep_arrays.as_bytes());

    let unclosed = format!("{{\"aud\": \"{}", "x".repeat(3_000_000));
    decode_bounded(unclosed.as_bytes());
}

#[test]
fn broken_jwts_are_decoded_as_far_as_they_go() {
    // A Graph-like token cut in the middle of its payload, with a damaged tail.
    let header = "eyJ0eXAiOiJKV1QiLCJub25jZSI6ImFiYyIsImFsZyI6IlJTMjU2In0";
    let payload = "eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJ0aWQiOiI5NTBhNDM3Ni1jMzU4LTQ1NTMtOTgwYS05YmE3NzNlNDhkZmYiLCJyb2xlcyI6WyJNYWlsLlJlYWQiXSwiZXhwIjoxNzAwMDAwMDAw";
    let paste = format!("Authorization: Bearer {header}.{}!!%%", &payload[..payload.len() - 10]);
    let doc = decode(paste.as_bytes());
    let token = doc.facts.tokens.first().expect("a partly decoded token");
    assert_eq!(token.audience.as_deref(), Some("https://graph.microsoft.com"));
    assert!(!token.problems.is_empty(), "the truncation should be reported");
    assert!(token.notes.iter().any(|n| n.contains("nonce")), "{:?}", token.notes);
}

#[test]
fn signatures_never_leave_the_decoder() {
    let signature = "Zm9vYmFyYmF6cXV4c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1iZS1lY2hvZWQ";
    let paste = format!(
        "GET https://graph.microsoft.com/v1.0/me\nAuthorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJzY3AiOiJVc2VyLlJlYWQiLCJleHAiOjQxMDI0NDQ4MDB9.{signature}\n401 Unauthorized"
    );
    let doc = DECODER.decode(
        paste.as_bytes(),
        &DecodeOptions { now: Some(1_700_000_000), ..Default::default() },
    );
    let json = serde_json::to_string(&doc).unwrap();
    assert!(!json.contains(signature), "the signature was echoed");
    assert!(doc.warnings.iter().any(|w| w.kind == "live-token"), "{:?}", doc.warnings);
}

#[test]
fn hostile_markup_is_data_not_code() {
    let doc = decode(b"<script>alert('x')</script><img src=x onerror=alert(1)> AADSTS50011: The redirect URI <b>bad</b> does not match");
    assert_eq!(doc.matches[0].id, "aadsts50011");
}
