//! Points a form promised, credited when the person joins in the mini app: a sign-in (`session_started`) sets off
//! a job that credits each of their submissions' points once (the ledger's key is the submission's), the web
//! profile having merged into the member at that sign-in through the phone the form took.

use serde::Deserialize;
use serde_json::json;

use crate::{
    db::Db,
    error::Result,
    events::reactors::Durable,
    jobs::{NewJob, Registry},
    loyalty::ledger::{self, Credit, Kind, Source},
    platform::clock::Clock,
};

/// The job crediting a member's waiting form points.
pub const JOIN: &str = "website.join";

/// Sets off [`JOIN`] at a sign-in, once per profile a minute.
pub fn reactor() -> Durable {
    Durable {
        name: JOIN,
        wants: |event_type| event_type == "session_started",
        job: |event, now| {
            NewJob::new(
                JOIN,
                format!("{}:{}", event.profile_id, now.div_euclid(60_000)),
                json!({ "brand_id": event.brand_id, "profile_id": event.profile_id }),
                now,
            )
            .for_brand(event.brand_id)
            .attempts(5)
        },
    }
}

#[derive(Deserialize)]
struct Joined {
    brand_id: String,
    profile_id: String,
}

/// Credits the points waiting on `profile_id`'s submissions, in one transaction; how many submissions paid.
pub async fn credit_waiting(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    profile_id: &str,
    now: i64,
) -> Result<usize> {
    let waiting: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT s.id, s.points, f.name FROM form_submissions s JOIN web_forms f ON f.id = s.form_id \
         WHERE s.brand_id = $1 AND s.profile_id = $2 AND s.points > 0 AND s.points_credited_at IS NULL",
    )
    .bind(brand_id)
    .bind(profile_id)
    .fetch_all(&mut *conn)
    .await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    ledger::lock(conn, brand_id, profile_id, now).await?;
    for (id, points, form_name) in &waiting {
        let key = format!("form:{id}");
        let credit = Credit {
            kind: Kind::Earn,
            points: *points,
            available_at: now,
            expires_at: None,
            rule_id: None,
            source: Source {
                kind: "form",
                reference: id,
                key: &key,
                label: Some(form_name),
                reason: None,
                actor: "server",
            },
        };
        ledger::credit(conn, brand_id, profile_id, &credit, now).await?;
        sqlx::query("UPDATE form_submissions SET points_credited_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(waiting.len())
}

/// Registers [`JOIN`].
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (db, clock) = (db.clone(), clock.clone());
    registry.handle(JOIN, move |job| {
        let (db, clock) = (db.clone(), clock.clone());
        async move {
            let Joined { brand_id, profile_id } = job.payload()?;
            let now = clock.now_ms();
            let paid = db
                .transact(move |conn| Box::pin(async move { credit_waiting(conn, &brand_id, &profile_id, now).await }))
                .await?;
            if paid > 0 {
                tracing::info!(paid, "a form's points credited as the person joined");
            }
            Ok(())
        }
    });
}
