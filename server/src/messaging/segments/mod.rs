//! Segments: a rule tree ([`rule`]) over what Chạm knows of a person, counted live while the admin edits it,
//! saved with its members kept current ([`membership`]: from each person's events by a durable reactor, and in
//! full every hour), and the ready-made ones to start from ([`templates`]). Owns `segments` and
//! `segment_members`.

pub mod membership;
pub mod rule;
mod templates;

use app::api::{
    CustomerSegment, ErrorBody, ErrorCode, FieldProblem, SegmentInput, SegmentMember, SegmentPreview,
    SegmentPreviewRequest, SegmentRule, SegmentTemplate,
};
use axum::{extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{Db, new_id, rfc3339},
    error::{Error, Json, Result},
    jobs,
};

pub(in crate::messaging) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(preview))
        .routes(routes!(ready_made))
        .routes(routes!(one, update, archive))
}

/// A brand has at most this many live segments.
const MAX_SEGMENTS: i64 = 200;

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    rule: String,
    members: i64,
    computed_at: Option<i64>,
    updated_at: i64,
}

fn to_api(r: Row) -> Result<CustomerSegment> {
    Ok(CustomerSegment {
        rule: serde_json::from_str(&r.rule).map_err(anyhow::Error::from)?,
        id: r.id,
        name: r.name,
        members: r.members,
        computed_at: r.computed_at.map(rfc3339),
        updated_at: rfc3339(r.updated_at),
    })
}

const COLUMNS: &str = "id, name, rule, members, computed_at, updated_at";

/// A live segment of the brand.
pub async fn find(db: &Db, brand_id: &str, id: &str) -> Result<Option<CustomerSegment>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM segments WHERE id = $1 AND brand_id = $2 AND archived_at IS NULL"
    ))
    .bind(id)
    .bind(brand_id)
    .fetch_optional(db.read())
    .await?;
    row.map(to_api).transpose()
}

/// The 404 for a segment that is not the brand's.
pub fn unknown_segment() -> Error {
    Error::not_found(ErrorCode::UnknownSegment, "There is no such segment.")
}

/// Checks a rule, its tiers included, against the brand.
async fn checked_rule(db: &Db, brand_id: &str, rule: &SegmentRule) -> Result<()> {
    rule::check(rule)?;
    let mut tiers = Vec::new();
    rule::tier_ids(rule, &mut tiers);
    for tier in tiers {
        let found: Option<(String,)> = sqlx::query_as("SELECT id FROM tiers WHERE id = $1 AND brand_id = $2")
            .bind(&tier)
            .bind(brand_id)
            .fetch_optional(db.read())
            .await?;
        if found.is_none() {
            return Err(Error::unprocessable(
                ErrorCode::InvalidSegment,
                "Choose one of the brand's tiers.",
            ));
        }
    }
    Ok(())
}

fn checked_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 || name.chars().any(char::is_control) {
        return Err(
            Error::unprocessable(ErrorCode::InvalidSegment, "A segment's name is 1 to 120 characters.")
                .at("/name", FieldProblem::Length { min: 1, max: 120 }),
        );
    }
    Ok(name.to_owned())
}

/// How many live people of the brand a rule holds for now, and the ten most recently active.
pub async fn count(db: &Db, brand_id: &str, rule: &SegmentRule, now: i64) -> Result<SegmentPreview> {
    let c = rule::members_sql(db, rule, now, "");
    let total = format!("SELECT COUNT(*) FROM ({}) s", c.sql);
    let (count,): (i64,) = rule::bind_all(sqlx::query_as(&total).bind(brand_id), &c.binds)
        .fetch_one(db.read())
        .await?;
    let sample_sql = rule::members_sql(db, rule, now, " ORDER BY p.last_seen_at DESC, p.id LIMIT 10");
    let sample: Vec<(String, Option<String>)> =
        rule::bind_all(sqlx::query_as(&sample_sql.sql).bind(brand_id), &sample_sql.binds)
            .fetch_all(db.read())
            .await?;
    Ok(SegmentPreview {
        count,
        sample: sample
            .into_iter()
            .map(|(profile_id, display_name)| SegmentMember {
                profile_id,
                display_name,
            })
            .collect(),
    })
}

/// The brand's segments, most recently changed first.
#[utoipa::path(get, path = "/api/v1/admin/segments", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<CustomerSegment>)))]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<CustomerSegment>>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM segments WHERE brand_id = $1 AND archived_at IS NULL \
         ORDER BY updated_at DESC, id DESC LIMIT {MAX_SEGMENTS}"
    ))
    .bind(&claims.brand)
    .fetch_all(state.db.read())
    .await?;
    Ok(Json(rows.into_iter().map(to_api).collect::<Result<_>>()?))
}

/// How many people a rule holds for right now, and a sample, while the admin edits it.
#[utoipa::path(post, path = "/api/v1/admin/segments/preview", tag = "admin", security(("bearer" = [])),
    request_body = SegmentPreviewRequest,
    responses((status = 200, body = SegmentPreview), (status = 422, description = "`invalid_segment`", body = ErrorBody)))]
async fn preview(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(body): Json<SegmentPreviewRequest>,
) -> Result<Json<SegmentPreview>> {
    checked_rule(&state.db, &claims.brand, &body.rule).await?;
    Ok(Json(
        count(&state.db, &claims.brand, &body.rule, state.clock.now_ms()).await?,
    ))
}

/// The ready-made segments to start from.
#[utoipa::path(get, path = "/api/v1/admin/segments/templates", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<SegmentTemplate>)))]
async fn ready_made(AdminAuth(_claims): AdminAuth) -> Json<Vec<SegmentTemplate>> {
    Json(templates::all_templates())
}

/// Saves a new segment; its members are computed by a job at once.
#[utoipa::path(post, path = "/api/v1/admin/segments", tag = "admin", security(("bearer" = [])),
    request_body = SegmentInput,
    responses((status = 201, body = CustomerSegment), (status = 422, description = "`invalid_segment`", body = ErrorBody),
        (status = 409, description = "`too_many_segments`", body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(body): Json<SegmentInput>,
) -> Result<(StatusCode, Json<CustomerSegment>)> {
    let name = checked_name(&body.name)?;
    checked_rule(&state.db, &claims.brand, &body.rule).await?;
    let (id, now) = (new_id(), state.clock.now_ms());
    let rule = serde_json::to_string(&body.rule).map_err(anyhow::Error::from)?;
    let (brand, sid) = (claims.brand.clone(), id.clone());
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let (live,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM segments WHERE brand_id = $1 AND archived_at IS NULL")
                        .bind(&brand)
                        .fetch_one(&mut *conn)
                        .await?;
                if live >= MAX_SEGMENTS {
                    return Err(Error::new(
                        StatusCode::CONFLICT,
                        ErrorCode::TooManySegments,
                        "A brand keeps at most 200 segments; archive one first.",
                    ));
                }
                sqlx::query(
                    "INSERT INTO segments (id, brand_id, name, rule, members, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 0, $5, $5)",
                )
                .bind(&sid)
                .bind(&brand)
                .bind(&name)
                .bind(&rule)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                jobs::enqueue(conn, &membership::compute_job(&brand, &sid, now), now).await?;
                Ok(())
            })
        })
        .await?;
    let saved = find(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_segment)?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// One segment.
#[utoipa::path(get, path = "/api/v1/admin/segments/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "CustomerSegment id")),
    responses((status = 200, body = CustomerSegment), (status = 404, description = "`unknown_segment`", body = ErrorBody)))]
async fn one(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<CustomerSegment>> {
    Ok(Json(
        find(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_segment)?,
    ))
}

/// Changes a segment's name and rule; its members are computed again at once.
#[utoipa::path(put, path = "/api/v1/admin/segments/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "CustomerSegment id")), request_body = SegmentInput,
    responses((status = 200, body = CustomerSegment), (status = 404, description = "`unknown_segment`", body = ErrorBody),
        (status = 422, description = "`invalid_segment`", body = ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(body): Json<SegmentInput>,
) -> Result<Json<CustomerSegment>> {
    find(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_segment)?;
    let name = checked_name(&body.name)?;
    checked_rule(&state.db, &claims.brand, &body.rule).await?;
    let now = state.clock.now_ms();
    let rule = serde_json::to_string(&body.rule).map_err(anyhow::Error::from)?;
    let (brand, sid) = (claims.brand.clone(), id.clone());
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "UPDATE segments SET name = $1, rule = $2, updated_at = $3 WHERE id = $4 AND brand_id = $5 \
                     AND archived_at IS NULL",
                )
                .bind(&name)
                .bind(&rule)
                .bind(now)
                .bind(&sid)
                .bind(&brand)
                .execute(&mut *conn)
                .await?;
                jobs::enqueue(conn, &membership::compute_job(&brand, &sid, now), now).await?;
                Ok(())
            })
        })
        .await?;
    Ok(Json(
        find(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_segment)?,
    ))
}

/// Archives a segment (its messages keep who they went to); refused while a scheduled message waits for it.
#[utoipa::path(delete, path = "/api/v1/admin/segments/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "CustomerSegment id")),
    responses((status = 204), (status = 404, description = "`unknown_segment`", body = ErrorBody),
        (status = 409, description = "`segment_in_use`", body = ErrorBody)))]
async fn archive(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let now = state.clock.now_ms();
    let (brand, sid) = (claims.brand.clone(), id.clone());
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let (waiting,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM campaign_messages WHERE segment_id = $1 AND status = 'scheduled'",
                )
                .bind(&sid)
                .fetch_one(&mut *conn)
                .await?;
                if waiting > 0 {
                    return Err(Error::new(
                        StatusCode::CONFLICT,
                        ErrorCode::SegmentInUse,
                        "A scheduled message goes to this segment; cancel it first.",
                    ));
                }
                let done = sqlx::query(
                    "UPDATE segments SET archived_at = $1 WHERE id = $2 AND brand_id = $3 AND archived_at IS NULL",
                )
                .bind(now)
                .bind(&sid)
                .bind(&brand)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if done == 0 {
                    return Err(unknown_segment());
                }
                sqlx::query("DELETE FROM segment_members WHERE segment_id = $1")
                    .bind(&sid)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
