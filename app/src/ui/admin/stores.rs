//! The stores page: the brand's stores (name, address, hours, map location, open or closed, staff tied), added and
//! changed in one form whose refusals show beside their field.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{Field, FormFailure},
    poster::PosterPanel,
};
use crate::api::{DEFAULT_CHECK_IN_LIMIT, Store, StoreInput};

/// A coordinate typed in the form (`10.7740`, or `10,7740` as Vietnamese write it), if any.
fn coordinate(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    (!text.is_empty()).then(|| text.parse().unwrap_or(f64::NAN))
}

/// The stores page.
#[component]
pub fn StoresPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let stores = RwSignal::new(None::<Vec<Store>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let save_error = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(save_error));
    let saved = RwSignal::new(false);
    let reload = {
        let api = api.clone();
        move || {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<Vec<Store>>(SURFACE, "/api/v1/admin/stores").await {
                    Ok(s) => stores.set(Some(s)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    reload();

    let editing = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let hours = RwSignal::new(String::new());
    let latitude = RwSignal::new(String::new());
    let longitude = RwSignal::new(String::new());
    let active = RwSignal::new(true);
    let limit = RwSignal::new(DEFAULT_CHECK_IN_LIMIT.to_string());
    let poster_of = RwSignal::new(None::<Store>);
    let clear = move || {
        editing.set(None);
        for field in [name, address, hours, latitude, longitude] {
            field.set(String::new());
        }
        limit.set(DEFAULT_CHECK_IN_LIMIT.to_string());
        active.set(true);
        save_error.set(None);
    };
    let edit = move |s: Store| {
        editing.set(Some(s.id));
        name.set(s.input.name);
        address.set(s.input.address);
        hours.set(s.input.hours);
        latitude.set(s.input.latitude.map(|v| v.to_string()).unwrap_or_default());
        longitude.set(s.input.longitude.map(|v| v.to_string()).unwrap_or_default());
        active.set(s.input.active);
        limit.set(s.input.check_in_limit.to_string());
        saved.set(false);
        save_error.set(None);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (api, reload) = (api.clone(), reload.clone());
        let body = StoreInput {
            name: name.get_untracked(),
            address: address.get_untracked(),
            latitude: coordinate(&latitude.get_untracked()),
            longitude: coordinate(&longitude.get_untracked()),
            hours: hours.get_untracked(),
            active: active.get_untracked(),
            // Not a number: 0, which the server refuses beside the field with its range.
            check_in_limit: limit.get_untracked().trim().parse().unwrap_or(0),
        };
        // A coordinate that is not a number cannot travel as JSON: say so beside it without a round trip.
        if body.latitude.is_some_and(f64::is_nan) || body.longitude.is_some_and(f64::is_nan) {
            let pointer = if body.latitude.is_some_and(f64::is_nan) {
                "/latitude"
            } else {
                "/longitude"
            };
            let mut failure = ApiFailure::new(crate::api::ErrorCode::InvalidStore, "not a number");
            failure.field = Some(crate::api::FieldIssue {
                pointer: pointer.into(),
                problem: if pointer == "/latitude" {
                    crate::api::FieldProblem::Range { min: -90, max: 90 }
                } else {
                    crate::api::FieldProblem::Range { min: -180, max: 180 }
                },
            });
            save_error.set(Some(failure));
            return;
        }
        let id = editing.get_untracked();
        spawn_local(async move {
            let outcome = match &id {
                Some(id) => {
                    api.put_as::<_, Store>(SURFACE, &format!("/api/v1/admin/stores/{id}"), &body)
                        .await
                }
                None => api.post_as::<_, Store>(SURFACE, "/api/v1/admin/stores", &body).await,
            };
            match outcome {
                Ok(_) => {
                    clear();
                    saved.set(true);
                    reload();
                }
                Err(e) => {
                    saved.set(false);
                    save_error.set(Some(e));
                }
            }
        });
    };

    let list = move || {
        match stores.get() {
        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        Some(list) if list.is_empty() => view! { <p class="muted empty">{i18n.t("no_stores")}</p> }.into_any(),
        Some(list) => view! {
            <table class="list stores-list">
                <thead><tr>
                    <th>{move || i18n.t("store_name")}</th><th>{move || i18n.t("store_address")}</th>
                    <th>{move || i18n.t("store_hours")}</th><th>{move || i18n.t("store_staff")}</th><th></th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|s| {
                        let store = s.clone();
                        let for_poster = s.clone();
                        let open = s.input.active;
                        let map = s.input.latitude.zip(s.input.longitude).map(|(lat, lng)| {
                            format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}")
                        });
                        view! {
                            <tr class="store-row" class:closed=!open>
                                <td>
                                    <strong class="store-name">{s.input.name.clone()}</strong>
                                    {(!open).then(|| view! { " " <span class="badge stop">{move || i18n.t("store_closed")}</span> })}
                                </td>
                                <td>
                                    {s.input.address.clone()}
                                    {map.map(|href| view! { " · " <a href=href target="_blank" rel="noopener">{move || i18n.t("on_map")}</a> })}
                                </td>
                                <td>{s.input.hours.clone()}</td>
                                <td class="store-staff">{s.staff}</td>
                                <td class="row-actions">
                                    <button type="button" class="link edit-store" on:click=move |_| edit(store.clone())>{move || i18n.t("edit")}</button>
                                    " · "
                                    <button type="button" class="link show-poster" on:click=move |_| poster_of.set(Some(for_poster.clone()))>{move || i18n.t("qr_poster")}</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
    };

    view! {
        <section class="stores-admin">
            <h1>{move || i18n.t("nav_stores")}</h1>
            <p class="muted">{move || i18n.t("stores_lead")}</p>
            <ErrorNotice error=error/>
            {move || saved.get().then(|| view! { <p class="notice success" role="status">{move || i18n.t("saved")}</p> })}
            {list}
            {move || poster_of.get().map(|store| view! {
                <PosterPanel store_id=store.id on_close=Callback::new(move |_| poster_of.set(None))/>
            })}
            <h2>{move || i18n.t(if editing.get().is_some() { "edit_store" } else { "add_store" })}</h2>
            <form class="inline-form store-form" on:submit=submit>
                <Field label="store_name" value=name name="store_name" required=true at="/name"/>
                <Field label="store_address" value=address name="store_address" required=true at="/address"/>
                <Field label="store_hours" value=hours name="store_hours" at="/hours"/>
                <Field label="latitude" value=latitude name="store_latitude" at="/latitude"/>
                <Field label="longitude" value=longitude name="store_longitude" at="/longitude"/>
                <Field label="check_in_limit" value=limit kind="number" name="store_check_in_limit" at="/check_in_limit"/>
                <label class="check">
                    <input type="checkbox" name="store_active" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev))/>
                    {move || i18n.t("store_open")}
                </label>
                <ErrorNotice error=save_error/>
                <button type="submit" class="save-store">{move || i18n.t("save")}</button>
                {move || editing.get().is_some().then(|| view! {
                    <button type="button" class="link" on:click=move |_| clear()>{move || i18n.t("cancel")}</button>
                })}
            </form>
        </section>
    }
}
