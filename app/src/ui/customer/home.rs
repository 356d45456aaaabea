//! The member's home: the loyalty card (balance, pending, expiring soon, tier and progress to the next) and the
//! way to rewards, vouchers, the points history and "My data".

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        bridge::{self, ShareOutcome},
        browser::short_date,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE, Screen,
    follow_oa::FollowOa,
    tiers,
};
use crate::api::{LoyaltyCard, Me, NameChange};

/// The signed-in member's home screen.
#[component]
pub fn Home(me: Me, go: Callback<Screen>, on_sign_out: Callback<()>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let card = RwSignal::new(None::<LoyaltyCard>);
    let card_api = api.clone();
    spawn_local(async move {
        if let Ok(c) = card_api.get_as::<LoyaltyCard>(SURFACE, "/api/v1/me/loyalty").await {
            card.set(Some(c));
        }
    });
    let follow = view! { <FollowOa me=me.clone()/> };
    let Me {
        name,
        phone_masked: phone,
        loyalty,
        brand,
        ..
    } = me;
    // Inviting a friend: the app's link through Zalo's share sheet inside Zalo, the system's (or the clipboard) in a
    // browser, with a word on how it went.
    let shared = RwSignal::new(None::<Result<ShareOutcome, ()>>);
    let share = move |_| {
        let brand = brand.name.clone();
        spawn_local(async move {
            let (title, text) = (brand.clone(), format!("{} · {}", i18n.t("share_app_text"), brand));
            shared.set(Some(bridge::share(&title, &text).await.map_err(|_| ())));
        });
    };
    let name = RwSignal::new(name.unwrap_or_default());
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<ApiFailure>);
    let save_name = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let api = api.clone();
        name_error.set(None);
        spawn_local(async move {
            let change = NameChange {
                name: draft.get_untracked(),
            };
            match api.put_as::<_, Me>(SURFACE, "/api/v1/me/name", &change).await {
                Ok(me) => {
                    name.set(me.name.unwrap_or_default());
                    editing.set(false);
                }
                Err(e) => name_error.set(Some(e)),
            }
        });
    };
    let summary_points = loyalty.points;
    let summary_tier = loyalty.tier;
    let points = move || card.get().map_or(summary_points, |c| c.balance);
    let tier = move || {
        let name = card.get().map_or_else(|| summary_tier.clone(), |c| c.tier.name);
        if name == "Member" {
            i18n.t("tier_member").to_owned()
        } else {
            name
        }
    };
    let details = move || {
        card.get().map(|c| {
            let progress = c.next_tier.as_ref().map(|next| {
                let pct = if next.threshold > 0 {
                    (c.qualifying * 100 / next.threshold).clamp(0, 100)
                } else {
                    100
                };
                let left = (next.threshold - c.qualifying).max(0);
                let metric = c.tier_metric.clone();
                let left = move || tiers::on_scale(&metric, left, i18n.t("points"));
                let next_name = next.name.clone();
                view! {
                    <div class="progress" role="progressbar" aria-valuenow=pct aria-valuemin="0" aria-valuemax="100">
                        <div class="progress-bar" style=format!("width: {pct}%")></div>
                    </div>
                    <div class="progress-text">
                        {left} " " {move || i18n.t("to_next_tier")} " " <strong>{next_name}</strong>
                    </div>
                }
            });
            // The progress counts what the window counts, not the balance: say so beside it.
            let measure = (!c.tiers.is_empty()).then(|| view! { <tiers::TierMeasure card=c.clone()/> });
            let expiring = (c.expiring_soon > 0).then(|| {
                let when = c.next_expiry_at.as_deref().map(short_date).unwrap_or_default();
                view! {
                    <div class="expiring">
                        <span class="expiring-value">{c.expiring_soon}</span> " " {move || i18n.t("expiring_soon")}
                        " (" {when} ")"
                    </div>
                }
            });
            let pending = (c.pending > 0).then(|| {
                view! {
                    <div class="pending">
                        <span class="pending-value">{c.pending}</span> " " {move || i18n.t("pending_points")}
                    </div>
                }
            });
            view! { {pending} {expiring} {progress} {measure} }
        })
    };
    let nav = move |screen: Screen| move |_| go.run(screen.clone());
    view! {
        <section class="home">
            {move || if editing.get() {
                let save_name = save_name.clone();
                view! {
                    <form class="rename" on:submit=save_name>
                        <label>
                            {move || i18n.t("your_name")}
                            <input
                                name="display_name"
                                maxlength="80"
                                prop:value=move || draft.get()
                                on:input=move |ev| draft.set(event_target_value(&ev))
                            />
                        </label>
                        <ErrorNotice error=name_error/>
                        <div class="rename-actions">
                            <button class="primary save-name" type="submit">{move || i18n.t("save")}</button>
                            <button class="link" type="button" on:click=move |_| editing.set(false)>{move || i18n.t("cancel")}</button>
                        </div>
                    </form>
                }
                    .into_any()
            } else {
                view! {
                    <p class="greeting">
                        {move || i18n.t("hello")} ", " <strong class="member-name">{move || name.get()}</strong> " "
                        <button class="link edit-name" type="button" on:click=move |_| {
                            draft.set(name.get_untracked());
                            editing.set(true);
                        }>{move || i18n.t("edit_name")}</button>
                    </p>
                }
                    .into_any()
            }}
            <div class="card">
                <div class="card-title">{move || i18n.t("member_card")}</div>
                <button class="primary member-code-link" type="button" on:click=nav(Screen::Card)>
                    {move || i18n.t("show_member_code")}
                </button>
                <div class="points"><span class="points-value">{points}</span> " " {move || i18n.t("points")}</div>
                {details}
                <div class="tier">
                    {move || i18n.t("tier")} ": " <span class="tier-name">{tier}</span> " "
                    <button class="link tiers-link" type="button" on:click=nav(Screen::Tiers)>{move || i18n.t("tier_benefits")}</button>
                </div>
                <div class="phone">
                    {match phone {
                        Some(p) => view! { <span class="member-phone">{p}</span> }.into_any(),
                        None => view! { <span class="muted">{move || i18n.t("no_phone")}</span> }.into_any(),
                    }}
                </div>
            </div>
            {follow}
            <nav class="home-actions">
                <button class="menu-link" type="button" on:click=nav(Screen::Menu)>{move || i18n.t("order_menu")}</button>
                <button class="orders-link" type="button" on:click=nav(Screen::Orders)>{move || i18n.t("my_orders")}</button>
                <button class="rewards-link" type="button" on:click=nav(Screen::Rewards)>{move || i18n.t("rewards")}</button>
                <button class="games-link" type="button" on:click=nav(Screen::Games(None))>{move || i18n.t("games")}</button>
                <button class="surveys-link" type="button" on:click=nav(Screen::Surveys(None))>{move || i18n.t("surveys")}</button>
                <button class="vouchers-link" type="button" on:click=nav(Screen::Vouchers(None))>{move || i18n.t("my_vouchers")}</button>
                <button class="history-link" type="button" on:click=nav(Screen::History)>{move || i18n.t("points_history")}</button>
                <button class="check-in-link" type="button" on:click=nav(Screen::CheckIn(None))>{move || i18n.t("at_the_store")}</button>
                <button class="stores-link" type="button" on:click=nav(Screen::Stores)>{move || i18n.t("stores")}</button>
                <button class="my-data-link" type="button" on:click=nav(Screen::MyData)>{move || i18n.t("my_data")}</button>
                <button class="share-app" type="button" on:click=share>{move || i18n.t("share_app")}</button>
            </nav>
            {move || shared.get().and_then(|outcome| {
                let (class, key) = match outcome {
                    Ok(ShareOutcome::Sent) => ("notice success share-done", "share_app_done"),
                    Ok(ShareOutcome::Copied) => ("notice success share-done", "share_app_copied"),
                    Ok(ShareOutcome::Cancelled) => return None,
                    Err(()) => ("notice share-done", "share_app_unavailable"),
                };
                Some(view! { <p class=class role="status">{move || i18n.t(key)}</p> })
            })}
            <button class="link" type="button" on:click=move |_| on_sign_out.run(())>
                {move || i18n.t("sign_out")}
            </button>
        </section>
    }
}
