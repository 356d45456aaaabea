//! The staff view, a bundle of its own (`cham_staff`, served at `/staff`): store staff sign in with their e-mail
//! and password, then type or scan a voucher's or a game gift's code and mark it used. Nothing of the console is
//! in it, so it loads fast on a store's phone.

mod check;
mod claims;
mod member;
mod orders;
mod shift;

use leptos::{prelude::*, task::spawn_local};

use super::{
    api::{Api, ApiFailure, Session},
    console_signin::AdminSignIn,
    i18n::{I18n, LangSwitch},
    notice::FailureNotice,
};
use crate::api::{AdminSession, ErrorCode, WhoAmI};

/// The session storage slot of the staff view: the console's, so an admin who opens the staff view from the
/// console is already signed in there (and signing out of one signs out of both on this device).
pub(super) const SURFACE: &str = "admin";

#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Loading,
    SignedOut,
    SignedIn(Box<WhoAmI>),
    Failed(ApiFailure),
}

/// The staff view's root.
#[component]
pub fn StaffApp() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let screen = RwSignal::new(Screen::Loading);

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
                    Ok(who) => screen.set(Screen::SignedIn(Box::new(who))),
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
        let (api, load) = (api.clone(), load.clone());
        Callback::new(move |session: AdminSession| {
            api.store_session(
                SURFACE,
                Some(&Session {
                    access: session.tokens.access_token,
                    refresh: session.tokens.refresh_token,
                }),
            );
            load();
        })
    };
    let sign_out = move |_| {
        let api = api.clone();
        spawn_local(async move {
            api.sign_out(SURFACE).await;
            screen.set(Screen::SignedOut);
        });
    };

    view! {
        <div class="app staff">
            {move || match screen.get() {
                Screen::Loading => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Screen::Failed(e) => {
                    let load = load.clone();
                    view! { <FailureNotice failure=e on_retry=Callback::new(move |()| load())/> }.into_any()
                }
                Screen::SignedOut => {
                    view! { <AdminSignIn on_signed_in=on_signed_in title="staff_title"/> }.into_any()
                }
                Screen::SignedIn(who) => {
                    let sign_out = sign_out.clone();
                    view! {
                        <header class="topbar">
                            <span class="brand-name">{who.brand.name.clone()}</span>
                            <LangSwitch/>
                            <button class="link sign-out" type="button" on:click=sign_out>{move || i18n.t("sign_out")}</button>
                        </header>
                        <p class="muted user staff-user">{move || i18n.t("signed_in_as")} " " {who.user.email.clone()}</p>
                        <main><check::StaffPage stores=who.stores.clone() role=who.user.role/></main>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}
