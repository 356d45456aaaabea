//! A segment's rule tree, checked and turned into one SQL condition over `profiles p` with bound values only
//! (no text from the rule is ever spliced into the SQL). The same condition counts a segment, lists it, and
//! tells whether one person is in it.

use app::api::{CONSENT_PURPOSES, ErrorCode, SegmentRule};

use crate::{
    db::{Db, Dialect},
    error::{Error, Result},
};

/// The most nodes a rule may have.
pub const MAX_NODES: usize = 40;
/// The deepest a rule may nest.
pub const MAX_DEPTH: usize = 6;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A value bound to the compiled SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
}

/// A rule as SQL: a condition over `p` and its values, numbered from `first`.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The condition.
    pub sql: String,
    /// Its values, in order.
    pub binds: Vec<Bind>,
    first: usize,
    dialect: Dialect,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::unprocessable(ErrorCode::InvalidSegment, message)
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The identity kinds a rule may ask about.
pub const IDENTITY_KINDS: [&str; 6] = [
    "phone",
    "email",
    "zalo_id",
    "momo_id",
    "zalo_oa_follower_id",
    "external_id",
];

/// Checks a rule's shape and values (tier ids are checked against the brand by the caller).
pub fn check(rule: &SegmentRule) -> Result<()> {
    if rule.size() > MAX_NODES || rule.depth() > MAX_DEPTH {
        return Err(invalid(format!(
            "A segment's rule has at most {MAX_NODES} conditions, nested at most {MAX_DEPTH} deep."
        )));
    }
    check_node(rule)
}

fn check_days(days: Option<u32>) -> Result<()> {
    match days {
        Some(d) if d == 0 || d > 3650 => Err(invalid("A window is 1 to 3,650 days.")),
        _ => Ok(()),
    }
}

fn check_node(rule: &SegmentRule) -> Result<()> {
    match rule {
        SegmentRule::All { rules } | SegmentRule::Any { rules } => rules.iter().try_for_each(check_node),
        SegmentRule::Not { rule } => check_node(rule),
        SegmentRule::Event {
            event_type,
            min_count,
            within_days,
            property,
            equals,
        } => {
            if !is_name(event_type) {
                return Err(invalid(
                    "An event condition names an event type (letters, digits, _ and -).",
                ));
            }
            if min_count.is_some_and(|n| n == 0 || n > 100_000) {
                return Err(invalid("“At least” is 1 to 100,000 times."));
            }
            check_days(*within_days)?;
            match (property, equals) {
                (None, None) => Ok(()),
                (Some(p), Some(v)) if is_name(p) && v.chars().count() <= 200 => Ok(()),
                _ => Err(invalid(
                    "A property filter names a property and the value it must have.",
                )),
            }
        }
        SegmentRule::Spent {
            min_vnd,
            max_vnd,
            within_days,
        } => {
            check_days(*within_days)?;
            if min_vnd.is_none() && max_vnd.is_none() {
                return Err(invalid("A spending condition has a least or a most amount."));
            }
            if min_vnd.is_some_and(|v| v < 0) || max_vnd.is_some_and(|v| v < 0) {
                return Err(invalid("Amounts are not negative."));
            }
            if let (Some(a), Some(b)) = (min_vnd, max_vnd)
                && a > b
            {
                return Err(invalid("The least amount is more than the most."));
            }
            Ok(())
        }
        SegmentRule::Points { min, max } => {
            if min.is_none() && max.is_none() {
                return Err(invalid("A points condition has a least or a most balance."));
            }
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return Err(invalid("The least balance is more than the most."));
            }
            Ok(())
        }
        SegmentRule::LeadScore { min, max } => {
            if min.is_none() && max.is_none() {
                return Err(invalid("A lead score condition has a least or a most score."));
            }
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return Err(invalid("The least score is more than the most."));
            }
            Ok(())
        }
        SegmentRule::Tier { tier_id } if tier_id.trim().is_empty() => Err(invalid("Choose a tier.")),
        SegmentRule::Consent { purpose } if !CONSENT_PURPOSES.contains(&purpose.as_str()) => {
            Err(invalid("Choose a consent purpose."))
        }
        SegmentRule::HasIdentity { identity } if !IDENTITY_KINDS.contains(&identity.as_str()) => {
            Err(invalid("Choose a kind of identifier."))
        }
        SegmentRule::Attribute { key, equals } if !is_name(key) || equals.chars().count() > 200 => Err(invalid(
            "An attribute condition names an attribute and the value it must have.",
        )),
        _ => Ok(()),
    }
}

/// The tier ids a rule names.
pub fn tier_ids(rule: &SegmentRule, out: &mut Vec<String>) {
    match rule {
        SegmentRule::All { rules } | SegmentRule::Any { rules } => rules.iter().for_each(|r| tier_ids(r, out)),
        SegmentRule::Not { rule } => tier_ids(rule, out),
        SegmentRule::Tier { tier_id } => out.push(tier_id.clone()),
        _ => {}
    }
}

impl Compiled {
    fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.first + self.binds.len() - 1)
    }

    fn since(&mut self, now: i64, days: Option<u32>) -> String {
        match days {
            Some(d) => {
                let from = now.saturating_sub(i64::from(d).saturating_mul(DAY_MS));
                format!(" AND e.occurred_at >= {}", self.bind(Bind::Int(from)))
            }
            None => String::new(),
        }
    }

    fn node(&mut self, rule: &SegmentRule, now: i64) -> String {
        match rule {
            SegmentRule::All { rules } if rules.is_empty() => "1 = 1".into(),
            SegmentRule::Any { rules } if rules.is_empty() => "1 = 0".into(),
            SegmentRule::All { rules } => self.join(rules, " AND ", now),
            SegmentRule::Any { rules } => self.join(rules, " OR ", now),
            SegmentRule::Not { rule } => format!("NOT ({})", self.node(rule, now)),
            SegmentRule::Event {
                event_type,
                min_count,
                within_days,
                property,
                equals,
            } => {
                let t = self.bind(Bind::Text(event_type.clone()));
                let since = self.since(now, *within_days);
                let filter = match (property, equals) {
                    (Some(p), Some(v)) => {
                        let extract = match self.dialect {
                            Dialect::Sqlite => {
                                let path = self.bind(Bind::Text(format!("$.{p}")));
                                format!("CAST(json_extract(e.properties, {path}) AS TEXT)")
                            }
                            Dialect::Postgres => {
                                let key = self.bind(Bind::Text(p.clone()));
                                format!("(CAST(e.properties AS JSONB) ->> {key})")
                            }
                        };
                        format!(" AND {extract} = {}", self.bind(Bind::Text(v.clone())))
                    }
                    _ => String::new(),
                };
                let from = format!("FROM events e WHERE e.profile_id = p.id AND e.type = {t}{since}{filter}");
                match min_count {
                    None | Some(1) => format!("EXISTS (SELECT 1 {from})"),
                    Some(n) => format!("(SELECT COUNT(*) {from}) >= {}", self.bind(Bind::Int(i64::from(*n)))),
                }
            }
            SegmentRule::Spent {
                min_vnd,
                max_vnd,
                within_days,
            } => {
                let since = self.since(now, *within_days);
                let sum = format!(
                    "(SELECT CAST(COALESCE(SUM(e.value_vnd), 0) AS BIGINT) FROM events e WHERE e.profile_id = p.id \
                     AND e.type IN ('order_paid', 'offline_purchase'){since})"
                );
                self.bounds(&sum, *min_vnd, *max_vnd)
            }
            SegmentRule::Points { min, max } => {
                let balance = "COALESCE((SELECT a.balance FROM points_accounts a WHERE a.profile_id = p.id), 0)";
                self.bounds(balance, *min, *max)
            }
            SegmentRule::LeadScore { min, max } => {
                let score = "COALESCE((SELECT s.score FROM lead_scores s WHERE s.profile_id = p.id), 0)";
                self.bounds(score, *min, *max)
            }
            SegmentRule::Tier { tier_id } => format!(
                "EXISTS (SELECT 1 FROM points_accounts a WHERE a.profile_id = p.id AND a.tier_id = {})",
                self.bind(Bind::Text(tier_id.clone()))
            ),
            SegmentRule::Consent { purpose } => format!(
                "COALESCE((SELECT c.granted FROM consent_records c WHERE c.profile_id = p.id AND c.purpose = {} \
                 ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1), 0) = 1",
                self.bind(Bind::Text(purpose.clone()))
            ),
            SegmentRule::HasIdentity { identity } => format!(
                "EXISTS (SELECT 1 FROM identities i WHERE i.profile_id = p.id AND i.kind = {})",
                self.bind(Bind::Text(identity.clone()))
            ),
            SegmentRule::FollowsOa => {
                "EXISTS (SELECT 1 FROM oa_followers f WHERE f.profile_id = p.id AND f.following = 1)".into()
            }
            SegmentRule::Attribute { key, equals } => {
                let k = self.bind(Bind::Text(key.clone()));
                let [quoted, typed] = crate::profiles::attribute_value_forms(equals);
                let (q, t) = (self.bind(Bind::Text(quoted)), self.bind(Bind::Text(typed)));
                format!(
                    "EXISTS (SELECT 1 FROM profile_attributes a WHERE a.profile_id = p.id AND a.key = {k} \
                     AND (a.value = {q} OR a.value = {t}))"
                )
            }
        }
    }

    fn join(&mut self, rules: &[SegmentRule], with: &str, now: i64) -> String {
        let parts: Vec<String> = rules.iter().map(|r| self.node(r, now)).collect();
        format!("({})", parts.join(with))
    }

    fn bounds(&mut self, value: &str, min: Option<i64>, max: Option<i64>) -> String {
        let mut parts = Vec::new();
        if let Some(m) = min {
            parts.push(format!("{value} >= {}", self.bind(Bind::Int(m))));
        }
        if let Some(m) = max {
            parts.push(format!("{value} <= {}", self.bind(Bind::Int(m))));
        }
        format!("({})", parts.join(" AND "))
    }
}

/// Compiles a checked rule, its values numbered from `$first`, windows counted back from `now`.
pub fn compile(rule: &SegmentRule, dialect: Dialect, first: usize, now: i64) -> Compiled {
    let mut compiled = Compiled {
        sql: String::new(),
        binds: Vec::new(),
        first,
        dialect,
    };
    compiled.sql = compiled.node(rule, now);
    compiled
}

/// The live people of a brand a rule holds for: `SELECT p.id, p.display_name …` with `$1` the brand.
pub fn members_sql(db: &Db, rule: &SegmentRule, now: i64, tail: &str) -> Compiled {
    let mut c = compile(rule, db.dialect(), 2, now);
    c.sql = format!(
        "SELECT p.id, p.display_name FROM profiles p WHERE p.brand_id = $1 AND p.merged_into IS NULL \
         AND p.erased_at IS NULL AND {}{tail}",
        c.sql
    );
    c
}

/// Binds a compiled rule's values to a query, after the ones bound before them.
pub fn bind_all<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        query = match b {
            Bind::Text(s) => query.bind(s.as_str()),
            Bind::Int(i) => query.bind(*i),
        };
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_bound_never_spliced() {
        let rule = SegmentRule::All {
            rules: vec![
                SegmentRule::Event {
                    event_type: "checked_in".into(),
                    min_count: None,
                    within_days: Some(60),
                    property: None,
                    equals: None,
                },
                SegmentRule::Not {
                    rule: Box::new(SegmentRule::Attribute {
                        key: "taste".into(),
                        equals: "'; DROP TABLE profiles; --".into(),
                    }),
                },
            ],
        };
        check(&rule).unwrap();
        let c = compile(&rule, Dialect::Sqlite, 2, 100 * DAY_MS);
        assert!(!c.sql.contains("DROP"));
        // The event's type and window, the attribute's key and its value in both stored forms.
        assert_eq!(c.binds.len(), 5);
        assert!(c.sql.contains("$2") && c.sql.contains("$6") && !c.sql.contains("$7"));
        assert_eq!(c.binds[1], Bind::Int(40 * DAY_MS));
    }

    #[test]
    fn bad_rules_are_refused() {
        let deep = (0..8).fold(SegmentRule::FollowsOa, |r, _| SegmentRule::Not { rule: Box::new(r) });
        assert!(check(&deep).is_err());
        let bad = SegmentRule::Event {
            event_type: "a b".into(),
            min_count: None,
            within_days: None,
            property: None,
            equals: None,
        };
        assert!(check(&bad).is_err());
        assert!(check(&SegmentRule::Consent { purpose: "spam".into() }).is_err());
        assert!(
            check(&SegmentRule::Points {
                min: Some(5),
                max: Some(1)
            })
            .is_err()
        );
    }
}
