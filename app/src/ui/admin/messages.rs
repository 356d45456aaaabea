//! The console's messages: the list (newest first, a page at a time) and one message, written once with its
//! content per channel and previewed as each channel shows it, sent now or scheduled, then followed live.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        browser::vn_time,
        i18n::I18n,
    },
    SURFACE,
    forms::FormFailure,
    message_compose::{Composer, Draft},
    message_report::Report,
};
use crate::api::{CustomerSegment, Message, MessagePage, MessageStatus};

pub(super) const PATH: &str = "/api/v1/admin/messages";

/// The text key of a message's status.
pub(super) fn status_key(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Draft => "msg_status_draft",
        MessageStatus::Scheduled => "msg_status_scheduled",
        MessageStatus::Sending => "msg_status_sending",
        MessageStatus::Sent => "msg_status_sent",
        MessageStatus::Cancelled => "msg_status_cancelled",
        MessageStatus::Journey => "msg_status_journey",
    }
}

/// The messages page.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let items = RwSignal::new(None::<Vec<Message>>);
    let next = RwSignal::new(None::<String>);
    let segments = RwSignal::new(Vec::<CustomerSegment>::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let open = RwSignal::new(None::<Option<Message>>);
    let load = {
        let api = api.clone();
        move |cursor: Option<String>| {
            let api = api.clone();
            spawn_local(async move {
                let path = match &cursor {
                    Some(c) => format!("{PATH}?cursor={c}"),
                    None => PATH.to_owned(),
                };
                match api.get_as::<MessagePage>(SURFACE, &path).await {
                    Ok(page) => {
                        next.set(page.next_cursor);
                        if cursor.is_some() {
                            items.update(|list| list.get_or_insert_with(Vec::new).extend(page.items));
                        } else {
                            items.set(Some(page.items));
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    load(None);
    {
        spawn_local(async move {
            match api
                .get_as::<Vec<CustomerSegment>>(SURFACE, "/api/v1/admin/segments")
                .await
            {
                Ok(s) => segments.set(s),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let more = {
        let load = load.clone();
        move |_| load(next.get_untracked())
    };
    let rows = move || {
        let list = items.get()?;
        if list.is_empty() {
            return Some(view! { <p class="empty">{i18n.t("msg_none_yet")}</p> }.into_any());
        }
        Some(
            view! {
                <table class="messages">
                    <thead><tr>
                        <th>{i18n.t("msg_name")}</th><th>{i18n.t("msg_segment")}</th><th>{i18n.t("msg_status")}</th>
                        <th class="num">{i18n.t("msg_sent")}</th><th class="num">{i18n.t("msg_clicked")}</th>
                        <th>{i18n.t("msg_when")}</th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|m| {
                            let when = m.send_at.clone().unwrap_or_else(|| m.created_at.clone());
                            let status = status_key(m.status);
                            let (sent, clicked) = (m.report.sent, m.report.clicked);
                            let (name, segment) = (m.name.clone(), m.segment_name.clone());
                            let chosen = m;
                            view! {
                                <tr>
                                    <td><button type="button" class="link" on:click=move |_| open.set(Some(Some(chosen.clone())))>{name}</button></td>
                                    <td>{segment}</td>
                                    <td><span class=format!("badge {status}")>{i18n.t(status)}</span></td>
                                    <td class="num">{sent}</td>
                                    <td class="num">{clicked}</td>
                                    <td>{vn_time(&when)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any(),
        )
    };
    let done = Callback::new({
        move |()| {
            open.set(None);
            load(None);
        }
    });
    view! {
        <section class="messages-page">
            {move || {
                let more = more.clone();
                match open.get() {
                Some(m) => view! { <MessageScreen message=m segments=segments on_done=done/> }.into_any(),
                None => view! {
                    <header class="page-head">
                        <h1>{move || i18n.t("nav_messages")}</h1>
                        <button type="button" class="primary" on:click=move |_| open.set(Some(None))>{move || i18n.t("msg_new")}</button>
                    </header>
                    <p class="muted">{move || i18n.t("msg_intro")}</p>
                    <ErrorNotice error=error/>
                    {move || (items.get().is_none() && error.get().is_none()).then(|| view! { <p class="muted">{i18n.t("loading")}</p> })}
                    {rows}
                    {move || next.get().is_some().then(|| view! {
                        <button type="button" class="more" on:click=more.clone()>{i18n.t("more")}</button>
                    })}
                }
                .into_any(),
            }}}
        </section>
    }
}

/// One message: the composer while it is a draft, its report once it is scheduled or out.
#[component]
fn MessageScreen(
    message: Option<Message>,
    segments: RwSignal<Vec<CustomerSegment>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let failure = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(failure));
    let current = RwSignal::new(message);
    view! {
        <div class="message-screen">
            <button type="button" class="link back" on:click=move |_| on_done.run(())>{move || i18n.t("msg_back")}</button>
            {move || match current.get() {
                Some(m) if m.status != MessageStatus::Draft => view! { <Report message=m on_done=on_done/> }.into_any(),
                other => {
                    let draft = Draft::from_message(other.as_ref());
                    view! { <Composer draft=draft segments=segments failure=failure current=current/> }.into_any()
                }
            }}
        </div>
    }
}
