//! Consent, data export and erasure.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::{PublicBrand, TimelineEvent};

/// The consent purposes, one per marketing channel plus analytics (`SUPERAPP.md` §8).
pub const CONSENT_PURPOSES: [&str; 5] = [
    "marketing_zalo",
    "marketing_zns",
    "marketing_email",
    "marketing_sms",
    "analytics",
];

/// The current state of one consent purpose.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Consent {
    /// One of [`CONSENT_PURPOSES`].
    pub purpose: String,
    /// Whether it is granted now. Never asked counts as not granted: silence is not consent.
    pub granted: bool,
    /// Whether the person was ever asked.
    pub asked: bool,
    /// The wording they saw when they last decided.
    pub wording_version: Option<String>,
    /// Where they last decided (`zalo`, `momo`, `web`, `admin`, …).
    pub source: Option<String>,
    /// When they last decided, RFC 3339.
    pub updated_at: Option<String>,
}

/// `PUT /api/v1/me/consents/{purpose}`: grant or withdraw, as easily as each other.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConsentChange {
    /// Grant (`true`) or withdraw (`false`).
    pub granted: bool,
    /// Version of the wording shown, e.g. `2026-01`, which names the channel and the frequency.
    pub wording_version: String,
    /// `zalo`, `momo` or `web`; `web` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One identifier in a data export.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExportedIdentity {
    /// Kind.
    pub kind: String,
    /// Value.
    pub value: String,
    /// Verified by a super-app.
    pub verified: bool,
    /// Where it came from.
    pub source: String,
    /// First seen, RFC 3339.
    pub first_seen_at: String,
}

/// One consent decision in a data export: the proof.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConsentRecord {
    /// Purpose.
    pub purpose: String,
    /// Granted or withdrawn.
    pub granted: bool,
    /// Where.
    pub source: String,
    /// Wording shown.
    pub wording_version: String,
    /// When, RFC 3339.
    pub recorded_at: String,
}

/// Everything held about one person: `GET /api/v1/me/export` and the admin's export.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProfileExport {
    /// Profile id.
    pub profile_id: String,
    /// Brand.
    pub brand: PublicBrand,
    /// Name.
    pub name: Option<String>,
    /// Avatar.
    pub avatar_url: Option<String>,
    /// Created, RFC 3339.
    pub created_at: String,
    /// Identifiers.
    pub identities: Vec<ExportedIdentity>,
    /// Every consent decision.
    pub consents: Vec<ConsentRecord>,
    /// Every event, oldest first.
    pub events: Vec<TimelineEvent>,
    /// Profiles merged into this one.
    pub merged_profile_ids: Vec<String>,
    /// Custom attributes (from surveys, imports, the console).
    #[serde(default)]
    pub attributes: Vec<crate::api::Attribute>,
    /// Survey responses, oldest first.
    #[serde(default)]
    pub survey_responses: Vec<ExportedResponse>,
    /// Every points entry, newest first.
    #[serde(default)]
    pub points: Vec<crate::api::PointsEntry>,
    /// Vouchers held, used or expired.
    #[serde(default)]
    pub vouchers: Vec<crate::api::Voucher>,
    /// Game plays, oldest first.
    #[serde(default)]
    pub game_plays: Vec<ExportedPlay>,
    /// Check-ins made by scanning a store's poster, newest first.
    #[serde(default)]
    pub check_ins: Vec<crate::api::CheckIn>,
    /// Purchases claimed with a receipt, newest first.
    #[serde(default)]
    pub purchase_claims: Vec<crate::api::PurchaseClaim>,
    /// Their orders, newest first (without a way to pay).
    #[serde(default)]
    pub orders: Vec<crate::api::Order>,
    /// When this export was made, RFC 3339.
    pub exported_at: String,
}

/// One game play in a data export.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExportedPlay {
    /// The game's name.
    pub game: String,
    /// The prize given, if any.
    pub prize: Option<String>,
    /// `points`, `voucher`, `gift` or `nothing`.
    pub kind: String,
    /// A gift's code, if one was won.
    pub gift_code: Option<String>,
    /// Played, RFC 3339.
    pub played_at: String,
}

/// One survey response in a data export.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExportedResponse {
    /// The survey's name.
    pub survey: String,
    /// Submitted, RFC 3339.
    pub submitted_at: String,
    /// `(question, answer)` in the order answered.
    pub answers: Vec<(String, String)>,
}

/// The record of an erasure.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErasureReceipt {
    /// The request's id.
    pub request_id: String,
    /// Requested, RFC 3339.
    pub requested_at: String,
    /// Completed, RFC 3339.
    pub completed_at: String,
}
