//! The console's messaging channels, starting with the brand's Zalo OA: whether it is connected (and until
//! when its token holds), paused by a refusal with Zalo's words, or not yet; connect with a refresh token from
//! Zalo's OA authorisation, refresh now.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        browser::vn_time,
        i18n::I18n,
    },
    SURFACE,
};
use crate::api::{OaConnect, OaConnection, OaConnectionState};

const PATH: &str = "/api/v1/admin/messaging/oa";

/// The channels page.
#[component]
pub fn ChannelsPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let oa = RwSignal::new(None::<OaConnection>);
    let error = RwSignal::new(None::<ApiFailure>);
    let token = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    {
        let api = api.clone();
        spawn_local(async move {
            match api.get_as::<OaConnection>(SURFACE, PATH).await {
                Ok(c) => oa.set(Some(c)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let connect = {
        let api = api.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let api = api.clone();
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                let body = OaConnect {
                    refresh_token: token.get_untracked(),
                };
                match api.put_as::<_, OaConnection>(SURFACE, PATH, &body).await {
                    Ok(c) => {
                        oa.set(Some(c));
                        token.set(String::new());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let refresh = move |_| {
        let api = api.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api
                .post_as::<_, OaConnection>(SURFACE, &format!("{PATH}/refresh"), &serde_json::json!({}))
                .await
            {
                Ok(c) => oa.set(Some(c)),
                Err(e) => {
                    // A refusal pauses the OA: show the new state beside the error.
                    if let Ok(c) = api.get_as::<OaConnection>(SURFACE, PATH).await {
                        oa.set(Some(c));
                    }
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let status = move || {
        oa.get().map(|c| {
            let until = c.expires_at.as_deref().map(vn_time).unwrap_or_default();
            let refreshed = c.refreshed_at.as_deref().map(vn_time).unwrap_or_default();
            match c.state {
                OaConnectionState::NotConnected => view! {
                    <p class="oa-state muted">{i18n.t("oa_not_connected")}</p>
                }
                .into_any(),
                OaConnectionState::Connected => view! {
                    <p class="oa-state ok">{i18n.t("oa_connected")} " " {until}</p>
                    <p class="muted">{i18n.t("oa_refreshed_at")} " " {refreshed}</p>
                }
                .into_any(),
                OaConnectionState::Expired => view! {
                    <p class="oa-state warn">{i18n.t("oa_expired")}</p>
                }
                .into_any(),
                OaConnectionState::Paused => view! {
                    <p class="oa-state alert">{i18n.t("oa_paused")}</p>
                    <p class="muted oa-error">{c.error.unwrap_or_default()}</p>
                }
                .into_any(),
            }
        })
    };
    let connected = move || oa.get().is_some_and(|c| c.state != OaConnectionState::NotConnected);
    view! {
        <section class="channels-page">
            <h1>{move || i18n.t("nav_channels")}</h1>
            <div class="panel oa-panel">
                <h2>"Zalo OA"</h2>
                {move || if oa.get().is_none() && error.get().is_none() {
                    view! { <p class="muted">{i18n.t("loading")}</p> }.into_any()
                } else {
                    status().into_any()
                }}
                <ErrorNotice error=error/>
                {move || connected().then(|| view! {
                    <button class="refresh-oa" type="button" disabled=move || busy.get() on:click=refresh.clone()>
                        {i18n.t("oa_refresh_now")}
                    </button>
                })}
                <form class="oa-connect" on:submit=connect>
                    <label>
                        {move || i18n.t("oa_refresh_token")}
                        <input
                            name="refresh_token"
                            required
                            maxlength="2048"
                            autocomplete="off"
                            prop:value=move || token.get()
                            on:input=move |ev| token.set(event_target_value(&ev))
                        />
                    </label>
                    <p class="muted">{move || i18n.t("oa_refresh_token_help")}</p>
                    <button class="primary" type="submit" disabled=move || busy.get()>
                        {move || if connected() { i18n.t("oa_reconnect") } else { i18n.t("oa_connect") }}
                    </button>
                </form>
            </div>
            <super::channel_rules::ChannelRules/>
            <super::email_server::EmailServerPanel/>
        </section>
    }
}
