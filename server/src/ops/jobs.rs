//! The console's Operations page: a brand's background jobs by status, a failed one put back in the queue, and
//! a probe that shows the workers are alive.

use app::api::ErrorCode;
use app::api::{ErrorBody, JobCounts, JobInfo, JobsPage};
use axum::{extract::State, http::StatusCode};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{new_id, rfc3339},
    error::{Error, Json, Result},
    jobs::{self, JobRow, NewJob},
};

/// Jobs on one page by default, and at most.
const PAGE: i64 = 50;
const MAX_PAGE: i64 = 200;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(retry))
        .routes(routes!(probe))
}

/// Which jobs to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct JobsQuery {
    /// `queued`, `running`, `done` or `failed`; every status when absent.
    status: Option<String>,
    /// From the last page's `next_cursor`.
    cursor: Option<String>,
    /// 1 to 200 (50 by default).
    limit: Option<i64>,
}

fn info(row: JobRow, brand_id: &str) -> JobInfo {
    let own = row.brand_id.as_deref() == Some(brand_id);
    JobInfo {
        retryable: own && row.status == "failed",
        id: row.id,
        kind: row.kind,
        status: row.status,
        attempts: row.attempts,
        max_attempts: row.max_attempts,
        due_at: rfc3339(row.due_at),
        created_at: rfc3339(row.created_at),
        finished_at: row.finished_at.map(rfc3339),
        worker: row.locked_by,
        // A brand-less job's failure may name another brand's data: only the brand's own are shown.
        last_error: if own { row.last_error } else { None },
    }
}

fn parse_cursor(cursor: &str) -> Option<(i64, &str)> {
    let (at, id) = cursor.split_once('_')?;
    let at = at.parse().ok()?;
    (!id.is_empty() && id.len() <= 64).then_some((at, id))
}

/// The brand's background jobs (and the brand-less ones every brand relies on), newest first, with counts.
#[utoipa::path(
    get,
    path = "/api/v1/admin/jobs",
    tag = "admin",
    params(JobsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = JobsPage),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
        (status = 403, description = "`admins_only`, `wrong_brand`", body = ErrorBody),
        (status = 422, description = "`invalid_status`, `invalid_cursor`, `invalid_limit`", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Query(q): Query<JobsQuery>,
) -> Result<Json<JobsPage>> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s @ ("queued" | "running" | "done" | "failed")) => Some(s),
        Some(_) => {
            return Err(Error::unprocessable(
                ErrorCode::InvalidStatus,
                "status must be queued, running, done or failed.",
            ));
        }
    };
    let limit = q.limit.unwrap_or(PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidLimit,
            "limit must be between 1 and 200.",
        ));
    }
    let before = match q.cursor.as_deref() {
        None => None,
        Some(c) => Some(
            parse_cursor(c)
                .ok_or_else(|| Error::unprocessable(ErrorCode::InvalidCursor, "The cursor is not valid."))?,
        ),
    };
    let rows = jobs::list(&state.db, &claims.brand, status, before, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    let rows: Vec<JobRow> = rows.into_iter().take(limit as usize).collect();
    let next_cursor = more
        .then(|| rows.last().map(|r| format!("{}_{}", r.created_at, r.id)))
        .flatten();
    let counts = jobs::counts(&state.db, &claims.brand).await?;
    Ok(Json(JobsPage {
        counts: JobCounts {
            queued: counts.queued,
            running: counts.running,
            done: counts.done,
            failed: counts.failed,
        },
        jobs: rows.into_iter().map(|r| info(r, &claims.brand)).collect(),
        next_cursor,
    }))
}

/// Puts one of the brand's failed jobs back in the queue, due now, with its attempts renewed.
#[utoipa::path(
    post,
    path = "/api/v1/admin/jobs/{id}/retry",
    tag = "admin",
    params(("id" = String, Path, description = "The job's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = JobInfo),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
        (status = 403, description = "`admins_only`, `wrong_brand`", body = ErrorBody),
        (status = 404, description = "`unknown_job`", body = ErrorBody),
        (status = 409, description = "`job_not_failed`", body = ErrorBody),
    )
)]
async fn retry(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<JobInfo>> {
    let unknown = || Error::not_found(ErrorCode::UnknownJob, "There is no such job.");
    let job = jobs::get(&state.db, &claims.brand, &id).await?.ok_or_else(unknown)?;
    if job.brand_id.as_deref() != Some(claims.brand.as_str()) {
        return Err(unknown());
    }
    if !jobs::retry(&state.db, &claims.brand, &id, state.clock.now_ms()).await? {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::JobNotFailed,
            "Only a failed job can be retried.",
        ));
    }
    tracing::info!(job = %id, by = %claims.sub, "job retried from the console");
    let job = jobs::get(&state.db, &claims.brand, &id).await?.ok_or_else(unknown)?;
    Ok(Json(info(job, &claims.brand)))
}

/// Enqueues a probe job for the brand: the Operations page shows which worker ran it, or that none has yet.
#[utoipa::path(
    post,
    path = "/api/v1/admin/jobs/probe",
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 202, body = JobInfo),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
        (status = 403, description = "`admins_only`, `wrong_brand`", body = ErrorBody),
    )
)]
async fn probe(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<(StatusCode, Json<JobInfo>)> {
    let now = state.clock.now_ms();
    let job = NewJob::new(jobs::PROBE, new_id(), serde_json::json!({ "sleep_ms": 0 }), now)
        .for_brand(&claims.brand)
        .attempts(1);
    let key = job.key.clone();
    jobs::enqueue_now(&state.db, job, now).await?;
    let row = jobs::by_key(&state.db, jobs::PROBE, &key)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the probe job just enqueued is missing"))?;
    Ok((StatusCode::ACCEPTED, Json(info(row, &claims.brand))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_is_a_time_and_an_id() {
        assert_eq!(parse_cursor("1700_abc"), Some((1700, "abc")));
        for bad in ["", "1700", "x_abc", "1700_", &format!("1_{}", "a".repeat(65))] {
            assert_eq!(parse_cursor(bad), None, "{bad}");
        }
    }
}
