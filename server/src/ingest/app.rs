//! The mini app's own events: `POST /api/v1/events` (customer JWT), `POST /api/v1/anonymous/events` (a visitor
//! before sign-in) and `GET /api/v1/me/events` (the customer's timeline).

use app::api::ErrorCode;
use app::api::{AnonymousEventsRequest, ErrorBody, EventIn, EventOutcome, EventsRequest, EventsResponse, Timeline};
use axum::{Extension, extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Query;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    brands::Brand,
    error::{Error, Json, Result},
    events::{Origin, Sender, TimelineQuery, store_one, timeline},
    profiles,
    website::{self, origins::CrossOrigin},
};

/// Most events in one request.
pub const MAX_BATCH: usize = 500;

/// The event routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ingest))
        .routes(routes!(ingest_anonymous))
        .routes(routes!(my_timeline))
}

/// Records the signed-in customer's interactions: one event, or a batch of up to 500 answered item by item
/// (valid events are stored, each invalid one gets its own error and nothing of it is stored).
#[utoipa::path(
    post,
    path = "/api/v1/events",
    tag = "events",
    security(("bearer" = [])),
    request_body = EventsRequest,
    responses(
        (status = 200, body = EventsResponse),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
        (status = 413, description = "`batch_too_large`", body = ErrorBody),
        (status = 422, description = "`empty_batch`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(profile = %claims.sub))]
async fn ingest(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Json(request): Json<EventsRequest>,
) -> Result<Json<EventsResponse>> {
    let events = match request {
        EventsRequest::Batch { events } => events,
        EventsRequest::One(event) => vec![*event],
    };
    check_batch(&events)?;
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let mut tx = state.db.begin().await?;
    let response = store_batch(&mut tx, &claims.brand, &profile, events).await?;
    tx.commit().await?;
    Ok(Json(response))
}

/// Records the interactions of a visitor who has not signed in yet, on an anonymous profile keyed by their
/// device id. When they sign in with the same `anonymous_id`, this history joins their profile.
#[utoipa::path(
    post,
    path = "/api/v1/anonymous/events",
    tag = "events",
    request_body = AnonymousEventsRequest,
    responses(
        (status = 200, body = EventsResponse),
        (status = 403, description = "`origin_not_allowed`: a website the brand does not list", body = ErrorBody),
        (status = 404, description = "`unknown_brand`", body = ErrorBody),
        (status = 413, description = "`batch_too_large`", body = ErrorBody),
        (status = 422, description = "`empty_batch`, `invalid_anonymous_id`", body = ErrorBody),
    )
)]
async fn ingest_anonymous(
    State(state): State<AppState>,
    caller: Option<Extension<CrossOrigin>>,
    Json(request): Json<AnonymousEventsRequest>,
) -> Result<Json<EventsResponse>> {
    check_batch(&request.events)?;
    let brand = Brand::require_slug(&state.db, &request.brand).await?;
    // A brand's website may send its visitors' events; another brand's may not.
    website::origins::check(&state.db, &brand.id, caller.as_ref().map(|Extension(c)| c)).await?;
    profiles::parse_anonymous_id(&request.anonymous_id)?;
    let mut tx = state.db.begin().await?;
    let profile = profiles::resolve_anonymous(&mut tx, &brand.id, &request.anonymous_id).await?;
    let response = store_batch(&mut tx, &brand.id, &profile, request.events).await?;
    tx.commit().await?;
    Ok(Json(response))
}

/// Refuses empty batches and batches over the limit, before anything is written.
pub fn check_batch<T>(events: &[T]) -> Result<()> {
    if events.is_empty() {
        return Err(Error::unprocessable(ErrorCode::EmptyBatch, "Send at least one event."));
    }
    if events.len() > MAX_BATCH {
        return Err(Error::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BatchTooLarge,
            format!("A batch holds at most {MAX_BATCH} events."),
        ));
    }
    Ok(())
}

/// Validates and records a batch inside one transaction (one commit however many events), item by item.
async fn store_batch(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    profile_id: &str,
    events: Vec<EventIn>,
) -> Result<EventsResponse> {
    let now = crate::db::now_ms();
    let scope = format!("app:{profile_id}");
    let mut consented = None;
    let mut results = Vec::with_capacity(events.len());
    for (index, input) in events.into_iter().enumerate() {
        if let Some(error) = super::analytics_refusal(conn, profile_id, &input.event_type, &mut consented).await? {
            results.push(EventOutcome {
                index,
                id: None,
                duplicate: false,
                error: Some(error),
            });
            continue;
        }
        let origin = Origin {
            sender: Sender::MiniApp,
            key_scope: &scope,
        };
        results.push(store_one(conn, brand_id, profile_id, index, input, now, origin).await?);
    }
    Ok(EventsResponse::from_outcomes(results))
}

/// The signed-in customer's own timeline, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/events",
    tag = "events",
    security(("bearer" = [])),
    params(TimelineQuery),
    responses(
        (status = 200, body = Timeline),
        (status = 400, description = "`invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
    )
)]
async fn my_timeline(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Query(q): Query<TimelineQuery>,
) -> Result<Json<Timeline>> {
    // A session of a profile that was merged away reads the survivor's timeline.
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    Ok(Json(timeline(&state.db, &claims.brand, &profile, &q).await?))
}
