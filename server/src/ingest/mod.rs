//! Server-to-server ingestion: brands' POS and websites push `identify` and `track` calls with a per-brand API
//! key, created and revoked by admins in the console.

mod http;
mod keys;

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub use keys::ApiKeyAuth;

/// The ingestion and API-key routes.
pub fn router() -> OpenApiRouter<AppState> {
    keys::router().merge(http::router())
}
