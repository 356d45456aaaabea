//! Writing a message: its name, its segment, the mini app screen its buttons open, and its content for each
//! channel it may use (the Zalo OA card with a banner and a button, a ZNS template with its parameters, an SMS),
//! each previewed as the person will see it; saved as a draft, sent now or scheduled (Vietnam time).

use std::collections::BTreeMap;

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
    },
    SURFACE,
    forms::FieldMessage,
    messages::PATH,
};
use crate::api::{
    Campaign, CustomerSegment, EmailContent, Message, MessageContent, MessageInput, MessageSchedule, OaContent,
    SmsContent, ZnsContent,
};

/// The mini app screens a message can open, with their text keys.
const SCREENS: [(&str, &str); 7] = [
    ("/", "msg_screen_home"),
    ("/rewards", "msg_screen_rewards"),
    ("/games", "msg_screen_games"),
    ("/surveys", "msg_screen_surveys"),
    ("/menu", "msg_screen_menu"),
    ("/stores", "msg_screen_stores"),
    ("/vouchers", "msg_screen_vouchers"),
];

/// A message being written, one signal a field.
#[derive(Clone, Copy)]
pub struct Draft {
    id: RwSignal<Option<String>>,
    name: RwSignal<String>,
    segment_id: RwSignal<String>,
    campaign_id: RwSignal<String>,
    target: RwSignal<String>,
    oa: RwSignal<bool>,
    oa_title: RwSignal<String>,
    oa_text: RwSignal<String>,
    oa_banner: RwSignal<String>,
    oa_button: RwSignal<String>,
    zns: RwSignal<bool>,
    zns_template: RwSignal<String>,
    zns_params: RwSignal<String>,
    email: RwSignal<bool>,
    email_subject: RwSignal<String>,
    email_text: RwSignal<String>,
    email_button: RwSignal<String>,
    sms: RwSignal<bool>,
    sms_text: RwSignal<String>,
    send_at: RwSignal<String>,
}

impl Draft {
    /// A draft of `message`, or a new one.
    pub fn from_message(message: Option<&Message>) -> Self {
        let c = message.map(|m| m.content.clone()).unwrap_or_default();
        let oa = c.zalo_oa.clone();
        let zns = c.zns.clone();
        Draft {
            id: RwSignal::new(message.map(|m| m.id.clone())),
            name: RwSignal::new(message.map(|m| m.name.clone()).unwrap_or_default()),
            segment_id: RwSignal::new(message.map(|m| m.segment_id.clone()).unwrap_or_default()),
            campaign_id: RwSignal::new(message.and_then(|m| m.campaign_id.clone()).unwrap_or_default()),
            target: RwSignal::new(if c.target.is_empty() {
                "/".into()
            } else {
                c.target.clone()
            }),
            oa: RwSignal::new(message.is_none() || oa.is_some()),
            oa_title: RwSignal::new(oa.as_ref().map(|o| o.title.clone()).unwrap_or_default()),
            oa_text: RwSignal::new(oa.as_ref().map(|o| o.text.clone()).unwrap_or_default()),
            oa_banner: RwSignal::new(oa.as_ref().and_then(|o| o.banner_url.clone()).unwrap_or_default()),
            oa_button: RwSignal::new(oa.as_ref().and_then(|o| o.button.clone()).unwrap_or_default()),
            zns: RwSignal::new(zns.is_some()),
            zns_template: RwSignal::new(zns.as_ref().map(|z| z.template_id.clone()).unwrap_or_default()),
            zns_params: RwSignal::new(
                zns.map(|z| {
                    z.params
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default(),
            ),
            email: RwSignal::new(c.email.is_some()),
            email_subject: RwSignal::new(c.email.as_ref().map(|e| e.subject.clone()).unwrap_or_default()),
            email_text: RwSignal::new(c.email.as_ref().map(|e| e.text.clone()).unwrap_or_default()),
            email_button: RwSignal::new(c.email.as_ref().and_then(|e| e.button.clone()).unwrap_or_default()),
            sms: RwSignal::new(c.sms.is_some()),
            sms_text: RwSignal::new(c.sms.map(|s| s.text).unwrap_or_default()),
            send_at: RwSignal::new(String::new()),
        }
    }

    fn params(self) -> BTreeMap<String, String> {
        params_of(&self.zns_params.get_untracked())
    }

    fn input(self) -> MessageInput {
        let some = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        MessageInput {
            name: self.name.get_untracked(),
            segment_id: self.segment_id.get_untracked(),
            campaign_id: some(self.campaign_id.get_untracked()),
            content: MessageContent {
                target: self.target.get_untracked(),
                zalo_oa: self.oa.get_untracked().then(|| OaContent {
                    title: self.oa_title.get_untracked(),
                    text: self.oa_text.get_untracked(),
                    banner_url: some(self.oa_banner.get_untracked()),
                    button: some(self.oa_button.get_untracked()),
                }),
                zns: self.zns.get_untracked().then(|| ZnsContent {
                    template_id: self.zns_template.get_untracked(),
                    params: self.params(),
                }),
                email: self.email.get_untracked().then(|| EmailContent {
                    subject: self.email_subject.get_untracked(),
                    text: self.email_text.get_untracked(),
                    button: some(self.email_button.get_untracked()),
                }),
                sms: self.sms.get_untracked().then(|| SmsContent {
                    text: self.sms_text.get_untracked(),
                }),
            },
        }
    }
}

/// `name=value` lines as a template's parameters.
fn params_of(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// What `{name}` and `{points}` look like in the previews.
fn sample(text: &str) -> String {
    text.replace("{name}", "Lan")
        .replace("{points}", "1.250")
        .replace("{link}", "https://cham.vn/r/…")
}

fn text_field(label: &'static str, value: RwSignal<String>, at: &'static str, max: &'static str) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <label>
            {move || i18n.t(label)}
            <input name=label maxlength=max prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            <FieldMessage at=at/>
        </label>
    }
}

fn area_field(label: &'static str, value: RwSignal<String>, at: &'static str, max: &'static str) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <label>
            {move || i18n.t(label)}
            <textarea name=label rows="3" maxlength=max prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
            <FieldMessage at=at/>
        </label>
    }
}

/// The composer.
#[component]
pub fn Composer(
    draft: Draft,
    segments: RwSignal<Vec<CustomerSegment>>,
    failure: RwSignal<Option<ApiFailure>>,
    current: RwSignal<Option<Message>>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let busy = RwSignal::new(false);
    // The brand's campaigns, one of which the message's clicks may count for.
    let campaigns = RwSignal::new(Vec::<Campaign>::new());
    {
        let api = api.clone();
        spawn_local(async move {
            if let Ok(list) = api.get_as::<Vec<Campaign>>(SURFACE, "/api/v1/admin/campaigns").await {
                campaigns.set(list);
            }
        });
    }
    let save = move |then_send: Option<MessageSchedule>| {
        let api = api.clone();
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let body = draft.input();
            let saved = match draft.id.get_untracked() {
                Some(id) => api.put_as::<_, Message>(SURFACE, &format!("{PATH}/{id}"), &body).await,
                None => api.post_as::<_, Message>(SURFACE, PATH, &body).await,
            };
            let result = match (saved, then_send) {
                (Ok(m), Some(schedule)) => {
                    draft.id.set(Some(m.id.clone()));
                    api.post_as::<_, Message>(SURFACE, &format!("{PATH}/{}/send", m.id), &schedule)
                        .await
                }
                (other, _) => other,
            };
            busy.set(false);
            match result {
                Ok(m) => {
                    draft.id.set(Some(m.id.clone()));
                    current.set(Some(m));
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let save_draft = {
        let save = save.clone();
        move |_| save(None)
    };
    let send_now = {
        let save = save.clone();
        move |_| save(Some(MessageSchedule::default()))
    };
    let schedule = move |_| {
        let at = draft.send_at.get_untracked();
        // A datetime-local field holds Vietnam's wall clock: the offset makes it so wherever the admin is.
        let send_at = (!at.trim().is_empty()).then(|| format!("{}:00+07:00", at.trim()));
        save(Some(MessageSchedule { send_at }))
    };
    let channel_box = |on: RwSignal<bool>, key: &'static str, class: &'static str| {
        view! {
            <label class=format!("channel-toggle {class}")>
                <input type="checkbox" prop:checked=move || on.get() on:change=move |ev| on.set(event_target_checked(&ev))/>
                {move || i18n.t(key)}
            </label>
        }
    };
    view! {
        <form class="panel composer" on:submit=|ev| ev.prevent_default()>
            <h1>{move || i18n.t(if draft.id.get().is_some() { "msg_edit" } else { "msg_new" })}</h1>
            {text_field("msg_name", draft.name, "/name", "120")}
            <label>
                {move || i18n.t("msg_segment")}
                <select class="msg-segment" on:change=move |ev| draft.segment_id.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("msg_choose_segment")}</option>
                    {move || segments.get().into_iter().map(|s| {
                        let selected = s.id == draft.segment_id.get_untracked();
                        let label = format!("{} ({})", s.name, s.members);
                        view! { <option value=s.id selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
                <FieldMessage at="/segment_id"/>
            </label>
            {move || segments.get().is_empty().then(|| view! { <p class="notice">{i18n.t("msg_no_segments")}</p> })}
            <label>
                {move || i18n.t("msg_campaign")}
                <select class="msg-campaign" on:change=move |ev| draft.campaign_id.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("msg_no_campaign")}</option>
                    {move || campaigns.get().into_iter().map(|c| {
                        let selected = c.id == draft.campaign_id.get_untracked();
                        view! { <option value=c.id selected=selected>{c.input.name}</option> }
                    }).collect_view()}
                </select>
                <FieldMessage at="/campaign_id"/>
            </label>
            <label>
                {move || i18n.t("msg_target")}
                <select class="msg-target" on:change=move |ev| draft.target.set(event_target_value(&ev))>
                    {SCREENS.iter().map(|(path, key)| {
                        let selected = *path == draft.target.get_untracked();
                        view! { <option value=*path selected=selected>{move || i18n.t(key)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <p class="muted">{move || i18n.t("msg_placeholders")}</p>
            <FieldMessage at="/content"/>
            <div class="channels-compose">
                <fieldset class="channel oa">
                    {channel_box(draft.oa, "msg_channel_oa", "oa")}
                    {move || draft.oa.get().then(|| view! {
                        <div class="channel-fields">
                            {text_field("msg_oa_title", draft.oa_title, "/content/zalo_oa/title", "100")}
                            {area_field("msg_oa_text", draft.oa_text, "/content/zalo_oa/text", "1000")}
                            {text_field("msg_oa_banner", draft.oa_banner, "/content/zalo_oa/banner_url", "500")}
                            {text_field("msg_oa_button", draft.oa_button, "/content/zalo_oa/button", "30")}
                        </div>
                        <div class="preview oa-preview" aria-label=move || i18n.t("msg_preview")>
                            {move || (!draft.oa_banner.get().trim().is_empty()).then(|| view! {
                                <img class="oa-banner" src=draft.oa_banner.get() alt=""/>
                            })}
                            <p class="oa-title">{move || sample(&draft.oa_title.get())}</p>
                            <p class="oa-text">{move || sample(&draft.oa_text.get())}</p>
                            {move || (!draft.oa_button.get().trim().is_empty()).then(|| view! {
                                <span class="oa-button">{draft.oa_button.get()}</span>
                            })}
                        </div>
                    })}
                </fieldset>
                <fieldset class="channel zns">
                    {channel_box(draft.zns, "msg_channel_zns", "zns")}
                    {move || draft.zns.get().then(|| view! {
                        <div class="channel-fields">
                            {text_field("msg_zns_template", draft.zns_template, "/content/zns/template_id", "32")}
                            {area_field("msg_zns_params", draft.zns_params, "/content/zns/params", "4000")}
                        </div>
                        <div class="preview zns-preview">
                            <p class="muted">{move || i18n.t("msg_zns_preview")} " " {move || draft.zns_template.get()}</p>
                            <dl>
                                {move || params_of(&draft.zns_params.get()).into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{sample(&v)}</dd> }).collect_view()}
                            </dl>
                        </div>
                    })}
                </fieldset>
                <fieldset class="channel email">
                    {channel_box(draft.email, "msg_channel_email", "email")}
                    {move || draft.email.get().then(|| view! {
                        <div class="channel-fields">
                            {text_field("msg_email_subject", draft.email_subject, "/content/email/subject", "200")}
                            {area_field("msg_email_text", draft.email_text, "/content/email/text", "5000")}
                            {text_field("msg_email_button", draft.email_button, "/content/email/button", "30")}
                        </div>
                        <div class="preview email-preview" aria-label=move || i18n.t("msg_preview")>
                            <p class="email-subject">{move || sample(&draft.email_subject.get())}</p>
                            <p class="email-text">{move || sample(&draft.email_text.get())}</p>
                            {move || (!draft.email_button.get().trim().is_empty()).then(|| view! {
                                <span class="email-button">{draft.email_button.get()}</span>
                            })}
                            <p class="muted email-footer">{move || i18n.t("msg_email_footer")}</p>
                        </div>
                    })}
                </fieldset>
                <fieldset class="channel sms">
                    {channel_box(draft.sms, "msg_channel_sms", "sms")}
                    {move || draft.sms.get().then(|| view! {
                        <div class="channel-fields">
                            {area_field("msg_sms_text", draft.sms_text, "/content/sms/text", "480")}
                            <p class="muted">{move || format!("{}/480", draft.sms_text.get().chars().count())}</p>
                        </div>
                        <div class="preview sms-preview"><p class="sms-bubble">{move || sample(&draft.sms_text.get())}</p></div>
                    })}
                </fieldset>
            </div>
            <ErrorNotice error=failure/>
            <div class="actions">
                <button type="button" class="save-draft" disabled=move || busy.get() on:click=save_draft>{move || i18n.t("msg_save_draft")}</button>
                <button type="button" class="primary send-now" disabled=move || busy.get() on:click=send_now>{move || i18n.t("msg_send_now")}</button>
                <label class="schedule">
                    {move || i18n.t("msg_schedule_at")}
                    <input type="datetime-local" prop:value=move || draft.send_at.get() on:input=move |ev| draft.send_at.set(event_target_value(&ev))/>
                    <FieldMessage at="/send_at"/>
                </label>
                <button type="button" class="schedule-send" disabled=move || busy.get() || draft.send_at.get().is_empty() on:click=schedule>{move || i18n.t("msg_schedule")}</button>
            </div>
        </form>
    }
}
