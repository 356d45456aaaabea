//! Errors, sign-in and sessions, the customer's profile summary, brands and the console's sign-in.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Every rejection's body: `{"error":{"code":"invalid_phone","message":"…"}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// A stable machine-readable `code` and a human `message`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorDetail {
    /// Stable identifier clients branch on, e.g. `invalid_superapp_token`.
    pub code: super::ErrorCode,
    /// Explanation for people (English; the app shows its own Vietnamese/English text per code).
    pub message: String,
    /// The request body's field the refusal is about, when it is about one, so a form shows it beside the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<super::FieldIssue>,
}

/// The super-app a customer signs in through.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Zalo mini app (zmp-sdk).
    Zalo,
    /// MoMo mini app (MiniApi).
    Momo,
}

impl Provider {
    /// The lower-case name used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Zalo => "zalo",
            Provider::Momo => "momo",
        }
    }
}

/// `POST /api/v1/auth/session`: the tokens the super-app handed the mini app. The server proves them with the
/// super-app; it never trusts an id the client sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CustomerSessionRequest {
    /// The brand's slug, e.g. `demo`.
    pub brand: String,
    /// `zalo` or `momo`.
    pub provider: Provider,
    /// Zalo: `getAccessToken()`; MoMo: the `getUserAuth` token.
    pub access_token: String,
    /// Zalo only: `getPhoneNumber().token`, redeemable once within two minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_token: Option<String>,
    /// The device's anonymous id, if it sent events before signing in: that history joins the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_id: Option<String>,
    /// Zalo only: `getUserInfo().userInfo.idByOA`, the person's follower id at the brand's OA when they follow it.
    /// Kept as an unverified claim until a signed OA webhook ties the follower to the person's Zalo id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_by_oa: Option<String>,
}

/// A signed-in session: a short-lived access JWT and a rotating refresh token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TokenPair {
    /// Bearer JWT for `Authorization: Bearer …`.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single-use token for `POST /api/v1/auth/refresh`.
    pub refresh_token: String,
}

/// The answer to a customer sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CustomerSession {
    /// The session's tokens.
    pub tokens: TokenPair,
    /// The signed-in customer.
    pub me: Me,
}

/// `POST /api/v1/auth/refresh`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RefreshRequest {
    /// The refresh token from the last sign-in or refresh.
    pub refresh_token: String,
}

/// A brand as anyone may see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicBrand {
    /// The brand's slug.
    pub slug: String,
    /// The brand's display name.
    pub name: String,
    /// The brand's Zalo OA, which the mini app offers to follow (`followOA`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zalo_oa_id: Option<String>,
}

/// One proven (or claimed) identifier of a customer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IdentitySummary {
    /// `phone`, `zalo_id`, `momo_id`, …
    pub kind: String,
    /// Whether a super-app proved it.
    pub verified: bool,
    /// Where it came from (`zalo`, `momo`, …).
    pub source: String,
}

/// The member's loyalty standing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoyaltySummary {
    /// Spendable points.
    pub points: i64,
    /// The tier's name; "Member" when the brand has no tier that starts at zero points.
    pub tier: String,
}

/// `PUT /api/v1/me/name`: the name the member wants to be called.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NameChange {
    /// 1 to 80 characters.
    pub name: String,
}

/// `GET /api/v1/me`: the signed-in customer's profile summary.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    /// The unified profile's id.
    pub profile_id: String,
    /// The brand the customer belongs to.
    pub brand: PublicBrand,
    /// The name the super-app gave.
    pub name: Option<String>,
    /// The avatar the super-app gave.
    pub avatar_url: Option<String>,
    /// The verified phone in canonical `84…` form.
    pub phone: Option<String>,
    /// The phone for display, middle hidden: `0912 *** 678`.
    pub phone_masked: Option<String>,
    /// Every identifier attached to the profile.
    pub identities: Vec<IdentitySummary>,
    /// Points and tier.
    pub loyalty: LoyaltySummary,
}

/// A brand user's role.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum StaffRole {
    /// Owns the brand: everything, including other admins.
    Owner,
    /// Configures the brand.
    Admin,
    /// Works at a store: check-ins and vouchers.
    Staff,
}

impl StaffRole {
    /// The lower-case name used on the wire, in the database and in JWTs.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Owner => "owner",
            StaffRole::Admin => "admin",
            StaffRole::Staff => "staff",
        }
    }

    /// Parses the lower-case name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(StaffRole::Owner),
            "admin" => Some(StaffRole::Admin),
            "staff" => Some(StaffRole::Staff),
            _ => None,
        }
    }
}

/// `POST /api/v1/admin/session`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminSessionRequest {
    /// The brand's slug.
    pub brand: String,
    /// The user's e-mail address.
    pub email: String,
    /// The user's password.
    pub password: String,
}

/// A brand user as the console shows them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffUser {
    /// The user's id.
    pub id: String,
    /// The user's e-mail address.
    pub email: String,
    /// The user's role.
    pub role: StaffRole,
}

/// The answer to an admin or staff sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminSession {
    /// The session's tokens.
    pub tokens: TokenPair,
    /// Who signed in.
    pub user: StaffUser,
    /// Their brand.
    pub brand: PublicBrand,
}

/// Which super-app credentials a brand has configured (never the secrets themselves).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChannelSetup {
    /// Zalo App id (mini app).
    pub zalo_app_id: Option<String>,
    /// Zalo Official Account id.
    pub zalo_oa_id: Option<String>,
    /// MoMo partner code.
    pub momo_partner_code: Option<String>,
    /// Whether Zalo sign-in can work (app id and secret present).
    pub zalo_sign_in_ready: bool,
    /// Whether MoMo sign-in can work (partner code and keys present).
    pub momo_sign_in_ready: bool,
}

/// `GET /api/v1/admin/brand`: the console's overview of the admin's brand.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BrandOverview {
    /// Slug and name.
    pub brand: PublicBrand,
    /// Number of customer profiles.
    pub members: i64,
    /// Customers who signed in within the last 30 days.
    pub active_members_30d: i64,
    /// Super-app credentials present.
    pub channels: ChannelSetup,
    /// The signed-in user.
    pub user: StaffUser,
}

/// `GET /api/v1/staff/me`: who is signed in to the console, for which brand.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WhoAmI {
    /// Slug and name.
    pub brand: PublicBrand,
    /// The signed-in user and their role.
    pub user: StaffUser,
    /// The open stores they may act at (staff: the ones they are tied to; owners and admins: every one).
    #[serde(default)]
    pub stores: Vec<super::StoreRef>,
}
