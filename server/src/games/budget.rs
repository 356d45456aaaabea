//! A prize's budgets: taken in the play's transaction by a guarded update, so concurrent plays can never give more
//! than a budget holds, and given back when the play falls through.

use sqlx::AnyConnection;

use super::PrizeRow;
use crate::error::Result;

/// Takes one of a prize from its budgets (and, for a voucher, from its reward's stock); false when any of them
/// is spent, in which case nothing was taken.
pub(super) async fn take_budget(conn: &mut AnyConnection, prize: &PrizeRow, day: i64) -> Result<bool> {
    let taken = sqlx::query(
        "UPDATE game_prizes SET given = given + 1 WHERE id = $1 AND (budget_total IS NULL OR given < budget_total)",
    )
    .bind(&prize.id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if taken != 1 {
        return Ok(false);
    }
    if let Some(daily) = prize.budget_daily {
        sqlx::query("INSERT INTO game_prize_days (prize_id, day, given) VALUES ($1, $2, 0) ON CONFLICT (prize_id, day) DO NOTHING")
            .bind(&prize.id)
            .bind(day)
            .execute(&mut *conn)
            .await?;
        let taken =
            sqlx::query("UPDATE game_prize_days SET given = given + 1 WHERE prize_id = $1 AND day = $2 AND given < $3")
                .bind(&prize.id)
                .bind(day)
                .bind(daily)
                .execute(&mut *conn)
                .await?
                .rows_affected();
        if taken != 1 {
            give_back_total(conn, &prize.id).await?;
            return Ok(false);
        }
    }
    if prize.kind == "voucher" {
        let taken = sqlx::query(
            "UPDATE rewards SET stock = CASE WHEN stock IS NULL THEN NULL ELSE stock - 1 END, issued = issued + 1 \
             WHERE id = $1 AND (stock IS NULL OR stock > 0)",
        )
        .bind(prize.reward_id.as_deref().unwrap_or_default())
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if taken != 1 {
            give_back_total(conn, &prize.id).await?;
            if prize.budget_daily.is_some() {
                sqlx::query("UPDATE game_prize_days SET given = given - 1 WHERE prize_id = $1 AND day = $2")
                    .bind(&prize.id)
                    .bind(day)
                    .execute(&mut *conn)
                    .await?;
            }
            return Ok(false);
        }
    }
    Ok(true)
}

pub(super) async fn give_back_total(conn: &mut AnyConnection, prize_id: &str) -> Result<()> {
    sqlx::query("UPDATE game_prizes SET given = given - 1 WHERE id = $1")
        .bind(prize_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
