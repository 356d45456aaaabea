//! The interaction log: every interaction is an event on a profile, written through [`record`], the one path
//! every feature uses. Events are append-only and idempotent per brand by key.
//!
//! A leaf: it appends and reads the log and imports no area. What an event sets off elsewhere (points paid by
//! earning rules, a profile seen, and later journeys and segments) are [`reactors`] that the areas register
//! at the composition in `lib.rs`.

pub mod reactors;
mod read;
mod validate;

use app::api::{EventIn, EventOutcome, EventType, TimelineEvent};
use serde_json::Value;
use sqlx::AnyConnection;

use crate::{
    db::{new_id, now_ms, rfc3339},
    error::Result,
};

pub use reactors::{Reacting, Reactors};
pub use read::{TimelineQuery, timeline};
pub use validate::{Sender, ValidEvent, validate_event};

/// Campaign attribution of an event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Campaign {
    /// `utm_source`.
    pub utm_source: Option<String>,
    /// `utm_medium`.
    pub utm_medium: Option<String>,
    /// `utm_campaign`.
    pub utm_campaign: Option<String>,
    /// `utm_content`.
    pub utm_content: Option<String>,
    /// Tracked link id.
    pub link_id: Option<String>,
}

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// The profile it belongs to.
    pub profile_id: &'a str,
    /// Its type.
    pub event_type: &'a str,
    /// When it happened, epoch ms.
    pub occurred_at: i64,
    /// `zalo`, `momo`, `web`, `store`, `pos` or `server`.
    pub source: &'a str,
    /// A JSON object.
    pub properties: &'a Value,
    /// Attribution.
    pub campaign: &'a Campaign,
    /// Idempotency key, unique per brand.
    pub idempotency_key: Option<&'a str>,
}

// An event's money is `properties.amount_vnd` (a non-negative integer), stored typed in `value_vnd`.

/// What [`record`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The event's id; for a repeated key, the first event's.
    pub id: String,
    /// Whether the key had been seen, so nothing was written.
    pub duplicate: bool,
}

/// Records an event inside the caller's transaction and, when it is new, runs the reactors on it: the
/// same-transaction ones (earning rules: the one path from an interaction to the points it pays) and the durable
/// ones, as jobs written in this transaction. A repeated idempotency key writes nothing, sets nothing off, and
/// returns the first event's id.
pub async fn record(conn: &mut AnyConnection, brand_id: &str, event: &NewEvent<'_>) -> Result<Recorded> {
    let recorded = append(conn, brand_id, event).await?;
    if !recorded.duplicate {
        let reacting = Reacting {
            id: &recorded.id,
            brand_id,
            profile_id: event.profile_id,
            event_type: event.event_type,
            occurred_at: event.occurred_at,
            value_vnd: amount_vnd(event.properties),
        };
        reactors::react(conn, &reacting, now_ms()).await?;
    }
    Ok(recorded)
}

fn amount_vnd(properties: &Value) -> Option<i64> {
    properties
        .get("amount_vnd")
        .and_then(serde_json::Value::as_i64)
        .filter(|v| *v >= 0)
}

/// The statement inserting one event whose values are bound as parameters `$first` to `$first + 14` (see
/// [`bind_new`]), written only when `condition` holds. The log's own statement, published so that a writer of
/// consequences (the ledger's SQLite scripts) adds its event in the same round trip as the change it records;
/// such events are consequences and set off no reactors.
pub(crate) fn insert_sql(first: usize, condition: &str) -> String {
    let values: Vec<String> = (first..first + 15).map(|n| format!("${n}")).collect();
    format!(
        "INSERT INTO events (id, brand_id, profile_id, type, occurred_at, received_at, source, properties, \
         utm_source, utm_medium, utm_campaign, utm_content, link_id, idempotency_key, value_vnd) \
         SELECT {} WHERE {condition}",
        values.join(", ")
    )
}

/// Binds an event's 15 values in [`insert_sql`]'s order.
pub(crate) fn bind_new<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    id: &str,
    brand_id: &str,
    event: &NewEvent<'_>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(id.to_owned())
        .bind(brand_id.to_owned())
        .bind(event.profile_id.to_owned())
        .bind(event.event_type.to_owned())
        .bind(event.occurred_at)
        .bind(now_ms())
        .bind(event.source.to_owned())
        .bind(event.properties.to_string())
        .bind(event.campaign.utm_source.clone())
        .bind(event.campaign.utm_medium.clone())
        .bind(event.campaign.utm_campaign.clone())
        .bind(event.campaign.utm_content.clone())
        .bind(event.campaign.link_id.clone())
        .bind(event.idempotency_key.map(str::to_owned))
        .bind(amount_vnd(event.properties))
}

/// Counts a recorded event in the metrics.
pub(crate) fn count_recorded(event_type: &str) {
    metrics::counter!("cham_events_recorded_total", "type" => metric_type(event_type)).increment(1);
}

/// Appends an event to the log inside the caller's transaction, without running earning rules: for the
/// events the ledger itself writes (`points_earned`, `tier_changed`, …). A repeated idempotency key writes
/// nothing and returns the first event's id.
pub async fn append(conn: &mut AnyConnection, brand_id: &str, event: &NewEvent<'_>) -> Result<Recorded> {
    let id = new_id();
    let sql = format!(
        "{} ON CONFLICT (brand_id, idempotency_key) DO NOTHING",
        insert_sql(1, "true")
    );
    let inserted = bind_new(sqlx::query(&sql), &id, brand_id, event)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if inserted == 1 {
        count_recorded(event.event_type);
        return Ok(Recorded { id, duplicate: false });
    }
    let (first,): (String,) = sqlx::query_as("SELECT id FROM events WHERE brand_id = $1 AND idempotency_key = $2")
        .bind(brand_id)
        .bind(event.idempotency_key)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Recorded {
        id: first,
        duplicate: true,
    })
}

/// Moves a merged profile's events to the survivor inside the merge's transaction.
pub async fn move_profile(conn: &mut AnyConnection, brand_id: &str, from: &str, into: &str) -> Result<()> {
    sqlx::query("UPDATE events SET profile_id = $1 WHERE profile_id = $2 AND brand_id = $3")
        .bind(into)
        .bind(from)
        .bind(brand_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Empties the properties of an erased profile's events inside the erasure's transaction; types, times and
/// campaigns stay, so reports still add up.
pub async fn erase_properties(conn: &mut AnyConnection, profile_id: &str) -> Result<()> {
    sqlx::query("UPDATE events SET properties = '{}' WHERE profile_id = $1")
        .bind(profile_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Who sent an event, and the scope its idempotency key is unique in: the sender and the person as the sender
/// named them (`app:{profile}`, `key:{api key}:{user reference}`).
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The kind of sender, which decides the types and sources it may use.
    pub sender: Sender,
    /// The scope of its keys.
    pub key_scope: &'a str,
}

/// Names the campaign an event is attributed to (its UTM and link), unless its sender named one; for the
/// attribution reactor, in the event's transaction.
pub async fn name_campaign(conn: &mut AnyConnection, event_id: &str, campaign: &Campaign) -> Result<()> {
    sqlx::query(
        "UPDATE events SET utm_source = $1, utm_medium = $2, utm_campaign = $3, utm_content = $4, link_id = $5 \
         WHERE id = $6 AND utm_campaign IS NULL",
    )
    .bind(&campaign.utm_source)
    .bind(&campaign.utm_medium)
    .bind(&campaign.utm_campaign)
    .bind(&campaign.utm_content)
    .bind(&campaign.link_id)
    .bind(event_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The idempotency key of an offline purchase with the receipt `code` (trimmed, upper case): a receipt pays once
/// in the brand, whoever records it.
pub fn receipt_key(code: &str) -> String {
    format!("receipt:{code}")
}

/// Validates one event from `origin` and, when valid, records it on `profile_id`, its idempotency key scoped
/// by `key_scope` (the sender and the person as the sender named them); an invalid event gets its own error in
/// the outcome and writes nothing.
pub async fn store_one(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    index: usize,
    input: EventIn,
    now: i64,
    origin: Origin<'_>,
) -> Result<EventOutcome> {
    let Origin { sender, key_scope } = origin;
    let event = match validate_event(input, now, sender) {
        Ok(event) => event,
        Err(error) => {
            return Ok(EventOutcome {
                index,
                id: None,
                duplicate: false,
                error: Some(error),
            });
        }
    };
    // A client's key is unique within its sender and the person it names, so two tills, or two people, that
    // happen to use the same key never swallow each other's events; a repeat from the same sender about the same
    // person still returns the first.
    let scoped_key = event.idempotency_key.as_deref().map(|key| format!("{key_scope}|{key}"));
    // A till's receipt pays once in the brand, whoever sends it and however it is recorded.
    let receipt = (event.event_type == "offline_purchase")
        .then(|| event.properties.get("receipt_code").and_then(|v| v.as_str()))
        .flatten()
        .map(|code| code.trim().to_ascii_uppercase())
        .filter(|code| !code.is_empty())
        .map(|code| receipt_key(&code));
    let scoped_key = receipt.or(scoped_key);
    let recorded = record(
        conn,
        brand_id,
        &NewEvent {
            profile_id,
            event_type: &event.event_type,
            occurred_at: event.occurred_at,
            source: &event.source,
            properties: &event.properties,
            campaign: &event.campaign,
            idempotency_key: scoped_key.as_deref(),
        },
    )
    .await?;
    Ok(EventOutcome {
        index,
        id: Some(recorded.id),
        duplicate: recorded.duplicate,
        error: None,
    })
}

/// The columns [`EventRow`] reads.
pub const EVENT_COLUMNS: &str = "id, type, occurred_at, source, properties, utm_campaign";

/// An event as timelines and exports read it.
#[derive(Debug, sqlx::FromRow)]
pub struct EventRow {
    /// Id.
    pub id: String,
    /// Type.
    #[sqlx(rename = "type")]
    pub event_type: String,
    /// Epoch ms.
    pub occurred_at: i64,
    /// Source.
    pub source: String,
    /// JSON object text.
    pub properties: String,
    /// Campaign.
    pub utm_campaign: Option<String>,
}

impl From<EventRow> for TimelineEvent {
    fn from(r: EventRow) -> Self {
        TimelineEvent {
            occurred_at: rfc3339(r.occurred_at),
            properties: serde_json::from_str(&r.properties).unwrap_or_default(),
            id: r.id,
            event_type: r.event_type,
            source: r.source,
            utm_campaign: r.utm_campaign,
        }
    }
}

/// Built-in types by name; custom types as one label, to bound the metric's cardinality.
fn metric_type(event_type: &str) -> &'static str {
    EventType::parse(event_type).map_or("custom", EventType::as_str)
}
