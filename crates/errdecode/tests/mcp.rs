//! `errdecode mcp` as an MCP client sees it: a real process on stdio, spoken to in JSON-RPC
//! (initialize, tools/list, tools/call).

#![cfg(feature = "mcp")]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{json, Value};

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_errdecode"))
            .arg("mcp")
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start errdecode mcp");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Client { child, stdin, stdout, next_id: 1 }
    }

    fn send(&mut self, message: &Value) {
        let mut line = serde_json::to_string(message).unwrap();
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Sends a request and reads lines until its answer (notifications in between are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            let read = self.stdout.read_line(&mut line).unwrap();
            assert!(read > 0, "the server closed stdout before answering {method}");
            let message: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not JSON-RPC ({e}): {line}"));
            if message["id"] == json!(id) {
                assert!(message.get("error").is_none(), "{method} failed: {message}");
                return message["result"].clone();
            }
        }
    }

    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        self.request("tools/call", json!({"name": tool, "arguments": arguments}))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn session() -> Client {
    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "errdecode-test", "version": "1"}
        }),
    );
    assert_eq!(init["serverInfo"]["name"], "errdecode", "{init}");
    assert!(init["capabilities"]["tools"].is_object(), "{init}");
    assert!(init["protocolVersion"].is_string(), "{init}");
    client.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    client
}

#[test]
fn lists_the_tools_with_their_schemas() {
    let mut client = session();
    let listed = client.request("tools/list", json!({}));
    let tools = listed["tools"].as_array().expect("tools");
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["decode", "search", "show_cause", "show_error", "token"]);
    for tool in tools {
        let schema = &tool["inputSchema"];
        assert_eq!(schema["type"], "object", "{tool}");
        assert!(!tool["description"].as_str().unwrap_or_default().is_empty(), "{tool}");
        let required: Vec<&str> =
            schema["required"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        let wanted = match tool["name"].as_str().unwrap() {
            "decode" => "text",
            "token" => "token",
            "search" => "query",
            _ => "id",
        };
        assert_eq!(required, [wanted], "{tool}");
        assert!(schema["properties"][wanted]["description"].is_string(), "{tool}");
    }
}

#[test]
fn decodes_the_seed_paste_with_a_token_and_returns_no_signature() {
    let paste = fixture("seed-000-with-jwt.txt");
    let signature = fixture("seed-000-signature.txt");
    let signature = signature.trim();
    assert!(paste.contains(signature), "the fixture holds the signed token");
    let mut client = session();
    let result = client.call("decode", json!({"text": paste}));
    assert_ne!(result["isError"], true, "{result}");
    let answer = serde_json::to_string(&result).unwrap();
    assert!(!answer.contains(signature), "a JWT signature left the server");
    assert!(!answer.contains(&signature[..24]), "part of a JWT signature left the server");

    let doc = &result["structuredContent"];
    assert_eq!(doc["schema"], "errdecode.decode/1");
    assert_eq!(doc["recognised"], true);
    assert_eq!(doc["facts"]["error_codes"][0], "InvalidAuthenticationToken");
    assert_eq!(doc["facts"]["tokens"][0]["flow"], "app-only");
    let causes: Vec<&str> =
        doc["causes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(causes.contains(&"sent-token-differs"), "{causes:?}");
    assert!(causes.contains(&"cross-tenant-token"), "{causes:?}");
    let ruled_out: Vec<&str> =
        doc["ruled_out"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    // The token's own claims rule these out: the audience is Graph, the roles hold Calendars.
    for id in ["audience-mismatch", "missing-permission", "id-token-used-as-access-token"] {
        assert!(ruled_out.contains(&id), "{id} not ruled out: {ruled_out:?}");
    }
    for ruled in doc["ruled_out"].as_array().unwrap() {
        assert!(!ruled["because"].as_str().unwrap().is_empty(), "{ruled}");
    }

    // A short summary first, then the document as text for clients without structured content.
    let content = result["content"].as_array().unwrap();
    let summary = content[0]["text"].as_str().unwrap();
    assert!(summary.contains("Ruled out:"), "{summary}");
    assert!(summary.lines().count() <= 12, "{summary}");
    let as_text: Value = serde_json::from_str(content[1]["text"].as_str().unwrap()).unwrap();
    assert_eq!(&as_text, doc);
}

#[test]
fn token_show_and_search_tools() {
    let paste = fixture("seed-000-with-jwt.txt");
    let signature = fixture("seed-000-signature.txt");
    let mut client = session();

    let token = client.call("token", json!({"token": paste, "at": "2025-10-24T13:00:00Z"}));
    assert!(!serde_json::to_string(&token).unwrap().contains(signature.trim()));
    let verdict = &token["structuredContent"];
    assert_eq!(verdict["valid"], true, "{verdict}");
    let late = client.call("token", json!({"token": paste, "at": "2025-10-24T15:00:00Z"}));
    assert_eq!(late["structuredContent"]["valid"], false);
    assert_eq!(late["structuredContent"]["problems"][0]["code"], "expired");
    let checked = late["structuredContent"]["tokens"][0]["checked"].to_string();
    assert!(!checked.contains("invalid signature") && checked.contains("only Graph"), "{checked}");

    let error = client.call("show_error", json!({"id": "AADSTS7000215"}));
    assert_eq!(error["structuredContent"]["id"], "aadsts7000215");
    let cause = client.call("show_cause", json!({"id": "token-expired"}));
    assert_eq!(cause["structuredContent"]["id"], "token-expired");
    let missing = client.call("show_cause", json!({"id": "no-such-cause"}));
    assert_eq!(missing["isError"], true);

    let search = client.call("search", json!({"query": "insufficient privileges", "limit": 3}));
    let hits = search["structuredContent"]["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3, "{search}");
}
