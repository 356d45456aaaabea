//! The simulated Zalo OAuth for OA tokens (`SUPERAPP.md` §2): `POST /__sim/zalo/oauth/v4/oa/access_token`,
//! form-encoded with header `secret_key`, trades a refresh token (single-use: the one sent is spent) for a new
//! access token (25 hours) and refresh token. `POST /__sim/zalo/oauth/grant` with `{"app_id"}` stands in for the
//! OA admin authorising the app: it hands out a first refresh token.

use axum::{
    Form, Router,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::post,
};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::json;

use super::Sim;
use crate::{
    crypto::random_token,
    error::{Error, Json},
};

/// An OA access token lives about 25 hours.
pub(super) const OA_TOKEN_TTL_SECS: i64 = 90_000;

pub(super) fn routes() -> Router<Sim> {
    Router::new()
        .route("/zalo/oauth/v4/oa/access_token", post(trade))
        .route("/zalo/oauth/grant", post(grant))
        .route("/zalo/oauth/revoke", post(revoke))
}

impl Sim {
    /// A first pair of OA tokens for `app_id`, as the OA admin's authorisation would give (the demo connects its
    /// OA with it before the server listens).
    pub fn grant_oa_tokens(&self, app_id: &str) -> Option<crate::superapp::OaTokens> {
        self.config
            .zalo_apps
            .iter()
            .find(|a| a.app_id == app_id && a.oa.is_some())?;
        let (access, refresh) = (random_token(32), random_token(32));
        let mut state = self.state();
        state.oa_refresh_tokens.insert(refresh.clone(), app_id.to_owned());
        state.oa_access_tokens.insert(access.clone(), app_id.to_owned());
        Some(crate::superapp::OaTokens {
            access_token: access.into(),
            refresh_token: refresh.into(),
            expires_in_secs: OA_TOKEN_TTL_SECS,
        })
    }
}

/// The OA admin revokes the app's authorisation: every token of the app stops working.
async fn revoke(State(sim): State<Sim>, Json(req): Json<Grant>) -> axum::http::StatusCode {
    let mut state = sim.state();
    state.oa_refresh_tokens.retain(|_, app| *app != req.app_id);
    state.oa_access_tokens.retain(|_, app| *app != req.app_id);
    axum::http::StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Grant {
    app_id: String,
}

async fn grant(State(sim): State<Sim>, Json(req): Json<Grant>) -> Result<Json<serde_json::Value>, Error> {
    if !sim
        .config
        .zalo_apps
        .iter()
        .any(|a| a.app_id == req.app_id && a.oa.is_some())
    {
        return Err(Error::unprocessable(
            app::api::ErrorCode::NoApp,
            "The simulator has no OA for this app.",
        ));
    }
    let refresh = random_token(32);
    sim.state().oa_refresh_tokens.insert(refresh.clone(), req.app_id);
    Ok(Json(json!({ "refresh_token": refresh })))
}

#[derive(Deserialize)]
struct Trade {
    #[serde(default)]
    refresh_token: String,
    #[serde(default)]
    app_id: String,
    #[serde(default)]
    grant_type: String,
}

fn refusal(code: i64, name: &str) -> Response {
    axum::Json(json!({ "error": code, "error_name": name, "error_description": name })).into_response()
}

async fn trade(State(sim): State<Sim>, headers: HeaderMap, Form(req): Form<Trade>) -> Response {
    let secret = headers
        .get("secret_key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(app) = sim.config.zalo_apps.iter().find(|a| a.app_id == req.app_id) else {
        return refusal(-14001, "Invalid app_id");
    };
    if app.app_secret.expose_secret() != secret {
        return refusal(-14002, "Invalid secret_key");
    }
    if req.grant_type != "refresh_token" {
        return refusal(-14003, "Invalid grant_type");
    }
    let mut state = sim.state();
    if state.oa_refresh_tokens.get(&req.refresh_token) != Some(&req.app_id) {
        return refusal(-14014, "Invalid refresh token");
    }
    state.oa_refresh_tokens.remove(&req.refresh_token);
    let (access, refresh) = (random_token(32), random_token(32));
    state.oa_refresh_tokens.insert(refresh.clone(), req.app_id.clone());
    state.oa_access_tokens.insert(access.clone(), req.app_id);
    axum::Json(json!({
        "access_token": access, "refresh_token": refresh, "expires_in": OA_TOKEN_TTL_SECS.to_string(),
    }))
    .into_response()
}
