//! A profile's identifiers, one owner per (brand, kind, value): who holds one, attaching (a verified sighting
//! upgrades an unverified one), claims that never merge, identifiers a provider vouched for, taking one off, and
//! the conflicts recorded when two profiles want the same identifier.

use sqlx::AnyConnection;

use crate::{
    db::{new_id, now_ms},
    error::Result,
};

pub(super) async fn owner(conn: &mut AnyConnection, brand_id: &str, kind: &str, value: &str) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT profile_id FROM identities WHERE brand_id = $1 AND kind = $2 AND value = $3")
            .bind(brand_id)
            .bind(kind)
            .bind(value)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|(p,)| p))
}

/// Attaches an identifier to a profile, or refreshes it when it is already there. A verified sighting upgrades
/// an unverified one; an unverified one never downgrades.
pub(super) async fn attach(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    (kind, value): (&str, &str),
    verified: bool,
    source: &str,
) -> Result<()> {
    let now = now_ms();
    let updated = sqlx::query(
        "UPDATE identities SET last_seen_at = $1, verified = CASE WHEN $2 = 1 THEN 1 ELSE verified END \
         WHERE brand_id = $3 AND kind = $4 AND value = $5 AND profile_id = $6",
    )
    .bind(now)
    .bind(i64::from(verified))
    .bind(brand_id)
    .bind(kind)
    .bind(value)
    .bind(profile_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        sqlx::query(
            "INSERT INTO identities (id, brand_id, profile_id, kind, value, verified, source, first_seen_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(new_id())
        .bind(brand_id)
        .bind(profile_id)
        .bind(kind)
        .bind(value)
        .bind(i64::from(verified))
        .bind(source)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(super) async fn record_conflict(
    conn: &mut AnyConnection,
    brand_id: &str,
    (kind, value): (&str, &str),
    profile_id: &str,
    other: &str,
    reason: &str,
) -> Result<()> {
    // Recorded once per pair and reason, so repeating a call (or an import) adds nothing.
    sqlx::query(
        "INSERT INTO identity_conflicts (id, brand_id, kind, value, profile_id, other_profile_id, reason, created_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM identity_conflicts \
         WHERE brand_id = $2 AND kind = $3 AND value = $4 AND profile_id = $5 AND other_profile_id = $6 AND reason = $7)",
    )
    .bind(new_id())
    .bind(brand_id)
    .bind(kind)
    .bind(value)
    .bind(profile_id)
    .bind(other)
    .bind(reason)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    tracing::warn!(kind, profile = %profile_id, other = %other, reason, "identity conflict recorded");
    Ok(())
}

/// What [`claim`] did with an unverified identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimed {
    /// Attached to the profile (or already there).
    Attached,
    /// Another profile holds it: nothing merged, the conflict is recorded.
    Conflict,
}

/// Attaches an unverified claim (a phone typed into a form, an e-mail) to a profile. It never merges: when
/// another profile already holds the identifier, the conflict is recorded and nothing moves.
pub async fn claim(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    identity: (&str, &str),
    source: &str,
) -> Result<Claimed> {
    match owner(conn, brand_id, identity.0, identity.1).await? {
        Some(other) if other != profile_id => {
            record_conflict(
                conn,
                brand_id,
                identity,
                profile_id,
                &other,
                "claimed_by_another_profile",
            )
            .await?;
            Ok(Claimed::Conflict)
        }
        _ => {
            attach(conn, brand_id, profile_id, identity, false, source).await?;
            Ok(Claimed::Attached)
        }
    }
}

/// Attaches an identifier a provider vouched for (a Zalo OA follower id that a signed webhook tied to the
/// person's mini app id). An unverified claim of it by another profile gives way (the conflict is recorded); a
/// verified one held by another profile stays, and this is recorded as a conflict instead.
pub async fn link_verified(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    identity: (&str, &str),
    source: &str,
) -> Result<Claimed> {
    let held: Option<(String, i64)> =
        sqlx::query_as("SELECT profile_id, verified FROM identities WHERE brand_id = $1 AND kind = $2 AND value = $3")
            .bind(brand_id)
            .bind(identity.0)
            .bind(identity.1)
            .fetch_optional(&mut *conn)
            .await?;
    match held {
        Some((other, verified)) if other != profile_id => {
            record_conflict(
                conn,
                brand_id,
                identity,
                profile_id,
                &other,
                "claimed_by_another_profile",
            )
            .await?;
            if verified == 1 {
                return Ok(Claimed::Conflict);
            }
            sqlx::query(
                "UPDATE identities SET profile_id = $1, verified = 1, source = $2, last_seen_at = $3 \
                 WHERE brand_id = $4 AND kind = $5 AND value = $6",
            )
            .bind(profile_id)
            .bind(source)
            .bind(now_ms())
            .bind(brand_id)
            .bind(identity.0)
            .bind(identity.1)
            .execute(&mut *conn)
            .await?;
            Ok(Claimed::Attached)
        }
        _ => {
            attach(conn, brand_id, profile_id, identity, true, source).await?;
            Ok(Claimed::Attached)
        }
    }
}

/// Takes an identifier off a profile (an OA follower who unfollowed is no longer reachable there).
pub async fn detach(conn: &mut AnyConnection, brand_id: &str, profile_id: &str, identity: (&str, &str)) -> Result<()> {
    sqlx::query("DELETE FROM identities WHERE brand_id = $1 AND profile_id = $2 AND kind = $3 AND value = $4")
        .bind(brand_id)
        .bind(profile_id)
        .bind(identity.0)
        .bind(identity.1)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The values of one kind of identifier a profile holds (its Zalo ids, its claimed OA follower ids).
pub async fn identity_values(conn: &mut AnyConnection, profile_id: &str, kind: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT value FROM identities WHERE profile_id = $1 AND kind = $2")
        .bind(profile_id)
        .bind(kind)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(|(v,)| v).collect())
}

/// The profile holding an identifier, if any.
pub async fn owner_of(conn: &mut AnyConnection, brand_id: &str, identity: (&str, &str)) -> Result<Option<String>> {
    owner(conn, brand_id, identity.0, identity.1).await
}
