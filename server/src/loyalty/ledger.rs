//! The points ledger: append-only entries, idempotent by source key. A credit (earn, positive adjustment) opens
//! a *lot* whose `remaining` tracks what is left of it; a debit (redeem, expire, negative adjustment) consumes
//! lots, earliest expiry first, and records which lots it consumed in `points_allocations`, so a reversal can
//! put back exactly what it took.
//!
//! Every posting first locks the member's `points_accounts` row ([`lock`]), so postings for one member
//! serialise on both stores; the row's `balance` and `pending` are running totals that every posting keeps
//! equal to the sum of the entries (posted and pending respectively), and the `CHECK (balance >= 0)` is the
//! last line of defence behind [`debit`]'s check.

use sqlx::{AnyConnection, Row};

use super::time::DAY_MS;
use crate::{
    db::{new_id, now_ms},
    error::{Error, Result},
    events::{self, Campaign, NewEvent},
};

/// A member's account row, locked for the current transaction.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    /// Spendable points.
    pub balance: i64,
    /// Points not spendable yet.
    pub pending: i64,
    /// Tier reached (None: the entry level).
    pub tier_id: Option<String>,
    /// When the tier is reviewed.
    pub tier_until: Option<i64>,
    /// When a pending lot becomes spendable or a lot expires, whichever is first.
    pub next_due_at: Option<i64>,
}

/// Entry kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Points paid by an earning rule or a prize.
    Earn,
    /// Points spent on a reward.
    Redeem,
    /// Points that reached their expiry date unspent.
    Expire,
    /// An admin's manual change.
    Adjust,
    /// The undoing of a named entry.
    Reverse,
}

impl Kind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Earn => "earn",
            Kind::Redeem => "redeem",
            Kind::Expire => "expire",
            Kind::Adjust => "adjust",
            Kind::Reverse => "reverse",
        }
    }

    fn event_type(self) -> &'static str {
        match self {
            Kind::Earn => "points_earned",
            Kind::Redeem => "points_redeemed",
            Kind::Expire => "points_expired",
            Kind::Adjust => "points_adjusted",
            Kind::Reverse => "points_reversed",
        }
    }
}

/// What caused an entry, and the key that makes posting it idempotent.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    /// `event`, `voucher`, `admin`, `entry`, `expiry`, `play`.
    pub kind: &'a str,
    /// The cause's id.
    pub reference: &'a str,
    /// Unique per brand: a second posting with this key writes nothing.
    pub key: &'a str,
    /// What the member sees it as (`order_paid`, a reward's name, …).
    pub label: Option<&'a str>,
    /// An admin's reason.
    pub reason: Option<&'a str>,
    /// Who did it (an admin's user id, `server`).
    pub actor: &'a str,
}

/// A credit to post.
#[derive(Debug, Clone)]
pub struct Credit<'a> {
    /// `Earn` or `Adjust`.
    pub kind: Kind,
    /// Points, more than 0.
    pub points: i64,
    /// When they become spendable (now or later: pending until then).
    pub available_at: i64,
    /// When what is left of them expires.
    pub expires_at: Option<i64>,
    /// The earning rule that paid them.
    pub rule_id: Option<&'a str>,
    /// Cause and key.
    pub source: Source<'a>,
}

/// A debit to post.
#[derive(Debug, Clone)]
pub struct Debit<'a> {
    /// `Redeem` or `Adjust`.
    pub kind: Kind,
    /// Points, more than 0.
    pub points: i64,
    /// Cause and key.
    pub source: Source<'a>,
}

/// The error a debit answers when the balance does not cover it.
pub fn insufficient_points(balance: i64, wanted: i64) -> Error {
    Error::new(
        axum::http::StatusCode::CONFLICT,
        "insufficient_points",
        format!("This needs {wanted} points and the balance is {balance}."),
    )
}

const ACCOUNT_COLUMNS: &str = "balance, pending, tier_id, tier_until, next_due_at";

/// Locks the member's account row for the transaction (creating it at zero), after settling whatever fell due
/// by `now`: pending lots become spendable and expired lots are written off.
pub async fn lock(conn: &mut AnyConnection, brand_id: &str, profile_id: &str, now: i64) -> Result<Account> {
    let sql = format!(
        "UPDATE points_accounts SET updated_at = $1 WHERE profile_id = $2 AND brand_id = $3 RETURNING {ACCOUNT_COLUMNS}"
    );
    // On SQLite the writer thread already runs one transaction at a time, so there is no row to lock: one
    // script opens the account when it is new and reads it.
    let script;
    let first = if on_sqlite(conn) {
        script = format!(
            "INSERT INTO points_accounts (profile_id, brand_id, balance, pending, updated_at) VALUES ($2, $3, 0, 0, $1) \
             ON CONFLICT (profile_id) DO NOTHING; \
             SELECT {ACCOUNT_COLUMNS} FROM points_accounts WHERE profile_id = $2 AND brand_id = $3"
        );
        &script
    } else {
        &sql
    };
    // `fetch_all`: SQLite's `fetch_optional` answers after a script's first statement.
    let mut account: Option<Account> = sqlx::query_as(first)
        .bind(now)
        .bind(profile_id)
        .bind(brand_id)
        .fetch_all(&mut *conn)
        .await?
        .pop();
    if account.is_none() {
        sqlx::query(
            "INSERT INTO points_accounts (profile_id, brand_id, balance, pending, updated_at) VALUES ($1, $2, 0, 0, $3) \
             ON CONFLICT (profile_id) DO NOTHING",
        )
        .bind(profile_id)
        .bind(brand_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        account = sqlx::query_as(&sql)
            .bind(now)
            .bind(profile_id)
            .bind(brand_id)
            .fetch_optional(&mut *conn)
            .await?;
    }
    let account =
        account.ok_or_else(|| anyhow::anyhow!("points account of {profile_id} is not in brand {brand_id}"))?;
    if account.next_due_at.is_some_and(|due| due <= now) {
        return settle(conn, brand_id, profile_id, now).await;
    }
    Ok(account)
}

/// Posts pending lots that became spendable and writes off expired ones. The account must be locked.
async fn settle(conn: &mut AnyConnection, brand_id: &str, profile_id: &str, now: i64) -> Result<Account> {
    let (released,): (Option<i64>,) = sqlx::query_as(
        "SELECT CAST(SUM(points) AS BIGINT) FROM points_entries WHERE profile_id = $1 AND posted = 0 AND available_at <= $2",
    )
    .bind(profile_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    if let Some(released) = released {
        sqlx::query("UPDATE points_entries SET posted = 1 WHERE profile_id = $1 AND posted = 0 AND available_at <= $2")
            .bind(profile_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE points_accounts SET balance = balance + $1, pending = pending - $1 WHERE profile_id = $2")
            .bind(released)
            .bind(profile_id)
            .execute(&mut *conn)
            .await?;
    }

    let expired: Vec<(String, i64)> = sqlx::query_as(
        "SELECT id, remaining FROM points_entries WHERE profile_id = $1 AND posted = 1 AND remaining > 0 \
         AND expires_at <= $2 ORDER BY expires_at, id",
    )
    .bind(profile_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = expired.iter().map(|(_, n)| n).sum();
    if total > 0 {
        let entry_id = new_id();
        let key = format!("expire:{entry_id}");
        insert_entry(
            conn,
            brand_id,
            profile_id,
            &NewEntry {
                id: &entry_id,
                kind: Kind::Expire,
                points: -total,
                remaining: 0,
                posted: true,
                available_at: now,
                expires_at: None,
                rule_id: None,
                reverses_id: None,
                source: Source {
                    kind: "expiry",
                    reference: &expired[0].0,
                    key: &key,
                    label: None,
                    reason: None,
                    actor: "server",
                },
            },
            now,
        )
        .await?;
        for (lot, n) in &expired {
            consume(conn, &entry_id, lot, *n).await?;
        }
        sqlx::query("UPDATE points_accounts SET balance = balance - $1 WHERE profile_id = $2")
            .bind(total)
            .bind(profile_id)
            .execute(&mut *conn)
            .await?;
        let properties = serde_json::json!({ "entry_id": entry_id, "points": total, "lots": expired.len() });
        entry_event(conn, brand_id, profile_id, Kind::Expire, &properties, now).await?;
    }
    refresh_due(conn, profile_id).await?;
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM points_accounts WHERE profile_id = $1");
    Ok(sqlx::query_as(&sql).bind(profile_id).fetch_one(&mut *conn).await?)
}

/// Recomputes when the account next needs settling.
async fn refresh_due(conn: &mut AnyConnection, profile_id: &str) -> Result<()> {
    sqlx::query(
        "UPDATE points_accounts SET next_due_at = (SELECT MIN(t) FROM ( \
           SELECT MIN(available_at) AS t FROM points_entries WHERE profile_id = $1 AND posted = 0 \
           UNION ALL SELECT MIN(expires_at) AS t FROM points_entries WHERE profile_id = $1 AND posted = 1 AND remaining > 0 \
         ) due) WHERE profile_id = $1",
    )
    .bind(profile_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves an account's next due time earlier when `at` comes first.
async fn due_by(conn: &mut AnyConnection, profile_id: &str, at: i64) -> Result<()> {
    sqlx::query(
        "UPDATE points_accounts SET next_due_at = $1 WHERE profile_id = $2 AND (next_due_at IS NULL OR next_due_at > $1)",
    )
    .bind(at)
    .bind(profile_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

struct NewEntry<'a> {
    id: &'a str,
    kind: Kind,
    points: i64,
    remaining: i64,
    posted: bool,
    available_at: i64,
    expires_at: Option<i64>,
    rule_id: Option<&'a str>,
    reverses_id: Option<&'a str>,
    source: Source<'a>,
}

/// Inserts an entry whose values are parameters `$1` to `$18` (see [`bind_entry`]).
const INSERT_ENTRY: &str = "INSERT INTO points_entries (id, brand_id, profile_id, kind, points, remaining, posted, \
     available_at, expires_at, source_kind, source_ref, source_key, rule_id, reverses_id, label, reason, actor, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";

/// Binds an entry's 18 values in [`INSERT_ENTRY`]'s order.
fn bind_entry<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    brand_id: &str,
    profile_id: &str,
    e: &NewEntry<'_>,
    now: i64,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let owned = |v: Option<&str>| v.map(str::to_owned);
    query
        .bind(e.id.to_owned())
        .bind(brand_id.to_owned())
        .bind(profile_id.to_owned())
        .bind(e.kind.as_str())
        .bind(e.points)
        .bind(e.remaining)
        .bind(i64::from(e.posted))
        .bind(e.available_at)
        .bind(e.expires_at)
        .bind(e.source.kind.to_owned())
        .bind(e.source.reference.to_owned())
        .bind(e.source.key.to_owned())
        .bind(owned(e.rule_id))
        .bind(owned(e.reverses_id))
        .bind(owned(e.source.label))
        .bind(owned(e.source.reason))
        .bind(e.source.actor.to_owned())
        .bind(now)
}

/// Whether the connection is SQLite's. There every statement is a round trip to the connection's own thread,
/// so the hot paths ([`lock`], [`credit`], [`debit`]) go as one script each; PostgreSQL takes them statement
/// by statement (a prepared statement holds one command), under the account's row lock.
fn on_sqlite(conn: &AnyConnection) -> bool {
    conn.backend_name() == "SQLite"
}

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

/// Inserts an entry unless its source key was posted before; whether it was inserted.
async fn insert_entry(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    e: &NewEntry<'_>,
    now: i64,
) -> Result<bool> {
    let sql = format!("{INSERT_ENTRY} ON CONFLICT (brand_id, source_key) DO NOTHING");
    let inserted = bind_entry(sqlx::query(&sql), brand_id, profile_id, e, now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(inserted == 1)
}

/// Takes `n` points of a lot for a debit.
async fn consume(conn: &mut AnyConnection, debit_id: &str, lot_id: &str, n: i64) -> Result<()> {
    sqlx::query("UPDATE points_entries SET remaining = remaining - $1 WHERE id = $2")
        .bind(n)
        .bind(lot_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO points_allocations (debit_id, lot_id, points) VALUES ($1, $2, $3)")
        .bind(debit_id)
        .bind(lot_id)
        .bind(n)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Binds the values of an entry's event (see [`events::insert_sql`]).
fn bind_event<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    brand_id: &str,
    profile_id: &str,
    kind: Kind,
    properties: &serde_json::Value,
    now: i64,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let event = NewEvent {
        profile_id,
        event_type: kind.event_type(),
        occurred_at: now,
        source: "server",
        properties,
        campaign: &Campaign::default(),
        idempotency_key: None,
    };
    events::bind_new(query, &new_id(), brand_id, &event)
}

/// Records the event of an entry on the member's timeline.
async fn entry_event(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    kind: Kind,
    properties: &serde_json::Value,
    now: i64,
) -> Result<()> {
    events::append(
        conn,
        brand_id,
        &NewEvent {
            profile_id,
            event_type: kind.event_type(),
            occurred_at: now,
            source: "server",
            properties,
            campaign: &Campaign::default(),
            idempotency_key: None,
        },
    )
    .await?;
    Ok(())
}

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
async fn take_from_lots(
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
        return Err(Error::new(axum::http::StatusCode::CONFLICT, "not_reversible", why));
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
            "insufficient_points",
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
    let tier = super::tiers::higher(conn, survivor.tier_id.as_deref(), moved.tier_id.as_deref()).await?;
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

/// Days as milliseconds, for pending and expiry periods.
pub fn days(n: i64) -> i64 {
    n.saturating_mul(DAY_MS)
}
