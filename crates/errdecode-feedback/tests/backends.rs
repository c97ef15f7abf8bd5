//! The same suite on both backends: SQLite in a temporary file, and PostgreSQL on the server
//! `ERRDECODE_TEST_POSTGRES` names (a fresh schema per test; skipped visibly without one,
//! a failure under CI).

use std::sync::LazyLock;

use base64::Engine as _;
use errdecode_core::{DecodeOptions, Decoder};
use errdecode_feedback::{
    kb_version, priors, report, Diagnosis, Record, ScoredCause, Store, StoredRow, Verdict,
};
use errdecode_kb::KnowledgeBase;

static KB: LazyLock<KnowledgeBase> =
    LazyLock::new(|| errdecode_kb::load_embedded().expect("the embedded knowledge base is valid"));
static DECODER: LazyLock<Decoder> = LazyLock::new(|| Decoder::new(KB.clone()));

/// Runs `check` against a fresh SQLite file and a fresh PostgreSQL schema.
fn on_both(test: &str, check: impl Fn(&dyn Store)) {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = errdecode_feedback::open(dir.path().join("feedback.db").to_str().unwrap())
        .expect("open SQLite");
    check(sqlite.as_ref());
    println!("{test}: sqlite ok");
    if let Some(url) = errdecode_feedback::testing::postgres_url(test) {
        let postgres = errdecode_feedback::open(&url).expect("connect to PostgreSQL");
        assert_eq!(postgres.backend(), "postgres");
        check(postgres.as_ref());
        println!("{test}: postgres ok");
    }
}

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OBJECT_ID: &str = "0c6e3b2a-5e1f-4d5e-9b1e-3d2f6a7b8c9d";
const APP_ID: &str = "d3590ed6-52b3-4102-aeff-aad2292ab01c";
const UPN: &str = "megan.bowen@contoso.onmicrosoft.com";
const IP: &str = "203.0.113.77";
const SECRET: &str = "Xy8Q~abcdefghijklmnopqrstuvwxyz0123456789";
const CORRELATION: &str = "5f1c0d7e-2b9a-4c8e-8f3d-1a2b3c4d5e6f";

fn jwt() -> String {
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let header = b64(r#"{"typ":"JWT","alg":"RS256","kid":"abc"}"#);
    let payload = b64(&format!(
        r#"{{"aud":"https://graph.microsoft.com","iss":"https://sts.windows.net/{TENANT}/","iat":1700000000,"nbf":1700000000,"exp":1700003600,"appid":"{APP_ID}","oid":"{OBJECT_ID}","tid":"{TENANT}","upn":"{UPN}","ipaddr":"{IP}","scp":"User.Read","ver":"1.0"}}"#
    ));
    format!("{header}.{payload}.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl")
}

/// A paste full of what must never be stored.
fn secret_paste() -> String {
    format!(
        "GET https://graph.microsoft.com/v1.0/users/{UPN}/calendar/events HTTP/1.1\n\
         Authorization: Bearer {token}\n\
         client_secret={SECRET}\n\
         X-Forwarded-For: {IP}\n\n\
         HTTP/1.1 401 Unauthorized\n\
         {{\"error\":{{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token validation failure. Invalid audience.\",\
         \"innerError\":{{\"date\":\"2024-05-01T10:00:00\",\"request-id\":\"{CORRELATION}\",\"client-request-id\":\"{CORRELATION}\"}}}}}}\n\
         AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication to access '{APP_ID}'. Trace ID: {OBJECT_ID} Correlation ID: {CORRELATION} Tenant: {TENANT} user {UPN} from {IP}\n",
        token = jwt()
    )
}

fn diagnosis_of(paste: &str) -> Diagnosis {
    let doc = DECODER.decode(
        paste.as_bytes(),
        &DecodeOptions { now: Some(1_700_000_100), ..Default::default() },
    );
    Diagnosis::from_document(&doc)
}

#[test]
fn migrations_apply_once_and_the_table_has_only_the_allowed_columns() {
    on_both("migrations", |store| {
        assert_eq!(store.migrations().unwrap(), vec![1]);
        assert_eq!(store.columns().unwrap(), errdecode_feedback::testing::COLUMNS_ALLOWED);
    });
    // Opening an existing file again applies nothing twice.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.db");
    for _ in 0..2 {
        let store = errdecode_feedback::SqliteStore::open(&path).unwrap();
        assert_eq!(store.migrations().unwrap(), vec![1]);
        assert_eq!(store.journal_mode().unwrap(), "wal");
    }
}

#[test]
fn a_record_comes_back_as_it_went_in() {
    on_both("roundtrip", |store| {
        let diagnosis = diagnosis_of(&secret_paste());
        assert!(!diagnosis.causes.is_empty(), "the paste ranks causes: {diagnosis:?}");
        let cause = diagnosis.causes[0].id.clone();
        let record =
            Record::on_day("2026-12-05", &kb_version(&KB), diagnosis, Verdict::Confirmed(cause))
                .unwrap();
        store.insert(&record).unwrap();
        let rows = store.rows(10).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].record().unwrap(), record);
    });
}

/// Every value a stored row may hold, column by column.
fn assert_allowed(row: &StoredRow) {
    let kb_ids = |id: &str, what: &str| {
        let known = match what {
            "entry" => KB.error(id).is_some(),
            _ => KB.cause(id).is_some(),
        };
        assert!(known, "{what} `{id}` is not a knowledge-base id");
    };
    for (column, value) in errdecode_feedback::testing::COLUMNS_ALLOWED.iter().zip(&row.values) {
        let Some(value) = value else { continue };
        match *column {
            "id" => assert!(value.parse::<u64>().is_ok()),
            "day" => assert!(value.len() == 10 && value.as_bytes()[4] == b'-'),
            "kb_version" => {
                assert!(value.len() == 12 && value.chars().all(|c| c.is_ascii_hexdigit()))
            }
            "entry" => kb_ids(value, "entry"),
            "cause" => kb_ids(value, "cause"),
            "causes" => {
                let causes: Vec<ScoredCause> = serde_json::from_str(value).unwrap();
                for cause in causes {
                    kb_ids(&cause.id, "cause");
                }
            }
            "verdict" => assert!(["confirmed", "rejected", "none"].contains(&value.as_str())),
            "fp_codes" => {
                for code in value.split(',').filter(|c| !c.is_empty()) {
                    assert_eq!(errdecode_feedback::sanitize_code(code).as_deref(), Some(code));
                }
            }
            "fp_status" => assert!((100..600).contains(&value.parse::<u16>().unwrap())),
            "fp_endpoint" => {
                assert_eq!(&errdecode_feedback::sanitize_endpoint(value), value)
            }
            "fp_flow" => assert!(["app-only", "delegated", "unknown"].contains(&value.as_str())),
            "fp_cloud" => {
                assert!(["global", "us-government", "us-government-dod", "china"]
                    .contains(&value.as_str()))
            }
            "fp_token_kind" => {
                assert!(["access-token", "id-token", "unknown"].contains(&value.as_str()))
            }
            other => panic!("column {other} is not on the list"),
        }
    }
}

#[test]
fn stored_rows_hold_nothing_from_the_paste_but_the_fingerprint() {
    on_both("privacy", |store| {
        let paste = secret_paste();
        let diagnosis = diagnosis_of(&paste);
        // The paste did give the decoder all of these.
        assert_eq!(diagnosis.fingerprint.status, Some(401));
        assert!(diagnosis.fingerprint.codes.iter().any(|c| c == "InvalidAuthenticationToken"));
        assert_eq!(diagnosis.fingerprint.endpoint.as_deref(), Some("/users/{id}/calendar/events"));
        let first = diagnosis.causes[0].id.clone();
        let second = diagnosis.causes.get(1).map_or(first.clone(), |c| c.id.clone());
        for verdict in [Verdict::Confirmed(first), Verdict::Rejected(second), Verdict::None] {
            let record = Record::new(&kb_version(&KB), diagnosis.clone(), verdict).unwrap();
            store.insert(&record).unwrap();
        }
        // A diagnosis sent back by a client goes through the same list.
        let mut forged = diagnosis.clone();
        forged.fingerprint.codes.push(UPN.to_string());
        forged.fingerprint.codes.push(TENANT.to_string());
        forged.fingerprint.endpoint = Some(format!("/users/{UPN}/x/{IP}/{TENANT}"));
        forged.fingerprint.flow = Some(SECRET.to_string());
        let clean = forged.sanitized(&KB).unwrap();
        store.insert(&Record::new(&kb_version(&KB), clean, Verdict::None).unwrap()).unwrap();
        let mut bad = diagnosis.clone();
        bad.causes.push(ScoredCause { id: jwt(), confidence: 0.5 });
        assert!(bad.sanitized(&KB).is_err(), "an unknown cause id is refused");

        let rows = store.rows(100).unwrap();
        assert_eq!(rows.len(), 4);
        let token = jwt();
        let forbidden: Vec<&str> = vec![
            TENANT,
            OBJECT_ID,
            APP_ID,
            UPN,
            "megan",
            "contoso",
            IP,
            SECRET,
            "Xy8Q",
            CORRELATION,
            &token,
            token.split('.').nth(1).unwrap(),
            "c2lnbmF0dXJl",
            "eyJ",
            "Bearer",
            "graph.microsoft.com",
            "multi-factor",
            "Invalid audience",
        ];
        for row in &rows {
            assert_allowed(row);
            for value in row.values.iter().flatten() {
                for bad in &forbidden {
                    assert!(
                        !value.to_ascii_lowercase().contains(&bad.to_ascii_lowercase()),
                        "a stored value holds `{bad}`: {value}"
                    );
                }
            }
        }
    });
}

/// The seeded verdicts: for `azid-workload-identity-unavailable` (priors 0.8 and 0.15), the
/// second cause confirmed 12 times, the first 6 times and rejected 4 times, "none" twice.
fn seed(store: &dyn Store) {
    let entry = "azid-workload-identity-unavailable";
    let diagnosis = Diagnosis {
        entry: Some(entry.to_string()),
        causes: vec![
            ScoredCause { id: "workload-identity-not-injected".into(), confidence: 0.7 },
            ScoredCause { id: "env-credential-incomplete".into(), confidence: 0.2 },
        ],
        fingerprint: Default::default(),
    };
    let diagnosis = diagnosis.sanitized(&KB).unwrap();
    let mut verdicts = Vec::new();
    verdicts.extend((0..12).map(|_| Verdict::Confirmed("env-credential-incomplete".into())));
    verdicts.extend((0..6).map(|_| Verdict::Confirmed("workload-identity-not-injected".into())));
    verdicts.extend((0..4).map(|_| Verdict::Rejected("workload-identity-not-injected".into())));
    verdicts.extend((0..2).map(|_| Verdict::None));
    for verdict in verdicts {
        store
            .insert(
                &Record::on_day("2026-12-01", &kb_version(&KB), diagnosis.clone(), verdict)
                    .unwrap(),
            )
            .unwrap();
    }
}

#[test]
fn the_report_counts_verdicts_per_error_and_cause() {
    on_both("report", |store| {
        seed(store);
        let report = report::build(&KB, "v", &store.tally().unwrap());
        assert_eq!(report.verdicts, 24);
        assert_eq!(report.errors.len(), 1);
        let error = &report.errors[0];
        assert_eq!(error.entry.as_deref(), Some("azid-workload-identity-unavailable"));
        assert_eq!(error.none_of_these, 2);
        let counts: Vec<(&str, u64, u64, Option<f64>)> = error
            .causes
            .iter()
            .map(|c| (c.cause.as_str(), c.confirmed, c.rejected, c.share))
            .collect();
        assert_eq!(
            counts,
            vec![
                ("env-credential-incomplete", 12, 0, Some(0.6)),
                ("workload-identity-not-injected", 6, 4, Some(0.3)),
            ]
        );
        // Both disagree with their priors; the rarer-by-prior cause confirmed most, most.
        let top: Vec<(&str, f64)> =
            report.disagreements.iter().map(|d| (d.cause.as_str(), d.suggested_prior)).collect();
        assert_eq!(
            top,
            vec![("env-credential-incomplete", 0.45), ("workload-identity-not-injected", 0.47)]
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["errors"][0]["none_of_these"], 2);
    });
}

#[test]
fn the_priors_diff_rewrites_the_entry_file() {
    on_both("priors", |store| {
        seed(store);
        let report = report::build(&KB, "v", &store.tally().unwrap());
        let changes = priors::changes(&report, priors::Thresholds::default());
        let diff = priors::diff(&KB, &errdecode_kb::embedded_files(), "kb", &changes);
        let path = "kb/errors/azure-identity/azid-workload-identity-unavailable.md";
        assert!(diff.starts_with(&format!("--- a/{path}\n+++ b/{path}\n@@ -")), "{diff}");
        assert!(diff.contains("\n-  { id = \"workload-identity-not-injected\", prior = 0.8 },\n+  { id = \"workload-identity-not-injected\", prior = 0.47 },\n"), "{diff}");
        assert!(diff.contains("\n-  { id = \"env-credential-incomplete\", prior = 0.15 },\n+  { id = \"env-credential-incomplete\", prior = 0.45 },\n"), "{diff}");
        assert!(!diff.contains("# not found"), "{diff}");
        // Too few verdicts: no change suggested.
        let strict = priors::Thresholds { min_answers: 100, min_change: 0.05 };
        assert!(priors::changes(&report, strict).is_empty());
    });
}

#[test]
fn verdicts_name_a_ranked_cause() {
    let diagnosis = Diagnosis {
        entry: None,
        causes: vec![ScoredCause { id: "token-expired".into(), confidence: 0.4 }],
        fingerprint: Default::default(),
    };
    assert!(Record::new("v", diagnosis.clone(), Verdict::Confirmed("wrong-tenant".into())).is_err());
    assert!(Record::new("v", diagnosis.clone(), Verdict::Confirmed("token-expired".into())).is_ok());
    assert!(Record::on_day("2026-13-40", "v", diagnosis, Verdict::None).is_err());
}
