//! The tier benefits page: what tiers are measured on and over how long, how far the member has come, and every
//! tier with its threshold, its earning bonus and the benefits the brand entered.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::short_date,
        i18n::{I18n, Lang},
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::{
    api::{LoyaltyCard, TierBadge},
    domain::format_vnd,
};

/// An amount on the tier scale, in its unit: points, or đồng spent.
pub fn on_scale(metric: &str, amount: i64, points_word: &'static str) -> String {
    if metric == "vnd" {
        format_vnd(amount)
    } else {
        format!("{amount} {points_word}")
    }
}

/// What tiers are measured on, in a sentence: "points earned over the last 12 months" (spent points still count).
#[component]
pub fn TierMeasure(card: LoyaltyCard) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let key = if card.tier_metric == "vnd" {
        "tier_measured_vnd"
    } else {
        "tier_measured_points"
    };
    let months = card.tier_window_months;
    let so_far = move || on_scale(&card.tier_metric, card.qualifying, i18n.t("points"));
    view! {
        <p class="tier-measure">
            {move || i18n.t(key)} " " <strong>{months}</strong> " " {move || i18n.t("months")}". "
            {move || i18n.t("tier_so_far")} " " <strong class="qualifying">{so_far}</strong>"."
        </p>
    }
}

/// The tiers screen.
#[component]
pub fn Tiers(on_back: Callback<()>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let card = RwSignal::new(None::<LoyaltyCard>);
    let error = RwSignal::new(None::<ApiFailure>);
    spawn_local(async move {
        match api.get_as::<LoyaltyCard>(SURFACE, "/api/v1/me/loyalty").await {
            Ok(c) => card.set(Some(c)),
            Err(e) => error.set(Some(e)),
        }
    });
    let body = move || {
        card.get().map(|c| {
            if c.tiers.is_empty() {
                return view! { <p class="empty">{move || i18n.t("no_tiers")}</p> }.into_any();
            }
            let current = c.tier.id.clone();
            let metric = c.tier_metric.clone();
            let until = c.tier_until.clone();
            let rows = c
                .tiers
                .iter()
                .cloned()
                .map(|t| tier_row(t, current.as_deref(), &metric))
                .collect_view();
            view! {
                <TierMeasure card=c/>
                {until.map(|u| view! {
                    <p class="muted tier-until">{move || i18n.t("tier_held_until")} " " {short_date(&u)}</p>
                })}
                <ol class="tiers">{rows}</ol>
            }
            .into_any()
        })
    };
    view! {
        <section class="tiers-screen">
            <button class="link back" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("tier_benefits")}</h1>
            <ErrorNotice error=error/>
            {move || match card.get() {
                None if error.get().is_none() => Some(view! { <p class="loading" role="status">{i18n.t("loading")}</p> }),
                _ => None,
            }}
            {body}
        </section>
    }
}

fn tier_row(tier: TierBadge, current: Option<&str>, metric: &str) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let mine = tier.id.is_some() && tier.id.as_deref() == current;
    let metric = metric.to_owned();
    let threshold = tier.threshold;
    let from = move || {
        if threshold == 0 {
            i18n.t("tier_from_start").to_owned()
        } else {
            format!(
                "{} {}",
                i18n.t("tier_from"),
                on_scale(&metric, threshold, i18n.t("points"))
            )
        }
    };
    let bonus = tier.earn_multiplier_pct - 100;
    let multiplier = move || {
        (bonus > 0).then(|| {
            let text = i18n.t("tier_bonus");
            match i18n.lang() {
                Lang::Vi => format!("{text} +{bonus}%"),
                Lang::En => format!("+{bonus}% {text}"),
            }
        })
    };
    let benefits = tier.benefits;
    view! {
        <li class="tier-card" class:mine=mine>
            <div class="tier-head">
                <strong class="tier-card-name">{tier.name}</strong>
                {mine.then(|| view! { <span class="badge ok">{move || i18n.t("your_tier")}</span> })}
            </div>
            <div class="muted tier-from">{from}</div>
            {move || multiplier().map(|m| view! { <div class="tier-bonus">{m}</div> })}
            {(!benefits.is_empty()).then(|| view! { <div class="tier-benefits">{benefits.clone()}</div> })}
        </li>
    }
}
