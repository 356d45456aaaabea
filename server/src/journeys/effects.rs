//! What a run's steps do to the person and ask of them: a branch's question, points through the ledger, an
//! attribute, the timeline's entries. Each runs in the transaction of the move that takes the step.

use app::api::{JourneyInput, StepCondition};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::run::Run;
use crate::{
    error::Result,
    events::{self, Campaign, NewEvent},
    loyalty::ledger::{self, Credit, Kind, Source},
};

const MINUTE_MS: i64 = 60_000;

/// Whether a branch's condition holds for the run's person now.
pub(super) async fn holds(conn: &mut AnyConnection, run: &Run, condition: &StepCondition, now: i64) -> Result<bool> {
    let count: i64 = match condition {
        StepCondition::DidEvent {
            event_type,
            within_minutes,
        } => {
            let since = within_minutes.map_or(run.entered_at, |m| now.saturating_sub(i64::from(m) * MINUTE_MS));
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM events WHERE profile_id = $1 AND type = $2 AND occurred_at >= $3")
                    .bind(&run.profile_id)
                    .bind(event_type)
                    .bind(since)
                    .fetch_one(&mut *conn)
                    .await?;
            n
        }
        StepCondition::InSegment { segment_id } => {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM segment_members WHERE segment_id = $1 AND profile_id = $2")
                    .bind(segment_id)
                    .bind(&run.profile_id)
                    .fetch_one(&mut *conn)
                    .await?;
            n
        }
        StepCondition::Attribute { key, equals } => {
            let [quoted, typed] = crate::profiles::attribute_value_forms(equals);
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM profile_attributes WHERE profile_id = $1 AND key = $2 AND (value = $3 OR value = $4)",
            )
            .bind(&run.profile_id)
            .bind(key)
            .bind(quoted)
            .bind(typed)
            .fetch_one(&mut *conn)
            .await?;
            n
        }
        StepCondition::MessageRead { message_id } => {
            let (read, _) = crate::messaging::outbox::engagement(conn, message_id, &run.profile_id).await?;
            i64::from(read)
        }
        StepCondition::MessageClicked { message_id } => {
            let (_, clicked) = crate::messaging::outbox::engagement(conn, message_id, &run.profile_id).await?;
            i64::from(clicked)
        }
        StepCondition::LeadScore { min } => {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM lead_scores WHERE profile_id = $1 AND score >= $2")
                .bind(&run.profile_id)
                .bind(*min)
                .fetch_one(&mut *conn)
                .await?;
            // No score yet is 0.
            n + i64::from(*min <= 0 && !has_score(conn, &run.profile_id).await?)
        }
        StepCondition::Random { percent } => i64::from(bucket(&run.id) < *percent),
    };
    Ok(count > 0)
}

async fn has_score(conn: &mut AnyConnection, profile_id: &str) -> Result<bool> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM lead_scores WHERE profile_id = $1")
        .bind(profile_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n > 0)
}

/// A run's place from 0 to 99 in a random split: fixed by its id, so a retried step goes the same way.
fn bucket(run_id: &str) -> u32 {
    let digest = Sha256::digest(run_id.as_bytes());
    u32::from(u16::from_be_bytes([digest[0], digest[1]])) % 100
}

pub(super) async fn give_points(
    conn: &mut AnyConnection,
    run: &Run,
    def: &JourneyInput,
    points: i64,
    now: i64,
) -> Result<()> {
    ledger::lock(conn, &run.brand_id, &run.profile_id, now).await?;
    let key = format!("journey:{}:{}", run.id, run.seq);
    let credit = Credit {
        kind: Kind::Earn,
        points,
        available_at: now,
        expires_at: None,
        rule_id: None,
        source: Source {
            kind: "journey",
            reference: &run.id,
            key: &key,
            label: Some(&def.name),
            reason: None,
            actor: "server",
        },
    };
    ledger::credit(conn, &run.brand_id, &run.profile_id, &credit, now).await?;
    Ok(())
}

pub(super) async fn set_attribute(conn: &mut AnyConnection, run: &Run, key: &str, value: &str, now: i64) -> Result<()> {
    sqlx::query("DELETE FROM profile_attributes WHERE profile_id = $1 AND key = $2")
        .bind(&run.profile_id)
        .bind(key)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO profile_attributes (brand_id, profile_id, key, value_type, value, source, updated_at) \
         VALUES ($1, $2, $3, 'string', $4, 'journey', $5)",
    )
    .bind(&run.brand_id)
    .bind(&run.profile_id)
    .bind(key)
    .bind(serde_json::Value::from(value).to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A run's moment on the person's timeline (appended: no journey reacts to journeys).
pub(super) async fn timeline(
    conn: &mut AnyConnection,
    run: &Run,
    def: &JourneyInput,
    event_type: &str,
    mut properties: serde_json::Value,
    now: i64,
) -> Result<()> {
    properties["journey_id"] = json!(run.journey_id);
    properties["journey"] = json!(def.name);
    properties["version"] = json!(run.version);
    properties["run_id"] = json!(run.id);
    events::append(
        conn,
        &run.brand_id,
        &NewEvent {
            profile_id: &run.profile_id,
            event_type,
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

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn a_random_split_is_even_and_fixed_per_run() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("run-{i}")).collect();
        let yes = ids.iter().filter(|id| bucket(id) < 30).count();
        assert!((2_700..3_300).contains(&yes), "{yes} of 10,000 under 30%");
        assert_eq!(bucket("run-7"), bucket("run-7"));
    }
}
