//! A message once it is scheduled or going out: where it stands, and its send per channel (sent, delivered,
//! read, clicked, failed, cost), who was skipped and why, what failed and why, who converted; refreshed every
//! few seconds while it goes out; cancellable until it is done.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{sleep, vn_time},
        i18n::I18n,
    },
    SURFACE,
    messages::{PATH, status_key},
    segments::grouped,
};
use crate::api::{Channel, Message, MessageStatus, SkipReason};
use crate::domain::format_vnd;

/// The report.
#[component]
pub fn Report(message: Message, on_done: Callback<()>) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let current = RwSignal::new(message);
    let error = RwSignal::new(None::<ApiFailure>);
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));
    {
        let api = api.clone();
        spawn_local(async move {
            // Follow it while it is waiting or going out.
            loop {
                sleep(3000).await;
                if !alive.get_value() {
                    break;
                }
                let m = current.get_untracked();
                if !matches!(m.status, MessageStatus::Scheduled | MessageStatus::Sending) {
                    break;
                }
                match api.get_as::<Message>(SURFACE, &format!("{PATH}/{}", m.id)).await {
                    Ok(fresh) if alive.get_value() => current.set(fresh),
                    Ok(_) => break,
                    Err(e) => error.set(Some(e)),
                }
            }
        });
    }
    let cancel = move |_| {
        let api = api.clone();
        let id = current.get_untracked().id;
        spawn_local(async move {
            match api
                .post_as::<_, Message>(SURFACE, &format!("{PATH}/{id}/cancel"), &serde_json::json!({}))
                .await
            {
                Ok(m) => current.set(m),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let figure = move |key: &'static str, n: i64, class: &'static str| {
        view! { <div class=format!("figure {class}")><strong>{grouped(n, i18n.lang())}</strong><span>{i18n.t(key)}</span></div> }
    };
    view! {
        <section class="message-report">
            {move || {
                let m = current.get();
                let r = m.report.clone();
                let status = status_key(m.status);
                let when = m.send_at.as_deref().map(vn_time).unwrap_or_default();
                let cancellable = matches!(m.status, MessageStatus::Scheduled | MessageStatus::Sending);
                let channels = r.channels.clone();
                let skips = r.skip_reasons.clone();
                let fails = r.fail_reasons.clone();
                view! {
                    <header class="page-head">
                        <h1>{m.name.clone()}</h1>
                        <span class=format!("badge {status}")>{i18n.t(status)}</span>
                    </header>
                    <p class="muted">{i18n.t("msg_segment")} ": " {m.segment_name.clone()} " · " {i18n.t("msg_when")} ": " {when}</p>
                    <div class="figures">
                        {figure("msg_recipients", r.recipients, "recipients")}
                        {figure("msg_queued", r.queued, "queued")}
                        {figure("msg_sent", r.sent, "sent")}
                        {figure("msg_skipped", r.skipped, "skipped")}
                        {figure("msg_failed", r.failed, "failed")}
                        {figure("msg_clicked", r.clicked, "clicked")}
                        {figure("msg_converted", r.converted, "converted")}
                        <div class="figure cost"><strong>{format_vnd(r.cost_vnd)}</strong><span>{i18n.t("msg_cost")}</span></div>
                    </div>
                    {m.held_until.as_deref().map(|at| view! {
                        <p class="notice held">{i18n.t("msg_held_until")} " " {vn_time(at)}</p>
                    })}
                    {(r.recipients == 0 && m.status == MessageStatus::Sent).then(|| view! { <p class="empty">{i18n.t("msg_nobody")}</p> })}
                    {(!channels.is_empty()).then(|| view! {
                        <table class="channel-report">
                            <thead><tr>
                                <th>{i18n.t("msg_channel")}</th><th class="num">{i18n.t("msg_sent")}</th>
                                <th class="num">{i18n.t("msg_delivered")}</th><th class="num">{i18n.t("msg_read")}</th>
                                <th class="num">{i18n.t("msg_clicked")}</th><th class="num">{i18n.t("msg_failed_here")}</th>
                                <th class="num">{i18n.t("msg_cost")}</th>
                            </tr></thead>
                            <tbody>
                                {channels.into_iter().map(|c| {
                                    let label = Channel::parse(&c.channel).map(Channel::label).unwrap_or(("?", "?"));
                                    let label = (label.0.to_owned(), label.1.to_owned());
                                    view! {
                                        <tr>
                                            <td>{i18n.pick(&label)}</td><td class="num">{c.sent}</td><td class="num">{c.delivered}</td>
                                            <td class="num">{c.read}</td><td class="num">{c.clicked}</td><td class="num">{c.failed}</td>
                                            <td class="num">{format_vnd(c.cost_vnd)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                    {(!skips.is_empty()).then(|| view! {
                        <h2>{i18n.t("msg_skip_reasons")}</h2>
                        <ul class="reasons skips">
                            {skips.into_iter().map(|s| {
                                let label = SkipReason::parse(&s.reason).map(SkipReason::label).unwrap_or(("Khác", "Other"));
                                let label = (label.0.to_owned(), label.1.to_owned());
                                view! { <li>{i18n.pick(&label)} ": " <strong>{s.count}</strong></li> }
                            }).collect_view()}
                        </ul>
                    })}
                    {(!fails.is_empty()).then(|| view! {
                        <h2>{i18n.t("msg_fail_reasons")}</h2>
                        <ul class="reasons fails">
                            {fails.into_iter().map(|f| {
                                let words = if f.reason == "interrupted" {
                                    i18n.t("msg_interrupted").to_owned()
                                } else {
                                    format!("{} “{}”", i18n.t("msg_provider_said"), f.reason)
                                };
                                view! { <li>{words} ": " <strong>{f.count}</strong></li> }
                            }).collect_view()}
                        </ul>
                    })}
                    {cancellable.then(|| view! {
                        <button type="button" class="danger cancel-message" on:click=cancel.clone()>{i18n.t("msg_cancel")}</button>
                    })}
                }
            }}
            <ErrorNotice error=error/>
            <button type="button" class="link" on:click=move |_| on_done.run(())>{move || i18n.t("msg_back")}</button>
        </section>
    }
}
