//! Rewards: the catalog and its redemption, the vouchers it issues, and the staff voucher check.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

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
    /// The store it was used at, once it was and the brand has stores.
    #[serde(default)]
    pub used_at_store: Option<String>,
}
