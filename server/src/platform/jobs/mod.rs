//! Durable background work as rows (`jobs`), on both stores.
//!
//! A job has a kind, a payload, a due time, attempts with exponential backoff, a lease and the last error; the
//! pair (kind, key) is unique, so the same work is never enqueued twice (a repeat is a no-op). [`enqueue`] runs
//! inside the caller's transaction: a job written with the change that needs it is an outbox, committed or
//! rolled back with it.
//!
//! Workers on any number of processes claim due jobs with one statement (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL; SQLite's single writer makes the claim atomic) and hold each by a lease they renew while the
//! handler runs. A process that dies stops renewing, and another takes the job again once the lease has run
//! out; a handler is therefore idempotent by its job's key. A job that keeps failing stops after its attempts
//! and waits, failed, for a person to retry it from the console.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, OnceLock},
    time::Duration,
};

use futures::{FutureExt, future::BoxFuture};
use sqlx::AnyConnection;
use tokio::sync::Notify;

use super::{
    clock::Clock,
    db::{Db, new_id},
    error::Result,
};

mod inspect;
mod worker;

pub use inspect::{Counts, JobRow, by_key, counts, get, list, prune, retry};
pub use worker::{Worker, WorkerOptions, backoff_ms};

/// Finished jobs are kept this long (for the console and for their keys), then pruned.
pub const KEEP_FINISHED_MS: i64 = 7 * 24 * 3_600_000;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// What to do: the handler's name, `area.verb` (`imports.process`).
    pub kind: &'static str,
    /// Unique with the kind: enqueueing the same (kind, key) again does nothing.
    pub key: String,
    /// The brand the work is for, if any (the console shows a brand its own jobs).
    pub brand_id: Option<String>,
    /// The handler's input, JSON.
    pub payload: serde_json::Value,
    /// When it may run first, epoch ms.
    pub due_at: i64,
    /// Attempts before it stops as failed.
    pub max_attempts: i32,
}

impl NewJob {
    /// A job of `kind` keyed by `key`, due at `due_at`, with five attempts.
    pub fn new(kind: &'static str, key: impl Into<String>, payload: serde_json::Value, due_at: i64) -> Self {
        Self {
            kind,
            key: key.into(),
            brand_id: None,
            payload,
            due_at,
            max_attempts: 5,
        }
    }

    /// The same job, for `brand_id`.
    pub fn for_brand(mut self, brand_id: &str) -> Self {
        self.brand_id = Some(brand_id.to_owned());
        self
    }

    /// The same job, with `attempts` attempts (at least one).
    pub fn attempts(mut self, attempts: i32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
}

/// Wakes this process's workers when a job is enqueued here, so they need not wait for their next poll.
pub(super) fn wake() -> &'static Notify {
    static WAKE: OnceLock<Notify> = OnceLock::new();
    WAKE.get_or_init(Notify::new)
}

/// Enqueues `job` inside the caller's transaction; whether it is new (false when its (kind, key) exists).
pub async fn enqueue(conn: &mut AnyConnection, job: &NewJob, now: i64) -> Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO jobs (id, kind, job_key, brand_id, payload, status, due_at, max_attempts, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $8) ON CONFLICT (kind, job_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(job.kind)
    .bind(&job.key)
    .bind(job.brand_id.clone())
    .bind(job.payload.to_string())
    .bind(job.due_at)
    .bind(job.max_attempts)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        wake().notify_waiters();
    }
    Ok(inserted)
}

/// Enqueues `job` on its own (a one-statement transaction).
pub async fn enqueue_now(db: &Db, job: NewJob, now: i64) -> Result<bool> {
    db.transact(move |conn| Box::pin(async move { enqueue(conn, &job, now).await }))
        .await
}

/// A claimed job, as its handler sees it.
#[derive(Debug, Clone)]
pub struct Job {
    /// The row's id.
    pub id: String,
    /// Its kind.
    pub kind: String,
    /// Its key.
    pub key: String,
    /// Its brand, if any.
    pub brand_id: Option<String>,
    /// Its payload, JSON text.
    pub payload: String,
    /// This attempt's number, from 1.
    pub attempt: i32,
    /// The worker running it.
    pub worker: String,
}

impl Job {
    /// The payload as `T`; a payload that does not parse fails the job for good.
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> anyhow::Result<T> {
        serde_json::from_str(&self.payload)
            .map_err(|e| anyhow::Error::new(Permanent(format!("the payload does not parse: {e}"))))
    }
}

/// A failure that no retry can mend: the job stops as failed at once.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Permanent(pub String);

/// Runs one job; an error retries it (after a backoff) until its attempts are spent.
pub type Handler = Arc<dyn Fn(Job) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

/// Work a worker schedules itself: a job of `kind` once every `every_ms`, keyed by the period, so several
/// processes schedule it once between them.
#[derive(Debug, Clone, Copy)]
pub struct Periodic {
    /// The kind to enqueue.
    pub kind: &'static str,
    /// The period, ms.
    pub every_ms: i64,
}

/// The handlers of a process, by kind, and its periodic work.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Handler>,
    periodic: Vec<Periodic>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut kinds: Vec<_> = self.handlers.keys().collect();
        kinds.sort();
        f.debug_struct("Registry")
            .field("kinds", &kinds)
            .field("periodic", &self.periodic)
            .finish()
    }
}

impl Registry {
    /// Registers the handler of `kind`.
    pub fn handle<F, Fut>(&mut self, kind: &'static str, handler: F) -> &mut Self
    where
        F: Fn(Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        self.handlers.insert(kind, Arc::new(move |job| handler(job).boxed()));
        self
    }

    /// Schedules a job of `kind` every `every` (its handler must be registered too).
    pub fn every(&mut self, kind: &'static str, every: Duration) -> &mut Self {
        self.periodic.push(Periodic {
            kind,
            every_ms: i64::try_from(every.as_millis()).unwrap_or(i64::MAX).max(1),
        });
        self
    }

    /// The kinds with a handler.
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.handlers.keys().copied()
    }
}

/// The kind of an operations probe: it records which worker ran it, after sleeping `sleep_ms`.
pub const PROBE: &str = "ops.probe";

/// Registers the platform's own kinds: the probe and the daily pruning of finished jobs.
pub fn register_platform(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (probe_db, probe_clock) = (db.clone(), clock.clone());
    registry.handle(PROBE, move |job| {
        let (db, clock) = (probe_db.clone(), probe_clock.clone());
        async move {
            #[derive(serde::Deserialize)]
            struct Probe {
                #[serde(default)]
                sleep_ms: u64,
            }
            let probe: Probe = job.payload()?;
            tokio::time::sleep(Duration::from_millis(probe.sleep_ms.min(60_000))).await;
            sqlx::query("INSERT INTO job_probes (job_id, worker, ran_at) VALUES ($1, $2, $3)")
                .bind(&job.id)
                .bind(&job.worker)
                .bind(clock.now_ms())
                .execute(db.write())
                .await?;
            Ok(())
        }
    });
    let (prune_db, prune_clock) = (db.clone(), clock.clone());
    registry.handle("jobs.prune", move |_job| {
        let (db, clock) = (prune_db.clone(), prune_clock.clone());
        async move {
            let pruned = prune(&db, clock.now_ms()).await?;
            tracing::info!(pruned, "finished jobs pruned");
            Ok(())
        }
    });
    registry.every("jobs.prune", Duration::from_secs(24 * 3600));
}
