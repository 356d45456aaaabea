//! The segment builder's rule tree: groups (all of / any of / none of) holding conditions and groups, each
//! condition edited in place. The whole rule lives in one signal; a node is addressed by its path of child
//! indexes. Typing changes the rule without redrawing the tree (so the field keeps its focus); adding,
//! removing or changing a condition's kind redraws it.

use leptos::prelude::*;

use super::super::i18n::I18n;
use super::forms::number;
use crate::api::{CONSENT_PURPOSES, SegmentRule, Tier, consent_purpose_label, event_type_label, identity_kind_label};

/// The event types the builder offers (a brand's own types can be typed too).
pub(super) const EVENTS: [&str; 14] = [
    "checked_in",
    "order_paid",
    "offline_purchase",
    "order_placed",
    "session_started",
    "points_redeemed",
    "voucher_used",
    "game_played",
    "survey_completed",
    "link_clicked",
    "message_clicked",
    "followed_oa",
    "screen_viewed",
    "gift_claimed",
];

const IDENTITIES: [&str; 6] = [
    "phone",
    "email",
    "zalo_id",
    "momo_id",
    "zalo_oa_follower_id",
    "external_id",
];

/// The kinds of condition, with their text keys.
const KINDS: [(&str, &str); 9] = [
    ("event", "seg_kind_event"),
    ("spent", "seg_kind_spent"),
    ("points", "seg_kind_points"),
    ("lead_score", "seg_kind_lead_score"),
    ("tier", "seg_kind_tier"),
    ("consent", "seg_kind_consent"),
    ("has_identity", "seg_kind_identity"),
    ("follows_oa", "seg_kind_follows"),
    ("attribute", "seg_kind_attribute"),
];

fn fresh(kind: &str, tiers: &[Tier]) -> SegmentRule {
    match kind {
        "spent" => SegmentRule::Spent {
            min_vnd: Some(500_000),
            max_vnd: None,
            within_days: Some(90),
        },
        "points" => SegmentRule::Points {
            min: Some(100),
            max: None,
        },
        "lead_score" => SegmentRule::LeadScore {
            min: Some(50),
            max: None,
        },
        "tier" => SegmentRule::Tier {
            tier_id: tiers.first().map(|t| t.id.clone()).unwrap_or_default(),
        },
        "consent" => SegmentRule::Consent {
            purpose: "marketing_zalo".into(),
        },
        "has_identity" => SegmentRule::HasIdentity {
            identity: "phone".into(),
        },
        "follows_oa" => SegmentRule::FollowsOa,
        "attribute" => SegmentRule::Attribute {
            key: String::new(),
            equals: String::new(),
        },
        "all" => SegmentRule::All { rules: Vec::new() },
        _ => SegmentRule::Event {
            event_type: "checked_in".into(),
            min_count: None,
            within_days: Some(30),
            property: None,
            equals: None,
        },
    }
}

fn kind_of(rule: &SegmentRule) -> &'static str {
    match rule {
        SegmentRule::All { .. } => "all",
        SegmentRule::Any { .. } => "any",
        SegmentRule::Not { .. } => "not",
        SegmentRule::Event { .. } => "event",
        SegmentRule::Spent { .. } => "spent",
        SegmentRule::Points { .. } => "points",
        SegmentRule::LeadScore { .. } => "lead_score",
        SegmentRule::Tier { .. } => "tier",
        SegmentRule::Consent { .. } => "consent",
        SegmentRule::HasIdentity { .. } => "has_identity",
        SegmentRule::FollowsOa => "follows_oa",
        SegmentRule::Attribute { .. } => "attribute",
    }
}

/// The node at `path`.
fn node_mut<'a>(rule: &'a mut SegmentRule, path: &[usize]) -> Option<&'a mut SegmentRule> {
    let Some((first, rest)) = path.split_first() else {
        return Some(rule);
    };
    match rule {
        SegmentRule::All { rules } | SegmentRule::Any { rules } => node_mut(rules.get_mut(*first)?, rest),
        SegmentRule::Not { rule } if *first == 0 => node_mut(rule, rest),
        _ => None,
    }
}

/// The tree's signals: the rule, and the version bumped when its shape changes.
#[derive(Clone, Copy)]
pub struct RuleTree {
    /// The rule being edited.
    pub rule: RwSignal<SegmentRule>,
    /// Bumped on every change of shape, to redraw the tree.
    pub version: RwSignal<u32>,
    /// The brand's tiers.
    pub tiers: RwSignal<Vec<Tier>>,
}

impl RuleTree {
    fn edit(self, path: &[usize], f: impl FnOnce(&mut SegmentRule)) {
        self.rule.update(|r| {
            if let Some(n) = node_mut(r, path) {
                f(n);
            }
        });
    }

    fn reshape(self, path: &[usize], f: impl FnOnce(&mut SegmentRule)) {
        self.edit(path, f);
        self.version.update(|v| *v += 1);
    }
}

/// The editor of the whole rule.
#[component]
pub fn RuleEditor(tree: RuleTree) -> impl IntoView {
    move || {
        tree.version.get();
        let root = tree.rule.get_untracked();
        group_view(tree, Vec::new(), &root)
    }
}

fn number_input(value: Option<i64>, on: impl Fn(Option<i64>) + 'static, class: &'static str) -> impl IntoView {
    view! {
        <input class=class type="number" min="0" prop:value=value.map(|v| v.to_string()).unwrap_or_default()
            on:input=move |ev| on(number(&event_target_value(&ev)))/>
    }
}

fn group_view(tree: RuleTree, path: Vec<usize>, rule: &SegmentRule) -> AnyView {
    let i18n = expect_context::<I18n>();
    let (kind, children, negated) = match rule {
        SegmentRule::All { rules } => ("all", rules.clone(), false),
        SegmentRule::Any { rules } => ("any", rules.clone(), false),
        SegmentRule::Not { rule } => match rule.as_ref() {
            SegmentRule::Any { rules } | SegmentRule::All { rules } => ("none", rules.clone(), true),
            other => ("none", vec![other.clone()], true),
        },
        _ => return leaf_view(tree, &path, rule),
    };
    // A "none of" group is Not(Any(children)); its children live one level down.
    let child_base: Vec<usize> = if negated {
        let mut p = path.clone();
        p.push(0);
        p
    } else {
        path.clone()
    };
    let p = path;
    let set_kind = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        tree.reshape(&p, |n| {
            let rules = match &mut *n {
                SegmentRule::All { rules } | SegmentRule::Any { rules } => std::mem::take(rules),
                SegmentRule::Not { rule } => match rule.as_mut() {
                    SegmentRule::Any { rules } | SegmentRule::All { rules } => std::mem::take(rules),
                    other => vec![other.clone()],
                },
                other => vec![other.clone()],
            };
            *n = match value.as_str() {
                "any" => SegmentRule::Any { rules },
                "none" => SegmentRule::Not {
                    rule: Box::new(SegmentRule::Any { rules }),
                },
                _ => SegmentRule::All { rules },
            };
        });
    };
    let base = child_base.clone();
    let add = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if value.is_empty() {
            return;
        }
        let tiers = tree.tiers.get_untracked();
        tree.reshape(&base, |n| {
            if let SegmentRule::All { rules } | SegmentRule::Any { rules } = n {
                rules.push(fresh(&value, &tiers));
            }
        });
    };
    let items = children
        .iter()
        .enumerate()
        .map(|(i, child)| {
            let mut child_path = child_base.clone();
            child_path.push(i);
            let base = child_base.clone();
            let remove = move |_| {
                tree.reshape(&base, |n| {
                    if let SegmentRule::All { rules } | SegmentRule::Any { rules } = n
                        && i < rules.len()
                    {
                        rules.remove(i);
                    }
                });
            };
            view! {
                <li class="seg-item">
                    {group_view(tree, child_path, child)}
                    <button type="button" class="link seg-remove" on:click=remove
                        aria-label=move || i18n.t("seg_remove")>"×"</button>
                </li>
            }
        })
        .collect_view();
    let empty = children.is_empty();
    view! {
        <div class="seg-group">
            <select class="seg-combinator" on:change=set_kind>
                <option value="all" selected=kind == "all">{move || i18n.t("seg_all")}</option>
                <option value="any" selected=kind == "any">{move || i18n.t("seg_any")}</option>
                <option value="none" selected=kind == "none">{move || i18n.t("seg_none")}</option>
            </select>
            {empty.then(|| view! { <p class="muted">{move || i18n.t(if kind == "all" { "seg_empty_all" } else { "seg_empty_group" })}</p> })}
            <ul class="seg-items">{items}</ul>
            <select class="seg-add" on:change=add prop:value="">
                <option value="" selected>{move || i18n.t("seg_add")}</option>
                {KINDS.iter().map(|(k, key)| view! { <option value=*k>{move || i18n.t(key)}</option> }).collect_view()}
                <option value="all">{move || i18n.t("seg_add_group")}</option>
            </select>
        </div>
    }
    .into_any()
}

fn leaf_view(tree: RuleTree, path: &[usize], rule: &SegmentRule) -> AnyView {
    let i18n = expect_context::<I18n>();
    let kind = kind_of(rule);
    let p = path.to_vec();
    let set_kind = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let tiers = tree.tiers.get_untracked();
        tree.reshape(&p, |n| *n = fresh(&value, &tiers));
    };
    let kinds = KINDS
        .iter()
        .map(|(k, key)| view! { <option value=*k selected=*k == kind>{move || i18n.t(key)}</option> })
        .collect_view();
    let fields = match rule.clone() {
        SegmentRule::Event {
            event_type,
            min_count,
            within_days,
            property,
            equals,
        } => {
            let (a, b, c, d, e) = (
                path.to_vec(),
                path.to_vec(),
                path.to_vec(),
                path.to_vec(),
                path.to_vec(),
            );
            let known = EVENTS.contains(&event_type.as_str());
            let options = EVENTS
                .iter()
                .map(|t| {
                    let label = event_type_label(t);
                    view! { <option value=*t selected=*t == event_type>{move || i18n.pick(&label)}</option> }
                })
                .collect_view();
            view! {
                <select class="seg-event" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    tree.edit(&a, |n| if let SegmentRule::Event { event_type, .. } = n { *event_type = v; });
                }>
                    {options}
                    {(!known).then(|| view! { <option value=event_type.clone() selected>{event_type.clone()}</option> })}
                </select>
                <span>{move || i18n.t("seg_at_least")}</span>
                {number_input(min_count.map(i64::from).or(Some(1)), move |v| tree.edit(&b, |n| if let SegmentRule::Event { min_count, .. } = n {
                    *min_count = v.and_then(|v| u32::try_from(v).ok()).filter(|v| *v > 1);
                }), "seg-count")}
                <span>{move || i18n.t("seg_times_within")}</span>
                {number_input(within_days.map(i64::from), move |v| tree.edit(&c, |n| if let SegmentRule::Event { within_days, .. } = n {
                    *within_days = v.and_then(|v| u32::try_from(v).ok());
                }), "seg-days")}
                <span>{move || i18n.t("seg_days_blank_ever")}</span>
                <input class="seg-property" placeholder=move || i18n.t("seg_property")
                    prop:value=property.unwrap_or_default()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        tree.edit(&d, |n| if let SegmentRule::Event { property, equals, .. } = n {
                            *property = Some(v.trim().to_owned()).filter(|v| !v.is_empty());
                            if property.is_some() && equals.is_none() { *equals = Some(String::new()); }
                            if property.is_none() { *equals = None; }
                        });
                    }/>
                <input class="seg-equals" placeholder=move || i18n.t("seg_equals")
                    prop:value=equals.unwrap_or_default()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        tree.edit(&e, |n| if let SegmentRule::Event { property: Some(_), equals, .. } = n {
                            *equals = Some(v);
                        });
                    }/>
            }
            .into_any()
        }
        SegmentRule::Spent {
            min_vnd,
            max_vnd,
            within_days,
        } => {
            let (a, b, c) = (path.to_vec(), path.to_vec(), path.to_vec());
            view! {
                <span>{move || i18n.t("seg_from_vnd")}</span>
                {number_input(min_vnd, move |v| tree.edit(&a, |n| if let SegmentRule::Spent { min_vnd, .. } = n { *min_vnd = v; }), "seg-min")}
                <span>{move || i18n.t("seg_to_vnd")}</span>
                {number_input(max_vnd, move |v| tree.edit(&b, |n| if let SegmentRule::Spent { max_vnd, .. } = n { *max_vnd = v; }), "seg-max")}
                <span>{move || i18n.t("seg_within")}</span>
                {number_input(within_days.map(i64::from), move |v| tree.edit(&c, |n| if let SegmentRule::Spent { within_days, .. } = n {
                    *within_days = v.and_then(|v| u32::try_from(v).ok());
                }), "seg-days")}
                <span>{move || i18n.t("seg_days_blank_ever")}</span>
            }
            .into_any()
        }
        SegmentRule::Points { min, max } => {
            let (a, b) = (path.to_vec(), path.to_vec());
            view! {
                <span>{move || i18n.t("seg_from")}</span>
                {number_input(min, move |v| tree.edit(&a, |n| if let SegmentRule::Points { min, .. } = n { *min = v; }), "seg-min")}
                <span>{move || i18n.t("seg_to")}</span>
                {number_input(max, move |v| tree.edit(&b, |n| if let SegmentRule::Points { max, .. } = n { *max = v; }), "seg-max")}
            }
            .into_any()
        }
        SegmentRule::LeadScore { min, max } => {
            let (a, b) = (path.to_vec(), path.to_vec());
            view! {
                <span>{move || i18n.t("seg_from")}</span>
                {number_input(min, move |v| tree.edit(&a, |n| if let SegmentRule::LeadScore { min, .. } = n { *min = v; }), "seg-min")}
                <span>{move || i18n.t("seg_to")}</span>
                {number_input(max, move |v| tree.edit(&b, |n| if let SegmentRule::LeadScore { max, .. } = n { *max = v; }), "seg-max")}
            }
            .into_any()
        }
        SegmentRule::Tier { tier_id } => {
            let a = path.to_vec();
            view! {
                <select class="seg-tier" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    tree.edit(&a, |n| if let SegmentRule::Tier { tier_id } = n { *tier_id = v; });
                }>
                    {move || tree.tiers.get().into_iter().map(|t| {
                        let selected = t.id == tier_id;
                        view! { <option value=t.id selected=selected>{t.input.name.clone()}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        SegmentRule::Consent { purpose } => {
            let a = path.to_vec();
            let options = CONSENT_PURPOSES
                .iter()
                .map(|c| {
                    let label = consent_purpose_label(c);
                    view! { <option value=*c selected=*c == purpose>{move || i18n.pick(&label)}</option> }
                })
                .collect_view();
            view! {
                <select class="seg-consent" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    tree.edit(&a, |n| if let SegmentRule::Consent { purpose } = n { *purpose = v; });
                }>{options}</select>
            }
            .into_any()
        }
        SegmentRule::HasIdentity { identity } => {
            let a = path.to_vec();
            let options = IDENTITIES
                .iter()
                .map(|k| {
                    let label = identity_kind_label(k);
                    view! { <option value=*k selected=*k == identity>{move || i18n.pick(&label)}</option> }
                })
                .collect_view();
            view! {
                <select class="seg-identity" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    tree.edit(&a, |n| if let SegmentRule::HasIdentity { identity } = n { *identity = v; });
                }>{options}</select>
            }
            .into_any()
        }
        SegmentRule::Attribute { key, equals } => {
            let (a, b) = (path.to_vec(), path.to_vec());
            view! {
                <input class="seg-key" placeholder=move || i18n.t("seg_attribute_key") prop:value=key
                    on:input=move |ev| { let v = event_target_value(&ev); tree.edit(&a, |n| if let SegmentRule::Attribute { key, .. } = n { *key = v.trim().to_owned(); }); }/>
                <span>"="</span>
                <input class="seg-equals" placeholder=move || i18n.t("seg_equals") prop:value=equals
                    on:input=move |ev| { let v = event_target_value(&ev); tree.edit(&b, |n| if let SegmentRule::Attribute { equals, .. } = n { *equals = v; }); }/>
            }
            .into_any()
        }
        _ => ().into_any(),
    };
    view! {
        <div class="seg-leaf">
            <select class="seg-kind" on:change=set_kind>{kinds}</select>
            {fields}
        </div>
    }
    .into_any()
}
