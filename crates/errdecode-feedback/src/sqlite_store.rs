//! SQLite, embedded: one file, WAL mode, one connection behind a lock.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{params, Connection};

use crate::store::{InsertValues, Store, StoredRow, Tally, COLUMNS};
use crate::{Record, Result};

/// The migrations, oldest first: `migrations/sqlite/NNNN_*.sql`.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/sqlite/0001_feedback.sql"))];

pub struct SqliteStore {
    connection: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (or creates) the file, turns on WAL and applies pending migrations.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(Duration::from_secs(5))?;
        // WAL: readers do not block the writer; NORMAL sync is durable across crashes of the
        // process (a power cut may lose the last verdicts, never corrupt the file).
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        let store = SqliteStore { connection: Mutex::new(connection) };
        store.migrate()?;
        Ok(store)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn migrate(&self) -> Result<()> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)",
        )?;
        for (version, sql) in MIGRATIONS {
            let applied: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                [version],
                |row| row.get(0),
            )?;
            if !applied {
                tx.execute_batch(sql)?;
                tx.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [version])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The journal mode in force (`wal`).
    pub fn journal_mode(&self) -> Result<String> {
        Ok(self.lock().query_row("PRAGMA journal_mode", [], |row| row.get(0))?)
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn insert(&self, record: &Record) -> Result<()> {
        let v = InsertValues::of(record)?;
        self.lock().prepare_cached(
            "INSERT INTO feedback (day, kb_version, entry, causes, verdict, cause, fp_codes, fp_status, fp_endpoint, fp_flow, fp_cloud, fp_token_kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            v.day, v.kb_version, v.entry, v.causes, v.verdict, v.cause, v.codes, v.status,
            v.endpoint, v.flow, v.cloud, v.token_kind
        ])?;
        Ok(())
    }

    fn tally(&self) -> Result<Vec<Tally>> {
        let connection = self.lock();
        let mut statement = connection.prepare_cached(
            "SELECT entry, cause, verdict, COUNT(*) FROM feedback GROUP BY entry, cause, verdict ORDER BY entry, cause, verdict",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(Tally {
                entry: row.get(0)?,
                cause: row.get(1)?,
                verdict: row.get(2)?,
                count: row.get::<_, i64>(3)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn rows(&self, limit: usize) -> Result<Vec<StoredRow>> {
        let connection = self.lock();
        let sql = format!(
            "SELECT {} FROM feedback ORDER BY id DESC LIMIT ?1",
            COLUMNS.iter().map(|c| format!("CAST({c} AS TEXT)")).collect::<Vec<_>>().join(", ")
        );
        let mut statement = connection.prepare(&sql)?;
        let rows = statement.query_map([limit as i64], |row| {
            let values = (0..COLUMNS.len())
                .map(|i| row.get::<_, Option<String>>(i))
                .collect::<rusqlite::Result<_>>()?;
            Ok(StoredRow { values })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn columns(&self) -> Result<Vec<String>> {
        let connection = self.lock();
        let mut statement =
            connection.prepare("SELECT name FROM pragma_table_info('feedback') ORDER BY cid")?;
        let names = statement.query_map([], |row| row.get(0))?;
        Ok(names.collect::<rusqlite::Result<_>>()?)
    }

    fn migrations(&self) -> Result<Vec<i64>> {
        let connection = self.lock();
        let mut statement =
            connection.prepare("SELECT version FROM schema_migrations ORDER BY version")?;
        let versions = statement.query_map([], |row| row.get(0))?;
        Ok(versions.collect::<rusqlite::Result<_>>()?)
    }
}
