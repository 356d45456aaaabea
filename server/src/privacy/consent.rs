//! Consent per purpose: each grant and withdrawal is a record (who, what purpose, which source, which wording,
//! when); the current state is the latest record, and no record means not granted.

use app::api::ErrorCode;
use app::api::{CONSENT_PURPOSES, Consent, ConsentChange, ErrorBody};
use axum::extract::State;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Path;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    db::{Db, new_id, now_ms, rfc3339},
    error::{Error, Json, Result},
    events::{Campaign, NewEvent, record},
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_consents))
        .routes(routes!(change_my_consent))
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    purpose: String,
    granted: i64,
    source: String,
    wording_version: String,
    recorded_at: i64,
}

/// Whether a profile's latest choice for `purpose` is to allow it (never asked is no).
pub async fn has_granted(conn: &mut AnyConnection, profile_id: &str, purpose: &str) -> Result<bool> {
    let latest: Option<(i64,)> = sqlx::query_as(
        "SELECT granted FROM consent_records WHERE profile_id = $1 AND purpose = $2 \
         ORDER BY recorded_at DESC, id DESC LIMIT 1",
    )
    .bind(profile_id)
    .bind(purpose)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(latest.is_some_and(|(granted,)| granted == 1))
}

/// The current state of every purpose for a profile.
pub async fn current_consents(db: &Db, profile_id: &str) -> Result<Vec<Consent>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT purpose, granted, source, wording_version, recorded_at FROM consent_records \
         WHERE profile_id = $1 ORDER BY recorded_at, id",
    )
    .bind(profile_id)
    .fetch_all(db.read())
    .await?;
    Ok(CONSENT_PURPOSES
        .iter()
        .map(|purpose| match rows.iter().rev().find(|r| r.purpose == *purpose) {
            Some(r) => Consent {
                purpose: (*purpose).to_owned(),
                granted: r.granted == 1,
                asked: true,
                wording_version: Some(r.wording_version.clone()),
                source: Some(r.source.clone()),
                updated_at: Some(rfc3339(r.recorded_at)),
            },
            None => Consent {
                purpose: (*purpose).to_owned(),
                granted: false,
                asked: false,
                wording_version: None,
                source: None,
                updated_at: None,
            },
        })
        .collect())
}

/// Records a decision and puts `consent_changed` on the timeline, inside the caller's transaction.
pub async fn record_consent(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    purpose: &str,
    change: &ConsentChange,
    source: &str,
) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO consent_records (id, brand_id, profile_id, purpose, granted, source, wording_version, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(brand_id)
    .bind(profile_id)
    .bind(purpose)
    .bind(i64::from(change.granted))
    .bind(source)
    .bind(change.wording_version.trim())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let properties = serde_json::json!({
        "purpose": purpose, "granted": change.granted, "wording_version": change.wording_version.trim(),
    });
    record(
        conn,
        brand_id,
        &NewEvent {
            profile_id,
            event_type: "consent_changed",
            occurred_at: now,
            source,
            properties: &properties,
            campaign: &Campaign::default(),
            idempotency_key: None,
        },
    )
    .await?;
    Ok(())
}

/// The signed-in customer's consents, every purpose listed.
#[utoipa::path(
    get,
    path = "/api/v1/me/consents",
    tag = "privacy",
    security(("bearer" = [])),
    responses((status = 200, body = [Consent]), (status = 401, body = ErrorBody))
)]
async fn my_consents(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<Vec<Consent>>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    Ok(Json(current_consents(&state.db, &profile).await?))
}

/// Grants or withdraws one purpose for the signed-in customer.
#[utoipa::path(
    put,
    path = "/api/v1/me/consents/{purpose}",
    tag = "privacy",
    security(("bearer" = [])),
    params(("purpose" = String, Path, description = "marketing_zalo, marketing_zns, marketing_email, marketing_sms or analytics")),
    request_body = ConsentChange,
    responses(
        (status = 200, body = [Consent]),
        (status = 404, description = "`unknown_purpose`", body = ErrorBody),
        (status = 422, description = "`invalid_wording_version`, `invalid_source`", body = ErrorBody),
    )
)]
async fn change_my_consent(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Path(purpose): Path<String>,
    Json(change): Json<ConsentChange>,
) -> Result<Json<Vec<Consent>>> {
    if !CONSENT_PURPOSES.contains(&purpose.as_str()) {
        return Err(Error::not_found(
            ErrorCode::UnknownPurpose,
            format!("There is no consent purpose '{purpose}'."),
        ));
    }
    let version = change.wording_version.trim();
    if version.is_empty() || version.chars().count() > 40 {
        return Err(Error::unprocessable(
            ErrorCode::InvalidWordingVersion,
            "Name the version (1 to 40 characters) of the wording the customer saw.",
        ));
    }
    let source = change.source.clone().unwrap_or_else(|| "web".into());
    if !["zalo", "momo", "web"].contains(&source.as_str()) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidSource,
            "The source is zalo, momo or web.",
        ));
    }
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let mut tx = state.db.begin().await?;
    record_consent(&mut tx, &claims.brand, &profile, &purpose, &change, &source).await?;
    tx.commit().await?;
    Ok(Json(current_consents(&state.db, &profile).await?))
}

/// Moves a merged profile's consent records to the survivor inside the merge's transaction.
pub async fn move_consents(conn: &mut sqlx::AnyConnection, brand_id: &str, from: &str, into: &str) -> Result<()> {
    sqlx::query("UPDATE consent_records SET profile_id = $1 WHERE profile_id = $2 AND brand_id = $3")
        .bind(into)
        .bind(from)
        .bind(brand_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
