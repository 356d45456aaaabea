//! Loyalty: the member's card and points history, the rewards catalog and vouchers, the staff voucher check,
//! and the console's earning rules, tiers, rewards, adjustments and liability report.

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

/// A reward's kind.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RewardKind {
    /// Money or percent off.
    DiscountVoucher,
    /// A drink, a dish, a product.
    FreeItem,
    /// Something handed over at a store.
    PhysicalGift,
}

impl RewardKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RewardKind::DiscountVoucher => "discount_voucher",
            RewardKind::FreeItem => "free_item",
            RewardKind::PhysicalGift => "physical_gift",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            RewardKind::DiscountVoucher,
            RewardKind::FreeItem,
            RewardKind::PhysicalGift,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// What a brand admin sends to create or change a reward.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RewardInput {
    /// Name (shown to members).
    pub name: String,
    /// Description and conditions.
    #[serde(default)]
    pub description: String,
    /// Kind.
    pub kind: RewardKind,
    /// Money off, for a discount voucher.
    pub discount_vnd: Option<i64>,
    /// Percent off (1–100), for a discount voucher.
    pub discount_pct: Option<i64>,
    /// Points it costs (0 for rewards given only as prizes).
    pub points_cost: i64,
    /// Vouchers left to issue; `None` for no limit.
    pub stock: Option<i64>,
    /// Most vouchers one member may hold of it; `None` for no limit.
    pub per_member_limit: Option<i64>,
    /// Redeemable from, RFC 3339.
    pub valid_from: Option<String>,
    /// Redeemable until, RFC 3339.
    pub valid_until: Option<String>,
    /// Days a voucher stays usable after it is issued.
    pub voucher_days: i64,
    /// Only members of this tier or above may redeem it.
    pub min_tier_id: Option<String>,
    /// An https image URL.
    pub image_url: Option<String>,
    /// Shown in the catalog.
    pub active: bool,
}

/// A reward as the console lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Reward {
    /// Id.
    pub id: String,
    /// Everything the admin set.
    #[serde(flatten)]
    pub input: RewardInput,
    /// Vouchers issued so far.
    pub issued: i64,
}

/// A reward as a member sees it in the catalog.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CatalogReward {
    /// The reward.
    pub reward: Reward,
    /// Name of the tier it needs, if any.
    pub min_tier_name: Option<String>,
    /// Whether this member can redeem it now.
    pub redeemable: bool,
    /// Why not: `insufficient_points`, `out_of_stock`, `limit_reached`, `tier_required`, `not_started`, `ended`.
    pub blocked_by: Option<String>,
}

/// `GET /api/v1/rewards`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Catalog {
    /// The member's spendable points.
    pub balance: i64,
    /// Active rewards, cheapest first.
    pub rewards: Vec<CatalogReward>,
}

/// `POST /api/v1/me/redemptions`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RedeemRequest {
    /// The reward.
    pub reward_id: String,
    /// A key of the client's; the same key redeems once.
    pub idempotency_key: String,
}

/// A voucher's state.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VoucherStatus {
    /// Usable.
    Issued,
    /// Used at a store.
    Used,
    /// Past its date.
    Expired,
    /// Withdrawn (its redemption was reversed).
    Cancelled,
}

impl VoucherStatus {
    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "issued" => Some(Self::Issued),
            "used" => Some(Self::Used),
            "expired" => Some(Self::Expired),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// A voucher.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Voucher {
    /// Id.
    pub id: String,
    /// The code to show or scan, grouped for reading: `ABCD-EFGH-JKMN`.
    pub code: String,
    /// State.
    pub status: VoucherStatus,
    /// The reward's id.
    pub reward_id: String,
    /// The reward's name.
    pub reward_name: String,
    /// The reward's kind.
    pub reward_kind: RewardKind,
    /// Its description.
    pub reward_description: String,
    /// Its image.
    pub image_url: Option<String>,
    /// `redemption` or `prize`.
    pub source_kind: String,
    /// Issued, RFC 3339.
    pub issued_at: String,
    /// Usable until, RFC 3339.
    pub expires_at: String,
    /// Used, RFC 3339.
    pub used_at: Option<String>,
}

/// `GET /api/v1/me/vouchers`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VoucherList {
    /// Usable first, then newest first.
    pub vouchers: Vec<Voucher>,
}

/// The member a voucher belongs to, as store staff see them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VoucherHolder {
    /// Profile id.
    pub profile_id: String,
    /// Name.
    pub name: Option<String>,
    /// Masked phone.
    pub phone_masked: Option<String>,
    /// Tier name.
    pub tier: String,
}

/// `GET /api/v1/staff/vouchers/{code}` and the answer to using one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffVoucher {
    /// The voucher.
    pub voucher: Voucher,
    /// Its holder.
    pub holder: VoucherHolder,
    /// Whether it can be used now.
    pub usable: bool,
    /// Who marked it used (their e-mail), once it was; `voucher.used_at` says when.
    pub used_by: Option<String>,
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
