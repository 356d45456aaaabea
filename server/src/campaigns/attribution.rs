//! Attribution, in the event's transaction: a store visit (`checked_in`), an offline purchase or a paid order goes
//! to the person's **last touch** whose campaign's window (counted back from the event) still holds it, and the
//! **first touch** within the windows is kept beside it. The event itself names the campaign (its `utm_campaign`,
//! unless the sender gave one), so the person's timeline shows it, and an `attributions` row keeps the event's attribution (and whether a purchase was the person's first in
//! the brand), counted at once into the report's rollup ([`super::rollup`]).

use sqlx::AnyConnection;

use super::rollup;

use crate::{
    error::Result,
    events::{
        self,
        reactors::{Reacting, SameTransaction},
    },
};

/// The event types attributed to campaigns.
pub const CONVERSIONS: &[&str] = &["checked_in", "offline_purchase", "order_paid"];

/// Whether `event_type` is a purchase (the rest of [`CONVERSIONS`] are visits).
pub fn is_purchase(event_type: &str) -> bool {
    event_type != "checked_in"
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The reactor the composition installs.
pub fn reactor() -> SameTransaction {
    SameTransaction {
        name: "campaigns.attribution",
        wants: |event_type| CONVERSIONS.contains(&event_type),
        run: |conn, event, _now| Box::pin(attribute(conn, event)),
    }
}

async fn attribute(conn: &mut AnyConnection, event: &Reacting<'_>) -> Result<()> {
    // The touches whose campaign's window still holds the event, oldest first (at most 90 days back).
    let touches: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT t.id, t.campaign_id, c.slug, t.channel, t.link_id FROM touches t \
         JOIN campaigns c ON c.id = t.campaign_id \
         WHERE t.profile_id = $1 AND t.brand_id = $2 AND t.touched_at <= $3 AND t.touched_at >= $4 \
         AND t.touched_at >= $3 - c.window_days * $5 ORDER BY t.touched_at, t.id",
    )
    .bind(event.profile_id)
    .bind(event.brand_id)
    .bind(event.occurred_at)
    .bind(event.occurred_at.saturating_sub(90 * DAY_MS))
    .bind(DAY_MS)
    .fetch_all(&mut *conn)
    .await?;
    let (Some(first), Some(last)) = (touches.first(), touches.last()) else {
        return Ok(());
    };
    let (properties,): (String,) = sqlx::query_as("SELECT properties FROM events WHERE id = $1")
        .bind(event.id)
        .fetch_one(&mut *conn)
        .await?;
    let store_id = serde_json::from_str::<serde_json::Value>(&properties)
        .ok()
        .and_then(|p| p.get("store_id").and_then(|s| s.as_str()).map(str::to_owned));
    // A purchase with no purchase before it in the brand makes a first-time buyer.
    let first_purchase = if is_purchase(event.event_type) {
        let (earlier,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE profile_id = $1 AND brand_id = $2 \
             AND type IN ('offline_purchase', 'order_paid') AND occurred_at <= $3 AND id <> $4 LIMIT 1) e",
        )
        .bind(event.profile_id)
        .bind(event.brand_id)
        .bind(event.occurred_at)
        .bind(event.id)
        .fetch_one(&mut *conn)
        .await?;
        earlier == 0
    } else {
        false
    };
    sqlx::query(
        "INSERT INTO attributions (event_id, brand_id, profile_id, event_type, occurred_at, value_vnd, store_id, \
         campaign_id, touch_id, first_campaign_id, first_touch_id, first_purchase) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(event.id)
    .bind(event.brand_id)
    .bind(event.profile_id)
    .bind(event.event_type)
    .bind(event.occurred_at)
    .bind(event.value_vnd)
    .bind(&store_id)
    .bind(&last.1)
    .bind(&last.0)
    .bind(&first.1)
    .bind(&first.0)
    .bind(i64::from(first_purchase))
    .execute(&mut *conn)
    .await?;
    rollup::converted(
        conn,
        &rollup::Conversion {
            campaign_id: &last.1,
            first_campaign_id: &first.1,
            profile_id: event.profile_id,
            at_ms: event.occurred_at,
            store_id: store_id.as_deref(),
            purchase: is_purchase(event.event_type),
            value_vnd: event.value_vnd.unwrap_or(0),
            first_purchase,
        },
    )
    .await?;
    events::name_campaign(
        conn,
        event.id,
        &events::Campaign {
            utm_source: Some(last.3.clone()),
            utm_medium: None,
            utm_campaign: Some(last.2.clone()),
            utm_content: None,
            link_id: last.4.clone(),
        },
    )
    .await
}
