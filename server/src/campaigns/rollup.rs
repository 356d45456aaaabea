//! The report's rollup, kept in the writer's transaction: `campaign_days` (clicks, visits, purchases, revenue and
//! first-touch conversions per campaign, Vietnam day and store) and `campaign_people` (what each person did in a
//! campaign on a day). A report then reads a row per day and store for its counts and a row per person and day for
//! its people, however many clicks and attributions lie under them. [`rebuild`] recomputes a campaign's rollup from
//! its touches and attributions (after a bulk load, or to check the incremental one).

use sqlx::AnyConnection;

use crate::error::Result;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Vietnam is UTC+7 all year.
const VN_OFFSET_MS: i64 = 7 * 60 * 60 * 1000;

/// The Vietnam day (days since 1970-01-01 in Asia/Ho_Chi_Minh) of an instant in epoch ms.
pub(super) fn day_of(at_ms: i64) -> i64 {
    at_ms.saturating_add(VN_OFFSET_MS).div_euclid(DAY_MS)
}

/// Adds to a campaign's day and store (`''`: no store).
async fn add_day(conn: &mut AnyConnection, campaign_id: &str, day: i64, store_id: &str, add: [i64; 5]) -> Result<()> {
    sqlx::query(
        "INSERT INTO campaign_days (campaign_id, day, store_id, clicks, visits, purchases, revenue_vnd, first_touches) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (campaign_id, day, store_id) DO UPDATE SET \
         clicks = campaign_days.clicks + excluded.clicks, visits = campaign_days.visits + excluded.visits, \
         purchases = campaign_days.purchases + excluded.purchases, \
         revenue_vnd = CASE WHEN campaign_days.revenue_vnd > 9223372036854775807 - excluded.revenue_vnd \
         THEN 9223372036854775807 ELSE campaign_days.revenue_vnd + excluded.revenue_vnd END, \
         first_touches = campaign_days.first_touches + excluded.first_touches",
    )
    .bind(campaign_id)
    .bind(day)
    .bind(store_id)
    .bind(add[0])
    .bind(add[1])
    .bind(add[2])
    .bind(add[3])
    .bind(add[4])
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What a person did on a day, as flags (0 or 1) kept at their highest.
#[derive(Debug, Clone, Copy, Default)]
struct Did {
    touched: i64,
    converted: i64,
    bought: i64,
    first_buy: i64,
}

const KEEP_HIGHEST: &str = "touched = CASE WHEN excluded.touched = 1 THEN 1 ELSE campaign_people.touched END, \
     converted = CASE WHEN excluded.converted = 1 THEN 1 ELSE campaign_people.converted END, \
     bought = CASE WHEN excluded.bought = 1 THEN 1 ELSE campaign_people.bought END, \
     first_buy = CASE WHEN excluded.first_buy = 1 THEN 1 ELSE campaign_people.first_buy END";

async fn add_person(conn: &mut AnyConnection, campaign_id: &str, profile_id: &str, day: i64, did: Did) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO campaign_people (campaign_id, profile_id, day, touched, converted, bought, first_buy) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (campaign_id, profile_id, day) DO UPDATE SET {KEEP_HIGHEST}"
    ))
    .bind(campaign_id)
    .bind(profile_id)
    .bind(day)
    .bind(did.touched)
    .bind(did.converted)
    .bind(did.bought)
    .bind(did.first_buy)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A click on one of the campaign's links, at `at_ms`.
pub(super) async fn clicked(conn: &mut AnyConnection, campaign_id: &str, at_ms: i64) -> Result<()> {
    add_day(conn, campaign_id, day_of(at_ms), "", [1, 0, 0, 0, 0]).await
}

/// A click made at `at_ms`, now tied to a person: they are a lead of the campaign on that day.
pub(super) async fn tied(conn: &mut AnyConnection, campaign_id: &str, profile_id: &str, at_ms: i64) -> Result<()> {
    let did = Did {
        touched: 1,
        ..Did::default()
    };
    add_person(conn, campaign_id, profile_id, day_of(at_ms), did).await
}

/// A visit or purchase attributed to `campaign_id` (last touch) and `first_campaign_id` (first touch).
pub(super) struct Conversion<'a> {
    pub campaign_id: &'a str,
    pub first_campaign_id: &'a str,
    pub profile_id: &'a str,
    pub at_ms: i64,
    pub store_id: Option<&'a str>,
    pub purchase: bool,
    pub value_vnd: i64,
    pub first_purchase: bool,
}

/// Counts a conversion for its day and store, and for its person.
pub(super) async fn converted(conn: &mut AnyConnection, c: &Conversion<'_>) -> Result<()> {
    let (day, store) = (day_of(c.at_ms), c.store_id.unwrap_or(""));
    let (visit, purchase, revenue) = match c.purchase {
        true => (0, 1, c.value_vnd.max(0)),
        false => (1, 0, 0),
    };
    let same = c.first_campaign_id == c.campaign_id;
    add_day(
        conn,
        c.campaign_id,
        day,
        store,
        [0, visit, purchase, revenue, i64::from(same)],
    )
    .await?;
    if !same {
        add_day(conn, c.first_campaign_id, day, store, [0, 0, 0, 0, 1]).await?;
    }
    let did = Did {
        touched: 0,
        converted: 1,
        bought: i64::from(c.purchase),
        first_buy: i64::from(c.first_purchase),
    };
    add_person(conn, c.campaign_id, c.profile_id, day, did).await
}

/// A duplicate profile merged into another: its days become the other's, flags combined.
pub(super) async fn merge(conn: &mut AnyConnection, from: &str, into: &str) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO campaign_people (campaign_id, profile_id, day, touched, converted, bought, first_buy) \
         SELECT campaign_id, $1, day, touched, converted, bought, first_buy FROM campaign_people \
         WHERE profile_id = $2 ON CONFLICT (campaign_id, profile_id, day) DO UPDATE SET {KEEP_HIGHEST}"
    ))
    .bind(into)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM campaign_people WHERE profile_id = $1")
        .bind(from)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Recomputes a campaign's rollup from its touches and attributions, inside the caller's transaction.
pub async fn rebuild(conn: &mut AnyConnection, campaign_id: &str) -> Result<()> {
    for table in ["campaign_days", "campaign_people"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE campaign_id = $1"))
            .bind(campaign_id)
            .execute(&mut *conn)
            .await?;
    }
    // Each branch names the campaign it counts for, so one statement covers last and first touches.
    sqlx::query(
        "INSERT INTO campaign_days (campaign_id, day, store_id, clicks, visits, purchases, revenue_vnd, first_touches) \
         SELECT $1, day, store_id, SUM(clicks), SUM(visits), SUM(purchases), SUM(revenue_vnd), SUM(first_touches) \
         FROM (SELECT (touched_at + $2) / $3 AS day, '' AS store_id, 1 AS clicks, 0 AS visits, 0 AS purchases, \
         0 AS revenue_vnd, 0 AS first_touches FROM touches WHERE campaign_id = $1 \
         UNION ALL SELECT (occurred_at + $2) / $3, COALESCE(store_id, ''), 0, \
         CASE WHEN event_type = 'checked_in' THEN 1 ELSE 0 END, CASE WHEN event_type = 'checked_in' THEN 0 ELSE 1 END, \
         CASE WHEN event_type = 'checked_in' THEN 0 ELSE COALESCE(value_vnd, 0) END, \
         CASE WHEN first_campaign_id = $1 THEN 1 ELSE 0 END FROM attributions WHERE campaign_id = $1 \
         UNION ALL SELECT (occurred_at + $2) / $3, COALESCE(store_id, ''), 0, 0, 0, 0, 1 FROM attributions \
         WHERE first_campaign_id = $1 AND campaign_id <> $1) r GROUP BY day, store_id",
    )
    .bind(campaign_id)
    .bind(VN_OFFSET_MS)
    .bind(DAY_MS)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO campaign_people (campaign_id, profile_id, day, touched, converted, bought, first_buy) \
         SELECT $1, profile_id, day, MAX(touched), MAX(converted), MAX(bought), MAX(first_buy) \
         FROM (SELECT profile_id, (touched_at + $2) / $3 AS day, 1 AS touched, 0 AS converted, 0 AS bought, \
         0 AS first_buy FROM touches WHERE campaign_id = $1 AND profile_id IS NOT NULL \
         UNION ALL SELECT profile_id, (occurred_at + $2) / $3, 0, 1, \
         CASE WHEN event_type = 'checked_in' THEN 0 ELSE 1 END, first_purchase FROM attributions \
         WHERE campaign_id = $1) r GROUP BY profile_id, day",
    )
    .bind(campaign_id)
    .bind(VN_OFFSET_MS)
    .bind(DAY_MS)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vietnam_day_starts_at_17_utc_the_day_before() {
        // 2026-12-02T17:00:00Z is 2026-12-03 00:00 in Ho Chi Minh City, day 20,790 since 1970-01-01.
        let midnight_vn = 1_796_230_800_000;
        assert_eq!(day_of(midnight_vn), 20_790);
        assert_eq!(day_of(midnight_vn - 1), 20_789);
        assert_eq!(day_of(midnight_vn + DAY_MS - 1), 20_790);
    }
}
