//! The survey builder and results: every survey with its responses, a form to build or change one (questions of
//! each kind, required, options, branching, the profile attribute an answer goes to, the consent a contact
//! needs), a preview that runs the survey as the mini app does, and each survey's results with its CSV export.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
        survey_form::SurveyForm,
    },
    SURFACE,
    forms::{Field, FieldMessage, FormFailure, day_start, form_date, number},
    survey_questions::{QuestionEditor, QuestionForm},
};
use crate::api::{Answer, LoyaltyConfig, Question, Survey, SurveyInput};

/// The surveys page: the list, the builder with its preview.
#[component]
pub fn SurveysPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let surveys = RwSignal::new(None::<Vec<Survey>>);
    let tiers = RwSignal::new(Vec::<(String, String)>::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let saved = RwSignal::new(false);
    let reload = {
        let api = api.clone();
        move || {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<Vec<Survey>>(SURFACE, "/api/v1/admin/surveys").await {
                    Ok(s) => surveys.set(Some(s)),
                    Err(e) => error.set(Some(e)),
                }
                if let Ok(c) = api.get_as::<LoyaltyConfig>(SURFACE, "/api/v1/admin/loyalty").await {
                    tiers.set(c.tiers.into_iter().map(|t| (t.id, t.input.name)).collect());
                }
            });
        }
    };
    reload();

    let editing = RwSignal::new(None::<String>);
    // Responses of the survey being edited: once there are any, its questions are frozen (answers refer to them).
    let answered = RwSignal::new(0_i64);
    let save_error = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(save_error));
    let name = RwSignal::new(String::new());
    let intro = RwSignal::new(String::new());
    let points = RwSignal::new("20".to_owned());
    let audience = RwSignal::new(Vec::<String>::new());
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let active = RwSignal::new(true);
    let questions = RwSignal::new(vec![QuestionForm::new()]);
    let preview = RwSignal::new(None::<Vec<Question>>);
    let previewed = RwSignal::new(None::<Vec<Answer>>);

    let input = move || SurveyInput {
        name: name.get_untracked(),
        intro: Some(intro.get_untracked()).filter(|t| !t.trim().is_empty()),
        questions: questions
            .get_untracked()
            .into_iter()
            .enumerate()
            .map(|(i, q)| q.to_question(i + 1))
            .collect(),
        points: number(&points.get_untracked()).unwrap_or(-1),
        tiers: audience.get_untracked(),
        starts_at: day_start(&starts.get_untracked()),
        ends_at: day_start(&ends.get_untracked()),
        active: active.get_untracked(),
    };
    let clear = move || {
        editing.set(None);
        answered.set(0);
        save_error.set(None);
        name.set(String::new());
        intro.set(String::new());
        points.set("20".into());
        audience.set(Vec::new());
        starts.set(String::new());
        ends.set(String::new());
        active.set(true);
        questions.set(vec![QuestionForm::new()]);
        preview.set(None);
    };
    let edit = move |s: Survey| {
        editing.set(Some(s.id.clone()));
        answered.set(s.responses);
        save_error.set(None);
        name.set(s.input.name.clone());
        intro.set(s.input.intro.clone().unwrap_or_default());
        points.set(s.input.points.to_string());
        audience.set(s.input.tiers.clone());
        starts.set(form_date(s.input.starts_at.as_deref()));
        ends.set(form_date(s.input.ends_at.as_deref()));
        active.set(s.input.active);
        questions.set(s.input.questions.iter().map(QuestionForm::from_question).collect());
        preview.set(None);
        saved.set(false);
    };

    let submit = {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (api, reload) = (api.clone(), reload.clone());
            let body = input();
            let id = editing.get_untracked();
            spawn_local(async move {
                let outcome = match &id {
                    Some(id) => {
                        api.put_as::<_, Survey>(SURFACE, &format!("/api/v1/admin/surveys/{id}"), &body)
                            .await
                    }
                    None => api.post_as::<_, Survey>(SURFACE, "/api/v1/admin/surveys", &body).await,
                };
                match outcome {
                    Ok(_) => {
                        error.set(None);
                        saved.set(true);
                        clear();
                        reload();
                    }
                    // Said beside the Save button, where the admin is looking.
                    Err(e) => {
                        saved.set(false);
                        save_error.set(Some(e));
                    }
                }
            });
        }
    };

    let list = move || {
        match surveys.get() {
        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        Some(list) if list.is_empty() => view! { <p class="muted empty">{i18n.t("no_surveys_admin")}</p> }.into_any(),
        Some(list) => view! {
            <table class="list surveys-list">
                <thead><tr>
                    <th>{move || i18n.t("name")}</th><th>{move || i18n.t("status")}</th>
                    <th>{move || i18n.t("questions")}</th><th>{move || i18n.t("points")}</th>
                    <th>{move || i18n.t("responses")}</th><th></th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|s| {
                        let is_active = s.input.active;
                        let href = format!("/admin/surveys/{}", s.id);
                        let survey = s.clone();
                        view! {
                            <tr class="survey-row" data-survey=s.id>
                                <td>{s.input.name.clone()}</td>
                                <td>{move || i18n.t(if is_active { "on" } else { "off" })}</td>
                                <td>{s.input.questions.len()}</td>
                                <td>{s.input.points}</td>
                                <td class="responses">{s.responses}</td>
                                <td>
                                    <a class="results-link" href=href>{move || i18n.t("results")}</a> " "
                                    <button type="button" class="link edit-survey" on:click=move |_| edit(survey.clone())>
                                        {move || i18n.t("edit")}
                                    </button>
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

    let question_rows = move || {
        let count = questions.get().len();
        let frozen = answered.get() > 0;
        questions
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, q)| view! { <QuestionEditor index=i count=count q=q questions=questions frozen=frozen/> })
            .collect_view()
    };

    view! {
        <section class="surveys-admin">
            <h1>{move || i18n.t("nav_surveys")}</h1>
            <ErrorNotice error=error/>
            {move || saved.get().then(|| view! { <p class="notice success" role="status">{move || i18n.t("saved")}</p> })}
            {list}
            <h2>{move || if editing.get().is_some() { i18n.t("edit_survey") } else { i18n.t("add_survey") }}</h2>
            <div class="builder">
                <form class="inline-form survey-builder" on:submit=submit>
                    <Field label="name" value=name name="survey_name" required=true at="/name"/>
                    <Field label="survey_intro" value=intro name="survey_intro" at="/intro"/>
                    <Field label="survey_points_label" value=points kind="number" name="survey_points" at="/points"/>
                    <Field label="starts" value=starts kind="date" name="survey_starts" at="/starts_at"/>
                    <Field label="ends" value=ends kind="date" name="survey_ends" at="/ends_at"/>
                    <fieldset class="audience">
                        <legend>{move || i18n.t("audience")}</legend>
                        <p class="muted">{move || i18n.t("audience_all")}</p>
                        {move || tiers.get().into_iter().map(|(id, tier_name)| {
                            let tier = id.clone();
                            view! {
                                <label class="check">
                                    <input type="checkbox" name="survey_tier" value=id.clone()
                                        prop:checked=move || audience.get().contains(&id)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            audience.update(|v| {
                                                v.retain(|t| *t != tier);
                                                if on {
                                                    v.push(tier.clone());
                                                }
                                            });
                                        }/>
                                    {tier_name}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev))/>
                        {move || i18n.t("active")}
                    </label>
                    {move || (answered.get() > 0).then(|| view! {
                        <p class="notice frozen-note" role="note">
                            {move || i18n.t("questions_frozen")} " (" {answered.get()} " " {move || i18n.t("responses_lower")} ")"
                        </p>
                    })}
                    {question_rows}
                    <FieldMessage at="/questions"/>
                    {move || (answered.get() == 0).then(|| view! {
                        <button type="button" class="add-question" on:click=move |_| questions.update(|v| v.push(QuestionForm::new()))>
                            {move || i18n.t("add_question")}
                        </button>
                    })}
                    <button type="button" class="preview-survey" on:click=move |_| {
                        previewed.set(None);
                        preview.set(Some(input().questions));
                    }>
                        {move || i18n.t("preview")}
                    </button>
                    <ErrorNotice error=save_error/>
                    <button type="submit" class="save-survey">{move || i18n.t("save")}</button>
                    {move || editing.get().is_some().then(|| view! {
                        <button type="button" class="link" on:click=move |_| clear()>{move || i18n.t("cancel")}</button>
                    })}
                </form>
                {move || preview.get().map(|qs| {
                    let problem = qs.iter().position(|q| q.title.is_empty() || (q.kind.has_options() && q.options.len() < 2));
                    view! {
                        <aside class="survey-preview">
                            <p class="muted">{move || i18n.t("preview_note")}</p>
                            {match problem {
                                Some(i) => view! { <p class="notice error">{move || i18n.t("preview_incomplete")} " " {i + 1}</p> }.into_any(),
                                None => view! {
                                    <SurveyForm questions=qs on_submit=Callback::new(move |a: Vec<Answer>| previewed.set(Some(a)))/>
                                }.into_any(),
                            }}
                            {move || previewed.get().map(|a| view! {
                                <p class="notice success preview-done" role="status">{move || i18n.t("preview_done")} " " {a.len()}</p>
                            })}
                        </aside>
                    }
                })}
            </div>
        </section>
    }
}
