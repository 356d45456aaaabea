//! The simulated ZNS (`SUPERAPP.md` §4): `POST /__sim/zalo/zns/message/template` with header `access_token` (an
//! OA token the simulated OAuth issued) and `{"phone","template_id","template_data","tracking_id"}`. A phone no
//! simulated Zalo user of the app has is `-118` ("Zalo account not existed"); a template id that is not a number
//! `-109`; a token it did not issue `-124`. A message taken is delivered: the OA posts a signed ZNS
//! `user_received_message` to the brand's webhook. `GET /__sim/zalo/zns/messages` lists what was sent.

use app::domain::Phone;
use axum::{
    Router,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};

use super::{Sim, numeric_id, zalo_oa::deliver_zns};
use crate::error::Json;

pub(super) fn routes() -> Router<Sim> {
    Router::new()
        .route("/zalo/zns/message/template", post(send))
        .route("/zalo/zns/messages", get(sent))
}

/// A ZNS message the simulator took.
#[derive(Debug, Clone, serde::Serialize)]
pub(super) struct SimZns {
    pub app_id: String,
    pub phone: String,
    pub template_id: String,
    pub template_data: Value,
    pub tracking_id: String,
    pub msg_id: String,
}

fn refusal(code: i64, message: &str) -> Response {
    axum::Json(json!({ "error": code, "message": message })).into_response()
}

async fn send(State(sim): State<Sim>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let token = headers
        .get("access_token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    let (phone, template_id, tracking_id) = (text("phone"), text("template_id"), text("tracking_id"));
    let Ok(phone) = Phone::parse(&phone) else {
        return refusal(-108, "Phone number is invalid");
    };
    if template_id.is_empty() || !template_id.bytes().all(|b| b.is_ascii_digit()) {
        return refusal(-109, "Template ID is invalid");
    }
    if tracking_id.len() > 48 {
        return refusal(-100, "tracking_id is too long");
    }
    let app = {
        let state = sim.state();
        if state.oa_token_expired {
            return refusal(-220, "Access token has expired");
        }
        let Some(app) = state.oa_access_tokens.get(token).cloned() else {
            return refusal(-124, "Access token is invalid");
        };
        if !state
            .zalo_users
            .iter()
            .any(|u| u.app == app && u.phone.as_ref().is_some_and(|p| p == &phone))
        {
            return refusal(-118, "Zalo account not existed");
        }
        app
    };
    let msg_id = numeric_id();
    sim.state().zns_messages.push(SimZns {
        app_id: app.clone(),
        phone: phone.as_str().to_owned(),
        template_id,
        template_data: body.get("template_data").cloned().unwrap_or_default(),
        tracking_id: tracking_id.clone(),
        msg_id: msg_id.clone(),
    });
    let (id, number) = (msg_id.clone(), phone.as_str().to_owned());
    tokio::spawn(async move {
        let _ = deliver_zns(&sim, &app, &number, &id, &tracking_id).await;
    });
    axum::Json(json!({ "error": 0, "message": "Success", "data": {
        "msg_id": msg_id, "sent_time": crate::db::now_ms().to_string(),
        "quota": { "dailyQuota": "500", "remainingQuota": "499" },
    } }))
    .into_response()
}

async fn sent(State(sim): State<Sim>) -> axum::Json<Vec<SimZns>> {
    axum::Json(sim.state().zns_messages.clone())
}
