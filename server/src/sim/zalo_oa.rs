//! The simulated Zalo OA's webhook (`SUPERAPP.md` §3): a simulated user follows, unfollows, writes to the OA or
//! asks to withdraw, and the OA posts the delivery to the brand's Webhook URL, signed with
//! `X-ZEvent-Signature: mac=SHA-256(app_id + body + timestamp + OA secret key)`, ids as strings, the timestamp in
//! epoch ms as a string. `POST /__sim/zalo/users/{id}/oa` with `{"event": "follow" | "unfollow" |
//! "user_send_text" | "user_seen_message" | "user_withdraw", "text"?, "msg_id"?, "repeat"?, "tamper"?}`; `repeat` sends the same delivery again
//! with `num_retry` (Zalo's Webhook Retry), `tamper` changes the body after signing.

use app::api::ErrorCode;
use axum::{Router, extract::State, routing::post};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Sim, SimUser, numeric_id};
use crate::error::Path;
use crate::{
    error::{Error, Json},
    superapp::oa::{SIGNATURE_HEADER, oa_event_signature},
};

pub(super) fn routes() -> Router<Sim> {
    Router::new().route("/zalo/users/{id}/oa", post(act))
}

#[derive(Deserialize)]
struct Act {
    event: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    repeat: Option<u8>,
    #[serde(default)]
    tamper: bool,
    /// For `user_seen_message`: the OA message read.
    #[serde(default)]
    msg_id: Option<String>,
}

async fn act(State(sim): State<Sim>, Path(id): Path<String>, Json(act): Json<Act>) -> Result<Json<Value>, Error> {
    let user = {
        let mut state = sim.state();
        let Some(user) = state.zalo_users.iter_mut().find(|u| u.id == id) else {
            return Err(Error::not_found(
                ErrorCode::UnknownUser,
                "The simulator has no such Zalo user.",
            ));
        };
        match act.event.as_str() {
            "follow" => {
                user.following = true;
                if user.follower_id.is_none() {
                    user.follower_id = Some(numeric_id());
                }
            }
            "unfollow" => user.following = false,
            "user_send_text" | "user_withdraw" | "user_seen_message" if user.follower_id.is_none() => {
                // Writing to an OA gives the user an id there, following or not.
                user.follower_id = Some(numeric_id());
            }
            "user_send_text" | "user_withdraw" | "user_seen_message" => {}
            _ => {
                return Err(Error::unprocessable(
                    ErrorCode::InvalidBody,
                    "event is follow, unfollow, user_send_text, user_seen_message or user_withdraw.",
                ));
            }
        }
        user.clone()
    };
    let repeat = act.repeat.unwrap_or(1).clamp(1, 20);
    let extra = match act.event.as_str() {
        "user_seen_message" => act.msg_id.clone(),
        _ => act.text.clone(),
    };
    let statuses = deliver(
        &sim,
        &user,
        &act.event,
        extra.as_deref(),
        act.text.as_deref(),
        repeat,
        act.tamper,
    )
    .await?;
    Ok(Json(json!({ "follower_id": user.follower_id, "statuses": statuses })))
}

/// Posts one delivery about `user` to their app's OA webhook, signed, `repeat` times (the later ones with
/// `num_retry`); `tamper` changes the body after signing. The HTTP statuses the server answered.
pub(super) async fn deliver(
    sim: &Sim,
    user: &SimUser,
    event_name: &str,
    msg_id: Option<&str>,
    text: Option<&str>,
    repeat: u8,
    tamper: bool,
) -> Result<Vec<u16>, Error> {
    let url = sim.state().zalo_oa_webhook_urls.get(&user.app).cloned();
    let app = sim.config.zalo_apps.iter().find(|a| a.app_id == user.app);
    let (Some((oa_id, key)), Some(url)) = (app.and_then(|a| a.oa.clone()), url) else {
        return Err(Error::unprocessable(
            ErrorCode::NoApp,
            "The user's app has no OA with a webhook.",
        ));
    };
    let follower = user.follower_id.clone().unwrap_or_default();
    let timestamp = sim.now_ms().to_string();
    let event = match event_name {
        "follow" | "unfollow" => json!({
            "oa_id": oa_id, "follower": { "id": follower }, "user_id_by_app": user.id,
            "event_name": event_name, "source": "oa_profile", "app_id": user.app, "timestamp": timestamp,
        }),
        "user_send_text" => json!({
            "app_id": user.app, "user_id_by_app": user.id, "event_name": "user_send_text",
            "sender": { "id": follower }, "recipient": { "id": oa_id },
            "message": { "msg_id": numeric_id(), "text": text.unwrap_or("Xin chào") },
            "timestamp": timestamp,
        }),
        // Receipts: here the sender is the OA and the recipient the user.
        "user_received_message" | "user_seen_message" => json!({
            "app_id": user.app, "user_id_by_app": user.id, "event_name": event_name,
            "sender": { "id": oa_id }, "recipient": { "id": follower },
            "message": { "msg_ids": [msg_id.unwrap_or_default()] }, "timestamp": timestamp,
        }),
        _ => json!({
            "app_id": user.app, "user_id": follower, "user_id_by_app": user.id, "event_name": "user_withdraw",
            "oa_id": oa_id, "timestamp": timestamp,
        }),
    };
    post_signed(
        sim,
        &user.app,
        &url,
        key.expose_secret(),
        event,
        "OA OpenAPI",
        Some(&follower),
        repeat,
        tamper,
    )
    .await
}

/// A ZNS delivery notice (`SUPERAPP.md` §3): `user_received_message` from the `ZNS` server, the recipient the
/// phone, the message its `msg_id`, our `tracking_id` and the delivery time.
pub(super) async fn deliver_zns(
    sim: &Sim,
    app_id: &str,
    phone: &str,
    msg_id: &str,
    tracking_id: &str,
) -> Result<Vec<u16>, Error> {
    let url = sim.state().zalo_oa_webhook_urls.get(app_id).cloned();
    let app = sim.config.zalo_apps.iter().find(|a| a.app_id == app_id);
    let (Some((oa_id, key)), Some(url)) = (app.and_then(|a| a.oa.clone()), url) else {
        return Err(Error::unprocessable(
            ErrorCode::NoApp,
            "The app has no OA with a webhook.",
        ));
    };
    let timestamp = sim.now_ms().to_string();
    let event = json!({
        "app_id": app_id, "event_name": "user_received_message",
        "sender": { "id": oa_id }, "recipient": { "id": phone },
        "message": { "msg_id": msg_id, "tracking_id": tracking_id, "delivery_time": timestamp },
        "timestamp": timestamp,
    });
    post_signed(sim, app_id, &url, key.expose_secret(), event, "ZNS", None, 1, false).await
}

/// Signs `event` as the OA does and posts it `repeat` times; `tamper` changes `follower` in the body after
/// signing.
#[allow(clippy::too_many_arguments)]
async fn post_signed(
    _sim: &Sim,
    app_id: &str,
    url: &str,
    key: &str,
    event: Value,
    server: &str,
    follower: Option<&str>,
    repeat: u8,
    tamper: bool,
) -> Result<Vec<u16>, Error> {
    let timestamp = event
        .get("timestamp")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let body = event.to_string();
    let signature = oa_event_signature(app_id, body.as_bytes(), &timestamp, key);
    let sent = match (tamper, follower) {
        (true, Some(f)) => body.replace(f, "1000000000000000001"),
        _ => body,
    };
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for n in 0..repeat {
        let mut request = http
            .post(url)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, &signature)
            .header("x-zevent-server", server);
        if n > 0 {
            request = request.header("num_retry", n.to_string());
        }
        let status = match request.body(sent.clone()).send().await {
            Ok(r) => r.status().as_u16(),
            Err(_) => 0,
        };
        statuses.push(status);
    }
    Ok(statuses)
}
