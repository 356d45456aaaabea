//! What the console reads of jobs and does to them: a brand's jobs by status, one retried, old ones pruned.

use serde::Serialize;

use super::{KEEP_FINISHED_MS, wake};
use crate::platform::{db::Db, error::Result};

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
