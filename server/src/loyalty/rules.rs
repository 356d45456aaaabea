//! Earning rules: an event arrives through `events::record`, the brand's rules price it, and the ledger gets one
//! entry per paying rule naming that event, so a repeated event (same idempotency key) never pays twice and a
//! rule changed later never rewrites what was paid.

use app::api::{ErrorCode, FieldProblem};
use app::{
    api::{RULE_TRIGGERS, RuleInput},
    domain::bounds,
};
use sqlx::AnyConnection;

use super::{
    config::{self, RuleRow},
    ledger::{self, Credit, Kind, Source, days},
    tiers,
    time::day_start,
};
use crate::{
    error::{Error, Result},
    events::Reacting,
    profiles,
};

/// Triggers that pay a member once, whatever the number of events.
const ONCE_PER_MEMBER: &[&str] = &["first_sign_in", "followed_oa", "phone_shared"];

/// The rule trigger an event type stands for, if any.
pub fn trigger_of(event_type: &str) -> Option<&'static str> {
    if event_type == "session_started" {
        return Some("first_sign_in");
    }
    RULE_TRIGGERS
        .iter()
        .copied()
        .find(|t| *t == event_type && *t != "first_sign_in")
}

fn is_purchase(trigger: &str) -> bool {
    matches!(trigger, "order_paid" | "offline_purchase")
}

/// A rule's points for an event before multipliers.
pub fn base_points(rule: &RuleRow, value_vnd: Option<i64>) -> i64 {
    match rule.kind.as_str() {
        "fixed" => rule.points.unwrap_or(0),
        "per_vnd" => {
            let (Some(points), Some(per)) = (rule.points, rule.per_vnd.filter(|p| *p > 0)) else {
                return 0;
            };
            let numerator = i128::from(value_vnd.unwrap_or(0).max(0)) * i128::from(points);
            let per = i128::from(per);
            let quotient = match rule.rounding.as_str() {
                "ceil" => (numerator + per - 1) / per,
                "nearest" => (2 * numerator + per) / (2 * per),
                _ => numerator / per,
            };
            i64::try_from(quotient).unwrap_or(i64::MAX)
        }
        _ => 0,
    }
}

/// Points after the tier's and the campaign's multipliers (both in percent), rounded down.
pub fn multiplied(base: i64, tier_pct: i64, campaign_pct: i64) -> i64 {
    let product = i128::from(base) * i128::from(tier_pct) * i128::from(campaign_pct) / 10_000;
    i64::try_from(product).unwrap_or(i64::MAX)
}

async fn earned_from(conn: &mut AnyConnection, profile_id: &str, rule_id: &str, since: i64) -> Result<i64> {
    let (sum,): (Option<i64>,) = sqlx::query_as(
        "SELECT CAST(SUM(points) AS BIGINT) FROM points_entries WHERE profile_id = $1 AND rule_id = $2 AND created_at >= $3",
    )
    .bind(profile_id)
    .bind(rule_id)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok(sum.unwrap_or(0))
}

/// Runs the brand's rules on a newly recorded event, inside its transaction: the same-transaction reactor the
/// composition registers with `events`, so an event and the points it pays commit together.
pub async fn on_event(conn: &mut AnyConnection, event: &Reacting<'_>, now: i64) -> Result<()> {
    let brand_id = event.brand_id;
    let Some(trigger) = trigger_of(event.event_type) else {
        return Ok(());
    };
    let config = config::get(conn, brand_id).await?;
    let at = event.occurred_at;
    let paying: Vec<&RuleRow> = config
        .rules
        .iter()
        .filter(|r| r.kind != "multiplier" && r.trigger_type == trigger && r.applies_at(at))
        .collect();
    let spend_counts =
        is_purchase(trigger) && config.settings.tier_metric == "vnd" && event.value_vnd.is_some_and(|v| v > 0);
    if paying.is_empty() && !spend_counts {
        return Ok(());
    }
    let profile_id = event.profile_id;
    let account = ledger::lock(conn, brand_id, profile_id, now).await?;
    let tier_pct = config
        .effective_tier(account.tier_id.as_deref())
        .map_or(100, |t| t.earn_multiplier_pct);
    // Overlapping campaigns do not stack: the best one applies.
    let campaign_pct = config
        .rules
        .iter()
        .filter(|r| r.kind == "multiplier" && (r.trigger_type == trigger || r.trigger_type == "*") && r.applies_at(at))
        .filter_map(|r| r.multiplier_pct)
        .max()
        .unwrap_or(100);
    let mut earned: i64 = 0;
    for rule in paying {
        // Checked all the way: no amount, rate, multiplier or cap may wrap, and one entry moves at most the bound.
        let mut points =
            multiplied(base_points(rule, event.value_vnd), tier_pct, campaign_pct).min(bounds::MAX_POINTS_PER_ENTRY);
        if let Some(cap) = rule.daily_cap {
            points = points.min(cap.saturating_sub(earned_from(conn, profile_id, &rule.id, day_start(now)).await?));
        }
        if let Some(cap) = rule.member_cap {
            points = points.min(cap.saturating_sub(earned_from(conn, profile_id, &rule.id, i64::MIN).await?));
        }
        if points <= 0 {
            continue;
        }
        let once = ONCE_PER_MEMBER.contains(&trigger);
        // Once per member is once per person: a person who deleted their data and signed in again with the same
        // phone or super-app account is not paid again.
        if once && !profiles::marks::claim_once(conn, brand_id, profile_id, &format!("rule:{}", rule.id), now).await? {
            continue;
        }
        let key = if once {
            format!("rule:{}:member:{profile_id}", rule.id)
        } else {
            format!("event:{}:rule:{}", event.id, rule.id)
        };
        let available_at = now.saturating_add(days(rule.pending_days));
        let credit = Credit {
            kind: Kind::Earn,
            points,
            available_at,
            expires_at: rule.expiry_days.map(|d| available_at.saturating_add(days(d))),
            rule_id: Some(&rule.id),
            source: Source {
                kind: "event",
                reference: event.id,
                key: &key,
                label: Some(event.event_type),
                reason: None,
                actor: "server",
            },
        };
        if ledger::credit(conn, brand_id, profile_id, &credit, now)
            .await?
            .is_some()
        {
            earned = earned.saturating_add(points);
            metrics::counter!("cham_points_earned_total").increment(points.unsigned_abs());
        }
    }
    if earned > 0 || spend_counts {
        tiers::upgrade(conn, brand_id, profile_id, &account, &config, now).await?;
    }
    Ok(())
}

fn invalid(message: impl Into<String>) -> Error {
    Error::unprocessable(ErrorCode::InvalidRule, message)
}

/// Parses an optional RFC 3339 time of a form.
pub fn parse_time(field: &str, value: Option<&str>) -> Result<Option<i64>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => chrono::DateTime::parse_from_rfc3339(v)
            .map(|t| Some(t.timestamp_millis()))
            .map_err(|_| {
                Error::unprocessable(
                    ErrorCode::InvalidTime,
                    format!("{field} is not an RFC 3339 time (2026-12-01T00:00:00+07:00)."),
                )
                .at(format!("/{field}"), FieldProblem::NotATime)
            }),
    }
}

/// A rule as it will be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRule {
    /// The form, trimmed.
    pub input: RuleInput,
    /// Window start.
    pub starts_at: Option<i64>,
    /// Window end.
    pub ends_at: Option<i64>,
}

/// Checks a rule form; every refusal is `invalid_rule` (or `invalid_time`) with what to fix.
pub fn validate(mut input: RuleInput) -> Result<ValidRule> {
    input.name = input.name.trim().to_owned();
    if input.name.is_empty() || input.name.chars().count() > 120 {
        return Err(invalid("A rule needs a name of at most 120 characters."));
    }
    let known = RULE_TRIGGERS.contains(&input.trigger.as_str());
    match input.kind.as_str() {
        "per_vnd" => {
            if !is_purchase(&input.trigger) {
                return Err(invalid("Points per VND apply to order_paid or offline_purchase."));
            }
            if !input.points.is_some_and(|p| (1..=1_000_000).contains(&p))
                || !input.per_vnd.is_some_and(|v| (1..=1_000_000_000).contains(&v))
            {
                return Err(invalid(
                    "Points per VND need points (1–1,000,000) and an amount in VND (at least 1).",
                ));
            }
            input.multiplier_pct = None;
        }
        "fixed" => {
            if !known {
                return Err(invalid(format!(
                    "The trigger must be one of: {}.",
                    RULE_TRIGGERS.join(", ")
                )));
            }
            if !input.points.is_some_and(|p| (1..=1_000_000).contains(&p)) {
                return Err(invalid("Fixed points must be between 1 and 1,000,000."));
            }
            input.per_vnd = None;
            input.multiplier_pct = None;
        }
        "multiplier" => {
            if !known && input.trigger != "*" {
                return Err(invalid("A multiplier applies to one trigger, or * for all."));
            }
            if !input.multiplier_pct.is_some_and(|m| (101..=1000).contains(&m)) {
                return Err(invalid("A multiplier is between 101% and 1000%."));
            }
            if input.starts_at.is_none() || input.ends_at.is_none() {
                return Err(invalid("A campaign multiplier needs its start and end dates."));
            }
            input.points = None;
            input.per_vnd = None;
        }
        _ => return Err(invalid("The kind must be per_vnd, fixed or multiplier.")),
    }
    if !["floor", "nearest", "ceil"].contains(&input.rounding.as_str()) {
        return Err(invalid("Rounding is floor, nearest or ceil."));
    }
    if !(0..=365).contains(&input.pending_days) {
        return Err(invalid("Points stay pending for 0 to 365 days."));
    }
    if input.expiry_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(invalid("Points expire after 1 to 3650 days, or never."));
    }
    if input.daily_cap.is_some_and(|c| c < 1) || input.member_cap.is_some_and(|c| c < 1) {
        return Err(invalid("A cap is at least 1 point."));
    }
    let starts_at = parse_time("starts_at", input.starts_at.as_deref())?;
    let ends_at = parse_time("ends_at", input.ends_at.as_deref())?;
    if let (Some(s), Some(e)) = (starts_at, ends_at)
        && s >= e
    {
        return Err(invalid("The rule must end after it starts."));
    }
    Ok(ValidRule {
        input,
        starts_at,
        ends_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per_vnd(points: i64, per: i64, rounding: &str) -> RuleRow {
        RuleRow {
            id: "r".into(),
            name: "purchases".into(),
            kind: "per_vnd".into(),
            trigger_type: "order_paid".into(),
            points: Some(points),
            per_vnd: Some(per),
            rounding: rounding.into(),
            multiplier_pct: None,
            starts_at: None,
            ends_at: None,
            pending_days: 0,
            expiry_days: None,
            daily_cap: None,
            member_cap: None,
            active: 1,
            updated_at: 0,
        }
    }

    #[test]
    fn points_per_vnd_round_as_the_rule_says() {
        assert_eq!(base_points(&per_vnd(1, 10_000, "floor"), Some(125_000)), 12);
        assert_eq!(base_points(&per_vnd(1, 10_000, "ceil"), Some(125_000)), 13);
        assert_eq!(base_points(&per_vnd(1, 10_000, "nearest"), Some(125_000)), 13);
        assert_eq!(base_points(&per_vnd(1, 10_000, "nearest"), Some(124_999)), 12);
        assert_eq!(base_points(&per_vnd(1, 10_000, "ceil"), Some(120_000)), 12);
        assert_eq!(base_points(&per_vnd(3, 1_000, "floor"), Some(1_999)), 5);
        assert_eq!(base_points(&per_vnd(1, 10_000, "floor"), None), 0);
        assert_eq!(base_points(&per_vnd(1, 10_000, "floor"), Some(-5)), 0);
    }

    #[test]
    fn multipliers_compose_and_round_down() {
        assert_eq!(multiplied(10, 100, 100), 10);
        assert_eq!(multiplied(10, 150, 200), 30);
        assert_eq!(multiplied(7, 150, 100), 10);
    }

    #[test]
    fn only_known_event_types_trigger_rules() {
        assert_eq!(trigger_of("session_started"), Some("first_sign_in"));
        assert_eq!(trigger_of("order_paid"), Some("order_paid"));
        assert_eq!(trigger_of("first_sign_in"), None);
        assert_eq!(trigger_of("app_opened"), None);
    }

    fn form(kind: &str, trigger: &str) -> RuleInput {
        RuleInput {
            name: " Check-in ".into(),
            kind: kind.into(),
            trigger: trigger.into(),
            points: Some(10),
            per_vnd: Some(10_000),
            rounding: "floor".into(),
            multiplier_pct: None,
            starts_at: None,
            ends_at: None,
            pending_days: 0,
            expiry_days: Some(365),
            daily_cap: None,
            member_cap: None,
            active: true,
        }
    }

    #[test]
    fn rule_forms_are_checked_field_by_field() {
        let ok = validate(form("fixed", "checked_in")).unwrap();
        assert_eq!(ok.input.name, "Check-in");
        assert_eq!(ok.input.per_vnd, None);
        assert!(validate(form("per_vnd", "checked_in")).is_err());
        assert!(validate(form("fixed", "app_opened")).is_err());
        assert!(
            validate(form("multiplier", "*")).is_err(),
            "a multiplier needs a window and a percent"
        );
        let mut campaign = form("multiplier", "*");
        campaign.multiplier_pct = Some(200);
        campaign.starts_at = Some("2026-12-01T00:00:00+07:00".into());
        campaign.ends_at = Some("2026-12-08T00:00:00+07:00".into());
        assert!(validate(campaign.clone()).is_ok());
        campaign.ends_at = Some("2026-11-01T00:00:00+07:00".into());
        assert!(validate(campaign).is_err(), "ends before it starts");
        let mut capped = form("fixed", "checked_in");
        capped.daily_cap = Some(0);
        assert!(validate(capped).is_err());
    }
}
