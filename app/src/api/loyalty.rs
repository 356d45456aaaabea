//! Loyalty: the member's card and points history, and the console's earning rules, tiers, adjustments and
//! liability report. The rewards catalog and vouchers are in `rewards`.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A member's tier as the mini app shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TierBadge {
    /// Tier id; `None` for the entry level of a brand without a zero-threshold tier.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Points or VND (see [`LoyaltyCard::tier_metric`]) needed within the window.
    pub threshold: i64,
    /// Earn multiplier in percent (100 = ×1).
    pub earn_multiplier_pct: i64,
    /// What the tier gives, in the brand's words.
    pub benefits: String,
}

/// `GET /api/v1/me/loyalty`: the loyalty card.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoyaltyCard {
    /// Spendable points.
    pub balance: i64,
    /// Points earned but not spendable yet.
    pub pending: i64,
    /// Spendable points that expire within 30 days.
    pub expiring_soon: i64,
    /// When the first of those expire, RFC 3339.
    pub next_expiry_at: Option<String>,
    /// The current tier.
    pub tier: TierBadge,
    /// Until when the tier is held before it is reviewed, RFC 3339.
    pub tier_until: Option<String>,
    /// The next tier up, if any.
    pub next_tier: Option<TierBadge>,
    /// `points` (earned) or `vnd` (spent): what tiers are measured in.
    pub tier_metric: String,
    /// The rolling window tiers are measured over, in months.
    pub tier_window_months: i64,
    /// Points earned or VND spent within the window.
    pub qualifying: i64,
    /// Every tier of the brand, lowest first, with its benefits: the tier benefits page.
    #[serde(default)]
    pub tiers: Vec<TierBadge>,
}

/// One ledger entry as the member's history and the console show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PointsEntry {
    /// Entry id.
    pub id: String,
    /// `earn`, `redeem`, `expire`, `adjust` or `reverse`.
    pub kind: String,
    /// Signed points.
    pub points: i64,
    /// Unspent part of a credit.
    pub remaining: i64,
    /// Whether the points are still pending.
    pub pending: bool,
    /// When pending points become spendable, RFC 3339.
    pub available_at: String,
    /// When the credit expires, RFC 3339.
    pub expires_at: Option<String>,
    /// What caused it: `event`, `voucher`, `admin`, `entry`, `expiry`, `play`.
    pub source_kind: String,
    /// The id of that cause.
    pub source_ref: String,
    /// For earns: the event type that paid (`order_paid`, `checked_in`, …); for redemptions: the reward's name.
    pub label: Option<String>,
    /// An admin's reason.
    pub reason: Option<String>,
    /// The entry this one reverses.
    pub reverses_id: Option<String>,
    /// Whether an admin may still reverse it.
    pub reversible: bool,
    /// Written, RFC 3339.
    pub created_at: String,
}

/// A page of the points history, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PointsHistory {
    /// Entries.
    pub entries: Vec<PointsEntry>,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// What makes an earning rule pay.
pub const RULE_TRIGGERS: &[&str] = &[
    "order_paid",
    "offline_purchase",
    "checked_in",
    "survey_completed",
    "followed_oa",
    "phone_shared",
    "first_sign_in",
    "birthday",
];

/// An earning rule, as the console sends it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RuleInput {
    /// Name.
    pub name: String,
    /// `per_vnd` (purchases), `fixed` (events) or `multiplier` (a campaign window).
    pub kind: String,
    /// One of [`RULE_TRIGGERS`]; for a multiplier, `*` for every trigger.
    pub trigger: String,
    /// Fixed: the points; per VND: the points per `per_vnd` VND.
    pub points: Option<i64>,
    /// Per VND: the amount that earns `points`.
    pub per_vnd: Option<i64>,
    /// `floor`, `nearest` or `ceil`.
    #[serde(default = "default_rounding")]
    pub rounding: String,
    /// Multiplier in percent (200 = ×2).
    pub multiplier_pct: Option<i64>,
    /// Applies from, RFC 3339.
    pub starts_at: Option<String>,
    /// Applies until, RFC 3339.
    pub ends_at: Option<String>,
    /// Days the points stay pending.
    #[serde(default)]
    pub pending_days: i64,
    /// Days until the points expire; `None` for never.
    pub expiry_days: Option<i64>,
    /// Most points one member earns from it per day.
    pub daily_cap: Option<i64>,
    /// Most points one member earns from it ever.
    pub member_cap: Option<i64>,
    /// In force.
    pub active: bool,
}

fn default_rounding() -> String {
    "floor".into()
}

/// An earning rule as the console lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Rule {
    /// Id.
    pub id: String,
    /// Its settings.
    #[serde(flatten)]
    pub input: RuleInput,
    /// Last changed, RFC 3339.
    pub updated_at: String,
}

/// A tier as the console sends it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TierInput {
    /// Name.
    pub name: String,
    /// Points earned or VND spent within the window to reach it (0 for the entry tier).
    pub threshold: i64,
    /// Earn multiplier in percent (100–1000).
    pub earn_multiplier_pct: i64,
    /// What it gives.
    #[serde(default)]
    pub benefits: String,
}

/// A tier as the console lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Tier {
    /// Id.
    pub id: String,
    /// Its settings.
    #[serde(flatten)]
    pub input: TierInput,
    /// Members in it now.
    pub members: i64,
}

/// How a brand measures tiers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoyaltySettings {
    /// `points` (earned) or `vnd` (spent).
    pub tier_metric: String,
    /// Rolling window in months (1–36).
    pub tier_window_months: i64,
    /// What one point is worth to the brand in VND (1–1,000,000), for the liability report; unset until the
    /// brand says.
    #[serde(default)]
    pub point_value_vnd: Option<i64>,
}

/// `GET /api/v1/admin/loyalty`: everything the loyalty screen edits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoyaltyConfig {
    /// Tier measurement.
    pub settings: LoyaltySettings,
    /// Tiers, lowest first.
    pub tiers: Vec<Tier>,
    /// Earning rules, newest first.
    pub rules: Vec<Rule>,
}

/// `POST /api/v1/admin/profiles/{id}/points`: a manual adjustment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdjustRequest {
    /// Signed points (not 0).
    pub points: i64,
    /// Why, for the audit trail (required).
    pub reason: String,
    /// Days until added points expire; `None` for never.
    pub expiry_days: Option<i64>,
    /// A key of the client's; the same key adjusts once.
    pub idempotency_key: String,
}

/// `POST /api/v1/admin/points/{entry_id}/reverse`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReverseRequest {
    /// Why (required).
    pub reason: String,
}

/// A member's points as the console shows them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberPoints {
    /// The card.
    pub card: LoyaltyCard,
    /// The newest entries.
    pub history: PointsHistory,
}

/// Points expiring in one month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExpiringMonth {
    /// `2026-12` (Asia/Ho_Chi_Minh).
    pub month: String,
    /// Points.
    pub points: i64,
}

/// `GET /api/v1/admin/loyalty/liability`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Liability {
    /// Spendable points held by members.
    pub outstanding: i64,
    /// Points earned but still pending.
    pub pending: i64,
    /// Members holding points.
    pub members: i64,
    /// Spendable points that never expire.
    pub never_expiring: i64,
    /// Spendable points by the month they expire in, soonest first.
    pub expiring_by_month: Vec<ExpiringMonth>,
    /// Vouchers issued and not yet used or expired.
    pub open_vouchers: i64,
    /// What one point is worth in VND, when the brand has set it.
    pub point_value_vnd: Option<i64>,
    /// `outstanding` in VND, when the point value is set.
    pub outstanding_vnd: Option<i64>,
    /// `pending` in VND, when the point value is set.
    pub pending_vnd: Option<i64>,
}
