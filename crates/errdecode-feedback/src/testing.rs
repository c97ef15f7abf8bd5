//! For the test suites of this crate and of the web crate: a PostgreSQL URL of a fresh schema
//! on the server `ERRDECODE_TEST_POSTGRES` names, or a visible skip.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The URL of a new, empty schema on the test server, or `None` (after printing
/// `skipped: ...`) when `ERRDECODE_TEST_POSTGRES` is not set. Under `CI=true` a missing server
/// is a failure, not a skip.
pub fn postgres_url(test: &str) -> Option<String> {
    let Some(base) = std::env::var("ERRDECODE_TEST_POSTGRES").ok().filter(|v| !v.is_empty()) else {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        assert!(
            !ci,
            "{test}: ERRDECODE_TEST_POSTGRES is not set under CI (.ci/run starts a server)"
        );
        println!(
            "skipped: {test} on PostgreSQL (set ERRDECODE_TEST_POSTGRES=postgres://... to run it)"
        );
        eprintln!(
            "skipped: {test} on PostgreSQL (set ERRDECODE_TEST_POSTGRES=postgres://... to run it)"
        );
        return None;
    };
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let schema = format!(
        "t_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        test.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(30)
            .collect::<String>()
    )
    .to_ascii_lowercase();
    // On a thread of its own: the blocking client must not run inside a test's runtime.
    let (url, name, test_name) = (base.clone(), schema.clone(), test.to_string());
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap_or_else(|e| {
            panic!("{test_name}: cannot connect to ERRDECODE_TEST_POSTGRES: {e}")
        });
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"))
            .expect("create a schema for the test");
    })
    .join()
    .expect("the test schema is created");
    let separator = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{separator}options=-c%20search_path%3D{schema}"))
}

/// The columns a stored row may have: the list the privacy test holds rows to.
pub const COLUMNS_ALLOWED: &[&str] = crate::store::COLUMNS;
