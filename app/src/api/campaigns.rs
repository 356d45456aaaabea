//! Campaigns, their short links (`/l/{code}`), and what each brought: clicks, leads (people who signed in after a
//! click), store visits and purchases attributed to it, with revenue, by store and by day.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// `POST /api/v1/admin/campaigns`: a campaign.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CampaignInput {
    /// Its name (1–120 characters), e.g. `Tết 2027`.
    pub name: String,
    /// Its `utm_campaign` (1–60 of lower-case letters, digits, `_`), unique in the brand.
    pub slug: String,
    /// Days after a touch during which a visit or a purchase is attributed to it (1–90; 7 unless given).
    #[serde(default = "default_window")]
    pub window_days: i64,
}

fn default_window() -> i64 {
    7
}

/// What a campaign brought, from the first click to revenue.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Funnel {
    /// Clicks on its links.
    pub clicks: i64,
    /// People who signed in (or were signed in) after clicking: the clicks tied to a profile, each person once.
    pub leads: i64,
    /// Store visits attributed to it (last touch).
    pub visits: i64,
    /// Purchases attributed to it (last touch), in stores and online.
    pub purchases: i64,
    /// What those purchases paid, in đồng.
    pub revenue_vnd: i64,
    /// Visits and purchases whose first touch was this campaign (another may have had the last).
    pub first_touch_conversions: i64,
}

/// A campaign as the console lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Campaign {
    /// Its id.
    pub id: String,
    /// What the console edits.
    pub input: CampaignInput,
    /// Its short links.
    pub links: Vec<CampaignLink>,
    /// What it brought so far.
    pub funnel: Funnel,
}

/// `POST /api/v1/admin/campaigns/{id}/links`: a short link for one channel and placement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LinkInput {
    /// Where it is posted, as `utm_source` (1–40 of lower-case letters, digits, `_`): `zalo_oa`, `facebook`,
    /// `poster`…
    pub channel: String,
    /// Which post, banner or spot, as `utm_content` (0–60 of the same).
    #[serde(default)]
    pub placement: String,
    /// The mini app's screen it opens: `/`, `/rewards`, `/games`, `/surveys`, `/vouchers`, `/stores`, `/checkin`,
    /// `/card`, `/tiers`, or `/games/{id}`, `/surveys/{id}`.
    pub target: String,
}

/// A short link.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CampaignLink {
    /// Its id.
    pub id: String,
    /// Its code: the link is `/l/{code}`.
    pub code: String,
    /// What the console gave.
    pub input: LinkInput,
    /// Clicks on it.
    pub clicks: i64,
}

/// `POST /api/v1/me/clicks`: the click the mini app was opened from (`?cid=` of the link's redirect), tied to the
/// signed-in member.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClickTie {
    /// The click's id.
    pub click_id: String,
}

/// The click, now the member's.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClickTied {
    /// When they clicked (RFC 3339).
    pub clicked_at: String,
}

/// `GET /api/v1/admin/campaigns/{id}/report`: the days reported (Vietnam's days, both included; the last 30 unless
/// given), and `format=csv` for a spreadsheet.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct ReportQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// `json` (the default) or `csv`.
    pub format: Option<String>,
    /// The CSV's language: `vi` (the default) or `en`.
    pub lang: Option<String>,
}

/// One row of a report: a store or a day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReportRow {
    /// The store's name, or the day (`YYYY-MM-DD`).
    pub label: String,
    /// Its funnel (clicks and leads are by day only; a store has none).
    pub funnel: Funnel,
}

/// A campaign's report over some days.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CampaignReport {
    /// The campaign's name.
    pub campaign: String,
    /// First day reported.
    pub from: String,
    /// Last day reported.
    pub to: String,
    /// All of it.
    pub total: Funnel,
    /// By store, most revenue first (online purchases under no store are left out).
    pub by_store: Vec<ReportRow>,
    /// By day, oldest first, every day of the range.
    pub by_day: Vec<ReportRow>,
    /// The people it brought in these days, each in one group.
    #[serde(default)]
    pub groups: CustomerGroups,
}

/// The people a campaign brought over a report's days, each counted once, in the first group that fits.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CustomerGroups {
    /// Bought for the first time in the brand with a purchase attributed to it.
    pub first_time_buyers: i64,
    /// Had bought before, and bought again with a purchase attributed to it.
    pub returning_buyers: i64,
    /// Came to a store because of it, and bought nothing it was credited with.
    pub visitors: i64,
    /// Clicked and signed in, and have not come or bought since (prospects to follow up).
    pub leads_only: i64,
}
