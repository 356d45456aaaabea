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
use serde::Serialize;
use sqlx::AnyConnection;
use tokio::sync::Notify;

use super::{
    clock::Clock,
    db::{Db, Dialect, new_id},
    error::Result,
};

/// The longest error message kept on a job.
const MAX_ERROR_CHARS: usize = 2_000;
/// The first retry waits this long; each next one twice as long, up to [`MAX_BACKOFF_MS`].
const FIRST_BACKOFF_MS: i64 = 5_000;
/// The longest wait between two attempts.
const MAX_BACKOFF_MS: i64 = 3_600_000;
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
fn wake() -> &'static Notify {
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

/// How a worker runs.
#[derive(Debug, Clone, Copy)]
pub struct WorkerOptions {
    /// How long a claim holds before another worker may take the job; renewed every third of it.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs.
    pub poll: Duration,
    /// Jobs run at once.
    pub concurrency: usize,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(1),
            concurrency: 4,
        }
    }
}

/// A worker: claims due jobs and runs their handlers.
#[derive(Debug, Clone)]
pub struct Worker {
    db: Db,
    clock: Clock,
    registry: Arc<Registry>,
    options: WorkerOptions,
    id: String,
}

/// A claimed row.
#[derive(Debug, sqlx::FromRow)]
struct Claimed {
    id: String,
    kind: String,
    job_key: String,
    brand_id: Option<String>,
    payload: String,
    attempts: i32,
    max_attempts: i32,
}

/// This process's name for its workers: host, process id and a random suffix.
fn worker_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..6];
    format!("{host}:{}:{suffix}", std::process::id())
}

/// The wait before attempt `attempts + 1`, after `attempts` failed ones.
pub fn backoff_ms(attempts: i32) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    FIRST_BACKOFF_MS.saturating_mul(1_i64 << doublings).min(MAX_BACKOFF_MS)
}

fn clip(message: &str) -> String {
    message.chars().take(MAX_ERROR_CHARS).collect()
}

impl Worker {
    /// A worker over `db` with the handlers of `registry`.
    pub fn new(db: Db, clock: Clock, registry: Arc<Registry>, options: WorkerOptions) -> Self {
        Self {
            db,
            clock,
            registry,
            options,
            id: worker_id(),
        }
    }

    /// This worker's name, as `locked_by` shows it.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn lease_ms(&self) -> i64 {
        i64::try_from(self.options.lease.as_millis()).unwrap_or(i64::MAX)
    }

    /// Enqueues each periodic job whose period has begun (a no-op when another process already did).
    pub async fn schedule(&self) -> Result<()> {
        let now = self.clock.now_ms();
        for periodic in &self.registry.periodic {
            let slot = now.div_euclid(periodic.every_ms);
            let job = NewJob::new(
                periodic.kind,
                format!("every:{}:{slot}", periodic.every_ms),
                serde_json::json!({}),
                slot.saturating_mul(periodic.every_ms),
            )
            .attempts(1);
            enqueue_now(&self.db, job, now).await?;
        }
        Ok(())
    }

    /// Claims up to `limit` due jobs (and jobs whose worker's lease ran out) for this worker.
    async fn claim(&self, limit: i64) -> Result<Vec<Claimed>> {
        let now = self.clock.now_ms();
        // A job whose last attempt's worker died has nothing left to try: it stops here, failed.
        sqlx::query(
            "UPDATE jobs SET status = 'failed', lease_until = NULL, finished_at = $1, updated_at = $1, \
             last_error = 'the worker running its last attempt stopped (its lease ran out)' \
             WHERE status = 'running' AND lease_until < $1 AND attempts >= max_attempts",
        )
        .bind(now)
        .execute(self.db.write())
        .await?;
        let lock = match self.db.dialect() {
            Dialect::Postgres => "FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = $1, locked_by = $2, \
             updated_at = $3 WHERE id IN (SELECT id FROM jobs WHERE (status = 'queued' AND due_at <= $3) \
             OR (status = 'running' AND lease_until < $3) ORDER BY due_at LIMIT $4 {lock}) \
             RETURNING id, kind, job_key, brand_id, payload, attempts, max_attempts"
        );
        Ok(sqlx::query_as(&sql)
            .bind(now.saturating_add(self.lease_ms()))
            .bind(&self.id)
            .bind(now)
            .bind(limit)
            .fetch_all(self.db.write())
            .await?)
    }

    /// One round: schedules periodic work, claims what is due (up to the concurrency) and runs it to the end.
    /// How many jobs it ran. Tests drive the worker with this.
    pub async fn run_once(&self) -> Result<usize> {
        self.schedule().await?;
        let limit = i64::try_from(self.options.concurrency.max(1)).unwrap_or(1);
        let claimed = self.claim(limit).await?;
        let count = claimed.len();
        futures::future::join_all(claimed.into_iter().map(|row| self.run_job(row))).await;
        Ok(count)
    }

    /// Runs rounds until `shutdown` completes; a round that claims nothing waits for the poll interval or for
    /// a job enqueued in this process. The round running when `shutdown` completes is finished first.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tracing::info!(worker = %self.id, kinds = ?self.registry, "worker started");
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let idle = match self.run_once().await {
                Ok(0) => true,
                Ok(_) => false,
                Err(e) => {
                    tracing::warn!(worker = %self.id, error = %e, "claiming jobs failed; trying again");
                    true
                }
            };
            let woken = wake().notified();
            tokio::select! {
                () = &mut shutdown => break,
                _ = tokio::time::timeout(self.options.poll, woken), if idle => {}
                () = std::future::ready(()), if !idle => {}
            }
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }

    async fn run_job(&self, row: Claimed) {
        let job = Job {
            id: row.id.clone(),
            kind: row.kind.clone(),
            key: row.job_key,
            brand_id: row.brand_id,
            payload: row.payload,
            attempt: row.attempts,
            worker: self.id.clone(),
        };
        let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempt);
        let _entered = span.clone();
        let outcome = match self.registry.handlers.get(row.kind.as_str()).cloned() {
            None => Err(anyhow::Error::new(Permanent(format!(
                "no handler for jobs of kind {:?} in this version",
                row.kind
            )))),
            Some(handler) => {
                // A panicking handler fails its own job; the worker and every other job carry on.
                let task = tokio::spawn(tracing::Instrument::instrument(handler(job), span));
                let heartbeat = self.heartbeat(&row.id);
                tokio::select! {
                    joined = task => match joined {
                        Ok(outcome) => outcome,
                        Err(e) if e.is_panic() => Err(anyhow::anyhow!("the handler panicked: {}", panic_text(e))),
                        Err(e) => Err(anyhow::anyhow!("the handler was cancelled: {e}")),
                    },
                    () = heartbeat => Err(anyhow::anyhow!("the lease was lost")),
                }
            }
        };
        if let Err(e) = self.finish(&row.id, row.attempts, row.max_attempts, outcome).await {
            tracing::error!(job = %row.id, error = %e, "could not record a job's outcome; its lease will run out");
        }
    }

    /// Renews the job's lease every third of it; completes only when the lease was lost to another worker.
    async fn heartbeat(&self, id: &str) {
        let every = self.options.lease / 3;
        loop {
            tokio::time::sleep(every).await;
            let now = self.clock.now_ms();
            let renewed = sqlx::query(
                "UPDATE jobs SET lease_until = $1, updated_at = $2 WHERE id = $3 AND locked_by = $4 AND status = 'running'",
            )
            .bind(now.saturating_add(self.lease_ms()))
            .bind(now)
            .bind(id)
            .bind(&self.id)
            .execute(self.db.write())
            .await;
            match renewed {
                Ok(done) if done.rows_affected() == 0 => return,
                Ok(_) => {}
                Err(e) => tracing::warn!(job = %id, error = %e, "could not renew a job's lease"),
            }
        }
    }

    async fn finish(&self, id: &str, attempts: i32, max_attempts: i32, outcome: anyhow::Result<()>) -> Result<()> {
        let now = self.clock.now_ms();
        // Every outcome binds the same five values: now, the job, this worker, the error and the next due time.
        let (sql, error) = match &outcome {
            Ok(()) => (
                "UPDATE jobs SET status = 'done', lease_until = NULL, last_error = $4, finished_at = $1, \
                 updated_at = $1 WHERE id = $2 AND locked_by = $3 AND status = 'running' AND $5 = $5",
                None,
            ),
            Err(e) => {
                let message = clip(&format!("{e:#}"));
                if e.downcast_ref::<Permanent>().is_some() || attempts >= max_attempts {
                    tracing::error!(job = %id, error = %message, "job failed for good");
                    (
                        "UPDATE jobs SET status = 'failed', lease_until = NULL, last_error = $4, finished_at = $1, \
                         updated_at = $1 WHERE id = $2 AND locked_by = $3 AND status = 'running' AND $5 = $5",
                        Some(message),
                    )
                } else {
                    tracing::warn!(job = %id, error = %message, attempt = attempts, "job failed; it will be retried");
                    (
                        "UPDATE jobs SET status = 'queued', lease_until = NULL, last_error = $4, due_at = $5, \
                         updated_at = $1 WHERE id = $2 AND locked_by = $3 AND status = 'running'",
                        Some(message),
                    )
                }
            }
        };
        let finished = sqlx::query(sql)
            .bind(now)
            .bind(id)
            .bind(&self.id)
            .bind(error)
            .bind(now.saturating_add(backoff_ms(attempts)))
            .execute(self.db.write())
            .await?;
        if finished.rows_affected() == 0 {
            tracing::warn!(job = %id, "the job's lease had passed to another worker; its outcome here is dropped");
        }
        Ok(())
    }
}

fn panic_text(e: tokio::task::JoinError) -> String {
    let payload = e.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
}

/// Counts of a brand's jobs (and the brand-less ones) by status.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// Waiting for their due time or a worker.
    pub queued: i64,
    /// Claimed by a worker now.
    pub running: i64,
    /// Finished (kept for a week).
    pub done: i64,
    /// Stopped after their attempts.
    pub failed: i64,
}

/// One job as the console lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: String,
    /// Key.
    pub job_key: String,
    /// Brand, if any.
    pub brand_id: Option<String>,
    /// Status.
    pub status: String,
    /// Due, epoch ms.
    pub due_at: i64,
    /// Attempts made.
    pub attempts: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
    /// The worker holding or last holding it.
    pub locked_by: Option<String>,
    /// The last failure.
    pub last_error: Option<String>,
    /// Enqueued, epoch ms.
    pub created_at: i64,
    /// Last change, epoch ms.
    pub updated_at: i64,
    /// Finished, epoch ms.
    pub finished_at: Option<i64>,
}

const JOB_COLUMNS: &str = "id, kind, job_key, brand_id, status, due_at, attempts, max_attempts, locked_by, last_error, \
                           created_at, updated_at, finished_at";

/// The jobs a brand's console sees: its own and the brand-less ones (the loyalty pass), newest first, by
/// status when one is given; `before` pages by `(created_at, id)`.
pub async fn list(
    db: &Db,
    brand_id: &str,
    status: Option<&str>,
    before: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<JobRow>> {
    let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE (brand_id = $1 OR brand_id IS NULL) AND ($2 = '' OR status = $2) \
         AND (created_at < $3 OR (created_at = $3 AND id < $4)) \
         ORDER BY created_at DESC, id DESC LIMIT $5"
    );
    Ok(sqlx::query_as(&sql)
        .bind(brand_id)
        .bind(status.unwrap_or(""))
        .bind(before_at)
        .bind(before_id)
        .bind(limit)
        .fetch_all(db.read())
        .await?)
}

/// One job by id, as a brand's console may see it.
pub async fn get(db: &Db, brand_id: &str, id: &str) -> Result<Option<JobRow>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1 AND (brand_id = $2 OR brand_id IS NULL)");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .bind(brand_id)
        .fetch_optional(db.read())
        .await?)
}

/// One job by its kind and key.
pub async fn by_key(db: &Db, kind: &str, key: &str) -> Result<Option<JobRow>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE kind = $1 AND job_key = $2");
    Ok(sqlx::query_as(&sql)
        .bind(kind)
        .bind(key)
        .fetch_optional(db.read())
        .await?)
}

/// Counts of the jobs [`list`] shows, by status.
pub async fn counts(db: &Db, brand_id: &str) -> Result<Counts> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM jobs WHERE brand_id = $1 OR brand_id IS NULL GROUP BY status")
            .bind(brand_id)
            .fetch_all(db.read())
            .await?;
    let mut counts = Counts::default();
    for (status, n) in rows {
        match status.as_str() {
            "queued" => counts.queued = n,
            "running" => counts.running = n,
            "done" => counts.done = n,
            "failed" => counts.failed = n,
            _ => {}
        }
    }
    Ok(counts)
}

/// Puts a brand's failed job back in the queue, due now, with its attempts renewed; whether it was failed.
pub async fn retry(db: &Db, brand_id: &str, id: &str, now: i64) -> Result<bool> {
    let retried = sqlx::query(
        "UPDATE jobs SET status = 'queued', attempts = 0, due_at = $1, finished_at = NULL, locked_by = NULL, \
         updated_at = $1 WHERE id = $2 AND brand_id = $3 AND status = 'failed'",
    )
    .bind(now)
    .bind(id)
    .bind(brand_id)
    .execute(db.write())
    .await?
    .rows_affected()
        == 1;
    if retried {
        wake().notify_waiters();
    }
    Ok(retried)
}

/// Deletes finished jobs older than [`KEEP_FINISHED_MS`] (periodic jobs are re-keyed every period, so their
/// old keys are not needed), and the probes' runs with them; how many jobs it deleted.
pub async fn prune(db: &Db, now: i64) -> Result<u64> {
    let cutoff = now.saturating_sub(KEEP_FINISHED_MS);
    sqlx::query(
        "DELETE FROM job_probes WHERE job_id IN (SELECT id FROM jobs WHERE status IN ('done', 'failed') AND finished_at < $1)",
    )
    .bind(cutoff)
    .execute(db.write())
    .await?;
    Ok(
        sqlx::query("DELETE FROM jobs WHERE status IN ('done', 'failed') AND finished_at < $1")
            .bind(cutoff)
            .execute(db.write())
            .await?
            .rows_affected(),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_five_seconds_and_stops_at_an_hour() {
        assert_eq!(backoff_ms(1), 5_000);
        assert_eq!(backoff_ms(2), 10_000);
        assert_eq!(backoff_ms(3), 20_000);
        assert_eq!(backoff_ms(20), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(i32::MAX), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(0), 5_000);
    }
}
