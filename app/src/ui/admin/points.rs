//! A member's points in the console: the card, a manual adjustment with a reason (kept on the entry and the
//! timeline), and the history with reversals.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{fresh_key, short_date},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{Field, number},
};
use crate::api::{AdjustRequest, MemberPoints, ReverseRequest, event_type_label, points_kind_label};

/// The points panel of a profile page; `path` is the profile's points resource.
#[component]
pub fn PointsPanel(#[prop(into)] path: String) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let data = RwSignal::new(None::<MemberPoints>);
    let error = RwSignal::new(None::<ApiFailure>);
    let points = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let key = RwSignal::new(fresh_key());
    {
        let (api, path) = (api.clone(), path.clone());
        spawn_local(async move {
            match api.get_as::<MemberPoints>(SURFACE, &path).await {
                Ok(p) => data.set(Some(p)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let adjust = {
        let api = api.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (api, path) = (api.clone(), path.clone());
            let body = AdjustRequest {
                points: number(&points.get_untracked()).unwrap_or(0),
                reason: reason.get_untracked(),
                expiry_days: number(&expiry.get_untracked()),
                idempotency_key: key.get_untracked(),
            };
            spawn_local(async move {
                match api.post_as::<_, MemberPoints>(SURFACE, &path, &body).await {
                    Ok(p) => {
                        data.set(Some(p));
                        error.set(None);
                        points.set(String::new());
                        reason.set(String::new());
                        key.set(fresh_key());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let reverse = move |entry: String| {
        let api = api.clone();
        let why = reason.get_untracked();
        spawn_local(async move {
            let body = ReverseRequest { reason: why };
            match api
                .post_as::<_, MemberPoints>(SURFACE, &format!("/api/v1/admin/points/{entry}/reverse"), &body)
                .await
            {
                Ok(p) => {
                    data.set(Some(p));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <h2>{move || i18n.t("points_heading")}</h2>
        <ErrorNotice error=error/>
        {move || data.get().map(|d| {
            let reverse = reverse.clone();
            view! {
                <p class="points-summary">
                    <strong class="admin-balance">{d.card.balance}</strong> " " {move || i18n.t("points")} " · "
                    {d.card.pending} " " {move || i18n.t("pending_points")} " · " {move || i18n.t("tier")} ": " {d.card.tier.name.clone()}
                </p>
                <ul class="timeline points-entries">
                    {d.history.entries.into_iter().map(|e| {
                        let reverse = reverse.clone();
                        let id = e.id.clone();
                        // The kind and what paid in words; a brand's own names (a reward, a batch) as they are.
                        let kind = points_kind_label(&e.kind);
                        let label = e.label.as_deref().map(event_type_label);
                        view! {
                            <li class="points-entry">
                                <strong>{format!("{:+}", e.points)}</strong> " " {move || i18n.pick(&kind)} " · " {short_date(&e.created_at)}
                                {label.map(|l| view! { " · " {move || i18n.pick(&l)} })}
                                {e.reason.clone().map(|r| view! { " · " <em>{r}</em> })}
                                {e.pending.then(|| view! { " " <span class="badge">{move || i18n.t("pending_until")} " " {short_date(&e.available_at)}</span> })}
                                {e.reversible.then(|| view! {
                                    " " <button type="button" class="link reverse" on:click=move |_| reverse(id.clone())>{move || i18n.t("reverse")}</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        })}
        <form class="inline-form adjust-form" on:submit=adjust>
            <Field label="adjust_points" value=points kind="number" name="adjust_points" required=true/>
            <Field label="reason" value=reason name="adjust_reason" required=true/>
            <Field label="expiry_days" value=expiry kind="number" name="adjust_expiry"/>
            <button type="submit">{move || i18n.t("adjust")}</button>
        </form>
    }
}
