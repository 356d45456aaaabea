//! Keeping segments' members current: a person's events enqueue [`PERSON`] (a durable reactor, at most once a
//! second per person), which checks that person against every segment of the brand; [`COMPUTE`] recomputes one
//! segment in full (when it is saved, and every hour through [`EVERY_HOUR`], so windows such as "not in the last
//! 14 days" move with time). A change is `segment_entered` / `segment_exited` on the person's timeline, except
//! for a segment's first computation, which is its baseline.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::json;
use sqlx::AnyConnection;

use super::rule;
use crate::{
    clock::Clock,
    db::Db,
    error::Result,
    events::{self, Campaign, NewEvent, reactors::Durable},
    jobs::{self, NewJob, Registry},
};

/// Checks one person against the brand's segments.
pub const PERSON: &str = "messaging.segment_person";
/// Recomputes one segment in full.
pub const COMPUTE: &str = "messaging.segment_compute";
/// Enqueues [`COMPUTE`] for every live segment.
pub const EVERY_HOUR: &str = "messaging.segments";
/// Rows written per transaction when a segment is recomputed.
const CHUNK: usize = 500;

/// The job computing a segment after it was saved at `now`.
pub fn compute_job(brand_id: &str, segment_id: &str, now: i64) -> NewJob {
    NewJob::new(
        COMPUTE,
        format!("{segment_id}:{now}"),
        json!({ "segment_id": segment_id }),
        now,
    )
    .for_brand(brand_id)
    .attempts(5)
}

/// The durable reactor: any event but the segments' own enqueues [`PERSON`], due at the start of the next
/// second, keyed by the person and that second (so a burst of events is one check, after all of them).
pub fn reactor() -> Durable {
    Durable {
        name: PERSON,
        wants: |event_type| !event_type.starts_with("segment_"),
        job: |event, now| {
            let second = now.div_euclid(1000).saturating_add(1);
            NewJob::new(
                PERSON,
                format!("{}:{second}", event.profile_id),
                json!({ "brand_id": event.brand_id, "profile_id": event.profile_id }),
                second.saturating_mul(1000),
            )
            .for_brand(event.brand_id)
            .attempts(3)
        },
    }
}

#[derive(Deserialize)]
struct Person {
    brand_id: String,
    profile_id: String,
}

#[derive(Deserialize)]
struct Compute {
    segment_id: String,
}

#[derive(sqlx::FromRow)]
struct SegmentRow {
    id: String,
    brand_id: String,
    name: String,
    rule: String,
    computed_at: Option<i64>,
}

/// Registers the membership jobs and the hourly recomputation.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (d, c) = (db.clone(), clock.clone());
    registry.handle(PERSON, move |job| {
        let (db, clock) = (d.clone(), c.clone());
        async move {
            let Person { brand_id, profile_id } = job.payload()?;
            check_person(&db, &brand_id, &profile_id, clock.now_ms()).await?;
            Ok(())
        }
    });
    let (d, c) = (db.clone(), clock.clone());
    registry.handle(COMPUTE, move |job| {
        let (db, clock) = (d.clone(), c.clone());
        async move {
            let Compute { segment_id } = job.payload()?;
            compute(&db, &segment_id, clock.now_ms()).await?;
            Ok(())
        }
    });
    let (d, c) = (db.clone(), clock.clone());
    registry.handle(EVERY_HOUR, move |_job| {
        let (db, clock) = (d.clone(), c.clone());
        async move {
            let now = clock.now_ms();
            let live: Vec<(String, String)> =
                sqlx::query_as("SELECT id, brand_id FROM segments WHERE archived_at IS NULL")
                    .fetch_all(db.read())
                    .await?;
            for (id, brand) in live {
                let hour = now.div_euclid(3_600_000);
                let job = NewJob::new(COMPUTE, format!("{id}:h{hour}"), json!({ "segment_id": id }), now)
                    .for_brand(&brand)
                    .attempts(5);
                jobs::enqueue_now(&db, job, now).await?;
            }
            Ok(())
        }
    });
    registry.every(EVERY_HOUR, std::time::Duration::from_secs(3600));
}

async fn segment_event(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    segment: &SegmentRow,
    entered: bool,
    now: i64,
) -> Result<()> {
    let properties = json!({ "segment_id": segment.id, "segment": segment.name });
    events::append(
        conn,
        brand_id,
        &NewEvent {
            profile_id,
            event_type: if entered { "segment_entered" } else { "segment_exited" },
            occurred_at: now,
            source: "server",
            properties: &properties,
            campaign: &Campaign::default(),
            idempotency_key: None,
        },
    )
    .await?;
    Ok(())
}

/// Puts a person in or takes them out of a segment, with the count and the timeline; whether it changed.
async fn set_member(
    conn: &mut AnyConnection,
    segment: &SegmentRow,
    profile_id: &str,
    member: bool,
    record: bool,
    now: i64,
) -> Result<bool> {
    let changed = if member {
        sqlx::query(
            "INSERT INTO segment_members (segment_id, profile_id, brand_id, entered_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (segment_id, profile_id) DO NOTHING",
        )
        .bind(&segment.id)
        .bind(profile_id)
        .bind(&segment.brand_id)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    } else {
        sqlx::query("DELETE FROM segment_members WHERE segment_id = $1 AND profile_id = $2")
            .bind(&segment.id)
            .bind(profile_id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    } == 1;
    if changed {
        let delta: i64 = if member { 1 } else { -1 };
        sqlx::query("UPDATE segments SET members = members + $1 WHERE id = $2")
            .bind(delta)
            .bind(&segment.id)
            .execute(&mut *conn)
            .await?;
        if record {
            segment_event(conn, &segment.brand_id, profile_id, segment, member, now).await?;
        }
    }
    Ok(changed)
}

/// Checks one person against every computed segment of the brand, moving them in or out.
pub async fn check_person(db: &Db, brand_id: &str, profile_id: &str, now: i64) -> Result<()> {
    // The person's lead score first, so a `lead_score` condition reads what they just did.
    crate::scoring::refresh(db, brand_id, profile_id, now).await?;
    let segments: Vec<SegmentRow> = sqlx::query_as(
        "SELECT id, brand_id, name, rule, computed_at FROM segments WHERE brand_id = $1 AND archived_at IS NULL \
         AND computed_at IS NOT NULL",
    )
    .bind(brand_id)
    .fetch_all(db.read())
    .await?;
    if segments.is_empty() {
        return Ok(());
    }
    let current: HashSet<String> =
        sqlx::query_as::<_, (String,)>("SELECT segment_id FROM segment_members WHERE profile_id = $1")
            .bind(profile_id)
            .fetch_all(db.read())
            .await?
            .into_iter()
            .map(|(s,)| s)
            .collect();
    let mut changes = Vec::new();
    for segment in segments {
        let rule: app::api::SegmentRule = serde_json::from_str(&segment.rule).map_err(anyhow::Error::from)?;
        let c = rule::compile(&rule, db.dialect(), 3, now);
        let sql = format!(
            "SELECT 1 FROM profiles p WHERE p.brand_id = $1 AND p.id = $2 AND p.merged_into IS NULL \
             AND p.erased_at IS NULL AND {}",
            c.sql
        );
        let hit: Option<(i32,)> = rule::bind_all(sqlx::query_as(&sql).bind(brand_id).bind(profile_id), &c.binds)
            .fetch_optional(db.read())
            .await?;
        let member = hit.is_some();
        if member != current.contains(&segment.id) {
            changes.push((segment, member));
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    let profile = profile_id.to_owned();
    db.transact(move |conn| {
        Box::pin(async move {
            for (segment, member) in &changes {
                set_member(conn, segment, &profile, *member, true, now).await?;
            }
            Ok(())
        })
    })
    .await
}

/// Recomputes one segment in full: who is in it now, against who was.
pub async fn compute(db: &Db, segment_id: &str, now: i64) -> Result<()> {
    let segment: Option<SegmentRow> = sqlx::query_as(
        "SELECT id, brand_id, name, rule, computed_at FROM segments WHERE id = $1 AND archived_at IS NULL",
    )
    .bind(segment_id)
    .fetch_optional(db.read())
    .await?;
    let Some(segment) = segment else {
        return Ok(());
    };
    let rule: app::api::SegmentRule = serde_json::from_str(&segment.rule).map_err(anyhow::Error::from)?;
    let c = rule::members_sql(db, &rule, now, "");
    let now_in: HashSet<String> = rule::bind_all(
        sqlx::query_as::<_, (String, Option<String>)>(&c.sql).bind(&segment.brand_id),
        &c.binds,
    )
    .fetch_all(db.read())
    .await?
    .into_iter()
    .map(|(id, _)| id)
    .collect();
    let was: HashSet<String> =
        sqlx::query_as::<_, (String,)>("SELECT profile_id FROM segment_members WHERE segment_id = $1")
            .bind(segment_id)
            .fetch_all(db.read())
            .await?
            .into_iter()
            .map(|(p,)| p)
            .collect();
    let record = segment.computed_at.is_some();
    let mut changes: Vec<(String, bool)> = now_in.difference(&was).map(|p| (p.clone(), true)).collect();
    changes.extend(was.difference(&now_in).map(|p| (p.clone(), false)));
    let segment = std::sync::Arc::new(segment);
    for chunk in changes.chunks(CHUNK) {
        let (chunk, segment) = (chunk.to_vec(), segment.clone());
        db.transact(move |conn| {
            Box::pin(async move {
                for (profile, member) in &chunk {
                    set_member(conn, &segment, profile, *member, record, now).await?;
                }
                Ok(())
            })
        })
        .await?;
    }
    let id = segment_id.to_owned();
    db.transact(move |conn| {
        Box::pin(async move {
            sqlx::query(
                "UPDATE segments SET computed_at = $1, \
                 members = (SELECT COUNT(*) FROM segment_members WHERE segment_id = $2) WHERE id = $2",
            )
            .bind(now)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
            Ok(())
        })
    })
    .await
}
