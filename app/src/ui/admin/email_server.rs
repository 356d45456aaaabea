//! The channels page's e-mail server (the brand's SMTP server: host, port, TLS, login, sender; the password never
//! shown again) and a test send on the e-mail or SMS channel to the admin's own address, with the provider's
//! answer as it came.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
    },
    SURFACE,
    forms::{Choice, Field, FormFailure, number},
};
use crate::api::{
    Channel, EmailServer, EmailServerInput, MessagingSettings, MessagingSettingsInput, SmtpSecurity, TestSendInput,
    TestSendResult,
};

const PATH: &str = "/api/v1/admin/messaging/settings";

fn security_of(text: &str) -> SmtpSecurity {
    match text {
        "tls" => SmtpSecurity::Tls,
        "none" => SmtpSecurity::None,
        _ => SmtpSecurity::StartTls,
    }
}

fn security_text(s: SmtpSecurity) -> &'static str {
    match s {
        SmtpSecurity::Tls => "tls",
        SmtpSecurity::StartTls => "start_tls",
        SmtpSecurity::None => "none",
    }
}

/// The SMTP server's form.
#[component]
pub fn EmailServerPanel() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let failure = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(failure));
    let current = RwSignal::new(None::<Option<EmailServer>>);
    let host = RwSignal::new(String::new());
    let port = RwSignal::new("587".to_owned());
    let security = RwSignal::new("start_tls".to_owned());
    let (username, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (from_address, from_name) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (saved, busy) = (RwSignal::new(false), RwSignal::new(false));
    let fill = move |server: Option<EmailServer>| {
        if let Some(s) = &server {
            host.set(s.host.clone());
            port.set(s.port.to_string());
            security.set(security_text(s.security).to_owned());
            username.set(s.username.clone().unwrap_or_default());
            from_address.set(s.from_address.clone());
            from_name.set(s.from_name.clone());
        }
        current.set(Some(server));
    };
    {
        let api = api.clone();
        spawn_local(async move {
            match api.get_as::<MessagingSettings>(SURFACE, PATH).await {
                Ok(m) => fill(m.email_server),
                Err(e) => failure.set(Some(e)),
            }
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let api = api.clone();
        saved.set(false);
        busy.set(true);
        let email = EmailServerInput {
            host: host.get_untracked(),
            port: number(&port.get_untracked())
                .and_then(|n| u16::try_from(n).ok())
                .unwrap_or(0),
            security: security_of(&security.get_untracked()),
            username: Some(username.get_untracked()).filter(|u| !u.trim().is_empty()),
            password: Some(password.get_untracked()).filter(|p| !p.is_empty()),
            from_address: from_address.get_untracked(),
            from_name: from_name.get_untracked(),
        };
        spawn_local(async move {
            // The rules as they are now, so saving the server never undoes a change saved from the rules' form.
            let answer = match api.get_as::<MessagingSettings>(SURFACE, PATH).await {
                Ok(m) => {
                    let body = MessagingSettingsInput {
                        settings: m.settings,
                        sms: None,
                        email: Some(email),
                    };
                    api.put_as::<_, MessagingSettings>(SURFACE, PATH, &body).await
                }
                Err(e) => Err(e),
            };
            busy.set(false);
            match answer {
                Ok(m) => {
                    failure.set(None);
                    password.set(String::new());
                    fill(m.email_server);
                    saved.set(true);
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    view! {
        <form class="panel email-server" on:submit=save>
            <h2>{move || i18n.t("em_title")}</h2>
            {move || match current.get() {
                None if failure.get().is_none() => view! { <p class="muted">{i18n.t("loading")}</p> }.into_any(),
                Some(Some(s)) => view! {
                    <p class="ok">{i18n.t("em_configured")} " " <strong>{format!("{} <{}>", s.from_name, s.from_address)}</strong>
                        " · " {format!("{}:{}", s.host, s.port)}</p>
                }.into_any(),
                _ => view! { <p class="muted">{i18n.t("em_not_configured")}</p> }.into_any(),
            }}
            <div class="row">
                <Field label="em_host" value=host name="em_host" at="/email/host"/>
                <Field label="em_port" value=port kind="number" name="em_port" at="/email/port"/>
                <Choice label="em_security" value=security name="em_security" at="/email/security"
                    options=vec![("start_tls", "em_starttls"), ("tls", "em_tls"), ("none", "em_none")]/>
            </div>
            <p class="muted">{move || i18n.t("em_security_help")}</p>
            <div class="row">
                <Field label="em_username" value=username name="em_username" at="/email/username"/>
                <Field label="em_password" value=password kind="password" name="em_password" at="/email/password"/>
            </div>
            <div class="row">
                <Field label="em_from_address" value=from_address kind="email" name="em_from_address" at="/email/from_address"/>
                <Field label="em_from_name" value=from_name name="em_from_name" at="/email/from_name"/>
            </div>
            <ErrorNotice error=failure/>
            {move || saved.get().then(|| view! { <p class="ok" role="status">{i18n.t("ch_saved")}</p> })}
            <button type="submit" class="primary save-email" disabled=move || busy.get()>{move || i18n.t("save")}</button>
        </form>
        <TestSend/>
    }
}

/// One test message to the admin's own address.
#[component]
fn TestSend() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let failure = RwSignal::new(None::<ApiFailure>);
    let channel = RwSignal::new("email".to_owned());
    let to = RwSignal::new(String::new());
    let result = RwSignal::new(None::<TestSendResult>);
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let api = api.clone();
        let body = TestSendInput {
            channel: if channel.get_untracked() == "sms" {
                Channel::Sms
            } else {
                Channel::Email
            },
            to: to.get_untracked(),
        };
        busy.set(true);
        result.set(None);
        spawn_local(async move {
            match api
                .post_as::<_, TestSendResult>(SURFACE, "/api/v1/admin/messaging/test-send", &body)
                .await
            {
                Ok(r) => {
                    failure.set(None);
                    result.set(Some(r));
                }
                Err(e) => failure.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="panel test-send" on:submit=send>
            <h2>{move || i18n.t("em_test_title")}</h2>
            <p class="muted">{move || i18n.t("em_test_help")}</p>
            <div class="row">
                <Choice label="em_test_channel" value=channel name="test_channel"
                    options=vec![("email", "em_channel_email"), ("sms", "em_channel_sms")]/>
                <Field label="em_test_to" value=to name="test_to"/>
            </div>
            <ErrorNotice error=failure/>
            {move || result.get().map(|r| match r.detail {
                None if r.sent => view! { <p class="ok test-result" role="status">{i18n.t("em_test_sent")}</p> }.into_any(),
                detail => view! {
                    <p class="notice error test-result" role="alert">{i18n.t("em_test_refused")} " " {detail.unwrap_or_default()}</p>
                }.into_any(),
            })}
            <button type="submit" class="send-test" disabled=move || busy.get()>
                {move || if busy.get() { i18n.t("em_test_sending") } else { i18n.t("em_test_send") }}
            </button>
        </form>
    }
}
