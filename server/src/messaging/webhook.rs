//! Zalo OA's webhook (`SUPERAPP.md` §3): `POST /api/v1/webhooks/zalo-oa/{brand}`. The signature is checked on the
//! body exactly as received, with only `app_id` and `timestamp` read first (they are part of the signed text);
//! then `app_id` must be the brand's. A verified delivery is stored once (a retry carries the same body, and a
//! `num_retry` header) with a job to process it, in one transaction, and answered 200 at once: the work happens
//! on a worker ([`super::oa_events`]). A refused delivery writes nothing.

use app::api::{ErrorBody, ErrorCode};
use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::oa_events::PROCESS;
use crate::error::Path;
use crate::{
    AppState,
    brands::{Brand, BrandSecret},
    db::new_id,
    error::{Error, Result},
    jobs::{self, NewJob},
    superapp::oa::{SIGNATURE_HEADER, oa_event_signature_matches},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(zalo_oa))
}

/// A JSON value read as a string: Zalo sends ids and times as strings, but a number is taken as written.
fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn refused() -> Error {
    Error::unauthorized(ErrorCode::InvalidSignature, "The message's signature is not valid.")
}

/// A Zalo OA event: follow, unfollow, a follower's message, a delivery or read receipt, a data request.
/// Answered 200 once stored (again for a repeat); a wrong signature, or another app's delivery, is 401 and
/// changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/zalo-oa/{brand}",
    tag = "webhooks",
    params(
        ("brand" = String, Path, description = "The brand's slug"),
        ("X-ZEvent-Signature" = String, Header, description = "`mac=` + hex(SHA-256(app_id + body + timestamp + OA secret key))"),
    ),
    request_body(content = String, content_type = "application/json", description = "`{app_id, event_name, timestamp, …}` as `SUPERAPP.md` §3 describes"),
    responses(
        (status = 200, description = "Stored (or already stored)"),
        (status = 401, description = "`invalid_signature`", body = ErrorBody),
        (status = 404, description = "`unknown_brand`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(brand = %brand_key))]
async fn zalo_oa(
    State(state): State<AppState>,
    Path(brand_key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let brand = Brand::by_slug_or_id(&state.db, &brand_key)
        .await?
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownBrand, "This brand does not exist."))?;
    let (Some(key), Some(app_id)) = (
        brand.secret(&state.sealer, BrandSecret::ZaloOaSecretKey)?,
        brand.zalo_app_id.clone(),
    ) else {
        return Err(refused());
    };
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Ok(Value::Object(event)) = serde_json::from_slice::<Value>(&body) else {
        return Err(refused());
    };
    let (Some(sent_app), Some(timestamp)) = (text_of(event.get("app_id")), text_of(event.get("timestamp"))) else {
        return Err(refused());
    };
    use secrecy::ExposeSecret;
    if !oa_event_signature_matches(signature, &sent_app, &body, &timestamp, key.expose_secret()) {
        tracing::warn!("a Zalo OA webhook with a wrong signature was refused");
        return Err(refused());
    }
    if sent_app != app_id {
        tracing::warn!("a Zalo OA webhook for another app was refused");
        return Err(refused());
    }
    let event_name = text_of(event.get("event_name")).unwrap_or_default();
    let server = headers
        .get("x-zevent-server")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("OA OpenAPI")
        .chars()
        .take(32)
        .collect::<String>();
    let digest = hex::encode(Sha256::digest(&body));
    let raw = String::from_utf8_lossy(&body).into_owned();
    let now = state.clock.now_ms();
    let brand_id = brand.id.clone();
    let stored = state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let id = new_id();
                let inserted = sqlx::query(
                    "INSERT INTO oa_webhook_events (id, brand_id, digest, event_name, server, body, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (brand_id, digest) DO NOTHING",
                )
                .bind(&id)
                .bind(&brand_id)
                .bind(&digest)
                .bind(
                    event_name
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(64)
                        .collect::<String>(),
                )
                .bind(&server)
                .bind(&raw)
                .bind(now)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if inserted == 0 {
                    sqlx::query(
                        "UPDATE oa_webhook_events SET deliveries = deliveries + 1 WHERE brand_id = $1 AND digest = $2",
                    )
                    .bind(&brand_id)
                    .bind(&digest)
                    .execute(&mut *conn)
                    .await?;
                    return Ok(false);
                }
                let job = NewJob::new(PROCESS, id.clone(), json!({ "id": id }), now).for_brand(&brand_id);
                jobs::enqueue(conn, &job, now).await?;
                Ok(true)
            })
        })
        .await?;
    let retry = headers.get("num_retry").and_then(|v| v.to_str().ok()).unwrap_or("0");
    tracing::info!(stored, retry, "Zalo OA webhook");
    Ok((StatusCode::OK, axum::Json(json!({ "error": 0, "message": "ok" }))).into_response())
}
