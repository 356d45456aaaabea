//! Identity resolution: which profile a set of identifiers belongs to, by clear rules.
//!
//! - A verified phone is the trusted key: a super-app id found on another profile is merged into the phone's.
//! - Two profiles with different verified phones are never merged; the conflict is recorded instead.
//! - An anonymous profile (a device or cookie id) merges into the identified one when that person signs in.
//! - Unverified claims attach as unverified and never cause a merge by themselves.

use app::api::ErrorCode;
use app::api::UserRef;
use sqlx::AnyConnection;

use super::identities::{attach, owner, record_conflict};
use super::merge::merge;
use crate::{
    db::{new_id, now_ms},
    error::{Error, Result},
    events::{Campaign, NewEvent, record},
    superapp::VerifiedUser,
};

async fn verified_phones(conn: &mut AnyConnection, profile_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT value FROM identities WHERE profile_id = $1 AND kind = 'phone' AND verified = 1")
            .bind(profile_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|(v,)| v).collect())
}

async fn new_profile(
    conn: &mut AnyConnection,
    brand_id: &str,
    name: Option<&str>,
    avatar: Option<&str>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO profiles (id, brand_id, display_name, search_name, avatar_url, created_at, updated_at, \
         last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $6)",
    )
    .bind(&id)
    .bind(brand_id)
    .bind(name)
    .bind(name.map(super::search::fold))
    .bind(avatar)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Whether `other` may be merged into a profile whose verified phone is `phone`: it has no verified phone of
/// its own, or only that one.
async fn mergeable(conn: &mut AnyConnection, other: &str, phone: Option<&str>) -> Result<bool> {
    let phones = verified_phones(conn, other).await?;
    Ok(phones.is_empty() || phones.iter().all(|p| Some(p.as_str()) == phone))
}

/// The profile a super-app-verified user signs in to, merging and attaching by the rules above, inside the
/// caller's transaction. `anonymous_id` is the device's anonymous id, whose profile merges in.
pub async fn resolve_sign_in(
    conn: &mut AnyConnection,
    brand_id: &str,
    user: &VerifiedUser,
    anonymous_id: Option<&str>,
) -> Result<String> {
    let source = user.provider.as_str();
    let app_id = (
        match user.provider {
            app::api::Provider::Zalo => "zalo_id",
            app::api::Provider::Momo => "momo_id",
        },
        user.user_id.as_str(),
    );
    let phone = user.phone.as_ref().map(|p| p.as_str());
    let phone_owner = match phone {
        Some(p) => owner(conn, brand_id, "phone", p).await?,
        None => None,
    };
    let app_owner = owner(conn, brand_id, app_id.0, app_id.1).await?;

    let profile = match (phone_owner, app_owner) {
        (Some(p), Some(a)) if p == a => p,
        (Some(p), Some(a)) => {
            if mergeable(conn, &a, phone).await? {
                merge(conn, brand_id, &a, &p, "verified_phone", source).await?;
            } else {
                record_conflict(conn, brand_id, app_id, &a, &p, "different_verified_phones").await?;
            }
            p
        }
        (Some(p), None) => p,
        (None, Some(a)) => a,
        (None, None) => new_profile(conn, brand_id, user.name.as_deref(), user.avatar_url.as_deref()).await?,
    };

    // The super-app id stays where it is when it belongs to a person with another verified phone.
    if owner(conn, brand_id, app_id.0, app_id.1)
        .await?
        .is_none_or(|o| o == profile)
    {
        attach(conn, brand_id, &profile, app_id, true, source).await?;
    }
    if let Some(p) = phone {
        let newly_shared = owner(conn, brand_id, "phone", p).await?.is_none();
        attach(conn, brand_id, &profile, ("phone", p), true, source).await?;
        if newly_shared {
            let properties = serde_json::json!({ "verified": true });
            let event = NewEvent {
                profile_id: &profile,
                event_type: "phone_shared",
                occurred_at: now_ms(),
                source,
                properties: &properties,
                campaign: &Campaign::default(),
                idempotency_key: None,
            };
            record(conn, brand_id, &event).await?;
        }
    }
    if let Some(anon) = anonymous_id {
        join_anonymous(conn, brand_id, anon, &profile, source).await?;
    }
    sqlx::query(
        // The name the person has stays theirs: a super-app's name fills it only when there is none, so signing in
        // through MoMo does not rename them to what MoMo calls them.
        "UPDATE profiles SET search_name = CASE WHEN display_name IS NULL THEN $5 ELSE search_name END, \
         display_name = COALESCE(display_name, $1), avatar_url = COALESCE($2, avatar_url), \
         updated_at = $3, last_seen_at = $3 WHERE id = $4",
    )
    .bind(user.name.clone())
    .bind(user.avatar_url.clone())
    .bind(now_ms())
    .bind(&profile)
    .bind(user.name.as_deref().map(super::search::fold))
    .execute(&mut *conn)
    .await?;
    Ok(profile)
}

/// Joins the history of an anonymous id (a device's, a website visitor's) to `into`, inside the caller's
/// transaction: the anonymous profile merges in unless it has a verified phone `into` does not have (then the
/// conflict is recorded and nothing moves); an id nobody holds yet becomes `into`'s.
pub async fn join_anonymous(
    conn: &mut AnyConnection,
    brand_id: &str,
    anonymous_id: &str,
    into: &str,
    source: &str,
) -> Result<()> {
    match owner(conn, brand_id, "anonymous_id", anonymous_id).await? {
        Some(a) if a != into => {
            let theirs = verified_phones(conn, &a).await?;
            let ours = verified_phones(conn, into).await?;
            if theirs.iter().all(|p| ours.contains(p)) {
                merge(conn, brand_id, &a, into, "anonymous_signed_in", source).await?;
            } else {
                record_conflict(
                    conn,
                    brand_id,
                    ("anonymous_id", anonymous_id),
                    &a,
                    into,
                    "different_verified_phones",
                )
                .await?;
            }
        }
        Some(_) => {}
        None => attach(conn, brand_id, into, ("anonymous_id", anonymous_id), false, "web").await?,
    }
    Ok(())
}

/// Checks an anonymous (device or cookie) id: 8 to 64 characters of letters, digits, `-` and `_`.
pub fn parse_anonymous_id(raw: &str) -> Result<&str> {
    let id = raw.trim();
    let ok = (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(id)
    } else {
        Err(Error::unprocessable(
            ErrorCode::InvalidAnonymousId,
            "An anonymous id has 8 to 64 letters, digits, - or _.",
        ))
    }
}

/// The profile of an anonymous visitor, created on first sight, inside the caller's transaction.
pub async fn resolve_anonymous(conn: &mut AnyConnection, brand_id: &str, anonymous_id: &str) -> Result<String> {
    let anonymous_id = parse_anonymous_id(anonymous_id)?;
    if let Some(p) = owner(conn, brand_id, "anonymous_id", anonymous_id).await? {
        return Ok(p);
    }
    let profile = new_profile(conn, brand_id, None, None).await?;
    attach(conn, brand_id, &profile, ("anonymous_id", anonymous_id), false, "web").await?;
    Ok(profile)
}

/// Checks a brand's own id for a person (POS or CRM): 1 to 128 printable characters.
fn parse_external_id(raw: &str) -> Result<&str> {
    let id = raw.trim();
    if (1..=128).contains(&id.chars().count()) && !id.chars().any(char::is_control) {
        Ok(id)
    } else {
        Err(Error::unprocessable(
            ErrorCode::InvalidExternalId,
            "An external id has 1 to 128 printable characters.",
        ))
    }
}

/// Checks a [`UserRef`] without writing anything: at least one id, each well-formed.
pub fn check_user_ref(user: &UserRef) -> Result<()> {
    if user.anonymous_id.is_none() && user.external_id.is_none() && user.member_id.is_none() {
        return Err(Error::unprocessable(
            ErrorCode::MissingUser,
            "Name the person with a member_id, an external_id or an anonymous_id.",
        ));
    }
    if let Some(m) = &user.member_id
        && uuid::Uuid::parse_str(m.trim()).is_err()
    {
        return Err(unknown_member());
    }
    if let Some(a) = &user.anonymous_id {
        parse_anonymous_id(a)?;
    }
    if let Some(e) = &user.external_id {
        parse_external_id(e)?;
    }
    Ok(())
}

/// The profile a server-sent call is about, created on first sight: the external id (the brand's own, trusted
/// id) wins, and an anonymous profile merges into it.
pub async fn resolve_user_ref(conn: &mut AnyConnection, brand_id: &str, user: &UserRef) -> Result<String> {
    check_user_ref(user)?;
    let external = user.external_id.as_deref().map(parse_external_id).transpose()?;
    let profile = if let Some(member) = user.member_id.as_deref() {
        let member = live_member(conn, brand_id, member.trim()).await?;
        // The till's own customer id joins the member it was scanned with, unless it is someone else's.
        if let Some(external) = external {
            match owner(conn, brand_id, "external_id", external).await? {
                None => attach(conn, brand_id, &member, ("external_id", external), true, "server").await?,
                Some(other) if other != member => {
                    record_conflict(
                        conn,
                        brand_id,
                        ("external_id", external),
                        &other,
                        &member,
                        "member_scanned",
                    )
                    .await?;
                }
                Some(_) => {}
            }
        }
        member
    } else if let Some(external) = external {
        match owner(conn, brand_id, "external_id", external).await? {
            Some(p) => p,
            None => {
                let p = new_profile(conn, brand_id, None, None).await?;
                attach(conn, brand_id, &p, ("external_id", external), true, "server").await?;
                p
            }
        }
    } else {
        let anonymous = user.anonymous_id.as_deref().unwrap_or_default();
        return resolve_anonymous(conn, brand_id, anonymous).await;
    };
    if let Some(anonymous) = user.anonymous_id.as_deref() {
        match owner(conn, brand_id, "anonymous_id", anonymous).await? {
            None => attach(conn, brand_id, &profile, ("anonymous_id", anonymous), false, "web").await?,
            Some(a) if a != profile => {
                let phones = verified_phones(conn, &profile).await?;
                let phone = phones.first().map(String::as_str);
                if mergeable(conn, &a, phone).await? {
                    merge(conn, brand_id, &a, &profile, "anonymous_identified", "server").await?;
                } else {
                    record_conflict(
                        conn,
                        brand_id,
                        ("anonymous_id", anonymous),
                        &a,
                        &profile,
                        "different_verified_phones",
                    )
                    .await?;
                }
            }
            Some(_) => {}
        }
    }
    Ok(profile)
}

fn unknown_member() -> Error {
    Error::unprocessable(ErrorCode::UnknownMember, "No member of this brand has this member id.")
}

/// The live profile a member id of the brand stands for (following merges), or `unknown_member`.
async fn live_member(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<String> {
    let mut current = id.to_owned();
    for _ in 0..16 {
        let row: Option<(Option<String>, Option<i64>)> =
            sqlx::query_as("SELECT merged_into, erased_at FROM profiles WHERE id = $1 AND brand_id = $2")
                .bind(&current)
                .bind(brand_id)
                .fetch_optional(&mut *conn)
                .await?;
        match row {
            Some((None, None)) => return Ok(current),
            Some((Some(next), _)) => current = next,
            _ => return Err(unknown_member()),
        }
    }
    Err(unknown_member())
}
