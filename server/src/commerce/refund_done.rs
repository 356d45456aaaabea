//! A refund the payment service did: in one transaction the order's refunded total and status, the points the
//! refunded part earned taken back, the voucher and the points that paid the order handed back on a full refund,
//! and `order_refunded` on the member's timeline. Settled once: a repeated answer changes nothing.

use serde_json::json;
use sqlx::AnyConnection;

use super::{orders::OrderRow, refunding::RefundRow};
use crate::{
    error::Result,
    events::{self, NewEvent},
    loyalty::ledger::{self, TakeBack},
};

/// Points to take back so that, after this refund, the order keeps the share of its points that the part still
/// paid earned: `earned × refunded ÷ total`, rounded down, less what earlier refunds took. Checked arithmetic.
pub(crate) fn points_owed(earned: i64, total_vnd: i64, refunded_after: i64, taken_before: i64) -> i64 {
    if earned <= 0 || total_vnd <= 0 {
        return 0;
    }
    let share = i128::from(earned) * i128::from(refunded_after.clamp(0, total_vnd)) / i128::from(total_vnd);
    let share = i64::try_from(share).unwrap_or(earned);
    share.saturating_sub(taken_before).max(0)
}

pub(super) async fn complete(
    conn: &mut AnyConnection,
    now: i64,
    order: &OrderRow,
    refund: &RefundRow,
    provider_id: Option<&str>,
) -> Result<()> {
    let moved = sqlx::query(
        "UPDATE order_refunds SET status = 'done', provider_refund_id = COALESCE($1, provider_refund_id), \
         failure = NULL, updated_at = $2 WHERE id = $3 AND status IN ('requested', 'processing')",
    )
    .bind(provider_id)
    .bind(now)
    .bind(&refund.id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved != 1 {
        return Ok(()); // settled before (a repeated answer)
    }
    let (refunded, total): (i64, i64) = sqlx::query_as(
        "UPDATE orders SET refunded_vnd = refunded_vnd + $1, updated_at = $2, \
         status = CASE WHEN refunded_vnd + $1 >= total_vnd THEN 'refunded' ELSE 'partly_refunded' END \
         WHERE id = $3 RETURNING refunded_vnd, total_vnd",
    )
    .bind(refund.amount_vnd)
    .bind(now)
    .bind(&order.id)
    .fetch_one(&mut *conn)
    .await?;

    // The points the refunded part earned.
    let entries: Vec<ledger::StoredEntry> = sqlx::query_as(
        "SELECT p.id, p.profile_id, p.kind, p.points, p.remaining, p.posted, p.available_at, p.source_kind, p.source_ref \
         FROM events e JOIN points_entries p ON p.source_kind = 'event' AND p.source_ref = e.id \
         WHERE e.brand_id = $1 AND e.idempotency_key = $2 AND p.kind = 'earn' AND p.points > 0 ORDER BY p.id",
    )
    .bind(&order.brand_id)
    .bind(format!("order_paid:{}", order.id))
    .fetch_all(&mut *conn)
    .await?;
    let earned = entries.iter().fold(0_i64, |sum, e| sum.saturating_add(e.points));
    let (taken_before,): (Option<i64>,) = sqlx::query_as(
        "SELECT CAST(SUM(points_reversed) AS BIGINT) FROM order_refunds WHERE order_id = $1 AND status = 'done' AND id <> $2",
    )
    .bind(&order.id)
    .bind(&refund.id)
    .fetch_one(&mut *conn)
    .await?;
    let mut owed = points_owed(earned, total, refunded, taken_before.unwrap_or(0));
    let mut taken = 0_i64;
    if owed > 0 {
        let account = ledger::lock(conn, &order.brand_id, &order.profile_id, now).await?;
        let mut balance = account.balance;
        for entry in &entries {
            if owed == 0 {
                break;
            }
            // Re-read the lot: an earlier refund may have shrunk it.
            let Some(fresh) = ledger::entry(conn, &order.brand_id, &entry.id).await? else {
                continue;
            };
            let key = format!("refund:{}:{}", refund.id, entry.id);
            let took = ledger::take_back(
                conn,
                &order.brand_id,
                &fresh,
                balance,
                TakeBack {
                    points: owed,
                    source_kind: "refund",
                    reference: &refund.id,
                    key: &key,
                    label: "order_refunded",
                    reason: &refund.reason,
                    actor: &refund.actor,
                },
                now,
            )
            .await?;
            if fresh.posted != 0 {
                balance = balance.saturating_sub(took);
            }
            owed = owed.saturating_sub(took);
            taken = taken.saturating_add(took);
        }
        sqlx::query("UPDATE order_refunds SET points_reversed = $1 WHERE id = $2")
            .bind(taken)
            .bind(&refund.id)
            .execute(&mut *conn)
            .await?;
    }
    if refunded >= total {
        // Refunded in full: the voucher and the points that paid part of it go back too.
        super::discounts::give_back(conn, &order.brand_id, &order.id, "order_refunded", now).await?;
    }
    let properties = json!({
        "order_id": order.id,
        "refund_id": refund.id,
        "amount_vnd": refund.amount_vnd,
        "refunded_vnd": refunded,
        "total_vnd": total,
        "reason": refund.reason,
        "points_reversed": taken,
        "full": refunded >= total,
    });
    events::record(
        conn,
        &order.brand_id,
        &NewEvent {
            profile_id: &order.profile_id,
            event_type: "order_refunded",
            occurred_at: now,
            source: "server",
            properties: &properties,
            campaign: &events::Campaign::default(),
            idempotency_key: Some(&format!("order_refunded:{}", refund.id)),
        },
    )
    .await?;
    metrics::counter!("cham_refunds_total").increment(1);
    tracing::info!(order = %order.id, refund = %refund.id, amount = refund.amount_vnd, points = taken, "order refunded");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::points_owed;

    #[test]
    fn refunds_take_back_the_share_their_part_earned_and_all_of_it_in_the_end() {
        // 45 points on 45,000 đ: a 15,000 đ refund takes 15, then the rest takes 30.
        assert_eq!(points_owed(45, 45_000, 15_000, 0), 15);
        assert_eq!(points_owed(45, 45_000, 45_000, 15), 30);
        // Rounding down each time never takes more than was earned, and the last refund squares it.
        assert_eq!(points_owed(10, 30_000, 10_000, 0), 3);
        assert_eq!(points_owed(10, 30_000, 20_000, 3), 3);
        assert_eq!(points_owed(10, 30_000, 30_000, 6), 4);
        // Extremes neither panic nor wrap.
        assert_eq!(points_owed(i64::MAX, i64::MAX, i64::MAX, 0), i64::MAX);
        assert_eq!(points_owed(5, 0, 10, 0), 0);
        assert_eq!(points_owed(5, 100, 100, 9), 0);
    }
}
