//! The worker: claims due jobs (and those whose worker's lease ran out), runs their handlers with the lease
//! renewed, and records each outcome: done, queued again after a backoff, or failed.

use std::{future::Future, sync::Arc, time::Duration};

use super::{Job, NewJob, Permanent, Registry, enqueue_now, wake};
use crate::platform::{
    clock::Clock,
    db::{Db, Dialect},
    error::Result,
};

/// The longest error message kept on a job.
const MAX_ERROR_CHARS: usize = 2_000;
/// The first retry waits this long; each next one twice as long, up to [`MAX_BACKOFF_MS`].
const FIRST_BACKOFF_MS: i64 = 5_000;
/// The longest wait between two attempts.
const MAX_BACKOFF_MS: i64 = 3_600_000;

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
