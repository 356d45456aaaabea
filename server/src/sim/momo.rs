//! Simulated MoMo open platform (`SUPERAPP.md` §6; see `crate::superapp` for the exact exchange).

use app::api::ErrorCode;
use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rsa::{
    pkcs1v15::{Signature, VerifyingKey},
    signature::Verifier,
};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use super::{FailureMode, ListedUser, MOMO_AUTH_CODE_TTL_MS, NewUser, OneTimeToken, Sim, numeric_id};
use crate::error::{Path, Query};
use crate::{
    crypto::random_token,
    error::{Error, Json},
    superapp::momo_signed_data,
};

/// How far `M-Timestamp` may be from the simulator's clock.
const TIMESTAMP_SKEW_MS: i64 = 5 * 60 * 1000;

pub(super) fn routes() -> Router<Sim> {
    Router::new()
        .route("/momo/users", post(create_user).get(list_users))
        .route("/momo/users/{id}/tokens", post(new_tokens))
        .route("/momo/open/gateway/open/v1/oauth/accessToken", get(access_token))
}

fn momo_result(code: i64, message: &str) -> Response {
    Json(json!({ "resultCode": code, "message": message, "responseTime": crate::db::now_ms() })).into_response()
}

impl Sim {
    fn momo_tokens(&self, user_id: &str) -> Value {
        let now = self.now_ms();
        let auth_token = random_token(32);
        let mut state = self.state();
        state.momo_auth_codes.insert(
            auth_token.clone(),
            OneTimeToken {
                user_id: user_id.to_owned(),
                issued_ms: now,
                used: false,
            },
        );
        let user = state.momo_users.iter().find(|u| u.id == user_id);
        json!({
            "id": user_id,
            "name": user.map(|u| u.name.clone()),
            "partner_code": user.map(|u| u.app.clone()),
            "auth_token": auth_token,
        })
    }
}

async fn create_user(State(sim): State<Sim>, Json(req): Json<NewUser>) -> Result<Json<Value>, Error> {
    let default_partner = sim.config.momo_partners.first().map(|p| p.partner_code.as_str());
    let mut user = req.validate(default_partner)?;
    user.id = numeric_id();
    let id = user.id.clone();
    sim.state().momo_users.push(user);
    Ok(Json(sim.momo_tokens(&id)))
}

async fn list_users(State(sim): State<Sim>) -> Json<Vec<ListedUser>> {
    Json(
        sim.state()
            .momo_users
            .iter()
            .rev()
            .take(20)
            .map(ListedUser::from)
            .collect(),
    )
}

async fn new_tokens(State(sim): State<Sim>, Path(id): Path<String>) -> Result<Json<Value>, Error> {
    if !sim.state().momo_users.iter().any(|u| u.id == id) {
        return Err(Error::not_found(
            ErrorCode::UnknownUser,
            "The simulator has no such MoMo user.",
        ));
    }
    Ok(Json(sim.momo_tokens(&id)))
}

#[derive(Debug, Deserialize)]
struct TokenQuery {
    #[serde(rename = "authCode", default)]
    auth_code: String,
    #[serde(rename = "partnerCode", default)]
    partner_code: String,
}

/// `GET /gateway/open/v1/oauth/accessToken`, signed with `OP-Signature`.
async fn access_token(State(sim): State<Sim>, headers: HeaderMap, Query(q): Query<TokenQuery>) -> Response {
    match sim.state().momo_failure {
        FailureMode::None => {}
        FailureMode::GeoBlocked | FailureMode::Unavailable => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "<html><body>503 Service Unavailable</body></html>",
            )
                .into_response();
        }
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let partner_code = header("M-Partner-Code");
    let Some(partner) = sim
        .config
        .momo_partners
        .iter()
        .find(|p| p.partner_code == partner_code && p.partner_code == q.partner_code)
    else {
        return momo_result(13, "Merchant authentication failed: unknown partner");
    };
    let timestamp = header("M-Timestamp");
    let now = sim.now_ms();
    if timestamp
        .parse::<i64>()
        .map_or(true, |t| now.abs_diff(t) > TIMESTAMP_SKEW_MS.unsigned_abs())
    {
        return momo_result(13, "Merchant authentication failed: stale or missing M-Timestamp");
    }
    let signed = format!(
        "{}{}{}",
        momo_signed_data(&q.auth_code, &q.partner_code),
        timestamp,
        partner.secret_key.expose_secret()
    );
    let verified = URL_SAFE_NO_PAD
        .decode(header("OP-Signature"))
        .ok()
        .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok())
        .is_some_and(|sig| {
            VerifyingKey::<Sha256>::new(partner.public_key.clone())
                .verify(signed.as_bytes(), &sig)
                .is_ok()
        });
    if !verified {
        return momo_result(13, "Merchant authentication failed: invalid OP-Signature");
    }
    let mut state = sim.state();
    let user_id = match state.momo_auth_codes.get_mut(&q.auth_code) {
        Some(t) if !t.used && now - t.issued_ms <= MOMO_AUTH_CODE_TTL_MS => {
            t.used = true;
            t.user_id.clone()
        }
        _ => {
            return momo_result(11, "Access denied: the auth code is invalid, used or expired");
        }
    };
    let Some(user) = state
        .momo_users
        .iter()
        .find(|u| u.id == user_id && u.app == partner.partner_code)
    else {
        return momo_result(11, "Access denied: the auth code belongs to another partner");
    };
    Json(json!({
        "resultCode": 0,
        "message": "Success",
        "responseTime": now,
        "data": {
            "userId": user.id,
            "name": user.name,
            "phone": user.phone.as_ref().map(|p| p.national()),
        },
    }))
    .into_response()
}
