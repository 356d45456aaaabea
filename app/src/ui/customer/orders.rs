//! The member's orders: one order followed to the end of its payment (asked again every two seconds while it
//! awaits payment, and at once when Zalo's Checkout sheet closes; then every ten while it waits at the counter), with its lines, discounts, total, the points it
//! earned and any refund; cancelling it while it awaits payment; paying it in the super-app; and the list of
//! orders, newest first.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        bridge::{self, Host},
        browser::{sleep, vn_time},
        i18n::{I18n, Lang},
        notice::ErrorNotice,
        page::PageConfig,
    },
    SURFACE, Screen,
};
use crate::{
    api::{ErrorCode, MyOrders, Order, OrderStatus, Payment, ZaloOrderCreated},
    domain::format_vnd,
};

fn status_badge(status: OrderStatus, i18n: I18n) -> impl IntoView {
    let label = status.label();
    let class = format!("badge {} order-status", status.tone());
    view! { <span class=class>{move || if i18n.lang() == Lang::Vi { label.0 } else { label.1 }}</span> }
}

/// One order.
#[component]
pub fn OrderScreen(id: String, on_back: Callback<()>, go: Callback<Screen>) -> impl IntoView {
    let cancel_id = id.clone();
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let config = expect_context::<PageConfig>();
    let order = RwSignal::new(None::<Order>);
    let error = RwSignal::new(None::<ApiFailure>);
    let shown = StoredValue::new(true);
    on_cleanup(move || shown.set_value(false));
    {
        // Inside Zalo the shell says when the person finished or left Checkout's sheet (`cham-payment`): ask the
        // server at once rather than at the next poll.
        let (api, path) = (api.clone(), format!("/api/v1/me/orders/{id}"));
        let handle = window_event_listener_untyped("cham-payment", move |_| {
            let (api, path) = (api.clone(), path.clone());
            spawn_local(async move {
                if let Ok(o) = api.get_as::<Order>(SURFACE, &path).await
                    && shown.get_value()
                {
                    order.set(Some(o));
                }
            });
        });
        on_cleanup(move || handle.remove());
    }
    {
        let api = api.clone();
        spawn_local(async move {
            let path = format!("/api/v1/me/orders/{id}");
            for _ in 0..300 {
                match api.get_as::<Order>(SURFACE, &path).await {
                    Ok(o) => {
                        // Follow the payment closely, then the counter (ready, picked up) more calmly.
                        let paying = o.status == OrderStatus::AwaitingPayment;
                        let at_counter = o.status.is_paid() && o.store_id.is_some() && o.fulfilled_at.is_none();
                        order.set(Some(o));
                        error.set(None);
                        if !paying && !at_counter {
                            return;
                        }
                        sleep(if paying { 2000 } else { 10_000 }).await;
                    }
                    Err(e) => {
                        error.set(Some(e));
                        sleep(2000).await;
                    }
                }
                if !shown.get_value() {
                    return;
                }
            }
        });
    }
    let cancel = {
        let api = api.clone();
        Callback::new(move |()| {
            let id = cancel_id.clone();
            let (api, path) = (api.clone(), format!("/api/v1/me/orders/{id}/cancel"));
            spawn_local(async move {
                match api.post_as::<_, Order>(SURFACE, &path, &serde_json::json!({})).await {
                    Ok(o) => {
                        error.set(None);
                        order.set(Some(o));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let pay_again = move |_| {
        let (api, sim) = (api.clone(), config.sim.clone());
        if let Some(o) = order.get_untracked() {
            spawn_local(async move {
                if let Err(e) = pay(&api, &sim, &o).await {
                    error.set(Some(e));
                }
            });
        }
    };
    view! {
        <section class="order-screen">
            <button class="back" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("your_order")}</h1>
            <ErrorNotice error=error/>
            {move || match order.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(o) => {
                    let pay_again = pay_again.clone();
                    view! {
                        <p>{status_badge(o.status, i18n)} " " <span class="muted">{vn_time(&o.created_at)}</span></p>
                        {(o.status == OrderStatus::AwaitingPayment).then(|| view! {
                            <p class="muted" role="status">{move || i18n.t("waiting_for_payment")}</p>
                        })}
                        <ul class="cart-lines">
                            {o.lines.iter().map(|l| view! {
                                <li class="cart-line">
                                    <div>
                                        <div class="cart-line-name">{l.quantity} " × " {l.name.clone()}</div>
                                        <div class="muted">{l.choices.join(", ")}</div>
                                    </div>
                                    <div class="cart-line-total">{format_vnd(l.line_total_vnd)}</div>
                                </li>
                            }).collect_view()}
                        </ul>
                        {(!o.note.is_empty()).then(|| view! { <p class="muted">{move || i18n.t("order_note")} ": " {o.note.clone()}</p> })}
                        {(o.voucher_discount_vnd > 0 || o.points_vnd > 0).then(|| view! {
                            <dl class="order-breakdown">
                                <dt>{move || i18n.t("subtotal")}</dt><dd>{format_vnd(o.subtotal_vnd)}</dd>
                                {(o.voucher_discount_vnd > 0).then(|| view! {
                                    <dt>{move || i18n.t("voucher_off")}</dt><dd class="off">"−" {format_vnd(o.voucher_discount_vnd)}</dd>
                                })}
                                {(o.points_vnd > 0).then(|| view! {
                                    <dt>{move || i18n.t("points_off")} " (" {o.points_spent} " " {move || i18n.t("points")} ")"</dt>
                                    <dd class="off">"−" {format_vnd(o.points_vnd)}</dd>
                                })}
                            </dl>
                        })}
                        <p class="order-total">{move || i18n.t("total")} ": " <strong>{format_vnd(o.total_vnd)}</strong></p>
                        {(o.status == OrderStatus::Paid && o.ready_at.is_none()).then(|| view! {
                            <p class="notice success order-paid" role="status">
                                {move || i18n.t("order_paid_thanks")}
                                {(o.points_earned > 0).then(|| view! { " · +" {o.points_earned} " " {move || i18n.t("points")} })}
                            </p>
                        })}
                        {(o.status.is_paid() && o.ready_at.is_some() && o.fulfilled_at.is_none()).then(|| view! {
                            <p class="notice success order-ready" role="status">{move || i18n.t("order_ready_note")}</p>
                        })}
                        {o.fulfilled_at.clone().map(|at| view! {
                            <p class="muted order-picked-up">{move || i18n.t("order_picked_up_note")} " " {vn_time(&at)}</p>
                        })}
                        {(o.refunded_vnd > 0).then(|| view! {
                            <p class="notice order-refunded" role="status">
                                {move || i18n.t("order_refunded_note")} " " <strong>{format_vnd(o.refunded_vnd)}</strong>
                                " · " {move || i18n.t("order_refunded_points")}
                            </p>
                        })}
                        {(o.status == OrderStatus::AwaitingPayment && o.payment.is_some()).then(|| view! {
                            <button class="primary pay-again" type="button" on:click=pay_again>{move || i18n.t("pay_now")}</button>
                        })}
                        {(o.status == OrderStatus::AwaitingPayment).then(|| view! {
                            <button class="link cancel-order" type="button" on:click=move |_| cancel.run(())>{move || i18n.t("cancel_order")}</button>
                        })}
                        {(o.status == OrderStatus::Cancelled).then(|| view! {
                            <p class="notice order-cancelled" role="status">{move || i18n.t("order_cancelled_note")}</p>
                        })}
                        {(o.status == OrderStatus::Failed).then(|| view! {
                            <p class="notice error" role="alert">{move || i18n.t("order_failed_note")}</p>
                        })}
                    }
                    .into_any()
                }
            }}
            <button class="link" type="button" on:click=move |_| go.run(Screen::Menu)>{move || i18n.t("order_again")}</button>
            <button class="link" type="button" on:click=move |_| go.run(Screen::Orders)>{move || i18n.t("my_orders")}</button>
        </section>
    }
}

/// The member's orders.
#[component]
pub fn Orders(on_back: Callback<()>, go: Callback<Screen>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let orders = RwSignal::new(None::<Vec<Order>>);
    let error = RwSignal::new(None::<ApiFailure>);
    spawn_local(async move {
        match api.get_as::<MyOrders>(SURFACE, "/api/v1/me/orders").await {
            Ok(list) => orders.set(Some(list.orders)),
            Err(e) => error.set(Some(e)),
        }
    });
    view! {
        <section class="orders-screen">
            <button class="back" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("my_orders")}</h1>
            <ErrorNotice error=error/>
            {move || match orders.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(list) if list.is_empty() => view! {
                    <p class="muted empty">{move || i18n.t("no_orders_yet")}</p>
                    <button class="primary" type="button" on:click=move |_| go.run(Screen::Menu)>{move || i18n.t("order_menu")}</button>
                }.into_any(),
                Some(list) => view! {
                    <ul class="orders">
                        {list.into_iter().map(|o| {
                            let id = o.id.clone();
                            let what = o.lines.iter().map(|l| format!("{} × {}", l.quantity, l.name)).collect::<Vec<_>>().join(", ");
                            view! {
                                <li class="order-row">
                                    <button class="link open-order" type="button" on:click=move |_| go.run(Screen::Order(id.clone()))>
                                        <span class="order-what">{what}</span>
                                    </button>
                                    <div class="muted">{vn_time(&o.created_at)} " · " {format_vnd(o.total_vnd)} " " {status_badge(o.status, i18n)}</div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// Pays an order the server placed: Zalo's Checkout or MoMo's page. Shared with the menu's checkout.
pub(super) async fn pay(api: &Api, sim: &str, order: &Order) -> Result<(), ApiFailure> {
    match &order.payment {
        Some(Payment::Zalo(args)) => {
            let json = serde_json::to_string(args).unwrap_or_default();
            let back = format!("/orders/{}", order.id);
            let started = bridge::create_order(sim, &json, &back)
                .await
                .map_err(|m| ApiFailure::new(ErrorCode::Host, m))?;
            let body = ZaloOrderCreated {
                zalo_order_id: started.order_id,
            };
            api.post_as::<_, Order>(SURFACE, &format!("/api/v1/me/orders/{}/zalo-order", order.id), &body)
                .await?;
            if let Some(url) = started.checkout_url {
                bridge::open_url(&url);
            }
            Ok(())
        }
        Some(Payment::Momo(page)) => {
            bridge::open_url(
                page.deeplink
                    .as_deref()
                    .filter(|_| bridge::host() == Host::Momo)
                    .unwrap_or(&page.pay_url),
            );
            Ok(())
        }
        None => Ok(()),
    }
}
