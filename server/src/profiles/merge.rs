//! Merging two profiles of one person: everything of the merged profile moves to the survivor, the merged
//! profile's row stays as a pointer, and the merge is on record.

use app::api::ErrorCode;
use sqlx::AnyConnection;

use crate::{
    auth,
    db::{new_id, now_ms},
    error::{Error, Result},
    events::{self, Campaign, NewEvent, record},
};

/// The error a merge answers when another request changed one of the profiles first; callers retry.
pub fn concurrent_update() -> Error {
    Error::new(
        axum::http::StatusCode::CONFLICT,
        ErrorCode::ConcurrentUpdate,
        "The profile changed while this request ran; try again.",
    )
}

/// Locks a profile row for the transaction and checks that it has not been merged away.
async fn lock_live(conn: &mut AnyConnection, brand_id: &str, profile_id: &str, now: i64) -> Result<()> {
    let touched =
        sqlx::query("UPDATE profiles SET updated_at = $1 WHERE id = $2 AND brand_id = $3 AND merged_into IS NULL")
            .bind(now)
            .bind(profile_id)
            .bind(brand_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if touched == 1 { Ok(()) } else { Err(concurrent_update()) }
}

/// Merges `from` into `into` inside the caller's transaction: identities, events and sessions move, `from`
/// points at `into`, and both the merge row and a `profile_merged` event record who merged what and why.
pub async fn merge(
    conn: &mut AnyConnection,
    brand_id: &str,
    from: &str,
    into: &str,
    reason: &str,
    actor: &str,
) -> Result<()> {
    if from == into {
        return Ok(());
    }
    let now = now_ms();
    // Lock both rows in one global order so two crossing merges wait for each other instead of deadlocking,
    // and the second one finds its profile merged away and retries.
    let (first, second) = if from < into { (from, into) } else { (into, from) };
    lock_live(conn, brand_id, first, now).await?;
    lock_live(conn, brand_id, second, now).await?;

    for sql in [
        "UPDATE identities SET profile_id = $1 WHERE profile_id = $2 AND brand_id = $3",
        // Attributes the survivor lacks move; where both have one, the survivor's stays.
        "UPDATE profile_attributes SET profile_id = $1 WHERE profile_id = $2 AND brand_id = $3 \
         AND key NOT IN (SELECT key FROM profile_attributes WHERE profile_id = $1)",
        "DELETE FROM profile_attributes WHERE profile_id = $2 AND brand_id = $3 AND $1 <> ''",
        "UPDATE profiles SET merged_into = $1 WHERE id = $2 AND brand_id = $3",
    ] {
        sqlx::query(sql)
            .bind(into)
            .bind(from)
            .bind(brand_id)
            .execute(&mut *conn)
            .await?;
    }
    events::move_profile(conn, brand_id, from, into).await?;
    auth::tokens::move_sessions(conn, brand_id, from, into).await?;
    // Every area moves the rows it owns (consents, points, plays, responses, …).
    super::hooks::merged(conn, brand_id, from, into).await?;
    sqlx::query(
        "UPDATE profiles SET search_name = CASE WHEN display_name IS NULL \
         THEN (SELECT search_name FROM profiles WHERE id = $1) ELSE search_name END, \
         display_name = COALESCE(display_name, (SELECT display_name FROM profiles WHERE id = $1)), \
         avatar_url = COALESCE(avatar_url, (SELECT avatar_url FROM profiles WHERE id = $1)), \
         created_at = CASE WHEN created_at < (SELECT created_at FROM profiles WHERE id = $1) THEN created_at \
         ELSE (SELECT created_at FROM profiles WHERE id = $1) END WHERE id = $2",
    )
    .bind(from)
    .bind(into)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO profile_merges (id, brand_id, from_profile_id, into_profile_id, reason, actor, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(brand_id)
    .bind(from)
    .bind(into)
    .bind(reason)
    .bind(actor)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let properties = serde_json::json!({ "merged_profile_id": from, "reason": reason, "actor": actor });
    record(
        conn,
        brand_id,
        &NewEvent {
            profile_id: into,
            event_type: "profile_merged",
            occurred_at: now,
            source: "server",
            properties: &properties,
            campaign: &Campaign::default(),
            idempotency_key: None,
        },
    )
    .await?;
    metrics::counter!("cham_profile_merges_total", "reason" => reason.to_owned()).increment(1);
    tracing::info!(%from, %into, reason, "profiles merged");
    Ok(())
}
