//! The surveys screen: the surveys open to the member (those answered marked done), then one survey a step at a
//! time, and a thank-you with the points it earned.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
        survey_form::SurveyForm,
    },
    SURFACE,
};
use crate::api::{Answer, MemberSurvey, ResponseReceipt, ResponseRequest};

/// The surveys screen.
#[component]
pub fn Surveys(on_back: Callback<()>, open_id: Option<String>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let surveys = RwSignal::new(None::<Vec<MemberSurvey>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let open = RwSignal::new(None::<MemberSurvey>);
    let done = RwSignal::new(None::<ResponseReceipt>);
    let busy = RwSignal::new(false);
    let load = {
        let api = api.clone();
        move || {
            let api = api.clone();
            let open_id = open_id.clone();
            spawn_local(async move {
                match api.get_as::<Vec<MemberSurvey>>(SURFACE, "/api/v1/surveys").await {
                    Ok(list) => {
                        // A link to a survey still to answer opens it at once.
                        if let Some(linked) = list.iter().find(|s| Some(&s.id) == open_id.as_ref() && !s.answered) {
                            open.set(Some(linked.clone()));
                        }
                        surveys.set(Some(list));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    load();

    let submit = {
        Callback::new(move |answers: Vec<Answer>| {
            let Some(survey) = open.get_untracked() else { return };
            let api = api.clone();
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                let path = format!("/api/v1/surveys/{}/responses", survey.id);
                match api
                    .post_as::<_, ResponseReceipt>(SURFACE, &path, &ResponseRequest { answers })
                    .await
                {
                    Ok(receipt) => {
                        open.set(None);
                        done.set(Some(receipt));
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let back = {
        move |_| {
            if open.get_untracked().is_some() || done.get_untracked().is_some() {
                open.set(None);
                done.set(None);
                error.set(None);
                load();
            } else {
                on_back.run(());
            }
        }
    };
    let body = move || {
        if let Some(receipt) = done.get() {
            return view! {
                <div class="thank-you" role="status">
                    <h2>{move || i18n.t("survey_thanks")}</h2>
                    {(receipt.points > 0).then(|| view! {
                        <p>{move || i18n.t("survey_points")} " " <strong class="earned">{receipt.points}</strong> " " {move || i18n.t("points")}</p>
                    })}
                </div>
            }
            .into_any();
        }
        if let Some(survey) = open.get() {
            return view! {
                <article class="survey" data-survey=survey.id>
                    <h2>{survey.name.clone()}</h2>
                    {survey.intro.clone().map(|t| view! { <p class="muted">{t}</p> })}
                    <SurveyForm questions=survey.questions.clone() on_submit=submit busy=busy/>
                </article>
            }
            .into_any();
        }
        match surveys.get() {
            None => view! { <p class="loading" role="status">{move || i18n.t("loading")}</p> }.into_any(),
            Some(list) if list.is_empty() => view! { <p class="empty">{move || i18n.t("no_surveys")}</p> }.into_any(),
            Some(list) => list
                .into_iter()
                .map(|s| {
                    let start = s.clone();
                    let answered = s.answered;
                    view! {
                        <article class="survey-card" data-survey=s.id.clone()>
                            <h2>{s.name.clone()}</h2>
                            {s.intro.clone().map(|t| view! { <p class="muted">{t}</p> })}
                            <p class="survey-meta">
                                {s.questions.len()} " " {move || i18n.t("questions")}
                                {(s.points > 0).then(|| view! { " · +" {s.points} " " {move || i18n.t("points")} })}
                            </p>
                            {if answered {
                                view! { <p class="badge done">{move || i18n.t("survey_done")}</p> }.into_any()
                            } else {
                                view! {
                                    <button class="primary start-survey" type="button" on:click=move |_| {
                                        error.set(None);
                                        open.set(Some(start.clone()));
                                    }>
                                        {move || i18n.t("start_survey")}
                                    </button>
                                }
                                .into_any()
                            }}
                        </article>
                    }
                })
                .collect_view()
                .into_any(),
        }
    };
    view! {
        <section class="surveys-screen">
            <button class="link back" type="button" on:click=back>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("surveys")}</h1>
            <ErrorNotice error=error/>
            {body}
        </section>
    }
}
