//! The brand's Zalo OA tokens (`SUPERAPP.md` §2), stored sealed: the admin connects the OA with a refresh token
//! from Zalo's OA authorisation; the server trades it at once (so a wrong one is refused on the spot) and then
//! before every expiry (`messaging.oa_refresh`, every five minutes, for tokens with less than two hours left),
//! storing the new refresh token each time (Zalo's are single-use). A refusal pauses OA sending for the brand,
//! with Zalo's words shown in the console, until the admin connects again.

use app::api::{ErrorBody, ErrorCode, OaConnect, OaConnection, OaConnectionState};
use axum::extract::State;
use secrecy::{ExposeSecret, SecretString};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    auth::extract::AdminAuth,
    brands::{Brand, BrandSecret},
    clock::Clock,
    crypto::Sealer,
    db::{Db, rfc3339},
    error::{Error, Json, Result},
    jobs::Registry,
    superapp::{OaTokens, SuperApps},
};

/// The periodic job refreshing tokens that expire soon.
pub const REFRESH: &str = "messaging.oa_refresh";
/// Tokens with less than this left are refreshed: two hours.
const REFRESH_BEFORE_MS: i64 = 2 * 60 * 60 * 1000;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(connection, connect))
        .routes(routes!(refresh_now))
}

#[derive(sqlx::FromRow)]
struct Row {
    refresh_token: String,
    expires_at: i64,
    refreshed_at: i64,
    paused_at: Option<i64>,
    last_error: Option<String>,
}

async fn row(db: &Db, brand_id: &str) -> Result<Option<Row>> {
    Ok(sqlx::query_as(
        "SELECT refresh_token, expires_at, refreshed_at, paused_at, last_error FROM oa_tokens WHERE brand_id = $1",
    )
    .bind(brand_id)
    .fetch_optional(db.read())
    .await?)
}

fn view(row: Option<Row>, now: i64) -> OaConnection {
    match row {
        None => OaConnection {
            state: OaConnectionState::NotConnected,
            expires_at: None,
            refreshed_at: None,
            error: None,
        },
        Some(r) => OaConnection {
            state: match (r.paused_at, r.expires_at > now) {
                (Some(_), _) => OaConnectionState::Paused,
                (None, true) => OaConnectionState::Connected,
                (None, false) => OaConnectionState::Expired,
            },
            expires_at: Some(rfc3339(r.expires_at)),
            refreshed_at: Some(rfc3339(r.refreshed_at)),
            error: r.last_error,
        },
    }
}

/// What refreshing needs of the brand: its Zalo app id and secret.
fn app_of(brand: &Brand, sealer: &Sealer) -> Result<(String, SecretString)> {
    match (
        brand.zalo_app_id.clone(),
        brand.secret(sealer, BrandSecret::ZaloAppSecret)?,
    ) {
        (Some(app), Some(secret)) if brand.zalo_oa_id.is_some() => Ok((app, secret)),
        _ => Err(Error::unprocessable(
            ErrorCode::OaNotConfigured,
            "The brand has no Zalo app and OA configured.",
        )),
    }
}

/// Trades `refresh_token` and stores the new pair sealed; `Ok(Err(words))` when Zalo refused it (nothing is
/// written then). The call to Zalo happens before (and outside) the write.
async fn trade(
    db: &Db,
    sealer: &Sealer,
    superapps: &SuperApps,
    brand: &Brand,
    refresh_token: &SecretString,
    now: i64,
) -> Result<std::result::Result<(), String>> {
    let (app_id, secret) = app_of(brand, sealer)?;
    match superapps.refresh_oa_token(&app_id, &secret, refresh_token).await {
        Ok(tokens) => {
            store(db, sealer, &brand.id, &tokens, now).await?;
            Ok(Ok(()))
        }
        Err(crate::superapp::SuperAppError::InvalidToken(words)) => Ok(Err(words)),
        Err(e) => Err(e.into()),
    }
}

/// Stores a fresh pair of tokens sealed, resuming OA sending.
pub async fn store(db: &Db, sealer: &Sealer, brand_id: &str, tokens: &OaTokens, now: i64) -> Result<()> {
    let expires_at = now.saturating_add(tokens.expires_in_secs.saturating_mul(1000));
    sqlx::query(
        "INSERT INTO oa_tokens (brand_id, access_token, refresh_token, expires_at, refreshed_at, paused_at, \
                 last_error) VALUES ($1, $2, $3, $4, $5, NULL, NULL) ON CONFLICT (brand_id) DO UPDATE SET \
                 access_token = excluded.access_token, refresh_token = excluded.refresh_token, \
                 expires_at = excluded.expires_at, refreshed_at = excluded.refreshed_at, paused_at = NULL, \
                 last_error = NULL",
    )
    .bind(brand_id)
    .bind(sealer.seal(tokens.access_token.expose_secret()))
    .bind(sealer.seal(tokens.refresh_token.expose_secret()))
    .bind(expires_at)
    .bind(now)
    .execute(db.write())
    .await?;
    Ok(())
}

/// Pauses the brand's OA sending (a token Zalo refused), keeping the reason for the console.
pub async fn pause(db: &Db, brand_id: &str, reason: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE oa_tokens SET paused_at = $1, last_error = $2 WHERE brand_id = $3")
        .bind(now)
        .bind(crate::superapp::oa::zalo_words(reason))
        .bind(brand_id)
        .execute(db.write())
        .await?;
    tracing::warn!(brand = %brand_id, reason, "OA sending paused: Zalo refused the token");
    Ok(())
}

/// The brand's OA access token, unless it is missing, paused or expired.
pub async fn access_token(db: &Db, sealer: &Sealer, brand_id: &str, now: i64) -> Result<Option<SecretString>> {
    let found: Option<(String, i64, Option<i64>)> =
        sqlx::query_as("SELECT access_token, expires_at, paused_at FROM oa_tokens WHERE brand_id = $1")
            .bind(brand_id)
            .fetch_optional(db.read())
            .await?;
    match found {
        Some((sealed, expires_at, None)) if expires_at > now => Ok(Some(sealer.open(&sealed)?)),
        _ => Ok(None),
    }
}

fn refused(words: &str) -> Error {
    Error::unprocessable(
        ErrorCode::OaTokenRefused,
        format!("Zalo refused this refresh token ({words}). Get a new one from the Zalo OA authorisation page."),
    )
}

/// The brand's OA connection: connected (until when), expired, paused by a refusal (with Zalo's words), or not.
#[utoipa::path(
    get,
    path = "/api/v1/admin/messaging/oa",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = OaConnection), (status = 401, body = ErrorBody))
)]
async fn connection(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<OaConnection>> {
    let now = state.clock.now_ms();
    Ok(Json(view(row(&state.db, &claims.brand).await?, now)))
}

/// Connects the OA with a refresh token from Zalo's OA authorisation: traded at once, so a wrong one is refused
/// here and nothing is stored.
#[utoipa::path(
    put,
    path = "/api/v1/admin/messaging/oa",
    tag = "admin",
    security(("bearer" = [])),
    request_body = OaConnect,
    responses(
        (status = 200, body = OaConnection),
        (status = 422, description = "`invalid_oa_token`, `oa_token_refused`, `oa_not_configured`", body = ErrorBody),
        (status = 503, description = "`superapp_unavailable`", body = ErrorBody),
    )
)]
async fn connect(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(body): Json<OaConnect>,
) -> Result<Json<OaConnection>> {
    let token = body.refresh_token.trim();
    if token.is_empty() || token.len() > 2048 || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidOaToken,
            "A refresh token is 1 to 2048 visible characters, no spaces.",
        ));
    }
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownBrand, "This brand does not exist."))?;
    let now = state.clock.now_ms();
    let token = SecretString::from(token.to_owned());
    // A wrong token typed here changes nothing, not even a connection that works.
    if let Err(words) = trade(&state.db, &state.sealer, &state.superapps, &brand, &token, now).await? {
        return Err(refused(&words));
    }
    Ok(Json(view(row(&state.db, &brand.id).await?, now)))
}

/// Refreshes the OA token now (after fixing what paused it, or to check it).
#[utoipa::path(
    post,
    path = "/api/v1/admin/messaging/oa/refresh",
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, body = OaConnection),
        (status = 404, description = "`oa_not_connected`", body = ErrorBody),
        (status = 422, description = "`oa_token_refused`", body = ErrorBody),
    )
)]
async fn refresh_now(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<OaConnection>> {
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownBrand, "This brand does not exist."))?;
    let now = state.clock.now_ms();
    let Some(current) = row(&state.db, &brand.id).await? else {
        return Err(Error::not_found(
            ErrorCode::OaNotConnected,
            "The brand's OA is not connected.",
        ));
    };
    let token = state.sealer.open(&current.refresh_token)?;
    if let Err(words) = trade(&state.db, &state.sealer, &state.superapps, &brand, &token, now).await? {
        pause(&state.db, &brand.id, &words, now).await?;
        return Err(refused(&words));
    }
    Ok(Json(view(row(&state.db, &brand.id).await?, now)))
}

/// Registers [`REFRESH`]: every five minutes, each connected brand whose token has less than two hours left.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock, sealer: &Sealer, superapps: SuperApps) {
    let (db, clock, sealer) = (db.clone(), clock.clone(), sealer.clone());
    let superapps = std::sync::Arc::new(superapps);
    registry.handle(REFRESH, move |_job| {
        let (db, clock, sealer, superapps) = (db.clone(), clock.clone(), sealer.clone(), superapps.clone());
        async move {
            let now = clock.now_ms();
            let due: Vec<(String, String)> = sqlx::query_as(
                "SELECT brand_id, refresh_token FROM oa_tokens WHERE paused_at IS NULL AND expires_at < $1",
            )
            .bind(now.saturating_add(REFRESH_BEFORE_MS))
            .fetch_all(db.read())
            .await?;
            for (brand_id, sealed) in due {
                let Some(brand) = Brand::by_id(&db, &brand_id).await? else {
                    continue;
                };
                let token = sealer.open(&sealed)?;
                // One brand's failure is its own: the others are still refreshed.
                match trade(&db, &sealer, &superapps, &brand, &token, now).await {
                    Ok(Ok(())) => tracing::info!(brand = %brand_id, "OA token refreshed"),
                    Ok(Err(words)) => pause(&db, &brand_id, &words, now).await?,
                    Err(e) => {
                        tracing::warn!(brand = %brand_id, error = %e, "OA token refresh failed; tried again later")
                    }
                }
            }
            Ok(())
        }
    });
    registry.every(REFRESH, std::time::Duration::from_secs(5 * 60));
}
