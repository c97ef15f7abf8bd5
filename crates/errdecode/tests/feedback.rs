//! `errdecode feedback report` (text, JSON, CSV) and `errdecode feedback priors` as a user runs
//! them, on a store seeded with verdicts: a SQLite file, and PostgreSQL when
//! `ERRDECODE_TEST_POSTGRES` names a server (skipped visibly otherwise, a failure under CI).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use errdecode_feedback::{kb_version, Diagnosis, Record, ScoredCause, Verdict};

const ENTRY: &str = "azid-workload-identity-unavailable";

fn errdecode(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_errdecode"))
        .env("NO_COLOR", "1")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .args(args)
        .output()
        .expect("run errdecode")
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// 24 verdicts on one entry: the cause ranked second confirmed most.
fn seed(spec: &str) {
    let kb = errdecode_kb::load_embedded().unwrap();
    let store = errdecode_feedback::open(spec).unwrap();
    let diagnosis = Diagnosis {
        entry: Some(ENTRY.to_string()),
        causes: vec![
            ScoredCause { id: "workload-identity-not-injected".into(), confidence: 0.7 },
            ScoredCause { id: "env-credential-incomplete".into(), confidence: 0.2 },
        ],
        fingerprint: Default::default(),
    }
    .sanitized(&kb)
    .unwrap();
    let mut verdicts = Vec::new();
    verdicts.extend((0..12).map(|_| Verdict::Confirmed("env-credential-incomplete".into())));
    verdicts.extend((0..6).map(|_| Verdict::Confirmed("workload-identity-not-injected".into())));
    verdicts.extend((0..4).map(|_| Verdict::Rejected("workload-identity-not-injected".into())));
    verdicts.extend((0..2).map(|_| Verdict::None));
    for verdict in verdicts {
        let record =
            Record::on_day("2026-12-01", &kb_version(&kb), diagnosis.clone(), verdict).unwrap();
        store.insert(&record).unwrap();
    }
}

fn report_and_priors(spec: &str) {
    seed(spec);

    let text = stdout(&errdecode(&["feedback", "report", "--feedback-db", spec]));
    assert!(text.starts_with("Feedback: 24 verdicts (knowledge base "), "{text}");
    assert!(text.contains(&format!("{ENTRY}: 24 verdicts, 2 \"none of these\"")), "{text}");
    assert!(text.contains("env-credential-incomplete"), "{text}");
    assert!(text.contains("suggested prior 0.45"), "{text}");

    let json =
        stdout(&errdecode(&["feedback", "report", "--feedback-db", spec, "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["verdicts"], 24);
    assert_eq!(json["errors"][0]["entry"], ENTRY);
    assert_eq!(json["errors"][0]["none_of_these"], 2);
    assert_eq!(json["disagreements"][0]["cause"], "env-credential-incomplete");

    let csv = stdout(&errdecode(&["feedback", "report", "--feedback-db", spec, "-f", "csv"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "entry,cause,verdicts,confirmed,rejected,none_of_these,prior,share");
    assert_eq!(lines[1], format!("{ENTRY},,24,,,2,,"));
    assert!(
        lines.contains(&format!("{ENTRY},env-credential-incomplete,,12,0,,0.15,0.6").as_str()),
        "{csv}"
    );
    assert!(lines.iter().all(|l| l.split(',').count() == 8), "{csv}");

    // Markdown is a format of the other commands, not of this report.
    let refused = errdecode(&["feedback", "report", "--feedback-db", spec, "--format", "markdown"]);
    assert_eq!(refused.status.code(), Some(2));

    let diff = stdout(&errdecode(&["feedback", "priors", "--feedback-db", spec]));
    let path = format!("kb/errors/azure-identity/{ENTRY}.md");
    assert!(diff.starts_with(&format!("--- a/{path}\n+++ b/{path}\n@@ -")), "{diff}");
    assert!(diff.contains("+  { id = \"env-credential-incomplete\", prior = 0.45 },\n"), "{diff}");
    // Too few verdicts for the threshold: no diff, the reason on stderr.
    let none = errdecode(&["feedback", "priors", "--feedback-db", spec, "--min-verdicts", "100"]);
    assert!(none.status.success());
    assert!(none.stdout.is_empty());
    assert!(String::from_utf8_lossy(&none.stderr).contains("no prior changes suggested"));
}

#[test]
fn report_in_three_formats_and_priors_on_sqlite() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("errdecode-cli-feedback-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("feedback.db");
    report_and_priors(spec.to_str().unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_in_three_formats_and_priors_on_postgres() {
    if let Some(spec) = errdecode_feedback::testing::postgres_url("cli_feedback") {
        report_and_priors(&spec);
    }
}

#[test]
fn an_unreachable_store_is_an_error_that_names_no_password() {
    let output = errdecode(&[
        "feedback",
        "report",
        "--feedback-db",
        "postgres://someone:hunter2-secret@127.0.0.1:1/nothing",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot open the feedback database"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
