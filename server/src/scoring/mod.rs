//! Lead scores: a brand scores its people with points per event kind and per attribute value, an event's points
//! fading with the brand's half-life. A person's score is recomputed from their events and attributes whenever
//! they act (by the segments' per-person check, which then sees the fresh score: one job, not two), when the
//! brand changes its scoring, and daily while scores fade. Segments (`lead_score`), the console's profile and the
//! journeys read the stored score. Owns `lead_score_settings` and `lead_scores`.

mod admin;

use app::api::LeadScoring;
use serde::Deserialize;
use serde_json::json;
use sqlx::AnyConnection;
use utoipa_axum::router::OpenApiRouter;

use crate::{
    AppState,
    clock::Clock,
    db::Db,
    error::Result,
    jobs::{self, NewJob, Registry},
    profiles::hooks::AreaHooks,
};

/// Recomputes every scored person of one brand (after its scoring changed).
pub const RESCORE: &str = "scoring.rescore";
/// Recomputes the fading scores, daily.
pub const DAILY: &str = "scoring.daily";
/// The most recent events of a kind a score reads per person.
const EVENTS_READ: i64 = 10_000;
const DAY_MS: f64 = 86_400_000.0;

/// The lead scoring routes.
pub fn router() -> OpenApiRouter<AppState> {
    admin::router()
}

/// The brand's scoring, if it has one.
pub async fn settings(conn: &mut AnyConnection, brand_id: &str) -> Result<Option<LeadScoring>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT half_life_days, rules FROM lead_score_settings WHERE brand_id = $1")
            .bind(brand_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match row {
        Some((half_life, rules)) => {
            let mut s: LeadScoring = serde_json::from_str(&rules).map_err(anyhow::Error::from)?;
            s.half_life_days = u32::try_from(half_life).unwrap_or(0);
            Some(s)
        }
        None => None,
    })
}

/// What an event `age_ms` old still counts for.
fn fade(half_life_days: u32, age_ms: i64) -> f64 {
    if half_life_days == 0 {
        return 1.0;
    }
    let age_days = (age_ms.max(0) as f64) / DAY_MS;
    0.5_f64.powf(age_days / f64::from(half_life_days))
}

/// The person's score under `scoring` at `now`.
pub async fn score_of(conn: &mut AnyConnection, scoring: &LeadScoring, profile_id: &str, now: i64) -> Result<i64> {
    let mut total = 0.0_f64;
    for rule in &scoring.events {
        let times: Vec<(i64,)> = sqlx::query_as(
            "SELECT occurred_at FROM events WHERE profile_id = $1 AND type = $2 ORDER BY occurred_at DESC LIMIT $3",
        )
        .bind(profile_id)
        .bind(&rule.event_type)
        .bind(EVENTS_READ)
        .fetch_all(&mut *conn)
        .await?;
        let weight: f64 = times.iter().map(|(at,)| fade(scoring.half_life_days, now - at)).sum();
        total += weight * rule.points as f64;
    }
    if !scoring.attributes.is_empty() {
        let values: Vec<(String, String)> =
            sqlx::query_as("SELECT key, value FROM profile_attributes WHERE profile_id = $1")
                .bind(profile_id)
                .fetch_all(&mut *conn)
                .await?;
        for rule in &scoring.attributes {
            let forms = crate::profiles::attribute_value_forms(&rule.equals);
            if values.iter().any(|(k, v)| *k == rule.key && forms.contains(v)) {
                total += rule.points as f64;
            }
        }
    }
    // Bounded by construction (50 rules × 10,000 events × 1,000 points), kept well inside i64 anyway.
    Ok(total.round().clamp(-1e12, 1e12) as i64)
}

/// Recomputes and stores one person's score; `None` when the brand scores nobody.
pub async fn refresh(db: &Db, brand_id: &str, profile_id: &str, now: i64) -> Result<Option<i64>> {
    let mut conn = db.read().acquire().await?;
    let Some(scoring) = settings(&mut conn, brand_id).await? else {
        return Ok(None);
    };
    let score = score_of(&mut conn, &scoring, profile_id, now).await?;
    drop(conn);
    let (brand, profile) = (brand_id.to_owned(), profile_id.to_owned());
    db.transact(move |conn| Box::pin(async move { store(conn, &brand, &profile, score, now).await }))
        .await?;
    Ok(Some(score))
}

async fn store(conn: &mut AnyConnection, brand_id: &str, profile_id: &str, score: i64, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO lead_scores (profile_id, brand_id, score, computed_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (profile_id) DO UPDATE SET score = $3, computed_at = $4",
    )
    .bind(profile_id)
    .bind(brand_id)
    .bind(score)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The stored score of a person: (score, computed at).
pub async fn stored(db: &Db, profile_id: &str) -> Result<Option<(i64, i64)>> {
    Ok(
        sqlx::query_as("SELECT score, computed_at FROM lead_scores WHERE profile_id = $1")
            .bind(profile_id)
            .fetch_optional(db.read())
            .await?,
    )
}

#[derive(Deserialize)]
struct Rescore {
    brand_id: String,
}

/// Recomputes everyone of the brand who has a score or an event or attribute the scoring counts.
async fn rescore(db: &Db, brand_id: &str, now: i64) -> Result<usize> {
    let mut conn = db.read().acquire().await?;
    let Some(scoring) = settings(&mut conn, brand_id).await? else {
        return Ok(0);
    };
    let mut people: Vec<String> =
        sqlx::query_as::<_, (String,)>("SELECT profile_id FROM lead_scores WHERE brand_id = $1")
            .bind(brand_id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|(p,)| p)
            .collect();
    for rule in &scoring.events {
        let more: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT profile_id FROM events WHERE brand_id = $1 AND type = $2")
                .bind(brand_id)
                .bind(&rule.event_type)
                .fetch_all(&mut *conn)
                .await?;
        people.extend(more.into_iter().map(|(p,)| p));
    }
    for rule in &scoring.attributes {
        let [quoted, typed] = crate::profiles::attribute_value_forms(&rule.equals);
        let more: Vec<(String,)> = sqlx::query_as(
            "SELECT profile_id FROM profile_attributes WHERE brand_id = $1 AND key = $2 AND (value = $3 OR value = $4)",
        )
        .bind(brand_id)
        .bind(&rule.key)
        .bind(quoted)
        .bind(typed)
        .fetch_all(&mut *conn)
        .await?;
        people.extend(more.into_iter().map(|(p,)| p));
    }
    people.sort();
    people.dedup();
    drop(conn);
    for person in &people {
        refresh(db, brand_id, person, now).await?;
    }
    Ok(people.len())
}

/// The job recomputing a brand's scores, enqueued in the transaction that changed its scoring.
pub async fn enqueue_rescore(conn: &mut AnyConnection, brand_id: &str, now: i64) -> Result<()> {
    let job = NewJob::new(
        RESCORE,
        format!("{brand_id}:{now}"),
        json!({ "brand_id": brand_id }),
        now,
    )
    .for_brand(brand_id)
    .attempts(5);
    jobs::enqueue(conn, &job, now).await?;
    Ok(())
}

/// Registers the scoring jobs.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (d, c) = (db.clone(), clock.clone());
    registry.handle(RESCORE, move |job| {
        let (db, clock) = (d.clone(), c.clone());
        async move {
            let Rescore { brand_id } = job.payload()?;
            let n = rescore(&db, &brand_id, clock.now_ms()).await?;
            tracing::info!(people = n, "lead scores recomputed");
            Ok(())
        }
    });
    let (d, c) = (db.clone(), clock.clone());
    registry.handle(DAILY, move |_job| {
        let (db, clock) = (d.clone(), c.clone());
        async move {
            let fading: Vec<(String,)> =
                sqlx::query_as("SELECT brand_id FROM lead_score_settings WHERE half_life_days > 0")
                    .fetch_all(db.read())
                    .await?;
            for (brand_id,) in fading {
                rescore(&db, &brand_id, clock.now_ms()).await?;
            }
            Ok(())
        }
    });
    registry.every(DAILY, std::time::Duration::from_secs(24 * 3600));
}

/// Scoring's part in merges and erasures: the duplicate's score goes (the survivor's is recomputed at its next
/// event or the next rescoring), and so does an erased person's.
pub fn hooks() -> AreaHooks {
    AreaHooks {
        area: "scoring",
        merge: Some(|conn, _brand_id, from, _into| {
            Box::pin(async move {
                sqlx::query("DELETE FROM lead_scores WHERE profile_id = $1")
                    .bind(from)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        }),
        export: None,
        erase: Some(|conn, _brand_id, profile_id| {
            Box::pin(async move {
                sqlx::query("DELETE FROM lead_scores WHERE profile_id = $1")
                    .bind(profile_id)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        }),
        summary: None,
    }
}

#[cfg(test)]
mod tests {
    use super::fade;

    #[test]
    fn points_halve_every_half_life() {
        assert!((fade(0, 400 * 86_400_000) - 1.0).abs() < 1e-9);
        assert!((fade(30, 30 * 86_400_000) - 0.5).abs() < 1e-9);
        assert!((fade(30, 60 * 86_400_000) - 0.25).abs() < 1e-9);
        assert!((fade(30, -5) - 1.0).abs() < 1e-9, "an event in the future counts whole");
    }
}
