//! Reading the log: one profile's timeline, newest first, a page at a time.

use app::api::ErrorCode;
use app::api::{Timeline, TimelineEvent};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{EVENT_COLUMNS, EventRow};
use crate::{
    db::Db,
    error::{Error, Result},
};

/// Timeline paging.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TimelineQuery {
    /// At most this many events (1–100, default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only events of this type.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
}

fn parse_cursor(cursor: &str) -> Result<(i64, String)> {
    cursor
        .split_once('_')
        .and_then(|(ms, id)| Some((ms.parse().ok()?, id.to_owned())))
        .ok_or_else(|| Error::bad_request(ErrorCode::InvalidCursor, "This page cursor is not valid."))
}

/// One page of a profile's timeline, newest first.
pub async fn timeline(db: &Db, brand_id: &str, profile_id: &str, q: &TimelineQuery) -> Result<Timeline> {
    let limit = q.limit.unwrap_or(50).clamp(1, 100);
    let (before_ms, before_id) = match q.cursor.as_deref() {
        Some(c) => parse_cursor(c)?,
        None => (i64::MAX, String::new()),
    };
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE brand_id = $1 AND profile_id = $2 AND ($3 = '' OR type = $3) \
         AND (occurred_at < $4 OR (occurred_at = $4 AND $5 <> '' AND id < $5)) \
         ORDER BY occurred_at DESC, id DESC LIMIT $6"
    );
    let mut rows: Vec<EventRow> = sqlx::query_as(&sql)
        .bind(brand_id)
        .bind(profile_id)
        .bind(q.event_type.clone().unwrap_or_default())
        .bind(before_ms)
        .bind(before_id)
        .bind(limit + 1)
        .fetch_all(db.read())
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|r| format!("{}_{}", r.occurred_at, r.id));
    let events = rows.into_iter().map(TimelineEvent::from).collect();
    Ok(Timeline { events, next_cursor })
}
