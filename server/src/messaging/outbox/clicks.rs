//! `GET /r/{token}`: every link and button of a message is the recipient's own tracked address. A click puts
//! `message_clicked` on their timeline (the first one; later ones are counted) and redirects to the message's
//! mini app screen: inside Zalo through the mini app's `zalo.me/s/{app}` address, elsewhere to the web app.
//!
//! `/r/{token}/unsubscribe` is an e-mail's `List-Unsubscribe`: a `POST` (the mail app's one click, RFC 8058, or
//! the page's button) withdraws the person's marketing e-mail consent; a `GET` only shows that page, since link
//! checkers open every address in an e-mail.

use app::api::ErrorCode;
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::json;

use crate::error::Path;
use crate::{
    AppState,
    brands::Brand,
    campaigns,
    error::Result,
    events::{self, Campaign, NewEvent},
    privacy::consent,
    profiles,
};
use app::api::ConsentChange;

/// `GET /r/{token}`, outside the API, as the messages carry it.
pub fn redirect_router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/r/{token}", get(follow))
        .route("/r/{token}/unsubscribe", get(unsubscribe_page).post(unsubscribe))
}

/// What a person sees for a link that names no send: a page in their words, not the API's error.
fn gone() -> Response {
    let mut page = page(
        "Liên kết không còn dùng được",
        &format!(
            "<h1 style=\"font-size:1.3rem\">{}</h1><p lang=\"en\" style=\"color:#6b7280\">{}</p>",
            ErrorCode::UnknownMessageLink.text().0,
            ErrorCode::UnknownMessageLink.text().1,
        ),
    );
    *page.status_mut() = StatusCode::NOT_FOUND;
    page
}

/// The send a token names: (brand, profile, the brand's name).
async fn send_of(state: &AppState, token: &str) -> Result<Option<(String, String, String)>> {
    let token = token.trim();
    let found: Option<(String, String, String)> = if token.is_empty() || token.len() > 64 {
        None
    } else {
        sqlx::query_as(
            "SELECT s.brand_id, s.profile_id, b.name FROM message_sends s JOIN brands b ON b.id = s.brand_id \
             WHERE s.token = $1",
        )
        .bind(token)
        .fetch_optional(state.db.read())
        .await?
    };
    Ok(found)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <body style=\"font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;\
         color:#1f2937\">{body}</body></html>"
    );
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        html,
    )
        .into_response()
}

async fn unsubscribe_page(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response> {
    let Some((_, _, brand)) = send_of(&state, &token).await? else {
        return Ok(gone());
    };
    let brand = escape(&brand);
    Ok(page(
        "Ngừng nhận e-mail",
        &format!(
            "<h1 style=\"font-size:1.3rem\">Ngừng nhận e-mail từ {brand}?</h1>\
             <p>Bạn sẽ không nhận e-mail quảng cáo từ {brand} nữa. Bạn có thể bật lại trong mục Dữ liệu của tôi \
             trên mini app.</p><p lang=\"en\" style=\"color:#6b7280\">Stop marketing e-mails from {brand}? \
             You can turn them back on under My data in the mini app.</p>\
             <form method=\"post\"><button type=\"submit\" style=\"font:600 16px system-ui,sans-serif;\
             padding:12px 20px;border:0;border-radius:8px;background:#0068ff;color:#fff\">\
             Ngừng nhận / Unsubscribe</button></form>"
        ),
    ))
}

async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response> {
    let Some((brand_id, profile_id, brand)) = send_of(&state, &token).await? else {
        return Ok(gone());
    };
    if let Some(profile) = profiles::live_id(&state.db, &brand_id, &profile_id).await? {
        state
            .db
            .transact(move |conn| {
                Box::pin(async move {
                    if consent::has_granted(conn, &profile, "marketing_email").await? {
                        let change = ConsentChange {
                            granted: false,
                            wording_version: "email_unsubscribe".to_owned(),
                            source: Some("email".to_owned()),
                        };
                        consent::record_consent(conn, &brand_id, &profile, "marketing_email", &change, "email").await?;
                    }
                    Ok(())
                })
            })
            .await?;
    }
    let brand = escape(&brand);
    Ok(page(
        "Đã ngừng nhận e-mail",
        &format!(
            "<h1 style=\"font-size:1.3rem\">Đã ngừng nhận e-mail</h1>\
             <p>{brand} sẽ không gửi e-mail quảng cáo cho bạn nữa.</p>\
             <p lang=\"en\" style=\"color:#6b7280\">{brand} will send you no more marketing e-mails.</p>"
        ),
    ))
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
    campaign_id: Option<String>,
}

async fn follow(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Result<Response> {
    let token = token.trim().to_owned();
    let found: Option<Send> = if token.is_empty() || token.len() > 64 {
        None
    } else {
        sqlx::query_as(
            "SELECT s.message_id, s.profile_id, s.brand_id, s.channel, s.clicked_at, m.content, m.name, m.campaign_id \
             FROM message_sends s JOIN campaign_messages m ON m.id = s.message_id WHERE s.token = $1",
        )
        .bind(&token)
        .fetch_optional(state.db.read())
        .await?
    };
    let Some(send) = found else {
        return Ok(gone());
    };
    let now = state.clock.now_ms();
    let person = profiles::live_id(&state.db, &send.brand_id, &send.profile_id).await?;
    let (t, first) = (token.clone(), send.clicked_at.is_none());
    let (brand, message_id, channel, name, campaign) = (
        send.brand_id.clone(),
        send.message_id.clone(),
        send.channel.clone(),
        send.name.clone(),
        send.campaign_id.clone(),
    );
    let click_headers = headers.clone();
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
                    let properties = json!({ "message_id": message_id, "channel": channel });
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
                    // The message's campaign, if it has one, gets the click as a touch of the person's.
                    if let Some(campaign) = &campaign {
                        let channel = channel.as_deref().unwrap_or("message");
                        campaigns::message_touch(conn, &brand, campaign, &profile, channel, &click_headers, now)
                            .await?;
                    }
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
