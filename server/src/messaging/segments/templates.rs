//! The ready-made segments the console offers to start from: the seed's groups and the RFM cells, each a rule
//! the admin can then change.

use app::api::{SegmentRule, SegmentTemplate};

fn did(event_type: &str, min_count: Option<u32>, within_days: Option<u32>) -> SegmentRule {
    SegmentRule::Event {
        event_type: event_type.into(),
        min_count,
        within_days,
        property: None,
        equals: None,
    }
}

fn not(rule: SegmentRule) -> SegmentRule {
    SegmentRule::Not { rule: Box::new(rule) }
}

fn all(rules: Vec<SegmentRule>) -> SegmentRule {
    SegmentRule::All { rules }
}

fn any(rules: Vec<SegmentRule>) -> SegmentRule {
    SegmentRule::Any { rules }
}

fn bought(min_count: Option<u32>, within_days: Option<u32>) -> SegmentRule {
    any(vec![
        did("order_paid", min_count, within_days),
        did("offline_purchase", min_count, within_days),
    ])
}

fn template(key: &str, vi: &str, en: &str, rule: SegmentRule) -> SegmentTemplate {
    SegmentTemplate {
        key: key.into(),
        name_vi: vi.into(),
        name_en: en.into(),
        rule,
    }
}

/// Every ready-made segment.
pub fn all_templates() -> Vec<SegmentTemplate> {
    vec![
        template(
            "first_time_buyers",
            "Khách mua lần đầu",
            "First-time buyers",
            all(vec![bought(None, Some(30)), not(bought(Some(2), None))]),
        ),
        template(
            "loyal",
            "Khách trung thành",
            "Loyal customers",
            bought(Some(5), Some(90)),
        ),
        template(
            "promo_lovers",
            "Khách thích khuyến mãi",
            "Promo lovers",
            did("voucher_used", Some(2), Some(90)),
        ),
        template(
            "new_arrival_fans",
            "Khách thích món mới",
            "New-arrival fans",
            SegmentRule::Event {
                event_type: "screen_viewed".into(),
                min_count: Some(2),
                within_days: Some(30),
                property: Some("screen".into()),
                equals: Some("menu".into()),
            },
        ),
        template(
            "points_collectors",
            "Khách săn điểm",
            "Points collectors",
            SegmentRule::Points {
                min: Some(500),
                max: None,
            },
        ),
        template(
            "big_spenders",
            "Khách chi tiêu cao",
            "Big spenders",
            SegmentRule::Spent {
                min_vnd: Some(1_000_000),
                max_vnd: None,
                within_days: Some(90),
            },
        ),
        template(
            "frequent_visitors",
            "Khách ghé thường xuyên",
            "Frequent visitors",
            did("checked_in", Some(4), Some(30)),
        ),
        template(
            "cart_abandoners",
            "Khách bỏ dở đơn hàng",
            "Cart abandoners",
            all(vec![
                did("order_placed", None, Some(7)),
                not(did("order_paid", None, Some(7))),
            ]),
        ),
        template(
            "churn_risk",
            "Khách có nguy cơ rời bỏ",
            "Churn risk",
            all(vec![bought(None, Some(180)), not(bought(None, Some(60)))]),
        ),
        template(
            "lapsed_visitors",
            "Khách lâu chưa ghé",
            "Lapsed visitors",
            all(vec![
                did("checked_in", None, Some(60)),
                not(did("checked_in", None, Some(14))),
            ]),
        ),
        template(
            "prospects",
            "Khách tiềm năng",
            "Prospects",
            all(vec![did("session_started", None, None), not(bought(None, None))]),
        ),
        template(
            "oa_followers_consenting",
            "Người quan tâm OA đồng ý nhận tin",
            "OA followers with marketing consent",
            all(vec![
                SegmentRule::FollowsOa,
                SegmentRule::Consent {
                    purpose: "marketing_zalo".into(),
                },
            ]),
        ),
        template(
            "rfm_champions",
            "RFM: Khách tốt nhất",
            "RFM: Champions",
            all(vec![
                bought(None, Some(30)),
                bought(Some(6), Some(180)),
                SegmentRule::Spent {
                    min_vnd: Some(2_000_000),
                    max_vnd: None,
                    within_days: Some(180),
                },
            ]),
        ),
        template(
            "rfm_at_risk",
            "RFM: Khách tốt đang rời xa",
            "RFM: At risk",
            all(vec![not(bought(None, Some(60))), bought(Some(4), Some(365))]),
        ),
        template(
            "rfm_hibernating",
            "RFM: Khách ngủ đông",
            "RFM: Hibernating",
            all(vec![bought(None, None), not(bought(None, Some(180)))]),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_a_valid_rule_with_a_unique_key() {
        let templates = all_templates();
        let mut keys: Vec<_> = templates.iter().map(|t| t.key.clone()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), templates.len());
        for t in templates {
            super::super::rule::check(&t.rule).unwrap();
        }
    }
}
