//! The console's campaigns: list them with what each brought, add one, and add short links to it.

use app::api::{Campaign, CampaignInput, CampaignLink, ErrorBody, ErrorCode, FieldProblem, LinkInput};
use axum::{extract::State, http::StatusCode};
use rand::Rng;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::report;
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::new_id,
    error::{Error, Json, Result, is_unique_violation},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(add_link))
}

/// Whether `text` is 1 to `max` of lower-case letters, digits and `_`.
fn is_slug(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn invalid_campaign(pointer: &str, problem: FieldProblem, message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidCampaign, message).at(pointer, problem)
}

fn validate(mut input: CampaignInput) -> Result<CampaignInput> {
    input.name = input.name.trim().to_owned();
    input.slug = input.slug.trim().to_owned();
    if input.name.is_empty() || input.name.chars().count() > 120 {
        return Err(invalid_campaign(
            "/name",
            FieldProblem::Length { min: 1, max: 120 },
            "A campaign needs a name of at most 120 characters.",
        ));
    }
    if !is_slug(&input.slug, 60) {
        return Err(invalid_campaign(
            "/slug",
            FieldProblem::KeyFormat { max: 60 },
            "A campaign's code is 1 to 60 lower-case letters, digits or underscores.",
        ));
    }
    if !(1..=90).contains(&input.window_days) {
        return Err(invalid_campaign(
            "/window_days",
            FieldProblem::Range { min: 1, max: 90 },
            "An attribution window is 1 to 90 days.",
        ));
    }
    Ok(input)
}

/// The screens a link may open.
const SCREENS: &[&str] = &[
    "/",
    "/rewards",
    "/games",
    "/surveys",
    "/vouchers",
    "/stores",
    "/checkin",
    "/card",
    "/tiers",
    "/history",
];

fn valid_target(target: &str) -> bool {
    if SCREENS.contains(&target) {
        return true;
    }
    let id_of = |root: &str| {
        target
            .strip_prefix(root)
            .filter(|id| (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    };
    id_of("/games/").is_some() || id_of("/surveys/").is_some()
}

fn validate_link(mut input: LinkInput) -> Result<LinkInput> {
    let invalid = |pointer: &str, problem: FieldProblem, message: &str| {
        Error::unprocessable(ErrorCode::InvalidLink, message).at(pointer, problem)
    };
    input.channel = input.channel.trim().to_owned();
    input.placement = input.placement.trim().to_owned();
    input.target = input.target.trim().to_owned();
    if !is_slug(&input.channel, 40) {
        return Err(invalid(
            "/channel",
            FieldProblem::KeyFormat { max: 40 },
            "A channel is 1 to 40 lower-case letters, digits or underscores.",
        ));
    }
    if !input.placement.is_empty() && !is_slug(&input.placement, 60) {
        return Err(invalid(
            "/placement",
            FieldProblem::KeyFormat { max: 60 },
            "A placement is up to 60 lower-case letters, digits or underscores.",
        ));
    }
    if !valid_target(&input.target) {
        return Err(invalid(
            "/target",
            FieldProblem::NotAllowed,
            "A link opens one of the mini app's screens.",
        ));
    }
    Ok(input)
}

/// A short code: 8 characters a person can read aloud (no 0/O, 1/l/I).
fn short_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

async fn links_of(conn: &mut AnyConnection, campaign_id: &str) -> Result<Vec<CampaignLink>> {
    let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT l.id, l.code, l.channel, l.placement, l.target, \
         (SELECT COUNT(*) FROM touches t WHERE t.link_id = l.id) FROM campaign_links l \
         WHERE l.campaign_id = $1 ORDER BY l.created_at, l.id",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, channel, placement, target, clicks)| CampaignLink {
            id,
            code,
            input: LinkInput {
                channel,
                placement,
                target,
            },
            clicks,
        })
        .collect())
}

async fn load(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Campaign> {
    let row: Option<(String, String, i64)> =
        sqlx::query_as("SELECT name, slug, window_days FROM campaigns WHERE id = $1 AND brand_id = $2")
            .bind(id)
            .bind(brand_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (name, slug, window_days) = row.ok_or_else(unknown)?;
    Ok(Campaign {
        id: id.to_owned(),
        input: CampaignInput {
            name,
            slug,
            window_days,
        },
        links: links_of(conn, id).await?,
        funnel: report::funnel(conn, id, 0, i64::MAX).await?,
    })
}

pub(super) fn unknown() -> Error {
    Error::not_found(ErrorCode::UnknownCampaign, "There is no such campaign.")
}

/// The brand's campaigns, newest first, each with its links and what it brought.
#[utoipa::path(
    get,
    path = "/api/v1/admin/campaigns",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Campaign>), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<Campaign>>> {
    let mut conn = state.db.read().acquire().await?;
    let ids: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM campaigns WHERE brand_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200")
            .bind(&claims.brand)
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::with_capacity(ids.len());
    for (id,) in ids {
        out.push(load(&mut conn, &claims.brand, &id).await?);
    }
    Ok(Json(out))
}

/// Adds a campaign.
#[utoipa::path(
    post,
    path = "/api/v1/admin/campaigns",
    tag = "admin",
    security(("bearer" = [])),
    request_body = CampaignInput,
    responses(
        (status = 201, body = Campaign),
        (status = 409, description = "`campaign_exists`", body = ErrorBody),
        (status = 422, description = "`invalid_campaign`, with the field at fault", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<CampaignInput>,
) -> Result<(StatusCode, Json<Campaign>)> {
    let input = validate(input)?;
    let id = new_id();
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO campaigns (id, brand_id, name, slug, window_days, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&claims.brand)
    .bind(&input.name)
    .bind(&input.slug)
    .bind(input.window_days)
    .bind(state.clock.now_ms())
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "campaigns") {
            Error::new(
                StatusCode::CONFLICT,
                ErrorCode::CampaignExists,
                "A campaign already has this code.",
            )
            .at("/slug", FieldProblem::Duplicate)
        } else {
            e.into()
        }
    })?;
    let campaign = load(&mut tx, &claims.brand, &id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(campaign)))
}

/// Adds a short link to a campaign.
#[utoipa::path(
    post,
    path = "/api/v1/admin/campaigns/{id}/links",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id")),
    request_body = LinkInput,
    responses(
        (status = 201, body = CampaignLink),
        (status = 404, description = "`unknown_campaign`", body = ErrorBody),
        (status = 422, description = "`invalid_link`, with the field at fault", body = ErrorBody),
    )
)]
async fn add_link(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<LinkInput>,
) -> Result<(StatusCode, Json<CampaignLink>)> {
    let input = validate_link(input)?;
    let mut tx = state.db.begin().await?;
    let found: Option<(String,)> = sqlx::query_as("SELECT id FROM campaigns WHERE id = $1 AND brand_id = $2")
        .bind(&id)
        .bind(&claims.brand)
        .fetch_optional(&mut *tx)
        .await?;
    found.ok_or_else(unknown)?;
    let link_id = new_id();
    let code = short_code();
    sqlx::query(
        "INSERT INTO campaign_links (id, brand_id, campaign_id, code, channel, placement, target, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&link_id)
    .bind(&claims.brand)
    .bind(&id)
    .bind(&code)
    .bind(&input.channel)
    .bind(&input.placement)
    .bind(&input.target)
    .bind(state.clock.now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CampaignLink {
            id: link_id,
            code,
            input,
            clicks: 0,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_open_screens_of_the_mini_app_only() {
        for ok in ["/", "/stores", "/games/0190abc-1", "/surveys/X1"] {
            assert!(valid_target(ok), "{ok}");
        }
        for bad in [
            "",
            "https://evil.example",
            "//evil.example",
            "/admin",
            "/games/",
            "/games/a/b",
            "/l/x",
        ] {
            assert!(!valid_target(bad), "{bad}");
        }
        assert_eq!(short_code().len(), 8);
    }
}
