//! Checking a response against its survey: required answers, each kind's values, branching (which decides the
//! path through the survey) and consent for a captured contact. The mini app runs these per step, the server on
//! the whole response.

use std::collections::BTreeMap;

use super::{Answer, AnswerValue, Question, QuestionKind};
use crate::api::ErrorCode;
use crate::domain::{Email, Phone};

/// Why a response (or one step of it) is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerProblem {
    /// Stable code: `answer_required`, `invalid_answer`, `consent_required`.
    pub code: ErrorCode,
    /// The question's number, counted from 1, when it is about one.
    pub number: Option<usize>,
    /// What is wrong, in English.
    pub message: String,
}

impl AnswerProblem {
    fn at(code: ErrorCode, index: usize, message: impl Into<String>) -> Self {
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
            Err(AnswerProblem::at(
                ErrorCode::AnswerRequired,
                index,
                "an answer is required.",
            ))
        } else {
            Ok(())
        };
    };
    let bad = |message: &str| Err(AnswerProblem::at(ErrorCode::InvalidAnswer, index, message));
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
            ErrorCode::ConsentRequired,
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
                code: ErrorCode::InvalidAnswer,
                number: None,
                message: format!("The survey has no question `{}`.", a.question),
            });
        }
        if by_id.insert(a.question.as_str(), a).is_some() {
            return Err(AnswerProblem {
                code: ErrorCode::InvalidAnswer,
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
            code: ErrorCode::InvalidAnswer,
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
    use crate::api::Branch;

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
        assert_eq!(
            check_response(&qs, &coffee).unwrap_err().code,
            ErrorCode::AnswerRequired
        );
        // A rating of 1 ends the survey, so a phone given after it is off the path.
        let mut off = vec![
            a("q1", AnswerValue::Text("Coffee".into())),
            a("q2", AnswerValue::Number(1)),
            a("q3", AnswerValue::Text("0912345678".into())),
        ];
        off[2].consent = true;
        let problem = check_response(&qs, &off).unwrap_err();
        assert_eq!((problem.code, problem.number), (ErrorCode::InvalidAnswer, Some(3)));
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
        assert_eq!(
            check_response(&qs, &answers).unwrap_err().code,
            ErrorCode::ConsentRequired
        );
        answers[1].consent = true;
        assert!(check_response(&qs, &answers).is_ok());
        answers[1].value = AnswerValue::Text("12".into());
        assert_eq!(
            check_response(&qs, &answers).unwrap_err().code,
            ErrorCode::InvalidAnswer
        );
        let wrong = [a("q1", AnswerValue::Number(1))];
        assert_eq!(check_response(&qs, &wrong).unwrap_err().code, ErrorCode::InvalidAnswer);
        let twice = [
            a("q1", AnswerValue::Text("Tea".into())),
            a("q1", AnswerValue::Text("Tea".into())),
        ];
        assert_eq!(check_response(&qs, &twice).unwrap_err().code, ErrorCode::InvalidAnswer);
        let unknown = [a("q9", AnswerValue::Text("Tea".into()))];
        assert_eq!(
            check_response(&qs, &unknown).unwrap_err().code,
            ErrorCode::InvalidAnswer
        );
    }

    #[test]
    fn dates_are_real_calendar_days() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("23-01-01"));
    }
}
