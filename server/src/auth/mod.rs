//! Authentication: customers through their super-app, brand users with a password; JWT sessions with rotating
//! refresh tokens; extractors that enforce role and brand on every route.

mod customer;
pub mod extract;
pub mod staff;
pub mod throttle;
pub mod tokens;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

/// The authentication routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(customer::sign_in))
        .routes(routes!(customer::refresh))
        .routes(routes!(customer::logout))
        .routes(routes!(customer::me))
        .routes(routes!(customer::rename))
        .routes(routes!(staff::sign_in))
}
