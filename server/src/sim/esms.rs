//! The simulated eSMS.vn gateway: `POST /__sim/esms/MainService.svc/json/SendMultipleMessage_V4_post_json/`
//! with eSMS's JSON body. An account the simulator was not given is `"101"`; a brandname not the account's
//! `"104"`; a phone that is not a Vietnamese mobile `"108"`; a `RequestId` already taken `"124"` (nothing sent
//! twice); otherwise `"100"` with an `SMSID`. `GET /__sim/esms/messages` lists what was sent.

use std::collections::HashMap;

use app::domain::Phone;
use axum::{
    Router,
    extract::State,
    routing::{get, post},
};
use serde_json::{Value, json};

use super::{Sim, numeric_id};
use crate::error::Json;

pub(super) fn routes() -> Router<Sim> {
    Router::new()
        .route(
            "/esms/MainService.svc/json/SendMultipleMessage_V4_post_json/",
            post(send),
        )
        .route("/esms/messages", get(sent))
}

/// An SMS the simulator took.
#[derive(Debug, Clone, serde::Serialize)]
pub(super) struct SimSms {
    pub phone: String,
    pub brandname: String,
    pub content: String,
    pub request_id: String,
    pub sms_id: String,
}

/// eSMS accounts the simulator takes: API key → (secret key, brandname).
pub(super) type Accounts = HashMap<String, (String, String)>;

impl Sim {
    /// Opens an eSMS account in the simulator (what a brand gets when it signs up with eSMS).
    pub fn open_esms_account(&self, api_key: &str, secret_key: &str, brandname: &str) {
        self.state()
            .esms_accounts
            .insert(api_key.to_owned(), (secret_key.to_owned(), brandname.to_owned()));
    }
}

fn answer(code: &str, message: &str, sms_id: &str) -> axum::Json<Value> {
    axum::Json(json!({ "CodeResult": code, "CountRegenerate": 0, "SMSID": sms_id, "ErrorMessage": message }))
}

async fn send(State(sim): State<Sim>, Json(body): Json<Value>) -> axum::Json<Value> {
    let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    let (key, secret, brandname) = (text("ApiKey"), text("SecretKey"), text("Brandname"));
    let (phone, content, request_id) = (text("Phone"), text("Content"), text("RequestId"));
    let mut state = sim.state();
    match state.esms_accounts.get(&key) {
        Some((s, _)) if *s != secret => return answer("101", "Authorize Failed", ""),
        None => return answer("101", "Authorize Failed", ""),
        Some((_, b)) if *b != brandname => return answer("104", "Brandname is not registered", ""),
        Some(_) => {}
    }
    let Ok(phone) = Phone::parse(&phone) else {
        return answer("108", "Phone number is invalid", "");
    };
    if content.is_empty() {
        return answer("118", "Content is empty", "");
    }
    if !request_id.is_empty() && !state.sms_request_ids.insert(request_id.clone()) {
        return answer("124", "RequestId is duplicated", "");
    }
    let sms_id = numeric_id();
    state.sms_messages.push(SimSms {
        phone: phone.as_str().to_owned(),
        brandname,
        content,
        request_id,
        sms_id: sms_id.clone(),
    });
    answer("100", "", &sms_id)
}

async fn sent(State(sim): State<Sim>) -> axum::Json<Vec<SimSms>> {
    axum::Json(sim.state().sms_messages.clone())
}
