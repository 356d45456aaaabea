//! The store's paid orders to prepare, oldest paid first: each marked ready, then picked up. The list follows new
//! payments by itself (every 15 seconds while it is shown) and reloads after each action at the counter.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{sleep, vn_time},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    shift::ShiftVersion,
};
use crate::{
    api::{AdminOrder, Order, StaffOrders},
    domain::format_vnd,
};

const REFRESH_MS: i32 = 15_000;

/// The orders to prepare at `at_store` (`?store_id=`).
#[component]
pub(super) fn OrdersToPrepare(at_store: String) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let version = expect_context::<ShiftVersion>();
    let orders = RwSignal::new(None::<Vec<AdminOrder>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let shown = StoredValue::new(true);
    on_cleanup(move || shown.set_value(false));
    let path = format!("/api/v1/staff/orders{at_store}");
    {
        let api = api.clone();
        Effect::new(move |_| {
            version.0.track();
            let (api, path) = (api.clone(), path.clone());
            spawn_local(async move {
                // Without a store to act at there is nothing to list; the page says why above.
                match api.get_as::<StaffOrders>(SURFACE, &path).await {
                    Ok(o) => orders.set(Some(o.items)),
                    Err(_) => orders.set(Some(Vec::new())),
                }
            });
        });
    }
    // New payments arrive without anyone touching the screen.
    spawn_local(async move {
        loop {
            sleep(REFRESH_MS).await;
            if !shown.get_value() {
                return;
            }
            version.bump();
        }
    });
    let act = Callback::new(move |(id, step): (String, &'static str)| {
        let api = api.clone();
        let path = format!(
            "/api/v1/staff/orders/{}/{step}{at_store}",
            js_sys::encode_uri_component(&id)
        );
        spawn_local(async move {
            match api.post_as::<_, Order>(SURFACE, &path, &serde_json::json!({})).await {
                Ok(_) => error.set(None),
                Err(e) => error.set(Some(e)),
            }
            version.bump();
        });
    });
    view! {
        <section class="orders-to-prepare">
            <h2>{move || i18n.t("orders_to_prepare")}</h2>
            <ErrorNotice error=error/>
            {move || match orders.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted prepare-empty">{i18n.t("no_orders_to_prepare")}</p> }.into_any(),
                Some(list) => view! {
                    <ul class="prepare-list">
                        {list.into_iter().map(|o| {
                            let ready = o.order.ready_at.is_some();
                            let (a, b) = (o.order.id.clone(), o.order.id.clone());
                            let short = o.order.id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect::<String>();
                            view! {
                                <li class="prepare-order" class:is-ready=ready>
                                    <p>
                                        <strong>"#" {short.to_uppercase()}</strong> " · "
                                        {o.member_name.clone().unwrap_or_default()} " · "
                                        {format_vnd(o.order.total_vnd)}
                                        {ready.then(|| view! { " " <span class="badge ok">{move || i18n.t("ready_waiting")}</span> })}
                                    </p>
                                    <ul class="prepare-lines">
                                        {o.order.lines.iter().map(|l| view! {
                                            <li><strong>{l.quantity} " × " {l.name.clone()}</strong>
                                                {(!l.choices.is_empty()).then(|| format!(" ({})", l.choices.join(", ")))}</li>
                                        }).collect_view()}
                                    </ul>
                                    {(!o.order.note.is_empty()).then(|| view! { <p class="prepare-note">{move || i18n.t("order_note_short")} " " {o.order.note.clone()}</p> })}
                                    <p class="muted">{move || i18n.t("paid_at")} " " {o.order.paid_at.as_deref().map(vn_time).unwrap_or_default()}</p>
                                    <div class="row-actions">
                                        {(!ready).then(|| view! {
                                            <button type="button" class="mark-ready" on:click=move |_| act.run((a.clone(), "ready"))>{move || i18n.t("mark_ready")}</button>
                                            " "
                                        })}
                                        <button type="button" class="primary mark-picked-up" on:click=move |_| act.run((b.clone(), "picked-up"))>{move || i18n.t("mark_picked_up")}</button>
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
