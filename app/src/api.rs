//! The JSON shapes of the `/api/v1` API, shared by the server (which answers with them) and the WASM app
//! (which sends and reads them). Plain serde types: no server dependencies.

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
    pub code: String,
    /// Explanation for people (English; the app shows its own Vietnamese/English text per code).
    pub message: String,
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoyaltySummary {
    /// Spendable points.
    pub points: i64,
    /// The tier's key; `member` is every brand's entry tier.
    pub tier: String,
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

/// One interaction sent by the mini app or a server: `POST /api/v1/events`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EventIn {
    /// A built-in type the sender may use (`app_opened`, `screen_viewed`) or a namespaced custom type
    /// (`web.banner_clicked`).
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it happened (RFC 3339); the time it was received when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<String>,
    /// `zalo`, `momo` or `web` from the mini app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Free-form JSON object, at most 8 KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub properties: Option<serde_json::Value>,
    /// Campaign attribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utm_source: Option<String>,
    /// Campaign attribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utm_medium: Option<String>,
    /// Campaign attribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utm_campaign: Option<String>,
    /// Campaign attribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utm_content: Option<String>,
    /// The tracked link that brought the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_id: Option<String>,
    /// A repeat with the same key (per brand) returns the first result and writes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

/// `POST /api/v1/events`: one event, or `{"events":[…]}` with up to 500.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(untagged)]
pub enum EventsRequest {
    /// A batch.
    Batch {
        /// The events, in order.
        events: Vec<EventIn>,
    },
    /// A single event.
    One(Box<EventIn>),
}

/// `POST /api/v1/anonymous/events`: a visitor who has not signed in, known by a device or cookie id.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AnonymousEventsRequest {
    /// The brand's slug.
    pub brand: String,
    /// The device's anonymous id (8–64 letters, digits, `-`, `_`).
    pub anonymous_id: String,
    /// Up to 500 events.
    pub events: Vec<EventIn>,
}

/// The outcome of one event of a request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EventOutcome {
    /// Position in the request.
    pub index: usize,
    /// The stored event's id (the first one's, for a repeated idempotency key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Whether the idempotency key had been seen: nothing was written.
    pub duplicate: bool,
    /// Why the event was refused; nothing of it was stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

/// The answer to `POST /api/v1/events`, item by item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EventsResponse {
    /// Events stored (or recognised as repeats).
    pub accepted: usize,
    /// Events refused.
    pub rejected: usize,
    /// One outcome per event, in request order.
    pub results: Vec<EventOutcome>,
}

impl EventsResponse {
    /// Counts the outcomes.
    pub fn from_outcomes(results: Vec<EventOutcome>) -> Self {
        let rejected = results.iter().filter(|r| r.error.is_some()).count();
        Self {
            accepted: results.len() - rejected,
            rejected,
            results,
        }
    }
}

/// One event on a timeline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TimelineEvent {
    /// Event id.
    pub id: String,
    /// Event type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it happened, RFC 3339 UTC.
    pub occurred_at: String,
    /// Where it came from.
    pub source: String,
    /// Its properties.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub properties: serde_json::Value,
    /// Campaign that caused it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utm_campaign: Option<String>,
}

/// A page of a timeline, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Timeline {
    /// The events.
    pub events: Vec<TimelineEvent>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

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

/// Who a server-sent call is about: at least one of the brand's own ids for the person.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UserRef {
    /// A device or cookie id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_id: Option<String>,
    /// The id in the brand's POS or CRM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// One event sent by a server: who it is about, and the event.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServerEvent {
    /// The person.
    pub user: UserRef,
    /// The event; `source` is `pos`, `web`, `store` or `server`.
    #[serde(flatten)]
    pub event: EventIn,
}

/// `POST /api/v1/track`: up to 500 events from a server, answered item by item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TrackRequest {
    /// The events.
    pub events: Vec<ServerEvent>,
}

/// `POST /api/v1/identify`: attach a phone, e-mail or external id to a person known by an anonymous id
/// (or an external id). Claims from a server are unverified: they never merge profiles by themselves.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IdentifyRequest {
    /// The person.
    pub user: UserRef,
    /// A phone number in any common format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// An e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The answer to `identify`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IdentifyResponse {
    /// The person's profile.
    pub profile_id: String,
    /// Identifiers attached by this call.
    pub attached: Vec<String>,
    /// Identifiers not attached because another profile already holds them (recorded as conflicts).
    pub conflicts: Vec<String>,
}

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
    /// When this export was made, RFC 3339.
    pub exported_at: String,
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
