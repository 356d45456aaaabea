//! Ingestion: the mini app's own events (and a visitor's before sign-in), and server-to-server calls from
//! brands' POS and websites (`identify`, `track`) with a per-brand API key, created and revoked by admins in
//! the console. Every one is recorded through `events::record`.

mod app;
mod http;
mod keys;

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub use keys::ApiKeyAuth;

/// The refusal of an event that needs analytics consent the person has not given, or `None` when it may be
/// recorded. `consented` is asked at most once a batch, and only when such an event is in it.
async fn analytics_refusal(
    conn: &mut sqlx::AnyConnection,
    profile_id: &str,
    event_type: &str,
    consented: &mut Option<bool>,
) -> crate::error::Result<Option<::app::api::ErrorDetail>> {
    if !::app::api::EventType::parse(event_type.trim()).is_some_and(::app::api::EventType::needs_analytics_consent) {
        return Ok(None);
    }
    let allowed = match *consented {
        Some(allowed) => allowed,
        None => {
            let allowed = crate::privacy::consent::has_granted(conn, profile_id, "analytics").await?;
            *consented = Some(allowed);
            allowed
        }
    };
    Ok((!allowed).then(|| ::app::api::ErrorDetail {
        code: ::app::api::ErrorCode::NoAnalyticsConsent,
        message: format!(
            "'{}' is recorded only with the person's consent to analytics",
            event_type.trim()
        ),
        field: None,
    }))
}

/// The ingestion and API-key routes.
pub fn router() -> OpenApiRouter<AppState> {
    keys::router().merge(http::router()).merge(app::router())
}
