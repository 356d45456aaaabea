//! `POST /api/v1/track` and `POST /api/v1/identify`, for servers holding an API key.

use app::api::ErrorCode;
use app::{
    api::{
        ErrorBody, ErrorDetail, EventOutcome, EventsResponse, IdentifyRequest, IdentifyResponse, ServerEvent,
        TrackRequest,
    },
    domain::{Email, Phone},
};
use axum::extract::State;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::app::check_batch;
use super::keys::ApiKeyAuth;
use crate::{
    AppState,
    db::now_ms,
    error::{Error, Json, Result},
    events::{Origin, Sender, store_one},
    profiles::{self, Claimed},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(track)).routes(routes!(identify))
}

/// Records up to 500 events from a brand's server, each about the person it names; answered item by item.
#[utoipa::path(
    post,
    path = "/api/v1/track",
    tag = "ingest",
    security(("api_key" = [])),
    request_body = TrackRequest,
    responses(
        (status = 200, body = EventsResponse),
        (status = 401, description = "`missing_api_key`, `invalid_api_key`", body = ErrorBody),
        (status = 413, description = "`batch_too_large`", body = ErrorBody),
        (status = 422, description = "`empty_batch`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(key = %key.key_id))]
async fn track(
    State(state): State<AppState>,
    key: ApiKeyAuth,
    Json(req): Json<TrackRequest>,
) -> Result<Json<EventsResponse>> {
    check_batch(&req.events)?;
    let (brand_id, key_id) = (key.brand_id, key.key_id);
    let results = state
        .db
        .transact(move |tx| Box::pin(track_in(tx, brand_id, key_id, req.events)))
        .await?;
    Ok(Json(EventsResponse::from_outcomes(results)))
}

/// Resolves and records each event of a `track` batch inside one transaction, item by item.
async fn track_in(
    tx: &mut AnyConnection,
    brand_id: String,
    key_id: String,
    events: Vec<ServerEvent>,
) -> Result<Vec<EventOutcome>> {
    let now = now_ms();
    let mut results = Vec::with_capacity(events.len());
    for (index, item) in events.into_iter().enumerate() {
        let refused = |index, code: ErrorCode, message: String| EventOutcome {
            index,
            id: None,
            duplicate: false,
            error: Some(ErrorDetail {
                code,
                message,
                field: None,
            }),
        };
        if let Err(Error::Client { code, message, .. }) = profiles::check_user_ref(&item.user) {
            results.push(refused(index, code, message));
            continue;
        }
        let profile = match profiles::resolve_user_ref(tx, &brand_id, &item.user).await {
            Ok(profile) => profile,
            // Lookups that found nothing wrote nothing, so the rest of the batch goes on.
            Err(Error::Client { code, message, .. }) => {
                results.push(refused(index, code, message));
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Some(error) = super::analytics_refusal(tx, &profile, &item.event.event_type, &mut None).await? {
            results.push(refused(index, error.code, error.message));
            continue;
        }
        // Keys are the sending API key's, about the person as it named them.
        let scope = format!("key:{key_id}:{}", serde_json::to_string(&item.user).unwrap_or_default());
        let origin = Origin {
            sender: Sender::Server,
            key_scope: &scope,
        };
        results.push(store_one(tx, &brand_id, &profile, index, item.event, now, origin).await?);
    }
    Ok(results)
}

/// Attaches a phone, e-mail or name to the person an anonymous or external id names. These are unverified
/// claims: one held by another profile is recorded as a conflict, never merged.
#[utoipa::path(
    post,
    path = "/api/v1/identify",
    tag = "ingest",
    security(("api_key" = [])),
    request_body = IdentifyRequest,
    responses(
        (status = 200, body = IdentifyResponse),
        (status = 401, description = "`missing_api_key`, `invalid_api_key`", body = ErrorBody),
        (status = 422, description = "`missing_user`, `invalid_phone`, `invalid_email`, `invalid_anonymous_id`, `invalid_external_id`", body = ErrorBody),
    )
)]
async fn identify(
    State(state): State<AppState>,
    key: ApiKeyAuth,
    Json(req): Json<IdentifyRequest>,
) -> Result<Json<IdentifyResponse>> {
    // Everything is checked before anything is written.
    profiles::check_user_ref(&req.user)?;
    let phone = match req.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(Phone::parse(p).map_err(|e| Error::unprocessable(ErrorCode::InvalidPhone, e.to_string()))?),
        None => None,
    };
    let email = match req.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(Email::parse(e).map_err(|e| Error::unprocessable(ErrorCode::InvalidEmail, e.to_string()))?),
        None => None,
    };
    let name = req
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= 120);

    let mut tx = state.db.begin().await?;
    let profile_id = profiles::resolve_user_ref(&mut tx, &key.brand_id, &req.user).await?;
    let (mut attached, mut conflicts) = (Vec::new(), Vec::new());
    let claims = [
        ("phone", phone.as_ref().map(Phone::as_str)),
        ("email", email.as_ref().map(Email::as_str)),
    ];
    for (kind, value) in claims {
        let Some(value) = value else { continue };
        match profiles::claim(&mut tx, &key.brand_id, &profile_id, (kind, value), "server").await? {
            Claimed::Attached => attached.push(kind.to_owned()),
            Claimed::Conflict => conflicts.push(kind.to_owned()),
        }
    }
    if let Some(name) = name {
        profiles::fill_name(&mut tx, &profile_id, name, now_ms()).await?;
    }
    tx.commit().await?;
    Ok(Json(IdentifyResponse {
        profile_id,
        attached,
        conflicts,
    }))
}
