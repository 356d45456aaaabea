//! The Leptos app, client-side rendered: the customer mini app at `/` and the admin console at `/admin`.
//! Everything it shows comes from the server; the page only tells it which brand and API to use.

mod admin;
mod api;
mod bridge;
mod customer;
mod i18n;
mod page;

use leptos::prelude::*;

pub use page::PageConfig;

/// Mounts the app on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let config = PageConfig::read();
    let admin = config.path.starts_with("/admin");
    provide_context(api::Api::new(&config));
    provide_context(config);
    provide_context(i18n::I18n::new());
    if admin {
        view! { <admin::AdminApp/> }.into_any()
    } else {
        view! { <customer::CustomerApp/> }.into_any()
    }
}
