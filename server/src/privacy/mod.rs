//! Personal data (`SUPERAPP.md` §8): consent per purpose with its proof, export of everything held about a
//! person, and erasure that removes personal data but keeps anonymised events so reports still add up.

pub mod consent;
mod data;

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub use consent::{current_consents, record_consent};
pub use data::{erase, export};

/// The privacy routes for customers and admins.
pub fn router() -> OpenApiRouter<AppState> {
    consent::router().merge(data::router())
}
