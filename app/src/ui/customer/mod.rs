//! The customer mini app: sign in with one tap, then the member card, rewards, games, surveys, vouchers and
//! points history.

mod check_in;
mod follow_oa;
mod game_rules;
mod games;
mod history;
mod home;
mod later;
mod member_code;
mod menu;
mod my_data;
mod orders;
mod rewards;
mod savings;
mod signin;
mod stores;
mod surveys;
mod tiers;
mod vouchers;

use leptos::{prelude::*, task::spawn_local};

use super::notice::FailureNotice;
use super::{
    api::{Api, ApiFailure, Session},
    bridge::{self, Host, HostTokens},
    i18n::{I18n, LangSwitch},
    route,
};
use crate::api::{CustomerSession, CustomerSessionRequest, ErrorCode, EventIn, Me, Provider, PublicBrand};

/// The session storage slot of the customer app.
pub(super) const SURFACE: &str = "customer";

/// `app_opened` and the home screen's `screen_viewed`, recorded once the member is known.
fn opened_events() -> Vec<EventIn> {
    vec![app_event("app_opened", serde_json::json!({})), screen_viewed("home")]
}

/// An event about the app itself, from the host it runs in.
fn app_event(event_type: &str, properties: serde_json::Value) -> EventIn {
    let source = match bridge::host() {
        Host::Zalo => "zalo",
        Host::Momo => "momo",
        Host::Browser => "web",
    };
    EventIn {
        event_type: event_type.into(),
        occurred_at: None,
        source: Some(source.into()),
        properties: Some(properties),
        utm_source: None,
        utm_medium: None,
        utm_campaign: None,
        utm_content: None,
        link_id: None,
        idempotency_key: None,
    }
}

/// `screen_viewed` for one of the app's screens.
fn screen_viewed(screen: &str) -> EventIn {
    app_event("screen_viewed", serde_json::json!({ "screen": screen }))
}

/// What the mini app shows.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Screen {
    Loading,
    SignedOut,
    Home,
    Rewards,
    /// With the game a link named, if any (shown first).
    Games(Option<String>),
    /// With the survey a link named, if any (opened at once).
    Surveys(Option<String>),
    /// With the voucher just redeemed or a link named, if any.
    Vouchers(Option<String>),
    History,
    Tiers,
    MyData,
    /// The member QR code staff scan.
    Card,
    /// The brand's stores, nearest first when allowed.
    Stores,
    /// At a store: check in or send a receipt, with the poster's code when it came with the address.
    CheckIn(Option<String>),
    /// The menu: order and pay.
    Menu,
    /// The member's orders.
    Orders,
    /// One order, followed until paid.
    Order(String),
    Erased,
    Failed(ApiFailure),
}

impl Screen {
    /// The name `screen_viewed` records.
    fn name(&self) -> Option<&'static str> {
        match self {
            Screen::Home => Some("home"),
            Screen::Rewards => Some("rewards"),
            Screen::Games(_) => Some("games"),
            Screen::Surveys(_) => Some("surveys"),
            Screen::Vouchers(_) => Some("vouchers"),
            Screen::History => Some("points_history"),
            Screen::Tiers => Some("tiers"),
            Screen::MyData => Some("my_data"),
            Screen::Card => Some("member_code"),
            Screen::Stores => Some("stores"),
            Screen::CheckIn(_) => Some("check_in"),
            Screen::Menu => Some("menu"),
            Screen::Orders | Screen::Order(_) => Some("orders"),
            _ => None,
        }
    }

    /// The screen's address: `/`, `/rewards`, `/games[/{id}]`, `/surveys[/{id}]`, `/vouchers[/{id}]`,
    /// `/history`, `/tiers`, `/my-data`; none for the states between screens.
    fn path(&self) -> Option<String> {
        let with = |root: &str, id: &Option<String>| match id {
            Some(id) => format!("{root}/{id}"),
            None => root.to_owned(),
        };
        Some(match self {
            Screen::Home => "/".into(),
            Screen::Rewards => "/rewards".into(),
            Screen::Games(id) => with("/games", id),
            Screen::Surveys(id) => with("/surveys", id),
            Screen::Vouchers(id) => with("/vouchers", id),
            Screen::History => "/history".into(),
            Screen::Tiers => "/tiers".into(),
            Screen::MyData => "/my-data".into(),
            Screen::Card => "/card".into(),
            Screen::Stores => "/stores".into(),
            // The screen's own address carries no code; a poster's link adds it as `?code=`.
            Screen::CheckIn(_) => "/checkin".into(),
            Screen::Menu => "/menu".into(),
            Screen::Orders => "/orders".into(),
            Screen::Order(id) => format!("/orders/{id}"),
            _ => return None,
        })
    }

    /// The screen an address names; the home screen for any other.
    fn from_path(path: &str) -> Screen {
        let path = path.trim_end_matches('/');
        let id = |rest: &str| Some(rest.to_owned()).filter(|id| !id.is_empty() && id.len() <= 64 && !id.contains('/'));
        match path.trim_start_matches('/').split_once('/') {
            Some(("games", rest)) => Screen::Games(id(rest)),
            Some(("surveys", rest)) => Screen::Surveys(id(rest)),
            Some(("vouchers", rest)) => Screen::Vouchers(id(rest)),
            Some(("orders", rest)) => id(rest).map_or(Screen::Orders, Screen::Order),
            _ => match path {
                "/rewards" => Screen::Rewards,
                "/games" => Screen::Games(None),
                "/surveys" => Screen::Surveys(None),
                "/vouchers" => Screen::Vouchers(None),
                "/history" => Screen::History,
                "/tiers" => Screen::Tiers,
                "/my-data" => Screen::MyData,
                "/card" => Screen::Card,
                "/stores" => Screen::Stores,
                "/checkin" => Screen::CheckIn(poster_code()),
                "/menu" => Screen::Menu,
                "/orders" => Screen::Orders,
                _ => Screen::Home,
            },
        }
    }
}

/// The poster's code in the address (`/checkin?code=…`), as the poster's link opens the app.
fn poster_code() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("code").filter(|c| !c.is_empty() && c.len() <= 200)
}

/// Where the campaign click the app was opened from (`?cid=`) waits until the member is known.
const CLICK_KEY: &str = "cham.click";

/// Keeps the click the address names, if any, for [`tie_click`].
fn remember_click() {
    let cid = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("cid"))
        .filter(|c| !c.is_empty() && c.len() <= 64);
    if let (Some(cid), Some(storage)) = (cid, super::api::local_storage()) {
        let _ = storage.set_item(CLICK_KEY, &cid);
    }
}

/// Where the brand website's visitor id the app was opened with (`?aid=`, added by the website's snippet to links
/// into the app) waits for the sign-in, which joins that visitor's web history to the member.
const WEBSITE_VISITOR_KEY: &str = "cham.web_aid";

/// Keeps the website visitor id the address names, if any, for the sign-in.
fn remember_website_visitor() {
    let aid = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("aid"))
        .filter(|a| {
            (8..=64).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if let (Some(aid), Some(storage)) = (aid, super::api::local_storage()) {
        let _ = storage.set_item(WEBSITE_VISITOR_KEY, &aid);
    }
}

/// The website visitor id kept for the sign-in.
fn website_visitor() -> Option<String> {
    super::api::local_storage()?
        .get_item(WEBSITE_VISITOR_KEY)
        .ok()
        .flatten()
}

/// Hands the kept click to the server, now that the member is signed in: the campaign that brought them gets its
/// lead. Tried once; a lost connection keeps it for the next start.
async fn tie_click(api: &Api) {
    let Some(storage) = super::api::local_storage() else {
        return;
    };
    let Some(click_id) = storage.get_item(CLICK_KEY).ok().flatten() else {
        return;
    };
    let outcome = api
        .post_as::<_, crate::api::ClickTied>(SURFACE, "/api/v1/me/clicks", &crate::api::ClickTie { click_id })
        .await;
    if !matches!(outcome, Err(ref e) if e.code == ErrorCode::Network) {
        let _ = storage.remove_item(CLICK_KEY);
    }
}

/// The screen the address names; an address of no screen is replaced by the home screen's.
fn screen_at_address() -> Screen {
    let here = route::current();
    let screen = Screen::from_path(&here);
    if let Some(path) = screen.path().filter(|p| *p != here) {
        route::replace(&path);
    }
    screen
}

/// The customer app's root.
#[component]
pub fn CustomerApp() -> impl IntoView {
    remember_click();
    remember_website_visitor();
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let screen = RwSignal::new(Screen::Loading);
    let me = RwSignal::new(None::<Me>);
    let brand = RwSignal::new(None::<PublicBrand>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);

    let load = {
        let api = api.clone();
        move || {
            let api = api.clone();
            screen.set(Screen::Loading);
            spawn_local(async move {
                match api
                    .get::<PublicBrand>(&format!("/api/v1/brands/{}", api.brand()), None)
                    .await
                {
                    Ok(b) => brand.set(Some(b)),
                    Err(e) => return screen.set(Screen::Failed(e)),
                }
                if api.stored_session(SURFACE).is_none() {
                    return screen.set(Screen::SignedOut);
                }
                match api.get_as::<Me>(SURFACE, "/api/v1/me").await {
                    Ok(signed_in) => {
                        me.set(Some(signed_in));
                        screen.set(screen_at_address());
                        api.track(opened_events()).await;
                        tie_click(&api).await;
                    }
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

    let on_tokens = {
        let api = api.clone();
        Callback::new(move |(provider, tokens): (Provider, HostTokens)| {
            let api = api.clone();
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                let request = CustomerSessionRequest {
                    brand: api.brand().to_owned(),
                    provider,
                    access_token: tokens.access_token,
                    phone_token: tokens.phone_token,
                    anonymous_id: website_visitor(),
                    id_by_oa: tokens.id_by_oa,
                };
                match api
                    .post::<_, CustomerSession>("/api/v1/auth/session", &request, None)
                    .await
                {
                    Ok(session) => {
                        let stored = Session {
                            access: session.tokens.access_token,
                            refresh: session.tokens.refresh_token,
                        };
                        api.store_session(SURFACE, Some(&stored));
                        if let Some(storage) = super::api::local_storage() {
                            let _ = storage.remove_item(WEBSITE_VISITOR_KEY);
                        }
                        me.set(Some(session.me));
                        screen.set(screen_at_address());
                        api.track(opened_events()).await;
                        tie_click(&api).await;
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let on_sign_out = {
        let api = api.clone();
        Callback::new(move |()| {
            let api = api.clone();
            spawn_local(async move {
                api.sign_out(SURFACE).await;
                route::replace("/");
                screen.set(Screen::SignedOut);
            });
        })
    };

    let viewed = Callback::new(move |shown: Screen| {
        if let Some(name) = shown.name() {
            let api = api.clone();
            spawn_local(async move { api.track(vec![screen_viewed(name)]).await });
        }
    });
    let go = Callback::new(move |next: Screen| {
        viewed.run(next.clone());
        if let Some(path) = next.path() {
            route::push(&path);
        }
        screen.set(next);
    });
    // The phone's back and forward buttons move between the screens of a signed-in member.
    route::listen(move |path| {
        if matches!(
            screen.get_untracked(),
            Screen::Loading | Screen::SignedOut | Screen::Erased | Screen::Failed(_)
        ) {
            return;
        }
        let next = Screen::from_path(&path);
        viewed.run(next.clone());
        screen.set(next);
    });
    // A screen's Back: back through the history when the app brought the member here, else to the home screen.
    let home = Callback::new(move |()| {
        if route::can_go_back() {
            route::back();
        } else {
            route::replace("/");
            screen.set(Screen::Home);
        }
    });

    view! {
        <div class="app customer">
            <header class="topbar">
                <span class="brand-name">{move || brand.get().map(|b| b.name).unwrap_or_default()}</span>
                <LangSwitch/>
            </header>
            <main>
                {move || match screen.get() {
                    Screen::Loading => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                    Screen::Failed(e) => {
                    let load = load.clone();
                    view! { <FailureNotice failure=e on_retry=Callback::new(move |()| load())/> }.into_any()
                }
                    Screen::SignedOut => {
                        view! { <signin::SignIn on_tokens=on_tokens busy=busy error=error/> }.into_any()
                    }
                    Screen::Home => match me.get() {
                        Some(member) => view! { <home::Home me=member go=go on_sign_out=on_sign_out/> }.into_any(),
                        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                    },
                    shown @ (Screen::Rewards
                    | Screen::Games(_)
                    | Screen::Surveys(_)
                    | Screen::Vouchers(_)
                    | Screen::History
                    | Screen::Tiers
                    | Screen::MyData
                    | Screen::Card
                    | Screen::Stores
                    | Screen::CheckIn(_)
                    | Screen::Menu
                    | Screen::Orders
                    | Screen::Order(_)) => {
                        let on_erased = Callback::new(move |()| screen.set(Screen::Erased));
                        later::screen(shown, home, go, on_erased)
                    }
                    Screen::Erased => {
                        view! {
                            <p class="notice" role="status">{move || i18n.t("erased")}</p>
                            <signin::SignIn on_tokens=on_tokens busy=busy error=error/>
                        }
                            .into_any()
                    }
                }}
            </main>
        </div>
    }
}
