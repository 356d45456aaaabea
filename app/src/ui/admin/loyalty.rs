//! The loyalty screen: how tiers are measured, the tiers, and the earning rules (points per VND, fixed points
//! for events, campaign multipliers), each created, edited or switched off here.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{Choice, Field, day_start, form_date, number, text_of},
};
use crate::api::{LoyaltyConfig, LoyaltySettings, Rule, RuleInput, Tier, TierInput};

const TRIGGERS: &[(&str, &str)] = &[
    ("order_paid", "trigger_order_paid"),
    ("offline_purchase", "trigger_offline_purchase"),
    ("checked_in", "trigger_checked_in"),
    ("survey_completed", "trigger_survey_completed"),
    ("followed_oa", "trigger_followed_oa"),
    ("phone_shared", "trigger_phone_shared"),
    ("first_sign_in", "trigger_first_sign_in"),
    ("birthday", "trigger_birthday"),
    ("*", "trigger_all"),
];

fn trigger_key(trigger: &str) -> &'static str {
    TRIGGERS
        .iter()
        .find(|(t, _)| *t == trigger)
        .map_or("trigger_all", |(_, k)| k)
}

/// What a rule pays, in a few words.
fn rule_summary(r: &RuleInput) -> String {
    match r.kind.as_str() {
        "per_vnd" => format!(
            "{} / {} VND ({})",
            r.points.unwrap_or(0),
            r.per_vnd.unwrap_or(0),
            r.rounding
        ),
        "multiplier" => format!("× {}%", r.multiplier_pct.unwrap_or(100)),
        _ => format!("+{}", r.points.unwrap_or(0)),
    }
}

/// The loyalty configuration page.
#[component]
pub fn LoyaltyPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let config = RwSignal::new(None::<LoyaltyConfig>);
    let error = RwSignal::new(None::<ApiFailure>);
    let saved = RwSignal::new(false);
    let reload = {
        move || {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<LoyaltyConfig>(SURFACE, "/api/v1/admin/loyalty").await {
                    Ok(c) => config.set(Some(c)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    reload();
    let done = {
        Callback::new(move |result: Result<(), ApiFailure>| {
            match result {
                Ok(()) => {
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => {
                    saved.set(false);
                    error.set(Some(e));
                }
            }
            reload();
        })
    };
    view! {
        <section class="loyalty-config">
            <h1>{move || i18n.t("nav_loyalty")}</h1>
            <ErrorNotice error=error/>
            {move || saved.get().then(|| view! { <p class="notice success" role="status">{move || i18n.t("saved")}</p> })}
            {move || match config.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(c) => view! {
                    <SettingsForm settings=c.settings.clone() done=done/>
                    <TiersSection tiers=c.tiers.clone() done=done/>
                    <RulesSection rules=c.rules done=done/>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn SettingsForm(settings: LoyaltySettings, done: Callback<Result<(), ApiFailure>>) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let metric = RwSignal::new(settings.tier_metric);
    let months = RwSignal::new(settings.tier_window_months.to_string());
    let point_value = RwSignal::new(settings.point_value_vnd.map(|v| v.to_string()).unwrap_or_default());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let api = api.clone();
        let body = LoyaltySettings {
            tier_metric: metric.get_untracked(),
            tier_window_months: number(&months.get_untracked()).unwrap_or(0),
            // Blank leaves the value unset; anything else that is not a whole number is refused by the server.
            point_value_vnd: match point_value.get_untracked().trim() {
                "" => None,
                text => Some(number(text).unwrap_or(0)),
            },
        };
        spawn_local(async move {
            let r = api
                .put_as::<_, LoyaltySettings>(SURFACE, "/api/v1/admin/loyalty/settings", &body)
                .await;
            done.run(r.map(|_| ()));
        });
    };
    view! {
        <h2>{move || i18n.t("tier_measure")}</h2>
        <form class="inline-form settings-form" on:submit=submit>
            <Choice label="tier_metric" value=metric options=vec![("points", "metric_points"), ("vnd", "metric_vnd")]/>
            <Field label="tier_window" value=months kind="number"/>
            <Field label="point_value_vnd" value=point_value kind="number"/>
            <button type="submit">{move || i18n.t("save")}</button>
        </form>
    }
}

#[component]
fn TiersSection(tiers: Vec<Tier>, done: Callback<Result<(), ApiFailure>>) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let editing = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let threshold = RwSignal::new(String::new());
    let multiplier = RwSignal::new("100".to_owned());
    let benefits = RwSignal::new(String::new());
    let edit = move |t: Tier| {
        editing.set(Some(t.id));
        name.set(t.input.name);
        threshold.set(t.input.threshold.to_string());
        multiplier.set(t.input.earn_multiplier_pct.to_string());
        benefits.set(t.input.benefits);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let api = api.clone();
        let body = TierInput {
            name: name.get_untracked(),
            threshold: number(&threshold.get_untracked()).unwrap_or(-1),
            earn_multiplier_pct: number(&multiplier.get_untracked()).unwrap_or(0),
            benefits: benefits.get_untracked(),
        };
        let id = editing.get_untracked();
        spawn_local(async move {
            let r = match &id {
                Some(id) => {
                    api.put_as::<_, Tier>(SURFACE, &format!("/api/v1/admin/loyalty/tiers/{id}"), &body)
                        .await
                }
                None => {
                    api.post_as::<_, Tier>(SURFACE, "/api/v1/admin/loyalty/tiers", &body)
                        .await
                }
            };
            done.run(r.map(|_| ()));
        });
    };
    let rows = tiers
        .into_iter()
        .map(|t| {
            let chosen = t.clone();
            view! {
                <tr class="tier-row">
                    <td>{t.input.name.clone()}</td>
                    <td>{t.input.threshold}</td>
                    <td>{format!("× {}%", t.input.earn_multiplier_pct)}</td>
                    <td>{t.members}</td>
                    <td>{t.input.benefits}</td>
                    <td><button type="button" on:click=move |_| edit(chosen.clone())>{move || i18n.t("edit")}</button></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{move || i18n.t("tiers")}</h2>
        <table class="list">
            <thead><tr>
                <th>{move || i18n.t("name")}</th><th>{move || i18n.t("threshold")}</th>
                <th>{move || i18n.t("multiplier")}</th><th>{move || i18n.t("members")}</th>
                <th>{move || i18n.t("benefits")}</th><th></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <form class="inline-form tier-form" on:submit=submit>
            <Field label="name" value=name name="tier_name" required=true/>
            <Field label="threshold" value=threshold kind="number" name="tier_threshold" required=true/>
            <Field label="multiplier_pct" value=multiplier kind="number" name="tier_multiplier"/>
            <Field label="benefits" value=benefits name="tier_benefits"/>
            <button type="submit">{move || i18n.t(if editing.get().is_some() { "save" } else { "add_tier" })}</button>
        </form>
    }
}

#[component]
fn RulesSection(rules: Vec<Rule>, done: Callback<Result<(), ApiFailure>>) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let editing = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("fixed".to_owned());
    let trigger = RwSignal::new("checked_in".to_owned());
    let points = RwSignal::new("10".to_owned());
    let per_vnd = RwSignal::new("10000".to_owned());
    let rounding = RwSignal::new("floor".to_owned());
    let multiplier = RwSignal::new("200".to_owned());
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let pending = RwSignal::new("0".to_owned());
    let expiry = RwSignal::new("365".to_owned());
    let daily_cap = RwSignal::new(String::new());
    let member_cap = RwSignal::new(String::new());
    let form_input = move |active: bool| RuleInput {
        name: name.get_untracked(),
        kind: kind.get_untracked(),
        trigger: trigger.get_untracked(),
        points: number(&points.get_untracked()),
        per_vnd: number(&per_vnd.get_untracked()),
        rounding: rounding.get_untracked(),
        multiplier_pct: number(&multiplier.get_untracked()),
        starts_at: day_start(&starts.get_untracked()),
        ends_at: day_start(&ends.get_untracked()),
        pending_days: number(&pending.get_untracked()).unwrap_or(0),
        expiry_days: number(&expiry.get_untracked()),
        daily_cap: number(&daily_cap.get_untracked()),
        member_cap: number(&member_cap.get_untracked()),
        active,
    };
    let edit = move |r: Rule| {
        editing.set(Some(r.id));
        let i = r.input;
        name.set(i.name);
        kind.set(i.kind);
        trigger.set(i.trigger);
        points.set(text_of(i.points));
        per_vnd.set(text_of(i.per_vnd));
        rounding.set(i.rounding);
        multiplier.set(text_of(i.multiplier_pct));
        starts.set(form_date(i.starts_at.as_deref()));
        ends.set(form_date(i.ends_at.as_deref()));
        pending.set(i.pending_days.to_string());
        expiry.set(text_of(i.expiry_days));
        daily_cap.set(text_of(i.daily_cap));
        member_cap.set(text_of(i.member_cap));
    };
    let save = {
        move |id: Option<String>, body: RuleInput| {
            let api = api.clone();
            spawn_local(async move {
                let r = match &id {
                    Some(id) => {
                        api.put_as::<_, Rule>(SURFACE, &format!("/api/v1/admin/loyalty/rules/{id}"), &body)
                            .await
                    }
                    None => {
                        api.post_as::<_, Rule>(SURFACE, "/api/v1/admin/loyalty/rules", &body)
                            .await
                    }
                };
                done.run(r.map(|_| ()));
            });
        }
    };
    let submit = {
        let save = save.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            save(editing.get_untracked(), form_input(true));
        }
    };
    let rows = rules
        .into_iter()
        .map(|r| {
            let chosen = r.clone();
            let save = save.clone();
            let mut toggled = r.input.clone();
            toggled.active = !toggled.active;
            let id = r.id.clone();
            let window = match (&r.input.starts_at, &r.input.ends_at) {
                (None, None) => String::new(),
                (s, e) => {
                    let day = |t: &Option<String>| t.as_deref().map(super::super::browser::short_date).unwrap_or_default();
                    format!("{} → {}", day(s), day(e))
                }
            };
            let active = r.input.active;
            view! {
                <tr class="rule-row">
                    <td>{r.input.name.clone()}</td>
                    <td>{move || i18n.t(trigger_key(&chosen.input.trigger))}</td>
                    <td>{rule_summary(&r.input)}</td>
                    <td>{window}</td>
                    <td>{r.input.pending_days} " / " {r.input.expiry_days.map(|d| d.to_string()).unwrap_or_else(|| "∞".into())}</td>
                    <td>{text_of(r.input.daily_cap)} " / " {text_of(r.input.member_cap)}</td>
                    <td>
                        <button type="button" class=if active { "switch on" } else { "switch" }
                            on:click=move |_| save(Some(id.clone()), toggled.clone())>
                            {move || i18n.t(if active { "on" } else { "off" })}
                        </button>
                    </td>
                    <td><button type="button" on:click={
                        move |_| edit(r.clone())
                    }>{move || i18n.t("edit")}</button></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{move || i18n.t("earning_rules")}</h2>
        <table class="list">
            <thead><tr>
                <th>{move || i18n.t("name")}</th><th>{move || i18n.t("trigger")}</th><th>{move || i18n.t("pays")}</th>
                <th>{move || i18n.t("window")}</th><th>{move || i18n.t("pending_expiry_days")}</th>
                <th>{move || i18n.t("caps")}</th><th>{move || i18n.t("active")}</th><th></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <form class="inline-form rule-form" on:submit=submit>
            <Field label="name" value=name name="rule_name" required=true/>
            <Choice label="rule_kind" value=kind name="rule_kind"
                options=vec![("fixed", "kind_fixed"), ("per_vnd", "kind_per_vnd"), ("multiplier", "kind_multiplier")]/>
            <Choice label="trigger" value=trigger name="rule_trigger" options=TRIGGERS.to_vec()/>
            <Field label="rule_points" value=points kind="number" name="rule_points"/>
            <Field label="per_vnd" value=per_vnd kind="number" name="rule_per_vnd"/>
            <Choice label="rounding" value=rounding options=vec![("floor", "round_floor"), ("nearest", "round_nearest"), ("ceil", "round_ceil")]/>
            <Field label="multiplier_pct" value=multiplier kind="number" name="rule_multiplier"/>
            <Field label="starts" value=starts kind="date" name="rule_starts"/>
            <Field label="ends" value=ends kind="date" name="rule_ends"/>
            <Field label="pending_days" value=pending kind="number" name="rule_pending"/>
            <Field label="expiry_days" value=expiry kind="number" name="rule_expiry"/>
            <Field label="daily_cap" value=daily_cap kind="number" name="rule_daily_cap"/>
            <Field label="member_cap" value=member_cap kind="number" name="rule_member_cap"/>
            <button type="submit">{move || i18n.t(if editing.get().is_some() { "save" } else { "add_rule" })}</button>
        </form>
    }
}
