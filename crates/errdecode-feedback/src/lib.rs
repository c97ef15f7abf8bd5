//! errdecode-feedback: "which cause was it?", stored without the paste.
//!
//! A verdict on a diagnosis is one [`Record`]: the day, the knowledge base's version, the
//! matched entry's id, the ranked cause ids with their confidences, the verdict (a cause
//! confirmed, a cause rejected, or none of these) and a [`Fingerprint`] of the facts (codes,
//! status, endpoint template, flow, cloud, token kind). Nothing else is kept: never the paste,
//! a token, a secret, an id, a user name, a tenant id or an address. [`Diagnosis::from_document`]
//! builds the stored shape from a decode, and [`Diagnosis::sanitized`] holds anything that
//! comes back from a client to the same list (every id must be one of the knowledge base's).
//!
//! Storage goes through one trait, [`Store`], with two backends: SQLite embedded (a file, in
//! WAL mode) and PostgreSQL (`postgres://...`) for several replicas. Their schemas are
//! versioned migrations under `migrations/`. [`report`] turns what is stored into counts per
//! error and cause, and [`priors`] into a reviewable diff of the knowledge base's priors.
//! Decoding never reads any of this.

mod model;
mod postgres_store;
pub mod priors;
pub mod report;
mod sanitize;
mod sqlite_store;
mod store;

pub use model::{kb_version, Diagnosis, Fingerprint, Record, ScoredCause, Verdict};
pub use postgres_store::PostgresStore;
pub use sanitize::{sanitize_code, sanitize_endpoint};
pub use sqlite_store::SqliteStore;
pub use store::{open, Store, StoredRow, Tally};

/// What can go wrong storing or reading feedback.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, Error>;

#[doc(hidden)]
pub mod testing;
