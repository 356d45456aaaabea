//! The console's segments: the brand's saved segments with how many people are in each now, and the builder:
//! start from nothing or a ready-made segment, change the rule, and see how many people it holds right now and
//! a few of them while editing.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{sleep, vn_time},
        i18n::{I18n, Lang},
    },
    SURFACE,
    forms::{Field, FormFailure},
    segment_rules::{RuleEditor, RuleTree},
};
use crate::api::{
    CustomerSegment, LoyaltyConfig, SegmentInput, SegmentPreview, SegmentPreviewRequest, SegmentRule, SegmentTemplate,
    Tier,
};

const PATH: &str = "/api/v1/admin/segments";

/// `1.234` (Vietnamese) or `1,234` (English).
pub fn grouped(n: i64, lang: Lang) -> String {
    let separator = if lang == Lang::Vi { '.' } else { ',' };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::from(if n < 0 { "-" } else { "" });
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// The segments page.
#[component]
pub fn SegmentsPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let segments = RwSignal::new(None::<Vec<CustomerSegment>>);
    let templates = RwSignal::new(Vec::<SegmentTemplate>::new());
    let tiers = RwSignal::new(Vec::<Tier>::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let editing = RwSignal::new(None::<Option<String>>);
    let name = RwSignal::new(String::new());
    let tree = RuleTree {
        rule: RwSignal::new(SegmentRule::All { rules: Vec::new() }),
        version: RwSignal::new(0),
        tiers,
    };
    let load = {
        let api = api.clone();
        move || {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<Vec<CustomerSegment>>(SURFACE, PATH).await {
                    Ok(s) => segments.set(Some(s)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    load();
    {
        let api = api.clone();
        spawn_local(async move {
            if let Ok(t) = api
                .get_as::<Vec<SegmentTemplate>>(SURFACE, &format!("{PATH}/templates"))
                .await
            {
                templates.set(t);
            }
            if let Ok(c) = api.get_as::<LoyaltyConfig>(SURFACE, "/api/v1/admin/loyalty").await {
                tiers.set(c.tiers);
            }
        });
    }
    let open = move |segment: Option<CustomerSegment>| {
        error.set(None);
        match segment {
            Some(s) => {
                name.set(s.name);
                tree.rule.set(s.rule);
                editing.set(Some(Some(s.id)));
            }
            None => {
                name.set(String::new());
                tree.rule.set(SegmentRule::All { rules: Vec::new() });
                editing.set(Some(None));
            }
        }
        tree.version.update(|v| *v += 1);
    };
    let archive = {
        let (api, load) = (api, load.clone());
        move |id: String| {
            let (api, load) = (api.clone(), load.clone());
            spawn_local(async move {
                match api.delete_as(SURFACE, &format!("{PATH}/{id}")).await {
                    Ok(()) => load(),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let rows = move || {
        let list = segments.get()?;
        if list.is_empty() {
            return Some(view! { <p class="empty">{i18n.t("seg_none_yet")}</p> }.into_any());
        }
        let archive = archive.clone();
        Some(
            view! {
                <table class="segments">
                    <thead><tr>
                        <th>{i18n.t("seg_name")}</th><th class="num">{i18n.t("seg_members")}</th>
                        <th>{i18n.t("seg_updated")}</th><th></th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|s| {
                            let (edit, id) = (s.clone(), s.id.clone());
                            let archive = archive.clone();
                            let counted = match &s.computed_at {
                                Some(_) => grouped(s.members, i18n.lang()),
                                None => i18n.t("seg_computing").to_owned(),
                            };
                            view! {
                                <tr>
                                    <td>{s.name.clone()}</td>
                                    <td class="num">{counted}</td>
                                    <td>{vn_time(&s.updated_at)}</td>
                                    <td class="actions">
                                        <button type="button" class="link" on:click=move |_| open(Some(edit.clone()))>{i18n.t("edit")}</button>
                                        <button type="button" class="link danger" on:click=move |_| archive(id.clone())>{i18n.t("seg_archive")}</button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any(),
        )
    };
    view! {
        <section class="segments-page">
            <header class="page-head">
                <h1>{move || i18n.t("nav_segments")}</h1>
                <button type="button" class="primary" on:click=move |_| open(None)>{move || i18n.t("seg_new")}</button>
            </header>
            <p class="muted">{move || i18n.t("seg_intro")}</p>
            <ErrorNotice error=error/>
            {move || if segments.get().is_none() && error.get().is_none() {
                Some(view! { <p class="muted">{i18n.t("loading")}</p> })
            } else {
                None
            }}
            {rows}
            {move || editing.get().map(|id| view! {
                <SegmentEditor id=id name=name tree=tree templates=templates
                    on_done=Callback::new({ let load = load.clone(); move |()| { editing.set(None); load(); } })/>
            })}
        </section>
    }
}

/// The builder: name, a ready-made start, the rule, the live count.
#[component]
fn SegmentEditor(
    id: Option<String>,
    name: RwSignal<String>,
    tree: RuleTree,
    templates: RwSignal<Vec<SegmentTemplate>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let failure = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(failure));
    let preview = RwSignal::new(None::<SegmentPreview>);
    let counting = RwSignal::new(false);
    let generation = StoredValue::new(0u32);
    // The live count: a moment after the rule stops changing, ask how many it holds now.
    Effect::new({
        let api = api.clone();
        move |_| {
            let rule = tree.rule.get();
            let api = api.clone();
            let mine = generation.get_value().wrapping_add(1);
            generation.set_value(mine);
            counting.set(true);
            spawn_local(async move {
                sleep(400).await;
                if generation.get_value() != mine {
                    return;
                }
                let body = SegmentPreviewRequest { rule };
                let answer = api
                    .post_as::<_, SegmentPreview>(SURFACE, &format!("{PATH}/preview"), &body)
                    .await;
                if generation.get_value() == mine {
                    match answer {
                        Ok(p) => {
                            preview.set(Some(p));
                            failure.set(None);
                        }
                        Err(e) => {
                            preview.set(None);
                            failure.set(Some(e));
                        }
                    }
                    counting.set(false);
                }
            });
        }
    });
    let start_from = move |ev: leptos::ev::Event| {
        let key = event_target_value(&ev);
        if let Some(t) = templates.get_untracked().into_iter().find(|t| t.key == key) {
            if name.get_untracked().trim().is_empty() {
                name.set(if i18n.lang_untracked() == Lang::Vi {
                    t.name_vi
                } else {
                    t.name_en
                });
            }
            tree.rule.set(t.rule);
            tree.version.update(|v| *v += 1);
        }
    };
    let busy = RwSignal::new(false);
    let editing_id = id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (api, id) = (api.clone(), editing_id.clone());
        busy.set(true);
        spawn_local(async move {
            let body = SegmentInput {
                name: name.get_untracked(),
                rule: tree.rule.get_untracked(),
            };
            let saved = match &id {
                Some(id) => {
                    api.put_as::<_, CustomerSegment>(SURFACE, &format!("{PATH}/{id}"), &body)
                        .await
                }
                None => api.post_as::<_, CustomerSegment>(SURFACE, PATH, &body).await,
            };
            busy.set(false);
            match saved {
                Ok(_) => on_done.run(()),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let count = move || match (preview.get(), counting.get()) {
        (Some(p), _) => {
            let names: Vec<String> = p
                .sample
                .iter()
                .map(|m| {
                    m.display_name
                        .clone()
                        .unwrap_or_else(|| i18n.t("seg_unnamed").to_owned())
                })
                .collect();
            view! {
                <p class="seg-count"><strong>{grouped(p.count, i18n.lang())}</strong> " " {i18n.t("seg_people_now")}</p>
                {(!names.is_empty()).then(|| view! { <p class="muted seg-sample">{i18n.t("seg_for_example")} " " {names.join(", ")}</p> })}
            }
            .into_any()
        }
        (None, true) => view! { <p class="muted">{i18n.t("seg_counting")}</p> }.into_any(),
        (None, false) => ().into_any(),
    };
    view! {
        <form class="panel segment-editor" on:submit=save>
            <h2>{move || i18n.t(if id.is_some() { "seg_edit" } else { "seg_new" })}</h2>
            <Field label="seg_name" value=name name="segment_name" required=true at="/name"/>
            <label>
                {move || i18n.t("seg_start_from")}
                <select class="seg-template" on:change=start_from>
                    <option value="">{move || i18n.t("seg_from_scratch")}</option>
                    {move || templates.get().into_iter().map(|t| {
                        let label = (t.name_vi.clone(), t.name_en.clone());
                        view! { <option value=t.key>{move || i18n.pick(&label)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <RuleEditor tree=tree/>
            <div class="seg-live" aria-live="polite">{count}</div>
            <ErrorNotice error=failure/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t("save")}</button>
                <button type="button" on:click=move |_| on_done.run(())>{move || i18n.t("cancel")}</button>
            </div>
        </form>
    }
}
