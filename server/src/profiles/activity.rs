//! When a person was last active: `profiles.last_seen_at`, which the console's "active in 30 days" and its
//! customer list read. Every event the person caused moves it, through a durable reactor: the event's
//! transaction only enqueues a job (one per profile a minute, however many events), and a worker sets the time.

use app::api::EventType;
use serde::Deserialize;
use serde_json::json;

use crate::{
    clock::Clock,
    db::Db,
    events::reactors::Durable,
    jobs::{NewJob, Registry},
};

/// The job that moves a profile's last activity.
pub const SEEN: &str = "profiles.seen";

/// The durable reactor: any event the person caused enqueues [`SEEN`] for their profile.
pub fn reactor() -> Durable {
    Durable {
        name: SEEN,
        // The person's own doings and brands' custom events count; the brand's bookkeeping does not.
        wants: |event_type| EventType::parse(event_type).is_none_or(EventType::is_activity),
        job: |event, now| {
            NewJob::new(
                SEEN,
                format!("{}:{}", event.profile_id, now.div_euclid(60_000)),
                json!({ "profile_id": event.profile_id }),
                now,
            )
            .for_brand(event.brand_id)
            .attempts(3)
        },
    }
}

#[derive(Deserialize)]
struct Seen {
    profile_id: String,
}

/// Registers [`SEEN`]: the profile's last activity becomes its latest activity event's time (never later than
/// now, never earlier than it was).
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (db, clock) = (db.clone(), clock.clone());
    registry.handle(SEEN, move |job| {
        let (db, clock) = (db.clone(), clock.clone());
        async move {
            let seen: Seen = job.payload()?;
            let not_activity = EventType::ALL
                .iter()
                .filter(|t| !t.is_activity())
                .map(|t| format!("'{}'", t.as_str()))
                .collect::<Vec<_>>()
                .join(", ");
            let sql =
                format!("SELECT MAX(occurred_at) FROM events WHERE profile_id = $1 AND type NOT IN ({not_activity})");
            let (latest,): (Option<i64>,) = sqlx::query_as(&sql).bind(&seen.profile_id).fetch_one(db.read()).await?;
            if let Some(latest) = latest.map(|at| at.min(clock.now_ms())) {
                sqlx::query(
                    "UPDATE profiles SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1 AND erased_at IS NULL",
                )
                .bind(latest)
                .bind(&seen.profile_id)
                .execute(db.write())
                .await?;
            }
            Ok(())
        }
    });
}
