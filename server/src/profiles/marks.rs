//! Person marks: keyed hashes (HMAC-SHA256 under a key derived from the master key) of a person's verified phone
//! and super-app ids, one set per purpose. They outlive an erasure, which deletes the identities themselves, so
//! that what is meant once per person is once per person: signing in afresh after deleting one's data does not
//! pay the welcome bonus again. A mark cannot be turned back into the phone or id without the server's key; it is
//! the minimum kept for this, and the privacy text says so.

use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::AnyConnection;

use crate::error::Result;

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
    let identities: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, value FROM identities WHERE profile_id = $1 AND brand_id = $2 AND verified = 1")
            .bind(profile_id)
            .bind(brand_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut marks = Vec::new();
    for (kind, value) in identities.iter().filter(|(k, _)| PERSON_KINDS.contains(&k.as_str())) {
        marks.push(mark(kind, value)?);
    }
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
