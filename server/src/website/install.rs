//! Putting Chạm on a brand's website: the snippet itself (`GET /w/{brand}.js`), and the console's install page
//! (the line to paste, the websites it may send from, and a live count of what the website sent).

use app::api::{ErrorBody, ErrorCode, Website, WebsiteInput};
use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::origins;
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    brands::Brand,
    db::rfc3339,
    error::{Error, Json, Result},
};

/// The snippet's source; the server puts the brand's settings in its last line, `})(CHAM_CONFIG);`.
const SNIPPET: &str = include_str!("../../../frontend/web/snippet.js");

/// The error codes the snippet can meet, whose words it shows the visitor in their language.
const SNIPPET_CODES: &[ErrorCode] = &[
    ErrorCode::FieldRequired,
    ErrorCode::InvalidPhone,
    ErrorCode::InvalidEmail,
    ErrorCode::ConsentRequired,
    ErrorCode::TooManySubmissions,
    ErrorCode::SubmittedTooFast,
    ErrorCode::FormClosed,
    ErrorCode::OriginNotAllowed,
    ErrorCode::Network,
];

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read, save))
}

/// `GET /w/{brand}.js`: outside the API, as the website's pages load it.
pub fn snippet_router() -> axum::Router<AppState> {
    axum::Router::new().route("/w/{file}", get(snippet))
}

/// The snippet with the brand's settings in it.
pub fn snippet_for(brand_slug: &str, api: &str) -> String {
    let texts: serde_json::Map<String, serde_json::Value> = SNIPPET_CODES
        .iter()
        .map(|code| {
            let (vi, en) = code.text();
            (code.as_str().to_owned(), serde_json::json!([vi, en]))
        })
        .collect();
    let config = serde_json::json!({ "brand": brand_slug, "api": api, "texts": texts });
    // `</` is escaped so nothing in the settings can close a `<script>` the snippet is inlined into.
    SNIPPET.replace(
        "})(CHAM_CONFIG);",
        &format!("}})({});", config.to_string().replace("</", "<\\/")),
    )
}

async fn snippet(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response> {
    let unknown = || Error::not_found(ErrorCode::UnknownBrand, "There is no such brand.");
    let slug = file.strip_suffix(".js").ok_or_else(unknown)?;
    let brand = Brand::require_slug(&state.db, slug).await?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // Short: a brand's changes reach its website within minutes.
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        snippet_for(&brand.slug, &state.public_url()),
    )
        .into_response())
}

/// The event types only the website sends.
pub const WEBSITE_EVENTS: &str = "('page_viewed', 'page_left', 'form_submitted')";

async fn website(state: &AppState, brand_id: &str) -> Result<Website> {
    let mut conn = state.db.read().acquire().await?;
    let brand = Brand::by_id(&state.db, brand_id)
        .await?
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownBrand, "There is no such brand."))?;
    let now = state.clock.now_ms();
    let (count,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM events WHERE brand_id = $1 AND type IN {WEBSITE_EVENTS} AND occurred_at > $2"
    ))
    .bind(brand_id)
    .bind(now - 24 * 60 * 60 * 1000)
    .fetch_one(&mut *conn)
    .await?;
    let last: Option<(i64, String)> = sqlx::query_as(&format!(
        "SELECT occurred_at, properties FROM events WHERE brand_id = $1 AND type IN {WEBSITE_EVENTS} \
         ORDER BY occurred_at DESC, received_at DESC, id DESC LIMIT 1"
    ))
    .bind(brand_id)
    .fetch_optional(&mut *conn)
    .await?;
    let last_page = last.as_ref().and_then(|(_, properties)| {
        let p: serde_json::Value = serde_json::from_str(properties).ok()?;
        p.get("path")
            .or_else(|| p.get("page"))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    });
    Ok(Website {
        origins: origins::list(&mut conn, brand_id).await?,
        snippet: format!(
            "<script async src=\"{}/w/{}.js\"></script>",
            state.public_url(),
            brand.slug
        ),
        events_last_day: count,
        last_event_at: last.map(|(at, _)| rfc3339(at)),
        last_event_page: last_page,
    })
}

/// The install page: the line to paste, the websites, and what arrived from them in the last day.
#[utoipa::path(
    get,
    path = "/api/v1/admin/website",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Website), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn read(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Website>> {
    Ok(Json(website(&state, &claims.brand).await?))
}

/// Replaces the websites the snippet may send from.
#[utoipa::path(
    put,
    path = "/api/v1/admin/website",
    tag = "admin",
    security(("bearer" = [])),
    request_body = WebsiteInput,
    responses(
        (status = 200, body = Website),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 422, description = "`invalid_origin` (with the entry)", body = ErrorBody),
    )
)]
async fn save(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<WebsiteInput>,
) -> Result<Json<Website>> {
    let list = origins::parse_list(&input.origins)?;
    let now = state.clock.now_ms();
    let brand_id = claims.brand.clone();
    state
        .db
        .transact(move |conn| Box::pin(async move { origins::replace(conn, &brand_id, &list, now).await }))
        .await?;
    Ok(Json(website(&state, &claims.brand).await?))
}
