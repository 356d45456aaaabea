//! The console's sales: what paid orders brought over 7, 30 or 90 days (Vietnam's calendar), for every store or
//! one: the totals, revenue and orders day by day as bars, each store's part and the best-selling products.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    dashboard::BarChart,
};
use crate::{
    api::{SalesReport, Store},
    domain::format_vnd,
};

/// The sales page.
#[component]
pub fn SalesPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let days = RwSignal::new(30_i64);
    let store = RwSignal::new(String::new());
    let stores = RwSignal::new(Vec::<(String, String)>::new());
    let report = RwSignal::new(None::<SalesReport>);
    let error = RwSignal::new(None::<ApiFailure>);
    {
        let api = api.clone();
        spawn_local(async move {
            // Without the list the page still shows every store together.
            if let Ok(list) = api.get_as::<Vec<Store>>(SURFACE, "/api/v1/admin/stores").await {
                stores.set(list.into_iter().map(|s| (s.id, s.input.name)).collect());
            }
        });
    }
    Effect::new(move |_| {
        let (period, at) = (days.get(), store.get());
        let api = api.clone();
        report.set(None);
        spawn_local(async move {
            let path = format!(
                "/api/v1/admin/sales?days={period}&store_id={}",
                js_sys::encode_uri_component(&at)
            );
            match api.get_as::<SalesReport>(SURFACE, &path).await {
                Ok(r) => {
                    error.set(None);
                    report.set(Some(r));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let pick = move |n: i64| {
        view! {
            <button type="button" class="period" class:active=move || days.get() == n data-days=n on:click=move |_| days.set(n)>
                {n} " " {move || i18n.t("days_short")}
            </button>
        }
    };
    view! {
        <section class="sales">
            <h1>{move || i18n.t("nav_sales")}</h1>
            <p class="muted">{move || i18n.t("sales_lead")}</p>
            <div class="toolbar sales-filters">
                <div class="periods" role="group">{pick(7)} {pick(30)} {pick(90)}</div>
                <select name="store" on:change=move |ev| store.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("all_stores")}</option>
                    {move || stores.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
            </div>
            <ErrorNotice error=error/>
            {move || match report.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(r) => view! { <Report report=r/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Report(report: SalesReport) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let t = report.totals.clone();
    let stat = move |value: String, key: &'static str, class: &'static str| {
        view! {
            <div class="stat">
                <div class=format!("stat-value {class}")>{value}</div>
                <div class="stat-label">{move || i18n.t(key)}</div>
            </div>
        }
    };
    let revenue: Vec<(String, i64)> = report
        .by_day
        .iter()
        .map(|d| (d.day.clone(), d.revenue_vnd / 1_000))
        .collect();
    let orders: Vec<(String, i64)> = report.by_day.iter().map(|d| (d.day.clone(), d.orders)).collect();
    let most_store = report.by_store.iter().map(|s| s.revenue_vnd).max().unwrap_or(0).max(1);
    view! {
        <div class="stats sales-totals">
            {stat(format_vnd(t.revenue_vnd), "sales_revenue", "sales-revenue")}
            {stat(t.orders.to_string(), "sales_orders", "sales-orders")}
            {stat(format_vnd(t.average_vnd), "sales_average", "sales-average")}
            {stat(format_vnd(t.refunded_vnd), "sales_refunded", "sales-refunded")}
        </div>
        <div class="charts">
            <BarChart title="sales_revenue_by_day" class="sales-revenue-chart" values=revenue/>
            <BarChart title="sales_orders_by_day" class="sales-orders-chart" values=orders/>
        </div>
        <h2>{move || i18n.t("sales_by_store")}</h2>
        {if report.by_store.is_empty() {
            view! { <p class="muted empty">{move || i18n.t("nothing_in_period")}</p> }.into_any()
        } else {
            view! {
                <table class="list bars sales-stores">
                    <tbody>
                        {report.by_store.into_iter().map(|s| view! {
                            <tr class="sales-store">
                                <td>{s.name.unwrap_or_else(|| i18n.t("no_store").to_owned())}</td>
                                <td style="width: 40%"><div class="bar" style=format!("width: {}%", s.revenue_vnd.max(0) * 100 / most_store)></div></td>
                                <td>{format_vnd(s.revenue_vnd)}</td>
                                <td class="muted">{s.orders} " " {move || i18n.t("sales_orders_word")}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <h2>{move || i18n.t("sales_by_product")}</h2>
        {if report.by_product.is_empty() {
            view! { <p class="muted empty">{move || i18n.t("nothing_in_period")}</p> }.into_any()
        } else {
            view! {
                <table class="list sales-products">
                    <thead><tr>
                        <th>{move || i18n.t("product_name")}</th><th>{move || i18n.t("sales_quantity")}</th>
                        <th>{move || i18n.t("sales_amount")}</th>
                    </tr></thead>
                    <tbody>
                        {report.by_product.into_iter().map(|p| view! {
                            <tr class="sales-product"><td>{p.name}</td><td>{p.quantity}</td><td>{format_vnd(p.sales_vnd)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}
