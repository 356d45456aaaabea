//! The sign-in form of the console and of the staff view: a brand user's e-mail and password.

use leptos::{prelude::*, task::spawn_local};

use super::notice::ErrorNotice;
use super::{
    api::{Api, ApiFailure},
    i18n::{I18n, LangSwitch},
};
use crate::api::{AdminSession, AdminSessionRequest, PublicBrand};

/// E-mail and password sign-in for brand owners, admins and staff, under the heading `title` (a text key).
#[component]
pub fn AdminSignIn(on_signed_in: Callback<AdminSession>, title: &'static str) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);
    let brand_name = RwSignal::new(None::<String>);
    {
        let api = api.clone();
        spawn_local(async move {
            match api
                .get::<PublicBrand>(&format!("/api/v1/brands/{}", api.brand()), None)
                .await
            {
                Ok(brand) => brand_name.set(Some(brand.name)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let api = api.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let request = AdminSessionRequest {
                brand: api.brand().to_owned(),
                email: email.get_untracked(),
                password: password.get_untracked(),
            };
            match api
                .post::<_, AdminSession>("/api/v1/admin/session", &request, None)
                .await
            {
                Ok(session) => on_signed_in.run(session),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="admin-sign-in">
            <header class="topbar">
                <span class="brand-name">{move || brand_name.get().unwrap_or_default()}</span>
                <LangSwitch/>
            </header>
            <form on:submit=submit>
                <h1>{move || i18n.t(title)}</h1>
                <label>
                    {move || i18n.t("admin_email")}
                    <input
                        name="email"
                        type="email"
                        required
                        autocomplete="username"
                        prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    {move || i18n.t("admin_password")}
                    <input
                        name="password"
                        type="password"
                        required
                        autocomplete="current-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
                <button class="primary" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t("loading") } else { i18n.t("admin_sign_in") }}
                </button>
                <ErrorNotice error=error/>
            </form>
        </section>
    }
}
