//! The website page: the snippet's line to paste, the websites it may send from, a live check of what arrived,
//! and the pop-up forms with their funnel (the builder is [`super::web_form_editor`]).

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::vn_time,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    dashboard::BarChart,
    forms::{FieldMessage, FormFailure},
    lead_scoring::LeadScoringPanel,
    web_form_editor::FormEditor,
};
use crate::api::{WebForm, Website, WebsiteInput};

/// The page.
#[component]
pub fn WebsitePage() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <section class="website-admin">
            <h1>{move || i18n.t("nav_website")}</h1>
            <p class="muted">{move || i18n.t("website_lead")}</p>
            <Install/>
            <Forms/>
            <LeadScoringPanel/>
        </section>
    }
}

/// The line to paste, the websites, and the live check.
#[component]
fn Install() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let site = RwSignal::new(None::<Website>);
    let error = RwSignal::new(None::<ApiFailure>);
    let save_error = RwSignal::new(None::<ApiFailure>);
    let saved = RwSignal::new(false);
    let origins = RwSignal::new(String::new());
    let load = {
        let api = api.clone();
        Callback::new(move |()| {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<Website>(SURFACE, "/api/v1/admin/website").await {
                    Ok(w) => {
                        error.set(None);
                        if origins.get_untracked().is_empty() {
                            origins.set(w.origins.join("\n"));
                        }
                        site.set(Some(w));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    load.run(());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = WebsiteInput {
            origins: origins
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        let api = api.clone();
        spawn_local(async move {
            match api.put_as::<_, Website>(SURFACE, "/api/v1/admin/website", &body).await {
                Ok(w) => {
                    save_error.set(None);
                    saved.set(true);
                    origins.set(w.origins.join("\n"));
                    site.set(Some(w));
                }
                Err(e) => {
                    saved.set(false);
                    save_error.set(Some(e));
                }
            }
        });
    };
    provide_context(FormFailure(save_error));
    view! {
        <ErrorNotice error=error/>
        {move || site.get().map(|w| {
            let line = w.snippet.clone();
            view! {
                <div class="panel snippet-panel">
                    <h2>{move || i18n.t("snippet_title")}</h2>
                    <p class="muted">{move || i18n.t("snippet_help")}</p>
                    <input class="snippet-line" readonly prop:value=line on:focus=move |ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }/>
                    <p class="muted small">{move || i18n.t("snippet_consent_help")}</p>
                </div>
                <div class="panel live-check">
                    <h2>{move || i18n.t("live_check")}</h2>
                    {if w.events_last_day == 0 {
                        view! { <p class="muted live-none">{move || i18n.t("live_none")}</p> }.into_any()
                    } else {
                        let last = w.last_event_at.as_deref().map(vn_time).unwrap_or_default();
                        let page = w.last_event_page.clone().unwrap_or_default();
                        view! {
                            <p class="live-count"><strong>{w.events_last_day}</strong> " " {move || i18n.t("live_count")}</p>
                            <p class="muted">{move || i18n.t("live_last")} " " {last} " · " {page}</p>
                        }.into_any()
                    }}
                    <button type="button" class="link check-again" on:click=move |_| load.run(())>{move || i18n.t("check_again")}</button>
                </div>
            }
        })}
        <form class="panel origins-form" on:submit=save>
            <h2>{move || i18n.t("origins_title")}</h2>
            <p class="muted">{move || i18n.t("origins_help")}</p>
            {move || site.get().filter(|w| w.origins.is_empty()).map(|_| view! { <p class="notice warn origins-none">{move || i18n.t("origins_none")}</p> })}
            <textarea name="origins" rows="3" placeholder="https://www.example.vn" prop:value=move || origins.get()
                on:input=move |ev| { saved.set(false); origins.set(event_target_value(&ev)); }></textarea>
            {(0..20).map(|i| view! { <FieldMessage at=format!("/origins/{i}")/> }).collect_view()}
            <ErrorNotice error=save_error/>
            {move || saved.get().then(|| view! { <p class="notice success" role="status">{move || i18n.t("saved")}</p> })}
            <button type="submit" class="save-origins">{move || i18n.t("save_origins")}</button>
        </form>
    }
}

/// The forms, each with its funnel, and the builder.
#[component]
fn Forms() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let forms = RwSignal::new(None::<Vec<WebForm>>);
    let error = RwSignal::new(None::<ApiFailure>);
    // `Some(None)`: a new form; `Some(Some(form))`: changing one.
    let editing = RwSignal::new(None::<Option<WebForm>>);
    let reload = Callback::new(move |()| {
        let api = api.clone();
        spawn_local(async move {
            match api.get_as::<Vec<WebForm>>(SURFACE, "/api/v1/admin/website/forms").await {
                Ok(list) => forms.set(Some(list)),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    reload.run(());
    let on_saved = Callback::new(move |()| {
        editing.set(None);
        reload.run(());
    });
    let on_cancel = Callback::new(move |()| editing.set(None));
    let list = move || match forms.get() {
        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        Some(list) if list.is_empty() => view! { <p class="muted empty no-forms">{i18n.t("no_forms")}</p> }.into_any(),
        Some(list) => list
            .into_iter()
            .map(|form| view! { <FormSummary form=form editing=editing/> })
            .collect_view()
            .into_any(),
    };
    view! {
        <div class="web-forms">
            <div class="dashboard-head">
                <h2>{move || i18n.t("forms_title")}</h2>
                <button type="button" class="new-form" on:click=move |_| editing.set(Some(None))>{move || i18n.t("new_form")}</button>
            </div>
            <ErrorNotice error=error/>
            {move || editing.get().map(|form| view! { <FormEditor form=form on_saved=on_saved on_cancel=on_cancel/> })}
            {list}
        </div>
    }
}

/// One form: its state, its funnel and its last 30 days.
#[component]
fn FormSummary(form: WebForm, editing: RwSignal<Option<Option<WebForm>>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let f = form.funnel;
    let conversion = if f.shown > 0 {
        format!("{}%", f.submitted.saturating_mul(100) / f.shown)
    } else {
        "—".to_owned()
    };
    let submitted: Vec<(String, i64)> = form.days.iter().map(|d| (d.day.clone(), d.funnel.submitted)).collect();
    let shown: Vec<(String, i64)> = form.days.iter().map(|d| (d.day.clone(), d.funnel.shown)).collect();
    let live = form.input.active;
    let stat = move |value: String, key: &'static str| {
        view! {
            <div class="stat">
                <div class="stat-value">{value}</div>
                <div class="stat-label">{move || i18n.t(key)}</div>
            </div>
        }
    };
    let name = form.input.name.clone();
    let version = form.version;
    let id = form.id.clone();
    view! {
        <article class="panel web-form" data-form=id>
            <div class="dashboard-head">
                <h3>{name} " " <span class=if live { "badge ok" } else { "badge" }>{move || i18n.t(if live { "form_live" } else { "form_off" })}</span></h3>
                <span class="muted">{move || i18n.t("version")} " " {version}</span>
                <button type="button" class="link edit-form" on:click=move |_| editing.set(Some(Some(form.clone())))>{move || i18n.t("edit_form")}</button>
            </div>
            <div class="stats funnel">
                {stat(f.shown.to_string(), "shown")}
                {stat(f.closed.to_string(), "closed_count")}
                {stat(f.submitted.to_string(), "submitted")}
                {stat(conversion, "conversion")}
            </div>
            <div class="charts">
                <BarChart title="chart_shown" class="shown" values=shown/>
                <BarChart title="chart_submitted" class="submitted" values=submitted/>
            </div>
        </article>
    }
}
