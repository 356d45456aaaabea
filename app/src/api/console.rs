//! The admin console: API keys, customer search, the profile 360 and imports.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::{Consent, ExportedIdentity};

/// `POST /api/v1/admin/api-keys`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewApiKey {
    /// What the key is for, e.g. "POS Quận 1".
    pub name: String,
}

/// An API key as the console lists it (never the key itself).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiKeyInfo {
    /// Key id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The key's first characters, to recognise it.
    pub prefix: String,
    /// What it may do: `ingest`.
    pub scope: String,
    /// Created, RFC 3339.
    pub created_at: String,
    /// Last used, RFC 3339.
    pub last_used_at: Option<String>,
    /// Revoked, RFC 3339.
    pub revoked_at: Option<String>,
}

/// A key just created: the only time the key is shown.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreatedApiKey {
    /// The key's details.
    pub info: ApiKeyInfo,
    /// The key, for the `X-Api-Key` header. It cannot be shown again.
    pub key: String,
}

/// Traits computed from the interaction log, always current.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Traits {
    /// First interaction, RFC 3339.
    pub first_seen_at: Option<String>,
    /// Latest interaction, RFC 3339.
    pub last_seen_at: Option<String>,
    /// Sign-ins.
    pub sessions: i64,
    /// Paid orders and offline purchases.
    pub orders: i64,
    /// Total spent, VND.
    pub total_spent_vnd: i64,
    /// Average order, VND.
    pub average_order_vnd: i64,
    /// Latest order, RFC 3339.
    pub last_order_at: Option<String>,
    /// Store check-ins.
    pub check_ins: i64,
    /// Latest check-in, RFC 3339.
    pub last_check_in_at: Option<String>,
    /// Follows the Zalo OA now.
    pub followed_oa: bool,
    /// Channels a marketing message may use now, in priority order (`zalo_oa`, `zns`, `email`, `sms`).
    pub reachable_channels: Vec<String>,
}

/// A typed custom attribute.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Attribute {
    /// Key, e.g. `favourite_drink`.
    pub key: String,
    /// `string`, `number`, `boolean` or `date`.
    pub value_type: String,
    /// The value.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub value: serde_json::Value,
    /// Where it came from (`admin`, `import`, `survey`).
    pub source: String,
    /// When it was set, RFC 3339.
    pub updated_at: String,
}

/// `PUT /api/v1/admin/profiles/{id}/attributes/{key}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AttributeValue {
    /// A string, number or boolean; a `YYYY-MM-DD` string with `value_type: "date"`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub value: serde_json::Value,
    /// Forces `date` for a `YYYY-MM-DD` string; otherwise taken from the JSON value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
}

/// One search result in the console.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProfileListItem {
    /// Profile id.
    pub profile_id: String,
    /// Name.
    pub name: Option<String>,
    /// Phone, national form.
    pub phone: Option<String>,
    /// Latest activity, RFC 3339.
    pub last_seen_at: String,
}

/// A page of search results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProfilePage {
    /// Results, most recently active first.
    pub profiles: Vec<ProfileListItem>,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// One merge in a profile's history.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MergeInfo {
    /// The profile that was merged in.
    pub from_profile_id: String,
    /// Why (`verified_phone`, `anonymous_signed_in`, …).
    pub reason: String,
    /// Who (`zalo`, `momo`, `server`, `user:…`).
    pub actor: String,
    /// When, RFC 3339.
    pub merged_at: String,
}

/// The console's profile 360.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Profile360 {
    /// Profile id (the survivor's, when the asked id was merged).
    pub profile_id: String,
    /// Name.
    pub name: Option<String>,
    /// Avatar.
    pub avatar_url: Option<String>,
    /// Created, RFC 3339.
    pub created_at: String,
    /// Every identifier, full values.
    pub identities: Vec<ExportedIdentity>,
    /// Computed traits.
    pub traits: Traits,
    /// Custom attributes.
    pub attributes: Vec<Attribute>,
    /// Consents.
    pub consents: Vec<Consent>,
    /// Profiles merged into this one.
    pub merges: Vec<MergeInfo>,
}

/// A customer-list import and its progress.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportInfo {
    /// Import id.
    pub id: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// `processing`, `completed` or `failed`.
    pub status: String,
    /// Data rows read so far.
    pub rows_read: i64,
    /// New profiles.
    pub created: i64,
    /// Existing profiles that gained something.
    pub updated: i64,
    /// Rows whose content was all there already.
    pub unchanged: i64,
    /// Rows refused; see the rejection report.
    pub rejected: i64,
    /// Why a failed import stopped.
    pub error: Option<String>,
    /// Uploaded, RFC 3339.
    pub created_at: String,
    /// Finished, RFC 3339.
    pub finished_at: Option<String>,
}

/// One column of a file about to be imported, as the server reads its header.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportColumn {
    /// The header as written.
    pub header: String,
    /// `phone`, `name`, `email`, `birthday`, `gender`, `tags`, `external_id`, `attribute` or `ignored`.
    pub role: String,
    /// For an attribute column, the key it gets by itself (`Món yêu thích` → `mon_yeu_thich`): the key to map
    /// onto another in the upload's `columns`.
    pub key: Option<String>,
}

/// `POST /api/v1/admin/imports/columns`: how a header row would be read, and the brand's attribute keys to map
/// attribute columns onto.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportColumns {
    /// The columns, in order.
    pub columns: Vec<ImportColumn>,
    /// Whether a column identifies a person (phone, e-mail or external id): without one the file is refused.
    pub identifies: bool,
    /// The attribute keys the brand's profiles already hold, sorted.
    pub attribute_keys: Vec<String>,
}

/// One day of the dashboard (Vietnam's calendar day).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DayStats {
    /// `2026-12-01`.
    pub day: String,
    /// People who signed in for the first time.
    pub sign_ups: i64,
    /// People who did something (signed in, played, answered, bought, visited, …).
    pub active_members: i64,
    /// Points earned.
    pub points_issued: i64,
    /// Points spent on rewards.
    pub points_redeemed: i64,
    /// Points that expired.
    pub points_expired: i64,
    /// Game plays.
    pub game_plays: i64,
    /// Survey responses.
    pub survey_responses: i64,
}

/// `GET /api/v1/admin/dashboard`: the brand's activity over a period, day by day, and its totals.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Dashboard {
    /// Days in the period (7 to 365), ending today.
    pub days: i64,
    /// Members now (people who have opened the app; not erased).
    pub members: i64,
    /// Each day of the period, oldest first.
    pub series: Vec<DayStats>,
    /// Sums over the period; `active_members` counts each person once.
    pub totals: DayStats,
    /// Points redeemed per point issued in the period, in basis points (10000 = 100%); none when none were issued.
    pub redemption_rate_bp: Option<i64>,
    /// People who played a game in the period.
    pub game_players: i64,
    /// People who answered a survey in the period.
    pub survey_respondents: i64,
}

/// A background job as the console's Operations page shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JobInfo {
    /// Job id.
    pub id: String,
    /// What it does: `imports.process`, `loyalty.due`, `jobs.prune`, `ops.probe`, …
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i32,
    /// Attempts allowed before it stops as failed.
    pub max_attempts: i32,
    /// When it may run (next), RFC 3339.
    pub due_at: String,
    /// Enqueued, RFC 3339.
    pub created_at: String,
    /// Finished, RFC 3339.
    pub finished_at: Option<String>,
    /// The worker that holds or last held it.
    pub worker: Option<String>,
    /// The last failure, for the brand's own jobs.
    pub last_error: Option<String>,
    /// Whether this brand's admin may put it back in the queue (a failed job of the brand's own).
    pub retryable: bool,
}

/// Jobs by status.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JobCounts {
    /// Waiting.
    pub queued: i64,
    /// Running now.
    pub running: i64,
    /// Finished in the last week.
    pub done: i64,
    /// Stopped after their attempts.
    pub failed: i64,
}

/// `GET /api/v1/admin/jobs`: counts and one page of jobs, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JobsPage {
    /// Jobs by status.
    pub counts: JobCounts,
    /// This page.
    pub jobs: Vec<JobInfo>,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<String>,
}
