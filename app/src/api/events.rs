//! The interaction log: events from the mini app and from brand servers, and timelines.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::ErrorDetail;

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

/// Who a server-sent call is about: at least one of the brand's own ids for the person.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UserRef {
    /// The member's profile id, e.g. read from their member QR at the till. It must be a member of the brand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
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
