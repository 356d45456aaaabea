//! The survey builder's checks on save: kinds and options, branching that only goes forward, attribute keys,
//! consent wording for a contact, tiers and dates. Every refusal is `invalid_survey` (or `invalid_time`) about the
//! field at fault, so the console says it beside that field.

use std::collections::HashSet;

use app::api::{CONSENT_PURPOSES, ErrorCode, FieldProblem, Question, QuestionKind, SurveyInput};
use sqlx::AnyConnection;

use super::consent_purpose;
use crate::{
    error::{Error, Result},
    loyalty::{config, rules::parse_time},
};

/// `invalid_survey` about the field at `pointer`.
fn invalid(pointer: impl Into<String>, problem: FieldProblem, message: impl Into<String>) -> Error {
    Error::unprocessable(ErrorCode::InvalidSurvey, message).at(pointer, problem)
}

/// Whether `key` can name a profile attribute: 1 to 40 of a-z, 0-9 and _.
fn attribute_key_ok(key: &str) -> bool {
    (1..=40).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks and tidies the question at `index` (0-based) of `count`; `keys` collects the attribute keys so far.
fn check_question(index: usize, count: usize, q: &mut Question, keys: &mut HashSet<String>) -> Result<()> {
    let n = index + 1;
    let at = |field: &str| format!("/questions/{index}/{field}");
    q.id = format!("q{n}");
    q.title = q.title.trim().to_owned();
    if q.title.is_empty() || q.title.chars().count() > 300 {
        return Err(invalid(
            at("title"),
            FieldProblem::Length { min: 1, max: 300 },
            format!("Question {n} needs a text of at most 300 characters."),
        ));
    }
    if q.kind.has_options() {
        for o in &mut q.options {
            *o = o.trim().to_owned();
        }
        if !(2..=20).contains(&q.options.len()) {
            return Err(invalid(
                at("options"),
                FieldProblem::Count { min: 2, max: 20 },
                format!("Question {n} needs 2 to 20 options."),
            ));
        }
        if q.options.iter().any(|o| o.is_empty() || o.chars().count() > 100) {
            return Err(invalid(
                at("options"),
                FieldProblem::Length { min: 1, max: 100 },
                format!("Question {n}'s options need 1 to 100 characters each."),
            ));
        }
        if q.options.iter().enumerate().any(|(i, o)| q.options[..i].contains(o)) {
            return Err(invalid(
                at("options"),
                FieldProblem::Duplicate,
                format!("Question {n} lists an option twice."),
            ));
        }
    } else {
        q.options.clear();
    }
    q.attribute = q
        .attribute
        .take()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty());
    if let Some(key) = &q.attribute {
        if q.kind.is_contact() {
            return Err(invalid(
                at("attribute"),
                FieldProblem::NotAllowed,
                format!(
                    "Question {n} captures a contact, which goes to the profile's identities, not to an attribute."
                ),
            ));
        }
        if !attribute_key_ok(key) {
            return Err(invalid(
                at("attribute"),
                FieldProblem::KeyFormat { max: 40 },
                format!("Question {n}'s attribute key has 1 to 40 of a-z, 0-9 and _."),
            ));
        }
        if !keys.insert(key.clone()) {
            return Err(invalid(
                at("attribute"),
                FieldProblem::Duplicate,
                format!("Attribute `{key}` is set by two questions."),
            ));
        }
    }
    if q.kind.is_contact() {
        let text = q.consent_text.take().map(|t| t.trim().to_owned()).unwrap_or_default();
        if text.is_empty() || text.chars().count() > 500 {
            return Err(invalid(
                at("consent_text"),
                FieldProblem::Length { min: 1, max: 500 },
                format!(
                    "Question {n} captures a contact: it needs the consent the member ticks (up to 500 characters)."
                ),
            ));
        }
        q.consent_text = Some(text);
        let allowed: &[&str] = if q.kind == QuestionKind::Email {
            &["marketing_email"]
        } else {
            &["marketing_zns", "marketing_sms"]
        };
        let purpose = consent_purpose(q).to_owned();
        if !allowed.contains(&purpose.as_str()) || !CONSENT_PURPOSES.contains(&purpose.as_str()) {
            return Err(invalid(
                at("consent_purpose"),
                FieldProblem::NotAllowed,
                format!("Question {n}'s consent is for {}.", allowed.join(" or ")),
            ));
        }
        q.consent_purpose = Some(purpose);
    } else {
        q.consent_text = None;
        q.consent_purpose = None;
    }
    if !q.branches.is_empty() && !q.kind.can_branch() {
        return Err(invalid(
            at("branches"),
            FieldProblem::NotAllowed,
            format!("Question {n} cannot branch: only choices, ratings and NPS can."),
        ));
    }
    if q.branches.len() > 20 {
        return Err(invalid(
            at("branches"),
            FieldProblem::Count { min: 0, max: 20 },
            format!("Question {n} has more than 20 branches."),
        ));
    }
    let last = u32::try_from(count).unwrap_or(u32::MAX);
    for (b_index, b) in q.branches.iter_mut().enumerate() {
        b.answer = b.answer.trim().to_owned();
        let known = match q.kind.scale() {
            Some((low, high)) => b.answer.parse::<i64>().is_ok_and(|v| (low..=high).contains(&v)),
            None => q.options.contains(&b.answer),
        };
        if !known {
            return Err(invalid(
                at(&format!("branches/{b_index}/answer")),
                FieldProblem::NotAllowed,
                format!(
                    "Question {n} branches on \"{}\", which is not one of its answers.",
                    b.answer
                ),
            ));
        }
        if b.to.is_some_and(|to| to <= n || to > count) {
            return Err(invalid(
                at(&format!("branches/{b_index}/to")),
                FieldProblem::LaterQuestion { last },
                format!("Question {n} can only go on to a later question (up to {count}) or to the end."),
            ));
        }
    }
    Ok(())
}

/// Checks a survey form, tidied, with its window in milliseconds.
pub(super) async fn validate(
    conn: &mut AnyConnection,
    brand_id: &str,
    mut input: SurveyInput,
) -> Result<(SurveyInput, Option<i64>, Option<i64>)> {
    input.name = input.name.trim().to_owned();
    if input.name.is_empty() || input.name.chars().count() > 120 {
        return Err(invalid(
            "/name",
            FieldProblem::Length { min: 1, max: 120 },
            "A survey needs a name of at most 120 characters.",
        ));
    }
    input.intro = input
        .intro
        .take()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if input.intro.as_ref().is_some_and(|t| t.chars().count() > 500) {
        return Err(invalid(
            "/intro",
            FieldProblem::Length { min: 0, max: 500 },
            "The introduction has at most 500 characters.",
        ));
    }
    if input.questions.is_empty() || input.questions.len() > 30 {
        return Err(invalid(
            "/questions",
            FieldProblem::Count { min: 1, max: 30 },
            "A survey needs 1 to 30 questions.",
        ));
    }
    if !(0..=1_000_000).contains(&input.points) {
        return Err(invalid(
            "/points",
            FieldProblem::Range { min: 0, max: 1_000_000 },
            "Points on completion are 0 to 1,000,000.",
        ));
    }
    let count = input.questions.len();
    let mut keys = HashSet::new();
    for (i, q) in input.questions.iter_mut().enumerate() {
        check_question(i, count, q, &mut keys)?;
    }
    let config = config::get(conn, brand_id).await?;
    let mut seen = HashSet::new();
    input.tiers.retain(|t| seen.insert(t.clone()));
    if let Some((i, t)) = input.tiers.iter().enumerate().find(|(_, t)| config.tier(t).is_none()) {
        return Err(invalid(
            format!("/tiers/{i}"),
            FieldProblem::Unknown,
            format!("There is no tier `{t}`."),
        ));
    }
    let starts_at = parse_time("starts_at", input.starts_at.as_deref())?;
    let ends_at = parse_time("ends_at", input.ends_at.as_deref())?;
    if let (Some(s), Some(e)) = (starts_at, ends_at)
        && e <= s
    {
        return Err(invalid(
            "/ends_at",
            FieldProblem::EndsBeforeStart,
            "The survey must close after it opens.",
        ));
    }
    Ok((input, starts_at, ends_at))
}
