//! A member's code scanned at the till: who they are (name, phone, tier, points), their usable vouchers and gifts,
//! their last visit, and one tap to record today's visit at this store.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::vn_time,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::{
    api::{MemberAtCounter, MemberCode, PurchaseReceipt, StaffPurchase, VisitReceipt},
    domain::format_vnd,
};

/// The member behind a scanned code; `at_store` is the `?store_id=` the staff member works at.
#[component]
pub(super) fn MemberPanel(code: String, member: MemberAtCounter, at_store: String) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let member = RwSignal::new(member);
    let receipt = RwSignal::new(None::<VisitReceipt>);
    let error = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);
    let version = expect_context::<super::shift::ShiftVersion>();
    let amount = RwSignal::new(String::new());
    let receipt_code = RwSignal::new(String::new());
    let purchase = RwSignal::new(None::<PurchaseReceipt>);
    let purchase_error = RwSignal::new(None::<ApiFailure>);
    let record_purchase = {
        let (api, code, path) = (api.clone(), code.clone(), format!("/api/v1/staff/purchases{at_store}"));
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let typed: String = amount.get_untracked().chars().filter(char::is_ascii_digit).collect();
            let body = StaffPurchase {
                code: code.clone(),
                amount_vnd: typed.parse().unwrap_or(0),
                receipt_code: receipt_code.get_untracked(),
            };
            let (api, path) = (api.clone(), path.clone());
            busy.set(true);
            purchase_error.set(None);
            spawn_local(async move {
                match api.post_as::<_, PurchaseReceipt>(SURFACE, &path, &body).await {
                    Ok(r) => {
                        member.set(r.member.clone());
                        amount.set(String::new());
                        receipt_code.set(String::new());
                        purchase.set(Some(r));
                        version.bump();
                    }
                    Err(e) => purchase_error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let record = move |_| {
        let (api, body, path) = (
            api.clone(),
            MemberCode { code: code.clone() },
            format!("/api/v1/staff/visits{at_store}"),
        );
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api.post_as::<_, VisitReceipt>(SURFACE, &path, &body).await {
                Ok(r) => {
                    member.set(r.member.clone());
                    receipt.set(Some(r));
                    version.bump();
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="member-check">
            {move || member.with(|m| {
                let holder = m.holder.clone();
                view! {
                    <h2 class="member-found">{holder.name.clone().unwrap_or_default()}</h2>
                    <p>{holder.phone_masked.clone().unwrap_or_default()} " · " {holder.tier}</p>
                    <p class="member-points">
                        <strong class="member-points-value">{m.points}</strong> " " {move || i18n.t("points_word")}
                    </p>
                }
            })}
            {move || receipt.get().map(|r| view! {
                <p class="notice success visit-ok" role="status">
                    {move || i18n.t("visit_recorded")} " " {r.store.name.clone()}
                    {(r.points_earned > 0).then(|| format!(" · +{}", r.points_earned))}
                </p>
            })}
            <ErrorNotice error=error/>
            {move || {
                let m = member.get();
                if m.visited_today {
                    view! { <p class="badge ok visited-today">{move || i18n.t("visited_today")}</p> }.into_any()
                } else {
                    let record = record.clone();
                    view! {
                        <button class="primary record-visit" type="button" disabled=move || busy.get() on:click=record>
                            {move || i18n.t("record_visit")}
                        </button>
                    }
                    .into_any()
                }
            }}
            <form class="purchase-form" on:submit=record_purchase>
                <h3>{move || i18n.t("record_purchase")}</h3>
                <label>
                    {move || i18n.t("amount_paid")}
                    <input name="amount_vnd" inputmode="numeric" autocomplete="off" required placeholder="125.000"
                        prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                </label>
                <label>
                    {move || i18n.t("receipt_code")}
                    <input name="receipt_code" autocomplete="off" autocapitalize="characters" required maxlength="64"
                        prop:value=move || receipt_code.get() on:input=move |ev| receipt_code.set(event_target_value(&ev))/>
                </label>
                <ErrorNotice error=purchase_error/>
                <button class="primary record-purchase" type="submit" disabled=move || busy.get()>{move || i18n.t("record_purchase")}</button>
                {move || purchase.get().map(|p| view! {
                    <p class="notice success purchase-ok" role="status">
                        {move || i18n.t("purchase_recorded")} " " {format_vnd(p.amount_vnd)}
                        {(p.points_earned > 0).then(|| format!(" · +{}", p.points_earned))}
                    </p>
                })}
            </form>
            <p class="muted last-visit">
                {move || i18n.t("last_visit")} ": "
                {move || member.with(|m| m.last_visit_at.as_deref().map(vn_time)).unwrap_or_else(|| i18n.t("never").to_owned())}
            </p>
            <h3>{move || i18n.t("usable_vouchers")}</h3>
            {move || member.with(|m| if m.vouchers.is_empty() && m.gifts.is_empty() {
                view! { <p class="muted">{move || i18n.t("nothing_to_use")}</p> }.into_any()
            } else {
                view! {
                    <ul class="member-vouchers">
                        {m.vouchers.iter().map(|v| view! {
                            <li><strong>{v.reward_name.clone()}</strong> " · " <code>{v.code.clone()}</code></li>
                        }).collect_view()}
                        {m.gifts.iter().map(|g| view! {
                            <li><strong>{g.prize.clone()}</strong> " · " <code>{g.code.clone()}</code></li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </div>
    }
}
