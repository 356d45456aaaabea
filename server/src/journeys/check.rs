//! A journey is checked whole before it is saved: its name, trigger and entry rule, each step's fields, every
//! step pointing to steps that exist, every step reached from the first, and no path coming back on itself (so
//! every path ends). A refusal names the field (`/steps/3/next`) and what is wrong there.

use std::collections::{HashMap, HashSet};

use app::api::{EntryRule, ErrorCode, FieldProblem, JourneyInput, StepAction, StepCondition};

use crate::error::{Error, Result};

/// The most steps in a journey.
pub const MAX_STEPS: usize = 50;
/// The longest wait: 90 days, in minutes.
pub const MAX_WAIT_MINUTES: u32 = 90 * 24 * 60;

fn invalid(pointer: impl Into<String>, problem: FieldProblem, message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidJourney, message).at(pointer, problem)
}

/// Whether `name` can be an event type here (a built-in or a brand's own, `a-z 0-9 _ .`).
pub fn is_event_type(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && !name.starts_with("journey_")
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
}

fn is_step_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn event_type(pointer: String, name: &str) -> Result<()> {
    if is_event_type(name) {
        Ok(())
    } else {
        Err(invalid(
            pointer,
            FieldProblem::KeyFormat { max: 64 },
            "An event type is 1 to 64 lower-case letters, digits, `_` or `.`.",
        ))
    }
}

fn minutes(pointer: String, value: u32) -> Result<()> {
    if (1..=MAX_WAIT_MINUTES).contains(&value) {
        Ok(())
    } else {
        Err(invalid(
            pointer,
            FieldProblem::Range {
                min: 1,
                max: i64::from(MAX_WAIT_MINUTES),
            },
            "A wait is 1 minute to 90 days.",
        ))
    }
}

/// The steps a step goes on to, with the field naming each.
fn exits(action: &StepAction) -> Vec<(&'static str, &str)> {
    match action {
        StepAction::Wait { next, .. }
        | StepAction::Send { next, .. }
        | StepAction::GivePoints { next, .. }
        | StepAction::SetAttribute { next, .. } => vec![("next", next.as_str())],
        StepAction::WaitFor { next, timeout_next, .. } => {
            vec![("next", next.as_str()), ("timeout_next", timeout_next.as_str())]
        }
        StepAction::Branch { yes, no, .. } => vec![("yes", yes.as_str()), ("no", no.as_str())],
        StepAction::Exit => Vec::new(),
    }
}

/// What a journey may refer to: the brand's live segments, and the messages it may send (drafts and journeys').
#[derive(Debug, Default)]
pub struct Known {
    /// Segment ids.
    pub segments: HashSet<String>,
    /// Message ids.
    pub messages: HashSet<String>,
}

/// Checks a whole journey, trimming its texts; what a step names must be among `known`, and a branch on a
/// message asks about one this journey sends.
pub fn check(mut j: JourneyInput, known: &Known) -> Result<JourneyInput> {
    j.name = j.name.trim().to_owned();
    if j.name.is_empty() || j.name.chars().count() > 80 || j.name.chars().any(char::is_control) {
        return Err(invalid(
            "/name",
            FieldProblem::Length { min: 1, max: 80 },
            "A journey's name is 1 to 80 characters.",
        ));
    }
    j.trigger = j.trigger.trim().to_owned();
    event_type("/trigger".into(), &j.trigger)?;
    if let EntryRule::Cooldown { days } = j.entry
        && !(1..=365).contains(&days)
    {
        return Err(invalid(
            "/entry/days",
            FieldProblem::Range { min: 1, max: 365 },
            "Between two entries: 1 to 365 days.",
        ));
    }
    if j.exit_on.len() > 10 {
        return Err(invalid(
            "/exit_on",
            FieldProblem::Count { min: 0, max: 10 },
            "At most 10 exit events.",
        ));
    }
    for (i, t) in j.exit_on.iter_mut().enumerate() {
        *t = t.trim().to_owned();
        event_type(format!("/exit_on/{i}"), t)?;
        if *t == j.trigger {
            return Err(invalid(
                format!("/exit_on/{i}"),
                FieldProblem::NotAllowed,
                "The event that starts the journey cannot also end it.",
            ));
        }
    }
    if j.steps.is_empty() || j.steps.len() > MAX_STEPS {
        return Err(invalid(
            "/steps",
            FieldProblem::Count {
                min: 1,
                max: MAX_STEPS as u32,
            },
            "A journey has 1 to 50 steps.",
        ));
    }
    let mut index = HashMap::new();
    for (i, step) in j.steps.iter_mut().enumerate() {
        step.id = step.id.trim().to_owned();
        if !is_step_id(&step.id) {
            return Err(invalid(
                format!("/steps/{i}/id"),
                FieldProblem::KeyFormat { max: 32 },
                "A step's id is 1 to 32 of a-z, 0-9, `_` and `-`.",
            ));
        }
        if index.insert(step.id.clone(), i).is_some() {
            return Err(invalid(
                format!("/steps/{i}/id"),
                FieldProblem::Duplicate,
                "Each step has its own id.",
            ));
        }
        check_action(i, &mut step.action, known)?;
    }
    let sent: HashSet<String> = j
        .steps
        .iter()
        .filter_map(|s| match &s.action {
            StepAction::Send { message_id, .. } => Some(message_id.clone()),
            _ => None,
        })
        .collect();
    for (i, step) in j.steps.iter().enumerate() {
        if let StepAction::Branch {
            condition: StepCondition::MessageRead { message_id } | StepCondition::MessageClicked { message_id },
            ..
        } = &step.action
            && !sent.contains(message_id)
        {
            return Err(invalid(
                format!("/steps/{i}/action/condition/message_id"),
                FieldProblem::NotAllowed,
                "Ask about a message one of this journey's steps sends.",
            ));
        }
    }
    for (i, step) in j.steps.iter().enumerate() {
        for (field, to) in exits(&step.action) {
            if !index.contains_key(to) {
                return Err(invalid(
                    format!("/steps/{i}/action/{field}"),
                    FieldProblem::Unknown,
                    "This step goes on to a step that does not exist.",
                ));
            }
        }
    }
    // Every step reached from the first, and no path back to a step already on it (depth-first, by colour).
    let mut state = vec![0_u8; j.steps.len()];
    let mut stack = vec![(0_usize, 0_usize)];
    state[0] = 1;
    while let Some(&(at, n)) = stack.last() {
        let outs = exits(&j.steps[at].action);
        let Some((_, to)) = outs.get(n) else {
            state[at] = 2;
            stack.pop();
            continue;
        };
        let to = index[*to];
        if let Some(top) = stack.last_mut() {
            top.1 += 1;
        }
        match state[to] {
            0 => {
                state[to] = 1;
                stack.push((to, 0));
            }
            1 => {
                return Err(invalid(
                    format!("/steps/{to}"),
                    FieldProblem::Loops,
                    "A path comes back to this step; every path must end.",
                ));
            }
            _ => {}
        }
    }
    if let Some(orphan) = state.iter().position(|s| *s == 0) {
        return Err(invalid(
            format!("/steps/{orphan}"),
            FieldProblem::Unreachable,
            "No step leads to this one.",
        ));
    }
    Ok(j)
}

fn check_action(i: usize, action: &mut StepAction, known: &Known) -> Result<()> {
    let at = |field: &str| format!("/steps/{i}/action/{field}");
    match action {
        StepAction::Wait { minutes: m, .. } => minutes(at("minutes"), *m),
        StepAction::WaitFor {
            event_type: t,
            timeout_minutes,
            ..
        } => {
            *t = t.trim().to_owned();
            event_type(at("event_type"), t)?;
            minutes(at("timeout_minutes"), *timeout_minutes)
        }
        StepAction::Send { message_id, .. } if !known.messages.contains(message_id.as_str()) => Err(invalid(
            at("message_id"),
            FieldProblem::Unknown,
            "Choose a message still being written (a draft) or one a journey already sends.",
        )),
        StepAction::Send { .. } => Ok(()),
        StepAction::GivePoints { points, .. } => {
            if (1..=100_000).contains(points) {
                Ok(())
            } else {
                Err(invalid(
                    at("points"),
                    FieldProblem::Range { min: 1, max: 100_000 },
                    "Points given are 1 to 100,000.",
                ))
            }
        }
        StepAction::SetAttribute { key, value, .. } => {
            *key = key.trim().to_owned();
            *value = value.trim().to_owned();
            if !crate::profiles::is_attribute_key(key) {
                return Err(invalid(
                    at("key"),
                    FieldProblem::KeyFormat { max: 40 },
                    "An attribute key has 1 to 40 of a-z, 0-9 and _.",
                ));
            }
            if value.is_empty() || value.chars().count() > 200 || value.chars().any(char::is_control) {
                return Err(invalid(
                    at("value"),
                    FieldProblem::Length { min: 1, max: 200 },
                    "An attribute's value is 1 to 200 characters.",
                ));
            }
            Ok(())
        }
        StepAction::Branch { condition, .. } => {
            let at = |field: &str| format!("/steps/{i}/action/condition/{field}");
            match condition {
                StepCondition::DidEvent {
                    event_type: t,
                    within_minutes,
                } => {
                    *t = t.trim().to_owned();
                    event_type(at("event_type"), t)?;
                    match within_minutes {
                        Some(m) => minutes(at("within_minutes"), *m),
                        None => Ok(()),
                    }
                }
                StepCondition::InSegment { segment_id } if !known.segments.contains(segment_id.as_str()) => {
                    Err(invalid(
                        at("segment_id"),
                        FieldProblem::Unknown,
                        "Choose one of the brand's segments.",
                    ))
                }
                StepCondition::InSegment { .. } => Ok(()),
                StepCondition::Attribute { key, equals } => {
                    *key = key.trim().to_owned();
                    *equals = equals.trim().to_owned();
                    if !crate::profiles::is_attribute_key(key) {
                        return Err(invalid(
                            at("key"),
                            FieldProblem::KeyFormat { max: 40 },
                            "An attribute key has 1 to 40 of a-z, 0-9 and _.",
                        ));
                    }
                    if equals.is_empty() || equals.chars().count() > 200 || equals.chars().any(char::is_control) {
                        return Err(invalid(
                            at("equals"),
                            FieldProblem::Length { min: 1, max: 200 },
                            "Name the value it must have.",
                        ));
                    }
                    Ok(())
                }
                StepCondition::MessageRead { .. } | StepCondition::MessageClicked { .. } => Ok(()),
                StepCondition::LeadScore { min } if !(-1_000_000..=1_000_000).contains(min) => Err(invalid(
                    at("min"),
                    FieldProblem::Range {
                        min: -1_000_000,
                        max: 1_000_000,
                    },
                    "A score is -1,000,000 to 1,000,000.",
                )),
                StepCondition::LeadScore { .. } => Ok(()),
                StepCondition::Random { percent } if !(1..=99).contains(percent) => Err(invalid(
                    at("percent"),
                    FieldProblem::Range { min: 1, max: 99 },
                    "A split sends 1% to 99% one way.",
                )),
                StepCondition::Random { .. } => Ok(()),
            }
        }
        StepAction::Exit => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use app::api::{EntryRule, JourneyInput, JourneyStep, StepAction};

    use super::*;

    fn journey(steps: Vec<(&str, StepAction)>) -> JourneyInput {
        JourneyInput {
            name: "Welcome".into(),
            trigger: "session_started".into(),
            entry: EntryRule::Once,
            exit_on: vec!["order_paid".into()],
            steps: steps
                .into_iter()
                .map(|(id, action)| JourneyStep { id: id.into(), action })
                .collect(),
        }
    }

    fn wait(next: &str) -> StepAction {
        StepAction::Wait {
            minutes: 60,
            next: next.into(),
        }
    }

    fn pointer(j: JourneyInput) -> String {
        match check(j, &Known::default()) {
            Err(Error::Client { field: Some(f), .. }) => f.pointer,
            other => panic!("not refused at a field: {other:?}"),
        }
    }

    #[test]
    fn a_journey_whose_every_path_ends_is_accepted() {
        let j = journey(vec![
            ("start", wait("ask")),
            (
                "ask",
                StepAction::Branch {
                    condition: StepCondition::Random { percent: 50 },
                    yes: "end".into(),
                    no: "gift".into(),
                },
            ),
            (
                "gift",
                StepAction::GivePoints {
                    points: 10,
                    next: "end".into(),
                },
            ),
            ("end", StepAction::Exit),
        ]);
        assert!(check(j, &Known::default()).is_ok());
    }

    #[test]
    fn loops_orphans_and_missing_steps_are_named() {
        let looped = journey(vec![("a", wait("b")), ("b", wait("a"))]);
        assert_eq!(pointer(looped), "/steps/0");
        let orphan = journey(vec![("a", wait("c")), ("b", wait("c")), ("c", StepAction::Exit)]);
        assert_eq!(pointer(orphan), "/steps/1");
        let missing = journey(vec![("a", wait("nowhere"))]);
        assert_eq!(pointer(missing), "/steps/0/action/next");
        let twice = journey(vec![("a", wait("a2")), ("a", StepAction::Exit)]);
        assert_eq!(pointer(twice), "/steps/1/id");
        let forever = journey(vec![(
            "a",
            StepAction::Wait {
                minutes: MAX_WAIT_MINUTES + 1,
                next: "b".into(),
            },
        )]);
        assert_eq!(pointer(forever), "/steps/0/action/minutes");
        let mut control = journey(vec![("a", StepAction::Exit)]);
        control.name = "Chào\u{7}".into();
        assert_eq!(pointer(control), "/name", "a control character is refused");
        let mut exits_on_start = journey(vec![("a", StepAction::Exit)]);
        exits_on_start.exit_on = vec!["session_started".into()];
        assert_eq!(pointer(exits_on_start), "/exit_on/0");
    }
}
