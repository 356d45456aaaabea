//! Starting a message: at its time, the segment's people then become its recipients, one `message_sends` row
//! each keyed by (message, person) with its own click token, written in chunks that a retry repeats without
//! doubling anyone; then the message is going out and its delivery jobs start.

use serde::Deserialize;
use serde_json::json;

use super::{compose, deliver};
use crate::{
    clock::Clock,
    crypto::random_token,
    db::Db,
    error::Result,
    jobs::{self, NewJob, Registry},
    messaging::segments::rule,
};

/// The job starting a message at its time.
pub const START: &str = "messaging.start";
/// Recipients written per transaction.
const CHUNK: usize = 400;

/// The job starting `message_id` at `at`.
pub fn start_job(brand_id: &str, message_id: &str, at: i64) -> NewJob {
    NewJob::new(START, message_id.to_owned(), json!({ "message_id": message_id }), at)
        .for_brand(brand_id)
        .attempts(8)
}

#[derive(Deserialize)]
struct Start {
    message_id: String,
}

/// Registers [`START`].
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (d, c) = (db.clone(), clock.clone());
    registry.handle(START, move |job| {
        let (db, clock) = (d.clone(), c.clone());
        async move {
            let Start { message_id } = job.payload()?;
            start(&db, &message_id, clock.now_ms()).await?;
            Ok(())
        }
    });
}

async fn start(db: &Db, message_id: &str, now: i64) -> Result<()> {
    let row: Option<compose::Row> = sqlx::query_as(&format!(
        "SELECT {} FROM campaign_messages WHERE id = $1",
        compose::COLUMNS
    ))
    .bind(message_id)
    .fetch_optional(db.read())
    .await?;
    let Some(message) = row else {
        return Ok(());
    };
    if message.status != "scheduled" {
        return Ok(());
    }
    let segment: Option<(String,)> = sqlx::query_as("SELECT rule FROM segments WHERE id = $1")
        .bind(&message.segment_id)
        .fetch_optional(db.read())
        .await?;
    let people: Vec<String> = match segment {
        Some((text,)) => {
            let rule: app::api::SegmentRule = serde_json::from_str(&text).map_err(anyhow::Error::from)?;
            let c = rule::members_sql(db, &rule, now, "");
            rule::bind_all(
                sqlx::query_as::<_, (String, Option<String>)>(&c.sql).bind(&message.brand_id),
                &c.binds,
            )
            .fetch_all(db.read())
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect()
        }
        None => Vec::new(),
    };
    for chunk in people.chunks(CHUNK) {
        let (chunk, mid, brand) = (chunk.to_vec(), message.id.clone(), message.brand_id.clone());
        db.transact(move |conn| {
            Box::pin(async move {
                let placeholders: Vec<String> = (0..chunk.len())
                    .map(|i| format!("($1, ${}, $2, ${}, 'queued', $3, $3)", 4 + 2 * i, 5 + 2 * i))
                    .collect();
                let sql = format!(
                    "INSERT INTO message_sends (message_id, profile_id, brand_id, token, status, due_at, updated_at) \
                     VALUES {} ON CONFLICT (message_id, profile_id) DO NOTHING",
                    placeholders.join(", ")
                );
                let mut q = sqlx::query(&sql).bind(&mid).bind(&brand).bind(now);
                for profile in &chunk {
                    q = q.bind(profile).bind(random_token(16));
                }
                q.execute(&mut *conn).await?;
                Ok(())
            })
        })
        .await?;
    }
    let (mid, brand) = (message.id.clone(), message.brand_id.clone());
    db.transact(move |conn| {
        Box::pin(async move {
            let started = sqlx::query(
                "UPDATE campaign_messages SET status = 'sending', started_at = $1, updated_at = $1 \
                 WHERE id = $2 AND status = 'scheduled'",
            )
            .bind(now)
            .bind(&mid)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if started == 1 {
                for shard in 0..deliver::SHARDS {
                    jobs::enqueue(conn, &deliver::job(&brand, &mid, shard, now), now).await?;
                }
            }
            Ok(())
        })
    })
    .await
}
