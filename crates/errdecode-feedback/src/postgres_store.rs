//! PostgreSQL, for several replicas: a small pool of connections.

use std::sync::Mutex;

use postgres::{Client, NoTls, Statement};

use crate::store::{InsertValues, Store, StoredRow, Tally, COLUMNS};
use crate::{Record, Result};

/// The migrations, oldest first: `migrations/postgres/NNNN_*.sql`.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/postgres/0001_feedback.sql"))];

/// Connections kept open between requests.
const POOL_SIZE: usize = 8;

pub struct PostgresStore {
    url: String,
    idle: Mutex<Vec<Connection>>,
}

/// A connection with its insert statement prepared once.
struct Connection {
    client: Client,
    insert: Statement,
}

const INSERT: &str = "INSERT INTO feedback (day, kb_version, entry, causes, verdict, cause, fp_codes, fp_status, fp_endpoint, fp_flow, fp_cloud, fp_token_kind) VALUES ($1::text::date, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

impl PostgresStore {
    /// Connects, and applies pending migrations (under an advisory lock, so that replicas
    /// starting together apply each migration once).
    pub fn connect(url: &str) -> Result<PostgresStore> {
        let mut client = Client::connect(url, NoTls)?;
        migrate(&mut client)?;
        let insert = client.prepare(INSERT)?;
        let idle = Mutex::new(vec![Connection { client, insert }]);
        Ok(PostgresStore { url: url.to_string(), idle })
    }

    /// Runs `f` on an idle connection (or a new one); the connection goes back to the pool
    /// unless the call failed, in case the failure was the connection's.
    fn with_connection<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut connection = match idle {
            Some(connection) if !connection.client.is_closed() => connection,
            _ => {
                let mut client = Client::connect(&self.url, NoTls)?;
                let insert = client.prepare(INSERT)?;
                Connection { client, insert }
            }
        };
        let result = f(&mut connection);
        if result.is_ok() {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < POOL_SIZE {
                idle.push(connection);
            }
        }
        result
    }

    fn with_client<T>(&self, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        self.with_connection(|connection| f(&mut connection.client))
    }
}

fn migrate(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock(7283140014)", &[])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)")?;
    for (version, sql) in MIGRATIONS {
        let applied: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)",
                &[version],
            )?
            .get(0);
        if !applied {
            tx.batch_execute(sql)?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[version])?;
        }
    }
    tx.commit()?;
    Ok(())
}

impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn insert(&self, record: &Record) -> Result<()> {
        let v = InsertValues::of(record)?;
        self.with_connection(|connection| {
            connection.client.execute(
                &connection.insert,
                &[
                    &v.day,
                    &v.kb_version,
                    &v.entry,
                    &v.causes,
                    &v.verdict,
                    &v.cause,
                    &v.codes,
                    &v.status,
                    &v.endpoint,
                    &v.flow,
                    &v.cloud,
                    &v.token_kind,
                ],
            )?;
            Ok(())
        })
    }

    fn tally(&self) -> Result<Vec<Tally>> {
        self.with_client(|client| {
            let rows = client.query(
                "SELECT entry, cause, verdict, COUNT(*) FROM feedback GROUP BY entry, cause, verdict ORDER BY entry COLLATE \"C\", cause COLLATE \"C\", verdict COLLATE \"C\"",
                &[],
            )?;
            Ok(rows
                .iter()
                .map(|row| Tally {
                    entry: row.get(0),
                    cause: row.get(1),
                    verdict: row.get(2),
                    count: row.get::<_, i64>(3) as u64,
                })
                .collect())
        })
    }

    fn rows(&self, limit: usize) -> Result<Vec<StoredRow>> {
        let sql = format!(
            "SELECT {} FROM feedback ORDER BY id DESC LIMIT $1",
            COLUMNS
                .iter()
                .map(|c| if *c == "day" {
                    "to_char(day, 'YYYY-MM-DD')".to_string()
                } else {
                    format!("{c}::text")
                })
                .collect::<Vec<_>>()
                .join(", ")
        );
        self.with_client(|client| {
            let rows = client.query(&sql, &[&(limit as i64)])?;
            Ok(rows
                .iter()
                .map(|row| StoredRow { values: (0..COLUMNS.len()).map(|i| row.get(i)).collect() })
                .collect())
        })
    }

    fn columns(&self) -> Result<Vec<String>> {
        self.with_client(|client| {
            let rows = client.query(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'feedback' ORDER BY ordinal_position",
                &[],
            )?;
            Ok(rows.iter().map(|row| row.get(0)).collect())
        })
    }

    fn migrations(&self) -> Result<Vec<i64>> {
        self.with_client(|client| {
            let rows =
                client.query("SELECT version FROM schema_migrations ORDER BY version", &[])?;
            Ok(rows.iter().map(|row| row.get(0)).collect())
        })
    }
}
