//! Customers, the console's page: search, the profile 360 (identities, traits, attributes, consents, merges),
//! the timeline, and typed attributes. An area over `profiles` and `privacy`.

use app::api::ErrorCode;
use app::{
    api::{Attribute, AttributeValue, ErrorBody, MergeInfo, Profile360, ProfileListItem, ProfilePage, Timeline},
    domain::{Email, Phone},
};
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{Dialect, rfc3339},
    error::{Error, Json, Result},
    events::{TimelineQuery, timeline},
    privacy::current_consents,
    profiles::{console_profile as live, identities_of, search, traits},
};

/// The console's customer routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(profile_360))
        .routes(routes!(profile_timeline))
        .routes(routes!(set_attribute))
}

/// The longest search text: a name, a phone, an e-mail or an id is far shorter.
const MAX_SEARCH_CHARS: usize = 200;

/// Search parameters.
#[derive(Debug, Deserialize, IntoParams)]
struct SearchQuery {
    /// A phone in any format, an e-mail, a profile id, or part of a name; empty lists everyone.
    q: Option<String>,
    /// 1–100, default 25.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct ListRow {
    id: String,
    display_name: Option<String>,
    last_seen_at: i64,
    phone: Option<String>,
}

/// Finds the brand's customers by phone (any format), e-mail, id or name, most recently active first.
#[utoipa::path(
    get,
    path = "/api/v1/admin/profiles",
    tag = "admin",
    security(("bearer" = [])),
    params(SearchQuery),
    responses(
        (status = 200, body = ProfilePage),
        (status = 400, description = "`invalid_cursor`, `invalid_query`", body = ErrorBody),
        (status = 422, description = "`value_too_long` (a search over 200 characters), `invalid_characters`", body = ErrorBody),
    )
)]
async fn search(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Query(q): Query<SearchQuery>,
) -> Result<Json<ProfilePage>> {
    let limit = q.limit.unwrap_or(25).clamp(1, 100);
    let text = q.q.as_deref().map(str::trim).unwrap_or_default();
    if text.chars().count() > MAX_SEARCH_CHARS {
        return Err(Error::unprocessable(
            ErrorCode::ValueTooLong,
            format!("A search is at most {MAX_SEARCH_CHARS} characters."),
        ));
    }
    let (before_ms, before_id) = match q.cursor.as_deref() {
        Some(c) => c
            .split_once('_')
            .and_then(|(ms, id)| Some((ms.parse::<i64>().ok()?, id.to_owned())))
            .ok_or_else(|| Error::bad_request(ErrorCode::InvalidCursor, "This page cursor is not valid."))?,
        // Before every row: the first page.
        None => (i64::MAX, String::new()),
    };
    // What the text is decides how to look: an exact identifier, or a name fragment.
    let (kind, value) = if text.is_empty() {
        ("", String::new())
    } else if let Ok(phone) = Phone::parse(text) {
        ("phone", phone.as_str().to_owned())
    } else if let Ok(email) = Email::parse(text) {
        ("email", email.as_str().to_owned())
    } else {
        // Folded as names are stored, so "tran van duc" finds "Trần Văn Đức".
        ("name", search::fold(text))
    };
    // `$1` brand, `$2`/`$3` the cursor, `$4` the page size; a search adds `$5` and `$6`.
    let (matching, driven) = match kind {
        "" => ("TRUE".to_owned(), false),
        "name" => name_filter(&state, &claims.brand, &value).await?,
        // At most a few profiles hold an identifier: they are looked up, not found by walking the brand.
        _ => (
            "p.id IN (SELECT profile_id FROM identities WHERE brand_id = $1 AND kind = $5 AND value = $6)".to_owned(),
            state.db.dialect() == Dialect::Sqlite,
        ),
    };
    // A search driven by its matches keeps SQLite from walking the brand's index instead (unary `+`, SQLite's
    // way of saying "not through an index"; PostgreSQL's planner weighs the match itself).
    let plus = if driven { "+" } else { "" };
    let sql = format!(
        "SELECT p.id, p.display_name, p.last_seen_at, \
         (SELECT value FROM identities i WHERE i.profile_id = p.id AND i.kind = 'phone' ORDER BY verified DESC LIMIT 1) AS phone \
         FROM profiles p WHERE {matching} AND {plus}p.brand_id = $1 AND p.merged_into IS NULL AND p.erased_at IS NULL \
         AND ({plus}p.last_seen_at, p.id) < ($2, $3) ORDER BY p.last_seen_at DESC, p.id DESC LIMIT $4"
    );
    // Planned for these values each time (not kept prepared): PostgreSQL's generic plan for a kept statement cannot
    // see the pattern or the cursor, and walks or sorts the whole brand where it should seek.
    let mut query = sqlx::query_as::<_, ListRow>(&sql)
        .persistent(false)
        .bind(&claims.brand)
        .bind(before_ms)
        .bind(before_id)
        .bind(limit + 1);
    query = match kind {
        "" => query,
        "name" => query.bind(search::contains_pattern(&value)).bind(text),
        _ => query.bind(kind).bind(value),
    };
    let rows = query.fetch_all(state.db.read()).await?;
    let more = rows.len() as i64 > limit;
    let profiles: Vec<ProfileListItem> = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| ProfileListItem {
            phone: r.phone.and_then(|p| Phone::parse(&p).ok()).map(|p| p.national()),
            last_seen_at: format!("{}_{}", r.last_seen_at, r.id),
            profile_id: r.id,
            name: r.display_name,
        })
        .collect();
    let next_cursor = if more {
        profiles.last().map(|p| p.last_seen_at.clone())
    } else {
        None
    };
    let profiles = profiles
        .into_iter()
        .map(|mut p| {
            let ms = p
                .last_seen_at
                .split_once('_')
                .and_then(|(ms, _)| ms.parse().ok())
                .unwrap_or_default();
            p.last_seen_at = rfc3339(ms);
            p
        })
        .collect();
    Ok(Json(ProfilePage { profiles, next_cursor }))
}

/// How a name search finds its profiles (`$5` is the folded text as a `LIKE` pattern, `$6` the text as typed, which
/// may also be an id or an identifier). A name few profiles hold is looked up in the trigram index (SQLite's FTS5
/// `profile_names`, PostgreSQL's `pg_trgm` index) and the matches sorted; a name many hold, or text the index cannot
/// serve (under three letters, or a wildcard character), is found by walking the brand's profiles newest first,
/// where a page fills at once. The answer says whether the search is driven by its matches.
async fn name_filter(state: &AppState, brand_id: &str, folded: &str) -> Result<(String, bool)> {
    // An id, or an identifier of a kind a person might paste (all but phones and e-mails, parsed before).
    const KINDS: &str = "('zalo_id', 'zalo_oa_follower_id', 'momo_id', 'external_id', 'anonymous_id')";
    let postgres = state.db.dialect() == Dialect::Postgres;
    // The walk reads the name beside the index, never through the trigram index: on PostgreSQL the concatenation
    // keeps the planner from trading the ordered walk for a bitmap of every match.
    let walked = if postgres {
        "(p.search_name || '') LIKE $5"
    } else {
        "p.search_name LIKE $5 ESCAPE '\\'"
    };
    let scan = format!(
        "({walked} OR p.id = $6 OR p.id IN (SELECT profile_id FROM identities WHERE brand_id = $1 \
         AND kind IN {KINDS} AND value = $6))"
    );
    let indexable = folded.chars().count() >= 3 && !folded.contains(['%', '_', '\\']);
    if !indexable {
        return Ok((scan, false));
    }
    let count = if postgres {
        "SELECT COUNT(*) FROM (SELECT 1 FROM profiles WHERE brand_id = $2 AND search_name LIKE $1 LIMIT 1000) AS m"
    } else {
        "SELECT COUNT(*) FROM (SELECT 1 FROM profile_names WHERE search_name LIKE $1 AND $2 = $2 LIMIT 1000) AS m"
    };
    let (dense,): (i64,) = sqlx::query_as(count)
        .persistent(false)
        .bind(search::contains_pattern(folded))
        .bind(brand_id)
        .fetch_one(state.db.read())
        .await?;
    if dense >= 1000 {
        return Ok((scan, false));
    }
    Ok(if postgres {
        (
            format!(
                "p.id IN (SELECT id FROM profiles WHERE brand_id = $1 AND search_name LIKE $5 \
                 UNION ALL SELECT $6 UNION ALL SELECT profile_id FROM identities WHERE brand_id = $1 \
                 AND kind IN {KINDS} AND value = $6)"
            ),
            false,
        )
    } else {
        (
            format!(
                "p.rowid IN (SELECT rowid FROM profile_names WHERE search_name LIKE $5 \
                 UNION ALL SELECT rowid FROM profiles WHERE id = $6 \
                 UNION ALL SELECT q.rowid FROM identities i JOIN profiles q ON q.id = i.profile_id WHERE i.brand_id = $1 \
                 AND i.kind IN {KINDS} AND i.value = $6)"
            ),
            true,
        )
    })
}

/// Everything about one customer: identities, traits, attributes, consents and merge history.
#[utoipa::path(
    get,
    path = "/api/v1/admin/profiles/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Profile id (a merged id leads to the survivor)")),
    responses((status = 200, body = Profile360), (status = 404, description = "`unknown_profile`", body = ErrorBody))
)]
async fn profile_360(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<Profile360>> {
    let db = &state.db;
    let id = live(db, &claims.brand, &id).await?;
    let (name, avatar_url, created_at): (Option<String>, Option<String>, i64) =
        sqlx::query_as("SELECT display_name, avatar_url, created_at FROM profiles WHERE id = $1")
            .bind(&id)
            .fetch_one(db.read())
            .await?;
    let identities = identities_of(db, &id).await?;
    let attributes: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT key, value_type, value, source, updated_at FROM profile_attributes WHERE profile_id = $1 ORDER BY key",
    )
    .bind(&id)
    .fetch_all(db.read())
    .await?;
    let merges: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT from_profile_id, reason, actor, created_at FROM profile_merges WHERE into_profile_id = $1 ORDER BY created_at",
    )
    .bind(&id)
    .fetch_all(db.read())
    .await?;
    let consents = current_consents(db, &id).await?;
    let traits = traits(db, &id, &consents).await?;
    Ok(Json(Profile360 {
        profile_id: id,
        name,
        avatar_url,
        created_at: rfc3339(created_at),
        identities,
        traits,
        attributes: attributes
            .into_iter()
            .map(|(key, value_type, value, source, at)| Attribute {
                key,
                value: serde_json::from_str(&value).unwrap_or_default(),
                value_type,
                source,
                updated_at: rfc3339(at),
            })
            .collect(),
        consents,
        merges: merges
            .into_iter()
            .map(|(from_profile_id, reason, actor, at)| MergeInfo {
                from_profile_id,
                reason,
                actor,
                merged_at: rfc3339(at),
            })
            .collect(),
    }))
}

/// A customer's timeline, newest first, paginated, optionally one type.
#[utoipa::path(
    get,
    path = "/api/v1/admin/profiles/{id}/events",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Profile id"), TimelineQuery),
    responses((status = 200, body = Timeline), (status = 404, description = "`unknown_profile`", body = ErrorBody))
)]
async fn profile_timeline(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Query(q): Query<TimelineQuery>,
) -> Result<Json<Timeline>> {
    let id = live(&state.db, &claims.brand, &id).await?;
    Ok(Json(timeline(&state.db, &claims.brand, &id, &q).await?))
}

/// Parses an attribute's value into its type and stored JSON text.
fn typed(value: &AttributeValue) -> Result<(&'static str, String)> {
    let invalid = |m: &str| Error::unprocessable(ErrorCode::InvalidAttributeValue, m.to_owned());
    match (value.value_type.as_deref(), &value.value) {
        (Some("date"), serde_json::Value::String(s)) => {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| invalid("A date is YYYY-MM-DD."))?;
            Ok(("date", value.value.to_string()))
        }
        (Some("date"), _) => Err(invalid("A date is a YYYY-MM-DD string.")),
        (None | Some("string"), serde_json::Value::String(s)) if s.chars().count() <= 500 => {
            Ok(("string", value.value.to_string()))
        }
        (None | Some("number"), serde_json::Value::Number(_)) => Ok(("number", value.value.to_string())),
        (None | Some("boolean"), serde_json::Value::Bool(_)) => Ok(("boolean", value.value.to_string())),
        _ => Err(invalid(
            "An attribute is a string (up to 500 characters), a number, a boolean or a date.",
        )),
    }
}

/// Sets one typed attribute of a customer (an admin edit).
#[utoipa::path(
    put,
    path = "/api/v1/admin/profiles/{id}/attributes/{key}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Profile id"), ("key" = String, Path, description = "a-z, 0-9, _; up to 40")),
    request_body = AttributeValue,
    responses(
        (status = 200, body = Attribute),
        (status = 404, description = "`unknown_profile`", body = ErrorBody),
        (status = 422, description = "`invalid_attribute_key`, `invalid_attribute_value`", body = ErrorBody),
    )
)]
async fn set_attribute(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path((id, key)): Path<(String, String)>,
    Json(value): Json<AttributeValue>,
) -> Result<Json<Attribute>> {
    if !crate::profiles::is_attribute_key(&key) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidAttributeKey,
            "An attribute key has 1 to 40 of a-z, 0-9 and _.",
        ));
    }
    let (value_type, text) = typed(&value)?;
    let id = live(&state.db, &claims.brand, &id).await?;
    crate::profiles::check_new_attribute_keys(&state.db, &claims.brand, &[key.as_str()]).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    sqlx::query("DELETE FROM profile_attributes WHERE profile_id = $1 AND key = $2")
        .bind(&id)
        .bind(&key)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO profile_attributes (brand_id, profile_id, key, value_type, value, source, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'admin', $6)",
    )
    .bind(&claims.brand)
    .bind(&id)
    .bind(&key)
    .bind(value_type)
    .bind(&text)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(Attribute {
        key,
        value_type: value_type.into(),
        value: value.value,
        source: "admin".into(),
        updated_at: rfc3339(now),
    }))
}
