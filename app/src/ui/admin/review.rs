//! The check-ins and receipts page: check-ins held for review (too many with one poster in a day, or far from the
//! store), approved or rejected one by one; and a store's day of claimed receipts reconciled with the till's
//! export, with what it did.

use leptos::{html, prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{vn_time, vn_today},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::api::{CheckIn, CheckInDecision, CheckInFlag, FlaggedCheckIns, Reconciliation, Store};

/// The page.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <section class="review-admin">
            <h1>{move || i18n.t("nav_review")}</h1>
            <p class="muted">{move || i18n.t("review_lead")}</p>
            <FlaggedList/>
            <Reconcile/>
        </section>
    }
}

#[component]
fn FlaggedList() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let flagged = RwSignal::new(None::<FlaggedCheckIns>);
    let error = RwSignal::new(None::<ApiFailure>);
    let reload = {
        let api = api.clone();
        move || {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<FlaggedCheckIns>(SURFACE, "/api/v1/admin/check-ins").await {
                    Ok(list) => flagged.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    reload();
    let decide = Callback::new(move |(id, approve): (String, bool)| {
        let (api, reload) = (api.clone(), reload.clone());
        spawn_local(async move {
            let path = format!("/api/v1/admin/check-ins/{id}");
            match api
                .post_as::<_, CheckIn>(SURFACE, &path, &CheckInDecision { approve })
                .await
            {
                Ok(_) => {
                    error.set(None);
                    reload();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let flag_text = move |flag: Option<CheckInFlag>| match flag {
        Some(CheckInFlag::FarAway) => i18n.t("flag_far_away"),
        _ => i18n.t("flag_too_many"),
    };
    view! {
        <h2>{move || i18n.t("flagged_heading")}</h2>
        <ErrorNotice error=error/>
        {move || match flagged.get() {
            None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
            Some(list) if list.items.is_empty() => view! { <p class="muted empty">{i18n.t("no_flagged")}</p> }.into_any(),
            Some(list) => {
                let shown = list.items.len().to_string();
                let total = list.total.to_string();
                view! {
                    <table class="list flagged-list">
                        <thead><tr>
                            <th>{move || i18n.t("at_time")}</th><th>{move || i18n.t("holder")}</th>
                            <th>{move || i18n.t("choose_store")}</th><th></th><th></th>
                        </tr></thead>
                        <tbody>
                            {list.items.into_iter().map(|f| {
                                let (yes, no) = (f.check_in.id.clone(), f.check_in.id.clone());
                                let metres = f.check_in.distance_m;
                                let distance = move || metres.map(|m| crate::domain::format_distance(m, i18n.lang() == crate::ui::i18n::Lang::Vi));
                                let flag = f.check_in.flag;
                                view! {
                                    <tr class="flagged-row">
                                        <td>{vn_time(&f.check_in.checked_in_at)}</td>
                                        <td>{f.member.name.clone().unwrap_or_default()} " " <span class="muted">{f.member.phone_masked.clone().unwrap_or_default()}</span></td>
                                        <td>{f.check_in.store.name}</td>
                                        <td><span class="badge warn">{move || flag_text(flag)}</span> " " <span class="muted">{distance}</span></td>
                                        <td class="row-actions">
                                            <button type="button" class="approve" on:click=move |_| decide.run((yes.clone(), true))>{move || i18n.t("approve")}</button>
                                            " "
                                            <button type="button" class="secondary reject" on:click=move |_| decide.run((no.clone(), false))>{move || i18n.t("reject")}</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="muted">{move || i18n.t("shown_of").replace("{shown}", &shown).replace("{total}", &total)}</p>
                }.into_any()
            }
        }}
    }
}

#[component]
fn Reconcile() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let stores = RwSignal::new(Vec::<Store>::new());
    let store = RwSignal::new(String::new());
    let day = RwSignal::new(vn_today());
    let file_input = NodeRef::<html::Input>::new();
    let report = RwSignal::new(None::<Reconciliation>);
    let error = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);
    {
        let api = api.clone();
        spawn_local(async move {
            match api.get_as::<Vec<Store>>(SURFACE, "/api/v1/admin/stores").await {
                Ok(list) => {
                    let open: Vec<Store> = list.into_iter().filter(|s| s.input.active).collect();
                    if let Some(first) = open.first() {
                        store.set(first.id.clone());
                    }
                    stores.set(open);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        let path = format!(
            "/api/v1/admin/purchase-claims/reconcile?store_id={}&day={}",
            js_sys::encode_uri_component(&store.get_untracked()),
            js_sys::encode_uri_component(&day.get_untracked())
        );
        let api = api.clone();
        busy.set(true);
        spawn_local(async move {
            match api.upload_as::<Reconciliation>(SURFACE, &path, &file.into()).await {
                Ok(r) => {
                    error.set(None);
                    report.set(Some(r));
                }
                Err(e) => {
                    report.set(None);
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <h2>{move || i18n.t("reconcile_heading")}</h2>
        <p class="muted">{move || i18n.t("reconcile_lead")}</p>
        <form class="inline-form reconcile-form" on:submit=submit>
            <label>
                {move || i18n.t("choose_store")}
                <select name="store" prop:value=move || store.get() on:change=move |ev| store.set(event_target_value(&ev))>
                    {move || stores.get().into_iter().map(|s| view! { <option value=s.id>{s.input.name}</option> }).collect_view()}
                </select>
            </label>
            <label>
                {move || i18n.t("business_day")}
                <input type="date" name="day" required prop:value=move || day.get() on:input=move |ev| day.set(event_target_value(&ev))/>
            </label>
            <label>
                {move || i18n.t("pos_file")}
                <input node_ref=file_input name="file" type="file" accept=".csv,text/csv" required/>
            </label>
            <button type="submit" class="reconcile" disabled=move || busy.get() || stores.with(Vec::is_empty)>{move || i18n.t("reconcile")}</button>
        </form>
        <ErrorNotice error=error/>
        {move || report.get().map(|r| {
            let unreadable = r.unreadable_lines.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            view! {
                <div class="notice success reconcile-report" role="status">
                    <strong>{move || i18n.t("reconciled")}</strong>
                    <ul>
                        <li>{r.receipts} " " {move || i18n.t("receipts_read")}</li>
                        <li>{r.confirmed} " " {move || i18n.t("claims_confirmed")}</li>
                        <li>{r.amount_differs} " " {move || i18n.t("claims_amount_differs")}</li>
                        <li>{r.not_on_receipts} " " {move || i18n.t("claims_not_found")}</li>
                        <li>{r.receipt_used} " " {move || i18n.t("claims_receipt_used")}</li>
                    </ul>
                    {(!unreadable.is_empty()).then(|| view! { <p>{move || i18n.t("unreadable_lines")} " " {unreadable.clone()}</p> })}
                </div>
            }
        })}
    }
}
