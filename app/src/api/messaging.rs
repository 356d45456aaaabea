//! Messaging: the brand's channels, starting with its Zalo OA connection.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `PUT /api/v1/admin/messaging/oa`: connects the brand's OA with a refresh token from Zalo's OA authorisation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OaConnect {
    /// The refresh token Zalo handed out when the OA authorised the brand's app.
    pub refresh_token: String,
}

/// Where the brand's OA connection stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OaConnectionState {
    /// Never connected.
    NotConnected,
    /// Connected, the access token valid.
    Connected,
    /// The access token has expired and is being refreshed.
    Expired,
    /// Zalo refused the token: nothing is sent through the OA until the admin connects again.
    Paused,
}

/// The brand's OA connection, never its tokens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OaConnection {
    /// Where it stands.
    pub state: OaConnectionState,
    /// Until when the access token is valid (RFC 3339).
    pub expires_at: Option<String>,
    /// When the tokens were last refreshed (RFC 3339).
    pub refreshed_at: Option<String>,
    /// Zalo's words when it refused the token (`paused`).
    pub error: Option<String>,
}

/// `POST /api/v1/admin/customers/{id}/oa-replies`: a reply to the person through the OA.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewOaReply {
    /// 1 to 2,000 characters.
    pub text: String,
}

/// Where a reply stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OaReplyStatus {
    /// Reserved, Zalo not answered yet.
    Sending,
    /// Zalo took it.
    Sent,
    /// Zalo delivered it to the person's phone.
    Delivered,
    /// The person read it.
    Seen,
    /// Zalo refused it (see `error`).
    Failed,
}

/// One reply sent through the OA.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OaReply {
    /// Its id.
    pub id: String,
    /// What was sent.
    pub text: String,
    /// Where it stands.
    pub status: OaReplyStatus,
    /// Zalo's words when it refused.
    pub error: Option<String>,
    /// When it was sent (RFC 3339).
    pub sent_at: String,
}

/// A person's OA thread as the console shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OaThread {
    /// Whether the person is known to the OA (follows it or wrote to it).
    pub follower: bool,
    /// Until when a reply is allowed (48 hours after they last wrote); none when closed.
    pub window_until: Option<String>,
    /// Replies left in the window (of eight).
    pub replies_left: i64,
    /// The replies sent, newest first (the last 50).
    pub replies: Vec<OaReply>,
}
