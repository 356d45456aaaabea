//! Runs: entering a journey on its trigger, walking its steps, parking at a wait, and moving on when the time
//! comes, the awaited event arrives or an exit event takes the person out.
//!
//! A run's `seq` counts the steps it has taken. Leaving a parked step is `UPDATE … WHERE seq = $old`: of a
//! timer and an event racing for the same run, or two workers for the same job, one moves it and the others find
//! nothing to do. Everything a move does (points, attributes, the step's record, the next timer) is written in
//! that same transaction, so a step happens once or not at all.

use std::collections::HashMap;

use app::api::{EntryRule, JourneyInput, StepAction};
use serde::Deserialize;
use serde_json::json;
use sqlx::AnyConnection;

use super::{
    definition,
    effects::{give_points, holds, set_attribute, timeline},
};
use crate::{
    clock::Clock,
    db::{Db, new_id},
    error::Result,
    events::reactors::{Reacting, SameTransaction},
    jobs::{self, NewJob, Registry},
};

/// An event some live journey listens to, for one person.
pub const EVENT: &str = "journeys.event";
/// A parked run's time has come (a wait is over, or a wait for an event timed out).
pub const TIMER: &str = "journeys.timer";
/// The most steps one move walks before it must park (validation keeps journeys acyclic and at most 50 steps).
const MAX_HOPS: usize = 64;
const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// In the event's transaction: when a live journey of the brand listens to this type, a job for it (one read of
/// an indexed table; most events cost nothing more).
pub fn reactor() -> SameTransaction {
    SameTransaction {
        name: "journeys.notice",
        wants: |event_type| !event_type.starts_with("journey_"),
        run: |conn, event, now| Box::pin(notice(conn, event, now)),
    }
}

async fn notice(conn: &mut AnyConnection, event: &Reacting<'_>, now: i64) -> Result<()> {
    let (listening,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM journey_listens WHERE brand_id = $1 AND event_type = $2")
            .bind(event.brand_id)
            .bind(event.event_type)
            .fetch_one(&mut *conn)
            .await?;
    if listening == 0 {
        return Ok(());
    }
    let job = NewJob::new(
        EVENT,
        event.id.to_owned(),
        json!({
            "brand_id": event.brand_id, "profile_id": event.profile_id,
            "event_id": event.id, "event_type": event.event_type,
        }),
        now,
    )
    .for_brand(event.brand_id)
    .attempts(5);
    jobs::enqueue(conn, &job, now).await?;
    Ok(())
}

#[derive(Deserialize)]
struct Happened {
    brand_id: String,
    profile_id: String,
    event_id: String,
    event_type: String,
}

#[derive(Deserialize)]
struct Timer {
    run_id: String,
    seq: i64,
}

/// A run as the engine reads it.
#[derive(sqlx::FromRow, Clone)]
pub(super) struct Run {
    pub(super) id: String,
    pub(super) brand_id: String,
    pub(super) journey_id: String,
    pub(super) version: i64,
    pub(super) profile_id: String,
    pub(super) step_id: String,
    pub(super) seq: i64,
    pub(super) entered_at: i64,
}

const RUN_COLUMNS: &str = "id, brand_id, journey_id, version, profile_id, step_id, seq, entered_at";

/// Definitions read once per job.
#[derive(Default)]
struct Definitions(HashMap<(String, i64), JourneyInput>);

impl Definitions {
    async fn get(&mut self, conn: &mut AnyConnection, journey_id: &str, version: i64) -> Result<&JourneyInput> {
        let key = (journey_id.to_owned(), version);
        if !self.0.contains_key(&key) {
            let def = definition(conn, journey_id, version).await?;
            self.0.insert(key.clone(), def);
        }
        Ok(&self.0[&key])
    }
}

/// Registers the engine's jobs.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (d, c) = (db.clone(), clock.clone());
    registry.handle(EVENT, move |job| {
        let (db, clock) = (d.clone(), c.clone());
        async move {
            let happened: Happened = job.payload()?;
            let now = clock.now_ms();
            db.transact(move |conn| Box::pin(async move { on_event(conn, &happened, now).await }))
                .await?;
            Ok(())
        }
    });
    let (d, c) = (db.clone(), clock.clone());
    registry.handle(TIMER, move |job| {
        let (db, clock) = (d.clone(), c.clone());
        async move {
            let timer: Timer = job.payload()?;
            let now = clock.now_ms();
            db.transact(move |conn| Box::pin(async move { on_timer(conn, &timer, now).await }))
                .await?;
            Ok(())
        }
    });
}

/// Exits, wakes and entries for one event of one person, in one transaction.
async fn on_event(conn: &mut AnyConnection, e: &Happened, now: i64) -> Result<()> {
    let mut defs = Definitions::default();
    let runs: Vec<Run> = sqlx::query_as(&format!(
        "SELECT {RUN_COLUMNS} FROM journey_runs WHERE profile_id = $1 AND brand_id = $2 AND status = 'active'"
    ))
    .bind(&e.profile_id)
    .bind(&e.brand_id)
    .fetch_all(&mut *conn)
    .await?;
    for run in runs {
        let def = defs.get(conn, &run.journey_id, run.version).await?.clone();
        if def.exit_on.contains(&e.event_type) {
            exit(conn, &run, &def, &e.event_type, now).await?;
            continue;
        }
        let awaited = def
            .steps
            .iter()
            .find(|s| s.id == run.step_id)
            .and_then(|s| match &s.action {
                StepAction::WaitFor { event_type, next, .. } if *event_type == e.event_type => Some(next.clone()),
                _ => None,
            });
        if let Some(next) = awaited {
            leave(conn, &run, &def, "event", &next, now).await?;
        }
    }
    let journeys: Vec<(String, i64)> = sqlx::query_as(
        "SELECT id, version FROM journeys WHERE brand_id = $1 AND status = 'active' AND trigger_type = $2",
    )
    .bind(&e.brand_id)
    .bind(&e.event_type)
    .fetch_all(&mut *conn)
    .await?;
    for (journey_id, version) in journeys {
        let def = defs.get(conn, &journey_id, version).await?.clone();
        enter(conn, e, &journey_id, version, &def, now).await?;
    }
    Ok(())
}

/// Starts a run when the journey's entry rule lets the person in.
async fn enter(
    conn: &mut AnyConnection,
    e: &Happened,
    journey_id: &str,
    version: i64,
    def: &JourneyInput,
    now: i64,
) -> Result<()> {
    let (inside, last): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(CASE WHEN status = 'active' THEN 1 END), MAX(entered_at) FROM journey_runs \
         WHERE journey_id = $1 AND profile_id = $2",
    )
    .bind(journey_id)
    .bind(&e.profile_id)
    .fetch_one(&mut *conn)
    .await?;
    let entry_key = match def.entry {
        EntryRule::Once => format!("once:{}", e.profile_id),
        EntryRule::EveryTime => e.event_id.clone(),
        EntryRule::Cooldown { days } => {
            if last.is_some_and(|at| now.saturating_sub(at) < i64::from(days).saturating_mul(DAY_MS)) {
                return Ok(());
            }
            e.event_id.clone()
        }
    };
    if inside > 0 {
        return Ok(());
    }
    let Some(first) = def.steps.first() else {
        return Ok(());
    };
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO journey_runs (id, brand_id, journey_id, version, profile_id, status, step_id, seq, entry_key, \
         entered_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'active', $6, 0, $7, $8, $8) \
         ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(&e.brand_id)
    .bind(journey_id)
    .bind(version)
    .bind(&e.profile_id)
    .bind(&first.id)
    .bind(&entry_key)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(());
    }
    let run = Run {
        id,
        brand_id: e.brand_id.clone(),
        journey_id: journey_id.to_owned(),
        version,
        profile_id: e.profile_id.clone(),
        step_id: first.id.clone(),
        seq: 0,
        entered_at: now,
    };
    timeline(conn, &run, def, "journey_entered", json!({}), now).await?;
    walk(conn, run, def, now).await
}

/// A parked run's timer: a wait is over, or a wait for an event timed out.
async fn on_timer(conn: &mut AnyConnection, t: &Timer, now: i64) -> Result<()> {
    let run: Option<Run> = sqlx::query_as(&format!(
        "SELECT {RUN_COLUMNS} FROM journey_runs WHERE id = $1 AND status = 'active' AND seq = $2"
    ))
    .bind(&t.run_id)
    .bind(t.seq)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(run) = run else {
        // It moved on (the event came first) or it ended: nothing is due.
        return Ok(());
    };
    let def = definition(conn, &run.journey_id, run.version).await?;
    let way = def
        .steps
        .iter()
        .find(|s| s.id == run.step_id)
        .and_then(|s| match &s.action {
            StepAction::Wait { next, .. } => Some(("next", next.clone())),
            StepAction::WaitFor { timeout_next, .. } => Some(("timeout", timeout_next.clone())),
            _ => None,
        });
    match way {
        Some((way, next)) => leave(conn, &run, &def, way, &next, now).await,
        None => Ok(()),
    }
}

/// Takes a parked run out of its step the `way` it went, if nobody did first, and walks on from `next`.
async fn leave(conn: &mut AnyConnection, run: &Run, def: &JourneyInput, way: &str, next: &str, now: i64) -> Result<()> {
    let moved = sqlx::query(
        "UPDATE journey_runs SET seq = seq + 1, step_id = $3, waiting_for = NULL, updated_at = $4 \
         WHERE id = $1 AND seq = $2 AND status = 'active'",
    )
    .bind(&run.id)
    .bind(run.seq)
    .bind(next)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(());
    }
    took(conn, run, &run.step_id, run.seq, way, now).await?;
    let mut moved_on = run.clone();
    moved_on.step_id = next.to_owned();
    moved_on.seq += 1;
    walk(conn, moved_on, def, now).await
}

/// Walks a run from its current step through every step that acts at once, until it parks or ends.
async fn walk(conn: &mut AnyConnection, mut run: Run, def: &JourneyInput, now: i64) -> Result<()> {
    for _ in 0..MAX_HOPS {
        let Some(step) = def.steps.iter().find(|s| s.id == run.step_id) else {
            return Err(anyhow::anyhow!("journey {} has no step {}", run.journey_id, run.step_id).into());
        };
        let (way, next) = match &step.action {
            StepAction::Wait { minutes, .. } => {
                return park(
                    conn,
                    &run,
                    None,
                    now.saturating_add(i64::from(*minutes) * MINUTE_MS),
                    now,
                )
                .await;
            }
            StepAction::WaitFor {
                event_type,
                timeout_minutes,
                ..
            } => {
                let due = now.saturating_add(i64::from(*timeout_minutes) * MINUTE_MS);
                return park(conn, &run, Some(event_type.as_str()), due, now).await;
            }
            StepAction::Exit => {
                took(conn, &run, &run.step_id, run.seq, "end", now).await?;
                sqlx::query(
                    "UPDATE journey_runs SET status = 'done', seq = $2, step_id = $3, ended_at = $4, updated_at = $4 \
                     WHERE id = $1",
                )
                .bind(&run.id)
                .bind(run.seq + 1)
                .bind(&run.step_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                return timeline(conn, &run, def, "journey_completed", json!({}), now).await;
            }
            StepAction::Branch { condition, yes, no } => {
                if holds(conn, &run, condition, now).await? {
                    ("yes", yes.clone())
                } else {
                    ("no", no.clone())
                }
            }
            StepAction::Send { message_id, next } => {
                let sent = crate::messaging::outbox::send_to_one(conn, &run.brand_id, message_id, &run.profile_id, now)
                    .await?;
                (if sent { "sent" } else { "had_it" }, next.clone())
            }
            StepAction::GivePoints { points, next } => {
                give_points(conn, &run, def, *points, now).await?;
                ("next", next.clone())
            }
            StepAction::SetAttribute { key, value, next } => {
                set_attribute(conn, &run, key, value, now).await?;
                ("next", next.clone())
            }
        };
        took(conn, &run, &run.step_id, run.seq, way, now).await?;
        run.step_id = next;
        run.seq += 1;
    }
    Err(anyhow::anyhow!("journey {} walked past {MAX_HOPS} steps at once", run.journey_id).into())
}

/// Parks a run at its step until `due` (a timer), awaiting `event_type` if it is a wait for an event.
async fn park(conn: &mut AnyConnection, run: &Run, event_type: Option<&str>, due: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE journey_runs SET step_id = $2, seq = $3, waiting_for = $4, updated_at = $5 WHERE id = $1")
        .bind(&run.id)
        .bind(&run.step_id)
        .bind(run.seq)
        .bind(event_type)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let job = NewJob::new(
        TIMER,
        format!("{}:{}", run.id, run.seq),
        json!({ "run_id": run.id, "seq": run.seq }),
        due,
    )
    .for_brand(&run.brand_id)
    .attempts(5);
    jobs::enqueue(conn, &job, now).await?;
    Ok(())
}

/// Records that the run took step `seq` and went `way`. Its key is (run, seq): a step is taken once.
async fn took(conn: &mut AnyConnection, run: &Run, step_id: &str, seq: i64, way: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO journey_steps_taken (run_id, seq, journey_id, version, step_id, way, taken_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&run.id)
    .bind(seq)
    .bind(&run.journey_id)
    .bind(run.version)
    .bind(step_id)
    .bind(way)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Takes a person out of a run because of an exit event.
async fn exit(conn: &mut AnyConnection, run: &Run, def: &JourneyInput, because: &str, now: i64) -> Result<()> {
    let moved = sqlx::query(
        "UPDATE journey_runs SET status = 'exited', seq = seq + 1, waiting_for = NULL, ended_at = $3, updated_at = $3 \
         WHERE id = $1 AND seq = $2 AND status = 'active'",
    )
    .bind(&run.id)
    .bind(run.seq)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(());
    }
    took(conn, run, &run.step_id, run.seq, "exit", now).await?;
    timeline(conn, run, def, "journey_exited", json!({ "because": because }), now).await
}
