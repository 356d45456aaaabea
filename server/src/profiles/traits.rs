//! Computed traits, derived from the interaction log on read so they are always current and ingest pays
//! nothing for them (PostgreSQL's SUM of BIGINT is NUMERIC, hence the cast); the indexes on `(profile_id, occurred_at)` keep each aggregate to one profile's events.

use app::api::{Consent, Traits};

use crate::{
    db::{Db, rfc3339},
    error::Result,
};

#[derive(Debug, sqlx::FromRow)]
struct Aggregates {
    first_seen: Option<i64>,
    last_seen: Option<i64>,
    sessions: i64,
    orders: i64,
    spent: i64,
    last_order: Option<i64>,
    check_ins: i64,
    last_check_in: Option<i64>,
}

/// The traits of a live profile, given its current consents.
pub async fn traits(db: &Db, profile_id: &str, consents: &[Consent]) -> Result<Traits> {
    let a: Aggregates = sqlx::query_as(
        "SELECT MIN(occurred_at) AS first_seen, MAX(occurred_at) AS last_seen, \
         COALESCE(SUM(CASE WHEN type = 'session_started' THEN 1 ELSE 0 END), 0) AS sessions, \
         COALESCE(SUM(CASE WHEN type IN ('order_paid', 'offline_purchase') THEN 1 ELSE 0 END), 0) AS orders, \
         CAST(COALESCE(SUM(CASE WHEN type IN ('order_paid', 'offline_purchase') THEN COALESCE(value_vnd, 0) ELSE 0 END), 0) AS BIGINT) AS spent, \
         MAX(CASE WHEN type IN ('order_paid', 'offline_purchase') THEN occurred_at END) AS last_order, \
         COALESCE(SUM(CASE WHEN type = 'checked_in' THEN 1 ELSE 0 END), 0) AS check_ins, \
         MAX(CASE WHEN type = 'checked_in' THEN occurred_at END) AS last_check_in \
         FROM events WHERE profile_id = $1",
    )
    .bind(profile_id)
    .fetch_one(db.read())
    .await?;
    let follow: Option<(String,)> = sqlx::query_as(
        "SELECT type FROM events WHERE profile_id = $1 AND type IN ('followed_oa', 'unfollowed_oa') \
         ORDER BY occurred_at DESC, id DESC LIMIT 1",
    )
    .bind(profile_id)
    .fetch_optional(db.read())
    .await?;
    let kinds: Vec<(String, i64)> = sqlx::query_as("SELECT kind, verified FROM identities WHERE profile_id = $1")
        .bind(profile_id)
        .fetch_all(db.read())
        .await?;
    let followed_oa = matches!(follow, Some((ref t,)) if t == "followed_oa");
    let has = |kind: &str| kinds.iter().any(|(k, _)| k == kind);
    let granted = |purpose: &str| consents.iter().any(|c| c.purpose == purpose && c.granted);
    let phone = kinds.iter().any(|(k, v)| k == "phone" && *v == 1);
    // The order is the delivery priority: Zalo OA first, then ZNS, e-mail, SMS.
    let reachable_channels = [
        (
            "zalo_oa",
            followed_oa && has("zalo_oa_follower_id") && granted("marketing_zalo"),
        ),
        ("zns", phone && granted("marketing_zns")),
        ("email", has("email") && granted("marketing_email")),
        ("sms", phone && granted("marketing_sms")),
    ]
    .into_iter()
    .filter(|(_, ok)| *ok)
    .map(|(c, _)| c.to_owned())
    .collect();
    Ok(Traits {
        first_seen_at: a.first_seen.map(rfc3339),
        last_seen_at: a.last_seen.map(rfc3339),
        sessions: a.sessions,
        orders: a.orders,
        total_spent_vnd: a.spent,
        average_order_vnd: if a.orders > 0 { a.spent / a.orders } else { 0 },
        last_order_at: a.last_order.map(rfc3339),
        check_ins: a.check_ins,
        last_check_in_at: a.last_check_in.map(rfc3339),
        followed_oa,
        reachable_channels,
    })
}
