//! The customer mini app: sign in with one tap, then the member card.

mod home;
mod my_data;
mod signin;

use leptos::{prelude::*, task::spawn_local};

use super::notice::FailureNotice;
use super::{
    api::{Api, ApiFailure, Session},
    bridge::{self, Host, HostTokens},
    i18n::{I18n, LangSwitch},
};
use crate::api::{CustomerSession, CustomerSessionRequest, EventIn, Me, Provider, PublicBrand};

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

#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Loading,
    SignedOut,
    Home(Box<Me>),
    MyData(Box<Me>),
    Erased,
    Failed(ApiFailure),
}

/// The customer app's root.
#[component]
pub fn CustomerApp() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let screen = RwSignal::new(Screen::Loading);
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
                    Ok(me) => {
                        screen.set(Screen::Home(Box::new(me)));
                        api.track(opened_events()).await;
                    }
                    Err(e) if e.code == "network" => screen.set(Screen::Failed(e)),
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
                    anonymous_id: None,
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
                        screen.set(Screen::Home(Box::new(session.me)));
                        api.track(opened_events()).await;
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
                screen.set(Screen::SignedOut);
            });
        })
    };

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
                    Screen::Home(me) => {
                        let shown = (*me).clone();
                        let api = api.clone();
                        let on_my_data = Callback::new(move |()| {
                            screen.set(Screen::MyData(me.clone()));
                            let api = api.clone();
                            spawn_local(async move { api.track(vec![screen_viewed("my_data")]).await });
                        });
                        view! { <home::Home me=shown on_sign_out=on_sign_out on_my_data=on_my_data/> }.into_any()
                    }
                    Screen::MyData(me) => {
                        let on_back = Callback::new(move |()| screen.set(Screen::Home(me.clone())));
                        let on_erased = Callback::new(move |()| screen.set(Screen::Erased));
                        view! { <my_data::MyData on_back=on_back on_erased=on_erased/> }.into_any()
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
