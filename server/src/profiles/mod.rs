//! Customer profiles and their identities: one profile per real person per brand. A verified phone is the
//! trusted key; profiles found to be one person are merged, and a merged profile's id keeps resolving to the
//! survivor.

pub mod activity;
pub mod hooks;
mod identities;
mod import;
pub mod marks;
mod merge;
mod resolve;
pub mod search;
mod traits;

use app::api::ErrorCode;
use app::api::{ExportedIdentity, IdentitySummary, LoyaltySummary, Me, PublicBrand};

use crate::{
    db::{Db, rfc3339},
    error::{Error, Result},
};

pub use identities::{Claimed, claim, detach, identity_values, link_verified, owner_of};
pub use import::{ImportBatch, ImportWrites, ImportedPerson, RowOutcome, apply_import};
pub use merge::merge;
pub use resolve::{
    check_user_ref, join_anonymous, parse_anonymous_id, resolve_anonymous, resolve_sign_in, resolve_user_ref,
};
pub use traits::traits;

/// The live, unerased profile an id of the brand names, or `unknown_profile` (404): what console routes act on.
pub async fn console_profile(db: &Db, brand_id: &str, id: &str) -> Result<String> {
    let live = live_id(db, brand_id, id).await?.ok_or_else(unknown_profile)?;
    let erased: Option<(Option<i64>,)> = sqlx::query_as("SELECT erased_at FROM profiles WHERE id = $1")
        .bind(&live)
        .fetch_optional(db.read())
        .await?;
    match erased {
        Some((None,)) => Ok(live),
        _ => Err(unknown_profile()),
    }
}

/// Longest name a person may give themselves.
pub const MAX_NAME_CHARS: usize = 80;

/// Renames a live profile to `name` (trimmed, 1 to 80 characters, no control characters).
pub async fn rename(db: &Db, brand_id: &str, profile_id: &str, name: &str, now: i64) -> Result<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidName,
            format!("A name is 1 to {MAX_NAME_CHARS} characters."),
        ));
    }
    let renamed = sqlx::query(
        "UPDATE profiles SET display_name = $1, search_name = $5, updated_at = $2 \
         WHERE id = $3 AND brand_id = $4 AND erased_at IS NULL",
    )
    .bind(name)
    .bind(now)
    .bind(profile_id)
    .bind(brand_id)
    .bind(search::fold(name))
    .execute(db.write())
    .await?
    .rows_affected();
    if renamed == 0 {
        return Err(unknown_profile());
    }
    Ok(())
}

/// The most distinct attribute keys a brand may have: a file or a form cannot grow the profile without bound.
pub const MAX_ATTRIBUTE_KEYS: i64 = 200;

/// Whether `key` can name an attribute: 1 to 40 of a-z, 0-9 and `_`.
pub fn is_attribute_key(key: &str) -> bool {
    (1..=40).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// What a condition's `equals` text is as a stored attribute value: attributes are kept as JSON, so a string is
/// stored quoted (`"HCM"`) while a number, a boolean or a date's text compares as typed. The two forms to match.
pub fn attribute_value_forms(equals: &str) -> [String; 2] {
    let text = equals.trim();
    [serde_json::Value::from(text).to_string(), text.to_owned()]
}

/// The attribute keys the brand's profiles hold, sorted.
pub async fn attribute_keys(db: &Db, brand_id: &str) -> Result<Vec<String>> {
    let keys: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT key FROM profile_attributes WHERE brand_id = $1 ORDER BY key")
            .bind(brand_id)
            .fetch_all(db.read())
            .await?;
    Ok(keys.into_iter().map(|(k,)| k).collect())
}

/// Refuses `keys` when those the brand does not have yet would take it past [`MAX_ATTRIBUTE_KEYS`].
pub async fn check_new_attribute_keys(db: &Db, brand_id: &str, keys: &[&str]) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let existing = attribute_keys(db, brand_id).await?;
    let mut all: std::collections::BTreeSet<&str> = existing.iter().map(String::as_str).collect();
    all.extend(keys.iter().copied());
    if i64::try_from(all.len()).unwrap_or(i64::MAX) > MAX_ATTRIBUTE_KEYS {
        return Err(Error::unprocessable(
            ErrorCode::TooManyAttributeKeys,
            format!(
                "A brand may have at most {MAX_ATTRIBUTE_KEYS} attribute keys; map the column onto an existing one."
            ),
        ));
    }
    Ok(())
}

/// `unknown_profile` (404).
pub fn unknown_profile() -> Error {
    Error::not_found(
        ErrorCode::UnknownProfile,
        "This brand has no such profile, or it was erased.",
    )
}

/// Gives a profile `name` when it has none (a name the person has stays theirs), with its folded search form.
pub async fn fill_name(conn: &mut sqlx::AnyConnection, profile_id: &str, name: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE profiles SET display_name = $1, search_name = $2, updated_at = $3 \
         WHERE id = $4 AND display_name IS NULL",
    )
    .bind(name)
    .bind(search::fold(name))
    .bind(now)
    .bind(profile_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks a live profile erased and removes its name and avatar inside the caller's transaction; false when it
/// was already erased (or is not the brand's).
pub async fn mark_erased(conn: &mut sqlx::AnyConnection, brand_id: &str, profile_id: &str, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE profiles SET display_name = NULL, search_name = NULL, avatar_url = NULL, erased_at = $1, updated_at = $1 \
         WHERE id = $2 AND brand_id = $3 AND erased_at IS NULL",
    )
    .bind(now)
    .bind(profile_id)
    .bind(brand_id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// Deletes an erased profile's identifiers and attributes, and the names of the profiles merged into it, inside
/// the erasure's transaction.
pub async fn erase_personal(conn: &mut sqlx::AnyConnection, profile_id: &str) -> Result<()> {
    for sql in [
        "DELETE FROM identities WHERE profile_id = $1",
        "UPDATE profiles SET display_name = NULL, search_name = NULL, avatar_url = NULL WHERE merged_into = $1",
        "DELETE FROM profile_attributes WHERE profile_id = $1",
    ] {
        sqlx::query(sql).bind(profile_id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The live profile an id stands for: the id itself, or the profile it was merged into (followed to the end).
pub async fn live_id(db: &Db, brand_id: &str, profile_id: &str) -> Result<Option<String>> {
    let mut current = profile_id.to_owned();
    // A merge chain is short; the bound only guards against a corrupted cycle.
    for _ in 0..16 {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT merged_into FROM profiles WHERE id = $1 AND brand_id = $2")
                .bind(&current)
                .bind(brand_id)
                .fetch_optional(db.read())
                .await?;
        match row {
            None => return Ok(None),
            Some((None,)) => return Ok(Some(current)),
            Some((Some(next),)) => current = next,
        }
    }
    Err(anyhow::anyhow!("profile merge chain of {profile_id} does not end").into())
}

#[derive(Debug, sqlx::FromRow)]
struct ProfileRow {
    id: String,
    display_name: Option<String>,
    avatar_url: Option<String>,
    slug: String,
    name: String,
    zalo_oa_id: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct IdentityRow {
    kind: String,
    value: String,
    verified: i64,
    source: String,
}

/// The live profile of a session's subject, or `invalid_token` when it was erased or never existed.
pub async fn require_live(db: &Db, brand_id: &str, profile_id: &str) -> Result<String> {
    live_id(db, brand_id, profile_id)
        .await?
        .ok_or_else(|| Error::unauthorized(ErrorCode::InvalidToken, "This session's profile no longer exists."))
}

/// Every identifier of a profile, full values, for exports and the console.
pub async fn identities_of(db: &Db, profile_id: &str) -> Result<Vec<ExportedIdentity>> {
    let rows: Vec<(String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT kind, value, verified, source, first_seen_at FROM identities WHERE profile_id = $1 ORDER BY kind, value",
    )
    .bind(profile_id)
    .fetch_all(db.read())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, value, verified, source, first)| ExportedIdentity {
            kind,
            value,
            verified: verified == 1,
            source,
            first_seen_at: rfc3339(first),
        })
        .collect())
}

/// The profile summary a customer sees of themself (following merges); `None` when the profile is not the
/// brand's.
pub async fn me(db: &Db, brand_id: &str, profile_id: &str) -> Result<Option<Me>> {
    let Some(profile_id) = live_id(db, brand_id, profile_id).await? else {
        return Ok(None);
    };
    let profile_id = profile_id.as_str();
    let profile: Option<ProfileRow> = sqlx::query_as(
        "SELECT p.id, p.display_name, p.avatar_url, b.slug, b.name, b.zalo_oa_id FROM profiles p JOIN brands b ON b.id = p.brand_id \
         WHERE p.id = $1 AND p.brand_id = $2 AND p.erased_at IS NULL",
    )
    .bind(profile_id)
    .bind(brand_id)
    .fetch_optional(db.read())
    .await?;
    let Some(profile) = profile else {
        return Ok(None);
    };
    let identities: Vec<IdentityRow> = sqlx::query_as(
        "SELECT kind, value, verified, source FROM identities WHERE profile_id = $1 AND brand_id = $2 ORDER BY first_seen_at, kind",
    )
    .bind(profile_id)
    .bind(brand_id)
    .fetch_all(db.read())
    .await?;
    let phone = identities
        .iter()
        .filter(|i| i.kind == "phone" && i.verified == 1)
        .find_map(|i| app::domain::Phone::parse(&i.value).ok());
    let mut me = Me {
        profile_id: profile.id,
        brand: PublicBrand {
            slug: profile.slug,
            name: profile.name,
            zalo_oa_id: profile.zalo_oa_id,
        },
        name: profile.display_name,
        avatar_url: profile.avatar_url,
        phone: phone.as_ref().map(|p| p.as_str().to_owned()),
        phone_masked: phone.as_ref().map(app::domain::Phone::masked),
        identities: identities
            .into_iter()
            .map(|i| IdentitySummary {
                kind: i.kind,
                verified: i.verified == 1,
                source: i.source,
            })
            .collect(),
        loyalty: LoyaltySummary::default(),
    };
    hooks::summarised(db, brand_id, profile_id, &mut me).await?;
    Ok(Some(me))
}

/// The profile summary, or `invalid_token` when the token's profile no longer exists.
pub async fn require_me(db: &Db, brand_id: &str, profile_id: &str) -> Result<Me> {
    me(db, brand_id, profile_id)
        .await?
        .ok_or_else(|| Error::unauthorized(ErrorCode::InvalidToken, "This session's profile no longer exists."))
}
