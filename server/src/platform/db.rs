//! The store: SQLite (embedded default) or PostgreSQL (scale-out), through sqlx's `Any` driver so business
//! code and queries are written once. Dialect differences live here and in the two migration folders.
//!
//! With `Any`, timestamps are `BIGINT` epoch milliseconds, booleans are `0/1` integers, JSON is text and ids
//! are UUIDv7 text: the types `Any` decodes the same way on both stores.

mod writer;

use std::{path::Path, str::FromStr, sync::Arc, time::Duration};

use anyhow::Context;
use futures::future::BoxFuture;
use sqlx::{
    Any, AnyConnection, AnyPool, Transaction,
    any::{AnyConnectOptions, AnyPoolOptions, install_default_drivers},
    migrate::Migrator,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Which SQL dialect the store speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite: one writer connection, several readers, WAL.
    Sqlite,
    /// PostgreSQL: one shared pool.
    Postgres,
}

/// A handle on the store; cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    dialect: Dialect,
    /// SQLite's writer thread, for [`Db::transact`].
    writer: Option<Arc<writer::Writer>>,
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`), creating a SQLite file and its folder if needed.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        install_default_drivers();
        if url.starts_with("postgres") {
            let options = AnyConnectOptions::from_str(url)?;
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .context("connecting to PostgreSQL")?;
            return Ok(Self {
                read: pool.clone(),
                write: pool,
                dialect: Dialect::Postgres,
                writer: None,
            });
        }
        let path = sqlite_path(url).context("database_url must be sqlite://PATH or postgres://…")?;
        if let Some(dir) = Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let options = AnyConnectOptions::from_str(&format!("sqlite://{path}?mode=rwc"))?;
        // SQLite allows one writer at a time: a single write connection serialises writers inside the process
        // (no SQLITE_BUSY between our own transactions), while readers proceed in parallel thanks to WAL.
        // The writer thread takes this connection once per batch: skip the health check on every take.
        let write_options = options.clone();
        let (writer, write) = writer::Writer::start(move || {
            Box::pin(async move {
                // Kept for the life of the process (no idle or age limit): its thread stays beside the writer's.
                sqlite_pool(1)
                    .test_before_acquire(false)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(write_options)
                    .await
                    .context("opening SQLite")
            })
        })
        .await
        .context("starting the SQLite writer thread")?;
        let read = sqlite_pool(4).connect_with(options).await.context("opening SQLite")?;
        Ok(Self {
            read,
            write,
            dialect: Dialect::Sqlite,
            writer: Some(Arc::new(writer)),
        })
    }

    /// Brings the schema up to date (embedded migrations; safe to run from several processes on PostgreSQL).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.dialect {
            Dialect::Sqlite => &SQLITE_MIGRATIONS,
            Dialect::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.write).await.context("running migrations")?;
        Ok(())
    }

    /// The pool for reads.
    pub fn read(&self) -> &AnyPool {
        &self.read
    }

    /// The pool for single-statement writes.
    pub fn write(&self) -> &AnyPool {
        &self.write
    }

    /// Starts a write transaction. Keep it short and never await the network inside it.
    pub async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.write.begin().await
    }

    /// Runs `work` in a write transaction and commits it; an error rolls back everything `work` wrote. On
    /// SQLite the transaction runs on the writer thread, sharing a commit with others queued at the same time
    /// (see `db/writer.rs`); on PostgreSQL it runs here. `work` must own what it needs: write it as
    /// `move |conn| Box::pin(async move { … })`.
    pub async fn transact<F, T>(&self, work: F) -> crate::error::Result<T>
    where
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, crate::error::Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(writer) = &self.writer {
            return writer.run(work).await;
        }
        let mut tx = self.begin().await?;
        let value = work(&mut tx).await?;
        tx.commit().await?;
        Ok(value)
    }

    /// The store's dialect, for the few places where SQL must differ.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Whether the store answers a trivial query and, on SQLite, its writer thread still takes work.
    pub async fn ping(&self) -> bool {
        if self.writer.as_ref().is_some_and(|w| !w.is_alive()) {
            return false;
        }
        sqlx::query("SELECT 1").execute(&self.read).await.is_ok()
    }

    /// Closes every connection (used at shutdown, after in-flight requests finished).
    pub async fn close(&self) {
        if let Some(writer) = &self.writer {
            writer.close();
        }
        self.write.close().await;
        self.read.close().await;
    }
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = NORMAL",
                    "PRAGMA busy_timeout = 5000",
                    "PRAGMA foreign_keys = ON",
                    "PRAGMA temp_store = MEMORY",
                    "PRAGMA wal_autocheckpoint = 8000",
                ] {
                    sqlx::query(pragma).execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
}

/// `sqlite://data/cham.db`, `sqlite:data/cham.db` or `sqlite:///abs/path.db` → the file path.
fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}

/// Milliseconds since the Unix epoch, the store's time format.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Epoch milliseconds as RFC 3339 UTC with milliseconds, the API's time format.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A new time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_a_file() {
        assert_eq!(sqlite_path("sqlite://data/cham.db").as_deref(), Some("data/cham.db"));
        assert_eq!(sqlite_path("sqlite:///tmp/x.db?mode=rwc").as_deref(), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("mysql://x"), None);
    }
}
