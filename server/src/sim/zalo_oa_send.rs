//! The simulated OA Open API's messages (`SUPERAPP.md` §2): `POST /__sim/zalo/openapi/v3.0/oa/message/cs` with
//! header `access_token` (one the simulated OAuth issued) and `{"recipient":{"user_id"},"message":{"text"}}`.
//! A follower id the OA does not know is `-207`; a token it did not issue `-124`; `/__sim/zalo/oa/mode` with
//! `{"mode":"token_expired"}` makes every send `-220`. A message taken is delivered: the OA posts a signed
//! `user_received_message` to the brand's webhook. `GET /__sim/zalo/oa/messages` lists what was sent.

use axum::{
    Router,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Sim, numeric_id, zalo_oa::deliver};
use crate::error::Json;

pub(super) fn routes() -> Router<Sim> {
    Router::new()
        .route("/zalo/openapi/v3.0/oa/message/cs", post(send_cs))
        .route("/zalo/openapi/v3.0/oa/message/promotion", post(send_promotion))
        .route("/zalo/oa/messages", get(sent))
        .route("/zalo/oa/mode", post(set_mode))
}

/// A message the simulated OA took.
#[derive(Debug, Clone, serde::Serialize)]
pub(super) struct SimOaMessage {
    pub app_id: String,
    pub follower_id: String,
    /// `cs` or `promotion`.
    pub kind: String,
    /// The text (a promotion's header, a new line, its text).
    pub text: String,
    /// A promotion's button address.
    pub button_url: Option<String>,
    pub message_id: String,
}

fn refusal(code: i64, message: &str) -> Response {
    axum::Json(json!({ "error": code, "message": message })).into_response()
}

async fn send_cs(State(sim): State<Sim>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let text = body
        .pointer("/message/text")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    take(&sim, &headers, &body, "cs", text, None).await
}

/// A promotion: `message.attachment = {type: template, payload: {template_type: promotion, elements: [banner?,
/// header, text…], buttons: [{type: oa.open.url, payload: {url}}]}}`.
async fn send_promotion(State(sim): State<Sim>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let payload = body.pointer("/message/attachment/payload").cloned().unwrap_or_default();
    if payload.get("template_type").and_then(Value::as_str) != Some("promotion") {
        return refusal(-201, "Template type is invalid");
    }
    let elements = payload
        .get("elements")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let part = |kind: &str| {
        elements
            .iter()
            .find(|e| e.get("type").and_then(Value::as_str) == Some(kind))
            .and_then(|e| e.get("content").and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned()
    };
    let (header, text) = (part("header"), part("text"));
    if header.is_empty() || text.is_empty() {
        return refusal(-210, "A promotion needs a header and a text");
    }
    let button_url = payload
        .pointer("/buttons/0/payload/url")
        .and_then(Value::as_str)
        .map(str::to_owned);
    take(
        &sim,
        &headers,
        &body,
        "promotion",
        format!("{header}\n{text}"),
        button_url,
    )
    .await
}

async fn take(
    sim: &Sim,
    headers: &HeaderMap,
    body: &Value,
    kind: &str,
    text: String,
    button_url: Option<String>,
) -> Response {
    let token = headers
        .get("access_token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let follower = body
        .pointer("/recipient/user_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let (app, user) = {
        let state = sim.state();
        if state.oa_token_expired {
            return refusal(-220, "Access token has expired");
        }
        let Some(app) = state.oa_access_tokens.get(token).cloned() else {
            return refusal(-124, "Access token is invalid");
        };
        let user = state
            .zalo_users
            .iter()
            .find(|u| u.app == app && u.follower_id.as_deref() == Some(follower.as_str()))
            .cloned();
        (app, user)
    };
    let Some(user) = user else {
        return refusal(-207, "User is invalid");
    };
    if text.is_empty() {
        return refusal(-210, "Message text is empty");
    }
    let message_id = numeric_id();
    sim.state().oa_messages.push(SimOaMessage {
        app_id: app,
        follower_id: follower.clone(),
        kind: kind.to_owned(),
        text,
        button_url,
        message_id: message_id.clone(),
    });
    // Delivered a moment later, as Zalo reports it.
    let (id, sim) = (message_id.clone(), sim.clone());
    tokio::spawn(async move {
        let _ = deliver(&sim, &user, "user_received_message", Some(&id), None, 1, false).await;
    });
    axum::Json(json!({ "error": 0, "message": "Success", "data": { "message_id": message_id, "user_id": follower } }))
        .into_response()
}

async fn sent(State(sim): State<Sim>) -> axum::Json<Vec<SimOaMessage>> {
    axum::Json(sim.state().oa_messages.clone())
}

#[derive(Deserialize)]
struct Mode {
    mode: String,
}

async fn set_mode(State(sim): State<Sim>, Json(m): Json<Mode>) -> axum::http::StatusCode {
    sim.state().oa_token_expired = m.mode == "token_expired";
    axum::http::StatusCode::NO_CONTENT
}
