//! PostgreSQL, for several replicas: a small pool of connections.

use std::sync::{mpsc, Arc, Mutex};

use postgres::{Client, NoTls, Statement};

use crate::store::{InsertValues, Store, StoredRow, Tally, COLUMNS};
use crate::{Record, Result};

/// The migrations, oldest first: `migrations/postgres/NNNN_*.sql`.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/postgres/0001_feedback.sql"))];

/// Connections (one per worker thread).
const POOL_SIZE: usize = 4;

/// A job for a worker: runs on the worker's connection.
type Job = Box<dyn FnOnce(&mut Option<Connection>) + Send>;

/// The store. Each connection lives on a worker thread of its own, which connects, runs the
/// jobs and closes it: the blocking client is never created, used or dropped on a thread of
/// an async runtime, whatever thread calls the store.
pub struct PostgresStore {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    workers: Mutex<Vec<std::thread::JoinHandle<()>>>,
}

/// A connection with its insert statement prepared once.
struct Connection {
    client: Client,
    insert: Statement,
}

const INSERT: &str = "INSERT INTO feedback (day, kb_version, entry, causes, verdict, cause, fp_codes, fp_status, fp_endpoint, fp_flow, fp_cloud, fp_token_kind) VALUES ($1::text::date, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

impl Connection {
    /// Connects and applies pending migrations (so that the table exists before the insert is
    /// prepared; on a migrated database this is one query).
    fn open(url: &str) -> Result<Connection> {
        let mut client = Client::connect(url, NoTls)?;
        migrate(&mut client)?;
        let insert = client.prepare(INSERT)?;
        Ok(Connection { client, insert })
    }
}

impl PostgresStore {
    /// Connects, and applies pending migrations (under an advisory lock, so that replicas
    /// starting together apply each migration once).
    pub fn connect(url: &str) -> Result<PostgresStore> {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..POOL_SIZE)
            .map(|i| {
                let receiver = Arc::clone(&receiver);
                let url = url.to_string();
                std::thread::Builder::new()
                    .name(format!("feedback-pg-{i}"))
                    .spawn(move || worker(&url, &receiver))
                    .expect("a feedback worker thread starts")
            })
            .collect();
        let store = PostgresStore { jobs: Mutex::new(Some(sender)), workers: Mutex::new(workers) };
        // The first job connects and migrates: a wrong URL fails here, at start-up.
        store.with_client(|_| Ok(()))?;
        Ok(store)
    }

    /// Runs `f` on a worker's connection and waits for its result.
    fn with_connection<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |slot: &mut Option<Connection>| {
            let result = (|| {
                if slot.as_ref().is_none_or(|c| c.client.is_closed()) {
                    *slot = Some(Connection::open(&worker_url())?);
                }
                f(slot.as_mut().expect("connected above"))
            })();
            let _ = reply.send(result);
        });
        let sent = self
            .jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|jobs| jobs.send(job).is_ok())
            .unwrap_or(false);
        if !sent {
            return Err(crate::Error::Invalid("the PostgreSQL store is closed".into()));
        }
        answer
            .recv()
            .unwrap_or_else(|_| Err(crate::Error::Invalid("a PostgreSQL worker stopped".into())))
    }

    fn with_client<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.with_connection(|connection| f(&mut connection.client))
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // Closing the queue ends the workers, which close their connections.
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).take();
        for worker in self.workers.lock().unwrap_or_else(|p| p.into_inner()).drain(..) {
            let _ = worker.join();
        }
    }
}

fn worker(url: &str, receiver: &Mutex<mpsc::Receiver<Job>>) {
    let mut slot: Option<Connection> = None;
    CURRENT_URL.with(|current| *current.borrow_mut() = url.to_string());
    loop {
        let job = receiver.lock().unwrap_or_else(|p| p.into_inner()).recv();
        match job {
            Ok(job) => {
                job(&mut slot);
                // A failed job may have broken the connection: reconnect on the next one.
                if slot.as_ref().is_some_and(|c| c.client.is_closed()) {
                    slot = None;
                }
            }
            Err(_) => break,
        }
    }
}

thread_local! {
    /// The URL a worker thread connects to.
    static CURRENT_URL: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn worker_url() -> String {
    CURRENT_URL.with(|current| current.borrow().clone())
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
        self.with_connection(move |connection| {
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
        self.with_client(move |client| {
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
