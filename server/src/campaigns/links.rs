//! A campaign link's click and the person behind it. `GET /l/{code}` records the click as a touch (channel,
//! device) and redirects to the screen the link opens with the click's id (`?cid=`): inside Zalo to the mini app's
//! `zalo.me/s/{app}` address, elsewhere to the web mini app. The mini app hands the id back once the person is
//! signed in (`POST /api/v1/me/clicks`): the touch becomes theirs and `link_clicked` goes on their timeline, as
//! of when they clicked. A link clicked on the brand's website carries the visitor's anonymous id (`?aid=`, added
//! by the snippet), and tying the click joins the visitor's web history to the member.

use app::api::{ClickTie, ClickTied, ErrorBody, ErrorCode};
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::rollup;

use crate::error::Path;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    brands::Brand,
    db::{new_id, rfc3339},
    error::{Error, Json, Result},
    events::{self, Campaign, NewEvent},
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(tie))
}

/// `GET /l/{code}`: outside the API, as printed on posters and posted on channels.
pub fn redirect_router() -> axum::Router<AppState> {
    axum::Router::new().route("/l/{code}", get(follow))
}

/// A click's touch is tied to a person within this long.
const TIE_WITHIN_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// The device a click came from, by its user agent.
/// A message's recipient clicked its button (`/r/{token}`, the first time): a touch of the message's campaign, theirs
/// at once, counted as the campaign's click and lead, so a visit or purchase within the campaign's window is
/// attributed to it as after a campaign link. In the click's transaction.
pub async fn message_touch(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    campaign_id: &str,
    profile_id: &str,
    channel: &str,
    headers: &HeaderMap,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO touches (id, brand_id, campaign_id, link_id, kind, channel, device, profile_id, touched_at, \
         tied_at) VALUES ($1, $2, $3, NULL, 'message', $4, $5, $6, $7, $7)",
    )
    .bind(new_id())
    .bind(brand_id)
    .bind(campaign_id)
    .bind(channel)
    .bind(device(headers))
    .bind(profile_id)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    rollup::clicked(conn, campaign_id, at).await?;
    rollup::tied(conn, campaign_id, profile_id, at).await
}

/// Whether `campaign_id` is one of the brand's campaigns.
pub async fn exists(db: &crate::db::Db, brand_id: &str, campaign_id: &str) -> Result<bool> {
    let found: Option<(String,)> = sqlx::query_as("SELECT id FROM campaigns WHERE id = $1 AND brand_id = $2")
        .bind(campaign_id)
        .bind(brand_id)
        .fetch_optional(db.read())
        .await?;
    Ok(found.is_some())
}

fn device(headers: &HeaderMap) -> &'static str {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if agent.contains("Zalo") {
        "zalo"
    } else if agent.contains("MoMo") {
        "momo"
    } else if agent.contains("iPhone") || agent.contains("iPad") {
        "ios"
    } else if agent.contains("Android") {
        "android"
    } else {
        "desktop"
    }
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: String,
    brand_id: String,
    campaign_id: String,
    channel: String,
    target: String,
}

/// `?aid=`: the website visitor's anonymous id, which the snippet adds to a campaign link on the brand's site.
#[derive(Debug, serde::Deserialize)]
struct FromWebsite {
    aid: Option<String>,
}

async fn follow(
    State(state): State<AppState>,
    Path(code): Path<String>,
    axum::extract::Query(from): axum::extract::Query<FromWebsite>,
    headers: HeaderMap,
) -> Result<Response> {
    // An id that is not one is ignored: the click still counts.
    let anonymous_id = from
        .aid
        .as_deref()
        .and_then(|a| profiles::parse_anonymous_id(a).ok())
        .map(str::to_owned);
    let link: Option<LinkRow> =
        sqlx::query_as("SELECT id, brand_id, campaign_id, channel, target FROM campaign_links WHERE code = $1")
            .bind(code.trim())
            .fetch_optional(state.db.read())
            .await?;
    let Some(link) = link else {
        return Err(Error::not_found(
            ErrorCode::UnknownLink,
            "This link does not exist or has expired.",
        ));
    };
    let now = state.clock.now_ms();
    let device = device(&headers);
    let click = new_id();
    let (id, brand_id, campaign_id, channel) = (
        click.clone(),
        link.brand_id.clone(),
        link.campaign_id.clone(),
        link.channel.clone(),
    );
    let link_id = link.id.clone();
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO touches (id, brand_id, campaign_id, link_id, kind, channel, device, touched_at, \
                     anonymous_id) VALUES ($1, $2, $3, $4, 'link', $5, $6, $7, $8)",
                )
                .bind(&id)
                .bind(&brand_id)
                .bind(&campaign_id)
                .bind(&link_id)
                .bind(&channel)
                .bind(device)
                .bind(now)
                .bind(anonymous_id)
                .execute(&mut *conn)
                .await?;
                rollup::clicked(conn, &campaign_id, now).await
            })
        })
        .await?;
    metrics::counter!("cham_link_clicks_total").increment(1);
    let zalo_app = match device {
        "zalo" => Brand::by_id(&state.db, &link.brand_id)
            .await?
            .and_then(|b| b.zalo_app_id),
        _ => None,
    };
    let to = match zalo_app {
        Some(app) => format!("https://zalo.me/s/{app}{}?cid={click}", link.target),
        None => format!(
            "{}{}?cid={click}",
            state.config.base_path.trim_end_matches('/'),
            link.target
        ),
    };
    Ok((
        StatusCode::FOUND,
        [(header::LOCATION, to), (header::CACHE_CONTROL, "no-store".to_owned())],
    )
        .into_response())
}

/// A click as tying it reads it.
#[derive(sqlx::FromRow)]
struct TouchRow {
    id: String,
    campaign_id: String,
    owner: Option<String>,
    touched_at: i64,
    channel: String,
    slug: String,
    link_id: Option<String>,
    placement: String,
    anonymous_id: Option<String>,
}

/// Ties the click the mini app was opened from to the signed-in member, and puts `link_clicked` on their
/// timeline as of the click. A click already theirs changes nothing; another person's, or one older than 30 days,
/// is not theirs to take.
#[utoipa::path(
    post,
    path = "/api/v1/me/clicks",
    tag = "member",
    security(("bearer" = [])),
    request_body = ClickTie,
    responses(
        (status = 200, description = "Tied (or already theirs)", body = ClickTied),
        (status = 404, description = "`unknown_click`", body = ErrorBody),
    )
)]
async fn tie(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Json(body): Json<ClickTie>,
) -> Result<Json<ClickTied>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let touch: Option<TouchRow> = sqlx::query_as(
        "SELECT t.id, t.campaign_id, t.profile_id AS owner, t.touched_at, t.channel, c.slug, t.link_id, \
         COALESCE(l.placement, '') AS placement, t.anonymous_id \
         FROM touches t JOIN campaigns c ON c.id = t.campaign_id LEFT JOIN campaign_links l ON l.id = t.link_id \
         WHERE t.id = $1 AND t.brand_id = $2",
    )
    .bind(body.click_id.trim())
    .bind(&claims.brand)
    .fetch_optional(&mut *tx)
    .await?;
    let unknown = || Error::not_found(ErrorCode::UnknownClick, "There is no such click.");
    let Some(TouchRow {
        id,
        campaign_id,
        owner,
        touched_at: at,
        channel,
        slug,
        link_id,
        placement,
        anonymous_id,
    }) = touch
    else {
        return Err(unknown());
    };
    match owner {
        Some(owner) if owner == profile => {
            return Ok(Json(ClickTied {
                clicked_at: rfc3339(at),
            }));
        }
        Some(_) => return Err(unknown()),
        None if now - at > TIE_WITHIN_MS => return Err(unknown()),
        None => {}
    }
    let tied = sqlx::query("UPDATE touches SET profile_id = $1, tied_at = $2 WHERE id = $3 AND profile_id IS NULL")
        .bind(&profile)
        .bind(now)
        .bind(&id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if tied != 1 {
        return Err(unknown());
    }
    rollup::tied(&mut tx, &campaign_id, &profile, at).await?;
    if let Some(anonymous_id) = &anonymous_id {
        // Clicked on the brand's website: what the visitor did there joins the member.
        profiles::join_anonymous(&mut tx, &claims.brand, anonymous_id, &profile, "web").await?;
    }
    let properties = serde_json::json!({ "click_id": id });
    let key = format!("click:{id}");
    events::record(
        &mut tx,
        &claims.brand,
        &NewEvent {
            profile_id: &profile,
            event_type: "link_clicked",
            occurred_at: at,
            source: "web",
            properties: &properties,
            campaign: &Campaign {
                utm_source: Some(channel),
                utm_medium: None,
                utm_campaign: Some(slug),
                utm_content: Some(placement).filter(|p| !p.is_empty()),
                link_id,
            },
            idempotency_key: Some(&key),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(ClickTied {
        clicked_at: rfc3339(at),
    }))
}
