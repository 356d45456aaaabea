//! A survey, one question a step: progress, each kind's input, the step checked with the same rules the server
//! applies, branching to the next question, Back, and the answers of the path taken handed to `on_submit`. The
//! mini app submits them; the console's preview only shows them.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::i18n::I18n;
use crate::api::{Answer, AnswerProblem, AnswerValue, ErrorCode, Question, QuestionKind, check_answer, next_question};

/// The text for a refused step, in the member's language.
fn problem_key(problem: &AnswerProblem, kind: QuestionKind) -> &'static str {
    match (problem.code, kind) {
        (ErrorCode::AnswerRequired, _) => "answer_required",
        (ErrorCode::ConsentRequired, _) => "consent_required",
        (_, QuestionKind::Phone) => "invalid_phone_answer",
        (_, QuestionKind::Email) => "invalid_email_answer",
        (_, QuestionKind::Date) => "invalid_date_answer",
        (_, QuestionKind::ShortText | QuestionKind::LongText) => "answer_too_long",
        _ => "invalid_answer",
    }
}

/// Runs a survey's questions and hands the path's answers to `on_submit`; `busy` disables the last step while
/// they are sent.
#[component]
pub fn SurveyForm(
    questions: Vec<Question>,
    on_submit: Callback<Vec<Answer>>,
    #[prop(optional)] busy: Option<RwSignal<bool>>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let busy = busy.unwrap_or_else(|| RwSignal::new(false));
    let questions = StoredValue::new(questions);
    let total = questions.with_value(Vec::len);
    let answers = RwSignal::new(BTreeMap::<String, Answer>::new());
    let at = RwSignal::new(0_usize);
    // The questions answered before this one, to go back along the path taken.
    let trail = RwSignal::new(Vec::<usize>::new());
    let problem = RwSignal::new(None::<&'static str>);

    let next = move |_| {
        let i = at.get_untracked();
        let answer = answers.with_untracked(|a| a.get(&questions.with_value(|q| q[i].id.clone())).cloned());
        if let Err(p) = questions.with_value(|q| check_answer(q, i, answer.as_ref())) {
            problem.set(Some(problem_key(&p, questions.with_value(|q| q[i].kind))));
            return;
        }
        problem.set(None);
        let given = answer.as_ref().map(|a| &a.value).filter(|v| !v.is_empty());
        match questions.with_value(|q| next_question(q, i, given)) {
            Some(n) => {
                trail.update(|t| t.push(i));
                at.set(n);
            }
            None => {
                let mut path = trail.get_untracked();
                path.push(i);
                let chosen: Vec<Answer> = answers.with_untracked(|a| {
                    path.iter()
                        .filter_map(|i| a.get(&questions.with_value(|q| q[*i].id.clone())).cloned())
                        .filter(|a| !a.value.is_empty())
                        .collect()
                });
                on_submit.run(chosen);
            }
        }
    };
    let back = move |_| {
        problem.set(None);
        trail.update(|t| {
            if let Some(previous) = t.pop() {
                at.set(previous);
            }
        });
    };
    let last = move || {
        let i = at.get();
        let answer = answers.with(|a| {
            a.get(&questions.with_value(|q| q[i].id.clone()))
                .map(|a| a.value.clone())
        });
        let given = answer.as_ref().filter(|v| !v.is_empty());
        questions.with_value(|q| next_question(q, i, given)).is_none()
    };
    let step = move || {
        let i = at.get();
        let question = questions.with_value(|q| q[i].clone());
        view! { <QuestionStep question=question answers=answers/> }
    };
    view! {
        <div class="survey-form">
            <div class="progress" role="progressbar" aria-valuemin="1" aria-valuemax=total aria-valuenow=move || at.get() + 1>
                <div class="progress-bar" style=move || format!("width: {}%", (at.get() + 1) * 100 / total.max(1))></div>
            </div>
            <p class="muted step-count">
                {move || i18n.t("question")} " " {move || at.get() + 1} " / " {total}
            </p>
            {step}
            {move || problem.get().map(|key| view! { <p class="notice error step-problem" role="alert">{move || i18n.t(key)}</p> })}
            <div class="actions">
                <button class="link back-step" type="button" disabled=move || trail.with(Vec::is_empty) on:click=back>
                    {move || i18n.t("previous")}
                </button>
                <button class="primary next-step" type="button" disabled=move || busy.get() on:click=next>
                    {move || if last() { i18n.t("submit_survey") } else { i18n.t("next") }}
                </button>
            </div>
        </div>
    }
}

/// One question with its input; every change goes straight into `answers`.
#[component]
fn QuestionStep(question: Question, answers: RwSignal<BTreeMap<String, Answer>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let id = question.id.clone();
    let current = {
        let id = id.clone();
        move || answers.with(|a| a.get(&id).map(|a| a.value.clone()))
    };
    let consent = {
        let id = id.clone();
        move || answers.with(|a| a.get(&id).is_some_and(|a| a.consent))
    };
    let set = {
        let id = id.clone();
        move |value: AnswerValue| {
            answers.update(|a| {
                let consent = a.get(&id).is_some_and(|x| x.consent);
                a.insert(
                    id.clone(),
                    Answer {
                        question: id.clone(),
                        value,
                        consent,
                    },
                );
            });
        }
    };
    let text_of = {
        let current = current.clone();
        move || match current() {
            Some(AnswerValue::Text(t)) => t,
            _ => String::new(),
        }
    };
    let input = match question.kind {
        QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
            let multiple = question.kind == QuestionKind::MultipleChoice;
            question
                .options
                .iter()
                .map(|option| {
                    let (current, set, option) = (current.clone(), set.clone(), option.clone());
                    let chosen = {
                        let (current, option) = (current.clone(), option.clone());
                        move || match current() {
                            Some(AnswerValue::Text(t)) => t == option,
                            Some(AnswerValue::Choices(c)) => c.contains(&option),
                            _ => false,
                        }
                    };
                    let label = option.clone();
                    let pick = move |_| {
                        if !multiple {
                            return set(AnswerValue::Text(option.clone()));
                        }
                        let mut list = match current() {
                            Some(AnswerValue::Choices(c)) => c,
                            _ => Vec::new(),
                        };
                        match list.iter().position(|o| *o == option) {
                            Some(p) => {
                                list.remove(p);
                            }
                            None => list.push(option.clone()),
                        }
                        set(AnswerValue::Choices(list));
                    };
                    let chosen_class = chosen.clone();
                    view! {
                        <button type="button" class="choice" class:chosen=chosen_class aria-pressed=move || chosen().to_string() on:click=pick>
                            {label}
                        </button>
                    }
                })
                .collect_view()
                .into_any()
        }
        QuestionKind::Rating | QuestionKind::Nps => {
            let (low, high) = question.kind.scale().unwrap_or((0, 0));
            let scale = (low..=high)
                .map(|n| {
                    let (current, set) = (current.clone(), set.clone());
                    let chosen = move || current() == Some(AnswerValue::Number(n));
                    let chosen_class = chosen.clone();
                    let label = if question.kind == QuestionKind::Rating {
                        format!("{n}★")
                    } else {
                        n.to_string()
                    };
                    view! {
                        <button type="button" class="scale-point" class:chosen=chosen_class data-value=n aria-pressed=move || chosen().to_string()
                            on:click=move |_| set(AnswerValue::Number(n))>
                            {label}
                        </button>
                    }
                })
                .collect_view();
            let ends = (question.kind == QuestionKind::Nps).then(|| {
                view! {
                    <div class="scale-ends muted"><span>{move || i18n.t("nps_low")}</span><span>{move || i18n.t("nps_high")}</span></div>
                }
            });
            view! { <div class="scale">{scale}</div> {ends} }.into_any()
        }
        QuestionKind::LongText => view! {
            <textarea class="answer" rows="4" maxlength="2000" prop:value=text_of
                on:input=move |ev| set(AnswerValue::Text(event_target_value(&ev)))></textarea>
        }
        .into_any(),
        kind => {
            let (input_type, max) = match kind {
                QuestionKind::Date => ("date", 10),
                QuestionKind::Phone => ("tel", 20),
                QuestionKind::Email => ("email", 254),
                _ => ("text", 200),
            };
            let field = view! {
                <input class="answer" type=input_type maxlength=max prop:value=text_of
                    on:input=move |ev| set(AnswerValue::Text(event_target_value(&ev)))/>
            };
            let consent_box = kind.is_contact().then(|| {
                let id = id.clone();
                let tick = move |ev| {
                    let ticked = event_target_checked(&ev);
                    answers.update(|a| {
                        let entry = a.entry(id.clone()).or_insert_with(|| Answer {
                            question: id.clone(),
                            value: AnswerValue::Text(String::new()),
                            consent: false,
                        });
                        entry.consent = ticked;
                    });
                };
                view! {
                    <label class="consent">
                        <input type="checkbox" class="consent-box" prop:checked=consent.clone() on:change=tick/>
                        " " {question.consent_text.clone().unwrap_or_default()}
                    </label>
                }
            });
            view! { {field} {consent_box} }.into_any()
        }
    };
    view! {
        <fieldset class="question" data-question=id data-kind=question.kind.as_str()>
            <legend>
                {question.title.clone()}
                {question.required.then(|| view! { <span class="required" title=move || i18n.t("required")>" *"</span> })}
            </legend>
            {(question.kind == QuestionKind::MultipleChoice).then(|| view! { <p class="muted">{move || i18n.t("choose_any")}</p> })}
            <div class="inputs">{input}</div>
        </fieldset>
    }
}
