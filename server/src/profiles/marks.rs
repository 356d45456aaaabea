//! Person marks: keyed hashes (HMAC-SHA256 under a key derived from the master key) of a person's verified phone
//! and super-app ids, one set per purpose. They outlive an erasure, which deletes the identities themselves, so
//! that what is meant once per person is once per person: signing in afresh after deleting one's data does not
//! pay the welcome bonus again. A mark cannot be turned back into the phone or id without the server's key; it is
//! the minimum kept for this, and the privacy text says so.

use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::AnyConnection;

use crate::{clock::Clock, db::Db, error::Result, jobs::Registry};

/// Identity kinds that name one real person once verified.
const PERSON_KINDS: &[&str] = &["phone", "zalo_id", "momo_id"];

static KEY: OnceLock<[u8; 32]> = OnceLock::new();

/// Installs the key marks are made with (the server does, from its master key, before serving).
pub fn install_key(key: [u8; 32]) {
    let _ = KEY.set(key);
}

fn mark(kind: &str, value: &str) -> Result<String> {
    let key = KEY
        .get()
        .ok_or_else(|| anyhow::anyhow!("the person-mark key is not installed: start the server through the library"))?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|e| anyhow::anyhow!("{e}"))?;
    mac.update(kind.as_bytes());
    mac.update(b":");
    mac.update(value.as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// The marks of the person a profile is: one per verified phone and super-app id.
async fn marks_of(conn: &mut AnyConnection, brand_id: &str, profile_id: &str) -> Result<Vec<String>> {
    let identities: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, value FROM identities WHERE profile_id = $1 AND brand_id = $2 AND verified = 1")
            .bind(profile_id)
            .bind(brand_id)
            .fetch_all(&mut *conn)
            .await?;
    identities
        .iter()
        .filter(|(kind, _)| PERSON_KINDS.contains(&kind.as_str()))
        .map(|(kind, value)| mark(kind, value))
        .collect()
}

/// Claims `purpose` for the person a profile is, inside the caller's transaction: false when any of their
/// verified phone or super-app ids already holds it (they had it, under this profile or an erased one); else
/// marks them all and answers true. A profile with none of those verified claims it for itself only.
pub async fn claim_once(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    purpose: &str,
    now: i64,
) -> Result<bool> {
    let marks = marks_of(conn, brand_id, profile_id).await?;
    for m in &marks {
        let held: Option<(String,)> =
            sqlx::query_as("SELECT mark FROM person_marks WHERE brand_id = $1 AND purpose = $2 AND mark = $3")
                .bind(brand_id)
                .bind(purpose)
                .bind(m)
                .fetch_optional(&mut *conn)
                .await?;
        if held.is_some() {
            return Ok(false);
        }
    }
    for m in &marks {
        sqlx::query(
            "INSERT INTO person_marks (brand_id, purpose, mark, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (brand_id, purpose, mark) DO NOTHING",
        )
        .bind(brand_id)
        .bind(purpose)
        .bind(m)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

/// Carries `uses` of `purpose` (a count the person used, such as today's plays of a game) past the erasure of
/// the profile, until `expires_at`: called by an area's erasure hook while the identities still exist. Uses
/// carried before (an earlier erased profile of the same person) add up.
pub async fn carry(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    purpose: &str,
    uses: i64,
    (now, expires_at): (i64, i64),
) -> Result<()> {
    for m in marks_of(conn, brand_id, profile_id).await? {
        sqlx::query(
            "INSERT INTO person_marks (brand_id, purpose, mark, created_at, uses, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (brand_id, purpose, mark) \
             DO UPDATE SET uses = person_marks.uses + excluded.uses",
        )
        .bind(brand_id)
        .bind(purpose)
        .bind(&m)
        .bind(now)
        .bind(uses)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The uses of `purpose` the person a profile is carried over from profiles they erased (0 when none).
pub async fn carried(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    purpose: &str,
    now: i64,
) -> Result<i64> {
    let marks = marks_of(conn, brand_id, profile_id).await?;
    if marks.is_empty() {
        return Ok(0);
    }
    let placeholders = (0..marks.len())
        .map(|i| format!("${}", i + 4))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT CAST(COALESCE(MAX(uses), 0) AS BIGINT) FROM person_marks WHERE brand_id = $1 AND purpose = $2 \
         AND (expires_at IS NULL OR expires_at > $3) AND mark IN ({placeholders})"
    );
    let mut query = sqlx::query_as(&sql).bind(brand_id).bind(purpose).bind(now);
    for m in &marks {
        query = query.bind(m);
    }
    let (uses,): (i64,) = query.fetch_one(&mut *conn).await?;
    Ok(uses)
}

/// The job that deletes expired marks, daily.
pub const PRUNE: &str = "profiles.marks.prune";

/// Registers [`PRUNE`]: a mark that carried a count is kept only while it matters.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (db, clock) = (db.clone(), clock.clone());
    registry.handle(PRUNE, move |_job| {
        let (db, clock) = (db.clone(), clock.clone());
        async move {
            let pruned = sqlx::query("DELETE FROM person_marks WHERE expires_at IS NOT NULL AND expires_at <= $1")
                .bind(clock.now_ms())
                .execute(db.write())
                .await?
                .rows_affected();
            tracing::info!(pruned, "expired person marks pruned");
            Ok(())
        }
    });
    registry.every(PRUNE, std::time::Duration::from_secs(24 * 3600));
}
