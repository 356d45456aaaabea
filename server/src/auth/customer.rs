//! Customer sign-in through a super-app, refresh, sign-out, and `GET /api/v1/me`.

use app::api::ErrorCode;
use app::api::{
    CustomerSession, CustomerSessionRequest, ErrorBody, Me, NameChange, Provider, RefreshRequest, TokenPair,
};
use axum::{extract::State, http::StatusCode};
use rand::Rng;

use super::throttle::{self, ClientAddress};
use super::{
    extract::CustomerAuth,
    tokens::{self, NewSession, Role, start_session},
};
use crate::{
    AppState,
    brands::{Brand, BrandSecret},
    error::{Error, Json, Result},
    events, profiles,
    superapp::{MomoCredentials, SuperAppError, VerifiedUser},
};

/// Signs a customer in with the tokens their super-app handed the mini app.
#[utoipa::path(
    post,
    path = "/api/v1/auth/session",
    tag = "auth",
    request_body = CustomerSessionRequest,
    responses(
        (status = 200, body = CustomerSession),
        (status = 401, description = "`invalid_superapp_token`, `phone_token_used_or_expired`", body = ErrorBody),
        (status = 404, description = "`unknown_brand`", body = ErrorBody),
        (status = 422, description = "`missing_access_token`, `provider_not_configured`", body = ErrorBody),
        (status = 502, description = "`superapp_geo_blocked`, `superapp_credentials_rejected`", body = ErrorBody),
        (status = 503, description = "`superapp_unavailable`", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`: sixty refused tokens from the address in fifteen minutes; see `Retry-After`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(brand = %req.brand, provider = req.provider.as_str()))]
pub(super) async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Json(req): Json<CustomerSessionRequest>,
) -> Result<Json<CustomerSession>> {
    let now = state.clock.now_ms();
    let scopes: Vec<_> = address
        .map(|ip| (throttle::CUSTOMER_ADDRESS, format!("customer-address:{ip}")))
        .into_iter()
        .collect();
    throttle::check(&state.db, &scopes, now).await?;
    let access_token = req.access_token.trim();
    if access_token.is_empty() {
        return Err(Error::unprocessable(
            ErrorCode::MissingAccessToken,
            "The super-app access token is missing.",
        ));
    }
    let brand = Brand::require_slug(&state.db, &req.brand).await?;
    let anonymous_id = req
        .anonymous_id
        .as_deref()
        .map(profiles::parse_anonymous_id)
        .transpose()?;
    let id_by_oa = match req.id_by_oa.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) if req.provider == Provider::Zalo && crate::superapp::oa::is_follower_id(id) => Some(id.to_owned()),
        Some(_) => {
            return Err(Error::unprocessable(
                ErrorCode::InvalidBody,
                "id_by_oa is a Zalo OA follower id: 1 to 64 letters and digits, from Zalo only.",
            ));
        }
    };
    // Ask the super-app first, outside any transaction: nothing is written unless it vouches for the user.
    let user = verify(&state, &brand, req.provider, access_token, req.phone_token.as_deref()).await;
    metrics::counter!("cham_sign_ins_total", "provider" => req.provider.as_str(), "outcome" => if user.is_ok() { "ok" } else { "refused" })
        .increment(1);
    if let Err(e) = &user
        && e.code() == ErrorCode::InvalidSuperappToken
    {
        tracing::info!(address = ?address, "customer sign-in refused by the super-app");
        throttle::failed(&state.db, &scopes, now).await?;
    }
    let user = user?;

    // Two sign-ins of one person can race to create or merge the profile; the loser retries and finds it.
    let mut attempt = 0;
    let (profile_id, tokens) = loop {
        let mut tx = state.db.begin().await?;
        let result: Result<(String, TokenPair)> = async {
            let profile_id = profiles::resolve_sign_in(&mut tx, &brand.id, &user, anonymous_id).await?;
            if let Some(follower) = &id_by_oa {
                profiles::claim(
                    &mut tx,
                    &brand.id,
                    &profile_id,
                    ("zalo_oa_follower_id", follower),
                    "zalo",
                )
                .await?;
            }
            let properties = serde_json::json!({ "provider": req.provider.as_str() });
            events::record(
                &mut tx,
                &brand.id,
                &events::NewEvent {
                    profile_id: &profile_id,
                    event_type: "session_started",
                    occurred_at: crate::db::now_ms(),
                    source: req.provider.as_str(),
                    properties: &properties,
                    campaign: &events::Campaign::default(),
                    idempotency_key: None,
                },
            )
            .await?;
            let tokens = start_session(
                &mut tx,
                &state.keys,
                &NewSession {
                    brand_id: &brand.id,
                    brand_slug: &brand.slug,
                    subject_id: &profile_id,
                    role: Role::Customer,
                    provider: req.provider.as_str(),
                },
            )
            .await?;
            Ok((profile_id, tokens))
        }
        .await;
        match result {
            Ok(done) => {
                tx.commit().await?;
                break done;
            }
            Err(e) if attempt < 5 && crate::error::is_transient(&e) => {
                drop(tx);
                attempt += 1;
                let jitter = rand::thread_rng().gen_range(5..30);
                tokio::time::sleep(std::time::Duration::from_millis(jitter)).await;
            }
            Err(e) => return Err(e),
        }
    };
    let me = profiles::require_me(&state.db, &brand.id, &profile_id).await?;
    tracing::info!(profile = %profile_id, "customer signed in");
    Ok(Json(CustomerSession { tokens, me }))
}

async fn verify(
    state: &AppState,
    brand: &Brand,
    provider: Provider,
    access_token: &str,
    phone_token: Option<&str>,
) -> Result<VerifiedUser> {
    match provider {
        Provider::Zalo => {
            let secret = brand
                .secret(&state.sealer, BrandSecret::ZaloAppSecret)?
                .filter(|_| brand.zalo_app_id.is_some())
                .ok_or(SuperAppError::NotConfigured("Zalo"))?;
            Ok(state.superapps.verify_zalo(&secret, access_token, phone_token).await?)
        }
        Provider::Momo => {
            let partner_code = brand
                .momo_partner_code
                .as_deref()
                .ok_or(SuperAppError::NotConfigured("MoMo"))?;
            let secret_key = brand
                .secret(&state.sealer, BrandSecret::MomoSecretKey)?
                .ok_or(SuperAppError::NotConfigured("MoMo"))?;
            let private_key = brand
                .secret(&state.sealer, BrandSecret::MomoOpenPrivateKey)?
                .ok_or(SuperAppError::NotConfigured("MoMo"))?;
            let creds = MomoCredentials {
                partner_code,
                secret_key: &secret_key,
                private_key_pem: &private_key,
            };
            Ok(state.superapps.verify_momo(creds, access_token).await?)
        }
    }
}

/// Exchanges a refresh token for a new token pair; the old refresh token stops working.
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "`invalid_refresh_token`, `refresh_token_expired`, `refresh_token_reused` (the whole session is revoked)", body = ErrorBody),
    )
)]
pub(super) async fn refresh(State(state): State<AppState>, Json(req): Json<RefreshRequest>) -> Result<Json<TokenPair>> {
    Ok(Json(tokens::rotate(&state.db, &state.keys, &req.refresh_token).await?))
}

/// Signs out: the refresh token's session ends.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out"))
)]
pub(super) async fn logout(State(state): State<AppState>, Json(req): Json<RefreshRequest>) -> Result<StatusCode> {
    tokens::revoke(&state.db, &req.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in customer's profile summary.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "profile",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Me),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
        (status = 403, description = "`wrong_brand`, `customers_only`", body = ErrorBody),
    )
)]
pub(super) async fn me(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<Me>> {
    Ok(Json(profiles::require_me(&state.db, &claims.brand, &claims.sub).await?))
}

/// Sets the name the signed-in member wants to be called; a super-app's name never replaces it afterwards.
#[utoipa::path(
    put,
    path = "/api/v1/me/name",
    tag = "profile",
    security(("bearer" = [])),
    request_body = NameChange,
    responses(
        (status = 200, body = Me),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
        (status = 422, description = "`invalid_name` (1 to 80 characters, no control characters), `invalid_characters`", body = ErrorBody),
    )
)]
pub(super) async fn rename(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Json(change): Json<NameChange>,
) -> Result<Json<Me>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    profiles::rename(&state.db, &claims.brand, &profile, &change.name, state.clock.now_ms()).await?;
    Ok(Json(profiles::require_me(&state.db, &claims.brand, &profile).await?))
}
