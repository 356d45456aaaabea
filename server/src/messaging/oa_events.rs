//! Processing a stored OA webhook delivery, on a worker (`messaging.oa_event`), in one transaction that also
//! marks it processed with its outcome, so a delivery is processed once however often it arrives or the job runs.
//! `follow`/`unfollow` tie or untie the follower ([`super::followers`]); `user_send_*` opens the reply window;
//! `user_withdraw` withdraws marketing consent; delivery and read receipts (`user_received_message`,
//! `user_seen_message`) move the OA messages they name to delivered and seen (`no_matching_message` when none
//! is ours, as for ZNS deliveries until ZNS sending exists).

use serde::Deserialize;
use serde_json::Value;

use super::followers::{self, Seen};
use crate::{clock::Clock, db::Db, error::Result, jobs::Registry, superapp::oa::is_follower_id};

/// The job kind processing one stored delivery.
pub const PROCESS: &str = "messaging.oa_event";

#[derive(Deserialize)]
struct Payload {
    id: String,
}

fn text_at<'a>(event: &'a Value, pointer: &str) -> Option<&'a str> {
    event.pointer(pointer).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// What one delivery does, inside the transaction; its outcome.
async fn apply(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    id: &str,
    body: &str,
    received_at: i64,
) -> Result<&'static str> {
    let Ok(event) = serde_json::from_str::<Value>(body) else {
        return Ok("unreadable");
    };
    let name = text_at(&event, "/event_name").unwrap_or_default();
    let at = text_at(&event, "/timestamp")
        .and_then(|t| t.parse::<i64>().ok())
        .or_else(|| event.get("timestamp").and_then(Value::as_i64))
        .unwrap_or(received_at);
    let app_user = text_at(&event, "/user_id_by_app");
    // Ids reach the store only in the shape Zalo gives them.
    let app_user = app_user.filter(|u| is_follower_id(u));
    let seen = |follower| Seen {
        brand_id,
        follower_id: follower,
        user_id_by_app: app_user,
        at,
        key: id,
    };
    match name {
        "follow" | "unfollow" => {
            let Some(follower) = text_at(&event, "/follower/id").filter(|f| is_follower_id(f)) else {
                return Ok("no_follower_id");
            };
            if name == "follow" {
                followers::followed(conn, &seen(follower)).await
            } else {
                followers::unfollowed(conn, &seen(follower)).await
            }
        }
        n if n.starts_with("user_send_") => {
            let Some(follower) = text_at(&event, "/sender/id").filter(|f| is_follower_id(f)) else {
                return Ok("no_sender_id");
            };
            let msg_id = text_at(&event, "/message/msg_id")
                .filter(|m| is_follower_id(m))
                .unwrap_or_default();
            followers::messaged(conn, &seen(follower), msg_id).await
        }
        "user_withdraw" => {
            let Some(follower) = text_at(&event, "/user_id")
                .or_else(|| text_at(&event, "/follower/id"))
                .filter(|f| is_follower_id(f))
            else {
                return Ok("no_user_id");
            };
            followers::withdrew(conn, &seen(follower)).await
        }
        "user_received_message" | "user_seen_message" => {
            let ids: Vec<&str> = event
                .pointer("/message/msg_ids")
                .and_then(Value::as_array)
                .map(|ids| ids.iter().filter_map(Value::as_str).collect())
                .or_else(|| text_at(&event, "/message/msg_id").map(|id| vec![id]))
                .unwrap_or_default();
            let seen = name == "user_seen_message";
            let replies = super::oa_replies::receipt(conn, brand_id, &ids, seen, at).await?;
            let sends = super::outbox::receipt(conn, brand_id, &ids, seen, at).await?;
            match replies + sends {
                0 => Ok("no_matching_message"),
                _ if seen => Ok("seen"),
                _ => Ok("delivered"),
            }
        }
        _ => Ok("not_used"),
    }
}

/// Registers [`PROCESS`].
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (db, clock) = (db.clone(), clock.clone());
    registry.handle(PROCESS, move |job| {
        let (db, clock) = (db.clone(), clock.clone());
        async move {
            let Payload { id } = job.payload()?;
            let now = clock.now_ms();
            let outcome = db
                .transact(move |conn| {
                    Box::pin(async move {
                        let row: Option<(String, String, i64, Option<i64>)> = sqlx::query_as(
                            "SELECT brand_id, body, received_at, processed_at FROM oa_webhook_events WHERE id = $1",
                        )
                        .bind(&id)
                        .fetch_optional(&mut *conn)
                        .await?;
                        let Some((brand_id, body, received_at, None)) = row else {
                            return Ok("already_processed");
                        };
                        let outcome = apply(conn, &brand_id, &id, &body, received_at).await?;
                        sqlx::query("UPDATE oa_webhook_events SET processed_at = $1, outcome = $2 WHERE id = $3")
                            .bind(now)
                            .bind(outcome)
                            .bind(&id)
                            .execute(&mut *conn)
                            .await?;
                        Ok(outcome)
                    })
                })
                .await?;
            tracing::info!(outcome, "Zalo OA event processed");
            Ok(())
        }
    });
}
