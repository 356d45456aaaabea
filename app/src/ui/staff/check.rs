//! The staff view: type (or scan) a voucher code or a game gift's code, see the reward or the prize and who holds
//! it, and mark it used (or handed over) once.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure, local_storage},
        browser::{short_date, vn_time},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::api::{ErrorCode, MemberAtCounter, MemberCode, StaffGift, StaffRole, StaffVoucher, StoreRef, VoucherStatus};

/// Where this device remembers the store its staff work at.
const STORE_KEY: &str = "cham.staff.store";

/// The store remembered on this device when the user still acts there, else their first.
fn initial_store(stores: &[StoreRef]) -> Option<String> {
    let stored = local_storage().and_then(|s| s.get_item(STORE_KEY).ok().flatten());
    stored
        .filter(|id| stores.iter().any(|s| s.id == *id))
        .or_else(|| stores.first().map(|s| s.id.clone()))
}

/// The store picker: the one store a staff member works at, or a choice among several, remembered on the device.
#[component]
fn StorePicker(stores: Vec<StoreRef>, store: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let many = stores.len() > 1;
    view! {
        <label class="store-picker">
            {move || i18n.t("working_at")}
            {if many {
                view! {
                    <select name="store" prop:value=move || store.get().unwrap_or_default() on:change=move |ev| {
                        let id = event_target_value(&ev);
                        if let Some(s) = local_storage() {
                            let _ = s.set_item(STORE_KEY, &id);
                        }
                        store.set(Some(id));
                    }>
                        {stores.into_iter().map(|s| {
                            let id = s.id.clone();
                            view! { <option value=s.id selected=move || store.get().as_deref() == Some(id.as_str())>{s.name}</option> }
                        }).collect_view()}
                    </select>
                }.into_any()
            } else {
                view! { <strong class="store-name">{stores.into_iter().next().map(|s| s.name)}</strong> }.into_any()
            }}
        </label>
    }
}

/// The code check page; `stores` are the open stores the user acts at.
#[component]
pub fn StaffPage(stores: Vec<StoreRef>, role: StaffRole) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let store = RwSignal::new(initial_store(&stores));
    let version = super::shift::ShiftVersion(RwSignal::new(0));
    provide_context(version);
    // `?store_id=` on what staff do, once the brand has stores.
    let at_store = move || {
        store
            .get_untracked()
            .map(|id| format!("?store_id={}", js_sys::encode_uri_component(&id)))
            .unwrap_or_default()
    };
    let untied = stores.is_empty() && role == StaffRole::Staff;
    let code = RwSignal::new(String::new());
    let found = RwSignal::new(None::<StaffVoucher>);
    // A member's code scanned, with who it is.
    let member = RwSignal::new(None::<(String, MemberAtCounter)>);
    let gift = RwSignal::new(None::<StaffGift>);
    let error = RwSignal::new(None::<ApiFailure>);
    let used_now = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let typed = move || -> String {
        code.get_untracked()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    let path = move || format!("/api/v1/staff/vouchers/{}", typed());
    let gift_path = move || format!("/api/v1/staff/gifts/{}", typed());
    let look_up = {
        let api = api.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let api = api.clone();
            let (path, gift_path) = (path(), gift_path());
            found.set(None);
            gift.set(None);
            member.set(None);
            error.set(None);
            used_now.set(false);
            // A member's QR code (a scanner types it in whole): who they are, and their visit.
            let raw = code.get_untracked().trim().to_owned();
            if raw.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("CHAM1.")) {
                let scan_path = format!("/api/v1/staff/members/scan{}", at_store());
                spawn_local(async move {
                    let body = MemberCode { code: raw.clone() };
                    match api.post_as::<_, MemberAtCounter>(SURFACE, &scan_path, &body).await {
                        Ok(m) => member.set(Some((raw, m))),
                        Err(e) => error.set(Some(e)),
                    }
                });
                return;
            }
            spawn_local(async move {
                match api.get_as::<StaffVoucher>(SURFACE, &path).await {
                    Ok(v) => found.set(Some(v)),
                    // Not a voucher: perhaps a gift won in a game (both codes look alike).
                    Err(e) if e.code == ErrorCode::UnknownVoucher => {
                        match api.get_as::<StaffGift>(SURFACE, &gift_path).await {
                            Ok(g) => gift.set(Some(g)),
                            Err(g) if g.code == ErrorCode::UnknownGift => error.set(Some(e)),
                            Err(g) => error.set(Some(g)),
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let hand_over = {
        let api = api.clone();
        move |_| {
            let api = api.clone();
            let path = format!("{}/claim{}", gift_path(), at_store());
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                match api
                    .post_as::<_, StaffGift>(SURFACE, &path, &serde_json::json!({}))
                    .await
                {
                    Ok(g) => {
                        gift.set(Some(g));
                        used_now.set(true);
                        version.bump();
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let use_it = move |_| {
        let api = api.clone();
        let path = format!("{}/use{}", path(), at_store());
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api
                .post_as::<_, StaffVoucher>(SURFACE, &path, &serde_json::json!({}))
                .await
            {
                Ok(v) => {
                    found.set(Some(v));
                    used_now.set(true);
                    version.bump();
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="staff">
            <h1>{move || i18n.t("nav_staff")}</h1>
            {(!stores.is_empty()).then(move || view! { <StorePicker stores=stores store=store/> })}
            {untied.then(|| view! { <p class="notice" role="note">{move || i18n.t("no_store_tied")}</p> })}
            <p class="muted">{move || i18n.t("staff_lead")}</p>
            <form class="search" on:submit=look_up>
                <input
                    name="voucher_code"
                    autocomplete="off"
                    autocapitalize="characters"
                    placeholder="ABCD-EFGH-JKMN"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                />
                <button type="submit">{move || i18n.t("check_voucher")}</button>
            </form>
            <ErrorNotice error=error/>
            {move || member.get().map(|(code, m)| view! { <super::member::MemberPanel code=code member=m at_store=at_store()/> })}
            {move || used_now.get().then(|| {
                let key = if gift.get().is_some() { "gift_handed_over" } else { "voucher_marked_used" };
                view! { <p class="notice success used-ok" role="status">{move || i18n.t(key)}</p> }
            })}
            {move || gift.get().map(|g| {
                let open = g.claimed_at.is_none();
                let hand_over = hand_over.clone();
                view! {
                    <div class="voucher-check gift-check">
                        <h2 class="gift-prize">{g.prize.clone()}</h2>
                        {if open || used_now.get() {
                            view! { <p><span class="badge gift-state" class:ok=open>{move || i18n.t(if open { "gift_to_hand_over" } else { "gift_state_handed" })}</span></p> }.into_any()
                        } else {
                            view! {
                                <AlreadyDone
                                    title="gift_already_handed_over"
                                    at=g.claimed_at.clone().unwrap_or_default()
                                    by=g.claimed_by.clone()
                                    store=g.claimed_at_store.clone()
                                />
                            }.into_any()
                        }}
                        <p class="muted">{move || i18n.t("won_in")} " " {g.game.clone()} " · " {short_date(&g.won_at)}</p>
                        <p>{move || i18n.t("holder")} ": " <strong class="holder-name">{g.holder.name.clone().unwrap_or_default()}</strong>
                            " " {g.holder.phone_masked.clone().unwrap_or_default()} " · " {g.holder.tier}</p>
                        {open.then(|| view! {
                            <button class="primary hand-over" type="button" disabled=move || busy.get() on:click=hand_over>
                                {move || i18n.t("hand_over")}
                            </button>
                        })}
                    </div>
                }
            })}
            {move || found.get().map(|v| {
                let status = v.voucher.status;
                let status_key = match status {
                    VoucherStatus::Issued => "voucher_issued",
                    VoucherStatus::Used => "voucher_used",
                    VoucherStatus::Expired => "voucher_expired",
                    VoucherStatus::Cancelled => "voucher_cancelled",
                };
                let use_it = use_it.clone();
                view! {
                    <div class="voucher-check">
                        <h2 class="voucher-reward">{v.voucher.reward_name.clone()}</h2>
                        {match (status, v.voucher.used_at.clone()) {
                            // Used a moment ago by this till: the success notice above says so.
                            (VoucherStatus::Used, Some(at)) if !used_now.get() => view! {
                                <AlreadyDone title="voucher_already_used" at=at by=v.used_by.clone() store=v.used_at_store.clone()/>
                            }.into_any(),
                            _ => view! {
                                <p><span class="badge voucher-state" class:ok=v.usable class:stop=!v.usable>
                                    {move || i18n.t(status_key)}
                                </span></p>
                            }.into_any(),
                        }}
                        <p class="muted">{v.voucher.reward_description.clone()}</p>
                        <p>{move || i18n.t("holder")} ": " <strong class="holder-name">{v.holder.name.clone().unwrap_or_default()}</strong>
                            " " {v.holder.phone_masked.clone().unwrap_or_default()} " · " {v.holder.tier.clone()}</p>
                        <p class="muted">{move || i18n.t("valid_until")} " " {short_date(&v.voucher.expires_at)}</p>
                        {v.usable.then(|| view! {
                            <button class="primary mark-used" type="button" disabled=move || busy.get() on:click=use_it>
                                {move || i18n.t("mark_used")}
                            </button>
                        })}
                    </div>
                }
            })}
            // The shift of the store chosen: a new list when the store changes.
            {move || {
                store.track();
                view! {
                    <super::orders::OrdersToPrepare at_store=at_store()/>
                    <super::claims::PendingClaims at_store=at_store()/>
                    <super::shift::ShiftLog at_store=at_store()/>
                }
            }}
        </section>
    }
}

/// The banner staff cannot miss on a voucher already used or a gift already handed over: when (Vietnam's time),
/// where and by whom, so a second hand-over is refused at a glance.
#[component]
fn AlreadyDone(title: &'static str, at: String, by: Option<String>, store: Option<String>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let when = vn_time(&at);
    view! {
        <div class="already-done" role="alert">
            <strong class="already-done-title">{move || i18n.t(title)}</strong>
            <span class="already-done-when">{move || i18n.t("at_time")} " " {when} " " {move || i18n.t("vn_time_zone")}</span>
            {store.map(|store| view! { <span class="already-done-where">{move || i18n.t("at_store")} " " {store}</span> })}
            {by.map(|by| view! { <span class="already-done-by">{move || i18n.t("by_staff")} " " {by}</span> })}
        </div>
    }
}
