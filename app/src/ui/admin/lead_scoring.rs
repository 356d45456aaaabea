//! The lead scoring panel: points per kind of event (fading with a half-life) and per attribute value. Saving
//! recomputes everyone's score; the score shows on the profile and is a segment condition.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{FieldMessage, FormFailure},
    segment_rules::EVENTS,
};
use crate::api::{AttributeScore, EventScore, LeadScoring, event_type_label};

/// A row's points as typed; what cannot be read is 0, which the server refuses at that row.
fn points(text: &str) -> i64 {
    text.trim().parse().unwrap_or(0)
}

/// The panel.
#[component]
pub fn LeadScoringPanel() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let scoring = RwSignal::new(None::<LeadScoring>);
    // Bumped when rows are added or removed, to redraw them (typing does not redraw).
    let version = RwSignal::new(0_u32);
    let error = RwSignal::new(None::<ApiFailure>);
    let save_error = RwSignal::new(None::<ApiFailure>);
    let saved = RwSignal::new(false);
    {
        let api = api.clone();
        spawn_local(async move {
            match api.get_as::<LeadScoring>(SURFACE, "/api/v1/admin/lead-scoring").await {
                Ok(s) => scoring.set(Some(s)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let edit = move |f: Box<dyn FnOnce(&mut LeadScoring)>| {
        saved.set(false);
        scoring.update_untracked(|s| {
            if let Some(s) = s {
                f(s);
            }
        });
    };
    let reshape = move |f: Box<dyn FnOnce(&mut LeadScoring)>| {
        edit(f);
        version.update(|v| *v += 1);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(body) = scoring.get_untracked() else {
            return;
        };
        let api = api.clone();
        spawn_local(async move {
            match api
                .put_as::<_, LeadScoring>(SURFACE, "/api/v1/admin/lead-scoring", &body)
                .await
            {
                Ok(s) => {
                    save_error.set(None);
                    saved.set(true);
                    scoring.set(Some(s));
                    version.update(|v| *v += 1);
                }
                Err(e) => {
                    saved.set(false);
                    save_error.set(Some(e));
                }
            }
        });
    };
    provide_context(FormFailure(save_error));
    let events = move || {
        version.get();
        let rows = scoring.with_untracked(|s| s.as_ref().map(|s| s.events.clone()).unwrap_or_default());
        if rows.is_empty() {
            return view! { <p class="muted empty no-event-scores">{move || i18n.t("score_no_events")}</p> }.into_any();
        }
        rows.into_iter()
            .enumerate()
            .map(|(i, row)| {
                // The typed type's name, for a type the product knows.
                let typed = RwSignal::new(row.event_type.clone());
                let name = move || {
                    let t = typed.get();
                    let label = event_type_label(t.trim());
                    (label.0 != t.trim()).then(|| i18n.pick(&label))
                };
                view! {
                    <div class="score-row event-score">
                        <input class="score-event" list="score-event-types" aria-label=move || i18n.t("score_event")
                            prop:value=row.event_type.clone()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                typed.set(v.clone());
                                edit(Box::new(move |s| if let Some(r) = s.events.get_mut(i) { r.event_type = v; }));
                            }/>
                        <span class="score-event-name">{name}</span>
                        <input class="score-points" type="number" min="-1000" max="1000" aria-label=move || i18n.t("score_points")
                            prop:value=row.points.to_string()
                            on:input=move |ev| {
                                let v = points(&event_target_value(&ev));
                                edit(Box::new(move |s| if let Some(r) = s.events.get_mut(i) { r.points = v; }));
                            }/>
                        <span class="muted">{move || i18n.t("score_each_time")}</span>
                        <button type="button" class="link remove-score" on:click=move |_| {
                            reshape(Box::new(move |s| { if i < s.events.len() { s.events.remove(i); } }));
                        }>{move || i18n.t("remove")}</button>
                        <FieldMessage at=format!("/events/{i}/event_type")/>
                        <FieldMessage at=format!("/events/{i}/points")/>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    let attributes = move || {
        version.get();
        let rows = scoring.with_untracked(|s| s.as_ref().map(|s| s.attributes.clone()).unwrap_or_default());
        if rows.is_empty() {
            return view! { <p class="muted empty no-attribute-scores">{move || i18n.t("score_no_attributes")}</p> }
                .into_any();
        }
        rows.into_iter()
            .enumerate()
            .map(|(i, row)| {
                view! {
                    <div class="score-row attribute-score">
                        <input class="score-key" placeholder=move || i18n.t("seg_attribute_key") aria-label=move || i18n.t("seg_attribute_key")
                            prop:value=row.key.clone()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                edit(Box::new(move |s| if let Some(r) = s.attributes.get_mut(i) { r.key = v; }));
                            }/>
                        <span>"="</span>
                        <input class="score-equals" placeholder=move || i18n.t("seg_equals") aria-label=move || i18n.t("seg_equals")
                            prop:value=row.equals.clone()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                edit(Box::new(move |s| if let Some(r) = s.attributes.get_mut(i) { r.equals = v; }));
                            }/>
                        <input class="score-points" type="number" min="-1000" max="1000" aria-label=move || i18n.t("score_points")
                            prop:value=row.points.to_string()
                            on:input=move |ev| {
                                let v = points(&event_target_value(&ev));
                                edit(Box::new(move |s| if let Some(r) = s.attributes.get_mut(i) { r.points = v; }));
                            }/>
                        <span class="muted">{move || i18n.t("score_points_unit")}</span>
                        <button type="button" class="link remove-score" on:click=move |_| {
                            reshape(Box::new(move |s| { if i < s.attributes.len() { s.attributes.remove(i); } }));
                        }>{move || i18n.t("remove")}</button>
                        <FieldMessage at=format!("/attributes/{i}/key")/>
                        <FieldMessage at=format!("/attributes/{i}/equals")/>
                        <FieldMessage at=format!("/attributes/{i}/points")/>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    let known = EVENTS
        .iter()
        .map(|t| {
            let label = event_type_label(t);
            view! { <option value=*t>{move || i18n.pick(&label)}</option> }
        })
        .collect_view();
    view! {
        <form class="panel lead-scoring" novalidate=true on:submit=save>
            <h2>{move || i18n.t("lead_scoring_title")}</h2>
            <p class="muted">{move || i18n.t("lead_scoring_help")}</p>
            <ErrorNotice error=error/>
            <datalist id="score-event-types">{known}</datalist>
            {move || match scoring.with(Option::is_some) {
                false => view! { <p class="loading" role="status">{move || i18n.t("loading")}</p> }.into_any(),
                true => view! {
                    <h3>{move || i18n.t("score_events_title")}</h3>
                    {events}
                    <FieldMessage at="/events"/>
                    <button type="button" class="link add-event-score" on:click=move |_| {
                        reshape(Box::new(|s| s.events.push(EventScore { event_type: String::new(), points: 10 })));
                    }>{move || i18n.t("score_add_event")}</button>
                    <h3>{move || i18n.t("score_attributes_title")}</h3>
                    {attributes}
                    <FieldMessage at="/attributes"/>
                    <button type="button" class="link add-attribute-score" on:click=move |_| {
                        reshape(Box::new(|s| s.attributes.push(AttributeScore { key: String::new(), equals: String::new(), points: 10 })));
                    }>{move || i18n.t("score_add_attribute")}</button>
                    <label class="half-life">
                        {move || i18n.t("score_half_life")}
                        <input class="score-half-life" type="number" min="0" max="365"
                            prop:value=scoring.get_untracked().map(|s| s.half_life_days.to_string()).unwrap_or_default()
                            on:input=move |ev| {
                                let v = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
                                edit(Box::new(move |s| s.half_life_days = v));
                            }/>
                        <span class="muted small">{move || i18n.t("score_half_life_help")}</span>
                        <FieldMessage at="/half_life_days"/>
                    </label>
                }.into_any(),
            }}
            <ErrorNotice error=save_error/>
            {move || saved.get().then(|| view! { <p class="notice success save-scoring-done" role="status">{move || i18n.t("score_saved")}</p> })}
            <button type="submit" class="save-scoring">{move || i18n.t("save_scoring")}</button>
        </form>
    }
}
