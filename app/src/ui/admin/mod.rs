//! The brand console: sign in, then the console shell with the areas that exist. Store staff have the staff
//! view, a bundle of its own at `/staff`; a staff account that signs in here is sent there.

mod api_keys;
mod campaigns;
mod channel_rules;
mod channels;
mod customers;
mod dashboard;
mod email_server;
mod forms;
mod games;
mod imports;
mod journey_editor;
mod journey_starts;
mod journeys;
mod lead_scoring;
mod liability;
mod loyalty;
mod menu;
mod message_compose;
mod message_report;
mod messages;
mod oa_thread;
mod operations;
mod orders;
mod overview;
mod points;
mod poster;
mod product_codes;
mod profile;
mod refunds;
mod review;
mod rewards;
mod sales;
mod segment_rules;
mod segments;
mod stores;
mod survey_questions;
mod survey_results;
mod surveys;
mod team;
mod web_form_editor;
mod website;

use leptos::{prelude::*, task::spawn_local};

use super::notice::FailureNotice;
use super::{
    api::{Api, ApiFailure, Session},
    console_signin::AdminSignIn,
    i18n::{I18n, LangSwitch},
    page::PageConfig,
};
use crate::api::{AdminSession, ErrorCode, StaffRole, WhoAmI};

/// The session storage slot of the console.
pub(super) const SURFACE: &str = "admin";

/// The console's pages, one URL each.
#[derive(Debug, Clone, PartialEq)]
enum Page {
    Overview,
    Customers,
    Profile(String),
    ApiKeys,
    Imports,
    Loyalty,
    Rewards,
    Games,
    Surveys,
    SurveyResults(String),
    Liability,
    Stores,
    Team,
    /// Flagged check-ins and reconciling claimed receipts.
    Review,
    /// Campaigns, their links and what they brought.
    Campaigns,
    /// Batches of product QR codes.
    ProductCodes,
    /// The menu: categories and products.
    Menu,
    /// The brand's orders.
    Orders,
    /// Sales by day, store and product.
    Sales,
    /// One order with its payment trail.
    Order(String),
    /// Messaging channels: the Zalo OA connection and the sending rules.
    Channels,
    /// Segments of the brand's people.
    Segments,
    /// Re-engagement messages.
    Messages,
    /// Journeys: automated scenarios per person.
    Journeys,
    /// The brand's website: the snippet and pop-up forms.
    Website,
    Operations,
}

fn page_for(path: &str) -> Page {
    let rest = path.trim_end_matches('/').strip_prefix("/admin").unwrap_or_default();
    match rest.trim_start_matches('/').split_once('/') {
        Some(("customers", id)) if !id.is_empty() => Page::Profile(id.to_owned()),
        Some(("surveys", id)) if !id.is_empty() => Page::SurveyResults(id.to_owned()),
        Some(("orders", id)) if !id.is_empty() => Page::Order(id.to_owned()),
        _ => match rest.trim_start_matches('/') {
            "customers" => Page::Customers,
            "api-keys" => Page::ApiKeys,
            "imports" => Page::Imports,
            "loyalty" => Page::Loyalty,
            "rewards" => Page::Rewards,
            "games" => Page::Games,
            "surveys" => Page::Surveys,
            "liability" => Page::Liability,
            "stores" => Page::Stores,
            "staff" => Page::Team,
            "review" => Page::Review,
            "campaigns" => Page::Campaigns,
            "product-codes" => Page::ProductCodes,
            "orders" => Page::Orders,
            "sales" => Page::Sales,
            "menu" => Page::Menu,
            "channels" => Page::Channels,
            "segments" => Page::Segments,
            "messages" => Page::Messages,
            "journeys" => Page::Journeys,
            "website" => Page::Website,
            "operations" => Page::Operations,
            _ => Page::Overview,
        },
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Loading,
    SignedOut,
    Console(Box<WhoAmI>),
    Failed(ApiFailure),
}

/// The console's root.
#[component]
pub fn AdminApp() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let screen = RwSignal::new(Screen::Loading);
    let page = page_for(&expect_context::<PageConfig>().path);

    let load = {
        let api = api.clone();
        move || {
            let api = api.clone();
            if api.stored_session(SURFACE).is_none() {
                return screen.set(Screen::SignedOut);
            }
            screen.set(Screen::Loading);
            spawn_local(async move {
                match api.get_as::<WhoAmI>(SURFACE, "/api/v1/staff/me").await {
                    Ok(o) => screen.set(Screen::Console(Box::new(o))),
                    Err(e) if e.code == ErrorCode::Network => screen.set(Screen::Failed(e)),
                    Err(_) => {
                        api.store_session(SURFACE, None);
                        screen.set(Screen::SignedOut);
                    }
                }
            });
        }
    };
    load();

    let on_signed_in = {
        let api = api.clone();
        let load = load.clone();
        Callback::new(move |session: AdminSession| {
            let stored = Session {
                access: session.tokens.access_token,
                refresh: session.tokens.refresh_token,
            };
            api.store_session(SURFACE, Some(&stored));
            load();
        })
    };
    let sign_out = {
        move |_| {
            let api = api.clone();
            spawn_local(async move {
                api.sign_out(SURFACE).await;
                screen.set(Screen::SignedOut);
            });
        }
    };

    view! {
        <div class="app admin">
            {move || match screen.get() {
                Screen::Loading => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Screen::Failed(e) => {
                    let load = load.clone();
                    view! { <FailureNotice failure=e on_retry=Callback::new(move |()| load())/> }.into_any()
                }
                Screen::SignedOut => view! { <AdminSignIn on_signed_in=on_signed_in title="admin_title"/> }.into_any(),
                Screen::Console(o) => {
                    let sign_out = sign_out.clone();
                    let email = o.user.email.clone();
                    let brand_name = o.brand.name.clone();
                    let page = page.clone();
                    let nav = move |href: &'static str, key: &'static str, active: bool| {
                        view! {
                            <a class=if active { "active" } else { "" } href=href>{move || i18n.t(key)}</a>
                        }
                    };
                    // Store staff have the staff view only: it is a page of its own.
                    if o.user.role == StaffRole::Staff {
                        if let Some(window) = web_sys::window() {
                            let _ = window.location().replace("/staff");
                        }
                        return view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any();
                    }
                    let nav_links = view! {
                            {nav("/admin", "nav_overview", page == Page::Overview)}
                            {nav("/admin/customers", "nav_customers", matches!(page, Page::Customers | Page::Profile(_)))}
                            {nav("/admin/loyalty", "nav_loyalty", page == Page::Loyalty)}
                            {nav("/admin/rewards", "nav_rewards", page == Page::Rewards)}
                            {nav("/admin/games", "nav_games", page == Page::Games)}
                            {nav("/admin/surveys", "nav_surveys", matches!(page, Page::Surveys | Page::SurveyResults(_)))}
                            {nav("/admin/liability", "nav_liability", page == Page::Liability)}
                            {nav("/admin/stores", "nav_stores", page == Page::Stores)}
                            {nav("/admin/staff", "nav_team", page == Page::Team)}
                            {nav("/admin/review", "nav_review", page == Page::Review)}
                            {nav("/admin/campaigns", "nav_campaigns", page == Page::Campaigns)}
                            {nav("/admin/product-codes", "nav_product_codes", page == Page::ProductCodes)}
                            {nav("/admin/menu", "nav_menu", page == Page::Menu)}
                            {nav("/admin/orders", "nav_orders", matches!(page, Page::Orders | Page::Order(_)))}
                            {nav("/admin/sales", "nav_sales", page == Page::Sales)}
                            {nav("/staff", "nav_staff", false)}
                            {nav("/admin/segments", "nav_segments", page == Page::Segments)}
                            {nav("/admin/messages", "nav_messages", page == Page::Messages)}
                            {nav("/admin/journeys", "nav_journeys", page == Page::Journeys)}
                            {nav("/admin/channels", "nav_channels", page == Page::Channels)}
                            {nav("/admin/website", "nav_website", page == Page::Website)}
                            {nav("/admin/imports", "nav_imports", page == Page::Imports)}
                            {nav("/admin/api-keys", "nav_api_keys", page == Page::ApiKeys)}
                            {nav("/admin/operations", "nav_operations", page == Page::Operations)}
                    };
                    let content = match page {
                        Page::Overview => view! { <overview::Overview/> }.into_any(),
                        Page::Customers => view! { <customers::Customers/> }.into_any(),
                        Page::Profile(id) => view! { <profile::ProfileView id=id/> }.into_any(),
                        Page::ApiKeys => view! { <api_keys::ApiKeys/> }.into_any(),
                        Page::Imports => view! { <imports::Imports/> }.into_any(),
                        Page::Loyalty => view! { <loyalty::LoyaltyPage/> }.into_any(),
                        Page::Rewards => view! { <rewards::RewardsPage/> }.into_any(),
                        Page::Games => view! { <games::GamesPage/> }.into_any(),
                        Page::Surveys => view! { <surveys::SurveysPage/> }.into_any(),
                        Page::SurveyResults(id) => view! { <survey_results::SurveyResultsPage id=id/> }.into_any(),
                        Page::Liability => view! { <liability::LiabilityPage/> }.into_any(),
                        Page::Stores => view! { <stores::StoresPage/> }.into_any(),
                        Page::Team => view! { <team::TeamPage/> }.into_any(),
                        Page::Review => view! { <review::ReviewPage/> }.into_any(),
                        Page::Campaigns => view! { <campaigns::CampaignsPage/> }.into_any(),
                        Page::ProductCodes => view! { <product_codes::ProductCodesPage/> }.into_any(),
                        Page::Menu => view! { <menu::MenuPage/> }.into_any(),
                        Page::Orders => view! { <orders::OrdersPage/> }.into_any(),
                        Page::Sales => view! { <sales::SalesPage/> }.into_any(),
                        Page::Order(id) => view! { <orders::OrderPage id=id/> }.into_any(),
                        Page::Channels => view! { <channels::ChannelsPage/> }.into_any(),
                        Page::Segments => view! { <segments::SegmentsPage/> }.into_any(),
                        Page::Messages => view! { <messages::MessagesPage/> }.into_any(),
                        Page::Journeys => view! { <journeys::JourneysPage/> }.into_any(),
                        Page::Website => view! { <website::WebsitePage/> }.into_any(),
                        Page::Operations => view! { <operations::OperationsPage/> }.into_any(),
                    };
                    view! {
                        <header class="topbar">
                            <span class="brand-name">{brand_name}</span>
                            <span class="muted user">{move || i18n.t("signed_in_as")} " " {email}</span>
                            <LangSwitch/>
                            <button class="link" type="button" on:click=sign_out>{move || i18n.t("sign_out")}</button>
                        </header>
                        <div class="console">
                            <nav class="sidebar">{nav_links}</nav>
                            <main>{content}</main>
                        </div>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}
