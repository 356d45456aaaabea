//! Simulated Zalo Graph API (`SUPERAPP.md` §1) and its control calls.

use app::api::ErrorCode;
use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::{FailureMode, ListedUser, NewUser, OneTimeToken, PHONE_TOKEN_TTL_MS, Sim, SimUser, numeric_id};
use crate::error::Path;
use crate::{
    crypto::random_token,
    error::{Error, Json},
    superapp::appsecret_proof,
};

pub(super) fn routes() -> Router<Sim> {
    Router::new()
        .route("/zalo/users", post(create_user).get(list_users))
        .route("/zalo/users/{id}/tokens", post(new_tokens))
        .route("/zalo/users/{id}", axum::routing::put(change_phone))
        .route("/zalo/graph/v2.0/me", get(me))
        .route("/zalo/graph/v2.0/me/info", get(me_info))
}

fn zalo_error(code: i64, message: &str) -> Response {
    Json(json!({ "error": code, "message": message })).into_response()
}

fn failure(mode: FailureMode) -> Option<Response> {
    match mode {
        FailureMode::None => None,
        FailureMode::GeoBlocked => Some(zalo_error(-501, "IP address not inside Vietnam")),
        FailureMode::Unavailable => Some(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "<html><body>503 Service Unavailable</body></html>",
            )
                .into_response(),
        ),
    }
}

impl Sim {
    /// Issues the tokens Zalo would hand the mini app for `user`.
    fn zalo_tokens(&self, user_id: &str) -> Value {
        let now = self.now_ms();
        let mut state = self.state();
        let access_token = random_token(32);
        let phone_token = random_token(24);
        state
            .zalo_access_tokens
            .insert(access_token.clone(), user_id.to_owned());
        state.zalo_phone_tokens.insert(
            phone_token.clone(),
            OneTimeToken {
                user_id: user_id.to_owned(),
                issued_ms: now,
                used: false,
            },
        );
        let user = state.zalo_users.iter().find(|u| u.id == user_id).cloned();
        // getUserInfo() fills idByOA only while the user follows the app's OA.
        let id_by_oa = user
            .as_ref()
            .filter(|u| u.following)
            .and_then(|u| u.follower_id.clone());
        json!({
            "id": user_id,
            "name": user.as_ref().map(|u| u.name.clone()),
            "id_by_oa": id_by_oa,
            "app_id": user.map(|u| u.app),
            "access_token": access_token,
            "phone_token": phone_token,
        })
    }

    /// The user behind a Zalo access token, checked against its appsecret_proof.
    fn zalo_caller(&self, headers: &HeaderMap) -> Result<SimUser, &'static str> {
        let token = header(headers, "access_token");
        let state = self.state();
        let user = token
            .and_then(|t| state.zalo_access_tokens.get(t))
            .and_then(|id| state.zalo_users.iter().find(|u| &u.id == id))
            .cloned()
            .ok_or("Access token is invalid")?;
        let app = self.config.zalo_apps.iter().find(|a| a.app_id == user.app);
        let expected = app.map(|a| appsecret_proof(a.app_secret.expose_secret(), token.unwrap_or_default()));
        if expected.is_none() || header(headers, "appsecret_proof") != expected.as_deref() {
            return Err("appsecret_proof is invalid");
        }
        Ok(user)
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn create_user(State(sim): State<Sim>, Json(req): Json<NewUser>) -> Result<Json<Value>, Error> {
    let default_app = sim.config.zalo_apps.first().map(|a| a.app_id.as_str());
    let mut user = req.validate(default_app)?;
    user.id = numeric_id();
    let id = user.id.clone();
    sim.state().zalo_users.push(user);
    Ok(Json(sim.zalo_tokens(&id)))
}

async fn list_users(State(sim): State<Sim>) -> Json<Vec<ListedUser>> {
    Json(
        sim.state()
            .zalo_users
            .iter()
            .rev()
            .take(20)
            .map(ListedUser::from)
            .collect(),
    )
}

async fn new_tokens(State(sim): State<Sim>, Path(id): Path<String>) -> Result<Json<Value>, Error> {
    if !sim.state().zalo_users.iter().any(|u| u.id == id) {
        return Err(Error::not_found(
            ErrorCode::UnknownUser,
            "The simulator has no such Zalo user.",
        ));
    }
    Ok(Json(sim.zalo_tokens(&id)))
}

/// `PUT /__sim/zalo/users/{id}` with `{"phone":…}`: the user changed their number in Zalo.
async fn change_phone(
    State(sim): State<Sim>,
    Path(id): Path<String>,
    Json(req): Json<Value>,
) -> Result<StatusCode, Error> {
    let phone = req["phone"].as_str().unwrap_or_default();
    let phone =
        app::domain::Phone::parse(phone).map_err(|e| Error::unprocessable(ErrorCode::InvalidPhone, e.to_string()))?;
    let mut state = sim.state();
    let user = state
        .zalo_users
        .iter_mut()
        .find(|u| u.id == id)
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownUser, "The simulator has no such Zalo user."))?;
    user.phone = Some(phone);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v2.0/me?fields=id,name,picture` with `access_token` and `appsecret_proof` headers.
async fn me(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    if let Some(r) = failure(sim.state().zalo_failure) {
        return r;
    }
    match sim.zalo_caller(&headers) {
        Ok(user) => Json(json!({
            "id": user.id,
            "name": user.name,
            "picture": { "data": { "url": format!("https://s120-ava-talk.zadn.vn/sim/{}.jpg", user.id) } },
        }))
        .into_response(),
        Err(message) => zalo_error(452, message),
    }
}

/// `GET /v2.0/me/info` with `access_token`, `code` (the phone token) and `secret_key` headers.
async fn me_info(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    if let Some(r) = failure(sim.state().zalo_failure) {
        return r;
    }
    let token = header(&headers, "access_token").unwrap_or_default().to_owned();
    let state_user = {
        let state = sim.state();
        state
            .zalo_access_tokens
            .get(&token)
            .and_then(|id| state.zalo_users.iter().find(|u| &u.id == id))
            .cloned()
    };
    let Some(user) = state_user else {
        return zalo_error(452, "Access token is invalid");
    };
    let secret_ok = sim
        .config
        .zalo_apps
        .iter()
        .any(|a| a.app_id == user.app && Some(a.app_secret.expose_secret()) == header(&headers, "secret_key"));
    if !secret_ok {
        return zalo_error(-124, "secret_key is invalid");
    }
    let now = sim.now_ms();
    let code = header(&headers, "code").unwrap_or_default().to_owned();
    let mut state = sim.state();
    match state.zalo_phone_tokens.get_mut(&code) {
        Some(t) if t.user_id == user.id && !t.used && now - t.issued_ms <= PHONE_TOKEN_TTL_MS => {
            t.used = true;
        }
        _ => return zalo_error(-230, "The code is invalid, already used or expired"),
    }
    match &user.phone {
        Some(phone) => {
            Json(json!({ "data": { "number": phone.as_str() }, "error": 0, "message": "Success" })).into_response()
        }
        None => zalo_error(-231, "The user has no phone number"),
    }
}
