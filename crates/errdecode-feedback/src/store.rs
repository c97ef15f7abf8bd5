//! The storage interface both backends implement.

use serde::Serialize;

use crate::model::{Diagnosis, Fingerprint, Record, ScoredCause, Verdict};
use crate::{Error, Result};

/// Where verdicts are kept. Every method is blocking: call it from a thread that may block
/// (in the server, the blocking pool).
pub trait Store: Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Stores one verdict.
    fn insert(&self, record: &Record) -> Result<()>;
    /// Verdicts counted by entry, cause and verdict.
    fn tally(&self) -> Result<Vec<Tally>>;
    /// The newest rows as stored, every column, newest first.
    fn rows(&self, limit: usize) -> Result<Vec<StoredRow>>;
    /// The columns of the table as the database describes them, in order.
    fn columns(&self) -> Result<Vec<String>>;
    /// The migrations applied, oldest first.
    fn migrations(&self) -> Result<Vec<i64>>;
}

/// Every column of the table, in the order [`StoredRow::values`] holds them. A test holds the
/// database's own description of the table to this list.
pub const COLUMNS: &[&str] = &[
    "id",
    "day",
    "kb_version",
    "entry",
    "causes",
    "verdict",
    "cause",
    "fp_codes",
    "fp_status",
    "fp_endpoint",
    "fp_flow",
    "fp_cloud",
    "fp_token_kind",
];

/// One stored row, every column as text (`None` for NULL), in [`COLUMNS`] order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredRow {
    pub values: Vec<Option<String>>,
}

impl StoredRow {
    pub fn get(&self, column: &str) -> Option<&str> {
        let index = COLUMNS.iter().position(|c| *c == column)?;
        self.values.get(index)?.as_deref()
    }

    /// The record this row stores.
    pub fn record(&self) -> Result<Record> {
        let invalid = |what: &str| Error::Invalid(format!("a stored row has an unreadable {what}"));
        let causes: Vec<ScoredCause> = serde_json::from_str(self.get("causes").unwrap_or("[]"))
            .map_err(|_| invalid("causes"))?;
        let codes = self
            .get("fp_codes")
            .unwrap_or("")
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let status = match self.get("fp_status") {
            Some(s) => Some(s.parse().map_err(|_| invalid("status"))?),
            None => None,
        };
        let owned = |column: &str| self.get(column).map(str::to_string);
        Ok(Record {
            day: owned("day").ok_or_else(|| invalid("day"))?,
            kb_version: owned("kb_version").unwrap_or_default(),
            diagnosis: Diagnosis {
                entry: owned("entry"),
                causes,
                fingerprint: Fingerprint {
                    codes,
                    status,
                    endpoint: owned("fp_endpoint"),
                    flow: owned("fp_flow"),
                    cloud: owned("fp_cloud"),
                    token_kind: owned("fp_token_kind"),
                },
            },
            verdict: Verdict::parse(self.get("verdict").unwrap_or(""), self.get("cause"))?,
        })
    }
}

/// How many verdicts of one kind an entry's cause received (`cause` is `None` for "none of
/// these"; `entry` is `None` for pastes no entry was matched to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub entry: Option<String>,
    pub cause: Option<String>,
    pub verdict: String,
    pub count: u64,
}

/// The values of a record for the insert statement, in [`COLUMNS`] order without `id`.
pub(crate) struct InsertValues {
    pub day: String,
    pub kb_version: String,
    pub entry: Option<String>,
    pub causes: String,
    pub verdict: &'static str,
    pub cause: Option<String>,
    pub codes: String,
    pub status: Option<i32>,
    pub endpoint: Option<String>,
    pub flow: Option<String>,
    pub cloud: Option<String>,
    pub token_kind: Option<String>,
}

impl InsertValues {
    pub fn of(record: &Record) -> Result<InsertValues> {
        let d = &record.diagnosis;
        let fp = &d.fingerprint;
        if fp.codes.iter().any(|c| c.contains(',')) {
            return Err(Error::Invalid("a code holds a comma".into()));
        }
        Ok(InsertValues {
            day: record.day.clone(),
            kb_version: record.kb_version.clone(),
            entry: d.entry.clone(),
            causes: serde_json::to_string(&d.causes)
                .map_err(|e| Error::Invalid(format!("causes: {e}")))?,
            verdict: record.verdict.kind(),
            cause: record.verdict.cause().map(str::to_string),
            codes: fp.codes.join(","),
            status: fp.status.map(i32::from),
            endpoint: fp.endpoint.clone(),
            flow: fp.flow.clone(),
            cloud: fp.cloud.clone(),
            token_kind: fp.token_kind.clone(),
        })
    }
}

/// Opens the store a `--feedback-db` value names: `postgres://...` (or `postgresql://`) for
/// PostgreSQL, anything else is the path of a SQLite file (created when missing). Applies the
/// migrations not yet applied.
pub fn open(spec: &str) -> Result<Box<dyn Store>> {
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        Ok(Box::new(crate::PostgresStore::connect(spec)?))
    } else {
        Ok(Box::new(crate::SqliteStore::open(std::path::Path::new(spec))?))
    }
}
