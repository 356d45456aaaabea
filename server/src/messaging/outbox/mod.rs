//! Re-engagement messages to a segment: written once with content per channel ([`compose`]), started at their
//! time ([`audience`]: the segment's people then become recipients, one row each), delivered once per person on
//! their first reachable, consenting channel within the caps and outside quiet hours ([`deliver`], through
//! [`channels`], with [`caps`]), followed by clicks ([`clicks`]) and receipts into a report ([`report`]), under the
//! brand's rules ([`settings`]). Owns `campaign_messages`, `message_sends`, `message_caps` and
//! `message_settings`.

pub mod audience;
pub mod caps;
pub mod channels;
pub mod clicks;
mod compose;
pub mod deliver;
pub mod report;
pub mod settings;

use utoipa_axum::router::OpenApiRouter;

use crate::{AppState, clock::Clock, db::Db, jobs::Registry};

pub use deliver::Senders;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(compose::router()).merge(settings::router())
}

/// Registers starting and delivering messages.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock, senders: Senders) {
    audience::register(registry, db, clock);
    deliver::register(registry, db, clock, senders);
}

/// A delivery (`received`) or read receipt for a message one of our sends carried: the send moves on, and a
/// read is `message_read` on the person's timeline. How many sends moved.
pub(super) async fn receipt(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    provider_ids: &[&str],
    seen: bool,
    at: i64,
) -> crate::error::Result<u64> {
    let mut moved = 0;
    for id in provider_ids.iter().take(100) {
        let sql = if seen {
            "UPDATE message_sends SET read_at = $1, delivered_at = COALESCE(delivered_at, $1) \
             WHERE brand_id = $2 AND provider_id = $3 AND status = 'sent' AND read_at IS NULL \
             RETURNING profile_id, message_id, channel"
        } else {
            "UPDATE message_sends SET delivered_at = $1 WHERE brand_id = $2 AND provider_id = $3 \
             AND status = 'sent' AND delivered_at IS NULL RETURNING profile_id, message_id, channel"
        };
        let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(sql)
            .bind(at)
            .bind(brand_id)
            .bind(*id)
            .fetch_all(&mut *conn)
            .await?;
        for (profile, message, channel) in rows {
            moved += 1;
            if seen {
                let properties = serde_json::json!({ "message_id": message, "channel": channel });
                let key = format!("message_read:{message}:{profile}");
                crate::events::append(
                    conn,
                    brand_id,
                    &crate::events::NewEvent {
                        profile_id: &profile,
                        event_type: "message_read",
                        occurred_at: at,
                        source: "server",
                        properties: &properties,
                        campaign: &crate::events::Campaign::default(),
                        idempotency_key: Some(&key),
                    },
                )
                .await?;
            }
        }
    }
    Ok(moved)
}
