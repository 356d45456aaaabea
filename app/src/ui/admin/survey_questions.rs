//! The survey builder's questions: each kind, required, options, branching, the profile attribute an answer goes
//! to, the consent a contact needs; frozen once the survey has responses.

use leptos::prelude::*;

use super::{
    super::i18n::I18n,
    forms::{Field, FieldMessage, number},
};
use crate::api::{Branch, Question, QuestionKind};

/// The text key of each kind, in the builder's order.
pub(super) fn kind_key(kind: QuestionKind) -> &'static str {
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
pub(super) struct BranchForm {
    answer: RwSignal<String>,
    to: RwSignal<String>,
}

/// One question of the form.
#[derive(Clone, Copy)]
pub(super) struct QuestionForm {
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
    pub(super) fn new() -> Self {
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

    pub(super) fn from_question(q: &Question) -> Self {
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
    pub(super) fn to_question(self, n: usize) -> Question {
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

/// One question's part of the builder.
#[component]
pub(super) fn QuestionEditor(
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
    let at = move |field: &str| format!("/questions/{index}/{field}");
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
            <Field label="question_title" value=q.title name="question_title" required=true at=at("title")/>
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
                    <FieldMessage at=at("options")/>
                </label>
            })}
            {move || (!kind().is_contact()).then(|| view! {
                <Field label="maps_to_attribute" value=q.attribute name="question_attribute" at=at("attribute")/>
            })}
            {move || kind().is_contact().then(|| {
                let purposes: Vec<(&'static str, &'static str)> = if kind() == QuestionKind::Email {
                    vec![("marketing_email", "purpose_marketing_email")]
                } else {
                    vec![("marketing_zns", "purpose_marketing_zns"), ("marketing_sms", "purpose_marketing_sms")]
                };
                view! {
                    <Field label="consent_wording" value=q.consent_text name="question_consent" required=true at=at("consent_text")/>
                    <label>
                        {move || i18n.t("consent_for")}
                        <select name="question_purpose" prop:value=move || q.consent_purpose.get()
                            on:change=move |ev| q.consent_purpose.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t("consent_default")}</option>
                            {purposes.into_iter().map(|(p, key)| view! {
                                <option value=p selected=move || q.consent_purpose.get() == p>{move || i18n.t(key)}</option>
                            }).collect_view()}
                        </select>
                        <FieldMessage at=at("consent_purpose")/>
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
                                        <Field label="when_answer_is" value=branch.answer name="branch_answer" at=at(&format!("branches/{b}/answer"))/>
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
                                            <FieldMessage at=at(&format!("branches/{b}/to"))/>
                                        </label>
                                        <button type="button" class="link" on:click=move |_| q.branches.update(|v| { v.remove(b); })>
                                            {move || i18n.t("remove")}
                                        </button>
                                    </div>
                                }
                            }).collect_view()
                        }}
                        <FieldMessage at=at("branches")/>
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
