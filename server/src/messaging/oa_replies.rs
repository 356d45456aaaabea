//! Replying to a follower through the OA from the console's profile page: a consultation message, allowed only
//! in the 48-hour window after the person last wrote to the OA and at most eight times in it (`SUPERAPP.md` §2;
//! both numbers are Zalo's rules of the moment). The reply is reserved in a transaction that holds the follower's
//! row, so two admins replying at once cannot pass eight; Zalo is called after, outside any transaction; the
//! OA's delivery and read receipts then move it to delivered and seen.

use app::api::{ErrorBody, ErrorCode, NewOaReply, OaReply, OaReplyStatus, OaThread};
use axum::{extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::oa_tokens;
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{new_id, rfc3339},
    error::{Error, Json, Result},
    profiles,
    superapp::oa_send::OaRefusal,
};

/// The reply window after the person last wrote: 48 hours.
pub const WINDOW_MS: i64 = 48 * 60 * 60 * 1000;
/// Replies allowed in a window.
pub const REPLIES_PER_WINDOW: i64 = 8;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(thread, reply))
}

#[derive(sqlx::FromRow)]
struct Follower {
    follower_id: String,
    last_user_message_at: Option<i64>,
}

async fn follower_of(conn: &mut sqlx::AnyConnection, brand_id: &str, profile_id: &str) -> Result<Option<Follower>> {
    Ok(sqlx::query_as(
        "SELECT follower_id, last_user_message_at FROM oa_followers WHERE brand_id = $1 AND profile_id = $2 \
         ORDER BY COALESCE(last_user_message_at, 0) DESC LIMIT 1",
    )
    .bind(brand_id)
    .bind(profile_id)
    .fetch_optional(&mut *conn)
    .await?)
}

async fn used_in_window(conn: &mut sqlx::AnyConnection, brand_id: &str, follower: &Follower) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM oa_messages WHERE brand_id = $1 AND follower_id = $2 AND created_at >= $3 \
         AND status <> 'failed'",
    )
    .bind(brand_id)
    .bind(&follower.follower_id)
    .bind(follower.last_user_message_at.unwrap_or(i64::MAX))
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    text: String,
    status: String,
    error: Option<String>,
    created_at: i64,
}

fn to_api(r: Row) -> OaReply {
    OaReply {
        id: r.id,
        text: r.text,
        status: match r.status.as_str() {
            "delivered" => OaReplyStatus::Delivered,
            "seen" => OaReplyStatus::Seen,
            "failed" => OaReplyStatus::Failed,
            "sending" => OaReplyStatus::Sending,
            _ => OaReplyStatus::Sent,
        },
        error: r.error,
        sent_at: rfc3339(r.created_at),
    }
}

async fn build(state: &AppState, brand_id: &str, profile_id: &str) -> Result<OaThread> {
    let mut conn = state.db.read().acquire().await?;
    let now = state.clock.now_ms();
    let follower = follower_of(&mut conn, brand_id, profile_id).await?;
    let (window_until, replies_left) = match &follower {
        Some(f) => match f.last_user_message_at {
            Some(at) if now < at.saturating_add(WINDOW_MS) => {
                let used = used_in_window(&mut conn, brand_id, f).await?;
                (
                    Some(rfc3339(at.saturating_add(WINDOW_MS))),
                    (REPLIES_PER_WINDOW - used).max(0),
                )
            }
            _ => (None, 0),
        },
        None => (None, 0),
    };
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, text, status, error, created_at FROM oa_messages WHERE brand_id = $1 AND profile_id = $2 \
         ORDER BY created_at DESC, id DESC LIMIT 50",
    )
    .bind(brand_id)
    .bind(profile_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(OaThread {
        follower: follower.is_some(),
        window_until,
        replies_left,
        replies: rows.into_iter().map(to_api).collect(),
    })
}

/// The person's OA thread: whether they are reachable there, until when a reply is allowed and how many are
/// left, and the replies sent (newest first, the last 50).
#[utoipa::path(
    get,
    path = "/api/v1/admin/customers/{id}/oa-replies",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Profile id")),
    responses((status = 200, body = OaThread), (status = 404, description = "`unknown_profile`", body = ErrorBody))
)]
async fn thread(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<OaThread>> {
    let profile = profiles::live_id(&state.db, &claims.brand, &id)
        .await?
        .ok_or_else(profiles::unknown_profile)?;
    Ok(Json(build(&state, &claims.brand, &profile).await?))
}

fn bad_text() -> Error {
    Error::unprocessable(ErrorCode::InvalidOaReply, "A reply is 1 to 2,000 characters of text.")
}

/// Replies to the person through the OA (a consultation message), within the window and its eight replies.
#[utoipa::path(
    post,
    path = "/api/v1/admin/customers/{id}/oa-replies",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Profile id")),
    request_body = NewOaReply,
    responses(
        (status = 201, body = OaThread),
        (status = 404, description = "`unknown_profile`", body = ErrorBody),
        (status = 409, description = "`not_an_oa_follower`, `oa_reply_window_closed`, `oa_reply_quota_used`, `oa_not_connected`", body = ErrorBody),
        (status = 422, description = "`invalid_oa_reply`", body = ErrorBody),
        (status = 502, description = "`oa_message_refused`", body = ErrorBody),
    )
)]
async fn reply(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(body): Json<NewOaReply>,
) -> Result<(StatusCode, Json<OaThread>)> {
    let text = body.text.trim().to_owned();
    if text.is_empty() || text.chars().count() > 2000 || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(bad_text());
    }
    let brand_id = claims.brand.clone();
    let profile = profiles::live_id(&state.db, &brand_id, &id)
        .await?
        .ok_or_else(profiles::unknown_profile)?;
    let now = state.clock.now_ms();
    let Some(token) = oa_tokens::access_token(&state.db, &state.sealer, &brand_id, now).await? else {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::OaNotConnected,
            "The brand's Zalo OA is not connected (or Zalo refused its token).",
        ));
    };
    let message_id = new_id();
    let (reserved_id, by) = (message_id.clone(), claims.sub.clone());
    let (b, p, t) = (brand_id.clone(), profile.clone(), text.clone());
    let follower_id = state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                // Holds the follower's row (PostgreSQL) so replies racing for the last of the eight queue here.
                sqlx::query("UPDATE oa_followers SET updated_at = updated_at WHERE brand_id = $1 AND profile_id = $2")
                    .bind(&b)
                    .bind(&p)
                    .execute(&mut *conn)
                    .await?;
                let Some(follower) = follower_of(conn, &b, &p).await? else {
                    return Err(Error::new(
                        StatusCode::CONFLICT,
                        ErrorCode::NotAnOaFollower,
                        "This person has not followed or written to the brand's OA.",
                    ));
                };
                if follower
                    .last_user_message_at
                    .is_none_or(|at| now >= at.saturating_add(WINDOW_MS))
                {
                    return Err(Error::new(
                        StatusCode::CONFLICT,
                        ErrorCode::OaReplyWindowClosed,
                        "A reply is allowed only within 48 hours after the person last wrote to the OA.",
                    ));
                }
                if used_in_window(conn, &b, &follower).await? >= REPLIES_PER_WINDOW {
                    return Err(Error::new(
                        StatusCode::CONFLICT,
                        ErrorCode::OaReplyQuotaUsed,
                        "The eight replies of this window are used; wait for the person to write again.",
                    ));
                }
                sqlx::query(
                    "INSERT INTO oa_messages (id, brand_id, profile_id, follower_id, kind, text, status, sent_by, \
                     created_at) VALUES ($1, $2, $3, $4, 'cs', $5, 'sending', $6, $7)",
                )
                .bind(&reserved_id)
                .bind(&b)
                .bind(&p)
                .bind(&follower.follower_id)
                .bind(&t)
                .bind(&by)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                Ok(follower.follower_id)
            })
        })
        .await?;
    let sent = state.superapps.send_oa_text(&token, &follower_id, &text).await;
    let (status, zalo_id, error) = match &sent {
        Ok(Ok(zalo_id)) => ("sent", Some(zalo_id.clone()), None),
        Ok(Err(OaRefusal::Token(words))) => {
            oa_tokens::pause(&state.db, &brand_id, words, now).await?;
            ("failed", None, Some(words.clone()))
        }
        Ok(Err(OaRefusal::Unreachable(words) | OaRefusal::Other(words))) => ("failed", None, Some(words.clone())),
        // Zalo may or may not have it: kept as sent without an id, so it still counts against the window.
        Err(e) => ("sent", None, Some(e.to_string())),
    };
    sqlx::query("UPDATE oa_messages SET status = $1, zalo_message_id = $2, error = $3 WHERE id = $4")
        .bind(status)
        .bind(&zalo_id)
        .bind(&error)
        .bind(&message_id)
        .execute(state.db.write())
        .await?;
    if let Ok(Err(refusal)) = sent {
        let words = match refusal {
            OaRefusal::Token(w) | OaRefusal::Unreachable(w) | OaRefusal::Other(w) => w,
        };
        return Err(Error::new(
            StatusCode::BAD_GATEWAY,
            ErrorCode::OaMessageRefused,
            format!("Zalo did not take the reply ({words})."),
        ));
    }
    Ok((StatusCode::CREATED, Json(build(&state, &brand_id, &profile).await?)))
}

/// A delivery (`user_received_message`) or read (`user_seen_message`) receipt for our messages; how many moved.
pub(super) async fn receipt(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    message_ids: &[&str],
    seen: bool,
    at: i64,
) -> Result<u64> {
    let mut moved = 0;
    for id in message_ids.iter().take(100) {
        let sql = if seen {
            "UPDATE oa_messages SET status = 'seen', seen_at = $1 WHERE brand_id = $2 AND zalo_message_id = $3 \
             AND status IN ('sent', 'delivered')"
        } else {
            "UPDATE oa_messages SET status = 'delivered', delivered_at = $1 WHERE brand_id = $2 \
             AND zalo_message_id = $3 AND status = 'sent'"
        };
        moved += sqlx::query(sql)
            .bind(at)
            .bind(brand_id)
            .bind(*id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(moved)
}
