//! Check-ins customers make by scanning a store's QR poster. A check-in counts once per member, store and
//! business day (the same day a staff-recorded visit counts, under the same key); past the store's daily limit of
//! check-ins with one poster, or farther than [`FAR_M`] from the store when both places are known, it is held for
//! an admin instead (`flagged`), and pays only once approved. An accepted check-in is `checked_in` on the
//! member's timeline with the store and `via: store_qr`, paid by the earning rules in the same transaction.

use app::api::{
    CheckIn, CheckInDecision, CheckInFlag, CheckInRequest, CheckInStatus, ErrorBody, ErrorCode, FlaggedCheckIn,
    FlaggedCheckIns, NearQuery, StoreRef,
};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{StoreRow, poster, public};
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::{AdminAuth, CustomerAuth},
    db::{new_id, rfc3339},
    error::{Error, Json, Result, is_unique_violation},
    loyalty::counter,
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check_in))
        .routes(routes!(flagged))
        .routes(routes!(decide))
}

/// Metres from the store past which a check-in is held for review.
pub const FAR_M: i64 = 500;

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: String,
    store_id: String,
    store_name: String,
    profile_id: String,
    checked_in_at: i64,
    distance_m: Option<i64>,
    status: String,
    flag: Option<String>,
    event_id: Option<String>,
}

const COLUMNS: &str = "c.id, c.store_id, s.name AS store_name, c.profile_id, c.checked_in_at, c.distance_m, \
     c.status, c.flag, c.event_id";

fn status_of(text: &str) -> CheckInStatus {
    match text {
        "flagged" => CheckInStatus::Flagged,
        "approved" => CheckInStatus::Approved,
        "rejected" => CheckInStatus::Rejected,
        _ => CheckInStatus::Accepted,
    }
}

fn flag_of(text: Option<&str>) -> Option<CheckInFlag> {
    match text? {
        "too_many" => Some(CheckInFlag::TooMany),
        "far_away" => Some(CheckInFlag::FarAway),
        _ => None,
    }
}

async fn to_api(conn: &mut AnyConnection, row: Row) -> Result<CheckIn> {
    let points_earned = match &row.event_id {
        Some(event) => super::points_of(conn, event).await?,
        None => 0,
    };
    Ok(CheckIn {
        id: row.id,
        store: StoreRef {
            id: row.store_id,
            name: row.store_name,
        },
        status: status_of(&row.status),
        flag: flag_of(row.flag.as_deref()),
        distance_m: row.distance_m,
        points_earned,
        checked_in_at: rfc3339(row.checked_in_at),
    })
}

async fn find(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Option<Row>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM store_check_ins c JOIN stores s ON s.id = c.store_id WHERE c.id = $1 AND c.brand_id = $2"
    ))
    .bind(id)
    .bind(brand_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A member's check-ins, newest first.
pub(super) async fn of_member(conn: &mut AnyConnection, brand_id: &str, profile_id: &str) -> Result<Vec<CheckIn>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM store_check_ins c JOIN stores s ON s.id = c.store_id \
         WHERE c.brand_id = $1 AND c.profile_id = $2 ORDER BY c.checked_in_at DESC, c.id DESC LIMIT 1000"
    ))
    .bind(brand_id)
    .bind(profile_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(to_api(conn, row).await?);
    }
    Ok(out)
}

fn already() -> Error {
    Error::new(
        StatusCode::CONFLICT,
        ErrorCode::AlreadyCheckedIn,
        "You have already checked in at this store today.",
    )
}

/// Why a check-in must wait for an admin, if it must.
async fn flag_for(
    conn: &mut AnyConnection,
    store: &StoreRow,
    distance: Option<i64>,
    day: &str,
) -> Result<Option<&'static str>> {
    if distance.is_some_and(|d| d > FAR_M) {
        return Ok(Some("far_away"));
    }
    let (today,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM store_check_ins WHERE store_id = $1 AND poster_version = $2 AND day = $3")
            .bind(&store.id)
            .bind(store.poster_version)
            .bind(day)
            .fetch_one(&mut *conn)
            .await?;
    Ok((today >= store.check_in_limit).then_some("too_many"))
}

/// Checks the member in at the store whose poster they scanned.
#[utoipa::path(
    post,
    path = "/api/v1/me/check-ins",
    tag = "member",
    security(("bearer" = [])),
    request_body = CheckInRequest,
    responses(
        (status = 201, description = "Accepted, or flagged for review", body = CheckIn),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
        (status = 409, description = "`already_checked_in`", body = ErrorBody),
        (status = 410, description = "`store_code_revoked`", body = ErrorBody),
        (status = 422, description = "`store_code_invalid`, `invalid_location`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(member = %claims.sub))]
async fn check_in(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Json(body): Json<CheckInRequest>,
) -> Result<(StatusCode, Json<CheckIn>)> {
    let here = public::member_at(&NearQuery {
        lat: body.latitude,
        lng: body.longitude,
    })
    .map_err(|_| {
        Error::unprocessable(
            ErrorCode::InvalidLocation,
            "A location is a latitude (-90 to 90) with a longitude (-180 to 180).",
        )
    })?;
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let now = state.clock.now_ms();
    let day = super::day_of(now);
    let mut tx = state.db.begin().await?;
    let store = poster::store_of(&mut tx, &state.qr, &claims.brand, &body.code).await?;
    let distance = match (here, store.latitude, store.longitude) {
        (Some(here), Some(lat), Some(lng)) => Some(public::distance_m(here, (lat, lng)).round() as i64),
        _ => None,
    };
    let flag = flag_for(&mut tx, &store, distance, &day).await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO store_check_ins (id, brand_id, store_id, profile_id, day, poster_version, checked_in_at, \
         latitude, longitude, distance_m, status, flag) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    // Not kept prepared: sqlx 0.8.6's Any driver binds `None::<f64>` as a float4 NULL (see `stores::admin::create`).
    .persistent(false)
    .bind(&id)
    .bind(&claims.brand)
    .bind(&store.id)
    .bind(&profile)
    .bind(&day)
    .bind(store.poster_version)
    .bind(now)
    .bind(here.map(|h| h.0))
    .bind(here.map(|h| h.1))
    .bind(distance)
    .bind(if flag.is_some() { "flagged" } else { "accepted" })
    .bind(flag)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "store_check_ins") {
            already()
        } else {
            e.into()
        }
    })?;
    if flag.is_none() {
        let key = super::visit_key(&store.id, &profile, now);
        let extra = serde_json::json!({ "via": "store_qr", "check_in_id": id, "distance_m": distance });
        let recorded = super::record_at_store(
            &mut tx,
            &claims.brand,
            super::StoreEvent {
                profile_id: &profile,
                event_type: "checked_in",
                store: &store,
                at: now,
                key: &key,
            },
            extra,
        )
        .await?;
        if recorded.duplicate {
            // Staff recorded this member's visit here today already.
            return Err(already());
        }
        sqlx::query("UPDATE store_check_ins SET event_id = $1 WHERE id = $2")
            .bind(&recorded.id)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
    }
    let row = find(&mut tx, &claims.brand, &id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the check-in just written is gone"))?;
    let answer = to_api(&mut tx, row).await?;
    tx.commit().await?;
    metrics::counter!("cham_check_ins_total", "status" => if flag.is_some() { "flagged" } else { "accepted" })
        .increment(1);
    tracing::info!(check_in = %id, store = %store.id, flag = flag.unwrap_or("none"), "check-in");
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Check-ins held for review, oldest first, with who made them.
#[utoipa::path(
    get,
    path = "/api/v1/admin/check-ins",
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, body = FlaggedCheckIns),
        (status = 403, description = "`admins_only`", body = ErrorBody),
    )
)]
async fn flagged(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<FlaggedCheckIns>> {
    let mut conn = state.db.read().acquire().await?;
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM store_check_ins WHERE brand_id = $1 AND status = 'flagged'")
            .bind(&claims.brand)
            .fetch_one(&mut *conn)
            .await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM store_check_ins c JOIN stores s ON s.id = c.store_id \
         WHERE c.brand_id = $1 AND c.status = 'flagged' ORDER BY c.checked_in_at, c.id LIMIT 100"
    ))
    .bind(&claims.brand)
    .fetch_all(&mut *conn)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let member = counter::holder(&mut conn, &claims.brand, &row.profile_id).await?;
        items.push(FlaggedCheckIn {
            check_in: to_api(&mut conn, row).await?,
            member,
        });
    }
    Ok(Json(FlaggedCheckIns { items, total }))
}

/// Approves a flagged check-in (it counts as of when it was made, unless a visit that day was recorded since) or
/// rejects it (it never counts).
#[utoipa::path(
    post,
    path = "/api/v1/admin/check-ins/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Check-in id")),
    request_body = CheckInDecision,
    responses(
        (status = 200, body = CheckIn),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_check_in`", body = ErrorBody),
        (status = 409, description = "`check_in_decided`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(check_in = %id))]
async fn decide(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(body): Json<CheckInDecision>,
) -> Result<Json<CheckIn>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let row = find(&mut tx, &claims.brand, &id)
        .await?
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownCheckIn, "There is no such check-in."))?;
    let status = if body.approve { "approved" } else { "rejected" };
    let changed = sqlx::query(
        "UPDATE store_check_ins SET status = $1, reviewed_by = $2, reviewed_at = $3 WHERE id = $4 AND status = 'flagged'",
    )
    .bind(status)
    .bind(&claims.sub)
    .bind(now)
    .bind(&row.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::CheckInDecided,
            "This check-in has already been decided.",
        ));
    }
    if body.approve {
        let store = super::find(&mut tx, &claims.brand, &row.store_id)
            .await?
            .ok_or_else(super::unknown_store)?;
        let key = super::visit_key(&store.id, &row.profile_id, row.checked_in_at);
        let extra = serde_json::json!({
            "via": "store_qr", "check_in_id": row.id, "distance_m": row.distance_m, "approved_by": claims.sub,
        });
        let at = super::StoreEvent {
            profile_id: &row.profile_id,
            event_type: "checked_in",
            store: &store,
            at: row.checked_in_at,
            key: &key,
        };
        let recorded = super::record_at_store(&mut tx, &claims.brand, at, extra).await?;
        if !recorded.duplicate {
            sqlx::query("UPDATE store_check_ins SET event_id = $1 WHERE id = $2")
                .bind(&recorded.id)
                .bind(&row.id)
                .execute(&mut *tx)
                .await?;
        }
    }
    let row = find(&mut tx, &claims.brand, &id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the check-in just decided is gone"))?;
    let answer = to_api(&mut tx, row).await?;
    tx.commit().await?;
    tracing::info!(status, "check-in reviewed");
    Ok(Json(answer))
}
