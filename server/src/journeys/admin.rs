//! The console's journeys: list, create, change (a new version; people inside finish theirs), activate and
//! pause, each with how many people are at each step and went each way.

use std::collections::HashSet;

use app::api::{ErrorBody, ErrorCode, Journey, JourneyInput, JourneyStatus, StepCount, StepWay};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::check::Known;
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{Db, new_id, rfc3339},
    error::{Error, Json, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, save))
        .routes(routes!(activate))
        .routes(routes!(pause))
}

fn unknown() -> Error {
    Error::not_found(ErrorCode::UnknownJourney, "This journey does not exist.")
}

fn status_of(text: &str) -> JourneyStatus {
    match text {
        "active" => JourneyStatus::Active,
        "paused" => JourneyStatus::Paused,
        _ => JourneyStatus::Draft,
    }
}

async fn known(db: &Db, brand_id: &str) -> Result<Known> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM segments WHERE brand_id = $1 AND archived_at IS NULL")
        .bind(brand_id)
        .fetch_all(db.read())
        .await?;
    Ok(Known {
        segments: rows.into_iter().map(|(id,)| id).collect::<HashSet<_>>(),
        messages: crate::messaging::outbox::journey_messages(db, brand_id).await?,
    })
}

/// Makes the messages the journey sends its own, in the transaction that saves it; refused (changing nothing)
/// when one stopped being a draft since it was checked.
async fn hold_messages(conn: &mut AnyConnection, brand_id: &str, journey: &JourneyInput, now: i64) -> Result<()> {
    for (i, step) in journey.steps.iter().enumerate() {
        if let app::api::StepAction::Send { message_id, .. } = &step.action
            && !crate::messaging::outbox::hold_for_journey(conn, brand_id, message_id, now).await?
        {
            return Err(Error::unprocessable(
                ErrorCode::InvalidJourney,
                "Choose a message still being written (a draft) or one a journey already sends.",
            )
            .at(format!("/steps/{i}/action/message_id"), app::api::FieldProblem::Unknown));
        }
    }
    Ok(())
}

/// Checks a definition against the brand: its segments, and room for the attributes it sets.
async fn checked(state: &AppState, brand_id: &str, input: JourneyInput) -> Result<JourneyInput> {
    let journey = super::check::check(input, &known(&state.db, brand_id).await?)?;
    let keys: Vec<&str> = journey
        .steps
        .iter()
        .filter_map(|s| match &s.action {
            app::api::StepAction::SetAttribute { key, .. } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    crate::profiles::check_new_attribute_keys(&state.db, brand_id, &keys).await?;
    Ok(journey)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    status: String,
    version: i64,
    updated_at: i64,
}

/// A journey as the console reads it, with its counts.
async fn load(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Journey> {
    let row: Row =
        sqlx::query_as("SELECT id, status, version, updated_at FROM journeys WHERE id = $1 AND brand_id = $2")
            .bind(id)
            .bind(brand_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(unknown)?;
    let input = super::definition(conn, id, row.version).await?;
    let by_status: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM journey_runs WHERE journey_id = $1 GROUP BY status")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let count = |s: &str| by_status.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    let at: Vec<(String, i64)> = sqlx::query_as(
        "SELECT step_id, COUNT(*) FROM journey_runs WHERE journey_id = $1 AND status = 'active' AND version = $2 \
         GROUP BY step_id",
    )
    .bind(id)
    .bind(row.version)
    .fetch_all(&mut *conn)
    .await?;
    let taken: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT step_id, way, COUNT(*) FROM journey_steps_taken WHERE journey_id = $1 AND version = $2 \
         GROUP BY step_id, way ORDER BY step_id, way",
    )
    .bind(id)
    .bind(row.version)
    .fetch_all(&mut *conn)
    .await?;
    let steps = input
        .steps
        .iter()
        .map(|s| {
            let ways: Vec<StepWay> = taken
                .iter()
                .filter(|(step, _, _)| *step == s.id)
                .map(|(_, way, n)| StepWay {
                    way: way.clone(),
                    count: *n,
                })
                .collect();
            StepCount {
                step_id: s.id.clone(),
                now: at.iter().find(|(step, _)| *step == s.id).map_or(0, |(_, n)| *n),
                passed: ways.iter().map(|w| w.count).sum(),
                ways,
            }
        })
        .collect();
    Ok(Journey {
        id: row.id,
        status: status_of(&row.status),
        version: u32::try_from(row.version).unwrap_or(u32::MAX),
        input,
        entered: by_status.iter().map(|(_, n)| n).sum(),
        inside: count("active"),
        finished: count("done"),
        exited: count("exited"),
        steps,
        updated_at: rfc3339(row.updated_at),
    })
}

/// The brand's journeys, the last changed first (at most 200).
#[utoipa::path(
    get,
    path = "/api/v1/admin/journeys",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Journey>), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<Journey>>> {
    let mut conn = state.db.read().acquire().await?;
    let ids: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM journeys WHERE brand_id = $1 ORDER BY updated_at DESC, id LIMIT 200")
            .bind(&claims.brand)
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::with_capacity(ids.len());
    for (id,) in ids {
        out.push(load(&mut conn, &claims.brand, &id).await?);
    }
    Ok(Json(out))
}

/// A new journey, as a draft at version 1.
#[utoipa::path(
    post,
    path = "/api/v1/admin/journeys",
    tag = "admin",
    security(("bearer" = [])),
    request_body = JourneyInput,
    responses(
        (status = 201, body = Journey),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 422, description = "`invalid_journey` (with the field), `too_many_attribute_keys`", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<JourneyInput>,
) -> Result<(StatusCode, Json<Journey>)> {
    let journey = checked(&state, &claims.brand, input).await?;
    let (id, now, brand) = (new_id(), state.clock.now_ms(), claims.brand.clone());
    let definition = serde_json::to_string(&journey).map_err(anyhow::Error::from)?;
    let loaded = state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO journeys (id, brand_id, name, status, version, trigger_type, created_at, updated_at) \
                     VALUES ($1, $2, $3, 'draft', 1, $4, $5, $5)",
                )
                .bind(&id)
                .bind(&brand)
                .bind(&journey.name)
                .bind(&journey.trigger)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                sqlx::query(
                    "INSERT INTO journey_versions (journey_id, version, definition, created_at) VALUES ($1, 1, $2, $3)",
                )
                .bind(&id)
                .bind(&definition)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                hold_messages(conn, &brand, &journey, now).await?;
                load(conn, &brand, &id).await
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(loaded)))
}

/// One journey with its counts.
#[utoipa::path(
    get,
    path = "/api/v1/admin/journeys/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The journey")),
    responses(
        (status = 200, body = Journey),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_journey`", body = ErrorBody),
    )
)]
async fn read(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<Journey>> {
    let mut conn = state.db.read().acquire().await?;
    Ok(Json(load(&mut conn, &claims.brand, &id).await?))
}

/// Changes a journey: the new definition is the next version; people inside finish the version they entered.
#[utoipa::path(
    put,
    path = "/api/v1/admin/journeys/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The journey")),
    request_body = JourneyInput,
    responses(
        (status = 200, body = Journey),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_journey`", body = ErrorBody),
        (status = 422, description = "`invalid_journey` (with the field)", body = ErrorBody),
    )
)]
async fn save(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<JourneyInput>,
) -> Result<Json<Journey>> {
    let journey = checked(&state, &claims.brand, input).await?;
    let (now, brand) = (state.clock.now_ms(), claims.brand.clone());
    let definition = serde_json::to_string(&journey).map_err(anyhow::Error::from)?;
    let loaded = state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let current: Option<(i64,)> =
                    sqlx::query_as("SELECT version FROM journeys WHERE id = $1 AND brand_id = $2")
                        .bind(&id)
                        .bind(&brand)
                        .fetch_optional(&mut *conn)
                        .await?;
                let (version,) = current.ok_or_else(unknown)?;
                if super::definition(conn, &id, version).await? == journey {
                    return load(conn, &brand, &id).await;
                }
                let next = version + 1;
                sqlx::query(
                    "INSERT INTO journey_versions (journey_id, version, definition, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(&id)
                .bind(next)
                .bind(&definition)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                sqlx::query(
                    "UPDATE journeys SET version = $2, name = $3, trigger_type = $4, updated_at = $5 WHERE id = $1",
                )
                .bind(&id)
                .bind(next)
                .bind(&journey.name)
                .bind(&journey.trigger)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                hold_messages(conn, &brand, &journey, now).await?;
                super::refresh_listens(conn, &brand, &id).await?;
                load(conn, &brand, &id).await
            })
        })
        .await?;
    Ok(Json(loaded))
}

async fn set_status(state: &AppState, brand: &str, id: String, status: &'static str) -> Result<Journey> {
    let (now, brand) = (state.clock.now_ms(), brand.to_owned());
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let changed =
                    sqlx::query("UPDATE journeys SET status = $3, updated_at = $4 WHERE id = $1 AND brand_id = $2")
                        .bind(&id)
                        .bind(&brand)
                        .bind(status)
                        .bind(now)
                        .execute(&mut *conn)
                        .await?
                        .rows_affected();
                if changed == 0 {
                    return Err(unknown());
                }
                super::refresh_listens(conn, &brand, &id).await?;
                load(conn, &brand, &id).await
            })
        })
        .await
}

/// Opens a journey: from now on its trigger lets people in.
#[utoipa::path(
    post,
    path = "/api/v1/admin/journeys/{id}/activate",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The journey")),
    responses(
        (status = 200, body = Journey),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_journey`", body = ErrorBody),
    )
)]
async fn activate(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<Journey>> {
    Ok(Json(set_status(&state, &claims.brand, id, "active").await?))
}

/// Pauses a journey: nobody new enters; people inside go on to its end.
#[utoipa::path(
    post,
    path = "/api/v1/admin/journeys/{id}/pause",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The journey")),
    responses(
        (status = 200, body = Journey),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_journey`", body = ErrorBody),
    )
)]
async fn pause(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<Journey>> {
    Ok(Json(set_status(&state, &claims.brand, id, "paused").await?))
}
