//! The command line's conventions and the fixes of issue 13, over real processes: the token
//! command as a validator, input as people have it, output in every format, completions, the
//! manual page, colour, help, limits, the version line.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

fn errdecode() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_errdecode"));
    command.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE").current_dir(repo());
    command
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
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

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("errdecode-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

const SIGNATURE: &str = "dGVzdC1zaWduYXR1cmUtdGhhdC1tdXN0LW5vdC1iZS1wcmludGVk";

/// A Graph app-only token with these times (Unix seconds), signed with a made-up signature.
fn jwt(iat: i64, exp: i64, extra: &str) -> String {
    let header = r#"{"typ":"JWT","nonce":"abc","alg":"RS256","kid":"k"}"#;
    let claims = format!(
        r#"{{"aud":"https://graph.microsoft.com","iss":"https://sts.windows.net/950a4376-c358-4553-980a-9ba773e48dff/","iat":{iat},"nbf":{iat},"exp":{exp},"idtyp":"app","roles":["User.Read.All"],"tid":"950a4376-c358-4553-980a-9ba773e48dff","ver":"1.0"{extra}}}"#
    );
    format!("{}.{}.{SIGNATURE}", base64url(header.as_bytes()), base64url(claims.as_bytes()))
}

// ---- token: a validator people can script -------------------------------------------------

#[test]
fn token_says_when_a_token_has_expired() {
    let token = jwt(now() - 7200, now() - 3600, "");
    let output = run(&["token", &token]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("[expired] The token has expired"), "{text}");
    assert!(text.contains("1 h 0 min before") || text.contains("59 min before"), "{text}");
    assert!(!text.contains("warning:"), "an expired token is no live credential: {text}");
    assert!(!text.contains(SIGNATURE));

    let fresh = jwt(now() - 600, now() + 3000, "");
    let output = run(&["token", &fresh]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("no problem found"), "{}", stdout(&output));
    // "1 role", not "1 roles".
    assert!(stdout(&output).contains(", 1 role,"), "{}", stdout(&output));
}

#[test]
fn token_json_for_scripts_with_at_aud_and_iss() {
    let token = jwt(1_761_310_165, 1_761_314_065, "");
    let output = run(&["token", "--json", "--at", "2025-10-24T13:00:00Z", &token]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let verdict = json(&output);
    assert_eq!(verdict["valid"], true);
    assert_eq!(verdict["problems"], serde_json::json!([]));
    assert_eq!(verdict["tokens"][0]["token"]["flow"], "app-only");

    let output = run(&["token", "--json", "--at", "1761400000", &token]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json(&output)["problems"][0]["code"], "expired");

    let output = run(&[
        "token",
        "--format",
        "json",
        "--at",
        "2025-10-24 13:00:00",
        "--aud",
        "api://my-api",
        "--iss",
        "https://login.microsoftonline.com/950a4376-c358-4553-980a-9ba773e48dff/v2.0",
        &token,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let codes: Vec<String> = json(&output)["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["audience-mismatch", "issuer-mismatch"]);
    // Graph's app id is Graph's audience.
    let output = run(&[
        "token",
        "--json",
        "--at",
        "1761312000",
        "--aud",
        "00000003-0000-0000-c000-000000000000",
        &token,
    ]);
    assert_eq!(json(&output)["valid"], true, "{}", stdout(&output));

    let output = run(&["token", "--at", "yesterday", &token]);
    assert_eq!(output.status.code(), Some(2), "a bad --at is a usage error");
}

#[test]
fn token_problems_in_the_times_and_the_shape() {
    // exp before iat.
    let backwards = jwt(1_761_314_065, 1_761_310_165, "");
    let output = run(&["token", "--json", "--at", "1761300000", &backwards]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("expires-before-issued"), "{text}");
    // Not yet valid.
    let output =
        run(&["token", "--json", "--at", "1761300000", &jwt(1_761_310_165, 1_761_314_065, "")]);
    assert!(stdout(&output).contains("not-yet-valid"), "{}", stdout(&output));
    // A v2.0 token from the v1.0 issuer.
    let header = base64url(br#"{"alg":"RS256"}"#);
    let claims = base64url(
        br#"{"aud":"6731de76-14a6-49ae-97bc-6eba6914391e","iss":"https://sts.windows.net/950a4376-c358-4553-980a-9ba773e48dff/","ver":"2.0","exp":4102444800,"scp":"access_as_user"}"#,
    );
    let output = run(&["token", "--json", &format!("{header}.{claims}.{SIGNATURE}")]);
    assert!(stdout(&output).contains("issuer-shape"), "{}", stdout(&output));
    // Never "invalid signature", and the nonce token is explained.
    let output = run(&["token", &jwt(now() - 60, now() + 3000, "")]);
    let text = stdout(&output);
    assert!(text.contains("only Graph can verify"), "{text}");
    assert!(!text.to_lowercase().contains("invalid signature"), "{text}");
}

#[test]
fn token_refuses_what_is_not_a_token() {
    let output = run(&["token", "eyJhbGciOi.bad.sig"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(!text.contains("works"), "a damaged token is no working token: {text}");
    assert!(text.contains("damaged"), "{text}");

    let output = run(&["token", "notatoken"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no token found"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("cannot open"), "read as a file: {}", stderr(&output));

    let output = run_stdin(&["token"], b"x\n");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = run_stdin(&["token", "--json"], b"x\n");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json(&output)["valid"], false);

    // A file holding a token is still read as a file.
    let dir = temp_dir("token-file");
    let file = dir.join("token.txt");
    std::fs::write(&file, jwt(now() - 60, now() + 3000, "")).unwrap();
    let output = run(&["token", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn opaque_personal_account_tokens_are_named_not_failed() {
    let opaque = format!("EwBwA8l6BAAU{}AA=", "a1B2c3D4e5".repeat(20));
    let output = run(&["token", "--json", &opaque]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let verdict = json(&output);
    assert_eq!(verdict["tokens"][0]["readable"], false);
    assert_eq!(verdict["tokens"][0]["token"]["source"], "opaque");
}

// ---- input as people have it ---------------------------------------------------------------

fn top_cause(output: &Output) -> (String, f64) {
    let doc = json(output);
    (
        doc["causes"][0]["id"].as_str().unwrap_or_default().to_string(),
        doc["causes"][0]["confidence"].as_f64().unwrap_or_default(),
    )
}

#[test]
fn utf16_boms_crlf_and_clipboard_spaces_decode_like_utf8() {
    let text = std::fs::read_to_string(repo().join("examples/graph-calendar-401.txt")).unwrap();
    let baseline = top_cause(&run_stdin(&["decode", "--format", "json"], text.as_bytes()));
    assert_eq!(baseline.0, "token-expired");
    let crlf = text.replace('\n', "\r\n");
    let utf16le = |bom: bool| {
        let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        bytes.extend(crlf.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    let utf16be = |bom: bool| {
        let mut bytes = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
        bytes.extend(crlf.encode_utf16().flat_map(u16::to_be_bytes));
        bytes
    };
    let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
    utf8_bom.extend(crlf.as_bytes());
    let nbsp = text.replace(' ', "\u{a0}").into_bytes();
    let dir = temp_dir("encodings");
    for (name, bytes) in [
        ("utf-16le-bom", utf16le(true)),
        ("utf-16le", utf16le(false)),
        ("utf-16be-bom", utf16be(true)),
        ("utf-16be", utf16be(false)),
        ("utf-8-bom", utf8_bom),
        ("crlf", crlf.clone().into_bytes()),
        ("nbsp", nbsp),
    ] {
        // As a file (Windows PowerShell's `>` writes UTF-16LE with a BOM) and on stdin.
        let file = dir.join(name);
        std::fs::write(&file, &bytes).unwrap();
        let output = run(&["decode", "--format", "json", file.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        let (cause, confidence) = top_cause(&output);
        assert_eq!(cause, baseline.0, "{name}");
        assert!((confidence - baseline.1).abs() < 0.02, "{name}: {confidence} vs {}", baseline.1);
        assert_eq!(top_cause(&run_stdin(&["decode", "--format", "json"], &bytes)).0, baseline.0);
    }
}

#[test]
fn the_readme_example_finds_the_expiry_through_the_log_prefixes() {
    let output = run(&["decode", "--format", "json", "examples/graph-calendar-401.txt"]);
    let doc = json(&output);
    assert_eq!(doc["causes"][0]["id"], "token-expired");
    assert!(doc["causes"][0]["confidence"].as_f64().unwrap() >= 0.9, "{}", doc["causes"][0]);
    let evidence = doc["causes"][0]["evidence"].to_string();
    assert!(evidence.contains("before the error at 2025-11-20T11:42:08Z"), "{evidence}");
    // Only the log prefixes give the time: the ERR line's time is the error's.
    let text = std::fs::read_to_string(repo().join("examples/graph-calendar-401.txt")).unwrap();
    let without_body_date: String =
        text.lines().filter(|l| !l.contains("\"date\"")).collect::<Vec<_>>().join("\n");
    let output = run_stdin(&["decode", "--format", "json"], without_body_date.as_bytes());
    let doc = json(&output);
    let evidence = doc["causes"][0]["evidence"].to_string();
    assert_eq!(doc["causes"][0]["id"], "token-expired");
    assert!(evidence.contains("before the error at 2025-11-20T11:42:08Z"), "{evidence}");
}

#[test]
fn get_mguser_401_is_recognised_with_and_without_the_cmdlet() {
    for paste in [
        "Get-MgUser : Response status code does not indicate success: 401 (Unauthorized).",
        "Response status code does not indicate success: 401 (Unauthorized).",
    ] {
        let output = run_stdin(&["decode", "--format", "json"], paste.as_bytes());
        assert_eq!(output.status.code(), Some(0), "{paste}");
        assert_eq!(json(&output)["recognised"], true, "{paste}");
    }
    let output = run_stdin(
        &["decode", "--format", "json"],
        b"Get-MgUser : Response status code does not indicate success: 401 (Unauthorized).",
    );
    let doc = json(&output);
    assert_eq!(doc["matches"][0]["product"], "graph-powershell", "{}", doc["matches"]);
}

#[test]
fn binary_files_are_refused() {
    let dir = temp_dir("binary");
    let file = dir.join("blob.bin");
    let mut bytes: Vec<u8> = std::fs::read(env!("CARGO_BIN_EXE_errdecode")).unwrap();
    bytes.truncate(2_000_000);
    std::fs::write(&file, &bytes).unwrap();
    let output = run(&["decode", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("binary data, not a paste"), "{}", stderr(&output));
}

// ---- output --------------------------------------------------------------------------------

#[test]
fn markdown_decode_has_the_rows_the_text_report_has() {
    let output = run(&["decode", "--format", "markdown", "examples/graph-calendar-401.txt"]);
    let md = stdout(&output);
    assert!(!md.contains("`? "), "{md}");
    assert!(md.contains("- Request: `GET /v1.0/users/{id}/calendar/events`"), "{md}");
    assert!(md.contains("- Needs: delegated:"), "{md}");
    assert!(md.contains("- Time: `2025-11-20T11:42:08Z`"), "{md}");
    assert!(md.contains("request-id: `0b6c1f4e-8a2d-4d39-b7e5-3c9a1e6f2d84`"), "{md}");
    let output = run_stdin(&["decode", "--format", "markdown"], b"GET /v1.0/me 401 Unauthorized");
    assert!(!stdout(&output).contains("? /v1.0/me"), "{}", stdout(&output));
}

#[test]
fn list_markdown_and_kb_check_json() {
    let output = run(&["list", "--format", "markdown", "--product", "graph-powershell"]);
    let md = stdout(&output);
    assert!(md.starts_with("| id | product | title |\n|---|---|---|\n"), "{md}");
    assert!(md.contains("| `mgps-insufficient-privileges` | graph-powershell |"), "{md}");
    let output = run(&["kb", "check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["ok"], true);
    assert!(report["stats"]["errors"].as_u64().unwrap() > 100);
    let output = run(&["kb", "stats", "--format", "json"]);
    assert!(json(&output)["causes"].as_u64().unwrap() > 10);
}

#[test]
fn pages_show_no_repository_paths_and_checks_read_as_text() {
    let output = run(&["show", "mgps-certificate-not-found"]);
    let text = stdout(&output);
    assert!(!text.contains("shared/data"), "{text}");
    assert!(text.contains("https://learn.microsoft.com/"), "{text}");
    let output = run(&["decode", "examples/graph-calendar-401.txt"]);
    let checks: Vec<String> = stdout(&output)
        .lines()
        .filter(|l| l.trim_start().starts_with("check:"))
        .map(String::from)
        .collect();
    assert!(!checks.is_empty());
    for check in checks {
        assert!(!check.contains('`') && !check.contains("**") && !check.contains("]("), "{check}");
        assert!(!check.trim_end().ends_with(" 2."), "{check}");
    }
}

#[test]
fn search_and_list_take_a_limit() {
    let output = run(&["search", "--limit", "2", "--format", "json", "token"]);
    assert_eq!(json(&output).as_array().unwrap().len(), 2);
    let output = run(&["list", "--limit", "3"]);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.lines().last().unwrap().starts_with("3 of "), "{text}");
}

// ---- conventions ---------------------------------------------------------------------------

#[test]
fn colour_is_chosen_with_color() {
    let args = ["decode", "examples/graph-calendar-401.txt"];
    let always = errdecode().args(["--color", "always"]).args(args).output().unwrap();
    assert!(stdout(&always).contains('\u{1b}'), "--color always colours a pipe");
    let never =
        errdecode().env_remove("NO_COLOR").args(["--color", "never"]).args(args).output().unwrap();
    assert!(!stdout(&never).contains('\u{1b}'));
    let auto = errdecode().env_remove("NO_COLOR").args(args).output().unwrap();
    assert!(!stdout(&auto).contains('\u{1b}'), "auto: no colour into a pipe");
    assert_eq!(run(&["--color", "sometimes", "list"]).status.code(), Some(2));
}

#[test]
fn help_has_examples_exit_codes_and_only_the_flags_that_apply() {
    let help = stdout(&run(&["--help"]));
    assert!(help.contains("Examples:"), "{help}");
    assert!(help.contains("Exit codes:"), "{help}");
    assert!(help.contains("--color <WHEN>"), "{help}");
    assert!(stdout(&run(&["decode", "--help"])).contains("--format"));
    assert!(stdout(&run(&["token", "--help"])).contains("--aud"));
    let serve = stdout(&run(&["serve", "--help"]));
    assert!(!serve.contains("--format"), "{serve}");
    assert_eq!(run(&["serve", "--format", "json"]).status.code(), Some(2));
    assert!(!stdout(&run(&["completions", "--help"])).contains("--format"));
}

#[test]
fn version_names_the_knowledge_base() {
    let output = run(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
    let line = stdout(&output);
    assert!(line.starts_with(concat!("errdecode ", env!("CARGO_PKG_VERSION"))), "{line}");
    assert!(line.contains("knowledge base of 20"), "{line}");
    assert!(line.contains(" errors, ") && line.contains(" causes"), "{line}");
}

fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A missing shell is skipped, loudly, unless CI is set.
fn require(program: &str) -> bool {
    if installed(program) {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "{program} is not installed (.ci/run installs it)");
    eprintln!(
        "SKIPPED: {program} is not installed; its completion script was generated but not parsed"
    );
    false
}

#[test]
fn completions_generate_and_parse() {
    let dir = temp_dir("completions");
    for (shell, checker, file) in [
        ("bash", Some("bash"), "errdecode.bash"),
        ("zsh", Some("zsh"), "_errdecode"),
        ("fish", Some("fish"), "errdecode.fish"),
        ("powershell", None, "errdecode.ps1"),
    ] {
        let output = run(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        for command in ["decode", "token", "mcp", "completions"] {
            assert!(script.contains(command), "{shell} completes no {command}");
        }
        let path = dir.join(file);
        std::fs::write(&path, &script).unwrap();
        match checker {
            Some(program) if require(program) => {
                let check = Command::new(program).arg("-n").arg(&path).output().unwrap();
                assert!(check.status.success(), "{shell}: {}", stderr(&check));
            }
            Some(_) => {}
            None => {
                // PowerShell: the completer registration, balanced braces, no stray NUL.
                assert!(
                    script.contains("Register-ArgumentCompleter -Native -CommandName 'errdecode'")
                );
                assert_eq!(script.matches('{').count(), script.matches('}').count());
                assert!(!script.contains('\0'));
            }
        }
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn the_manual_page_renders() {
    let output = run(&["man"]);
    assert_eq!(output.status.code(), Some(0));
    let page = stdout(&output);
    assert!(page.starts_with(".ie") || page.contains(".TH errdecode 1"), "{}", &page[..200]);
    for section in ["ERRDECODE DECODE", "ERRDECODE TOKEN", "ERRDECODE MCP", "ERRDECODE KB CHECK"] {
        assert!(page.contains(section), "no {section} section");
    }
    let dir = temp_dir("man");
    let path = dir.join("errdecode.1");
    std::fs::write(&path, &page).unwrap();
    let rendered = if installed("man") {
        Command::new("man")
            .arg("-l")
            .arg(&path)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
            .unwrap()
    } else if require("groff") {
        Command::new("groff").args(["-man", "-Tutf8", "-ww"]).arg(&path).output().unwrap()
    } else {
        return;
    };
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    let text = String::from_utf8_lossy(&rendered.stdout);
    assert!(text.contains("errdecode"), "{text}");
    assert!(text.contains("--limit"), "{text}");
    assert!(!stderr(&rendered).contains("warning"), "{}", stderr(&rendered));
}

#[test]
fn the_release_profile_strips_and_uses_lto() {
    let manifest = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let release = manifest.split("[profile.release]").nth(1).unwrap();
    let release = release.split("\n[").next().unwrap();
    assert!(release.contains("strip = true"), "{release}");
    assert!(release.contains("lto = \"fat\""), "{release}");
    assert!(release.contains("debug = false"), "{release}");
    assert!(manifest.contains("[profile.profiling]\ninherits = \"release\""), "{manifest}");
}

// ---- serve and export ----------------------------------------------------------------------

#[cfg(feature = "web")]
#[test]
fn serve_takes_a_host_name_and_logs_plain_text_into_a_file() {
    let mut child = errdecode()
        .env_remove("NO_COLOR")
        .env("ERRDECODE_LOG", "info")
        .args(["serve", "--addr", "localhost:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let address = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_string();
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    let log = stderr(&output);
    assert!(log.contains("/healthz"), "{log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a redirected log: {log:?}");
}

#[cfg(feature = "web")]
#[test]
fn export_to_a_bad_path_says_why_once() {
    let output = run(&["export", "Cargo.toml/site"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    let lines: Vec<&str> = err.lines().collect();
    assert!(!lines.is_empty());
    for line in &lines[1..] {
        let said = line.trim().trim_start_matches("caused by: ");
        assert!(!lines[0].contains(said), "said twice: {err}");
    }
}
