//! A survey's results: responses, counts per option, averages and NPS per question, and the CSV export.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::download,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    survey_questions::kind_key,
};
use crate::api::{QuestionResult, SurveyResults};

/// One survey's results, with the CSV export.
#[component]
pub fn SurveyResultsPage(id: String) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let results = RwSignal::new(None::<SurveyResults>);
    let error = RwSignal::new(None::<ApiFailure>);
    {
        let (api, id) = (api.clone(), id.clone());
        spawn_local(async move {
            match api
                .get_as::<SurveyResults>(SURFACE, &format!("/api/v1/admin/surveys/{id}/results"))
                .await
            {
                Ok(r) => results.set(Some(r)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let export = move |_| {
        let (api, id) = (api.clone(), id.clone());
        spawn_local(async move {
            match api
                .text_as(
                    SURFACE,
                    &format!(
                        "/api/v1/admin/surveys/{id}/responses.csv?lang={}",
                        i18n.lang_untracked().code()
                    ),
                )
                .await
            {
                Ok(csv) => {
                    let _ = download("survey-responses.csv", "text/csv", &csv);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="survey-results">
            <a class="link" href="/admin/surveys">{move || i18n.t("back")}</a>
            <ErrorNotice error=error/>
            {move || match results.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(r) => {
                    let export = export.clone();
                    view! {
                        <h1>{r.survey.input.name.clone()}</h1>
                        <p>
                            {move || i18n.t("responses")} ": " <strong class="response-count">{r.survey.responses}</strong> " "
                            <button type="button" class="export-csv" on:click=export>{move || i18n.t("export_csv")}</button>
                        </p>
                        {(r.survey.responses == 0).then(|| view! { <p class="muted empty">{move || i18n.t("no_responses")}</p> })}
                        {r.questions.into_iter().map(|q| view! { <QuestionResults result=q/> }).collect_view()}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn QuestionResults(result: QuestionResult) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let most = result.counts.iter().map(|c| c.count).max().unwrap_or(0).max(1);
    let total = result.answered.max(1);
    let bars = (!result.counts.is_empty()).then(|| {
        view! {
            <table class="list bars">
                <tbody>
                    {result.counts.iter().map(|c| view! {
                        <tr class="answer-count" data-answer=c.answer.clone()>
                            <td>{c.answer.clone()}</td>
                            <td class="count">{c.count}</td>
                            <td>{format!("{}%", c.count * 100 / total)}</td>
                            <td style="width: 40%"><div class="bar" style=format!("width: {}%", c.count * 100 / most)></div></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    });
    let nps = result.nps.clone().map(|n| {
        view! {
            <p>
                "NPS: " <span class="nps-score">{n.score}</span> " · "
                {move || i18n.t("promoters")} " " {n.promoters} " · " {move || i18n.t("passives")} " " {n.passives}
                " · " {move || i18n.t("detractors")} " " {n.detractors}
            </p>
        }
    });
    let latest = (!result.latest.is_empty()).then(|| {
        view! {
            <ul class="latest-answers">{result.latest.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
        }
    });
    view! {
        <article class="question-results" data-question=result.question.id.clone()>
            <h2>{result.question.id[1..].to_owned()} ". " {result.question.title.clone()}</h2>
            <p class="muted">
                {move || i18n.t(kind_key(result.question.kind))} " · " {move || i18n.t("answered")} " " {result.answered}
                {result.question.attribute.clone().map(|a| view! { " · " {move || i18n.t("maps_to_attribute")} " " <code>{a}</code> })}
                {result.average.map(|a| view! { " · " {move || i18n.t("average")} " " {format!("{a:.2}")} })}
            </p>
            {nps}
            {bars}
            {latest}
        </article>
    }
}
