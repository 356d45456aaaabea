//! The brand's sending rules on the channels page: the order channels are tried in, how many messages a person
//! gets a day and a week, quiet hours (Vietnam time), the OA's promotions per follower a month, what a ZNS and
//! an SMS cost, and the eSMS account (its secret never shown again).

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
    },
    SURFACE,
    forms::{Field, FormFailure, number},
};
use crate::api::{Channel, ChannelSettings, MessagingSettings, MessagingSettingsInput, SmsGatewayInput};

const PATH: &str = "/api/v1/admin/messaging/settings";

/// The rules panel.
#[component]
pub fn ChannelRules() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let failure = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(failure));
    let loaded = RwSignal::new(None::<MessagingSettings>);
    let priority = RwSignal::new(Vec::<Channel>::new());
    let (per_day, per_week) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (quiet_from, quiet_until) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let oa_month = RwSignal::new(String::new());
    let oa_day = RwSignal::new(String::new());
    let (zns_cost, sms_cost) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (sms_key, sms_secret, sms_brand) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let saved = RwSignal::new(false);
    let fill = move |m: MessagingSettings| {
        let s = &m.settings;
        priority.set(s.priority.clone());
        per_day.set(s.per_day.to_string());
        per_week.set(s.per_week.to_string());
        quiet_from.set(s.quiet_from.clone());
        quiet_until.set(s.quiet_until.clone());
        oa_month.set(s.oa_per_follower_month.to_string());
        oa_day.set(s.oa_per_follower_day.to_string());
        zns_cost.set(s.zns_cost_vnd.to_string());
        sms_cost.set(s.sms_cost_vnd.to_string());
        loaded.set(Some(m));
    };
    {
        let api = api.clone();
        spawn_local(async move {
            match api.get_as::<MessagingSettings>(SURFACE, PATH).await {
                Ok(m) => fill(m),
                Err(e) => failure.set(Some(e)),
            }
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let api = api.clone();
        saved.set(false);
        let count = |s: RwSignal<String>| {
            number(&s.get_untracked())
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(u32::MAX)
        };
        let sms = (!sms_key.get_untracked().trim().is_empty()).then(|| SmsGatewayInput {
            api_key: sms_key.get_untracked(),
            secret_key: sms_secret.get_untracked(),
            brandname: sms_brand.get_untracked(),
        });
        let body = MessagingSettingsInput {
            settings: ChannelSettings {
                priority: priority.get_untracked(),
                per_day: count(per_day),
                per_week: count(per_week),
                quiet_from: quiet_from.get_untracked(),
                quiet_until: quiet_until.get_untracked(),
                oa_per_follower_month: count(oa_month),
                oa_per_follower_day: count(oa_day),
                zns_cost_vnd: number(&zns_cost.get_untracked()).unwrap_or(-1),
                sms_cost_vnd: number(&sms_cost.get_untracked()).unwrap_or(-1),
            },
            sms,
            email: None,
        };
        spawn_local(async move {
            match api.put_as::<_, MessagingSettings>(SURFACE, PATH, &body).await {
                Ok(m) => {
                    failure.set(None);
                    sms_secret.set(String::new());
                    fill(m);
                    saved.set(true);
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let up = move |i: usize| {
        priority.update(|p| {
            if i > 0 && i < p.len() {
                p.swap(i - 1, i);
            }
        });
    };
    view! {
        <form class="panel channel-rules" on:submit=save>
            <h2>{move || i18n.t("ch_rules")}</h2>
            {move || (loaded.get().is_none() && failure.get().is_none()).then(|| view! { <p class="muted">{i18n.t("loading")}</p> })}
            <p>{move || i18n.t("ch_priority")}</p>
            <ol class="priority">
                {move || priority.get().into_iter().enumerate().map(|(i, c)| {
                    let label = c.label();
                    view! {
                        <li>
                            {move || if i18n.lang() == super::super::i18n::Lang::Vi { label.0 } else { label.1 }}
                            {move || {
                                let m = loaded.get();
                                let missing = match c {
                                    Channel::Email => m.is_some_and(|m| m.email_server.is_none()),
                                    Channel::Sms => m.is_some_and(|m| m.sms_brandname.is_none()),
                                    Channel::ZaloOa | Channel::Zns => false,
                                };
                                missing.then(|| view! { <span class="muted">" " {i18n.t("ch_not_connected")}</span> })
                            }}
                            {(i > 0).then(|| view! { <button type="button" class="link" on:click=move |_| up(i)>{move || i18n.t("ch_up")} " ↑"</button> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <div class="row">
                <Field label="ch_per_day" value=per_day kind="number" at="/settings/per_day"/>
                <Field label="ch_per_week" value=per_week kind="number" at="/settings/per_week"/>
            </div>
            <div class="row">
                <Field label="ch_quiet_from" value=quiet_from kind="time"/>
                <Field label="ch_quiet_until" value=quiet_until kind="time"/>
            </div>
            <div class="row">
                <Field label="ch_oa_day" value=oa_day kind="number"/>
                <Field label="ch_oa_month" value=oa_month kind="number"/>
            </div>
            <div class="row">
                <Field label="ch_zns_cost" value=zns_cost kind="number"/>
                <Field label="ch_sms_cost" value=sms_cost kind="number"/>
            </div>
            <h3>{move || i18n.t("ch_sms_account")}</h3>
            {move || match loaded.get().and_then(|m| m.sms_brandname) {
                Some(b) => view! { <p class="ok">{i18n.t("ch_sms_configured")} " " <strong>{b}</strong></p> }.into_any(),
                None => view! { <p class="muted">{i18n.t("ch_sms_not_configured")}</p> }.into_any(),
            }}
            <div class="row">
                <Field label="ch_sms_key" value=sms_key/>
                <Field label="ch_sms_secret" value=sms_secret kind="password"/>
                <Field label="ch_sms_brandname" value=sms_brand/>
            </div>
            <ErrorNotice error=failure/>
            {move || saved.get().then(|| view! { <p class="ok" role="status">{i18n.t("ch_saved")}</p> })}
            <button type="submit" class="primary">{move || i18n.t("save")}</button>
        </form>
    }
}
