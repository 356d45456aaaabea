//! The brand's stores: open ones by name, or nearest first once the member lets the app know where they are, each
//! with its address, opening hours, distance and a way there on the map.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::where_am_i,
        i18n::{I18n, Lang},
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::{api::PublicStore, domain::format_distance};

/// The stores screen.
#[component]
pub fn Stores(on_back: Callback<()>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let stores = RwSignal::new(None::<Vec<PublicStore>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let locating = RwSignal::new(false);
    let no_location = RwSignal::new(false);
    let load = move |api: Api, path: String| {
        spawn_local(async move {
            match api.get_as::<Vec<PublicStore>>(SURFACE, &path).await {
                Ok(list) => stores.set(Some(list)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load(api.clone(), "/api/v1/stores".into());
    let nearest = move |_| {
        let api = api.clone();
        locating.set(true);
        no_location.set(false);
        spawn_local(async move {
            match where_am_i().await {
                Some((lat, lng)) => load(api, format!("/api/v1/stores?lat={lat}&lng={lng}")),
                None => no_location.set(true),
            }
            locating.set(false);
        });
    };
    let list = move || {
        match stores.get() {
        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        Some(list) if list.is_empty() => view! { <p class="muted empty">{i18n.t("no_stores_yet")}</p> }.into_any(),
        Some(list) => view! {
            <ul class="stores">
                {list.into_iter().map(|s| {
                    let way = s.latitude.zip(s.longitude).map(|(lat, lng)| {
                        format!("https://www.google.com/maps/dir/?api=1&destination={lat},{lng}")
                    });
                    let metres = s.distance_m;
                    view! {
                        <li class="store">
                            <h2 class="store-name">{s.name.clone()}</h2>
                            <p class="store-address">{s.address.clone()}</p>
                            {(!s.hours.is_empty()).then(|| view! {
                                <p class="muted">{move || i18n.t("open_hours")} ": " {s.hours.clone()}</p>
                            })}
                            <p class="store-meta">
                                {metres.map(|m| view! { <span class="store-distance">{move || format_distance(m, i18n.lang() == Lang::Vi)}</span> })}
                                {way.map(|href| view! {
                                    <a class="store-way" href=href target="_blank" rel="noopener">{move || i18n.t("directions")}</a>
                                })}
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
    };
    view! {
        <section class="stores-screen">
            <button class="back" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("stores")}</h1>
            <button class="near-me" type="button" disabled=move || locating.get() on:click=nearest>
                {move || i18n.t(if locating.get() { "locating" } else { "stores_near_me" })}
            </button>
            {move || no_location.get().then(|| view! { <p class="notice" role="status">{move || i18n.t("no_location")}</p> })}
            <ErrorNotice error=error/>
            {list}
        </section>
    }
}
