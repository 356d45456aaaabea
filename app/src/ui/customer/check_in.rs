//! At the store: scan the store's QR poster (Zalo's scanner inside Zalo, the camera in a browser that can read
//! codes, or the phone's camera app opening the poster's link), then check in, or send a receipt for the store to
//! confirm. A product's QR code (`CHAMP.…`) scanned here earns its points. The member's receipts follow below
//! with where each stands.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        bridge::{self, ScanFailure},
        browser::{short_date, where_am_i},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::{
    api::{
        CheckIn, CheckInRequest, CheckInStatus, ClaimReason, ClaimRequest, ClaimStatus, MyClaims, ProductCodeEarned,
        ProductCodeScan, PublicStore, PurchaseClaim, StoreCode,
    },
    domain::format_vnd,
};

/// The check-in screen, with the poster's code when the member came through its link or a scan.
#[component]
pub fn CheckInScreen(on_back: Callback<()>, code: Option<String>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let code = RwSignal::new(code);
    let store = RwSignal::new(None::<PublicStore>);
    let error = RwSignal::new(None::<ApiFailure>);
    let no_scanner = RwSignal::new(false);
    let product = RwSignal::new(None::<ProductCodeEarned>);
    let claims_version = RwSignal::new(0_u32);

    // The store the code names, each time a code arrives.
    {
        Effect::new(move |_| {
            let Some(text) = code.get() else { return };
            let api = api.clone();
            store.set(None);
            product.set(None);
            if text.contains("CHAMP.") {
                // A product's code: its points, once.
                spawn_local(async move {
                    let body = ProductCodeScan { code: text };
                    match api
                        .post_as::<_, ProductCodeEarned>(SURFACE, "/api/v1/me/product-codes", &body)
                        .await
                    {
                        Ok(earned) => {
                            error.set(None);
                            product.set(Some(earned));
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
                return;
            }
            spawn_local(async move {
                match api
                    .post_as::<_, PublicStore>(SURFACE, "/api/v1/me/store-codes", &StoreCode { code: text })
                    .await
                {
                    Ok(s) => {
                        error.set(None);
                        store.set(Some(s));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let scan = move |_| {
        no_scanner.set(false);
        spawn_local(async move {
            match bridge::scan_qr().await {
                Ok(text) if !text.trim().is_empty() => code.set(Some(text)),
                Ok(_) | Err(ScanFailure::Cancelled) => {}
                Err(ScanFailure::Unsupported) | Err(ScanFailure::Failed(_)) => no_scanner.set(true),
            }
        });
    };

    view! {
        <section class="check-in-screen">
            <button class="back" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("at_the_store")}</h1>
            {move || store.get().is_none().then(|| view! { <p class="muted">{move || i18n.t("scan_poster_lead")}</p> })}
            <button class="scan-poster" class:primary=move || store.get().is_none() type="button" on:click=scan>
                {move || i18n.t("scan_poster")}
            </button>
            {move || no_scanner.get().then(|| view! { <p class="notice" role="status">{move || i18n.t("no_scanner")}</p> })}
            <ErrorNotice error=error/>
            {move || product.get().map(|p| view! {
                <p class="notice success product-earned" role="status">
                    {move || i18n.t("product_earned")} " +" {p.points_earned} " " {move || i18n.t("points")} " · " {p.batch}
                </p>
            })}
            {move || store.get().map(|s| {
                let code = code.get_untracked().unwrap_or_default();
                view! {
                    <div class="store-found">
                        <h2 class="store-name">{s.name.clone()}</h2>
                        <p class="store-address muted">{s.address}</p>
                    </div>
                    <CheckInButton code=code.clone()/>
                    <ReceiptForm code=code on_sent=Callback::new(move |()| claims_version.update(|v| *v += 1))/>
                }
            })}
            <MyReceipts version=claims_version/>
        </section>
    }
}

/// Checks in, with where the member is when they allow it (a check-in far from the store waits for review).
#[component]
fn CheckInButton(code: String) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let busy = RwSignal::new(false);
    let done = RwSignal::new(None::<CheckIn>);
    let error = RwSignal::new(None::<ApiFailure>);
    let check_in = move |_| {
        let (api, code) = (api.clone(), code.clone());
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let here = where_am_i().await;
            let body = CheckInRequest {
                code,
                latitude: here.map(|h| h.0),
                longitude: here.map(|h| h.1),
            };
            match api.post_as::<_, CheckIn>(SURFACE, "/api/v1/me/check-ins", &body).await {
                Ok(c) => done.set(Some(c)),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        {move || match done.get() {
            Some(c) if c.status == CheckInStatus::Flagged => view! {
                <p class="notice check-in-held" role="status">{move || i18n.t("check_in_held")}</p>
            }.into_any(),
            Some(c) => {
                let points = c.points_earned;
                view! {
                    <p class="notice success check-in-done" role="status">
                        {move || i18n.t("checked_in_at")} " " <strong>{c.store.name}</strong>
                        {(points > 0).then(|| view! { " · +" {points} " " {move || i18n.t("points")} })}
                    </p>
                }.into_any()
            }
            None => view! {
                <button class="primary check-in" type="button" disabled=move || busy.get() on:click=check_in.clone()>
                    {move || i18n.t(if busy.get() { "checking_in" } else { "check_in" })}
                </button>
            }.into_any(),
        }}
        <ErrorNotice error=error/>
    }
}

/// Sends a receipt (its code and what was paid) for the store to confirm.
#[component]
fn ReceiptForm(code: String, on_sent: Callback<()>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let receipt = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ClaimRequest {
            code: code.clone(),
            receipt_code: receipt.get_untracked(),
            // Dots and spaces as people type thousands; anything else is refused by the server with its range.
            amount_vnd: amount
                .get_untracked()
                .chars()
                .filter(|c| !matches!(c, '.' | ',' | ' '))
                .collect::<String>()
                .parse()
                .unwrap_or(0),
        };
        let api = api.clone();
        busy.set(true);
        sent.set(false);
        spawn_local(async move {
            match api
                .post_as::<_, PurchaseClaim>(SURFACE, "/api/v1/me/purchase-claims", &body)
                .await
            {
                Ok(_) => {
                    error.set(None);
                    receipt.set(String::new());
                    amount.set(String::new());
                    sent.set(true);
                    on_sent.run(());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="receipt-form" on:submit=submit>
            <h2>{move || i18n.t("send_receipt")}</h2>
            <p class="muted">{move || i18n.t("send_receipt_lead")}</p>
            <label>
                {move || i18n.t("receipt_code")}
                <input name="receipt_code" required maxlength="64" autocomplete="off" prop:value=move || receipt.get()
                    on:input=move |ev| receipt.set(event_target_value(&ev))/>
            </label>
            <label>
                {move || i18n.t("amount_paid")}
                <input name="amount_vnd" required inputmode="numeric" prop:value=move || amount.get()
                    on:input=move |ev| amount.set(event_target_value(&ev))/>
            </label>
            <ErrorNotice error=error/>
            {move || sent.get().then(|| view! { <p class="notice success receipt-sent" role="status">{move || i18n.t("receipt_sent")}</p> })}
            <button class="send-receipt" type="submit" disabled=move || busy.get()>{move || i18n.t("send")}</button>
        </form>
    }
}

/// The member's receipts, newest first, with where each stands.
#[component]
fn MyReceipts(version: RwSignal<u32>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let claims = RwSignal::new(None::<MyClaims>);
    Effect::new(move |_| {
        version.track();
        let api = api.clone();
        spawn_local(async move {
            if let Ok(c) = api.get_as::<MyClaims>(SURFACE, "/api/v1/me/purchase-claims").await {
                claims.set(Some(c));
            }
        });
    });
    let status = move |c: &PurchaseClaim| -> &'static str {
        match (c.status, c.reason) {
            (ClaimStatus::Pending, _) => "claim_pending",
            (ClaimStatus::Confirmed, _) => "claim_confirmed_member",
            (_, Some(ClaimReason::AmountDiffers)) => "claim_amount_differs",
            (_, Some(ClaimReason::NotOnReceipts)) => "claim_not_found",
            (_, Some(ClaimReason::ReceiptUsed)) => "claim_receipt_used",
            _ => "claim_refused_member",
        }
    };
    move || {
        claims.get().filter(|c| !c.items.is_empty()).map(|c| view! {
            <section class="my-receipts">
                <h2>{move || i18n.t("my_receipts")}</h2>
                <ul>
                    {c.items.into_iter().map(|claim| {
                        let key = status(&claim);
                        let confirmed = claim.status == ClaimStatus::Confirmed;
                        let points = claim.points_earned;
                        view! {
                            <li class="my-receipt" class:confirmed=confirmed class:refused=claim.status == ClaimStatus::Rejected>
                                <p><strong>{claim.receipt_code.clone()}</strong> " · " {format_vnd(claim.amount_vnd)}</p>
                                <p class="muted">{claim.store.name.clone()} " · " {short_date(&claim.claimed_at)}</p>
                                <p class="claim-status">
                                    {move || i18n.t(key)}
                                    {(confirmed && points > 0).then(|| view! { " · +" {points} " " {move || i18n.t("points")} })}
                                </p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}
