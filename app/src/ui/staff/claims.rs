//! Receipts customers sent from this store (after scanning its poster), waiting for staff to check them against
//! the till: confirmed, the purchase pays; refused, it never does. Refreshed after each action at the counter.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::vn_time,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    shift::ShiftVersion,
};
use crate::{
    api::{ClaimDecision, ClaimStatus, PurchaseClaim, StaffClaims},
    domain::format_vnd,
};

/// The pending claims at `at_store` (`?store_id=`), oldest first.
#[component]
pub(super) fn PendingClaims(at_store: String) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let version = expect_context::<ShiftVersion>();
    let claims = RwSignal::new(None::<StaffClaims>);
    let error = RwSignal::new(None::<ApiFailure>);
    let done = RwSignal::new(None::<PurchaseClaim>);
    {
        let (api, at_store) = (api.clone(), at_store.clone());
        Effect::new(move |_| {
            version.0.track();
            let (api, path) = (api.clone(), format!("/api/v1/staff/purchase-claims{at_store}"));
            spawn_local(async move {
                // Without a store to act at there is nothing to list; the page says why above.
                match api.get_as::<StaffClaims>(SURFACE, &path).await {
                    Ok(c) => claims.set(Some(c)),
                    Err(_) => claims.set(Some(StaffClaims { items: Vec::new() })),
                }
            });
        });
    }
    let decide = Callback::new(move |(id, confirm): (String, bool)| {
        let api = api.clone();
        let path = format!(
            "/api/v1/staff/purchase-claims/{}{at_store}",
            js_sys::encode_uri_component(&id)
        );
        spawn_local(async move {
            match api
                .post_as::<_, PurchaseClaim>(SURFACE, &path, &ClaimDecision { confirm })
                .await
            {
                Ok(c) => {
                    error.set(None);
                    done.set(Some(c));
                }
                Err(e) => error.set(Some(e)),
            }
            // The list (and the shift) reload either way: a claim settled elsewhere leaves the list.
            version.bump();
        });
    });
    view! {
        <section class="pending-claims">
            <h2>{move || i18n.t("pending_claims")}</h2>
            <ErrorNotice error=error/>
            {move || done.get().map(|c| {
                let key = if c.status == ClaimStatus::Confirmed { "claim_confirmed" } else { "claim_refused" };
                view! { <p class="notice success claim-done" role="status">{move || i18n.t(key)} " " {c.receipt_code}</p> }
            })}
            {move || match claims.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(list) if list.items.is_empty() => view! { <p class="muted claims-empty">{i18n.t("no_pending_claims")}</p> }.into_any(),
                Some(list) => view! {
                    <ul class="claims">
                        {list.items.into_iter().map(|c| {
                            let (yes, no) = (c.claim.id.clone(), c.claim.id.clone());
                            view! {
                                <li class="claim">
                                    <p>
                                        <strong class="claim-receipt">{c.claim.receipt_code.clone()}</strong>
                                        " · " {format_vnd(c.claim.amount_vnd)}
                                    </p>
                                    <p class="muted">
                                        {c.member.name.clone().unwrap_or_default()} " "
                                        {c.member.phone_masked.clone().unwrap_or_default()} " · "
                                        {vn_time(&c.claim.claimed_at)}
                                    </p>
                                    <div class="row-actions">
                                        <button type="button" class="confirm-claim" on:click=move |_| decide.run((yes.clone(), true))>{move || i18n.t("confirm_claim")}</button>
                                        " "
                                        <button type="button" class="secondary refuse-claim" on:click=move |_| decide.run((no.clone(), false))>{move || i18n.t("refuse_claim")}</button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
