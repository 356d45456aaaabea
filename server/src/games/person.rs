//! Games' part in what happens to a person's profile: a merge moves the plays, an export lists them, an erasure
//! carries today's count to the person.

use sqlx::AnyConnection;

use crate::{db::rfc3339, error::Result, loyalty::vouchers};

/// Moves a merged-away profile's plays onto the survivor, inside the merge's transaction, so today's plays
/// count once for the person. A play whose idempotency key the survivor also used (all but impossible: keys
/// are random per tap) stays where it was.
pub async fn merge_plays(conn: &mut AnyConnection, brand_id: &str, from: &str, into: &str) -> Result<()> {
    sqlx::query(
        "UPDATE game_plays SET profile_id = $1 WHERE profile_id = $2 AND brand_id = $3 AND NOT EXISTS ( \
           SELECT 1 FROM game_plays s WHERE s.profile_id = $1 AND s.game_id = game_plays.game_id \
           AND s.idempotency_key = game_plays.idempotency_key)",
    )
    .bind(into)
    .bind(from)
    .bind(brand_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ExportRow {
    game: String,
    prize: Option<String>,
    kind: String,
    gift_code: Option<String>,
    played_at: i64,
}

/// A member's plays for a data export, oldest first.
pub async fn export_plays(conn: &mut AnyConnection, profile_id: &str) -> Result<Vec<app::api::ExportedPlay>> {
    let rows: Vec<ExportRow> = sqlx::query_as(
        "SELECT g.name AS game, z.label AS prize, p.prize_kind AS kind, p.gift_code, p.created_at AS played_at \
         FROM game_plays p \
         JOIN games g ON g.id = p.game_id LEFT JOIN game_prizes z ON z.id = p.prize_id \
         WHERE p.profile_id = $1 ORDER BY p.created_at, p.id",
    )
    .bind(profile_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| app::api::ExportedPlay {
            gift_code: r.gift_code.as_deref().map(vouchers::display_code),
            played_at: rfc3339(r.played_at),
            game: r.game,
            prize: r.prize,
            kind: r.kind,
        })
        .collect())
}

/// Games' part of a merge (the plays move, so a person's plays today count once), of a data export (the plays
/// and prizes) and of an erasure. Plays hold no personal data beyond the profile, so an erasure keeps them for
/// the budgets, and carries today's count to the person (see [`quota`]).
pub fn hooks() -> crate::profiles::hooks::AreaHooks {
    crate::profiles::hooks::AreaHooks {
        area: "games",
        merge: Some(|conn, brand_id, from, into| Box::pin(merge_plays(conn, brand_id, from, into))),
        export: Some(|conn, _brand_id, profile_id, export| {
            Box::pin(async move {
                export.game_plays = export_plays(conn, profile_id).await?;
                Ok(())
            })
        }),
        erase: Some(|conn, brand_id, profile_id| Box::pin(super::quota::carry_over(conn, brand_id, profile_id))),
        summary: None,
    }
}
