//! The member's home: name, masked phone and the loyalty card.

use leptos::prelude::*;

use super::super::i18n::I18n;
use crate::api::Me;

/// The signed-in member's home screen.
#[component]
pub fn Home(me: Me, on_sign_out: Callback<()>, on_my_data: Callback<()>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let Me {
        name,
        phone_masked: phone,
        loyalty,
        ..
    } = me;
    let name = name.unwrap_or_default();
    let points = loyalty.points;
    let tier_key = if loyalty.tier == "member" { "tier_member" } else { "" };
    let tier = loyalty.tier;
    view! {
        <section class="home">
            <p class="greeting">{move || i18n.t("hello")} ", " <strong class="member-name">{name}</strong></p>
            <div class="card">
                <div class="card-title">{move || i18n.t("member_card")}</div>
                <div class="points"><span class="points-value">{points}</span> " " {move || i18n.t("points")}</div>
                <div class="tier">
                    {move || i18n.t("tier")} ": "
                    <span class="tier-name">
                        {move || if tier_key.is_empty() { tier.clone() } else { i18n.t(tier_key).to_owned() }}
                    </span>
                </div>
                <div class="phone">
                    {match phone {
                        Some(p) => view! { <span class="member-phone">{p}</span> }.into_any(),
                        None => view! { <span class="muted">{move || i18n.t("no_phone")}</span> }.into_any(),
                    }}
                </div>
            </div>
            <button class="my-data-link" type="button" on:click=move |_| on_my_data.run(())>
                {move || i18n.t("my_data")}
            </button>
            <button class="link" type="button" on:click=move |_| on_sign_out.run(())>
                {move || i18n.t("sign_out")}
            </button>
        </section>
    }
}
