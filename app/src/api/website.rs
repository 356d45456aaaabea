//! The brand's website: the origins its snippet runs on, its pop-up forms (what they ask, when they appear, what
//! they promise), what the snippet reads and sends, and the console's view of both.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A text in both of the product's languages.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Text {
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Both languages, trimmed.
    pub fn trimmed(&self) -> Text {
        Text {
            vi: self.vi.trim().to_owned(),
            en: self.en.trim().to_owned(),
        }
    }
}

/// What a form's field takes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FormFieldKind {
    /// The person's name.
    Name,
    /// A Vietnamese mobile number; it attaches to the profile as an unverified claim.
    Phone,
    /// An e-mail address; it attaches to the profile as an unverified claim.
    Email,
    /// One of the field's options.
    Choice,
}

impl FormFieldKind {
    /// The field's key in a submission.
    pub fn key(self) -> &'static str {
        match self {
            FormFieldKind::Name => "name",
            FormFieldKind::Phone => "phone",
            FormFieldKind::Email => "email",
            FormFieldKind::Choice => "choice",
        }
    }
}

/// One field of a form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormField {
    /// What it takes (each kind at most once in a form).
    pub kind: FormFieldKind,
    /// Its label.
    pub label: Text,
    /// Whether a submission needs it.
    #[serde(default)]
    pub required: bool,
    /// A choice's options (2 to 8).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Text>,
}

/// A consent box of a form, with the words the person ticks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormConsent {
    /// The purpose it grants: `marketing_sms`, `marketing_email`, `marketing_zalo`, `marketing_zns` or
    /// `analytics`.
    pub purpose: String,
    /// The words beside the box, kept with the consent as its proof.
    pub wording: Text,
    /// Whether the form cannot be sent without it.
    #[serde(default)]
    pub required: bool,
}

/// When a form appears. Every condition that is set must hold; a form never appears in a visit's first three
/// seconds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormTrigger {
    /// After this many pages of the visit (1 to 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_pages: Option<u32>,
    /// After this many seconds on a page (3 to 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_seconds: Option<u32>,
    /// When the pointer leaves the page towards the browser's bar (desktop).
    #[serde(default)]
    pub on_exit_intent: bool,
    /// Only on pages whose path contains this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_contains: Option<String>,
    /// Only for visits that came with this `utm_campaign`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utm_campaign: Option<String>,
    /// Not again for this many days after the visitor closed it (0 to 365; 0 = the next visit).
    #[serde(default)]
    pub snooze_days: u32,
    /// Never to a visitor the brand already knows (a phone, an e-mail or a mini app account on their profile).
    #[serde(default)]
    pub skip_known: bool,
}

/// What a form promises.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FormReward {
    /// Nothing.
    #[default]
    None,
    /// A voucher of this reward, issued at once, once per phone.
    Voucher {
        /// The reward.
        reward_id: String,
    },
    /// Points credited when the person joins in the mini app, once per phone.
    Points {
        /// How many (1 to 100,000).
        points: i64,
    },
}

/// A form as the console writes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebFormInput {
    /// The console's name for it.
    pub name: String,
    /// Whether the snippet shows it.
    #[serde(default)]
    pub active: bool,
    /// Its heading.
    pub title: Text,
    /// A line under the heading.
    #[serde(default)]
    pub body: Text,
    /// The send button.
    pub button: Text,
    /// What the visitor reads once it is sent.
    pub thanks: Text,
    /// 1 to 6 fields.
    pub fields: Vec<FormField>,
    /// 0 to 4 consent boxes.
    #[serde(default)]
    pub consents: Vec<FormConsent>,
    /// When it appears.
    #[serde(default)]
    pub trigger: FormTrigger,
    /// What it promises.
    #[serde(default)]
    pub reward: FormReward,
}

/// A form's funnel over a span.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormFunnel {
    /// Times it appeared.
    pub shown: i64,
    /// Times it was closed without being sent.
    pub closed: i64,
    /// Times it was sent.
    pub submitted: i64,
}

/// A day of a form's funnel.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormDay {
    /// `YYYY-MM-DD`, Vietnam's day.
    pub day: String,
    /// That day's counts.
    #[serde(flatten)]
    pub funnel: FormFunnel,
}

/// A form as the console reads it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebForm {
    /// Id.
    pub id: String,
    /// Goes up by one at each save; a consent records the version whose words were ticked.
    pub version: i64,
    /// What it is.
    pub input: WebFormInput,
    /// Its whole funnel.
    pub funnel: FormFunnel,
    /// Its last 30 days, oldest first.
    pub days: Vec<FormDay>,
}

/// `PUT /api/v1/admin/website`: the websites the snippet may send from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebsiteInput {
    /// Origins such as `https://www.example.vn` (scheme, host and port only; at most 20).
    pub origins: Vec<String>,
}

/// The console's install page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Website {
    /// The websites the snippet may send from.
    pub origins: Vec<String>,
    /// The line to paste into the website's pages.
    pub snippet: String,
    /// Events received from the website in the last 24 hours.
    pub events_last_day: i64,
    /// When the last one arrived (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event_at: Option<String>,
    /// The page it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event_page: Option<String>,
}

/// A live form as the snippet reads it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicForm {
    /// Id.
    pub id: String,
    /// Version.
    pub version: i64,
    /// Its words, fields, consents, trigger and reward.
    #[serde(flatten)]
    pub input: WebFormInput,
    /// Proof of when the form was handed out, sent back with a submission (a form sent within two seconds of
    /// being handed out is a bot's).
    pub ticket: String,
}

/// `GET /api/v1/web/{brand}/forms`: the forms for this visitor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicForms {
    /// Whether the brand already knows this visitor (a phone, an e-mail or a mini app account).
    pub known: bool,
    /// The live forms.
    pub forms: Vec<PublicForm>,
}

/// `POST /api/v1/web/{brand}/forms/{id}/views`: the form appeared, or was closed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormView {
    /// The visitor's anonymous id.
    pub anonymous_id: String,
    /// `shown` or `closed`.
    pub action: String,
}

/// `POST /api/v1/web/{brand}/forms/{id}/submissions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormSubmission {
    /// The visitor's anonymous id.
    pub anonymous_id: String,
    /// The form's ticket, as handed out.
    pub ticket: String,
    /// The form version the visitor saw.
    pub version: i64,
    /// The answers, by field kind (`name`, `phone`, `email`, `choice`: the option's index as text).
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
    /// The purposes whose boxes were ticked.
    #[serde(default)]
    pub consents: Vec<String>,
    /// The page it was sent from.
    #[serde(default)]
    pub page: String,
    /// The language the visitor read the form in (`vi` or `en`).
    #[serde(default)]
    pub lang: String,
    /// A field people never see; a bot fills it.
    #[serde(default)]
    pub website: String,
}

/// What a submission got.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormReceipt {
    /// The voucher's code, when the form promised one and this phone had not had it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher_code: Option<String>,
    /// The points waiting for the person to join in the mini app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_on_join: Option<i64>,
    /// Whether this phone had had the form's reward already.
    pub already_rewarded: bool,
}

/// `POST /api/v1/web/{brand}/check`: one answer checked as a submission would check it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FieldCheck {
    /// `phone` or `email`.
    pub kind: FormFieldKind,
    /// What was typed.
    pub value: String,
}

/// `POST /api/v1/web/{brand}/consent`: the website's consent banner's answer about analytics.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebConsent {
    /// The visitor's anonymous id.
    pub anonymous_id: String,
    /// Whether page views may be recorded.
    pub analytics: bool,
}

/// Points a kind of event adds to a person's lead score.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EventScore {
    /// The event type (`page_viewed`, `form_submitted`, `checked_in`, a brand's own…).
    pub event_type: String,
    /// Points each time (-1,000 to 1,000).
    pub points: i64,
}

/// Points an attribute's value adds to a person's lead score.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AttributeScore {
    /// The attribute's key.
    pub key: String,
    /// The value it must have (compared as text).
    pub equals: String,
    /// Points while it has it (-1,000 to 1,000).
    pub points: i64,
}

/// `GET/PUT /api/v1/admin/lead-scoring`: how a brand scores its people.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LeadScoring {
    /// An event's points halve every this many days (0: they never fade; at most 365).
    #[serde(default)]
    pub half_life_days: u32,
    /// Points per event kind (at most 50).
    #[serde(default)]
    pub events: Vec<EventScore>,
    /// Points per attribute value (at most 50).
    #[serde(default)]
    pub attributes: Vec<AttributeScore>,
}

/// A person's lead score.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LeadScore {
    /// The score, rounded.
    pub score: i64,
    /// When it was last computed (RFC 3339); absent when it never was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_at: Option<String>,
}
