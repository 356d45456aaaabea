//! A member's plays per day: the game's daily plays, one more for each of today's events of the types that earn
//! one, less today's plays. The plays a person used today under a profile they then erased still count, so
//! deleting one's data and signing in again does not give a fresh day of plays.

use sqlx::AnyConnection;

use super::GameRow;
use crate::{db::now_ms, error::Result, loyalty::time, profiles};

/// The person mark purpose that carries a game's plays of one day past an erasure.
fn purpose(game_id: &str, day: i64) -> String {
    format!("game_plays:{game_id}:{day}")
}

/// How many plays the member has left today.
pub(super) async fn plays_left(
    conn: &mut AnyConnection,
    brand_id: &str,
    game: &GameRow,
    profile_id: &str,
    now: i64,
) -> Result<i64> {
    let day = time::day_start(now);
    let (played,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM game_plays WHERE profile_id = $1 AND game_id = $2 AND day = $3")
            .bind(profile_id)
            .bind(&game.id)
            .bind(day)
            .fetch_one(&mut *conn)
            .await?;
    let carried = profiles::marks::carried(conn, brand_id, profile_id, &purpose(&game.id, day), now).await?;
    let mut extra = 0_i64;
    for event_type in game.extra_events() {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM events WHERE profile_id = $1 AND type = $2 AND occurred_at >= $3 AND occurred_at < $4",
        )
        .bind(profile_id)
        .bind(&event_type)
        .bind(day)
        .bind(day + time::DAY_MS)
        .fetch_one(&mut *conn)
        .await?;
        extra = extra.saturating_add(n);
    }
    Ok(game
        .plays_per_day
        .saturating_add(extra)
        .saturating_sub(played)
        .saturating_sub(carried)
        .max(0))
}

/// Games' part of an erasure: today's plays of each game carry over to the person (their verified phone and
/// super-app ids, as keyed marks) until the day ends, then the marks are pruned.
pub(super) async fn carry_over(conn: &mut AnyConnection, brand_id: &str, profile_id: &str) -> Result<()> {
    let now = now_ms();
    let day = time::day_start(now);
    let today: Vec<(String, i64)> = sqlx::query_as(
        "SELECT game_id, COUNT(*) FROM game_plays WHERE profile_id = $1 AND brand_id = $2 AND day = $3 GROUP BY game_id",
    )
    .bind(profile_id)
    .bind(brand_id)
    .bind(day)
    .fetch_all(&mut *conn)
    .await?;
    for (game_id, played) in today {
        let purpose = purpose(&game_id, day);
        // What this profile itself carried from an earlier erasure is in the marks already; add its own plays.
        profiles::marks::carry(conn, brand_id, profile_id, &purpose, played, (now, day + time::DAY_MS)).await?;
    }
    Ok(())
}
