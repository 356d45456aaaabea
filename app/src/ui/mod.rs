//! The Leptos app, client-side rendered: the customer mini app at `/`, the admin console at `/admin` and the
//! staff view at `/staff`, each a bundle of its own.
//! Everything it shows comes from the server; the page only tells it which brand and API to use.

#[cfg(feature = "admin")]
mod admin;
mod api;
#[cfg(feature = "customer")]
mod bridge;
mod browser;
#[cfg(any(feature = "admin", feature = "staff"))]
mod console_signin;
#[cfg(feature = "customer")]
mod customer;
mod i18n;
mod notice;
mod page;
#[cfg(feature = "customer")]
mod route;
#[cfg(all(feature = "staff", not(feature = "admin")))]
mod staff;
#[cfg(any(feature = "customer", feature = "admin"))]
mod survey_form;

use leptos::prelude::*;

pub use page::PageConfig;

/// Mounts the app on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let config = PageConfig::read();
    provide_context(api::Api::new(&config));
    provide_context(config);
    provide_context(i18n::I18n::new());
    surface()
}

/// The console bundle shows the console.
#[cfg(feature = "admin")]
fn surface() -> AnyView {
    view! { <admin::AdminApp/> }.into_any()
}

/// The mini-app bundle shows the mini app.
#[cfg(all(feature = "customer", not(feature = "admin"), not(feature = "staff")))]
fn surface() -> AnyView {
    view! { <customer::CustomerApp/> }.into_any()
}

/// The staff bundle shows the staff view.
#[cfg(all(feature = "staff", not(feature = "admin")))]
fn surface() -> AnyView {
    view! { <staff::StaffApp/> }.into_any()
}
