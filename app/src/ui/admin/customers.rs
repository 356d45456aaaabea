//! Customer search: phone in any format, e-mail, id or name; most recently active first; paged.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
    },
    SURFACE,
};
use crate::api::{ProfileListItem, ProfilePage};

fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// The customer search page.
#[component]
pub fn Customers() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let query = RwSignal::new(String::new());
    let rows = RwSignal::new(Vec::<ProfileListItem>::new());
    let cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<ApiFailure>);

    let load = move |append: bool| {
        let api = api.clone();
        loading.set(true);
        error.set(None);
        let mut path = format!("/api/v1/admin/profiles?limit=25&q={}", encode(&query.get_untracked()));
        if append && let Some(c) = cursor.get_untracked() {
            path.push_str(&format!("&cursor={}", encode(&c)));
        }
        spawn_local(async move {
            match api.get_as::<ProfilePage>(SURFACE, &path).await {
                Ok(page) => {
                    if append {
                        rows.update(|r| r.extend(page.profiles));
                    } else {
                        rows.set(page.profiles);
                    }
                    cursor.set(page.next_cursor);
                }
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    };
    load(false);
    let search = {
        let load = load.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            load(false);
        }
    };
    view! {
        <section class="customers">
            <h1>{move || i18n.t("nav_customers")}</h1>
            <form class="search" on:submit=search>
                <input
                    name="q"
                    type="search"
                    placeholder=move || i18n.t("search_placeholder")
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <button type="submit">{move || i18n.t("search")}</button>
            </form>
            <ErrorNotice error=error/>
            <table class="list">
                <thead>
                    <tr>
                        <th>{move || i18n.t("name")}</th>
                        <th>{move || i18n.t("phone")}</th>
                        <th>{move || i18n.t("last_seen")}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        rows.get()
                            .into_iter()
                            .map(|p| {
                                let href = format!("/admin/customers/{}", p.profile_id);
                                view! {
                                    <tr class="customer-row">
                                        <td><a href=href>{p.name.unwrap_or_else(|| "—".into())}</a></td>
                                        <td>{p.phone.unwrap_or_default()}</td>
                                        <td>{super::super::browser::vn_time(&p.last_seen_at)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            {move || {
                if loading.get() {
                    view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any()
                } else if rows.with(Vec::is_empty) {
                    view! { <p class="muted empty">{i18n.t("no_results")}</p> }.into_any()
                } else {
                    ().into_any()
                }
            }}
            {move || {
                let load = load.clone();
                cursor
                    .get()
                    .map(|_| view! { <button type="button" on:click=move |_| load(true)>{move || i18n.t("more")}</button> })
            }}
        </section>
    }
}
