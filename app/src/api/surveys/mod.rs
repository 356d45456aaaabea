//! Surveys: the console's builder, the member's survey and response. The results are in [`results`]; the
//! checking of a response against its survey (required answers, each kind's values, branching, consent for a
//! captured contact) is in [`check`], shared so the mini app validates each step exactly as the server validates
//! the whole response.

mod check;
mod results;

pub use check::*;
pub use results::*;

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What a question asks for.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One of the options.
    SingleChoice,
    /// Any number of the options (at least one when answered).
    MultipleChoice,
    /// 1 to 5 stars.
    Rating,
    /// Net Promoter Score, 0 to 10.
    Nps,
    /// Up to 200 characters.
    ShortText,
    /// Up to 2,000 characters.
    LongText,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A Vietnamese mobile number, given with explicit consent; it attaches to the profile as unverified.
    Phone,
    /// An e-mail address, given with explicit consent; it attaches to the profile as unverified.
    Email,
}

impl QuestionKind {
    /// Every kind, in the builder's order.
    pub const ALL: [QuestionKind; 9] = [
        QuestionKind::SingleChoice,
        QuestionKind::MultipleChoice,
        QuestionKind::Rating,
        QuestionKind::Nps,
        QuestionKind::ShortText,
        QuestionKind::LongText,
        QuestionKind::Date,
        QuestionKind::Phone,
        QuestionKind::Email,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::SingleChoice => "single_choice",
            QuestionKind::MultipleChoice => "multiple_choice",
            QuestionKind::Rating => "rating",
            QuestionKind::Nps => "nps",
            QuestionKind::ShortText => "short_text",
            QuestionKind::LongText => "long_text",
            QuestionKind::Date => "date",
            QuestionKind::Phone => "phone",
            QuestionKind::Email => "email",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the question offers options.
    pub fn has_options(self) -> bool {
        matches!(self, QuestionKind::SingleChoice | QuestionKind::MultipleChoice)
    }

    /// Whether an answer can send the member elsewhere in the survey.
    pub fn can_branch(self) -> bool {
        matches!(
            self,
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice | QuestionKind::Rating | QuestionKind::Nps
        )
    }

    /// Whether the answer is contact data captured with consent (never a profile attribute).
    pub fn is_contact(self) -> bool {
        matches!(self, QuestionKind::Phone | QuestionKind::Email)
    }

    /// The numbers a scale accepts.
    pub fn scale(self) -> Option<(i64, i64)> {
        match self {
            QuestionKind::Rating => Some((1, 5)),
            QuestionKind::Nps => Some((0, 10)),
            _ => None,
        }
    }
}

/// "When the answer is `answer`, go to question `to`" (1-based; none: the end of the survey). Branches only
/// go forward, so every path through a survey ends.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Branch {
    /// An option of a choice question, or a number of a rating or NPS question.
    pub answer: String,
    /// The question to go to, counted from 1; none ends the survey.
    pub to: Option<usize>,
}

/// One question of a survey.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Question {
    /// Stable id within the survey (`q1`, `q2`, …), set by the server.
    #[serde(default)]
    pub id: String,
    /// What it asks for.
    pub kind: QuestionKind,
    /// The question as the member reads it.
    pub title: String,
    /// Whether it must be answered (when the member's path reaches it).
    #[serde(default)]
    pub required: bool,
    /// The options of a choice question, 2 to 20.
    #[serde(default)]
    pub options: Vec<String>,
    /// The profile attribute the answer is saved to (`favourite_drink`), if any.
    #[serde(default)]
    pub attribute: Option<String>,
    /// For a phone or e-mail question: the consent the member ticks to give it.
    #[serde(default)]
    pub consent_text: Option<String>,
    /// For a phone or e-mail question: the consent purpose granted (`marketing_zns`, `marketing_sms`,
    /// `marketing_email`).
    #[serde(default)]
    pub consent_purpose: Option<String>,
    /// Where some answers lead; otherwise the next question.
    #[serde(default)]
    pub branches: Vec<Branch>,
}

/// A survey as the console sends it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SurveyInput {
    /// Name the member sees.
    pub name: String,
    /// A line under the name, if any.
    #[serde(default)]
    pub intro: Option<String>,
    /// 1 to 30 questions.
    pub questions: Vec<Question>,
    /// Points paid once on completion (0: none).
    #[serde(default)]
    pub points: i64,
    /// Tier ids that may answer; empty: every member.
    #[serde(default)]
    pub tiers: Vec<String>,
    /// Opens at (RFC 3339), if not at once.
    #[serde(default)]
    pub starts_at: Option<String>,
    /// Closes at (RFC 3339), if ever.
    #[serde(default)]
    pub ends_at: Option<String>,
    /// Whether it is offered at all.
    pub active: bool,
}

/// A survey with its response count, for the console.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Survey {
    /// Id.
    pub id: String,
    /// Its settings, questions carrying their ids.
    #[serde(flatten)]
    pub input: SurveyInput,
    /// Responses received.
    pub responses: i64,
    /// Created at (RFC 3339).
    pub created_at: String,
}

/// A survey open to the signed-in member.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberSurvey {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// A line under the name.
    pub intro: Option<String>,
    /// Points paid on completion.
    pub points: i64,
    /// The questions.
    pub questions: Vec<Question>,
    /// Closes at (RFC 3339), if ever.
    pub ends_at: Option<String>,
    /// Whether the member has answered it already.
    pub answered: bool,
}

/// An answer: a number (rating, NPS), a text (a choice, a text, a date, a phone, an e-mail) or the options
/// chosen (multiple choice).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(untagged)]
pub enum AnswerValue {
    /// A rating or an NPS.
    Number(i64),
    /// A choice, a text, a date, a phone number or an e-mail address.
    Text(String),
    /// The options of a multiple choice.
    Choices(Vec<String>),
}

impl AnswerValue {
    /// Whether it says nothing (an empty text or no option chosen).
    pub fn is_empty(&self) -> bool {
        match self {
            AnswerValue::Number(_) => false,
            AnswerValue::Text(t) => t.trim().is_empty(),
            AnswerValue::Choices(c) => c.is_empty(),
        }
    }

    /// The answer as one line of text (options joined with `; `).
    pub fn display(&self) -> String {
        match self {
            AnswerValue::Number(n) => n.to_string(),
            AnswerValue::Text(t) => t.trim().to_owned(),
            AnswerValue::Choices(c) => c.join("; "),
        }
    }
}

/// One answer of a response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Answer {
    /// The question's id.
    pub question: String,
    /// The answer.
    pub value: AnswerValue,
    /// For a phone or e-mail question: whether the member ticked its consent.
    #[serde(default)]
    pub consent: bool,
}

/// A member's response: the answers of the questions on their path through the survey.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResponseRequest {
    /// The answers, one per question at most.
    pub answers: Vec<Answer>,
}

/// What submitting a response did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResponseReceipt {
    /// The response's id.
    pub id: String,
    /// The survey.
    pub survey_id: String,
    /// Points it earned: the survey's own and any earning rule's for `survey_completed`.
    pub points: i64,
    /// Submitted at (RFC 3339).
    pub submitted_at: String,
}
