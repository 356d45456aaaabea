//! Re-engagement messages: written once with content per channel, sent to a segment, each person reached once on
//! their first reachable, consenting channel, within the brand's caps and outside its quiet hours.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A channel a message can reach a person on, in the default priority order.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A Zalo OA promotion message to a follower.
    ZaloOa,
    /// A ZNS template message to the person's phone.
    Zns,
    /// An e-mail.
    Email,
    /// A brandname SMS.
    Sms,
}

impl Channel {
    /// Every channel, in the default priority.
    pub const ALL: [Channel; 4] = [Channel::ZaloOa, Channel::Zns, Channel::Email, Channel::Sms];

    /// The channel as it crosses the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::ZaloOa => "zalo_oa",
            Channel::Zns => "zns",
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    /// The channel a wire name is.
    pub fn parse(name: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The consent purpose a marketing message on this channel needs.
    pub fn consent_purpose(self) -> &'static str {
        match self {
            Channel::ZaloOa => "marketing_zalo",
            Channel::Zns => "marketing_zns",
            Channel::Email => "marketing_email",
            Channel::Sms => "marketing_sms",
        }
    }

    /// What a person reads for it: Vietnamese, then English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Channel::ZaloOa => ("Zalo OA", "Zalo OA"),
            Channel::Zns => ("Zalo ZNS", "Zalo ZNS"),
            Channel::Email => ("Email", "E-mail"),
            Channel::Sms => ("SMS", "SMS"),
        }
    }
}

/// The OA promotion message: a banner, a title, a text and one button.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OaContent {
    /// The header, 1 to 100 characters.
    pub title: String,
    /// The body, 1 to 1,000 characters; `{name}` and `{points}` are replaced per person.
    pub text: String,
    /// The banner image's https address.
    #[serde(default)]
    pub banner_url: Option<String>,
    /// The button's label (it opens the message's target); no button when absent.
    #[serde(default)]
    pub button: Option<String>,
}

/// A ZNS template message: an approved template and its parameters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ZnsContent {
    /// The approved template's id.
    pub template_id: String,
    /// Its parameters; a value may use `{name}`, `{points}` and `{link}` (the tracked link to the target).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// An e-mail.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EmailContent {
    /// The subject, 1 to 200 characters.
    pub subject: String,
    /// The text, 1 to 5,000 characters; `{name}` and `{points}` are replaced per person.
    pub text: String,
    /// The button's label (it opens the message's target); no button when absent.
    #[serde(default)]
    pub button: Option<String>,
}

/// A brandname SMS.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SmsContent {
    /// The text, 1 to 480 characters; `{name}`, `{points}` and `{link}` are replaced per person.
    pub text: String,
}

/// What a message says on each channel; a channel without content is not used for it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageContent {
    /// The mini app screen its buttons and links open (`/`, `/rewards`, `/games`…).
    #[serde(default = "default_target")]
    pub target: String,
    /// On the Zalo OA.
    #[serde(default)]
    pub zalo_oa: Option<OaContent>,
    /// By ZNS.
    #[serde(default)]
    pub zns: Option<ZnsContent>,
    /// By e-mail.
    #[serde(default)]
    pub email: Option<EmailContent>,
    /// By SMS.
    #[serde(default)]
    pub sms: Option<SmsContent>,
}

fn default_target() -> String {
    "/".into()
}

impl MessageContent {
    /// The channels it has content for, in the default priority.
    pub fn channels(&self) -> Vec<Channel> {
        Channel::ALL
            .into_iter()
            .filter(|c| match c {
                Channel::ZaloOa => self.zalo_oa.is_some(),
                Channel::Zns => self.zns.is_some(),
                Channel::Email => self.email.is_some(),
                Channel::Sms => self.sms.is_some(),
            })
            .collect()
    }
}

/// `POST /api/v1/admin/messages` and `PUT …/{id}` (a draft only): a message to a segment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageInput {
    /// Its name in the console, 1 to 120 characters.
    pub name: String,
    /// The segment it goes to.
    pub segment_id: String,
    /// What it says per channel (at least one channel).
    pub content: MessageContent,
    /// The campaign its clicks count for: a recipient's first click is a touch of it, so a visit or purchase
    /// within the campaign's window is attributed to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<String>,
}

/// `POST /api/v1/admin/messages/{id}/send`: now, or at a time (RFC 3339, within 90 days).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageSchedule {
    /// When to send; now when absent.
    #[serde(default)]
    pub send_at: Option<String>,
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Being written.
    Draft,
    /// Waiting for its time.
    Scheduled,
    /// Going out.
    Sending,
    /// Every recipient was sent, skipped or failed.
    Sent,
    /// Cancelled before it went out (what was sent stays sent).
    Cancelled,
    /// A journey's: each person who reaches its step gets it (once), never its segment.
    Journey,
}

/// Why a person did not get a message.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// They consented to marketing on none of the message's channels.
    NoConsent,
    /// No channel of the message can reach them (no follow, phone or e-mail).
    NoChannel,
    /// They already had the brand's messages for the day.
    DailyCap,
    /// They already had the brand's messages for the week.
    WeeklyCap,
    /// Every channel that could reach them was refused or out of quota.
    ChannelsExhausted,
    /// Their data was erased, or they asked to stop.
    Erased,
    /// The message was cancelled before their turn.
    Cancelled,
}

impl SkipReason {
    /// The reason as it crosses the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NoConsent => "no_consent",
            SkipReason::NoChannel => "no_channel",
            SkipReason::DailyCap => "daily_cap",
            SkipReason::WeeklyCap => "weekly_cap",
            SkipReason::ChannelsExhausted => "channels_exhausted",
            SkipReason::Erased => "erased",
            SkipReason::Cancelled => "cancelled",
        }
    }

    /// The reason a wire name is.
    pub fn parse(name: &str) -> Option<SkipReason> {
        [
            SkipReason::NoConsent,
            SkipReason::NoChannel,
            SkipReason::DailyCap,
            SkipReason::WeeklyCap,
            SkipReason::ChannelsExhausted,
            SkipReason::Erased,
            SkipReason::Cancelled,
        ]
        .into_iter()
        .find(|r| r.as_str() == name)
    }

    /// What a person reads for it: Vietnamese, then English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            SkipReason::NoConsent => ("Chưa đồng ý nhận tin", "No marketing consent"),
            SkipReason::NoChannel => ("Không có kênh liên lạc", "No channel reaches them"),
            SkipReason::DailyCap => ("Đã đủ số tin trong ngày", "Daily limit reached"),
            SkipReason::WeeklyCap => ("Đã đủ số tin trong tuần", "Weekly limit reached"),
            SkipReason::ChannelsExhausted => ("Mọi kênh đều từ chối", "Every channel refused"),
            SkipReason::Erased => ("Đã xoá dữ liệu", "Data erased"),
            SkipReason::Cancelled => ("Tin đã bị huỷ", "Message cancelled"),
        }
    }
}

/// One channel's part of a message's send.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChannelReport {
    /// The channel (`zalo_oa`, `zns`, `email`, `sms`).
    pub channel: String,
    /// Taken by the provider.
    pub sent: i64,
    /// Reported delivered.
    pub delivered: i64,
    /// Reported read.
    pub read: i64,
    /// Clicked.
    pub clicked: i64,
    /// Refused by the provider for good on this channel (the person may have been reached on the next).
    pub failed: i64,
    /// What it cost, VND.
    pub cost_vnd: i64,
}

/// A reason and how many people it stopped.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReasonCount {
    /// The reason (a [`SkipReason`] for skips, the provider's words for failures).
    pub reason: String,
    /// How many.
    pub count: i64,
}

/// A message's send so far.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SendReport {
    /// People the send was for.
    pub recipients: i64,
    /// Not handled yet (waiting, or waiting for quiet hours to end).
    pub queued: i64,
    /// Reached on some channel.
    pub sent: i64,
    /// Not sent, with why.
    pub skipped: i64,
    /// Every channel failed.
    pub failed: i64,
    /// Clicked at least once.
    pub clicked: i64,
    /// Converted within 7 days after the message (a visit, a purchase or a redemption).
    pub converted: i64,
    /// What it cost, VND.
    pub cost_vnd: i64,
    /// Per channel.
    pub channels: Vec<ChannelReport>,
    /// Skips by reason.
    pub skip_reasons: Vec<ReasonCount>,
    /// Failures by the provider's words.
    pub fail_reasons: Vec<ReasonCount>,
}

/// A message as the console shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Message {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its segment.
    pub segment_id: String,
    /// The segment's name.
    pub segment_name: String,
    /// Its content.
    pub content: MessageContent,
    /// Where it stands.
    pub status: MessageStatus,
    /// When it goes or went out (RFC 3339).
    pub send_at: Option<String>,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When its last recipient was handled (RFC 3339).
    pub finished_at: Option<String>,
    /// While it goes out during the brand's quiet hours: when they end and it goes on (RFC 3339).
    #[serde(default)]
    pub held_until: Option<String>,
    /// The campaign its clicks count for, if any.
    #[serde(default)]
    pub campaign_id: Option<String>,
    /// Its send so far.
    pub report: SendReport,
}

/// One page of messages, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessagePage {
    /// The messages.
    pub items: Vec<Message>,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
}

/// The brand's rules for re-engagement messages.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChannelSettings {
    /// The order channels are tried in (each at most once).
    pub priority: Vec<Channel>,
    /// At most this many messages per person per business day (Asia/Ho_Chi_Minh), 0 to 20.
    pub per_day: u32,
    /// At most this many per person per week (Monday to Sunday), 0 to 50.
    pub per_week: u32,
    /// No message goes out from this local time (`HH:MM`)…
    pub quiet_from: String,
    /// …until this one (`HH:MM`); equal times mean no quiet hours.
    pub quiet_until: String,
    /// OA promotion messages per follower per month (Zalo's rule for the OA's package).
    pub oa_per_follower_month: u32,
    /// OA promotion messages per follower per business day, 0 to 3 (Zalo's rule today: one); past it the person
    /// is tried on the next channel.
    #[serde(default = "one_a_day")]
    pub oa_per_follower_day: u32,
    /// What a ZNS message costs, VND.
    pub zns_cost_vnd: i64,
    /// What an SMS costs, VND.
    pub sms_cost_vnd: i64,
}

impl Default for ChannelSettings {
    fn default() -> Self {
        ChannelSettings {
            priority: Channel::ALL.to_vec(),
            per_day: 1,
            per_week: 3,
            quiet_from: "21:00".into(),
            quiet_until: "08:00".into(),
            oa_per_follower_month: 4,
            oa_per_follower_day: 1,
            zns_cost_vnd: 300,
            sms_cost_vnd: 800,
        }
    }
}

fn one_a_day() -> u32 {
    1
}

/// The brand's eSMS account as `PUT /api/v1/admin/messaging/settings` takes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SmsGatewayInput {
    /// eSMS `ApiKey`.
    pub api_key: String,
    /// eSMS `SecretKey` (stored sealed, never shown again).
    pub secret_key: String,
    /// The registered brandname.
    pub brandname: String,
}

/// How the connection to an SMTP server is protected.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain, then `STARTTLS`, which must succeed (port 587).
    #[default]
    StartTls,
    /// No encryption: only to a server on this machine, and never with a password.
    None,
}

impl SmtpSecurity {
    /// The port this security usually goes with.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::None => 25,
        }
    }
}

/// The brand's SMTP server, as an admin sets it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EmailServerInput {
    /// The server's host name.
    pub host: String,
    /// Its port (465 for TLS, 587 for STARTTLS).
    pub port: u16,
    /// How the connection is protected.
    pub security: SmtpSecurity,
    /// The login, when the server asks for one.
    #[serde(default)]
    pub username: Option<String>,
    /// The password (stored sealed, never shown again); the current one stays when absent and the login is the same.
    #[serde(default)]
    pub password: Option<String>,
    /// The address the e-mails come from.
    pub from_address: String,
    /// The name they come from (the brand's, usually).
    pub from_name: String,
}

/// The brand's SMTP server, as the console shows it (never the password).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EmailServer {
    /// The server's host name.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// How the connection is protected.
    pub security: SmtpSecurity,
    /// The login, when there is one.
    pub username: Option<String>,
    /// The address the e-mails come from.
    pub from_address: String,
    /// The name they come from.
    pub from_name: String,
}

/// `POST /api/v1/admin/messaging/test-send`: one test message to the admin's own address on a channel.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TestSendInput {
    /// `email` or `sms`.
    pub channel: Channel,
    /// An e-mail address or a phone number.
    pub to: String,
}

/// What the provider said to a test send.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TestSendResult {
    /// Whether it was taken.
    pub sent: bool,
    /// The provider's words when it was not.
    pub detail: Option<String>,
}

/// `PUT /api/v1/admin/messaging/settings`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessagingSettingsInput {
    /// The rules.
    pub settings: ChannelSettings,
    /// A new eSMS account; the current one stays when absent.
    #[serde(default)]
    pub sms: Option<SmsGatewayInput>,
    /// A new SMTP server; the current one stays when absent.
    #[serde(default)]
    pub email: Option<EmailServerInput>,
}

/// The brand's messaging settings, never its secrets.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessagingSettings {
    /// The rules.
    pub settings: ChannelSettings,
    /// The eSMS brandname, when an account is set.
    pub sms_brandname: Option<String>,
    /// The SMTP server, when one is set.
    #[serde(default)]
    pub email_server: Option<EmailServer>,
}
