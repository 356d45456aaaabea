//! "My vouchers": each voucher with its QR and code to show at the till, and its status; then the gifts won in
//! games, each with its QR and code until it is handed over at a store.

use leptos::{prelude::*, task::spawn_local};
use qrcode::{QrCode, render::svg};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::short_date,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::api::{MemberGift, Voucher, VoucherList, VoucherStatus};

/// The code as an SVG QR image (the code in stored form, as the staff view reads it).
fn qr_svg(code: &str) -> String {
    QrCode::new(code.replace('-', "").as_bytes())
        .map(|qr| {
            qr.render::<svg::Color>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

fn status_key(status: VoucherStatus) -> &'static str {
    match status {
        VoucherStatus::Issued => "voucher_issued",
        VoucherStatus::Used => "voucher_used",
        VoucherStatus::Expired => "voucher_expired",
        VoucherStatus::Cancelled => "voucher_cancelled",
    }
}

/// The vouchers screen; `fresh` is the id of a voucher just redeemed, highlighted.
#[component]
pub fn Vouchers(on_back: Callback<()>, fresh: Option<String>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let vouchers = RwSignal::new(None::<Vec<Voucher>>);
    let gifts = RwSignal::new(None::<Vec<MemberGift>>);
    let error = RwSignal::new(None::<ApiFailure>);
    spawn_local(async move {
        match api.get_as::<VoucherList>(SURFACE, "/api/v1/me/vouchers").await {
            Ok(list) => vouchers.set(Some(list.vouchers)),
            Err(e) => error.set(Some(e)),
        }
        match api.get_as::<Vec<MemberGift>>(SURFACE, "/api/v1/me/gifts").await {
            Ok(list) => gifts.set(Some(list)),
            Err(e) => error.set(Some(e)),
        }
    });
    let just_redeemed = fresh.is_some();
    let fresh_id = fresh;
    let list = move || {
        vouchers.get().map(|list| {
            if list.is_empty() && gifts.with(|g| g.as_ref().is_some_and(Vec::is_empty)) {
                return view! { <p class="empty">{move || i18n.t("no_vouchers")}</p> }.into_any();
            }
            list.into_iter()
                .map(|v| {
                    let usable = v.status == VoucherStatus::Issued;
                    let highlight = fresh_id.as_deref() == Some(v.id.as_str());
                    let qr = usable.then(|| view! { <div class="qr" inner_html=qr_svg(&v.code)></div> });
                    let status = v.status;
                    view! {
                        <li class="voucher" class:fresh=highlight class:usable=usable>
                            <div class="voucher-name">{v.reward_name.clone()}</div>
                            <span class="badge voucher-status" class:ok=usable>{move || i18n.t(status_key(status))}</span>
                            {qr}
                            <code class="voucher-code">{v.code.clone()}</code>
                            <div class="muted">
                                {move || i18n.t(if usable { "valid_until" } else { "issued_on" })} " "
                                {short_date(if usable { &v.expires_at } else { &v.issued_at })}
                            </div>
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    let gift_list = move || {
        gifts.get().filter(|g| !g.is_empty()).map(|list| {
            view! {
                <h2>{move || i18n.t("game_gifts")}</h2>
                <ul class="gifts">
                    {list.into_iter().map(|g| {
                        let waiting = g.claimed_at.is_none();
                        let qr = waiting.then(|| view! { <div class="qr" inner_html=qr_svg(&g.code)></div> });
                        let when = g.claimed_at.clone().unwrap_or_else(|| g.won_at.clone());
                        view! {
                            <li class="voucher gift" class:usable=waiting>
                                <div class="voucher-name gift-prize">{g.prize.clone()}</div>
                                <span class="badge voucher-status gift-status" class:ok=waiting>
                                    {move || i18n.t(if waiting { "gift_waiting" } else { "gift_handed_over" })}
                                </span>
                                {qr}
                                {waiting.then(|| view! { <code class="voucher-code gift-code">{g.code.clone()}</code> })}
                                <div class="muted">
                                    {g.game.clone()} " · "
                                    {move || i18n.t(if waiting { "won_on" } else { "handed_over_on" })} " " {short_date(&when)}
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        })
    };
    view! {
        <section class="vouchers-screen">
            <button class="link back" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("my_vouchers")}</h1>
            {just_redeemed.then(|| view! { <p class="notice success" role="status">{move || i18n.t("redeemed")}</p> })}
            <ErrorNotice error=error/>
            {move || vouchers.get().is_none().then(|| view! { <p class="loading" role="status">{i18n.t("loading")}</p> })}
            <ul class="vouchers">{list}</ul>
            {gift_list}
        </section>
    }
}
