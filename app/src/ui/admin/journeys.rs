//! The journeys page: each journey with its state and who is where, opened, paused and changed here; a new one
//! starts empty or from a ready-made one. The editor is [`super::journey_editor`].

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::vn_time,
        i18n::{I18n, Lang},
        notice::ErrorNotice,
    },
    SURFACE,
    journey_editor::JourneyEditor,
    journey_starts::starters,
};
use crate::api::{Journey, JourneyInput, JourneyStatus};

/// What is open in the editor: a new journey (from a start) or one being changed.
#[derive(Clone)]
pub enum Editing {
    /// A new one.
    New(JourneyInput),
    /// An existing one.
    Existing(Journey),
}

/// The page.
#[component]
pub fn JourneysPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let journeys = RwSignal::new(None::<Vec<Journey>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let editing = RwSignal::new(None::<Editing>);
    let reload = {
        let api = api.clone();
        Callback::new(move |()| {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<Vec<Journey>>(SURFACE, "/api/v1/admin/journeys").await {
                    Ok(list) => {
                        error.set(None);
                        journeys.set(Some(list));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    reload.run(());
    let on_saved = Callback::new(move |()| {
        editing.set(None);
        reload.run(());
    });
    let on_cancel = Callback::new(move |()| editing.set(None));
    let set_status = Callback::new(move |(id, action): (String, &'static str)| {
        let api = api.clone();
        spawn_local(async move {
            let path = format!("/api/v1/admin/journeys/{id}/{action}");
            match api
                .post_as::<_, Journey>(SURFACE, &path, &serde_json::json!(null))
                .await
            {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let starts = move || {
        starters(i18n.lang() == Lang::Vi)
            .into_iter()
            .map(|(key, input)| {
                view! {
                    <button type="button" class="link journey-start" on:click=move |_| editing.set(Some(Editing::New(input.clone())))>
                        {move || i18n.t(key)}
                    </button>
                }
            })
            .collect_view()
    };
    let list = move || match journeys.get() {
        None => view! { <p class="loading" role="status">{move || i18n.t("loading")}</p> }.into_any(),
        Some(list) if list.is_empty() => {
            view! { <p class="muted empty no-journeys">{move || i18n.t("no_journeys")}</p> }.into_any()
        }
        Some(list) => list
            .into_iter()
            .map(|j| view! { <JourneyCard journey=j editing=editing set_status=set_status/> })
            .collect_view()
            .into_any(),
    };
    view! {
        <section class="journeys">
            <div class="dashboard-head">
                <h1>{move || i18n.t("nav_journeys")}</h1>
            </div>
            <p class="muted">{move || i18n.t("journeys_lead")}</p>
            <div class="panel journey-starts">
                <strong>{move || i18n.t("journey_new_from")}</strong>
                {starts}
            </div>
            <ErrorNotice error=error/>
            {move || editing.get().map(|e| view! { <JourneyEditor editing=e on_saved=on_saved on_cancel=on_cancel/> })}
            {list}
        </section>
    }
}

/// One journey: its state, who is where, and what can be done with it.
#[component]
fn JourneyCard(
    journey: Journey,
    editing: RwSignal<Option<Editing>>,
    set_status: Callback<(String, &'static str)>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let (badge, key) = match journey.status {
        JourneyStatus::Active => ("badge ok", "journey_active"),
        JourneyStatus::Paused => ("badge warn", "journey_paused"),
        JourneyStatus::Draft => ("badge", "journey_draft"),
    };
    let id = journey.id.clone();
    let toggle = match journey.status {
        JourneyStatus::Active => ("pause", "journey_pause"),
        _ => ("activate", "journey_activate"),
    };
    let changed = vn_time(&journey.updated_at);
    let open = journey.clone();
    view! {
        <article class="panel journey-card" data-id=journey.id>
            <div class="dashboard-head">
                <h3>{journey.input.name.clone()} " " <span class=badge>{move || i18n.t(key)}</span></h3>
                <div class="actions">
                    <button type="button" class="link edit-journey" on:click=move |_| editing.set(Some(Editing::Existing(open.clone())))>
                        {move || i18n.t("edit")}
                    </button>
                    <button type="button" class=format!("{}-journey", toggle.0) on:click=move |_| set_status.run((id.clone(), toggle.0))>
                        {move || i18n.t(toggle.1)}
                    </button>
                </div>
            </div>
            <div class="stats">
                <div class="stat"><div class="stat-value">{journey.entered}</div><div class="stat-label">{move || i18n.t("journey_entered")}</div></div>
                <div class="stat"><div class="stat-value journey-inside">{journey.inside}</div><div class="stat-label">{move || i18n.t("journey_inside")}</div></div>
                <div class="stat"><div class="stat-value">{journey.finished}</div><div class="stat-label">{move || i18n.t("journey_finished")}</div></div>
                <div class="stat"><div class="stat-value">{journey.exited}</div><div class="stat-label">{move || i18n.t("journey_exited")}</div></div>
            </div>
            <p class="muted small">{move || i18n.t("journey_version")} " " {journey.version} " · " {move || i18n.t("journey_changed")} " " {changed}</p>
        </article>
    }
}
