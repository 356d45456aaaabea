//! `GET /r/{token}`: every link and button of a message is the recipient's own tracked address. A click puts
//! `message_clicked` on their timeline (the first one; later ones are counted) and redirects to the message's
//! mini app screen: inside Zalo through the mini app's `zalo.me/s/{app}` address, elsewhere to the web app.

use app::api::ErrorCode;
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::error::Path;
use crate::{
    AppState,
    brands::Brand,
    error::{Error, Result},
    events::{self, Campaign, NewEvent},
    profiles,
};

/// `GET /r/{token}`, outside the API, as the messages carry it.
pub fn redirect_router() -> axum::Router<AppState> {
    axum::Router::new().route("/r/{token}", get(follow))
}

#[derive(sqlx::FromRow)]
struct Send {
    message_id: String,
    profile_id: String,
    brand_id: String,
    channel: Option<String>,
    clicked_at: Option<i64>,
    content: String,
    name: String,
}

async fn follow(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Result<Response> {
    let token = token.trim().to_owned();
    let found: Option<Send> = if token.is_empty() || token.len() > 64 {
        None
    } else {
        sqlx::query_as(
            "SELECT s.message_id, s.profile_id, s.brand_id, s.channel, s.clicked_at, m.content, m.name \
             FROM message_sends s JOIN campaign_messages m ON m.id = s.message_id WHERE s.token = $1",
        )
        .bind(&token)
        .fetch_optional(state.db.read())
        .await?
    };
    let Some(send) = found else {
        return Err(Error::not_found(
            ErrorCode::UnknownMessageLink,
            "This link does not exist or has expired.",
        ));
    };
    let now = state.clock.now_ms();
    let person = profiles::live_id(&state.db, &send.brand_id, &send.profile_id).await?;
    let (t, first) = (token.clone(), send.clicked_at.is_none());
    let (brand, message_id, channel, name) = (
        send.brand_id.clone(),
        send.message_id.clone(),
        send.channel.clone(),
        send.name.clone(),
    );
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "UPDATE message_sends SET clicks = clicks + 1, clicked_at = COALESCE(clicked_at, $1) \
                     WHERE token = $2",
                )
                .bind(now)
                .bind(&t)
                .execute(&mut *conn)
                .await?;
                if let (true, Some(profile)) = (first, person) {
                    let properties = serde_json::json!({ "message_id": message_id, "channel": channel });
                    let key = format!("message_clicked:{t}");
                    events::record(
                        conn,
                        &brand,
                        &NewEvent {
                            profile_id: &profile,
                            event_type: "message_clicked",
                            occurred_at: now,
                            source: "server",
                            properties: &properties,
                            campaign: &Campaign {
                                utm_source: channel.clone(),
                                utm_medium: Some("message".into()),
                                utm_campaign: Some(name),
                                utm_content: None,
                                link_id: None,
                            },
                            idempotency_key: Some(&key),
                        },
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await?;
    let target = serde_json::from_str::<app::api::MessageContent>(&send.content)
        .map(|c| c.target)
        .unwrap_or_else(|_| "/".into());
    let in_zalo = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("Zalo"));
    let zalo_app = match in_zalo {
        true => Brand::by_id(&state.db, &send.brand_id)
            .await?
            .and_then(|b| b.zalo_app_id),
        false => None,
    };
    let to = match zalo_app {
        Some(app) => format!("https://zalo.me/s/{app}{target}"),
        None => format!("{}{}", state.config.base_path.trim_end_matches('/'), target),
    };
    Ok((
        StatusCode::FOUND,
        [(header::LOCATION, to), (header::CACHE_CONTROL, "no-store".to_owned())],
    )
        .into_response())
}
