//! Journeys: a versioned graph of typed steps a person walks through, one run per entry. An event a live journey
//! listens to (its trigger, an exit event, an awaited event) sets off [`run::EVENT`] in the event's transaction;
//! each wait is a durable [`run::TIMER`] job due at its time. Every move of a run is one guarded update of its
//! `seq` in the transaction that does the step's work, so a step happens once however many workers race for it.
//! Owns `journeys`, `journey_versions`, `journey_runs`, `journey_steps_taken` and `journey_listens`.

mod admin;
pub mod check;
mod effects;
pub mod run;

use app::api::{JourneyInput, StepAction};
use sqlx::AnyConnection;
use utoipa_axum::router::OpenApiRouter;

use crate::{AppState, error::Result, profiles::hooks::AreaHooks};

pub use run::{reactor, register};

/// The journey routes.
pub fn router() -> OpenApiRouter<AppState> {
    admin::router()
}

/// A journey's definition at a version.
pub async fn definition(conn: &mut AnyConnection, journey_id: &str, version: i64) -> Result<JourneyInput> {
    let (text,): (String,) =
        sqlx::query_as("SELECT definition FROM journey_versions WHERE journey_id = $1 AND version = $2")
            .bind(journey_id)
            .bind(version)
            .fetch_one(&mut *conn)
            .await?;
    Ok(serde_json::from_str(&text).map_err(anyhow::Error::from)?)
}

/// Rewrites the event types a journey listens to: its trigger while it is active, and the exit and awaited
/// events of its current version and of every version someone is still inside.
pub async fn refresh_listens(conn: &mut AnyConnection, brand_id: &str, journey_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM journey_listens WHERE journey_id = $1")
        .bind(journey_id)
        .execute(&mut *conn)
        .await?;
    let (status, version, trigger): (String, i64, String) =
        sqlx::query_as("SELECT status, version, trigger_type FROM journeys WHERE id = $1")
            .bind(journey_id)
            .fetch_one(&mut *conn)
            .await?;
    let mut types = Vec::new();
    if status == "active" {
        types.push(trigger);
    }
    let mut versions: Vec<i64> = sqlx::query_as::<_, (i64,)>(
        "SELECT DISTINCT version FROM journey_runs WHERE journey_id = $1 AND status = 'active'",
    )
    .bind(journey_id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(v,)| v)
    .collect();
    if status != "draft" {
        versions.push(version);
    }
    versions.sort_unstable();
    versions.dedup();
    for v in versions {
        let def = definition(conn, journey_id, v).await?;
        types.extend(def.exit_on.iter().cloned());
        for step in &def.steps {
            if let StepAction::WaitFor { event_type, .. } = &step.action {
                types.push(event_type.clone());
            }
        }
    }
    types.sort();
    types.dedup();
    for t in types {
        sqlx::query(
            "INSERT INTO journey_listens (brand_id, event_type, journey_id) VALUES ($1, $2, $3) \
             ON CONFLICT (brand_id, event_type, journey_id) DO NOTHING",
        )
        .bind(brand_id)
        .bind(&t)
        .bind(journey_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Journeys' part in merges and erasures: the duplicate's runs become the survivor's (but one run inside a
/// journey at a time); an erased person's runs
/// and the steps they took go.
pub fn hooks() -> AreaHooks {
    AreaHooks {
        area: "journeys",
        merge: Some(|conn, _brand_id, from, into| {
            Box::pin(async move {
                // One run inside a journey per person: where both were inside the same one, the survivor's goes on.
                sqlx::query(
                    "UPDATE journey_runs SET status = 'exited', waiting_for = NULL, ended_at = updated_at \
                     WHERE profile_id = $2 AND status = 'active' AND journey_id IN \
                     (SELECT journey_id FROM journey_runs WHERE profile_id = $1 AND status = 'active')",
                )
                .bind(into)
                .bind(from)
                .execute(&mut *conn)
                .await?;
                sqlx::query("UPDATE journey_runs SET profile_id = $1 WHERE profile_id = $2")
                    .bind(into)
                    .bind(from)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        }),
        export: None,
        erase: Some(|conn, _brand_id, profile_id| {
            Box::pin(async move {
                sqlx::query(
                    "DELETE FROM journey_steps_taken WHERE run_id IN (SELECT id FROM journey_runs WHERE profile_id = $1)",
                )
                .bind(profile_id)
                .execute(&mut *conn)
                .await?;
                sqlx::query("DELETE FROM journey_runs WHERE profile_id = $1")
                    .bind(profile_id)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        }),
        summary: None,
    }
}
