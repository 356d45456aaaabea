//! Moving a merged-away profile's ledger onto the survivor.

use sqlx::AnyConnection;

use super::{lock, refresh_due};
use crate::{db::now_ms, error::Result};

/// Moves the ledger of a profile merged away onto the survivor, inside the merge's transaction: entries,
/// vouchers and the running totals; the survivor keeps the higher of the two tiers.
pub async fn merge_accounts(conn: &mut AnyConnection, brand_id: &str, from: &str, into: &str) -> Result<()> {
    let now = now_ms();
    let has_account: Option<(String,)> = sqlx::query_as("SELECT profile_id FROM points_accounts WHERE profile_id = $1")
        .bind(from)
        .fetch_optional(&mut *conn)
        .await?;
    // Both accounts are settled on their own lots first, so each running total stays whole while they join.
    let moved = match has_account {
        Some(_) => Some(lock(conn, brand_id, from, now).await?),
        None => None,
    };
    let survivor = match &moved {
        Some(_) => Some(lock(conn, brand_id, into, now).await?),
        None => None,
    };
    for sql in [
        "UPDATE points_entries SET profile_id = $1 WHERE profile_id = $2 AND brand_id = $3",
        "UPDATE vouchers SET profile_id = $1 WHERE profile_id = $2 AND brand_id = $3",
    ] {
        sqlx::query(sql)
            .bind(into)
            .bind(from)
            .bind(brand_id)
            .execute(&mut *conn)
            .await?;
    }
    let (Some(moved), Some(survivor)) = (moved, survivor) else {
        return Ok(());
    };
    let tier = crate::loyalty::tiers::higher(conn, survivor.tier_id.as_deref(), moved.tier_id.as_deref()).await?;
    let tier_until = if tier == survivor.tier_id {
        survivor.tier_until
    } else {
        moved.tier_until
    };
    sqlx::query(
        "UPDATE points_accounts SET balance = balance + $1, pending = pending + $2, tier_id = $3, tier_until = $4 \
         WHERE profile_id = $5",
    )
    .bind(moved.balance)
    .bind(moved.pending)
    .bind(tier)
    .bind(tier_until)
    .bind(into)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM points_accounts WHERE profile_id = $1")
        .bind(from)
        .execute(&mut *conn)
        .await?;
    refresh_due(conn, into).await?;
    Ok(())
}
