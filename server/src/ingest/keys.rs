//! Per-brand API keys: shown once at creation, stored as a SHA-256 hash, scoped to ingestion, revocable.

use app::api::ErrorCode;
use app::api::{ApiKeyInfo, CreatedApiKey, ErrorBody, NewApiKey};
use axum::{
    extract::{FromRequestParts, State},
    http::{StatusCode, request::Parts},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    crypto::{random_token, sha256_hex},
    db::{new_id, now_ms, rfc3339},
    error::{Error, Json, Result},
};

/// The header servers send their key in.
pub const API_KEY_HEADER: &str = "x-api-key";
const KEY_PREFIX: &str = "cham_";

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(revoke))
}

#[derive(Debug, sqlx::FromRow)]
struct KeyRow {
    id: String,
    name: String,
    prefix: String,
    scope: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<KeyRow> for ApiKeyInfo {
    fn from(r: KeyRow) -> Self {
        ApiKeyInfo {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            scope: r.scope,
            created_at: rfc3339(r.created_at),
            last_used_at: r.last_used_at.map(rfc3339),
            revoked_at: r.revoked_at.map(rfc3339),
        }
    }
}

/// Creates an ingestion key for the admin's brand. The key is in this answer only.
#[utoipa::path(
    post,
    path = "/api/v1/admin/api-keys",
    tag = "admin",
    security(("bearer" = [])),
    request_body = NewApiKey,
    responses(
        (status = 201, body = CreatedApiKey),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 422, description = "`invalid_name`", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(req): Json<NewApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>)> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Error::unprocessable(
            ErrorCode::InvalidName,
            "A key's name has 1 to 80 characters.",
        ));
    }
    let key = format!("{KEY_PREFIX}{}", random_token(32));
    let row = KeyRow {
        id: new_id(),
        name: name.to_owned(),
        prefix: key.chars().take(12).collect(),
        scope: "ingest".into(),
        created_at: now_ms(),
        last_used_at: None,
        revoked_at: None,
    };
    sqlx::query(
        "INSERT INTO api_keys (id, brand_id, name, prefix, key_hash, scope, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&row.id)
    .bind(&claims.brand)
    .bind(&row.name)
    .bind(&row.prefix)
    .bind(sha256_hex(&key))
    .bind(&row.scope)
    .bind(&claims.sub)
    .bind(row.created_at)
    .execute(state.db.write())
    .await?;
    tracing::info!(key = %row.id, by = %claims.sub, "API key created");
    Ok((StatusCode::CREATED, Json(CreatedApiKey { info: row.into(), key })))
}

/// The brand's API keys, newest first (never the keys themselves).
#[utoipa::path(
    get,
    path = "/api/v1/admin/api-keys",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = [ApiKeyInfo]), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<ApiKeyInfo>>> {
    let rows: Vec<KeyRow> = sqlx::query_as(
        "SELECT id, name, prefix, scope, created_at, last_used_at, revoked_at FROM api_keys \
         WHERE brand_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(&claims.brand)
    .fetch_all(state.db.read())
    .await?;
    Ok(Json(rows.into_iter().map(ApiKeyInfo::from).collect()))
}

/// Revokes one of the brand's keys at once; revoking twice is harmless.
#[utoipa::path(
    delete,
    path = "/api/v1/admin/api-keys/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Key id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "`unknown_api_key`", body = ErrorBody),
    )
)]
async fn revoke(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let found =
        sqlx::query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND brand_id = $3")
            .bind(now_ms())
            .bind(&id)
            .bind(&claims.brand)
            .execute(state.db.write())
            .await?
            .rows_affected();
    if found == 0 {
        return Err(Error::not_found(
            ErrorCode::UnknownApiKey,
            "This brand has no such API key.",
        ));
    }
    tracing::info!(key = %id, by = %claims.sub, "API key revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// A server authenticated by a live ingestion key of a brand.
#[derive(Debug, Clone)]
pub struct ApiKeyAuth {
    /// The key's brand.
    pub brand_id: String,
    /// The key's id.
    pub key_id: String,
}

impl FromRequestParts<AppState> for ApiKeyAuth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let invalid = || Error::unauthorized(ErrorCode::InvalidApiKey, "This API key is not valid or was revoked.");
        let Some(key) = parts.headers.get(API_KEY_HEADER).and_then(|v| v.to_str().ok()) else {
            return Err(Error::unauthorized(
                ErrorCode::MissingApiKey,
                "Send the brand's API key in the X-Api-Key header.",
            ));
        };
        let row: Option<(String, String, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT id, brand_id, revoked_at, last_used_at FROM api_keys WHERE key_hash = $1 AND scope = 'ingest'",
        )
        .bind(sha256_hex(key.trim()))
        .fetch_optional(state.db.read())
        .await?;
        let Some((key_id, brand_id, None, last_used_at)) = row else {
            return Err(invalid());
        };
        // Note the use at most once a minute, so a busy POS does not turn every call into a write.
        let now = now_ms();
        if last_used_at.is_none_or(|at| at < now - 60_000) {
            sqlx::query(
                "UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
            )
            .bind(now)
            .bind(&key_id)
            .bind(now - 60_000)
            .execute(state.db.write())
            .await?;
        }
        Ok(Self { brand_id, key_id })
    }
}
