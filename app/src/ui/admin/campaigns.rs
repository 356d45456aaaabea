//! The campaigns page: each campaign with what it brought (clicks → leads → visits → purchases, revenue), short
//! links per channel and placement opening a chosen screen of the mini app, and a campaign's last 30 days by day
//! and by store, with a CSV for Excel.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::download,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    dashboard::BarChart,
    forms::{Field, FormFailure},
    poster::mini_app_address,
};
use crate::{
    api::{Campaign, CampaignInput, CampaignLink, CampaignReport, CustomerGroups, Funnel, LinkInput},
    domain::format_vnd,
};

/// The screens a link may open, with their label keys.
const TARGETS: &[(&str, &str)] = &[
    ("/", "screen_home"),
    ("/rewards", "screen_rewards"),
    ("/games", "screen_games"),
    ("/surveys", "screen_surveys"),
    ("/vouchers", "screen_vouchers"),
    ("/stores", "screen_stores"),
    ("/checkin", "screen_checkin"),
    ("/card", "screen_card"),
];

/// Channels offered as the channel field's suggestions.
const CHANNELS: &[&str] = &[
    "zalo_oa", "zns", "facebook", "tiktok", "website", "email", "sms", "poster",
];

/// The page.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let campaigns = RwSignal::new(None::<Vec<Campaign>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let save_error = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(save_error));
    let open = RwSignal::new(None::<String>);
    let reload = {
        let api = api.clone();
        Callback::new(move |()| {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<Vec<Campaign>>(SURFACE, "/api/v1/admin/campaigns").await {
                    Ok(list) => campaigns.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    reload.run(());

    let name = RwSignal::new(String::new());
    let slug = RwSignal::new(String::new());
    let window = RwSignal::new("7".to_owned());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CampaignInput {
            name: name.get_untracked(),
            slug: slug.get_untracked(),
            // Not a number: 0, which the server refuses beside the field with its range.
            window_days: window.get_untracked().trim().parse().unwrap_or(0),
        };
        let api = api.clone();
        spawn_local(async move {
            match api
                .post_as::<_, Campaign>(SURFACE, "/api/v1/admin/campaigns", &body)
                .await
            {
                Ok(c) => {
                    save_error.set(None);
                    name.set(String::new());
                    slug.set(String::new());
                    open.set(Some(c.id));
                    reload.run(());
                }
                Err(e) => save_error.set(Some(e)),
            }
        });
    };

    let list = move || {
        match campaigns.get() {
        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        Some(list) if list.is_empty() => view! { <p class="muted empty">{i18n.t("no_campaigns")}</p> }.into_any(),
        Some(list) => view! {
            <table class="list campaigns-list">
                <thead><tr>
                    <th>{move || i18n.t("campaign_name")}</th><th>{move || i18n.t("clicks")}</th>
                    <th>{move || i18n.t("leads")}</th><th>{move || i18n.t("visits")}</th>
                    <th>{move || i18n.t("purchases")}</th><th>{move || i18n.t("revenue")}</th><th></th>
                </tr></thead>
                <tbody>
                    {list.iter().map(|c| {
                        let id = c.id.clone();
                        let f = &c.funnel;
                        view! {
                            <tr class="campaign-row">
                                <td><strong>{c.input.name.clone()}</strong> " " <span class="muted">{c.input.slug.clone()}</span></td>
                                <td>{f.clicks}</td><td>{f.leads}</td><td>{f.visits}</td><td>{f.purchases}</td>
                                <td>{format_vnd(f.revenue_vnd)}</td>
                                <td><button type="button" class="link open-campaign" on:click=move |_| open.set(Some(id.clone()))>{move || i18n.t("open_report")}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || open.get().and_then(|id| list.iter().find(|c| c.id == id).cloned()).map(|c| view! {
                <CampaignDetail campaign=c on_change=reload/>
            })}
        }
        .into_any(),
    }
    };

    view! {
        <section class="campaigns-admin">
            <h1>{move || i18n.t("nav_campaigns")}</h1>
            <p class="muted">{move || i18n.t("campaigns_lead")}</p>
            <ErrorNotice error=error/>
            {list}
            <h2>{move || i18n.t("add_campaign")}</h2>
            <form class="inline-form campaign-form" on:submit=submit>
                <Field label="campaign_name" value=name name="campaign_name" required=true at="/name"/>
                <Field label="campaign_slug" value=slug name="campaign_slug" required=true at="/slug"/>
                <Field label="window_days" value=window kind="number" name="window_days" at="/window_days"/>
                <ErrorNotice error=save_error/>
                <button type="submit" class="save-campaign">{move || i18n.t("add_campaign")}</button>
            </form>
        </section>
    }
}

/// A campaign's links, the form adding one, and its report.
#[component]
fn CampaignDetail(campaign: Campaign, on_change: Callback<()>) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let channel = RwSignal::new("zalo_oa".to_owned());
    let placement = RwSignal::new(String::new());
    let target = RwSignal::new("/".to_owned());
    let error = RwSignal::new(None::<ApiFailure>);
    let id = campaign.id.clone();
    let add = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let body = LinkInput {
                channel: channel.get_untracked(),
                placement: placement.get_untracked(),
                target: target.get_untracked(),
            };
            let (api, path) = (api.clone(), format!("/api/v1/admin/campaigns/{id}/links"));
            spawn_local(async move {
                match api.post_as::<_, CampaignLink>(SURFACE, &path, &body).await {
                    Ok(_) => {
                        error.set(None);
                        placement.set(String::new());
                        on_change.run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let base = mini_app_address();
    let links = if campaign.links.is_empty() {
        view! { <p class="muted">{move || i18n.t("no_links")}</p> }.into_any()
    } else {
        view! {
            <table class="list links-list">
                <thead><tr>
                    <th>{move || i18n.t("link_channel")}</th><th>{move || i18n.t("link_placement")}</th>
                    <th>{move || i18n.t("link_target")}</th><th>{move || i18n.t("clicks")}</th><th></th>
                </tr></thead>
                <tbody>
                    {campaign.links.into_iter().map(|l| {
                        let url = format!("{base}l/{}", l.code);
                        let screen = TARGETS.iter().find(|(path, _)| *path == l.input.target).map(|(_, key)| *key);
                        view! {
                            <tr class="link-row">
                                <td>{l.input.channel}</td><td>{l.input.placement}</td>
                                <td>{move || screen.map_or_else(|| l.input.target.clone(), |key| i18n.t(key).to_owned())}</td>
                                <td>{l.clicks}</td>
                                <td><input class="link-url" readonly prop:value=url on:focus=move |ev| {
                                    use wasm_bindgen::JsCast;
                                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                        input.select();
                                    }
                                }/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="campaign-detail">
            <h2>{campaign.input.name} " · " {move || i18n.t("links")}</h2>
            {links}
            <form class="inline-form link-form" on:submit=add>
                <label>
                    {move || i18n.t("link_channel")}
                    <input name="channel" list="channels" required prop:value=move || channel.get() on:input=move |ev| channel.set(event_target_value(&ev))/>
                    <datalist id="channels">{CHANNELS.iter().map(|c| view! { <option value=*c/> }).collect_view()}</datalist>
                </label>
                <Field label="link_placement" value=placement name="placement" at="/placement"/>
                <label>
                    {move || i18n.t("link_target")}
                    <select name="target" on:change=move |ev| target.set(event_target_value(&ev))>
                        {TARGETS.iter().map(|(path, key)| view! { <option value=*path>{move || i18n.t(key)}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="add-link">{move || i18n.t("add_link")}</button>
            </form>
            <ErrorNotice error=error/>
            <Report id=id/>
        </section>
    }
}

/// A campaign's last 30 days: the funnel, a chart a measure, by store, and the CSV.
#[component]
fn Report(id: String) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let report = RwSignal::new(None::<CampaignReport>);
    let error = RwSignal::new(None::<ApiFailure>);
    {
        let (api, path) = (api.clone(), format!("/api/v1/admin/campaigns/{id}/report"));
        spawn_local(async move {
            match api.get_as::<CampaignReport>(SURFACE, &path).await {
                Ok(r) => report.set(Some(r)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let csv = move |_| {
        let (api, id) = (api.clone(), id.clone());
        spawn_local(async move {
            let path = format!(
                "/api/v1/admin/campaigns/{id}/report?format=csv&lang={}",
                i18n.lang_untracked().code()
            );
            match api.text_as(SURFACE, &path).await {
                Ok(text) => {
                    let _ = download("campaign.csv", "text/csv", &text);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let stat = move |value: String, key: &'static str| {
        view! {
            <div class="stat">
                <div class="stat-value">{value}</div>
                <div class="stat-label">{move || i18n.t(key)}</div>
            </div>
        }
    };
    view! {
        <div class="campaign-report">
            <div class="dashboard-head">
                <h3>{move || i18n.t("report_heading")}</h3>
                <button type="button" class="download-csv" on:click=csv>{move || i18n.t("download_csv")}</button>
            </div>
            <ErrorNotice error=error/>
            {move || report.get().map(|r| {
                let t = r.total.clone();
                let chart = |key: &'static str, class: &'static str, value: fn(&Funnel) -> i64| {
                    let values: Vec<(String, i64)> = r.by_day.iter().map(|d| (d.label.clone(), value(&d.funnel))).collect();
                    view! { <BarChart title=key class=class values=values/> }
                };
                view! {
                    <div class="stats funnel">
                        {stat(t.clicks.to_string(), "clicks")}
                        {stat(t.leads.to_string(), "leads")}
                        {stat(t.visits.to_string(), "visits")}
                        {stat(t.purchases.to_string(), "purchases")}
                        {stat(format_vnd(t.revenue_vnd), "revenue")}
                        {stat(t.first_touch_conversions.to_string(), "first_touch")}
                    </div>
                    <div class="charts">
                        {chart("clicks", "clicks", |f| f.clicks)}
                        {chart("leads", "leads", |f| f.leads)}
                        {chart("visits", "visits", |f| f.visits)}
                        {chart("purchases", "purchases", |f| f.purchases)}
                    </div>
                    <h3>{move || i18n.t("groups_heading")}</h3>
                    {groups(&r.groups, i18n)}
                    <h3>{move || i18n.t("by_store")}</h3>
                    {if r.by_store.is_empty() {
                        view! { <p class="muted">{move || i18n.t("no_store_sales")}</p> }.into_any()
                    } else {
                        view! {
                            <table class="list by-store">
                                <thead><tr>
                                    <th>{move || i18n.t("choose_store")}</th><th>{move || i18n.t("visits")}</th>
                                    <th>{move || i18n.t("purchases")}</th><th>{move || i18n.t("revenue")}</th>
                                </tr></thead>
                                <tbody>
                                    {r.by_store.iter().map(|s| view! {
                                        <tr><td>{s.label.clone()}</td><td>{s.funnel.visits}</td><td>{s.funnel.purchases}</td><td>{format_vnd(s.funnel.revenue_vnd)}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                }
            })}
        </div>
    }
}

/// The people a campaign brought, a bar a group; an empty state while it has brought nobody.
fn groups(g: &CustomerGroups, i18n: I18n) -> AnyView {
    let rows = [
        ("first_time_buyers", g.first_time_buyers),
        ("returning_buyers", g.returning_buyers),
        ("visitors_only", g.visitors),
        ("leads_only", g.leads_only),
    ];
    let total: i64 = rows.iter().map(|r| r.1).sum();
    if total == 0 {
        return view! { <p class="muted">{move || i18n.t("no_people_yet")}</p> }.into_any();
    }
    let most = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    view! {
        <table class="list bars customer-groups">
            <tbody>
                {rows.into_iter().map(|(key, n)| view! {
                    <tr data-group=key>
                        <td>{move || i18n.t(key)}</td>
                        <td class="count">{n}</td>
                        <td>{format!("{}%", n * 100 / total)}</td>
                        <td style="width: 40%"><div class="bar" style=format!("width: {}%", n * 100 / most)></div></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
