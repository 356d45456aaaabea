//! Product QR codes: batches of one-time codes a brand prints on packs or cups; a member scanning one earns its
//! points once.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// `POST /api/v1/admin/product-batches`: a batch of codes to print.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProductBatchInput {
    /// What it is printed on (1–120 characters), e.g. `Ly Tết 2027`; the member sees it beside the points.
    pub name: String,
    /// Points a code earns (1–100,000).
    pub points: i64,
    /// How many codes (1–100,000).
    pub count: i64,
}

/// A batch as the console lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProductBatch {
    /// Its id.
    pub id: String,
    /// What the console gave.
    pub input: ProductBatchInput,
    /// Codes scanned (each earned its points once).
    pub spent: i64,
    /// Scans refused because the code was spent already (a copied code, or a second person): worth a look.
    pub refused_scans: i64,
    /// Whether it was revoked (its codes earn nothing any more).
    pub revoked: bool,
    /// When it was made (RFC 3339).
    pub created_at: String,
}

/// `GET /api/v1/admin/product-batches/{id}/codes.csv`: the language of the CSV and the mini app's address, so
/// each code's link opens it (`{link_base}checkin?code=…`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct BatchCsvQuery {
    /// `vi` (the default) or `en`.
    pub lang: Option<String>,
    /// The mini app's address, ending in `/` (e.g. `https://cham.example/`).
    pub link_base: Option<String>,
}

/// `POST /api/v1/me/product-codes`: a code scanned from a pack.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProductCodeScan {
    /// The code (`CHAMP.…`), or the whole text of its QR.
    pub code: String,
}

/// What a scanned code earned.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProductCodeEarned {
    /// The batch's name.
    pub batch: String,
    /// Points earned.
    pub points_earned: i64,
}
