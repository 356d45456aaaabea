//! Reversing a named entry: a credit's points leave, a debit's go back to exactly the lots it took.

use app::api::ErrorCode;
use sqlx::AnyConnection;

use super::{Kind, NewEntry, Source, entry_event, insert_entry, post::take_from_lots, refresh_due};
use crate::{
    db::new_id,
    error::{Error, Result},
};

/// An entry as [`reverse`] needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEntry {
    /// Id.
    pub id: String,
    /// The member.
    pub profile_id: String,
    /// Kind.
    pub kind: String,
    /// Signed points.
    pub points: i64,
    /// Unspent part of a credit.
    pub remaining: i64,
    /// Counted in the balance (or still pending).
    pub posted: i64,
    /// When it becomes spendable.
    pub available_at: i64,
    /// What caused it.
    pub source_kind: String,
    /// The cause's id.
    pub source_ref: String,
}

/// Why an entry cannot be reversed, if it cannot.
pub fn not_reversible(kind: &str) -> Option<&'static str> {
    match kind {
        "expire" => Some("Expired points cannot be reinstated by a reversal; add them back with an adjustment."),
        "reverse" => Some("A reversal cannot itself be reversed."),
        _ => None,
    }
}

/// Reverses `entry` on its member's locked account (whose balance is `balance`): a credit's points leave the
/// balance (its own unspent lot first), a debit's points go back to exactly the lots it consumed. The reversal's
/// id, or `None` when the entry was reversed before.
pub async fn reverse(
    conn: &mut AnyConnection,
    brand_id: &str,
    entry: &StoredEntry,
    balance: i64,
    reason: &str,
    actor: &str,
    now: i64,
) -> Result<Option<String>> {
    if let Some(why) = not_reversible(&entry.kind) {
        return Err(Error::new(
            axum::http::StatusCode::CONFLICT,
            ErrorCode::NotReversible,
            why,
        ));
    }
    let id = new_id();
    let key = format!("reverse:{}", entry.id);
    let source = Source {
        kind: "entry",
        reference: &entry.id,
        key: &key,
        label: Some(entry.kind.as_str()),
        reason: Some(reason),
        actor,
    };
    let profile_id = entry.profile_id.as_str();
    let pending = entry.posted == 0;
    if entry.points > 0 && !pending && balance < entry.points {
        return Err(Error::new(
            axum::http::StatusCode::CONFLICT,
            ErrorCode::InsufficientPoints,
            format!(
                "{} of these points were already spent: the balance ({balance}) cannot give back {}.",
                entry.points - entry.remaining,
                entry.points
            ),
        ));
    }
    let inserted = insert_entry(
        conn,
        brand_id,
        profile_id,
        &NewEntry {
            id: &id,
            kind: Kind::Reverse,
            points: -entry.points,
            remaining: 0,
            posted: !pending,
            available_at: if pending { entry.available_at } else { now },
            expires_at: None,
            rule_id: None,
            reverses_id: Some(&entry.id),
            source,
        },
        now,
    )
    .await;
    match inserted {
        Ok(true) => {}
        Ok(false) => return Ok(None),
        Err(Error::Sqlx(e)) if crate::error::is_unique_violation(&e, "points_entries") => return Ok(None),
        Err(e) => return Err(e),
    }
    if pending {
        // A pending credit was never spendable: it leaves `pending`, and its lot is emptied so it never posts.
        sqlx::query("UPDATE points_entries SET remaining = 0 WHERE id = $1")
            .bind(&entry.id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE points_accounts SET pending = pending - $1 WHERE profile_id = $2")
            .bind(entry.points)
            .bind(profile_id)
            .execute(&mut *conn)
            .await?;
    } else if entry.points > 0 {
        take_from_lots(conn, profile_id, &id, Some((&entry.id, entry.remaining)), entry.points).await?;
    } else {
        let allocations: Vec<(String, i64)> =
            sqlx::query_as("SELECT lot_id, points FROM points_allocations WHERE debit_id = $1")
                .bind(&entry.id)
                .fetch_all(&mut *conn)
                .await?;
        for (lot, n) in &allocations {
            sqlx::query("UPDATE points_entries SET remaining = remaining + $1 WHERE id = $2")
                .bind(n)
                .bind(lot)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("UPDATE points_accounts SET balance = balance + $1 WHERE profile_id = $2")
            .bind(-entry.points)
            .bind(profile_id)
            .execute(&mut *conn)
            .await?;
        // A restored lot may be past its date: the next settlement writes it off again.
        refresh_due(conn, profile_id).await?;
    }
    let properties = serde_json::json!({
        "entry_id": id,
        "reverses": entry.id,
        "reversed_kind": entry.kind,
        "points": -entry.points,
        "reason": reason,
        "actor": actor,
    });
    entry_event(conn, brand_id, profile_id, Kind::Reverse, &properties, now).await?;
    Ok(Some(id))
}

/// Reads an entry of the brand.
pub async fn entry(conn: &mut AnyConnection, brand_id: &str, entry_id: &str) -> Result<Option<StoredEntry>> {
    Ok(sqlx::query_as(
        "SELECT id, profile_id, kind, points, remaining, posted, available_at, source_kind, source_ref \
         FROM points_entries WHERE id = $1 AND brand_id = $2",
    )
    .bind(entry_id)
    .bind(brand_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// What a partial take-back is for.
#[derive(Debug, Clone, Copy)]
pub struct TakeBack<'a> {
    /// Points to take back, more than 0.
    pub points: i64,
    /// What caused it (`refund`) and its id.
    pub source_kind: &'a str,
    /// The cause's id.
    pub reference: &'a str,
    /// Unique per brand: a second take-back with this key takes nothing.
    pub key: &'a str,
    /// What the member sees it as (`order_refunded`).
    pub label: &'a str,
    /// Why.
    pub reason: &'a str,
    /// Who.
    pub actor: &'a str,
}

/// Takes back part of a credit (`entry`), on its member's locked account whose balance is `balance`: while the
/// credit is pending its lot shrinks, so it posts less; once posted, the points leave the balance (its own lot
/// first). A member who spent them already keeps the spent part: never more than the balance is taken, so the
/// balance never goes below zero. Unlike [`reverse`] it may happen several times to one entry (one per refund).
/// The points actually taken.
pub async fn take_back(
    conn: &mut AnyConnection,
    brand_id: &str,
    entry: &StoredEntry,
    balance: i64,
    what: TakeBack<'_>,
    now: i64,
) -> Result<i64> {
    if entry.points <= 0 || what.points <= 0 {
        return Ok(0);
    }
    let pending = entry.posted == 0;
    let take = if pending {
        what.points.min(entry.remaining)
    } else {
        what.points.min(balance.max(0))
    };
    if take == 0 {
        return Ok(0);
    }
    let id = new_id();
    let source = Source {
        kind: what.source_kind,
        reference: what.reference,
        key: what.key,
        label: Some(what.label),
        reason: Some(what.reason),
        actor: what.actor,
    };
    let inserted = insert_entry(
        conn,
        brand_id,
        &entry.profile_id,
        &NewEntry {
            id: &id,
            kind: Kind::Reverse,
            points: -take,
            remaining: 0,
            posted: !pending,
            available_at: if pending { entry.available_at } else { now },
            expires_at: None,
            rule_id: None,
            reverses_id: None,
            source,
        },
        now,
    )
    .await?;
    if !inserted {
        return Ok(0);
    }
    if pending {
        sqlx::query("UPDATE points_entries SET remaining = remaining - $1 WHERE id = $2")
            .bind(take)
            .bind(&entry.id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE points_accounts SET pending = pending - $1 WHERE profile_id = $2")
            .bind(take)
            .bind(&entry.profile_id)
            .execute(&mut *conn)
            .await?;
    } else {
        take_from_lots(conn, &entry.profile_id, &id, Some((&entry.id, entry.remaining)), take).await?;
    }
    let properties = serde_json::json!({
        "entry_id": id,
        "taken_from": entry.id,
        "points": -take,
        "reason": what.reason,
        "label": what.label,
        "actor": what.actor,
    });
    entry_event(conn, brand_id, &entry.profile_id, Kind::Reverse, &properties, now).await?;
    Ok(take)
}
