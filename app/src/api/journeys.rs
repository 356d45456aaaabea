//! Journeys: a scenario per person that starts on an event, waits, waits for something they do, branches on what
//! they did, gives points and sets attributes, until it ends or the person leaves it.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Who may enter a journey again.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryRule {
    /// Once ever per person.
    Once,
    /// Each time the trigger happens (not while they are already inside).
    EveryTime,
    /// Again only this many days after their last entry.
    Cooldown {
        /// Days between two entries (1 to 365).
        days: u32,
    },
}

/// What a branch asks about the person, when they reach it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepCondition {
    /// They did this event since they entered the journey, or within the last `within_minutes`.
    DidEvent {
        /// The event type.
        event_type: String,
        /// How far back to look; absent: since they entered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within_minutes: Option<u32>,
    },
    /// They are in this segment (its id).
    InSegment {
        /// The segment's id.
        segment_id: String,
    },
    /// Their attribute has this value.
    Attribute {
        /// The attribute's key.
        key: String,
        /// The value, as typed.
        equals: String,
    },
    /// They read this message of the journey (a read receipt came).
    MessageRead {
        /// The message's id (one a step of this journey sends).
        message_id: String,
    },
    /// They clicked this message of the journey.
    MessageClicked {
        /// The message's id (one a step of this journey sends).
        message_id: String,
    },
    /// Their lead score is at least this much.
    LeadScore {
        /// The least score.
        min: i64,
    },
    /// A random `percent` of people go the "yes" way (the same person always the same way).
    Random {
        /// 1 to 99.
        percent: u32,
    },
}

/// What a step does.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepAction {
    /// Waits this long, then goes on.
    Wait {
        /// Minutes (1 to 129,600: 90 days).
        minutes: u32,
        /// The next step's id.
        next: String,
    },
    /// Waits until the person does `event_type`, at most `timeout_minutes`.
    WaitFor {
        /// The event awaited.
        event_type: String,
        /// The most it waits, in minutes (1 to 129,600).
        timeout_minutes: u32,
        /// Where they go when they did it.
        next: String,
        /// Where they go when the time ran out.
        timeout_next: String,
    },
    /// Goes one way or the other on a condition.
    Branch {
        /// The question.
        condition: StepCondition,
        /// Where they go when it holds.
        yes: String,
        /// Where they go when it does not.
        no: String,
    },
    /// Sends a message (written in Messages) on the person's first reachable, consenting channel, within the
    /// brand's caps and quiet hours; a message reaches a person once, however often they enter.
    Send {
        /// The message's id: a draft, which becomes the journey's.
        message_id: String,
        /// The next step's id.
        next: String,
    },
    /// Credits points (once per run).
    GivePoints {
        /// Points (1 to 100,000).
        points: i64,
        /// The next step's id.
        next: String,
    },
    /// Sets an attribute on their profile.
    SetAttribute {
        /// The key (a-z, 0-9, `_`).
        key: String,
        /// The value, as text.
        value: String,
        /// The next step's id.
        next: String,
    },
    /// The journey ends here.
    Exit,
}

/// One step: an id the others point to, and what it does.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JourneyStep {
    /// 1 to 32 of a-z, 0-9, `_` and `-`, unique in the journey.
    pub id: String,
    /// What it does.
    pub action: StepAction,
}

/// A journey as the console writes it. The first step is where everyone starts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JourneyInput {
    /// 1 to 80 characters.
    pub name: String,
    /// The event type that starts it.
    pub trigger: String,
    /// Who may enter again.
    pub entry: EntryRule,
    /// Event types that take a person out of it at once (a purchase, say); at most 10.
    #[serde(default)]
    pub exit_on: Vec<String>,
    /// 1 to 50 steps.
    pub steps: Vec<JourneyStep>,
}

/// A journey's state.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JourneyStatus {
    /// Being written: nobody enters.
    Draft,
    /// People enter on the trigger.
    Active,
    /// Nobody new enters; people inside finish.
    Paused,
}

/// How many people are at a step and went through it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StepCount {
    /// The step's id.
    pub step_id: String,
    /// People there now.
    pub now: i64,
    /// People who went through it.
    pub passed: i64,
    /// Of those, how many went each way.
    pub ways: Vec<StepWay>,
}

/// How many went one way out of a step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StepWay {
    /// `next`, `yes`, `no`, `event` (they did what was awaited), `timeout`, `end`.
    pub way: String,
    /// How many.
    pub count: i64,
}

/// A journey with its counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Journey {
    /// Its id.
    pub id: String,
    /// Its state.
    pub status: JourneyStatus,
    /// The current version (people inside finish the version they entered).
    pub version: u32,
    /// The current version's definition.
    pub input: JourneyInput,
    /// People who entered, over every version.
    pub entered: i64,
    /// People inside now.
    pub inside: i64,
    /// People who reached an end.
    pub finished: i64,
    /// People taken out by an exit event.
    pub exited: i64,
    /// Per step of the current version.
    pub steps: Vec<StepCount>,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
}
