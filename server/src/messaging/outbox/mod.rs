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

/// The brand's messages a journey may send: drafts, and those already a journey's.
pub async fn journey_messages(db: &Db, brand_id: &str) -> crate::error::Result<std::collections::HashSet<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM campaign_messages WHERE brand_id = $1 AND status IN ('draft', 'journey')")
            .bind(brand_id)
            .fetch_all(db.read())
            .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Makes a draft a journey's message (in the caller's transaction): it is then never sent to its segment, only to
/// each person a journey brings to it. Whether it is (now) a journey's.
pub async fn hold_for_journey(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    message_id: &str,
    now: i64,
) -> crate::error::Result<bool> {
    sqlx::query(
        "UPDATE campaign_messages SET status = 'journey', updated_at = $3 \
         WHERE id = $1 AND brand_id = $2 AND status IN ('draft', 'journey')",
    )
    .bind(message_id)
    .bind(brand_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM campaign_messages WHERE id = $1 AND brand_id = $2 AND status = 'journey'")
            .bind(message_id)
            .bind(brand_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(n == 1)
}

/// A journey's message to one person, in the caller's transaction: their recipient row (keyed by message and
/// person, so a message reaches someone once) and its delivery job, which checks consent, channels, caps and
/// quiet hours as for any message. Whether a row was written (false: they had it already).
pub async fn send_to_one(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    message_id: &str,
    profile_id: &str,
    now: i64,
) -> crate::error::Result<bool> {
    let written = sqlx::query(
        "INSERT INTO message_sends (message_id, profile_id, brand_id, token, status, due_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'queued', $5, $5) ON CONFLICT (message_id, profile_id) DO NOTHING",
    )
    .bind(message_id)
    .bind(profile_id)
    .bind(brand_id)
    .bind(crate::crypto::random_token(16))
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if written == 1 {
        crate::jobs::enqueue(conn, &deliver::job(brand_id, message_id, 0, now), now).await?;
    }
    Ok(written == 1)
}

/// Whether a person read and clicked a message sent to them: (read, clicked).
pub async fn engagement(
    conn: &mut sqlx::AnyConnection,
    message_id: &str,
    profile_id: &str,
) -> crate::error::Result<(bool, bool)> {
    let row: Option<(Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT read_at, clicked_at FROM message_sends WHERE message_id = $1 AND profile_id = $2")
            .bind(message_id)
            .bind(profile_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map_or((false, false), |(read, clicked)| {
        (read.is_some() || clicked.is_some(), clicked.is_some())
    }))
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
