//! Posting credits and debits: on SQLite one script each, on PostgreSQL statement by statement.

use sqlx::{AnyConnection, Row};

use super::{
    Credit, Debit, INSERT_ENTRY, NewEntry, bind_entry, bind_event, consume, due_by, entry_event, insert_entry,
    insufficient_points, on_sqlite,
};
use crate::{db::new_id, error::Result, events};

/// Runs a script whose last statement returns one row, and returns it (`fetch_one` would answer after the
/// script's first statement).
async fn script_row<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    conn: &mut AnyConnection,
) -> Result<sqlx::any::AnyRow> {
    let rows = query.fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().next_back().ok_or(sqlx::Error::RowNotFound)?)
}

/// A guard for the statements of a script after the entry's insert: true when the entry `$1` was inserted (its
/// id is new, so it exists only if this script wrote it).
const INSERTED: &str = "EXISTS (SELECT 1 FROM points_entries WHERE id = $1)";

/// Posts a credit on a locked account; the new entry's id, or `None` when its source key was posted before.
pub async fn credit(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    c: &Credit<'_>,
    now: i64,
) -> Result<Option<String>> {
    debug_assert!(c.points > 0, "a credit adds points");
    let id = new_id();
    let posted = c.available_at <= now;
    let entry = NewEntry {
        id: &id,
        kind: c.kind,
        points: c.points,
        remaining: c.points,
        posted,
        available_at: c.available_at,
        expires_at: c.expires_at,
        rule_id: c.rule_id,
        reverses_id: None,
        source: c.source.clone(),
    };
    let (to_balance, to_pending) = if posted { (c.points, 0) } else { (0, c.points) };
    let due = if posted { c.expires_at } else { Some(c.available_at) };
    let properties = serde_json::json!({
        "entry_id": id,
        "points": c.points,
        "pending": !posted,
        "available_at": crate::db::rfc3339(c.available_at),
        "expires_at": c.expires_at.map(crate::db::rfc3339),
        "source": c.source.kind,
        "source_ref": c.source.reference,
        "label": c.source.label,
        "rule_id": c.rule_id,
        "reason": c.source.reason,
        "actor": c.source.actor,
    });
    if on_sqlite(conn) {
        let script = format!(
            "{INSERT_ENTRY} ON CONFLICT (brand_id, source_key) DO NOTHING; \
             UPDATE points_accounts SET balance = balance + $19, pending = pending + $20, updated_at = $18, \
               next_due_at = CASE WHEN $21 IS NOT NULL AND (next_due_at IS NULL OR next_due_at > $21) THEN $21 \
               ELSE next_due_at END \
             WHERE profile_id = $3 AND {INSERTED}; \
             {}; \
             SELECT {INSERTED}",
            events::insert_sql(22, INSERTED)
        );
        let query = bind_entry(sqlx::query(&script), brand_id, profile_id, &entry, now);
        let query = query.bind(to_balance).bind(to_pending).bind(due);
        let row = script_row(bind_event(query, brand_id, profile_id, c.kind, &properties, now), conn).await?;
        if row.try_get::<i64, _>(0)? == 0 {
            return Ok(None);
        }
        events::count_recorded(c.kind.event_type());
        return Ok(Some(id));
    }
    if !insert_entry(conn, brand_id, profile_id, &entry, now).await? {
        return Ok(None);
    }
    sqlx::query("UPDATE points_accounts SET balance = balance + $1, pending = pending + $2 WHERE profile_id = $3")
        .bind(to_balance)
        .bind(to_pending)
        .bind(profile_id)
        .execute(&mut *conn)
        .await?;
    if let Some(due) = due {
        due_by(conn, profile_id, due).await?;
    }
    entry_event(conn, brand_id, profile_id, c.kind, &properties, now).await?;
    Ok(Some(id))
}

/// Posts a debit of `points` on a locked account whose balance is `balance`, consuming lots earliest expiry
/// first; the new entry's id, or `None` when its source key was posted before. `insufficient_points` when the
/// balance does not cover it (nothing is written).
pub async fn debit(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    d: &Debit<'_>,
    balance: i64,
    now: i64,
) -> Result<Option<String>> {
    let Debit { kind, points, source } = d;
    let (kind, points) = (*kind, *points);
    debug_assert!(points > 0, "a debit takes points");
    if balance < points {
        return Err(insufficient_points(balance, points));
    }
    let id = new_id();
    let entry = NewEntry {
        id: &id,
        kind,
        points: -points,
        remaining: 0,
        posted: true,
        available_at: now,
        expires_at: None,
        rule_id: None,
        reverses_id: None,
        source: source.clone(),
    };
    let properties = serde_json::json!({
        "entry_id": id,
        "points": points,
        "source": source.kind,
        "source_ref": source.reference,
        "label": source.label,
        "reason": source.reason,
        "actor": source.actor,
    });
    if on_sqlite(conn) {
        // The lots are taken in the same order as `take_from_lots` takes them: each lot gives what is left of
        // the debit after the lots before it, up to all it holds.
        let script = format!(
            "{INSERT_ENTRY} ON CONFLICT (brand_id, source_key) DO NOTHING; \
             INSERT INTO points_allocations (debit_id, lot_id, points) \
               SELECT $1, id, MIN(remaining, $19 - (taken - remaining)) FROM ( \
                 SELECT id, remaining, SUM(remaining) OVER ({LOT_ORDER} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS taken \
                 FROM points_entries WHERE profile_id = $3 AND posted = 1 AND remaining > 0 \
               ) lots WHERE taken - remaining < $19 AND {INSERTED}; \
             UPDATE points_entries SET remaining = remaining - (SELECT a.points FROM points_allocations a \
               WHERE a.debit_id = $1 AND a.lot_id = points_entries.id) \
             WHERE id IN (SELECT lot_id FROM points_allocations WHERE debit_id = $1); \
             UPDATE points_accounts SET balance = balance - $19, updated_at = $18 WHERE profile_id = $3 AND {INSERTED}; \
             {}; \
             SELECT {INSERTED}, (SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM points_allocations WHERE debit_id = $1)",
            events::insert_sql(20, INSERTED)
        );
        let query = bind_entry(sqlx::query(&script), brand_id, profile_id, &entry, now).bind(points);
        let row = script_row(bind_event(query, brand_id, profile_id, kind, &properties, now), conn).await?;
        if row.try_get::<i64, _>(0)? == 0 {
            return Ok(None);
        }
        if row.try_get::<i64, _>(1)? != points {
            return Err(anyhow::anyhow!("points account {profile_id}: the lots hold less than the balance").into());
        }
        events::count_recorded(kind.event_type());
        return Ok(Some(id));
    }
    if !insert_entry(conn, brand_id, profile_id, &entry, now).await? {
        return Ok(None);
    }
    take_from_lots(conn, profile_id, &id, None, points).await?;
    entry_event(conn, brand_id, profile_id, kind, &properties, now).await?;
    Ok(Some(id))
}

/// The order lots are spent in: earliest expiry first, lots that never expire last.
const LOT_ORDER: &str = "ORDER BY CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END, expires_at, available_at, id";

/// Takes `points` from spendable lots (first from `first_lot` when given, then earliest expiry first) for the
/// debit `debit_id`, and from the balance.
pub(super) async fn take_from_lots(
    conn: &mut AnyConnection,
    profile_id: &str,
    debit_id: &str,
    first_lot: Option<(&str, i64)>,
    points: i64,
) -> Result<()> {
    let mut left = points;
    if let Some((lot, remaining)) = first_lot.filter(|(_, r)| *r > 0) {
        let n = remaining.min(left);
        consume(conn, debit_id, lot, n).await?;
        left -= n;
    }
    while left > 0 {
        let lots: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT id, remaining FROM points_entries WHERE profile_id = $1 AND posted = 1 AND remaining > 0 \
                 {LOT_ORDER} LIMIT 64"
        ))
        .bind(profile_id)
        .fetch_all(&mut *conn)
        .await?;
        if lots.is_empty() {
            return Err(anyhow::anyhow!("points account {profile_id}: the lots hold less than the balance").into());
        }
        for (lot, remaining) in lots {
            let n = remaining.min(left);
            consume(conn, debit_id, &lot, n).await?;
            left -= n;
            if left == 0 {
                break;
            }
        }
    }
    let updated =
        sqlx::query("UPDATE points_accounts SET balance = balance - $1 WHERE profile_id = $2 AND balance >= $1")
            .bind(points)
            .bind(profile_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if updated != 1 {
        return Err(anyhow::anyhow!("points account {profile_id}: a checked debit found the balance short").into());
    }
    Ok(())
}
