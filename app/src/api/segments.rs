//! Segments: a rule tree over what Chạm knows about a person, counted live while an admin edits it and kept
//! current as people act.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// One node of a segment's rule tree.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SegmentRule {
    /// Every rule holds (an empty list holds for everyone).
    All {
        /// The rules.
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        rules: Vec<SegmentRule>,
    },
    /// At least one rule holds (an empty list holds for no one).
    Any {
        /// The rules.
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        rules: Vec<SegmentRule>,
    },
    /// The rule does not hold.
    Not {
        /// The rule.
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        rule: Box<SegmentRule>,
    },
    /// The person did `event_type` at least `min_count` times (default 1) within the last `within_days` days
    /// (default: ever), optionally only events whose property `property` equals `equals`.
    Event {
        /// An event type (`checked_in`, `order_paid`, a brand's own…).
        event_type: String,
        /// At least this many times (1 when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_count: Option<u32>,
        /// Within this many days before now (ever when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within_days: Option<u32>,
        /// A property the event must carry…
        #[serde(default, skip_serializing_if = "Option::is_none")]
        property: Option<String>,
        /// …with this value (compared as text).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        equals: Option<String>,
    },
    /// What the person paid (online orders and store purchases), in VND, within the last `within_days` days.
    Spent {
        /// At least this much.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_vnd: Option<i64>,
        /// At most this much.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_vnd: Option<i64>,
        /// Within this many days before now (ever when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within_days: Option<u32>,
    },
    /// The person's points balance is within the bounds.
    Points {
        /// At least this many.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// At most this many.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// The person's lead score (the brand's scoring of events and attributes) is within the bounds.
    LeadScore {
        /// At least this much.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// At most this much.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// The person is in this tier (its id).
    Tier {
        /// The tier's id.
        tier_id: String,
    },
    /// The person's latest choice for this consent purpose is yes.
    Consent {
        /// `marketing_zalo`, `marketing_zns`, `marketing_email`, `marketing_sms` or `analytics`.
        purpose: String,
    },
    /// The person has an identifier of this kind (`phone`, `email`, `zalo_oa_follower_id`…).
    HasIdentity {
        /// The identity kind.
        identity: String,
    },
    /// The person follows the brand's Zalo OA now.
    FollowsOa,
    /// A profile attribute (a survey answer, an imported field) equals a value (compared as text, ignoring case).
    Attribute {
        /// The attribute's key.
        key: String,
        /// The value.
        equals: String,
    },
}

impl SegmentRule {
    /// How many nodes the tree has (a bound on what one request may ask the store).
    pub fn size(&self) -> usize {
        match self {
            SegmentRule::All { rules } | SegmentRule::Any { rules } => {
                1 + rules.iter().map(SegmentRule::size).sum::<usize>()
            }
            SegmentRule::Not { rule } => 1 + rule.size(),
            _ => 1,
        }
    }

    /// How deep the tree is.
    pub fn depth(&self) -> usize {
        match self {
            SegmentRule::All { rules } | SegmentRule::Any { rules } => {
                1 + rules.iter().map(SegmentRule::depth).max().unwrap_or(0)
            }
            SegmentRule::Not { rule } => 1 + rule.depth(),
            _ => 1,
        }
    }
}

/// `POST /api/v1/admin/segments` and `PUT …/{id}`: a segment's name and rule.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SegmentInput {
    /// Its name, 1 to 120 characters.
    pub name: String,
    /// Who is in it.
    pub rule: SegmentRule,
}

/// `POST /api/v1/admin/segments/preview`: how many people a rule holds for right now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SegmentPreviewRequest {
    /// The rule being edited.
    pub rule: SegmentRule,
}

/// A person in a segment, as a sample shows them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SegmentMember {
    /// Profile id.
    pub profile_id: String,
    /// Display name, if known.
    pub display_name: Option<String>,
}

/// How many people a rule holds for now, and a few of them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SegmentPreview {
    /// How many.
    pub count: i64,
    /// Up to 10 of them, the most recently active first.
    pub sample: Vec<SegmentMember>,
}

/// A saved segment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CustomerSegment {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Who is in it.
    pub rule: SegmentRule,
    /// How many people are in it (kept current as people act).
    pub members: i64,
    /// When its membership was last recomputed in full (RFC 3339).
    pub computed_at: Option<String>,
    /// When it was last changed (RFC 3339).
    pub updated_at: String,
}

/// A ready-made segment the console offers to start from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SegmentTemplate {
    /// A stable key (`first_time_buyers`, `churn_risk`…).
    pub key: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Its rule.
    pub rule: SegmentRule,
}
