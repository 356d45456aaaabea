//! "My data": consents per channel (one tap to grant or withdraw), a download of everything held, and
//! deletion with a confirmation step.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        bridge::{self, Host},
        browser::download,
        i18n::I18n,
    },
    SURFACE,
};
use crate::api::{Consent, ConsentChange, ErasureReceipt, ErrorCode, ProfileExport};

/// The consent wording this screen shows; bump it whenever the texts change.
const WORDING_VERSION: &str = "2026-11";

fn source() -> &'static str {
    match bridge::host() {
        Host::Zalo => "zalo",
        Host::Momo => "momo",
        Host::Browser => "web",
    }
}

/// The "My data" screen.
#[component]
pub fn MyData(on_back: Callback<()>, on_erased: Callback<()>) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let consents = RwSignal::new(None::<Vec<Consent>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    {
        let api = api.clone();
        spawn_local(async move {
            match api.get_as::<Vec<Consent>>(SURFACE, "/api/v1/me/consents").await {
                Ok(c) => consents.set(Some(c)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let toggle = {
        let api = api.clone();
        move |purpose: String, granted: bool| {
            let api = api.clone();
            busy.set(true);
            spawn_local(async move {
                let change = ConsentChange {
                    granted,
                    wording_version: WORDING_VERSION.into(),
                    source: Some(source().into()),
                };
                let path = format!("/api/v1/me/consents/{purpose}");
                match api.put_as::<_, Vec<Consent>>(SURFACE, &path, &change).await {
                    Ok(c) => consents.set(Some(c)),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let export = {
        let api = api.clone();
        move |_| {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<ProfileExport>(SURFACE, "/api/v1/me/export").await {
                    Ok(data) => {
                        let json = serde_json::to_string_pretty(&data).unwrap_or_default();
                        if let Err(e) = download("cham-my-data.json", "application/json", &json) {
                            error.set(Some(ApiFailure::new(ErrorCode::Download, e)));
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let erase = move |_| {
        let api = api.clone();
        busy.set(true);
        spawn_local(async move {
            match api
                .post_as::<_, ErasureReceipt>(SURFACE, "/api/v1/me/erasure", &serde_json::json!({}))
                .await
            {
                Ok(_) => {
                    api.store_session(SURFACE, None);
                    on_erased.run(());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="my-data">
            <button class="link" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("my_data")}</h1>
            <p class="muted">{move || i18n.t("my_data_lead")}</p>
            {move || match consents.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(list) => {
                    let toggle = toggle.clone();
                    view! {
                        <ul class="consents">
                            {list
                                .into_iter()
                                .map(|c| {
                                    let toggle = toggle.clone();
                                    let purpose = c.purpose.clone();
                                    let key: &'static str = match c.purpose.as_str() {
                                        "marketing_zalo" => "marketing_zalo",
                                        "marketing_zns" => "marketing_zns",
                                        "marketing_email" => "marketing_email",
                                        "marketing_sms" => "marketing_sms",
                                        _ => "analytics",
                                    };
                                    let granted = c.granted;
                                    view! {
                                        <li class="consent" data-purpose=c.purpose>
                                            <span>{move || i18n.t(key)}</span>
                                            <button
                                                type="button"
                                                class=if granted { "switch on" } else { "switch" }
                                                aria-pressed=if granted { "true" } else { "false" }
                                                disabled=move || busy.get()
                                                on:click=move |_| toggle(purpose.clone(), !granted)
                                            >
                                                {move || if granted { i18n.t("on") } else { i18n.t("off") }}
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
            <button class="export" type="button" on:click=export>{move || i18n.t("export")}</button>
            {move || {
                if confirming.get() {
                    let erase = erase.clone();
                    view! {
                        <div class="notice error" role="alertdialog">
                            <p>{move || i18n.t("erase_confirm")}</p>
                            <button class="danger" type="button" disabled=move || busy.get() on:click=erase>
                                {move || i18n.t("erase_yes")}
                            </button>
                            <button type="button" on:click=move |_| confirming.set(false)>{move || i18n.t("cancel")}</button>
                        </div>
                    }
                        .into_any()
                } else {
                    view! {
                        <button class="link danger-link" type="button" on:click=move |_| confirming.set(true)>
                            {move || i18n.t("erase")}
                        </button>
                    }
                        .into_any()
                }
            }}
            <ErrorNotice error=error/>
        </section>
    }
}
