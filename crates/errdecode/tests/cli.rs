//! The `errdecode` binary as a user runs it: real processes, real files, exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn errdecode() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_errdecode"));
    command.env("NO_COLOR", "1").current_dir(repo());
    command
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fact sources beside the checkout, for the `#[ignore]`d checks `.ci/run` runs.
fn shared(path: &str) -> PathBuf {
    repo().join("../shared").join(path)
}

/// A vendored input (`fixtures/`, see its README).
fn fixture(path: &str) -> PathBuf {
    repo().join("fixtures").join(path)
}

fn run(args: &[&str]) -> Output {
    errdecode().args(args).output().expect("run errdecode")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = errdecode()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        // The reader may stop early (a cut paste); a broken pipe here is expected.
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

#[test]
fn decodes_the_readme_example() {
    let output = run(&["decode", "examples/graph-calendar-401.txt"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("InvalidAuthenticationToken"), "{text}");
    assert!(text.contains("Likely causes"), "{text}");
    assert!(text.contains("Ruled out by the paste"), "{text}");
    assert!(!text.contains('\u{1b}'), "NO_COLOR must give plain text");
}

#[test]
fn json_output_is_the_decode_document() {
    let output = run(&[
        "decode",
        "--format",
        "json",
        fixture("seeds/000_ee8fd830ad4052b7.txt").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let doc = json(&output);
    assert_eq!(doc["schema"], "errdecode.decode/1");
    assert_eq!(doc["facts"]["http_status"], 401);
    assert_eq!(doc["facts"]["error_codes"][0], "InvalidAuthenticationToken");
    assert_eq!(doc["facts"]["request"]["template"], "/users/{id}/calendar/events");
    assert!(doc["matches"][0]["score"].as_f64().unwrap() >= 0.5);
    assert!(doc["causes"].as_array().unwrap().iter().all(|c| c["evidence"].is_array()));
    assert!(doc["ruled_out"].as_array().unwrap().iter().any(|r| r["id"] == "audience-mismatch"));
}

#[test]
fn now_fixes_the_clock_for_reproducible_documents() {
    // A signed Graph token valid from 2025-11-20T11:00:00Z to 12:00:00Z.
    let paste = "HTTP/1.1 401 Unauthorized\nAuthorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJpc3MiOiJodHRwczovL3N0cy53aW5kb3dzLm5ldC83MmY5ODhiZi04NmYxLTQxYWYtOTFhYi0yZDdjZDAxMWRiNDcvIiwiaWF0IjoxNzYzNjM2NDAwLCJuYmYiOjE3NjM2MzY0MDAsImV4cCI6MTc2MzY0MDAwMCwiYXBwaWQiOiIxMTExMTExMS0yMjIyLTMzMzMtNDQ0NC01NTU1NTU1NTU1NTUiLCJyb2xlcyI6WyJDYWxlbmRhcnMuUmVhZCJdLCJ0aWQiOiI3MmY5ODhiZi04NmYxLTQxYWYtOTFhYi0yZDdjZDAxMWRiNDciLCJ2ZXIiOiIxLjAifQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl\n";
    let decode_at = |now: &str| {
        let output =
            run_stdin(&["decode", "--format", "json", "--now", now, "-"], paste.as_bytes());
        assert!(output.status.code().is_some_and(|c| c <= 1), "{}", stderr(&output));
        stdout(&output)
    };
    let live = decode_at("1763638000");
    assert_eq!(live, decode_at("1763638000"), "the same time gives the same document");
    assert_eq!(live, decode_at("2025-11-20T11:26:40Z"), "RFC 3339 names the same time");
    let warnings =
        |doc: &str| serde_json::from_str::<serde_json::Value>(doc).unwrap()["warnings"].to_string();
    assert!(warnings(&live).contains("live-token"), "still live at 11:26: {}", warnings(&live));
    let later = decode_at("1763650000");
    assert!(!warnings(&later).contains("live-token"), "expired by 14:46: {}", warnings(&later));
    let refused = run(&["decode", "--now", "yesterday", "-"]);
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn markdown_output_escapes_what_it_quotes() {
    let output = run_stdin(
        &["decode", "--format", "markdown"],
        b"<script>alert(1)</script> AADSTS50011: The redirect URI does not match",
    );
    let text = stdout(&output);
    assert!(text.contains("## "), "{text}");
    assert!(!text.contains("<script>"), "{text}");
}

#[test]
fn unrecognised_pastes_exit_1_and_say_so() {
    let output = run_stdin(
        &["decode"],
        b"$ kubectl get pods\nerror: You must be logged in to the server (Unauthorized)\n",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("Not recognised"), "{}", stdout(&output));
    let output = run_stdin(&["decode"], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("empty"), "{}", stdout(&output));
}

#[test]
fn hostile_input_never_crashes() {
    let mut state: u32 = 2_463_534_242;
    let random: Vec<u8> = (0..1_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    let ten_megabytes =
        "2025-01-01T00:00:00Z GET https://graph.microsoft.com/v1.0/me 200 OK\n".repeat(150_000);
    let deep = "{\"error\":".repeat(50_000);
    let broken_jwt =
        b"Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1p!!!.%%%"
            .to_vec();
    let html = b"<html><body><script>document.location='https://evil.example'</script><iframe src=x></iframe> 401 Unauthorized</body></html>".to_vec();
    // Random bytes are no paste: refused as binary data (exit 2), never a list of "codes".
    let output = run_stdin(&["decode"], &random);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("binary data"), "{}", stderr(&output));
    for (name, input) in [
        ("10 MB", ten_megabytes.into_bytes()),
        ("deep JSON", deep.into_bytes()),
        ("broken JWT", broken_jwt),
        ("HTML", html),
    ] {
        // Every format for the small ones; the big ones once (the test binary is unoptimized).
        let formats: &[&str] =
            if input.len() > 100_000 { &["json"] } else { &["text", "json", "markdown"] };
        for format in formats {
            let output = run_stdin(&["decode", "--format", format], &input);
            let code = output.status.code();
            assert!(
                matches!(code, Some(0) | Some(1)),
                "{name} as {format}: exit {code:?}\n{}",
                stderr(&output)
            );
            if *format == "json" {
                json(&output);
            }
        }
    }
}

#[test]
fn unreadable_input_is_a_clear_error() {
    let output = run(&["decode", "no/such/file.txt"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot open no/such/file.txt"), "{}", stderr(&output));
    let output = run(&["decode", "examples"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is a folder"), "{}", stderr(&output));
    let output = run(&["decode", "--format", "yaml", "x"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn token_command_explains_claims_and_keeps_the_signature() {
    let signature = "c2VjcmV0LXNpZ25hdHVyZS1ieXRlcy10aGF0LW11c3Qtbm90LWxlYWs";
    let token = format!(
        "eyJ0eXAiOiJKV1QiLCJub25jZSI6ImFiYyIsImFsZyI6IlJTMjU2In0.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJpc3MiOiJodHRwczovL3N0cy53aW5kb3dzLm5ldC85NTBhNDM3Ni1jMzU4LTQ1NTMtOTgwYS05YmE3NzNlNDhkZmYvIiwiaWR0eXAiOiJhcHAiLCJyb2xlcyI6WyJNYWlsLlJlYWQiXSwidmVyIjoiMS4wIiwiZXhwIjoxNzAwMDAwMDAwfQ.{signature}"
    );
    // It expired in 2023: a problem, so exit 1, and the report says so.
    let output = run(&["token", &token]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("[expired] The token has expired"), "{text}");
    assert!(text.contains("App-only token"), "{text}");
    assert!(text.contains("only Graph can verify"), "{text}");
    assert!(text.contains("Audience: the API this token is for"), "{text}");
    assert!(!text.contains(signature), "the signature was printed");
    let output = run(&["token", "--format", "json", &token]);
    let doc = json(&output);
    assert_eq!(doc["tokens"][0]["token"]["flow"], "app-only");
    assert_eq!(doc["valid"], false);
    assert!(!stdout(&output).contains(signature));
    let output = run_stdin(&["token"], b"no token here");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no token found"), "{}", stderr(&output));
}

#[test]
fn show_search_and_list() {
    let output = run(&["show", "AADSTS7000215"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for heading in [
        "What it means",
        "Why it happens",
        "Quick fix for end users",
        "Admin and engineer fix",
        "Step by step",
        "Still broken?",
        "FAQ",
    ] {
        assert!(text.contains(heading), "missing {heading}");
    }
    let output = run(&["show", "token-expired"]);
    assert!(stdout(&output).contains("How to confirm it"));
    let output = run(&["show", "aadsts7000215x"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("did you mean"), "{}", stderr(&output));
    let output = run(&["search", "insufficient", "privileges"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("graph-authorization-request-denied"));
    let output = run(&["list", "--product", "nowhere"]);
    assert_eq!(output.status.code(), Some(2));
}

/// Needs the fact sources (`../shared/data`) beside the checkout; `.ci/run` runs it by name.
#[test]
#[ignore = "needs ../shared/data beside the checkout; .ci/run runs it"]
fn list_covers_every_documented_code() {
    let output = run(&["list", "--format", "json"]);
    let entries = json(&output);
    let entries = entries.as_array().unwrap();
    let mut codes = std::collections::HashSet::new();
    let mut statuses = std::collections::HashSet::new();
    for entry in entries {
        for code in entry["codes"].as_array().unwrap() {
            codes.insert(code.as_str().unwrap().to_string());
        }
        if entry["product"] == "microsoft-graph" {
            for status in entry["http_status"].as_array().unwrap() {
                statuses.insert(status.as_u64().unwrap().to_string());
            }
        }
    }
    let aadsts = std::fs::read_to_string(shared("data/aadsts-codes.tsv")).unwrap();
    let missing: Vec<&str> = aadsts
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|c| !codes.contains(*c))
        .collect();
    assert!(missing.is_empty(), "AADSTS codes without an entry: {missing:?}");
    let oauth = std::fs::read_to_string(shared("data/aadsts-oauth-errors.tsv")).unwrap();
    let missing: Vec<&str> = oauth
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|c| !codes.contains(*c))
        .collect();
    assert!(missing.is_empty(), "OAuth errors without an entry: {missing:?}");
    let graph = std::fs::read_to_string(shared("data/graph-error-codes.tsv")).unwrap();
    let mut missing = Vec::new();
    for line in graph.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let covered = match fields[0] {
            "http" => statuses.contains(fields[1]),
            _ => codes.contains(fields[1]),
        };
        if !covered {
            missing.push(fields[1]);
        }
    }
    assert!(missing.is_empty(), "Graph codes without an entry: {missing:?}");
}

#[test]
fn kb_check_passes_and_stats_count() {
    let output = run(&["kb", "check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = run(&["kb", "stats", "--format", "json"]);
    let stats = json(&output);
    assert!(stats["rich_pages"].as_u64().unwrap() >= 60, "{stats}");
    assert!(stats["aadsts_codes"].as_u64().unwrap() >= 345, "{stats}");
}

#[test]
fn kb_check_reports_problems_with_file_and_line() {
    let dir = std::env::temp_dir().join(format!("errdecode-kb-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo().join("kb"), &dir);
    let page = dir.join("errors/entra-id/aadsts50011.md");
    let text = std::fs::read_to_string(&page).unwrap().replacen(
        "redirect-uri-mismatch",
        "no-such-cause",
        1,
    );
    std::fs::write(&page, text).unwrap();
    let output = run(&["--kb", dir.to_str().unwrap(), "kb", "check"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("errors/entra-id/aadsts50011.md:")
            && message.contains("unknown cause `no-such-cause`"),
        "{message}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn microsofts_permission_file_can_replace_the_table() {
    let permissions = fixture("graph-permissions/permissions.json");
    let seed = fixture("seeds/000_ee8fd830ad4052b7.txt");
    let output = run(&[
        "--permissions",
        permissions.to_str().unwrap(),
        "decode",
        "--format",
        "json",
        seed.to_str().unwrap(),
    ]);
    let doc = json(&output);
    let application = doc["facts"]["request"]["permissions"]["application"].as_array().unwrap();
    assert!(application.iter().any(|p| p == "Calendars.Read"), "{application:?}");
    let output = run(&["--permissions", "Cargo.toml", "list"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not a Graph permissions file"), "{}", stderr(&output));
}

#[test]
fn text_report_snapshot() {
    let output = run(&["decode", "examples/graph-me-app-only.txt"]);
    insta::assert_snapshot!(stdout(&output));
}

/// The privacy matrix, CLI side: every token shape and every secret format (paired in turn,
/// so each appears) through `decode` and `token` in all three formats, and `show` with a
/// token for an id. The in-process tests of the core and the web crate take the full product.
#[test]
fn no_output_holds_a_signature_or_a_secret() {
    use errdecode_core::hostile::{leak, secret_formats, token_shapes};
    let tokens = token_shapes();
    let secrets = secret_formats();
    for i in 0..tokens.len().max(secrets.len()) {
        let (token_name, token) = &tokens[i % tokens.len()];
        let (secret_name, secret) = &secrets[i % secrets.len()];
        let paste = format!("{secret}\n{token}\n{{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. {secret}\"}}\n");
        for command in ["decode", "token"] {
            for format in ["json", "text", "markdown"] {
                let output = run_stdin(&[command, "--format", format, "-"], paste.as_bytes());
                let out = stdout(&output) + &stderr(&output);
                assert_eq!(
                    leak(&out),
                    None,
                    "{token_name} x {secret_name}: {command} --format {format}: {out}"
                );
            }
        }
    }
    let (_, token) = &tokens[0];
    let output = run(&["show", token]);
    assert_eq!(leak(&stderr(&output)), None, "{}", stderr(&output));
}

/// The knowledge base's own text goes out as written: the pages that write `password:` in a
/// sentence, and a diagnosis that quotes one, in every format.
#[test]
fn the_knowledge_base_text_goes_out_as_written() {
    let case = "crates/errdecode-core/tests/cases/exo-smtp-basic-auth-client-submission/paste.txt";
    let kb = errdecode_kb::load_embedded().unwrap();
    let gist = &kb.error("exo-smtp-550-5-7-30").unwrap().gist;
    assert!(gist.contains("username and password: Basic authentication"), "{gist}");
    let output = run(&["decode", "--format", "json", case]);
    assert_eq!(json(&output)["matches"][0]["gist"], gist.as_str(), "{}", stdout(&output));
    for format in ["json", "text", "markdown"] {
        let output = run(&["decode", "--format", format, case]);
        assert!(!stdout(&output).contains("<redacted"), "{format}: {}", stdout(&output));
        for id in [
            "exo-smtp-550-5-7-30",
            "aadsts50126",
            "aadsts50053",
            "exo-smtp-535-5-7-3",
            "password-expired",
        ] {
            let output = run(&["show", "--format", format, id]);
            assert_eq!(output.status.code(), Some(0), "{id}");
            assert!(!stdout(&output).contains("<redacted"), "{id} {format}: {}", stdout(&output));
        }
    }
}

/// `show` with a 100,000-character id reads the first 200 characters: answered at once.
#[test]
fn show_bounds_the_id() {
    let id = "aadsts7000216".to_string() + &"x".repeat(100_000);
    let output = run(&["show", &id]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("did you mean"), "{}", stderr(&output));
    assert!(stderr(&output).len() < 4096);
}
