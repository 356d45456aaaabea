//! Personal data (`SUPERAPP.md` §8): consent per purpose with its proof, export of everything held about a
//! person, and erasure that removes personal data but keeps anonymised events so reports still add up.

pub mod consent;
mod data;

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub use consent::{current_consents, record_consent};
pub use data::{erase, export};

/// Privacy's part of a merge: the consents (with their proof) move to the survivor. They are kept at erasure,
/// as proof of what was allowed when.
pub fn hooks() -> crate::profiles::hooks::AreaHooks {
    crate::profiles::hooks::AreaHooks {
        area: "privacy",
        merge: Some(|conn, brand_id, from, into| Box::pin(consent::move_consents(conn, brand_id, from, into))),
        export: None,
        erase: None,
        summary: None,
    }
}

/// The privacy routes for customers and admins.
pub fn router() -> OpenApiRouter<AppState> {
    consent::router().merge(data::router())
}
