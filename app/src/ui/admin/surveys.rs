//! The survey builder and results: every survey with its responses, a form to build or change one (questions of
//! each kind, required, options, branching, the profile attribute an answer goes to, the consent a contact
//! needs), a preview that runs the survey as the mini app does, and each survey's results with its CSV export.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::download,
        i18n::I18n,
        notice::ErrorNotice,
        survey_form::SurveyForm,
    },
    SURFACE,
    forms::{Field, day_start, form_date, number},
};
use crate::api::{
    Answer, Branch, LoyaltyConfig, Question, QuestionKind, QuestionResult, Survey, SurveyInput, SurveyResults,
};

/// The text key of each kind, in the builder's order.
fn kind_key(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::SingleChoice => "q_single_choice",
        QuestionKind::MultipleChoice => "q_multiple_choice",
        QuestionKind::Rating => "q_rating",
        QuestionKind::Nps => "q_nps",
        QuestionKind::ShortText => "q_short_text",
        QuestionKind::LongText => "q_long_text",
        QuestionKind::Date => "q_date",
        QuestionKind::Phone => "q_phone",
        QuestionKind::Email => "q_email",
    }
}

/// One branch row: "when the answer is …, go to …" (empty: the end).
#[derive(Clone, Copy)]
struct BranchForm {
    answer: RwSignal<String>,
    to: RwSignal<String>,
}

/// One question of the form.
#[derive(Clone, Copy)]
struct QuestionForm {
    kind: RwSignal<String>,
    title: RwSignal<String>,
    required: RwSignal<bool>,
    options: RwSignal<String>,
    attribute: RwSignal<String>,
    consent_text: RwSignal<String>,
    consent_purpose: RwSignal<String>,
    branches: RwSignal<Vec<BranchForm>>,
}

impl QuestionForm {
    fn new() -> Self {
        Self::from_question(&Question {
            id: String::new(),
            kind: QuestionKind::SingleChoice,
            title: String::new(),
            required: true,
            options: Vec::new(),
            attribute: None,
            consent_text: None,
            consent_purpose: None,
            branches: Vec::new(),
        })
    }

    fn from_question(q: &Question) -> Self {
        Self {
            kind: RwSignal::new(q.kind.as_str().to_owned()),
            title: RwSignal::new(q.title.clone()),
            required: RwSignal::new(q.required),
            options: RwSignal::new(q.options.join("\n")),
            attribute: RwSignal::new(q.attribute.clone().unwrap_or_default()),
            consent_text: RwSignal::new(q.consent_text.clone().unwrap_or_default()),
            consent_purpose: RwSignal::new(q.consent_purpose.clone().unwrap_or_default()),
            branches: RwSignal::new(
                q.branches
                    .iter()
                    .map(|b| BranchForm {
                        answer: RwSignal::new(b.answer.clone()),
                        to: RwSignal::new(b.to.map(|t| t.to_string()).unwrap_or_default()),
                    })
                    .collect(),
            ),
        }
    }

    fn kind(self) -> QuestionKind {
        QuestionKind::parse(&self.kind.get_untracked()).unwrap_or(QuestionKind::ShortText)
    }

    /// The question as the API takes it; `n` (from 1) gives it the id the server will.
    fn to_question(self, n: usize) -> Question {
        let text = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|t| !t.is_empty());
        Question {
            id: format!("q{n}"),
            kind: self.kind(),
            title: self.title.get_untracked().trim().to_owned(),
            required: self.required.get_untracked(),
            options: self
                .options
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect(),
            attribute: text(self.attribute),
            consent_text: text(self.consent_text),
            consent_purpose: text(self.consent_purpose),
            branches: self
                .branches
                .get_untracked()
                .into_iter()
                .map(|b| Branch {
                    answer: b.answer.get_untracked().trim().to_owned(),
                    to: number(&b.to.get_untracked()).and_then(|t| usize::try_from(t).ok()),
                })
                .collect(),
        }
    }
}

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
                    <Field label="name" value=name name="survey_name" required=true/>
                    <Field label="survey_intro" value=intro name="survey_intro"/>
                    <Field label="survey_points_label" value=points kind="number" name="survey_points"/>
                    <Field label="starts" value=starts kind="date" name="survey_starts"/>
                    <Field label="ends" value=ends kind="date" name="survey_ends"/>
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

/// One question's part of the builder.
#[component]
fn QuestionEditor(
    index: usize,
    count: usize,
    q: QuestionForm,
    questions: RwSignal<Vec<QuestionForm>>,
    /// Answered already: shown, not editable.
    frozen: bool,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let kind = move || QuestionKind::parse(&q.kind.get()).unwrap_or(QuestionKind::ShortText);
    let later: Vec<usize> = (index + 2..=count).collect();
    view! {
        <fieldset class="question-form" class:frozen=frozen data-index=index + 1 disabled=frozen>
            <legend>{move || i18n.t("question")} " " {index + 1}</legend>
            <label>
                {move || i18n.t("question_kind")}
                <select name="question_kind" prop:value=move || q.kind.get() on:change=move |ev| q.kind.set(event_target_value(&ev))>
                    {QuestionKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || q.kind.get() == k.as_str()>{move || i18n.t(kind_key(k))}</option>
                    }).collect_view()}
                </select>
            </label>
            <Field label="question_title" value=q.title name="question_title" required=true/>
            <label class="check">
                <input type="checkbox" name="question_required" prop:checked=move || q.required.get()
                    on:change=move |ev| q.required.set(event_target_checked(&ev))/>
                {move || i18n.t("required")}
            </label>
            {move || kind().has_options().then(|| view! {
                <label>
                    {move || i18n.t("options_per_line")}
                    <textarea name="question_options" rows="4" prop:value=move || q.options.get()
                        on:input=move |ev| q.options.set(event_target_value(&ev))></textarea>
                </label>
            })}
            {move || (!kind().is_contact()).then(|| view! {
                <Field label="maps_to_attribute" value=q.attribute name="question_attribute"/>
            })}
            {move || kind().is_contact().then(|| {
                let purposes: Vec<(&'static str, &'static str)> = if kind() == QuestionKind::Email {
                    vec![("marketing_email", "purpose_marketing_email")]
                } else {
                    vec![("marketing_zns", "purpose_marketing_zns"), ("marketing_sms", "purpose_marketing_sms")]
                };
                view! {
                    <Field label="consent_wording" value=q.consent_text name="question_consent" required=true/>
                    <label>
                        {move || i18n.t("consent_for")}
                        <select name="question_purpose" prop:value=move || q.consent_purpose.get()
                            on:change=move |ev| q.consent_purpose.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t("consent_default")}</option>
                            {purposes.into_iter().map(|(p, key)| view! {
                                <option value=p selected=move || q.consent_purpose.get() == p>{move || i18n.t(key)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                }
            })}
            {move || kind().can_branch().then(|| {
                let later = later.clone();
                view! {
                    <div class="branches">
                        {move || {
                            let later = later.clone();
                            q.branches.get().into_iter().enumerate().map(|(b, branch)| {
                                let later = later.clone();
                                view! {
                                    <div class="branch">
                                        <Field label="when_answer_is" value=branch.answer name="branch_answer"/>
                                        <label>
                                            {move || i18n.t("go_to")}
                                            <select name="branch_to" prop:value=move || branch.to.get()
                                                on:change=move |ev| branch.to.set(event_target_value(&ev))>
                                                <option value="">{move || i18n.t("end_of_survey")}</option>
                                                {later.iter().map(|n| {
                                                    let n = *n;
                                                    view! {
                                                        <option value=n.to_string() selected=move || branch.to.get() == n.to_string()>
                                                            {move || i18n.t("question")} " " {n}
                                                        </option>
                                                    }
                                                }).collect_view()}
                                            </select>
                                        </label>
                                        <button type="button" class="link" on:click=move |_| q.branches.update(|v| { v.remove(b); })>
                                            {move || i18n.t("remove")}
                                        </button>
                                    </div>
                                }
                            }).collect_view()
                        }}
                        <button type="button" class="link add-branch" on:click=move |_| q.branches.update(|v| v.push(BranchForm {
                            answer: RwSignal::new(String::new()),
                            to: RwSignal::new(String::new()),
                        }))>
                            {move || i18n.t("add_branch")}
                        </button>
                    </div>
                }
            })}
            {(!frozen).then(|| view! {
                <button type="button" class="link remove-question" on:click=move |_| questions.update(|v| { if v.len() > 1 { v.remove(index); } })>
                    {move || i18n.t("remove")}
                </button>
            })}
        </fieldset>
    }
}

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
