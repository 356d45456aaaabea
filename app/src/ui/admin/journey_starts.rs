//! The ready-made journeys a new one starts from: blank, "read but not clicked", a welcome, a win-back and an A/B
//! of two rewards, named in the admin's language.

use crate::api::{EntryRule, JourneyInput, JourneyStep, StepAction, StepCondition};

/// A day in minutes.
pub(super) const DAY: u32 = 24 * 60;

/// A step of a journey.
pub(super) fn step(id: &str, action: StepAction) -> JourneyStep {
    JourneyStep {
        id: id.to_owned(),
        action,
    }
}

/// The ready-made journeys a new one can start from, with their text keys, named in the admin's language.
pub fn starters(vi: bool) -> Vec<(&'static str, JourneyInput)> {
    let named = |vi_name: &str, en_name: &str| if vi { vi_name.to_owned() } else { en_name.to_owned() };
    let blank = JourneyInput {
        name: String::new(),
        trigger: "session_started".into(),
        entry: EntryRule::Once,
        exit_on: Vec::new(),
        steps: vec![step("s1", StepAction::Exit)],
    };
    let welcome = JourneyInput {
        name: named("Chào mừng thành viên mới", "Welcome new members"),
        trigger: "session_started".into(),
        entry: EntryRule::Once,
        exit_on: Vec::new(),
        steps: vec![
            step(
                "s1",
                StepAction::Wait {
                    minutes: 3 * DAY,
                    next: "s2".into(),
                },
            ),
            step(
                "s2",
                StepAction::Branch {
                    condition: StepCondition::DidEvent {
                        event_type: "checked_in".into(),
                        within_minutes: None,
                    },
                    yes: "s4".into(),
                    no: "s3".into(),
                },
            ),
            step(
                "s3",
                StepAction::GivePoints {
                    points: 20,
                    next: "s4".into(),
                },
            ),
            step("s4", StepAction::Exit),
        ],
    };
    let win_back = JourneyInput {
        name: named("Khách lâu chưa quay lại", "Win back lapsed visitors"),
        trigger: "checked_in".into(),
        entry: EntryRule::Cooldown { days: 60 },
        exit_on: vec!["order_paid".into()],
        steps: vec![
            step(
                "s1",
                StepAction::WaitFor {
                    event_type: "checked_in".into(),
                    timeout_minutes: 30 * DAY,
                    next: "s4".into(),
                    timeout_next: "s2".into(),
                },
            ),
            step(
                "s2",
                StepAction::SetAttribute {
                    key: "win_back".into(),
                    value: "lapsed_30d".into(),
                    next: "s3".into(),
                },
            ),
            step(
                "s3",
                StepAction::GivePoints {
                    points: 30,
                    next: "s4".into(),
                },
            ),
            step("s4", StepAction::Exit),
        ],
    };
    let ab = JourneyInput {
        name: named("Thử hai mức thưởng sau khảo sát", "Two rewards after a survey (A/B)"),
        trigger: "survey_completed".into(),
        entry: EntryRule::EveryTime,
        exit_on: Vec::new(),
        steps: vec![
            step(
                "s1",
                StepAction::Branch {
                    condition: StepCondition::Random { percent: 50 },
                    yes: "s2".into(),
                    no: "s3".into(),
                },
            ),
            step(
                "s2",
                StepAction::GivePoints {
                    points: 10,
                    next: "s4".into(),
                },
            ),
            step(
                "s3",
                StepAction::GivePoints {
                    points: 30,
                    next: "s4".into(),
                },
            ),
            step("s4", StepAction::Exit),
        ],
    };
    // The two messages are the admin's to choose (drafts written under Messages).
    let read_not_clicked = JourneyInput {
        name: named(
            "Đọc nhưng chưa bấm: nhắc qua kênh khác",
            "Read but not clicked: try another channel",
        ),
        trigger: "checked_in".into(),
        entry: EntryRule::Cooldown { days: 30 },
        exit_on: vec!["order_paid".into()],
        steps: vec![
            step(
                "s1",
                StepAction::Send {
                    message_id: String::new(),
                    next: "s2".into(),
                },
            ),
            step(
                "s2",
                StepAction::Wait {
                    minutes: DAY,
                    next: "s3".into(),
                },
            ),
            step(
                "s3",
                StepAction::Branch {
                    condition: StepCondition::MessageClicked {
                        message_id: String::new(),
                    },
                    yes: "s6".into(),
                    no: "s4".into(),
                },
            ),
            step(
                "s4",
                StepAction::Branch {
                    condition: StepCondition::MessageRead {
                        message_id: String::new(),
                    },
                    yes: "s5".into(),
                    no: "s6".into(),
                },
            ),
            step(
                "s5",
                StepAction::Send {
                    message_id: String::new(),
                    next: "s6".into(),
                },
            ),
            step("s6", StepAction::Exit),
        ],
    };
    vec![
        ("journey_start_blank", blank),
        ("journey_start_read_not_clicked", read_not_clicked),
        ("journey_start_welcome", welcome),
        ("journey_start_win_back", win_back),
        ("journey_start_ab", ab),
    ]
}
