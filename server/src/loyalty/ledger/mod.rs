//! The points ledger: append-only entries, idempotent by source key. A credit (earn, positive adjustment) opens
//! a *lot* whose `remaining` tracks what is left of it; a debit (redeem, expire, negative adjustment) consumes
//! lots, earliest expiry first, and records which lots it consumed in `points_allocations`, so a reversal can
//! put back exactly what it took.
//!
//! Every posting first locks the member's `points_accounts` row ([`lock`]), so postings for one member
//! serialise on both stores; the row's `balance` and `pending` are running totals that every posting keeps
//! equal to the sum of the entries (posted and pending respectively), and the `CHECK (balance >= 0)` is the
//! last line of defence behind [`debit`]'s check.

mod merge;
mod post;
mod reverse;

use app::api::ErrorCode;
use sqlx::AnyConnection;

pub use merge::merge_accounts;
pub use post::{credit, debit};
pub use reverse::{StoredEntry, TakeBack, entry, not_reversible, reverse, take_back};

use super::time::DAY_MS;
use crate::{
    db::new_id,
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
        ErrorCode::InsufficientPoints,
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

/// Days as milliseconds, for pending and expiry periods.
pub fn days(n: i64) -> i64 {
    n.saturating_mul(DAY_MS)
}
