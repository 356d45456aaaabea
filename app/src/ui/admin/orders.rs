//! The console's orders: the brand's orders newest first, by status, a page at a time; and one order with its
//! lines and its payment trail, each message as it was received.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{sleep, vn_time},
        i18n::{I18n, Lang},
    },
    SURFACE,
};
use crate::{
    api::{AdminOrder, AdminOrderDetail, OrderStatus, OrdersPage, Provider, RefundStatus},
    domain::format_vnd,
};

fn status_badge(status: OrderStatus, i18n: I18n) -> impl IntoView {
    let (vi, en) = status.label();
    let class = format!("badge {} order-status", status.tone());
    view! { <span class=class>{move || if i18n.lang() == Lang::Vi { vi } else { en }}</span> }
}

/// How often the orders list asks for what is new.
const LIVE_MS: i32 = 20_000;

fn provider_key(p: Provider) -> &'static str {
    match p {
        Provider::Zalo => "provider_zalo",
        Provider::Momo => "provider_momo",
    }
}

/// What a trail entry did, in words.
fn outcome_key(outcome: &str) -> &'static str {
    match outcome {
        "ok" => "outcome_ok",
        "paid" => "outcome_paid",
        "repeated" => "outcome_repeated",
        "processing" => "outcome_processing",
        "refunded" => "outcome_refunded",
        "refused" => "outcome_refused",
        "not_paid_in_time" => "outcome_expired",
        "amount_mismatch" => "outcome_mismatch",
        _ => "outcome_failed",
    }
}

fn kind_key(kind: &str) -> &'static str {
    match kind {
        "create" => "trail_create",
        "query" => "trail_query",
        "refund" => "trail_refund",
        "refund_query" => "trail_refund_query",
        _ => "trail_notice",
    }
}

/// Why an order failed, in words.
fn failure_key(failure: &str) -> &'static str {
    match failure {
        "not_paid_in_time" => "outcome_expired",
        "momo_create_refused" => "outcome_refused",
        _ => "outcome_failed",
    }
}

/// A message as indented JSON (as it came, when it is not JSON).
fn pretty(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_owned())
}

fn items_of(o: &AdminOrder) -> String {
    o.order
        .lines
        .iter()
        .map(|l| format!("{} × {}", l.quantity, l.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The orders list.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let orders = RwSignal::new(None::<Vec<AdminOrder>>);
    let cursor = RwSignal::new(None::<String>);
    let filter = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let load = move |more: bool| {
        let api = api.clone();
        let status = filter.get_untracked();
        let after = if more { cursor.get_untracked() } else { None };
        spawn_local(async move {
            let mut path = format!("/api/v1/admin/orders?status={status}");
            if let Some(c) = after {
                path.push_str(&format!("&cursor={c}"));
            }
            match api.get_as::<OrdersPage>(SURFACE, &path).await {
                Ok(page) => {
                    if more {
                        orders.update(|o| o.get_or_insert_with(Vec::new).extend(page.orders));
                    } else {
                        orders.set(Some(page.orders));
                    }
                    cursor.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load(false);
    // Live: the first page follows new orders and payments while it is open (a longer list stays as it is).
    let shown = StoredValue::new(true);
    let pages = RwSignal::new(1_u32);
    on_cleanup(move || shown.set_value(false));
    {
        let load = load.clone();
        spawn_local(async move {
            loop {
                sleep(LIVE_MS).await;
                if !shown.get_value() {
                    return;
                }
                if pages.get_untracked() == 1 {
                    load(false);
                }
            }
        });
    }
    let filters = std::iter::once(("", "all_orders")).chain(OrderStatus::ALL.map(|s| (s.as_str(), "")));
    view! {
        <section class="orders-admin">
            <h1>{move || i18n.t("nav_orders")}</h1>
            <p class="muted">{move || i18n.t("orders_lead")}</p>
            <div class="toolbar order-filters">
                {filters.map(|(status, key)| {
                    let load = load.clone();
                    let label = move || match OrderStatus::parse(status) {
                        Some(s) => { let (vi, en) = s.label(); if i18n.lang() == Lang::Vi { vi } else { en } }
                        None => i18n.t(key),
                    };
                    view! {
                        <button type="button" class="filter" class:active=move || filter.get() == status on:click=move |_| {
                            filter.set(status.to_owned());
                            pages.set(1);
                            load(false);
                        }>{label}</button>
                    }
                }).collect_view()}
            </div>
            <ErrorNotice error=error/>
            {move || match orders.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted empty">{i18n.t("no_orders")}</p> }.into_any(),
                Some(list) => view! {
                    <table class="list orders-list">
                        <thead><tr>
                            <th>{move || i18n.t("order_when")}</th><th>{move || i18n.t("order_member")}</th>
                            <th>{move || i18n.t("order_items")}</th><th>{move || i18n.t("order_store")}</th>
                            <th>{move || i18n.t("order_total")}</th><th>{move || i18n.t("order_status")}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|o| {
                                let href = format!("/admin/orders/{}", o.order.id);
                                let items = items_of(&o);
                                view! {
                                    <tr class="order-row">
                                        <td><a href=href>{vn_time(&o.order.created_at)}</a></td>
                                        <td><a href=format!("/admin/customers/{}", o.profile_id)>{o.member_name.clone().unwrap_or_default()}</a></td>
                                        <td>{items}</td>
                                        <td>{o.store_name.clone().unwrap_or_default()}</td>
                                        <td>{format_vnd(o.order.total_vnd)}</td>
                                        <td>{status_badge(o.order.status, i18n)} " " <span class="muted">{move || i18n.t(provider_key(o.order.provider))}</span></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
            {move || cursor.get().map(|_| {
                let load = load.clone();
                view! { <button type="button" class="more" on:click=move |_| { pages.update(|p| *p += 1); load(true) }>{move || i18n.t("more")}</button> }
            })}
        </section>
    }
}

/// One order.
#[component]
pub fn OrderPage(id: String) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let detail = RwSignal::new(None::<AdminOrderDetail>);
    let error = RwSignal::new(None::<ApiFailure>);
    let load = move || {
        let (api, id) = (api.clone(), id.clone());
        spawn_local(async move {
            match api
                .get_as::<AdminOrderDetail>(SURFACE, &format!("/api/v1/admin/orders/{id}"))
                .await
            {
                Ok(d) => detail.set(Some(d)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load();
    let reload = Callback::new(move |()| load());
    view! {
        <section class="order-admin">
            <a class="back" href="/admin/orders">{move || i18n.t("back_to_orders")}</a>
            <h1>{move || i18n.t("order_heading")}</h1>
            <ErrorNotice error=error/>
            {move || match detail.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(d) => {
                    let o = d.summary.order.clone();
                    let held: i64 = d
                        .refunds
                        .iter()
                        .filter(|r| r.status != RefundStatus::Failed)
                        .map(|r| r.amount_vnd)
                        .sum();
                    let left = o.total_vnd.saturating_sub(held).max(0);
                    let refundable = o.status.is_paid() && left > 0;
                    view! {
                        <p>
                            {status_badge(o.status, i18n)} " " {vn_time(&o.created_at)} " · "
                            {move || i18n.t("order_pay_with")} " " {move || i18n.t(provider_key(o.provider))}
                        </p>
                        <dl class="order-facts">
                            <dt>{move || i18n.t("order_member")}</dt>
                            <dd><a href=format!("/admin/customers/{}", d.summary.profile_id)>{d.summary.member_name.clone().unwrap_or_default()}</a></dd>
                            <dt>{move || i18n.t("order_store")}</dt><dd>{d.summary.store_name.clone().unwrap_or_default()}</dd>
                            {(o.voucher_discount_vnd > 0).then(|| view! {
                                <dt>{move || i18n.t("order_voucher")}</dt><dd>"−" {format_vnd(o.voucher_discount_vnd)}</dd>
                            })}
                            {(o.points_vnd > 0).then(|| view! {
                                <dt>{move || i18n.t("order_points_paid")}</dt><dd>"−" {format_vnd(o.points_vnd)} " (" {o.points_spent} ")"</dd>
                            })}
                            <dt>{move || i18n.t("order_total")}</dt><dd>{format_vnd(o.total_vnd)}</dd>
                            {(o.refunded_vnd > 0).then(|| view! {
                                <dt>{move || i18n.t("order_refunded")}</dt><dd class="refunded-total">{format_vnd(o.refunded_vnd)}</dd>
                            })}
                            <dt>{move || i18n.t("order_points")}</dt><dd>{o.points_earned}</dd>
                            {o.ready_at.clone().map(|at| view! { <dt>{move || i18n.t("order_ready_at")}</dt><dd>{vn_time(&at)}</dd> })}
                            {o.fulfilled_at.clone().map(|at| view! { <dt>{move || i18n.t("order_picked_up_at")}</dt><dd>{vn_time(&at)}</dd> })}
                            {(!o.note.is_empty()).then(|| view! { <dt>{move || i18n.t("order_note_label")}</dt><dd>{o.note.clone()}</dd> })}
                            {d.summary.failure.clone().map(|f| view! { <dt>{move || i18n.t("order_failure")}</dt><dd>{move || i18n.t(failure_key(&f))}</dd> })}
                        </dl>
                        <table class="list order-lines">
                            <tbody>
                                {o.lines.iter().map(|l| view! {
                                    <tr>
                                        <td>{l.quantity} " × " {l.name.clone()}</td>
                                        <td class="muted">{l.choices.join(", ")}</td>
                                        <td>{format_vnd(l.line_total_vnd)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <h2>{move || i18n.t("refunds")}</h2>
                        <super::refunds::RefundList refunds=d.refunds.clone()/>
                        {refundable.then(|| view! { <super::refunds::RefundForm order_id=o.id.clone() left=left on_done=reload/> })}
                        <h2>{move || i18n.t("payment_trail")}</h2>
                        {if d.trail.is_empty() {
                            view! { <p class="muted">{move || i18n.t("no_trail")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="timeline payment-trail">
                                    {d.trail.iter().map(|t| {
                                        let (kind, outcome) = (kind_key(&t.kind), outcome_key(&t.outcome));
                                        view! {
                                            <li class="trail-entry" data-outcome=t.outcome.clone()>
                                                <span class="muted">{vn_time(&t.received_at)}</span> " "
                                                <strong>{move || i18n.t(kind)}</strong> " · " {move || i18n.t(outcome)}
                                                <pre class="trail-body">{pretty(&t.body)}</pre>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
