//! The pop-up form builder: its words in both languages, the fields and consent boxes it asks, when it appears
//! and what it promises, with a preview in either language as the snippet draws it. The server checks the whole
//! definition; a refusal shows beside the field it is about.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{Field, FieldMessage, FormFailure},
};
use crate::api::{FormConsent, FormField, FormFieldKind, FormReward, FormTrigger, Reward, Text, WebForm, WebFormInput};

/// The kinds of field the builder offers, in the order a form asks them.
const KINDS: &[(FormFieldKind, &str)] = &[
    (FormFieldKind::Name, "field_name"),
    (FormFieldKind::Phone, "field_phone"),
    (FormFieldKind::Email, "field_email"),
    (FormFieldKind::Choice, "field_choice"),
];

/// The consent purposes the builder offers.
const PURPOSES: &[&str] = &["marketing_sms", "marketing_email", "marketing_zalo", "analytics"];

/// One field's row of the builder.
#[derive(Clone, Copy)]
struct FieldRow {
    kind: FormFieldKind,
    label_key: &'static str,
    ask: RwSignal<bool>,
    required: RwSignal<bool>,
    vi: RwSignal<String>,
    en: RwSignal<String>,
    options: RwSignal<String>,
}

/// One consent box's row of the builder.
#[derive(Clone, Copy)]
struct ConsentRow {
    purpose: &'static str,
    ask: RwSignal<bool>,
    required: RwSignal<bool>,
    vi: RwSignal<String>,
    en: RwSignal<String>,
}

/// The words a new form starts with, so the preview shows something true at once.
fn starter() -> WebFormInput {
    let t = |vi: &str, en: &str| Text {
        vi: vi.to_owned(),
        en: en.to_owned(),
    };
    WebFormInput {
        name: String::new(),
        active: false,
        title: t("Nhận ưu đãi cho lần ghé đầu", "An offer for your first visit"),
        body: t(
            "Để lại số điện thoại, chúng tôi gửi ưu đãi cho bạn.",
            "Leave your phone and we send you the offer.",
        ),
        button: t("Nhận ưu đãi", "Get the offer"),
        thanks: t("Cảm ơn bạn! Ưu đãi đã sẵn sàng.", "Thank you! Your offer is ready."),
        fields: vec![
            FormField {
                kind: FormFieldKind::Name,
                label: t("Họ tên", "Name"),
                required: false,
                options: vec![],
            },
            FormField {
                kind: FormFieldKind::Phone,
                label: t("Số điện thoại", "Phone"),
                required: true,
                options: vec![],
            },
        ],
        consents: vec![FormConsent {
            purpose: "marketing_sms".to_owned(),
            wording: t(
                "Tôi đồng ý nhận tin ưu đãi qua SMS, tối đa 4 tin mỗi tháng.",
                "I agree to receive offers by SMS, at most 4 a month.",
            ),
            required: true,
        }],
        trigger: FormTrigger {
            after_pages: Some(2),
            after_seconds: Some(10),
            snooze_days: 7,
            skip_known: true,
            ..FormTrigger::default()
        },
        reward: FormReward::None,
    }
}

fn number_text(n: Option<u32>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// A whole number typed into a field, `None` when empty; 0 for what is not a number (the server says why).
fn typed(text: &str) -> Option<u32> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.parse().unwrap_or(0))
}

/// The builder for `form` (a new one when `None`).
#[component]
pub fn FormEditor(form: Option<WebForm>, on_saved: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let error = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(error));
    let id = form.as_ref().map(|f| f.id.clone());
    let input = form.map(|f| f.input).unwrap_or_else(starter);

    let name = RwSignal::new(input.name.clone());
    let active = RwSignal::new(input.active);
    let text = |t: &Text| (RwSignal::new(t.vi.clone()), RwSignal::new(t.en.clone()));
    let (title_vi, title_en) = text(&input.title);
    let (body_vi, body_en) = text(&input.body);
    let (button_vi, button_en) = text(&input.button);
    let (thanks_vi, thanks_en) = text(&input.thanks);
    let rows: Vec<FieldRow> = KINDS
        .iter()
        .map(|&(kind, label_key)| {
            let found = input.fields.iter().find(|f| f.kind == kind);
            let options = found
                .map(|f| {
                    f.options
                        .iter()
                        .map(|o| format!("{} | {}", o.vi, o.en))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default();
            FieldRow {
                kind,
                label_key,
                ask: RwSignal::new(found.is_some()),
                required: RwSignal::new(found.is_some_and(|f| f.required)),
                vi: RwSignal::new(found.map(|f| f.label.vi.clone()).unwrap_or_default()),
                en: RwSignal::new(found.map(|f| f.label.en.clone()).unwrap_or_default()),
                options: RwSignal::new(options),
            }
        })
        .collect();
    let consents: Vec<ConsentRow> = PURPOSES
        .iter()
        .map(|&purpose| {
            let found = input.consents.iter().find(|c| c.purpose == purpose);
            ConsentRow {
                purpose,
                ask: RwSignal::new(found.is_some()),
                required: RwSignal::new(found.is_some_and(|c| c.required)),
                vi: RwSignal::new(found.map(|c| c.wording.vi.clone()).unwrap_or_default()),
                en: RwSignal::new(found.map(|c| c.wording.en.clone()).unwrap_or_default()),
            }
        })
        .collect();
    let t = &input.trigger;
    let after_pages = RwSignal::new(number_text(t.after_pages));
    let after_seconds = RwSignal::new(number_text(t.after_seconds));
    let exit_intent = RwSignal::new(t.on_exit_intent);
    let path_contains = RwSignal::new(t.path_contains.clone().unwrap_or_default());
    let utm_campaign = RwSignal::new(t.utm_campaign.clone().unwrap_or_default());
    let snooze = RwSignal::new(t.snooze_days.to_string());
    let skip_known = RwSignal::new(t.skip_known);
    let (reward_kind, reward_id, points) = match &input.reward {
        FormReward::None => ("none", String::new(), String::new()),
        FormReward::Voucher { reward_id } => ("voucher", reward_id.clone(), String::new()),
        FormReward::Points { points } => ("points", String::new(), points.to_string()),
    };
    let reward_kind = RwSignal::new(reward_kind.to_owned());
    let reward_id = RwSignal::new(reward_id);
    let points = RwSignal::new(points);
    let rewards = RwSignal::new(Vec::<Reward>::new());
    {
        let api = api.clone();
        spawn_local(async move {
            if let Ok(list) = api.get_as::<Vec<Reward>>(SURFACE, "/api/v1/admin/rewards").await {
                rewards.set(list.into_iter().filter(|r| r.input.active).collect());
            }
        });
    }
    let preview_en = RwSignal::new(i18n.lang_untracked() == super::super::i18n::Lang::En);

    let build = {
        let rows = rows.clone();
        let consents = consents.clone();
        move || WebFormInput {
            name: name.get(),
            active: active.get(),
            title: Text {
                vi: title_vi.get(),
                en: title_en.get(),
            },
            body: Text {
                vi: body_vi.get(),
                en: body_en.get(),
            },
            button: Text {
                vi: button_vi.get(),
                en: button_en.get(),
            },
            thanks: Text {
                vi: thanks_vi.get(),
                en: thanks_en.get(),
            },
            fields: rows
                .iter()
                .filter(|r| r.ask.get())
                .map(|r| FormField {
                    kind: r.kind,
                    label: Text {
                        vi: r.vi.get(),
                        en: r.en.get(),
                    },
                    required: r.required.get(),
                    options: if r.kind == FormFieldKind::Choice {
                        r.options
                            .get()
                            .lines()
                            .filter(|l| !l.trim().is_empty())
                            .map(|l| {
                                let (vi, en) = l.split_once('|').unwrap_or((l, l));
                                Text {
                                    vi: vi.trim().to_owned(),
                                    en: en.trim().to_owned(),
                                }
                            })
                            .collect()
                    } else {
                        vec![]
                    },
                })
                .collect(),
            consents: consents
                .iter()
                .filter(|c| c.ask.get())
                .map(|c| FormConsent {
                    purpose: c.purpose.to_owned(),
                    wording: Text {
                        vi: c.vi.get(),
                        en: c.en.get(),
                    },
                    required: c.required.get(),
                })
                .collect(),
            trigger: FormTrigger {
                after_pages: typed(&after_pages.get()),
                after_seconds: typed(&after_seconds.get()),
                on_exit_intent: exit_intent.get(),
                path_contains: Some(path_contains.get()).filter(|p| !p.trim().is_empty()),
                utm_campaign: Some(utm_campaign.get()).filter(|p| !p.trim().is_empty()),
                snooze_days: typed(&snooze.get()).unwrap_or(0),
                skip_known: skip_known.get(),
            },
            reward: match reward_kind.get().as_str() {
                "voucher" => FormReward::Voucher {
                    reward_id: reward_id.get(),
                },
                "points" => FormReward::Points {
                    points: points.get().trim().parse().unwrap_or(0),
                },
                _ => FormReward::None,
            },
        }
    };
    let draft = Memo::new(move |_| build());

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = draft.get_untracked();
        let (api, id) = (api.clone(), id.clone());
        spawn_local(async move {
            let saved = match &id {
                Some(id) => {
                    api.put_as::<_, WebForm>(SURFACE, &format!("/api/v1/admin/website/forms/{id}"), &body)
                        .await
                }
                None => {
                    api.post_as::<_, WebForm>(SURFACE, "/api/v1/admin/website/forms", &body)
                        .await
                }
            };
            match saved {
                Ok(_) => {
                    error.set(None);
                    on_saved.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    // Where a field's refusal points: its place among the fields the form asks.
    let field_at = {
        let rows = rows.clone();
        move |kind: FormFieldKind, rest: &'static str| {
            let rows = rows.clone();
            move || {
                let index = rows.iter().filter(|r| r.ask.get()).position(|r| r.kind == kind);
                index.map(|i| view! { <FieldMessage at=format!("/fields/{i}{rest}")/> })
            }
        }
    };
    let consent_at = {
        let consents = consents.clone();
        move |purpose: &'static str, rest: &'static str| {
            let consents = consents.clone();
            move || {
                let index = consents
                    .iter()
                    .filter(|c| c.ask.get())
                    .position(|c| c.purpose == purpose);
                index.map(|i| view! { <FieldMessage at=format!("/consents/{i}{rest}")/> })
            }
        }
    };
    let field_rows = rows
        .iter()
        .map(|&r| {
            let (vi_at, en_at, options_at) = (field_at(r.kind, "/label/vi"), field_at(r.kind, "/label/en"), field_at(r.kind, "/options"));
            view! {
                <fieldset class="field-row" data-kind=r.kind.key()>
                    <legend>{move || i18n.t(r.label_key)}</legend>
                    <label class="check"><input type="checkbox" class="ask" prop:checked=move || r.ask.get() on:change=move |ev| r.ask.set(event_target_checked(&ev))/>{move || i18n.t("field_ask")}</label>
                    <Show when=move || r.ask.get()>
                        <label class="check"><input type="checkbox" class="required" prop:checked=move || r.required.get() on:change=move |ev| r.required.set(event_target_checked(&ev))/>{move || i18n.t("field_required")}</label>
                        <label>{move || i18n.t("label_vi")}<input class="label-vi" prop:value=move || r.vi.get() on:input=move |ev| r.vi.set(event_target_value(&ev))/>{vi_at.clone()}</label>
                        <label>{move || i18n.t("label_en")}<input class="label-en" prop:value=move || r.en.get() on:input=move |ev| r.en.set(event_target_value(&ev))/>{en_at.clone()}</label>
                        {(r.kind == FormFieldKind::Choice).then(|| {
                            let options_at = options_at.clone();
                            view! {
                                <label class="wide">{move || i18n.t("choice_options")}
                                    <textarea rows="3" class="options" prop:value=move || r.options.get() on:input=move |ev| r.options.set(event_target_value(&ev))></textarea>
                                    {options_at}
                                </label>
                            }
                        })}
                    </Show>
                </fieldset>
            }
        })
        .collect_view();
    let consent_rows = consents
        .iter()
        .map(|&c| {
            let (vi_at, en_at) = (consent_at(c.purpose, "/wording/vi"), consent_at(c.purpose, "/wording/en"));
            let label = app_label(c.purpose);
            view! {
                <fieldset class="consent-row" data-purpose=c.purpose>
                    <legend>{move || if i18n.lang() == super::super::i18n::Lang::Vi { label.0.clone() } else { label.1.clone() }}</legend>
                    <label class="check"><input type="checkbox" class="ask" prop:checked=move || c.ask.get() on:change=move |ev| c.ask.set(event_target_checked(&ev))/>{move || i18n.t("field_ask")}</label>
                    <Show when=move || c.ask.get()>
                        <label class="check"><input type="checkbox" class="required" prop:checked=move || c.required.get() on:change=move |ev| c.required.set(event_target_checked(&ev))/>{move || i18n.t("field_required")}</label>
                        <label class="wide">{move || i18n.t("wording_vi")}<textarea rows="2" class="wording-vi" prop:value=move || c.vi.get() on:input=move |ev| c.vi.set(event_target_value(&ev))></textarea>{vi_at.clone()}</label>
                        <label class="wide">{move || i18n.t("wording_en")}<textarea rows="2" class="wording-en" prop:value=move || c.en.get() on:input=move |ev| c.en.set(event_target_value(&ev))></textarea>{en_at.clone()}</label>
                    </Show>
                </fieldset>
            }
        })
        .collect_view();
    let check = |key: &'static str, value: RwSignal<bool>, class: &'static str| {
        view! {
            <label class="check"><input type="checkbox" class=class prop:checked=move || value.get() on:change=move |ev| value.set(event_target_checked(&ev))/>{move || i18n.t(key)}</label>
        }
    };

    view! {
        <div class="form-builder">
            <form class="panel form-editor" on:submit=save>
                <Field label="form_name" value=name name="form_name" required=true at="/name"/>
                {check("form_active", active, "form-active")}
                <h3>{move || i18n.t("form_words")}</h3>
                <div class="pair">
                    <Field label="form_title_vi" value=title_vi name="title_vi" at="/title/vi"/>
                    <Field label="form_title_en" value=title_en name="title_en" at="/title/en"/>
                    <Field label="form_body_vi" value=body_vi name="body_vi" at="/body/vi"/>
                    <Field label="form_body_en" value=body_en name="body_en" at="/body/en"/>
                    <Field label="form_button_vi" value=button_vi name="button_vi" at="/button/vi"/>
                    <Field label="form_button_en" value=button_en name="button_en" at="/button/en"/>
                    <Field label="form_thanks_vi" value=thanks_vi name="thanks_vi" at="/thanks/vi"/>
                    <Field label="form_thanks_en" value=thanks_en name="thanks_en" at="/thanks/en"/>
                </div>
                <h3>{move || i18n.t("form_fields")}</h3>
                <FieldMessage at="/fields"/>
                {field_rows}
                <h3>{move || i18n.t("form_consents")}</h3>
                {consent_rows}
                <h3>{move || i18n.t("form_trigger")}</h3>
                <p class="muted small">{move || i18n.t("trigger_note")}</p>
                <div class="pair">
                    <Field label="after_pages" value=after_pages kind="number" name="after_pages" at="/trigger/after_pages"/>
                    <Field label="after_seconds" value=after_seconds kind="number" name="after_seconds" at="/trigger/after_seconds"/>
                    <Field label="path_contains" value=path_contains name="path_contains" at="/trigger/path_contains"/>
                    <Field label="utm_campaign_only" value=utm_campaign name="utm_campaign" at="/trigger/utm_campaign"/>
                    <Field label="snooze_days" value=snooze kind="number" name="snooze_days" at="/trigger/snooze_days"/>
                </div>
                {check("on_exit_intent", exit_intent, "exit-intent")}
                {check("skip_known", skip_known, "skip-known")}
                <h3>{move || i18n.t("form_reward")}</h3>
                <div class="reward-kinds" role="radiogroup">
                    {[("none", "reward_none"), ("voucher", "reward_voucher"), ("points", "reward_points")].into_iter().map(|(value, key)| view! {
                        <label class="check"><input type="radio" name="reward_kind" value=value prop:checked=move || reward_kind.get() == value on:change=move |_| reward_kind.set(value.to_owned())/>{move || i18n.t(key)}</label>
                    }).collect_view()}
                </div>
                <Show when=move || reward_kind.get() == "voucher">
                    <label>{move || i18n.t("reward_choose")}
                        <select name="reward_id" prop:value=move || reward_id.get() on:change=move |ev| reward_id.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {move || rewards.get().into_iter().map(|r| {
                                let id = r.id.clone();
                                view! { <option value=r.id selected=move || reward_id.get() == id>{r.input.name}</option> }
                            }).collect_view()}
                        </select>
                        <FieldMessage at="/reward/reward_id"/>
                    </label>
                </Show>
                <Show when=move || reward_kind.get() == "points">
                    <Field label="reward_points_count" value=points kind="number" name="reward_points" at="/reward/points"/>
                </Show>
                <ErrorNotice error=error/>
                <div class="actions">
                    <button type="submit" class="save-form">{move || i18n.t("save_form")}</button>
                    <button type="button" class="link" on:click=move |_| on_cancel.run(())>{move || i18n.t("cancel")}</button>
                </div>
            </form>
            <aside class="form-preview-pane">
                <div class="dashboard-head">
                    <h3>{move || i18n.t("preview")}</h3>
                    <label class="check"><input type="checkbox" class="preview-en" prop:checked=move || preview_en.get() on:change=move |ev| preview_en.set(event_target_checked(&ev))/>{move || i18n.t("lang_en")}</label>
                </div>
                {move || preview(&draft.get(), preview_en.get())}
            </aside>
        </div>
    }
}

/// A consent purpose's label pair.
fn app_label(purpose: &str) -> (String, String) {
    crate::api::consent_purpose_label(purpose)
}

/// The form as the snippet draws it, in Vietnamese or English.
fn preview(form: &WebFormInput, english: bool) -> AnyView {
    let pick = move |t: &Text| if english { t.en.clone() } else { t.vi.clone() };
    view! {
        <div class="form-preview" lang=if english { "en" } else { "vi" }>
            <span class="x" aria-hidden="true">"×"</span>
            <h2>{pick(&form.title)}</h2>
            {(!pick(&form.body).is_empty()).then(|| view! { <p>{pick(&form.body)}</p> })}
            {form.fields.iter().map(|f| {
                let label = format!("{}{}", pick(&f.label), if f.required { " *" } else { "" });
                let control = if f.kind == FormFieldKind::Choice {
                    view! { <select disabled>{f.options.iter().map(|o| view! { <option>{pick(o)}</option> }).collect_view()}</select> }.into_any()
                } else {
                    view! { <input disabled/> }.into_any()
                };
                view! { <label>{label}{control}</label> }
            }).collect_view()}
            {form.consents.iter().map(|c| view! {
                <label class="consent"><input type="checkbox" disabled/><span>{pick(&c.wording)}{if c.required { " *" } else { "" }}</span></label>
            }).collect_view()}
            <button type="button" class="send" disabled>{pick(&form.button)}</button>
        </div>
    }
    .into_any()
}
