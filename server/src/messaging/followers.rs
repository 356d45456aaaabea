//! The brand's OA followers and whose they are. A follower is tied to a profile by the mini app's user id the
//! webhook carries (`user_id_by_app`, which a signed delivery vouches for: the follower id is then a verified
//! identity of that profile), or else by the follower id the mini app read at sign-in (`getUserInfo().idByOA`,
//! an unverified claim, which a verified tie to another person overrides). A follow seen before the person ever
//! signed in is kept and tied at their next sign-in ([`link_at_sign_in`]). An unfollow takes the follower id off
//! the profile: the person is no longer reachable on the OA.

use app::api::ConsentChange;
use serde_json::json;
use sqlx::AnyConnection;

use crate::{
    db::now_ms,
    error::Result,
    events::{self, Campaign, NewEvent},
    privacy::consent,
    profiles::{self, Claimed},
};

/// The identity kind of an OA follower id.
pub const FOLLOWER_ID: &str = "zalo_oa_follower_id";

/// A follower as a webhook delivery names them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seen<'a> {
    pub brand_id: &'a str,
    /// The OA-scoped follower id.
    pub follower_id: &'a str,
    /// The mini app's id of the same person, when the delivery carries it.
    pub user_id_by_app: Option<&'a str>,
    /// When Zalo says it happened, epoch ms.
    pub at: i64,
    /// The delivery's key, so the event it records is recorded once.
    pub key: &'a str,
}

/// The profile a follower belongs to, and whether a signed delivery vouches for the tie.
async fn person_of(conn: &mut AnyConnection, seen: &Seen<'_>) -> Result<Option<(String, bool)>> {
    if let Some(app_user) = seen.user_id_by_app
        && let Some(profile) = profiles::owner_of(conn, seen.brand_id, ("zalo_id", app_user)).await?
    {
        return Ok(Some((profile, true)));
    }
    if let Some(profile) = profiles::owner_of(conn, seen.brand_id, (FOLLOWER_ID, seen.follower_id)).await? {
        return Ok(Some((profile, false)));
    }
    // Tied before, and the follower id taken off at an unfollow.
    let tied: Option<(Option<String>,)> =
        sqlx::query_as("SELECT profile_id FROM oa_followers WHERE brand_id = $1 AND follower_id = $2")
            .bind(seen.brand_id)
            .bind(seen.follower_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(tied.and_then(|(p,)| p).map(|p| (p, false)))
}

async fn upsert(conn: &mut AnyConnection, seen: &Seen<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO oa_followers (brand_id, follower_id, user_id_by_app, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (brand_id, follower_id) DO UPDATE SET \
         user_id_by_app = COALESCE(excluded.user_id_by_app, oa_followers.user_id_by_app), updated_at = excluded.updated_at",
    )
    .bind(seen.brand_id)
    .bind(seen.follower_id)
    .bind(seen.user_id_by_app)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn tie(conn: &mut AnyConnection, seen: &Seen<'_>, profile: &str, verified: bool) -> Result<bool> {
    if verified
        && profiles::link_verified(conn, seen.brand_id, profile, (FOLLOWER_ID, seen.follower_id), "zalo").await?
            == Claimed::Conflict
    {
        return Ok(false);
    }
    sqlx::query("UPDATE oa_followers SET profile_id = $1 WHERE brand_id = $2 AND follower_id = $3")
        .bind(profile)
        .bind(seen.brand_id)
        .bind(seen.follower_id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

async fn record(conn: &mut AnyConnection, seen: &Seen<'_>, profile: &str, event_type: &str, key: &str) -> Result<()> {
    record_with(
        conn,
        seen,
        profile,
        event_type,
        key,
        &json!({ "follower_id": seen.follower_id }),
    )
    .await
}

/// Puts `event_type` on the person's timeline as of the delivery, once per `key`.
async fn record_with(
    conn: &mut AnyConnection,
    seen: &Seen<'_>,
    profile: &str,
    event_type: &str,
    key: &str,
    properties: &serde_json::Value,
) -> Result<()> {
    events::record(
        conn,
        seen.brand_id,
        &NewEvent {
            profile_id: profile,
            event_type,
            occurred_at: seen.at,
            source: "zalo",
            properties,
            campaign: &Campaign::default(),
            idempotency_key: Some(key),
        },
    )
    .await?;
    Ok(())
}

/// A `follow`: the follower is following as of `at` (a later unfollow already seen wins), tied to its person
/// when known, with `followed_oa` on their timeline.
pub(super) async fn followed(conn: &mut AnyConnection, seen: &Seen<'_>) -> Result<&'static str> {
    upsert(conn, seen).await?;
    // Deliveries are processed in any order: a follow counts only when it changes the state and is newer than
    // the last unfollow seen.
    let moved = sqlx::query(
        "UPDATE oa_followers SET following = 1, followed_at = $1 WHERE brand_id = $2 AND follower_id = $3 \
         AND following = 0 AND (unfollowed_at IS NULL OR unfollowed_at < $1)",
    )
    .bind(seen.at)
    .bind(seen.brand_id)
    .bind(seen.follower_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok("unchanged");
    }
    let Some((profile, verified)) = person_of(conn, seen).await? else {
        return Ok("follower_not_signed_in_yet");
    };
    if !tie(conn, seen, &profile, verified).await? {
        return Ok("follower_id_held_by_another_person");
    }
    profiles::claim(conn, seen.brand_id, &profile, (FOLLOWER_ID, seen.follower_id), "zalo").await?;
    record(conn, seen, &profile, "followed_oa", &format!("oa:{}", seen.key)).await?;
    Ok("followed")
}

/// An `unfollow`: no longer following as of `at` (a later follow already seen wins); the follower id leaves
/// the profile, with `unfollowed_oa` on its timeline.
pub(super) async fn unfollowed(conn: &mut AnyConnection, seen: &Seen<'_>) -> Result<&'static str> {
    upsert(conn, seen).await?;
    let moved = sqlx::query(
        "UPDATE oa_followers SET following = 0, unfollowed_at = $1 WHERE brand_id = $2 AND follower_id = $3 \
         AND following = 1 AND (followed_at IS NULL OR followed_at < $1)",
    )
    .bind(seen.at)
    .bind(seen.brand_id)
    .bind(seen.follower_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved == 0 {
        // Not following (or followed since): keep the time, so an older follow processed later stays out.
        sqlx::query(
            "UPDATE oa_followers SET unfollowed_at = $1 WHERE brand_id = $2 AND follower_id = $3 \
             AND following = 0 AND (unfollowed_at IS NULL OR unfollowed_at < $1)",
        )
        .bind(seen.at)
        .bind(seen.brand_id)
        .bind(seen.follower_id)
        .execute(&mut *conn)
        .await?;
        return Ok("unchanged");
    }
    let Some((profile, _)) = person_of(conn, seen).await? else {
        return Ok("follower_not_signed_in_yet");
    };
    profiles::detach(conn, seen.brand_id, &profile, (FOLLOWER_ID, seen.follower_id)).await?;
    record(conn, seen, &profile, "unfollowed_oa", &format!("oa:{}", seen.key)).await?;
    Ok("unfollowed")
}

/// A follower wrote to the OA (`user_send_*`): the 48-hour reply window opens (again) from `at`, and
/// `messaged_oa` goes on their timeline.
pub(super) async fn messaged(conn: &mut AnyConnection, seen: &Seen<'_>, msg_id: &str) -> Result<&'static str> {
    upsert(conn, seen).await?;
    sqlx::query(
        "UPDATE oa_followers SET last_user_message_at = $1 WHERE brand_id = $2 AND follower_id = $3 \
         AND (last_user_message_at IS NULL OR last_user_message_at < $1)",
    )
    .bind(seen.at)
    .bind(seen.brand_id)
    .bind(seen.follower_id)
    .execute(&mut *conn)
    .await?;
    let Some((profile, _)) = person_of(conn, seen).await? else {
        return Ok("reply_window_opened");
    };
    let properties = json!({ "follower_id": seen.follower_id, "msg_id": msg_id });
    let key = format!("oa:{}", seen.key);
    record_with(conn, seen, &profile, "messaged_oa", &key, &properties).await?;
    Ok("reply_window_opened")
}

/// `user_withdraw`, a data-subject request made in Zalo: every marketing consent of the person is withdrawn at
/// once (each a `consent_changed` on their timeline); an erasure, if they want one, is the console's.
pub(super) async fn withdrew(conn: &mut AnyConnection, seen: &Seen<'_>) -> Result<&'static str> {
    let Some((profile, _)) = person_of(conn, seen).await? else {
        return Ok("unknown_person");
    };
    let change = ConsentChange {
        granted: false,
        wording_version: "zalo_user_withdraw".to_owned(),
        source: Some("zalo".to_owned()),
    };
    for purpose in ["marketing_zalo", "marketing_zns", "marketing_email", "marketing_sms"] {
        if consent::has_granted(conn, &profile, purpose).await? {
            consent::record_consent(conn, seen.brand_id, &profile, purpose, &change, "zalo").await?;
        }
    }
    Ok("consent_withdrawn")
}

#[derive(sqlx::FromRow)]
struct Follower {
    follower_id: String,
    user_id_by_app: Option<String>,
    profile_id: Option<String>,
    following: i64,
    followed_at: Option<i64>,
}

/// After a sign-in: the followers seen for this person (by their mini app id, or by the follower id the mini
/// app read) and not yet theirs are tied to them, a follow still standing recorded as `followed_oa` as of its
/// time. A follower the webhook tied to another mini app user is not taken by a claim.
pub async fn link_at_sign_in(conn: &mut AnyConnection, brand_id: &str, profile_id: &str) -> Result<usize> {
    let app_users = profiles::identity_values(conn, profile_id, "zalo_id").await?;
    let claims = profiles::identity_values(conn, profile_id, FOLLOWER_ID).await?;
    if app_users.is_empty() && claims.is_empty() {
        return Ok(0);
    }
    let marks = |from: usize, n: usize| (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT follower_id, user_id_by_app, profile_id, following, followed_at FROM oa_followers \
         WHERE brand_id = $1 AND (user_id_by_app IN ({}) OR follower_id IN ({}))",
        if app_users.is_empty() {
            "NULL".to_owned()
        } else {
            marks(2, app_users.len())
        },
        if claims.is_empty() {
            "NULL".to_owned()
        } else {
            marks(2 + app_users.len(), claims.len())
        },
    );
    let mut query = sqlx::query_as::<_, Follower>(&sql).bind(brand_id);
    for value in app_users.iter().chain(claims.iter()) {
        query = query.bind(value);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut tied = 0;
    for row in rows {
        if row.profile_id.as_deref() == Some(profile_id) {
            continue;
        }
        let verified = row.user_id_by_app.as_ref().is_some_and(|u| app_users.contains(u));
        if !verified && row.user_id_by_app.is_some() {
            continue;
        }
        let at = row.followed_at.unwrap_or_else(now_ms);
        let key = format!("sign-in:{}:{at}", row.follower_id);
        let seen = Seen {
            brand_id,
            follower_id: &row.follower_id,
            user_id_by_app: row.user_id_by_app.as_deref(),
            at,
            key: &key,
        };
        if !tie(conn, &seen, profile_id, verified).await? {
            continue;
        }
        if row.following == 1 {
            profiles::claim(conn, brand_id, profile_id, (FOLLOWER_ID, &row.follower_id), "zalo").await?;
            record(conn, &seen, profile_id, "followed_oa", &format!("oa-follow:{key}")).await?;
        } else {
            profiles::detach(conn, brand_id, profile_id, (FOLLOWER_ID, &row.follower_id)).await?;
        }
        tied += 1;
    }
    Ok(tied)
}
