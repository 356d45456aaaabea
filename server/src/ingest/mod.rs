//! Ingestion: the mini app's own events (and a visitor's before sign-in), and server-to-server calls from
//! brands' POS and websites (`identify`, `track`) with a per-brand API key, created and revoked by admins in
//! the console. Every one is recorded through `events::record`.

mod app;
mod http;
mod keys;

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub use keys::ApiKeyAuth;

/// The ingestion and API-key routes.
pub fn router() -> OpenApiRouter<AppState> {
    keys::router().merge(http::router()).merge(app::router())
}
