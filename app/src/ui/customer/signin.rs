//! Sign-in: one tap inside Zalo or MoMo; in a plain browser, the super-app simulator stands in.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::super::{
    api::ApiFailure,
    bridge::{self, Host, HostTokens},
    i18n::I18n,
};
#[cfg(feature = "simulator")]
use super::super::{bridge::SimUser, i18n::Lang, page::PageConfig};
use crate::api::{ErrorCode, Provider};

/// The sign-in screen.
#[component]
pub fn SignIn(
    on_tokens: Callback<(Provider, HostTokens)>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiFailure>>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    #[cfg(feature = "simulator")]
    let config = expect_context::<PageConfig>();
    let host_button = move |provider: Provider, label: &'static str| {
        view! {
            <button
                class="primary"
                type="button"
                disabled=move || busy.get()
                on:click=move |_| {
                    busy.set(true);
                    spawn_local(async move {
                        match bridge::host_sign_in(provider).await {
                            Ok(tokens) => on_tokens.run((provider, tokens)),
                            Err(message) => {
                                error.set(Some(ApiFailure::new(ErrorCode::Host, message)));
                                busy.set(false);
                            }
                        }
                    });
                }
            >
                {move || if busy.get() { i18n.t("signing_in") } else { i18n.t(label) }}
            </button>
        }
    };
    let body = match bridge::host() {
        Host::Zalo => host_button(Provider::Zalo, "sign_in_zalo").into_any(),
        Host::Momo => host_button(Provider::Momo, "sign_in_momo").into_any(),
        #[cfg(feature = "simulator")]
        Host::Browser if !config.sim.is_empty() => {
            view! { <Simulator sim=config.sim on_tokens=on_tokens busy=busy error=error/> }.into_any()
        }
        Host::Browser => view! { <p class="notice">{move || i18n.t("no_host")}</p> }.into_any(),
    };
    view! {
        <section class="sign-in">
            <h1>{move || i18n.t("sign_in_title")}</h1>
            <p class="lead">{move || i18n.t("sign_in_lead")}</p>
            {body}
            <ErrorNotice error=error/>
        </section>
    }
}

/// Creates or picks a simulated Zalo or MoMo user and signs in as them.
#[cfg(feature = "simulator")]
#[component]
fn Simulator(
    sim: String,
    on_tokens: Callback<(Provider, HostTokens)>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiFailure>>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let provider = RwSignal::new(Provider::Zalo);
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let phone_error = RwSignal::new(false);
    let users = RwSignal::new(Vec::<SimUser>::new());

    let refresh_users = {
        let sim = sim.clone();
        move || {
            let sim = sim.clone();
            spawn_local(async move {
                users.set(
                    bridge::sim_users(&sim, provider.get_untracked())
                        .await
                        .unwrap_or_default(),
                );
            });
        }
    };
    refresh_users();

    let finish = move |p: Provider, result: Result<HostTokens, String>| match result {
        Ok(tokens) => on_tokens.run((p, tokens)),
        Err(message) => {
            error.set(Some(ApiFailure::new(ErrorCode::Simulator, message)));
            busy.set(false);
        }
    };
    let create = {
        let sim = sim.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            // A phone the simulator would refuse is said beside the field, in the person's language.
            let typed = phone.get_untracked();
            let bad_phone = !typed.trim().is_empty() && crate::domain::Phone::parse(&typed).is_err();
            phone_error.set(bad_phone);
            if bad_phone {
                return;
            }
            let sim = sim.clone();
            let p = provider.get_untracked();
            busy.set(true);
            spawn_local(async move {
                finish(
                    p,
                    bridge::sim_create(&sim, p, &name.get_untracked(), &phone.get_untracked()).await,
                );
            });
        }
    };
    let tab = {
        move |p: Provider, label: &'static str| {
            let refresh_users = refresh_users.clone();
            view! {
                <button
                    type="button"
                    class=move || if provider.get() == p { "tab active" } else { "tab" }
                    on:click=move |_| {
                        provider.set(p);
                        refresh_users();
                    }
                >
                    {label}
                </button>
            }
        }
    };
    view! {
        <div class="simulator">
            <h2>{move || i18n.t("sim_title")}</h2>
            <p class="muted">{move || i18n.t("sim_lead")}</p>
            <div class="tabs">{tab(Provider::Zalo, "Zalo")} {tab(Provider::Momo, "MoMo")}</div>
            <form on:submit=create>
                <label>
                    {move || i18n.t("sim_name")}
                    <input
                        name="name"
                        required
                        autocomplete="name"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    {move || i18n.t("sim_phone")}
                    <input
                        name="phone"
                        type="tel"
                        inputmode="tel"
                        placeholder="0912 345 678"
                        prop:value=move || phone.get()
                        on:input=move |ev| phone.set(event_target_value(&ev))
                        aria-invalid=move || phone_error.get().to_string()
                    />
                </label>
                {move || phone_error.get().then(|| {
                    let (vi, en) = ErrorCode::InvalidPhone.text();
                    view! {
                        <p class="field-error phone-error" role="alert">
                            {move || if i18n.lang() == Lang::Vi { vi } else { en }}
                        </p>
                    }
                })}
                <button class="primary" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t("signing_in") } else { i18n.t("sim_create") }}
                </button>
            </form>
            <h3>{move || i18n.t("sim_existing")}</h3>
            {move || {
                let list = users.get();
                if list.is_empty() {
                    return view! { <p class="muted">{move || i18n.t("sim_none")}</p> }.into_any();
                }
                let sim = sim.clone();
                view! {
                    <ul class="sim-users">
                        {list
                            .into_iter()
                            .map(|u| {
                                let sim = sim.clone();
                                let id = u.id.clone();
                                view! {
                                    <li>
                                        <span>{u.name} " " <span class="muted">{u.phone_masked}</span></span>
                                        <button
                                            type="button"
                                            disabled=move || busy.get()
                                            on:click=move |_| {
                                                let (sim, id) = (sim.clone(), id.clone());
                                                let p = provider.get_untracked();
                                                busy.set(true);
                                                spawn_local(async move { finish(p, bridge::sim_tokens(&sim, p, &id).await) });
                                            }
                                        >
                                            {move || i18n.t("sim_use")}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </div>
    }
}
