//! The profile 360: identities, traits, the lead score, attributes, consents, merge history, points and the paged timeline.

use leptos::{prelude::*, task::spawn_local};

use super::super::browser::vn_time;
use super::super::notice::ErrorNotice;
use super::oa_thread::OaPanel;
use super::points::PointsPanel;
use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
    },
    SURFACE,
};
use crate::api::{
    EventType, LeadScore, Profile360, Timeline, TimelineEvent, channel_label, consent_purpose_label, event_type_label,
    identity_kind_label, merge_reason_label, source_label,
};
use crate::domain::format_vnd;

/// One customer's page.
#[component]
pub fn ProfileView(id: String) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let profile = RwSignal::new(None::<Profile360>);
    let events = RwSignal::new(Vec::<TimelineEvent>::new());
    let cursor = RwSignal::new(None::<String>);
    let event_type = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let points_id = id.clone();
    let lead = RwSignal::new(None::<LeadScore>);
    {
        let (api, id) = (api.clone(), id.clone());
        spawn_local(async move {
            // The score is a figure beside the others; when it cannot be read the stat says so quietly.
            if let Ok(score) = api
                .get_as::<LeadScore>(SURFACE, &format!("/api/v1/admin/profiles/{id}/lead-score"))
                .await
            {
                lead.set(Some(score));
            }
        });
    }
    {
        let (api, id) = (api.clone(), id.clone());
        spawn_local(async move {
            match api
                .get_as::<Profile360>(SURFACE, &format!("/api/v1/admin/profiles/{id}"))
                .await
            {
                Ok(p) => profile.set(Some(p)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let load_events = move |append: bool| {
        let (api, id) = (api.clone(), id.clone());
        let mut path = format!("/api/v1/admin/profiles/{id}/events?limit=20");
        let only = event_type.get_untracked();
        if !only.is_empty() {
            path.push_str(&format!("&type={}", String::from(js_sys::encode_uri_component(&only))));
        }
        if append && let Some(c) = cursor.get_untracked() {
            path.push_str(&format!("&cursor={c}"));
        }
        spawn_local(async move {
            match api.get_as::<Timeline>(SURFACE, &path).await {
                Ok(page) => {
                    if append {
                        events.update(|e| e.extend(page.events));
                    } else {
                        events.set(page.events);
                    }
                    cursor.set(page.next_cursor);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load_events(false);

    view! {
        <section class="profile-360">
            <a class="link" href="/admin/customers">{move || i18n.t("back")}</a>
            <ErrorNotice error=error/>
            {move || match profile.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(p) => {
                    let t = p.traits.clone();
                    let channels = if t.reachable_channels.is_empty() {
                        None
                    } else {
                        let labels: Vec<_> = t.reachable_channels.iter().map(|c| channel_label(c)).collect();
                        Some(move || labels.iter().map(|l| i18n.pick(l)).collect::<Vec<_>>().join(", "))
                    };
                    view! {
                        <h1 class="profile-name">{p.name.clone().unwrap_or_else(|| "—".into())}</h1>
                        <p class="muted">{p.profile_id.clone()}</p>
                        <div class="stats">
                            <div class="stat"><div class="stat-value">{t.sessions}</div><div class="stat-label">{move || i18n.t("sessions")}</div></div>
                            <div class="stat"><div class="stat-value">{t.orders}</div><div class="stat-label">{move || i18n.t("orders")}</div></div>
                            <div class="stat"><div class="stat-value">{format_vnd(t.total_spent_vnd)}</div><div class="stat-label">{move || i18n.t("total_spent")}</div></div>
                            <div class="stat"><div class="stat-value">{t.check_ins}</div><div class="stat-label">{move || i18n.t("check_ins")}</div></div>
                            <div class="stat lead-score">
                                <div class="stat-value">{move || lead.get().map_or_else(|| "—".to_owned(), |l| l.score.to_string())}</div>
                                <div class="stat-label">{move || i18n.t("lead_score")}</div>
                            </div>
                        </div>
                        <p>
                            {move || i18n.t("channels_reachable")} ": "
                            {match channels {
                                Some(c) => view! { <span>{c}</span> }.into_any(),
                                None => view! { <span class="muted">{move || i18n.t("none")}</span> }.into_any(),
                            }}
                        </p>
                        <h2>{move || i18n.t("identities")}</h2>
                        <ul class="identities">
                            {p.identities.iter().map(|i| {
                                let verified = i.verified;
                                let kind = identity_kind_label(&i.kind);
                                view! {
                                    <li data-kind=i.kind.clone()>
                                        <span class="identity-kind">{move || i18n.pick(&kind)}</span> ": " {i.value.clone()} " "
                                        <span class=if verified { "badge ok" } else { "badge" }>
                                            {move || if verified { i18n.t("verified") } else { i18n.t("unverified") }}
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <h2>{move || i18n.t("attributes")}</h2>
                        {p.attributes.is_empty().then(|| view! { <p class="muted">{move || i18n.t("none")}</p> })}
                        <ul class="attributes">
                            {p.attributes.iter().map(|a| {
                                let value = a.value.as_str().map_or_else(|| a.value.to_string(), str::to_owned);
                                let source = source_label(&a.source);
                                view! {
                                    <li data-key=a.key.clone()>
                                        <code>{a.key.clone()}</code> " = " <span class="value">{value}</span>
                                        " " <span class="muted">"(" {move || i18n.pick(&source)} ")"</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <h2>{move || i18n.t("consents")}</h2>
                        <ul class="consents">
                            {p.consents.iter().map(|c| {
                                let granted = c.granted;
                                let purpose = consent_purpose_label(&c.purpose);
                                view! {
                                    <li data-purpose=c.purpose.clone()>
                                        {move || i18n.pick(&purpose)} " "
                                        <span class=if granted { "badge ok" } else { "badge" }>
                                            {move || if granted { i18n.t("on") } else { i18n.t("off") }}
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <h2>{move || i18n.t("merges")}</h2>
                        {p.merges.is_empty().then(|| view! { <p class="muted">{move || i18n.t("none")}</p> })}
                        <ul class="merges">
                            {p.merges.iter().map(|m| {
                                let reason = merge_reason_label(&m.reason);
                                view! {
                                    <li>{vn_time(&m.merged_at)} " · " {move || i18n.pick(&reason)} " · " <code>{m.from_profile_id.clone()}</code></li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
            <PointsPanel path=format!("/api/v1/admin/profiles/{points_id}/points")/>
            <OaPanel path=format!("/api/v1/admin/customers/{points_id}/oa-replies")/>
            <h2>{move || i18n.t("timeline")}</h2>
            <form class="search" on:submit={
                let load_events = load_events.clone();
                move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    load_events(false);
                }
            }>
                <input
                    name="event_type"
                    list="event-types"
                    placeholder=move || i18n.t("event_type_filter")
                    prop:value=move || event_type.get()
                    on:input=move |ev| event_type.set(event_target_value(&ev))
                />
                <datalist id="event-types">
                    {EventType::ALL.iter().map(|t| {
                        let label = t.label();
                        view! { <option value=t.as_str()>{move || if i18n.lang() == super::super::i18n::Lang::Vi { label.0 } else { label.1 }}</option> }
                    }).collect_view()}
                </datalist>
                <button type="submit">{move || i18n.t("search")}</button>
            </form>
            <ul class="timeline">
                {move || events.get().into_iter().map(|e| {
                    let (kind, source) = (event_type_label(&e.event_type), source_label(&e.source));
                    view! {
                        <li class="timeline-event" data-type=e.event_type>
                            <span class="muted">{vn_time(&e.occurred_at)}</span> " "
                            <strong>{move || i18n.pick(&kind)}</strong> " "
                            <span class="muted">{move || i18n.pick(&source)}</span>
                            {e.utm_campaign.clone().map(|c| view! {
                                " " <span class="badge campaign">{move || i18n.t("via_campaign")} ": " {c}</span>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || events.with(Vec::is_empty).then(|| view! { <p class="muted">{move || i18n.t("no_events")}</p> })}
            {move || {
                let load_events = load_events.clone();
                cursor.get().map(|_| view! {
                    <button type="button" on:click=move |_| load_events(true)>{move || i18n.t("more")}</button>
                })
            }}
        </section>
    }
}
