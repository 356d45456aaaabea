//! The journey editor: what starts it, who may enter again, what takes people out, and its steps as a vertical
//! flow, each step saying where people go next (a branch, a wait for an event, two ways). The whole definition
//! lives in one signal; typing changes it without redrawing, adding, removing or changing a step's kind redraws.
//! The server checks it whole; a refusal shows beside the step and field it is about.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{FieldMessage, FormFailure, number},
    journey_starts::{DAY, step},
    journeys::Editing,
    segment_rules::EVENTS,
};
use crate::api::{
    CustomerSegment, EntryRule, Journey, JourneyInput, JourneyStep, Message, MessagePage, MessageStatus, StepAction,
    StepCondition, StepCount, event_type_label,
};

/// The kinds of step, with their text keys.
const KINDS: [(&str, &str); 7] = [
    ("send", "step_send"),
    ("wait", "step_wait"),
    ("wait_for", "step_wait_for"),
    ("branch", "step_branch"),
    ("give_points", "step_give_points"),
    ("set_attribute", "step_set_attribute"),
    ("exit", "step_exit"),
];

/// The kinds of condition a branch asks, with their text keys.
const CONDITIONS: [(&str, &str); 7] = [
    ("message_read", "cond_message_read"),
    ("message_clicked", "cond_message_clicked"),
    ("did_event", "cond_did_event"),
    ("in_segment", "cond_in_segment"),
    ("attribute", "cond_attribute"),
    ("lead_score", "cond_lead_score"),
    ("random", "cond_random"),
];

fn kind_of(action: &StepAction) -> &'static str {
    match action {
        StepAction::Send { .. } => "send",
        StepAction::Wait { .. } => "wait",
        StepAction::WaitFor { .. } => "wait_for",
        StepAction::Branch { .. } => "branch",
        StepAction::GivePoints { .. } => "give_points",
        StepAction::SetAttribute { .. } => "set_attribute",
        StepAction::Exit => "exit",
    }
}

/// The text key of a step's kind.
fn kind_key(action: &StepAction) -> &'static str {
    let kind = kind_of(action);
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("step_exit", |(_, key)| key)
}

fn condition_kind(c: &StepCondition) -> &'static str {
    match c {
        StepCondition::MessageRead { .. } => "message_read",
        StepCondition::MessageClicked { .. } => "message_clicked",
        StepCondition::DidEvent { .. } => "did_event",
        StepCondition::InSegment { .. } => "in_segment",
        StepCondition::Attribute { .. } => "attribute",
        StepCondition::LeadScore { .. } => "lead_score",
        StepCondition::Random { .. } => "random",
    }
}

fn fresh_condition(kind: &str) -> StepCondition {
    match kind {
        "in_segment" => StepCondition::InSegment {
            segment_id: String::new(),
        },
        "attribute" => StepCondition::Attribute {
            key: String::new(),
            equals: String::new(),
        },
        "lead_score" => StepCondition::LeadScore { min: 50 },
        "message_read" => StepCondition::MessageRead {
            message_id: String::new(),
        },
        "message_clicked" => StepCondition::MessageClicked {
            message_id: String::new(),
        },
        "random" => StepCondition::Random { percent: 50 },
        _ => StepCondition::DidEvent {
            event_type: "order_paid".into(),
            within_minutes: None,
        },
    }
}

/// A new action of `kind` going on to `next`.
fn fresh(kind: &str, next: &str) -> StepAction {
    let next = next.to_owned();
    match kind {
        "send" => StepAction::Send {
            message_id: String::new(),
            next,
        },
        "wait" => StepAction::Wait { minutes: DAY, next },
        "wait_for" => StepAction::WaitFor {
            event_type: "checked_in".into(),
            timeout_minutes: 3 * DAY,
            next: next.clone(),
            timeout_next: next,
        },
        "branch" => StepAction::Branch {
            condition: fresh_condition("did_event"),
            yes: next.clone(),
            no: next,
        },
        "give_points" => StepAction::GivePoints { points: 20, next },
        "set_attribute" => StepAction::SetAttribute {
            key: String::new(),
            value: String::new(),
            next,
        },
        _ => StepAction::Exit,
    }
}

/// Minutes as people say them: `3 ngày 2 giờ` / `3 days 2 hours`.
fn duration(i18n: I18n, minutes: u32) -> String {
    let (d, h, m) = (minutes / DAY, minutes % DAY / 60, minutes % 60);
    let mut parts = Vec::new();
    for (n, key) in [(d, "unit_days"), (h, "unit_hours"), (m, "unit_minutes")] {
        if n > 0 {
            parts.push(format!("{n} {}", i18n.t(key)));
        }
    }
    parts.join(" ")
}

/// The definition being edited and the version bumped when its shape changes.
#[derive(Clone, Copy)]
struct Draft {
    input: RwSignal<JourneyInput>,
    shape: RwSignal<u32>,
}

impl Draft {
    fn edit(self, f: impl FnOnce(&mut JourneyInput)) {
        self.input.update_untracked(f);
    }
    fn reshape(self, f: impl FnOnce(&mut JourneyInput)) {
        self.input.update_untracked(f);
        self.shape.update(|v| *v += 1);
    }
    fn edit_step(self, i: usize, f: impl FnOnce(&mut StepAction)) {
        self.edit(|j| {
            if let Some(s) = j.steps.get_mut(i) {
                f(&mut s.action);
            }
        });
    }
}

/// The editor.
#[component]
pub fn JourneyEditor(editing: Editing, on_saved: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let (id, start, counts): (Option<String>, JourneyInput, Vec<StepCount>) = match editing {
        Editing::New(input) => (None, input, Vec::new()),
        Editing::Existing(j) => (Some(j.id), j.input, j.steps),
    };
    let is_new = id.is_none();
    let draft = Draft {
        input: RwSignal::new(start.clone()),
        shape: RwSignal::new(0),
    };
    let name = RwSignal::new(start.name.clone());
    let trigger = RwSignal::new(start.trigger.clone());
    let segments = RwSignal::new(Vec::<CustomerSegment>::new());
    let messages = RwSignal::new(Vec::<Message>::new());
    let error = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(error));
    {
        let api = api.clone();
        spawn_local(async move {
            if let Ok(list) = api
                .get_as::<Vec<CustomerSegment>>(SURFACE, "/api/v1/admin/segments")
                .await
            {
                segments.set(list);
            }
            // The messages a journey may send: drafts and journeys' (the newest 50 are on the first page).
            if let Ok(page) = api.get_as::<MessagePage>(SURFACE, "/api/v1/admin/messages").await {
                messages.set(
                    page.items
                        .into_iter()
                        .filter(|m| matches!(m.status, MessageStatus::Draft | MessageStatus::Journey))
                        .collect(),
                );
            }
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut body = draft.input.get_untracked();
        body.name = name.get_untracked();
        let (api, id) = (api.clone(), id.clone());
        spawn_local(async move {
            let saved = match &id {
                Some(id) => {
                    api.put_as::<_, Journey>(SURFACE, &format!("/api/v1/admin/journeys/{id}"), &body)
                        .await
                }
                None => {
                    api.post_as::<_, Journey>(SURFACE, "/api/v1/admin/journeys", &body)
                        .await
                }
            };
            match saved {
                Ok(_) => on_saved.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let events = EVENTS
        .iter()
        .map(|t| {
            let label = event_type_label(t);
            view! { <option value=*t>{move || i18n.pick(&label)}</option> }
        })
        .collect_view();
    let entry = move || {
        draft.shape.get();
        let rule = draft.input.with_untracked(|j| j.entry);
        let kind = match rule {
            EntryRule::Once => "once",
            EntryRule::EveryTime => "every_time",
            EntryRule::Cooldown { .. } => "cooldown",
        };
        let days = match rule {
            EntryRule::Cooldown { days } => days,
            _ => 30,
        };
        view! {
            <label>
                {move || i18n.t("journey_entry")}
                <select name="entry" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    draft.reshape(|j| j.entry = match v.as_str() {
                        "every_time" => EntryRule::EveryTime,
                        "cooldown" => EntryRule::Cooldown { days: 30 },
                        _ => EntryRule::Once,
                    });
                }>
                    <option value="once" selected=kind == "once">{move || i18n.t("entry_once")}</option>
                    <option value="every_time" selected=kind == "every_time">{move || i18n.t("entry_every_time")}</option>
                    <option value="cooldown" selected=kind == "cooldown">{move || i18n.t("entry_cooldown")}</option>
                </select>
            </label>
            {(kind == "cooldown").then(|| view! {
                <label>
                    {move || i18n.t("entry_days")}
                    <input name="entry_days" type="number" min="1" max="365" prop:value=days.to_string()
                        on:input=move |ev| {
                            let v = number(&event_target_value(&ev)).and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
                            draft.edit(|j| j.entry = EntryRule::Cooldown { days: v });
                        }/>
                    <FieldMessage at="/entry/days"/>
                </label>
            })}
        }
    };
    let steps = move || {
        draft.shape.get();
        let all = draft.input.with_untracked(|j| j.steps.clone());
        let choices: Vec<(String, &'static str)> = all.iter().map(|s| (s.id.clone(), kind_key(&s.action))).collect();
        all.into_iter()
            .enumerate()
            .map(|(i, s)| {
                let count = counts.iter().find(|c| c.step_id == s.id).cloned();
                view! { <StepCard draft=draft index=i step=s choices=choices.clone() count=count segments=segments messages=messages/> }
            })
            .collect_view()
    };
    let add = move |_| {
        draft.reshape(|j| {
            let mut n = j.steps.len() + 1;
            while j.steps.iter().any(|s| s.id == format!("s{n}")) {
                n += 1;
            }
            j.steps.push(step(&format!("s{n}"), StepAction::Exit));
        });
    };
    view! {
        <form class="panel journey-editor" novalidate=true on:submit=save>
            <h2>{move || if is_new { i18n.t("journey_new") } else { i18n.t("journey_edit") }}</h2>
            <label>
                {move || i18n.t("journey_name")}
                <input name="journey_name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <FieldMessage at="/name"/>
            </label>
            <datalist id="journey-events">{events}</datalist>
            <div class="pair">
                <label>
                    {move || i18n.t("journey_trigger")}
                    <input name="trigger" list="journey-events" prop:value=start.trigger.clone()
                        on:input=move |ev| { let v = event_target_value(&ev); trigger.set(v.clone()); draft.edit(|j| j.trigger = v); }/>
                    <EventName value=trigger/>
                    <FieldMessage at="/trigger"/>
                </label>
                <div>{entry}</div>
            </div>
            <label>
                {move || i18n.t("journey_exit_on")}
                <input name="exit_on" list="journey-events" prop:value=start.exit_on.join(", ")
                    placeholder="order_paid"
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.edit(|j| j.exit_on = v.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect());
                    }/>
                <span class="muted small">{move || i18n.t("journey_exit_on_help")}</span>
                {(0..10).map(|i| view! { <FieldMessage at=format!("/exit_on/{i}")/> }).collect_view()}
            </label>
            <h3>{move || i18n.t("journey_steps")}</h3>
            <ol class="journey-flow">{steps}</ol>
            <FieldMessage at="/steps"/>
            <button type="button" class="link add-step" on:click=add>{move || i18n.t("journey_add_step")}</button>
            <ErrorNotice error=error/>
            <div class="actions">
                <button type="submit" class="save-journey">{move || i18n.t("save")}</button>
                <button type="button" class="link" on:click=move |_| on_cancel.run(())>{move || i18n.t("cancel")}</button>
            </div>
        </form>
    }
}

/// The name people read for the event type typed beside it (nothing for a brand's own type).
#[component]
fn EventName(value: RwSignal<String>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    move || {
        let typed = value.get();
        let label = event_type_label(typed.trim());
        (label.0 != typed.trim()).then(|| view! { <span class="event-name muted">{i18n.pick(&label)}</span> })
    }
}

/// A select of the messages a journey may send.
fn message_select(
    messages: RwSignal<Vec<Message>>,
    current: String,
    class: &'static str,
    on: impl Fn(String) + 'static,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <select class=class on:change=move |ev| on(event_target_value(&ev))>
            <option value="" selected=current.is_empty()>{move || i18n.t("step_choose_message")}</option>
            {move || messages.get().into_iter().map(|m| {
                let selected = m.id == current;
                view! { <option value=m.id selected=selected>{m.name}</option> }
            }).collect_view()}
        </select>
    }
}

/// A select of the step to go to, among the others.
fn next_select(
    draft: Draft,
    index: usize,
    choices: &[(String, &'static str)],
    current: &str,
    class: &'static str,
    set: fn(&mut StepAction, String),
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let options = choices
        .iter()
        .enumerate()
        .filter(|(n, _)| *n != index)
        .map(|(n, (id, kind_key))| {
            let kind_key = *kind_key;
            let selected = id == current;
            let id = id.clone();
            view! { <option value=id selected=selected>{move || format!("{} {} · {}", i18n.t("journey_step"), n + 1, i18n.t(kind_key))}</option> }
        })
        .collect_view();
    view! {
        <select class=class on:change=move |ev| { let v = event_target_value(&ev); draft.edit_step(index, |a| set(a, v)); }>
            {options}
        </select>
    }
}

/// One step of the flow.
#[component]
fn StepCard(
    draft: Draft,
    index: usize,
    step: JourneyStep,
    choices: Vec<(String, &'static str)>,
    count: Option<StepCount>,
    segments: RwSignal<Vec<CustomerSegment>>,
    messages: RwSignal<Vec<Message>>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let kind = kind_of(&step.action);
    let at = move |field: &str| format!("/steps/{index}/action/{field}");
    let kinds = KINDS
        .iter()
        .map(|(k, key)| view! { <option value=*k selected=*k == kind>{move || i18n.t(key)}</option> })
        .collect_view();
    let following = choices
        .get(index + 1)
        .or(choices.last())
        .map(|c| c.0.clone())
        .unwrap_or_default();
    let set_kind = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let next = following.clone();
        draft.reshape(|j| {
            if let Some(s) = j.steps.get_mut(index) {
                s.action = fresh(&v, &next);
            }
        });
    };
    let remove = move |_| {
        draft.reshape(|j| {
            if j.steps.len() > 1 && index < j.steps.len() {
                j.steps.remove(index);
            }
        });
    };
    let fields = match step.action.clone() {
        StepAction::Send { message_id, next } => view! {
            <label class="inline">
                {move || i18n.t("step_message")}
                {message_select(messages, message_id, "step-message", move |v| draft.edit_step(index, |a| if let StepAction::Send { message_id, .. } = a { *message_id = v; }))}
            </label>
            <FieldMessage at=at("message_id")/>
            <p class="muted small">{move || i18n.t("step_send_help")}</p>
            <label class="inline">{move || i18n.t("step_then")} {next_select(draft, index, &choices, &next, "step-next", |a, v| if let StepAction::Send { next, .. } = a { *next = v; })}</label>
            <FieldMessage at=at("next")/>
        }
        .into_any(),
        StepAction::Wait { minutes, next } => view! {
            <label class="inline">
                {move || i18n.t("step_minutes")}
                <input class="step-minutes" type="number" min="1" prop:value=minutes.to_string()
                    on:input=move |ev| {
                        let v = number(&event_target_value(&ev)).and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
                        draft.edit_step(index, |a| if let StepAction::Wait { minutes, .. } = a { *minutes = v; });
                    }/>
                <span class="muted">{duration(i18n, minutes)}</span>
            </label>
            <FieldMessage at=at("minutes")/>
            <label class="inline">{move || i18n.t("step_then")} {next_select(draft, index, &choices, &next, "step-next", |a, v| if let StepAction::Wait { next, .. } = a { *next = v; })}</label>
            <FieldMessage at=at("next")/>
        }
        .into_any(),
        StepAction::WaitFor {
            event_type,
            timeout_minutes,
            next,
            timeout_next,
        } => {
            let typed = RwSignal::new(event_type.clone());
            view! {
            <label class="inline">
                {move || i18n.t("step_until")}
                <input class="step-event" list="journey-events" prop:value=event_type
                    on:input=move |ev| { let v = event_target_value(&ev); typed.set(v.clone()); draft.edit_step(index, |a| if let StepAction::WaitFor { event_type, .. } = a { *event_type = v; }); }/>
                <EventName value=typed/>
            </label>
            <FieldMessage at=at("event_type")/>
            <label class="inline">
                {move || i18n.t("step_at_most")}
                <input class="step-minutes" type="number" min="1" prop:value=timeout_minutes.to_string()
                    on:input=move |ev| {
                        let v = number(&event_target_value(&ev)).and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
                        draft.edit_step(index, |a| if let StepAction::WaitFor { timeout_minutes, .. } = a { *timeout_minutes = v; });
                    }/>
                <span class="muted">{duration(i18n, timeout_minutes)}</span>
            </label>
            <FieldMessage at=at("timeout_minutes")/>
            <label class="inline">{move || i18n.t("step_if_done")} {next_select(draft, index, &choices, &next, "step-next", |a, v| if let StepAction::WaitFor { next, .. } = a { *next = v; })}</label>
            <FieldMessage at=at("next")/>
            <label class="inline">{move || i18n.t("step_if_timeout")} {next_select(draft, index, &choices, &timeout_next, "step-timeout-next", |a, v| if let StepAction::WaitFor { timeout_next, .. } = a { *timeout_next = v; })}</label>
            <FieldMessage at=at("timeout_next")/>
            }
            .into_any()
        }
        StepAction::Branch { condition, yes, no } => view! {
            <ConditionFields draft=draft index=index condition=condition segments=segments messages=messages/>
            <label class="inline">{move || i18n.t("step_if_yes")} {next_select(draft, index, &choices, &yes, "step-yes", |a, v| if let StepAction::Branch { yes, .. } = a { *yes = v; })}</label>
            <FieldMessage at=at("yes")/>
            <label class="inline">{move || i18n.t("step_if_no")} {next_select(draft, index, &choices, &no, "step-no", |a, v| if let StepAction::Branch { no, .. } = a { *no = v; })}</label>
            <FieldMessage at=at("no")/>
        }
        .into_any(),
        StepAction::GivePoints { points, next } => view! {
            <label class="inline">
                {move || i18n.t("step_points")}
                <input class="step-points" type="number" min="1" prop:value=points.to_string()
                    on:input=move |ev| {
                        let v = number(&event_target_value(&ev)).unwrap_or(0);
                        draft.edit_step(index, |a| if let StepAction::GivePoints { points, .. } = a { *points = v; });
                    }/>
            </label>
            <FieldMessage at=at("points")/>
            <label class="inline">{move || i18n.t("step_then")} {next_select(draft, index, &choices, &next, "step-next", |a, v| if let StepAction::GivePoints { next, .. } = a { *next = v; })}</label>
            <FieldMessage at=at("next")/>
        }
        .into_any(),
        StepAction::SetAttribute { key, value, next } => view! {
            <label class="inline">
                {move || i18n.t("seg_attribute_key")}
                <input class="step-key" prop:value=key
                    on:input=move |ev| { let v = event_target_value(&ev); draft.edit_step(index, |a| if let StepAction::SetAttribute { key, .. } = a { *key = v; }); }/>
                "="
                <input class="step-value" prop:value=value
                    on:input=move |ev| { let v = event_target_value(&ev); draft.edit_step(index, |a| if let StepAction::SetAttribute { value, .. } = a { *value = v; }); }/>
            </label>
            <FieldMessage at=at("key")/>
            <FieldMessage at=at("value")/>
            <label class="inline">{move || i18n.t("step_then")} {next_select(draft, index, &choices, &next, "step-next", |a, v| if let StepAction::SetAttribute { next, .. } = a { *next = v; })}</label>
            <FieldMessage at=at("next")/>
        }
        .into_any(),
        StepAction::Exit => view! { <p class="muted">{move || i18n.t("step_exit_help")}</p> }.into_any(),
    };
    let counted = count.map(|c| {
        let ways = c
            .ways
            .iter()
            .map(|w| {
                let key = match w.way.as_str() {
                    "yes" => "way_yes",
                    "no" => "way_no",
                    "event" => "way_event",
                    "timeout" => "way_timeout",
                    "exit" => "way_exit",
                    "end" => "way_end",
                    "sent" => "way_sent",
                    "had_it" => "way_had_it",
                    _ => "way_next",
                };
                let n = w.count;
                view! { <span class="way">{move || i18n.t(key)} ": " {n}</span> }
            })
            .collect_view();
        view! {
            <p class="step-counts muted small">
                <span class="step-now">{move || i18n.t("step_now")} ": " {c.now}</span>
                " · " {move || i18n.t("step_passed")} ": " {c.passed} " " {ways}
            </p>
        }
    });
    view! {
        <li class="journey-step" data-kind=kind>
            <div class="step-head">
                <strong>{move || i18n.t("journey_step")} " " {index + 1}</strong>
                <select class="step-kind" aria-label=move || i18n.t("journey_step_kind") on:change=set_kind>{kinds}</select>
                {(index > 0).then(|| view! { <button type="button" class="link remove-step" on:click=remove>{move || i18n.t("remove")}</button> })}
            </div>
            <FieldMessage at=format!("/steps/{index}")/>
            <FieldMessage at=format!("/steps/{index}/id")/>
            <div class="step-fields">{fields}</div>
            {counted}
        </li>
    }
}

/// A branch's question.
#[component]
fn ConditionFields(
    draft: Draft,
    index: usize,
    condition: StepCondition,
    segments: RwSignal<Vec<CustomerSegment>>,
    messages: RwSignal<Vec<Message>>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let kind = condition_kind(&condition);
    let at = move |field: &str| format!("/steps/{index}/action/condition/{field}");
    let edit = move |f: Box<dyn FnOnce(&mut StepCondition)>| {
        draft.edit_step(index, |a| {
            if let StepAction::Branch { condition, .. } = a {
                f(condition);
            }
        });
    };
    let kinds = CONDITIONS
        .iter()
        .map(|(k, key)| view! { <option value=*k selected=*k == kind>{move || i18n.t(key)}</option> })
        .collect_view();
    let fields = match condition {
        StepCondition::MessageRead { message_id } => view! {
            {message_select(messages, message_id, "cond-message", move |v| edit(Box::new(move |c| if let StepCondition::MessageRead { message_id } = c { *message_id = v; })))}
            <FieldMessage at=at("message_id")/>
        }
        .into_any(),
        StepCondition::MessageClicked { message_id } => view! {
            {message_select(messages, message_id, "cond-message", move |v| edit(Box::new(move |c| if let StepCondition::MessageClicked { message_id } = c { *message_id = v; })))}
            <FieldMessage at=at("message_id")/>
        }
        .into_any(),
        StepCondition::DidEvent {
            event_type,
            within_minutes,
        } => {
            let typed = RwSignal::new(event_type.clone());
            view! {
            <input class="cond-event" list="journey-events" prop:value=event_type
                on:input=move |ev| { let v = event_target_value(&ev); typed.set(v.clone()); edit(Box::new(move |c| if let StepCondition::DidEvent { event_type, .. } = c { *event_type = v; })); }/>
            <EventName value=typed/>
            <span>{move || i18n.t("cond_within")}</span>
            <input class="cond-minutes" type="number" min="1" prop:value=within_minutes.map(|m| m.to_string()).unwrap_or_default()
                on:input=move |ev| {
                    let v = number(&event_target_value(&ev)).and_then(|v| u32::try_from(v).ok());
                    edit(Box::new(move |c| if let StepCondition::DidEvent { within_minutes, .. } = c { *within_minutes = v; }));
                }/>
            <span class="muted small">{move || i18n.t("cond_within_help")}</span>
            <FieldMessage at=at("event_type")/>
            <FieldMessage at=at("within_minutes")/>
            }
            .into_any()
        }
        StepCondition::InSegment { segment_id } => view! {
            <select class="cond-segment" on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |c| if let StepCondition::InSegment { segment_id } = c { *segment_id = v; })); }>
                <option value="" selected=segment_id.is_empty()>{move || i18n.t("cond_choose_segment")}</option>
                {move || segments.get().into_iter().map(|s| {
                    let selected = s.id == segment_id;
                    view! { <option value=s.id selected=selected>{s.name}</option> }
                }).collect_view()}
            </select>
            <FieldMessage at=at("segment_id")/>
        }
        .into_any(),
        StepCondition::Attribute { key, equals } => view! {
            <input class="cond-key" placeholder=move || i18n.t("seg_attribute_key") prop:value=key
                on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |c| if let StepCondition::Attribute { key, .. } = c { *key = v; })); }/>
            "="
            <input class="cond-equals" placeholder=move || i18n.t("seg_equals") prop:value=equals
                on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |c| if let StepCondition::Attribute { equals, .. } = c { *equals = v; })); }/>
            <FieldMessage at=at("key")/>
            <FieldMessage at=at("equals")/>
        }
        .into_any(),
        StepCondition::LeadScore { min } => view! {
            <span>{move || i18n.t("cond_at_least")}</span>
            <input class="cond-min" type="number" prop:value=min.to_string()
                on:input=move |ev| { let v = number(&event_target_value(&ev)).unwrap_or(0); edit(Box::new(move |c| if let StepCondition::LeadScore { min } = c { *min = v; })); }/>
            <FieldMessage at=at("min")/>
        }
        .into_any(),
        StepCondition::Random { percent } => view! {
            <input class="cond-percent" type="number" min="1" max="99" prop:value=percent.to_string()
                on:input=move |ev| {
                    let v = number(&event_target_value(&ev)).and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
                    edit(Box::new(move |c| if let StepCondition::Random { percent } = c { *percent = v; }));
                }/>
            <span>{move || i18n.t("cond_percent_yes")}</span>
            <FieldMessage at=at("percent")/>
        }
        .into_any(),
    };
    view! {
        <div class="condition">
            <span>{move || i18n.t("cond_if")}</span>
            <select class="cond-kind" on:change=move |ev| {
                let v = event_target_value(&ev);
                draft.reshape(|j| if let Some(StepAction::Branch { condition, .. }) = j.steps.get_mut(index).map(|s| &mut s.action) {
                    *condition = fresh_condition(&v);
                });
            }>{kinds}</select>
            {fields}
        </div>
    }
}
