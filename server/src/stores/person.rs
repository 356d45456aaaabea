//! What the stores area keeps about a person, in merges, exports and erasures: check-ins and purchase claims move
//! to the profile a duplicate is merged into (a day's second check-in at a store is dropped, so a person still
//! checks in once a day), both are in the person's export, and an erasure forgets where they were.

use sqlx::AnyConnection;

use super::{check_ins, claims};
use crate::{error::Result, profiles::hooks::AreaHooks};

async fn merge(conn: &mut AnyConnection, brand_id: &str, from: &str, into: &str) -> Result<()> {
    sqlx::query(
        "DELETE FROM store_check_ins WHERE brand_id = $1 AND profile_id = $2 AND EXISTS (\
         SELECT 1 FROM store_check_ins k WHERE k.profile_id = $3 AND k.store_id = store_check_ins.store_id \
         AND k.day = store_check_ins.day)",
    )
    .bind(brand_id)
    .bind(from)
    .bind(into)
    .execute(&mut *conn)
    .await?;
    for table in ["store_check_ins", "purchase_claims"] {
        sqlx::query(&format!(
            "UPDATE {table} SET profile_id = $1 WHERE brand_id = $2 AND profile_id = $3"
        ))
        .bind(into)
        .bind(brand_id)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn erase(conn: &mut AnyConnection, brand_id: &str, profile_id: &str) -> Result<()> {
    sqlx::query("UPDATE store_check_ins SET latitude = NULL, longitude = NULL WHERE brand_id = $1 AND profile_id = $2")
        .bind(brand_id)
        .bind(profile_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The stores area's part in merges, exports and erasures.
pub fn hooks() -> AreaHooks {
    AreaHooks {
        area: "stores",
        merge: Some(|conn, brand_id, from, into| Box::pin(merge(conn, brand_id, from, into))),
        export: Some(|conn, brand_id, profile_id, export| {
            Box::pin(async move {
                export.check_ins = check_ins::of_member(conn, brand_id, profile_id).await?;
                export.purchase_claims = claims::of_member(conn, brand_id, profile_id, 1000).await?;
                Ok(())
            })
        }),
        erase: Some(|conn, brand_id, profile_id| Box::pin(erase(conn, brand_id, profile_id))),
        summary: None,
    }
}
