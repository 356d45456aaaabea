//! Surveys: the console's builder and results, the member's survey and response, and the checking of a response
//! against its survey (required answers, each kind's values, branching, consent for a captured contact). The
//! checking lives here so the mini app validates each step exactly as the server validates the whole response.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::domain::{Email, Phone};

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

/// How often one answer was given.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AnswerCount {
    /// The option, or the number of a scale.
    pub answer: String,
    /// Responses that gave it.
    pub count: i64,
}

/// Net Promoter Score of an NPS question: % promoters (9–10) less % detractors (0–6).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Nps {
    /// −100 to 100, rounded to the nearest whole number.
    pub score: i64,
    /// Answers of 9 or 10.
    pub promoters: i64,
    /// Answers of 7 or 8.
    pub passives: i64,
    /// Answers of 0 to 6.
    pub detractors: i64,
}

impl Nps {
    /// The score of scale answers `(value, count)`; none when there are none.
    pub fn of(counts: &[(i64, i64)]) -> Option<Self> {
        let sum = |range: std::ops::RangeInclusive<i64>| -> i64 {
            counts.iter().filter(|(v, _)| range.contains(v)).map(|(_, n)| n).sum()
        };
        let (promoters, passives, detractors) = (sum(9..=10), sum(7..=8), sum(0..=6));
        let total = promoters + passives + detractors;
        if total == 0 {
            return None;
        }
        let diff = (promoters - detractors) * 100;
        // Rounded half away from zero.
        let score = (2 * diff + diff.signum() * total) / (2 * total);
        Some(Self {
            score,
            promoters,
            passives,
            detractors,
        })
    }
}

/// One question's results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QuestionResult {
    /// The question.
    pub question: Question,
    /// Responses that answered it.
    pub answered: i64,
    /// For choices and scales: every option or number with how often it was chosen, in the survey's order.
    pub counts: Vec<AnswerCount>,
    /// For a rating or NPS: the mean.
    pub average: Option<f64>,
    /// For an NPS question.
    pub nps: Option<Nps>,
    /// For a text or date question: the latest answers (20 at most; all of them are in the CSV).
    pub latest: Vec<String>,
}

/// A survey's results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SurveyResults {
    /// The survey.
    pub survey: Survey,
    /// Each question's results, in order.
    pub questions: Vec<QuestionResult>,
}

/// Why a response (or one step of it) is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerProblem {
    /// Stable code: `answer_required`, `invalid_answer`, `consent_required`.
    pub code: &'static str,
    /// The question's number, counted from 1, when it is about one.
    pub number: Option<usize>,
    /// What is wrong, in English.
    pub message: String,
}

impl AnswerProblem {
    fn at(code: &'static str, index: usize, message: impl Into<String>) -> Self {
        Self {
            code,
            number: Some(index + 1),
            message: format!("Question {}: {}", index + 1, message.into()),
        }
    }
}

/// Whether a branch's answer matches a given answer.
fn matches(kind: QuestionKind, branch: &str, value: &AnswerValue) -> bool {
    match (kind, value) {
        (QuestionKind::SingleChoice, AnswerValue::Text(t)) => t == branch,
        (QuestionKind::MultipleChoice, AnswerValue::Choices(c)) => c.iter().any(|o| o == branch),
        (QuestionKind::Rating | QuestionKind::Nps, AnswerValue::Number(n)) => n.to_string() == branch,
        _ => false,
    }
}

/// The question after `index` given its answer: its first matching branch's target, else the next one; none at
/// the end of the survey.
pub fn next_question(questions: &[Question], index: usize, value: Option<&AnswerValue>) -> Option<usize> {
    let question = &questions[index];
    if let Some(value) = value
        && let Some(branch) = question
            .branches
            .iter()
            .find(|b| matches(question.kind, &b.answer, value))
    {
        return branch.to.map(|n| n - 1).filter(|i| *i > index && *i < questions.len());
    }
    (index + 1 < questions.len()).then_some(index + 1)
}

/// Whether `text` is a real calendar date written `YYYY-MM-DD`.
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |s: &str| {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(&text[..4]), num(&text[5..7]), num(&text[8..])) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1900 && (1..=days).contains(&d)
}

/// Checks one question's answer (none when unanswered).
pub fn check_answer(questions: &[Question], index: usize, answer: Option<&Answer>) -> Result<(), AnswerProblem> {
    let q = &questions[index];
    let Some(answer) = answer.filter(|a| !a.value.is_empty()) else {
        return if q.required {
            Err(AnswerProblem::at("answer_required", index, "an answer is required."))
        } else {
            Ok(())
        };
    };
    let bad = |message: &str| Err(AnswerProblem::at("invalid_answer", index, message));
    match (q.kind, &answer.value) {
        (QuestionKind::SingleChoice, AnswerValue::Text(t)) => {
            if !q.options.contains(t) {
                return bad("choose one of the options.");
            }
        }
        (QuestionKind::MultipleChoice, AnswerValue::Choices(chosen)) => {
            if chosen.iter().any(|c| !q.options.contains(c)) {
                return bad("choose among the options.");
            }
            if chosen.iter().enumerate().any(|(i, c)| chosen[..i].contains(c)) {
                return bad("each option can be chosen once.");
            }
        }
        (QuestionKind::Rating | QuestionKind::Nps, AnswerValue::Number(n)) => {
            let (low, high) = q.kind.scale().unwrap_or((0, 0));
            if !(low..=high).contains(n) {
                return bad(&format!("answer with a number from {low} to {high}."));
            }
        }
        (QuestionKind::ShortText, AnswerValue::Text(t)) if t.trim().chars().count() > 200 => {
            return bad("answer in at most 200 characters.");
        }
        (QuestionKind::LongText, AnswerValue::Text(t)) if t.trim().chars().count() > 2000 => {
            return bad("answer in at most 2,000 characters.");
        }
        (QuestionKind::ShortText | QuestionKind::LongText, AnswerValue::Text(_)) => {}
        (QuestionKind::Date, AnswerValue::Text(t)) => {
            if !is_date(t.trim()) {
                return bad("give a date as YYYY-MM-DD.");
            }
        }
        (QuestionKind::Phone, AnswerValue::Text(t)) => {
            if let Err(e) = Phone::parse(t) {
                return bad(&e.to_string());
            }
        }
        (QuestionKind::Email, AnswerValue::Text(t)) => {
            if Email::parse(t).is_err() {
                return bad("give a valid e-mail address.");
            }
        }
        _ => return bad(&format!("a {} question needs another kind of answer.", q.kind.as_str())),
    }
    if q.kind.is_contact() && !answer.consent {
        return Err(AnswerProblem::at(
            "consent_required",
            index,
            "tick the consent box to give your contact, or leave it empty.",
        ));
    }
    Ok(())
}

/// Checks a whole response: every answer names a question once; the path from the first question, following
/// the branches of the answers given, answers each required question; no answer is off that path. Returns the
/// path's answered questions as `(index, answer)`.
pub fn check_response<'a>(
    questions: &[Question],
    answers: &'a [Answer],
) -> Result<Vec<(usize, &'a Answer)>, AnswerProblem> {
    let mut by_id: BTreeMap<&str, &Answer> = BTreeMap::new();
    for a in answers {
        if !questions.iter().any(|q| q.id == a.question) {
            return Err(AnswerProblem {
                code: "invalid_answer",
                number: None,
                message: format!("The survey has no question `{}`.", a.question),
            });
        }
        if by_id.insert(a.question.as_str(), a).is_some() {
            return Err(AnswerProblem {
                code: "invalid_answer",
                number: None,
                message: format!("Question `{}` is answered twice.", a.question),
            });
        }
    }
    let mut path = Vec::new();
    let mut at = (!questions.is_empty()).then_some(0);
    while let Some(i) = at {
        let answer = by_id.remove(questions[i].id.as_str());
        check_answer(questions, i, answer)?;
        let given = answer.filter(|a| !a.value.is_empty());
        if let Some(a) = given {
            path.push((i, a));
        }
        at = next_question(questions, i, given.map(|a| &a.value));
    }
    if let Some((id, _)) = by_id.into_iter().find(|(_, a)| !a.value.is_empty()) {
        let number = questions.iter().position(|q| q.id == id).map(|i| i + 1);
        return Err(AnswerProblem {
            code: "invalid_answer",
            number,
            message: format!(
                "Question {} is skipped by the survey's branching for these answers: leave it out.",
                number.unwrap_or(0)
            ),
        });
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(kind: QuestionKind, required: bool, options: &[&str], branches: &[(&str, Option<usize>)]) -> Question {
        Question {
            id: String::new(),
            kind,
            title: "?".into(),
            required,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
            attribute: None,
            consent_text: None,
            consent_purpose: None,
            branches: branches
                .iter()
                .map(|(a, to)| Branch {
                    answer: (*a).into(),
                    to: *to,
                })
                .collect(),
        }
    }

    fn survey() -> Vec<Question> {
        let mut qs = vec![
            q(
                QuestionKind::SingleChoice,
                true,
                &["Coffee", "Tea"],
                &[("Tea", Some(3))],
            ),
            q(QuestionKind::Rating, true, &[], &[("1", None)]),
            q(QuestionKind::Phone, false, &[], &[]),
        ];
        for (i, question) in qs.iter_mut().enumerate() {
            question.id = format!("q{}", i + 1);
        }
        qs
    }

    fn a(question: &str, value: AnswerValue) -> Answer {
        Answer {
            question: question.into(),
            value,
            consent: false,
        }
    }

    #[test]
    fn branching_skips_and_ends() {
        let qs = survey();
        // Tea goes to question 3, so the required rating is not needed.
        let tea = [a("q1", AnswerValue::Text("Tea".into()))];
        assert_eq!(check_response(&qs, &tea).unwrap().len(), 1);
        // Coffee goes on to the rating, which is required.
        let coffee = [a("q1", AnswerValue::Text("Coffee".into()))];
        assert_eq!(check_response(&qs, &coffee).unwrap_err().code, "answer_required");
        // A rating of 1 ends the survey, so a phone given after it is off the path.
        let mut off = vec![
            a("q1", AnswerValue::Text("Coffee".into())),
            a("q2", AnswerValue::Number(1)),
            a("q3", AnswerValue::Text("0912345678".into())),
        ];
        off[2].consent = true;
        let problem = check_response(&qs, &off).unwrap_err();
        assert_eq!((problem.code, problem.number), ("invalid_answer", Some(3)));
        off[1].value = AnswerValue::Number(4);
        assert_eq!(check_response(&qs, &off).unwrap().len(), 3);
    }

    #[test]
    fn contact_needs_consent_and_kinds_are_checked() {
        let qs = survey();
        let mut answers = vec![
            a("q1", AnswerValue::Text("Tea".into())),
            a("q3", AnswerValue::Text("0912345678".into())),
        ];
        assert_eq!(check_response(&qs, &answers).unwrap_err().code, "consent_required");
        answers[1].consent = true;
        assert!(check_response(&qs, &answers).is_ok());
        answers[1].value = AnswerValue::Text("12".into());
        assert_eq!(check_response(&qs, &answers).unwrap_err().code, "invalid_answer");
        let wrong = [a("q1", AnswerValue::Number(1))];
        assert_eq!(check_response(&qs, &wrong).unwrap_err().code, "invalid_answer");
        let twice = [
            a("q1", AnswerValue::Text("Tea".into())),
            a("q1", AnswerValue::Text("Tea".into())),
        ];
        assert_eq!(check_response(&qs, &twice).unwrap_err().code, "invalid_answer");
        let unknown = [a("q9", AnswerValue::Text("Tea".into()))];
        assert_eq!(check_response(&qs, &unknown).unwrap_err().code, "invalid_answer");
    }

    #[test]
    fn dates_and_nps() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("23-01-01"));
        let nps = Nps::of(&[(10, 5), (9, 1), (8, 2), (3, 2)]).unwrap();
        assert_eq!((nps.promoters, nps.passives, nps.detractors, nps.score), (6, 2, 2, 40));
        assert_eq!(Nps::of(&[(0, 1), (10, 2)]).unwrap().score, 33);
        assert_eq!(Nps::of(&[(0, 2), (10, 1)]).unwrap().score, -33);
        assert!(Nps::of(&[]).is_none());
    }
}
