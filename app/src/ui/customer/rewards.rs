//! The rewards catalog: what the member can redeem now (and why not, when they cannot), and redeeming with a
//! confirmation step.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::fresh_key,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::api::{Catalog, CatalogReward, RedeemRequest, Voucher};

fn blocked_text(reason: &str) -> &'static str {
    match reason {
        "insufficient_points" => "blocked_points",
        "out_of_stock" => "blocked_stock",
        "limit_reached" => "blocked_limit",
        "tier_required" => "blocked_tier",
        _ => "blocked_time",
    }
}

/// The catalog screen.
#[component]
pub fn Rewards(on_back: Callback<()>, on_redeemed: Callback<Voucher>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let catalog = RwSignal::new(None::<Catalog>);
    let error = RwSignal::new(None::<ApiFailure>);
    let confirming = RwSignal::new(None::<(CatalogReward, String)>);
    let busy = RwSignal::new(false);
    {
        let api = api.clone();
        spawn_local(async move {
            match api.get_as::<Catalog>(SURFACE, "/api/v1/rewards").await {
                Ok(c) => catalog.set(Some(c)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let redeem = move |_| {
        let Some((item, key)) = confirming.get_untracked() else {
            return;
        };
        let api = api.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let request = RedeemRequest {
                reward_id: item.reward.id.clone(),
                idempotency_key: key,
            };
            match api
                .post_as::<_, Voucher>(SURFACE, "/api/v1/me/redemptions", &request)
                .await
            {
                Ok(voucher) => on_redeemed.run(voucher),
                Err(e) => {
                    confirming.set(None);
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let list = move || {
        catalog.get().map(|c| {
            if c.rewards.is_empty() {
                return view! { <p class="empty">{move || i18n.t("no_rewards")}</p> }.into_any();
            }
            let items = c
                .rewards
                .into_iter()
                .map(|item| {
                    let r = item.reward.clone();
                    let blocked = item.blocked_by.clone();
                    let tier = item.min_tier_name.clone();
                    let chosen = item.clone();
                    let stock = r.input.stock.map(|s| view! { <span class="stock">{s} " " {move || i18n.t("left")}</span> });
                    view! {
                        <li class="reward">
                            {r.input.image_url.clone().map(|src| view! { <img src=src alt="" loading="lazy"/> })}
                            <div class="reward-body">
                                <div class="reward-name">{r.input.name.clone()}</div>
                                <div class="muted">{r.input.description.clone()}</div>
                                <div class="reward-cost">
                                    <strong>{r.input.points_cost}</strong> " " {move || i18n.t("points")} " " {stock}
                                </div>
                                {blocked.map(|b| match (b.as_str(), tier) {
                                    // A reward locked by tier names the tier it is for.
                                    ("tier_required", Some(tier)) => view! {
                                        <div class="blocked muted">{move || i18n.t("blocked_tier_named")} " " <strong>{tier}</strong></div>
                                    }.into_any(),
                                    _ => view! { <div class="blocked muted">{move || i18n.t(blocked_text(&b))}</div> }.into_any(),
                                })}
                            </div>
                            <button
                                class="redeem"
                                type="button"
                                disabled=!item.redeemable
                                on:click=move |_| confirming.set(Some((chosen.clone(), fresh_key())))
                            >
                                {move || i18n.t("redeem")}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <p class="balance">{move || i18n.t("your_balance")} ": " <strong>{c.balance}</strong> " " {move || i18n.t("points")}</p>
                <ul class="rewards">{items}</ul>
            }
            .into_any()
        })
    };
    view! {
        <section class="rewards-screen">
            <button class="link back" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("rewards")}</h1>
            <ErrorNotice error=error/>
            {move || catalog.get().is_none().then(|| view! { <p class="loading" role="status">{i18n.t("loading")}</p> })}
            {list}
            {move || confirming.get().map(|(item, _)| view! {
                <div class="confirm" role="dialog" aria-modal="true">
                    <p>
                        {move || i18n.t("redeem_confirm")} " " <strong>{item.reward.input.name.clone()}</strong> " — "
                        {item.reward.input.points_cost} " " {move || i18n.t("points")} "?"
                    </p>
                    <button class="primary confirm-redeem" type="button" disabled=move || busy.get() on:click=redeem.clone()>
                        {move || i18n.t("redeem_yes")}
                    </button>
                    <button class="link" type="button" on:click=move |_| confirming.set(None)>{move || i18n.t("cancel")}</button>
                </div>
            })}
        </section>
    }
}
