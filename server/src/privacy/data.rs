//! Data-subject rights: export everything held about a person, and erase them. Both are on record as
//! privacy requests with their completion.

use app::api::ErrorCode;
use app::api::{Attribute, ConsentRecord, ErasureReceipt, ErrorBody, ProfileExport, PublicBrand, TimelineEvent};
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Path;
use crate::{
    AppState, auth,
    auth::extract::{AdminAuth, CustomerAuth},
    db::{Db, new_id, now_ms, rfc3339},
    error::{Error, Json, Result},
    events::{self, EVENT_COLUMNS, EventRow},
    profiles,
};

/// Most events one export carries.
const MAX_EXPORT_EVENTS: i64 = 100_000;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_export))
        .routes(routes!(my_erasure))
        .routes(routes!(admin_export))
        .routes(routes!(admin_erase))
}

#[derive(Debug, sqlx::FromRow)]
struct ProfileRow {
    display_name: Option<String>,
    avatar_url: Option<String>,
    created_at: i64,
    slug: String,
    name: String,
    zalo_oa_id: Option<String>,
}

async fn log_request(db: &Db, brand_id: &str, profile_id: &str, kind: &str, by: &str) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO privacy_requests (id, brand_id, profile_id, kind, requested_by, requested_at, completed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(new_id())
    .bind(brand_id)
    .bind(profile_id)
    .bind(kind)
    .bind(by)
    .bind(now)
    .execute(db.write())
    .await?;
    Ok(())
}

/// Everything held about a live, not erased profile of the brand; `None` when there is none.
pub async fn export(db: &Db, brand_id: &str, profile_id: &str, requested_by: &str) -> Result<Option<ProfileExport>> {
    let Some(profile_id) = profiles::live_id(db, brand_id, profile_id).await? else {
        return Ok(None);
    };
    let profile: Option<ProfileRow> = sqlx::query_as(
        "SELECT p.display_name, p.avatar_url, p.created_at, b.slug, b.name, b.zalo_oa_id FROM profiles p \
         JOIN brands b ON b.id = p.brand_id WHERE p.id = $1 AND p.brand_id = $2 AND p.erased_at IS NULL",
    )
    .bind(&profile_id)
    .bind(brand_id)
    .fetch_optional(db.read())
    .await?;
    let Some(profile) = profile else { return Ok(None) };
    let identities = profiles::identities_of(db, &profile_id).await?;
    let consents: Vec<(String, i64, String, String, i64)> = sqlx::query_as(
        "SELECT purpose, granted, source, wording_version, recorded_at FROM consent_records WHERE profile_id = $1 \
         ORDER BY recorded_at, id",
    )
    .bind(&profile_id)
    .fetch_all(db.read())
    .await?;
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE profile_id = $1 ORDER BY occurred_at, id LIMIT $2");
    let events: Vec<EventRow> = sqlx::query_as(&sql)
        .bind(&profile_id)
        .bind(MAX_EXPORT_EVENTS)
        .fetch_all(db.read())
        .await?;
    let merged: Vec<(String,)> =
        sqlx::query_as("SELECT from_profile_id FROM profile_merges WHERE into_profile_id = $1 ORDER BY created_at")
            .bind(&profile_id)
            .fetch_all(db.read())
            .await?;
    let attributes: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT key, value_type, value, source, updated_at FROM profile_attributes WHERE profile_id = $1 ORDER BY key",
    )
    .bind(&profile_id)
    .fetch_all(db.read())
    .await?;
    let mut export = ProfileExport {
        brand: PublicBrand {
            slug: profile.slug,
            name: profile.name,
            zalo_oa_id: profile.zalo_oa_id,
        },
        name: profile.display_name,
        avatar_url: profile.avatar_url,
        created_at: rfc3339(profile.created_at),
        identities,
        consents: consents
            .into_iter()
            .map(|(purpose, granted, source, wording_version, at)| ConsentRecord {
                purpose,
                granted: granted == 1,
                source,
                wording_version,
                recorded_at: rfc3339(at),
            })
            .collect(),
        events: events.into_iter().map(TimelineEvent::from).collect(),
        merged_profile_ids: merged.into_iter().map(|(id,)| id).collect(),
        attributes: attributes
            .into_iter()
            .map(|(key, value_type, value, source, at)| Attribute {
                key,
                value_type,
                value: serde_json::from_str(&value).unwrap_or(serde_json::Value::Null),
                source,
                updated_at: rfc3339(at),
            })
            .collect(),
        survey_responses: Vec::new(),
        points: Vec::new(),
        vouchers: Vec::new(),
        game_plays: Vec::new(),
        check_ins: Vec::new(),
        purchase_claims: Vec::new(),
        orders: Vec::new(),
        profile_id: profile_id.clone(),
        exported_at: rfc3339(now_ms()),
    };
    // Each area adds what it holds about the person.
    let mut conn = db.read().acquire().await?;
    profiles::hooks::exported(&mut conn, brand_id, &profile_id, &mut export).await?;
    drop(conn);
    log_request(db, brand_id, &profile_id, "export", requested_by).await?;
    Ok(Some(export))
}

/// Erases a person: identifiers and attributes deleted, name and avatar removed, event properties emptied (types,
/// times and campaigns stay, so reports still add up), what they wrote in surveys removed, sessions ended. The request and its completion are on record.
pub async fn erase(db: &Db, brand_id: &str, profile_id: &str, requested_by: &str) -> Result<Option<ErasureReceipt>> {
    let Some(profile_id) = profiles::live_id(db, brand_id, profile_id).await? else {
        return Ok(None);
    };
    let requested_at = now_ms();
    let request_id = new_id();
    let mut tx = db.begin().await?;
    if !profiles::mark_erased(&mut tx, brand_id, &profile_id, requested_at).await? {
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO privacy_requests (id, brand_id, profile_id, kind, requested_by, requested_at) \
         VALUES ($1, $2, $3, 'erasure', $4, $5)",
    )
    .bind(&request_id)
    .bind(brand_id)
    .bind(&profile_id)
    .bind(requested_by)
    .bind(requested_at)
    .execute(&mut *tx)
    .await?;
    // Each owner erases its own: every area's personal rows through its hook (first, while the identities it
    // may carry person marks from still exist), the profile's identifiers and attributes, the events'
    // properties, the sessions.
    profiles::hooks::erased(&mut tx, brand_id, &profile_id).await?;
    profiles::erase_personal(&mut tx, &profile_id).await?;
    events::erase_properties(&mut tx, &profile_id).await?;
    let completed_at = now_ms();
    auth::tokens::revoke_subject(&mut tx, &profile_id, "erased", completed_at).await?;
    sqlx::query("UPDATE privacy_requests SET completed_at = $1 WHERE id = $2")
        .bind(completed_at)
        .bind(&request_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(profile = %profile_id, by = requested_by, "profile erased");
    Ok(Some(ErasureReceipt {
        request_id,
        requested_at: rfc3339(requested_at),
        completed_at: rfc3339(completed_at),
    }))
}

fn no_profile() -> Error {
    Error::not_found(
        ErrorCode::UnknownProfile,
        "This brand has no such profile, or it was erased.",
    )
}

/// Everything held about the signed-in customer, as JSON.
#[utoipa::path(
    get,
    path = "/api/v1/me/export",
    tag = "privacy",
    security(("bearer" = [])),
    responses((status = 200, body = ProfileExport), (status = 404, description = "`unknown_profile`", body = ErrorBody))
)]
async fn my_export(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<ProfileExport>> {
    export(&state.db, &claims.brand, &claims.sub, "customer")
        .await?
        .map(Json)
        .ok_or_else(no_profile)
}

/// Erases the signed-in customer's personal data now; their session ends.
#[utoipa::path(
    post,
    path = "/api/v1/me/erasure",
    tag = "privacy",
    security(("bearer" = [])),
    responses((status = 200, body = ErasureReceipt), (status = 404, description = "`unknown_profile`", body = ErrorBody))
)]
async fn my_erasure(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<ErasureReceipt>> {
    erase(&state.db, &claims.brand, &claims.sub, "customer")
        .await?
        .map(Json)
        .ok_or_else(no_profile)
}

/// Everything held about one of the brand's customers.
#[utoipa::path(
    get,
    path = "/api/v1/admin/profiles/{id}/export",
    tag = "privacy",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Profile id")),
    responses((status = 200, body = ProfileExport), (status = 404, description = "`unknown_profile`", body = ErrorBody))
)]
async fn admin_export(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<ProfileExport>> {
    let by = format!("user:{}", claims.sub);
    export(&state.db, &claims.brand, &id, &by)
        .await?
        .map(Json)
        .ok_or_else(no_profile)
}

/// Erases one of the brand's customers (for a request made outside the app, or Zalo's `user_withdraw`).
#[utoipa::path(
    post,
    path = "/api/v1/admin/profiles/{id}/erase",
    tag = "privacy",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Profile id")),
    responses((status = 200, body = ErasureReceipt), (status = 404, description = "`unknown_profile`", body = ErrorBody))
)]
async fn admin_erase(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<ErasureReceipt>> {
    let by = format!("user:{}", claims.sub);
    erase(&state.db, &claims.brand, &id, &by)
        .await?
        .map(Json)
        .ok_or_else(no_profile)
}
