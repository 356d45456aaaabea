//! A person's Zalo OA thread on their profile page: whether they are reachable through the OA, until when a reply
//! is allowed (48 hours after they last wrote) and how many of the eight are left, the replies with where each
//! stands (sent, delivered, read, refused), and a box to reply.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        browser::vn_time,
        i18n::I18n,
    },
    SURFACE,
};
use crate::api::{NewOaReply, OaReplyStatus, OaThread};

fn status_key(status: OaReplyStatus) -> &'static str {
    match status {
        OaReplyStatus::Sending => "oa_reply_sending",
        OaReplyStatus::Sent => "oa_reply_sent",
        OaReplyStatus::Delivered => "oa_reply_delivered",
        OaReplyStatus::Seen => "oa_reply_seen",
        OaReplyStatus::Failed => "oa_reply_failed",
    }
}

/// The OA panel of a profile; `path` is its thread (`/api/v1/admin/customers/{id}/oa-replies`).
#[component]
pub fn OaPanel(path: String) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let thread = RwSignal::new(None::<OaThread>);
    let error = RwSignal::new(None::<ApiFailure>);
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    {
        let (api, path) = (api.clone(), path.clone());
        spawn_local(async move {
            match api.get_as::<OaThread>(SURFACE, &path).await {
                Ok(t) => thread.set(Some(t)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (api, path) = (api.clone(), path.clone());
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let body = NewOaReply {
                text: text.get_untracked(),
            };
            match api.post_as::<_, OaThread>(SURFACE, &path, &body).await {
                Ok(t) => {
                    thread.set(Some(t));
                    text.set(String::new());
                }
                Err(e) => {
                    if let Ok(t) = api.get_as::<OaThread>(SURFACE, &path).await {
                        thread.set(Some(t));
                    }
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <h2>"Zalo OA"</h2>
        <div class="oa-thread">
            {move || thread.get().map(|t| {
                let state = match (&t.follower, &t.window_until) {
                    (false, _) => view! { <p class="muted oa-window">{i18n.t("oa_not_follower")}</p> }.into_any(),
                    (true, None) => view! { <p class="muted oa-window">{i18n.t("oa_window_closed")}</p> }.into_any(),
                    (true, Some(until)) => {
                        let until = vn_time(until);
                        let left = t.replies_left;
                        view! {
                            <p class="oa-window">
                                {i18n.t("oa_window_open")} " " {until} " · " {left} " " {i18n.t("oa_replies_left")}
                            </p>
                        }
                            .into_any()
                    }
                };
                let open = t.window_until.is_some() && t.replies_left > 0;
                view! {
                    {state}
                    <ul class="oa-replies">
                        {t.replies.iter().map(|r| {
                            let key = status_key(r.status);
                            let failed = r.status == OaReplyStatus::Failed;
                            view! {
                                <li class="oa-reply">
                                    <span class="muted">{vn_time(&r.sent_at)}</span> " "
                                    <span class="oa-reply-text">{r.text.clone()}</span> " "
                                    <span class=if failed { "badge warn oa-reply-status" } else { "badge oa-reply-status" }>
                                        {i18n.t(key)}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {open.then(|| view! {
                        <form class="oa-reply-form" on:submit=send.clone()>
                            <textarea
                                name="oa_reply"
                                maxlength="2000"
                                rows="3"
                                placeholder=i18n.t("oa_reply_placeholder")
                                prop:value=move || text.get()
                                on:input=move |ev| text.set(event_target_value(&ev))
                            ></textarea>
                            <button class="primary send-oa-reply" type="submit" disabled=move || busy.get()>
                                {i18n.t("oa_reply_send")}
                            </button>
                        </form>
                    })}
                }
            })}
            <ErrorNotice error=error/>
        </div>
    }
}
