//! An order's refunds in the console: the list (each with its outcome and the points it took back) and the form
//! that gives back all or part of a paid order, with a reason. A double click refunds once (one idempotency key
//! per filled-in form).

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{fresh_key, vn_time},
        i18n::{I18n, Lang},
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::{
    api::{ErrorCode, OrderRefund, RefundOrder, RefundStatus},
    domain::format_vnd,
};

/// An order's refunds, oldest first.
#[component]
pub(super) fn RefundList(refunds: Vec<OrderRefund>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    if refunds.is_empty() {
        return view! { <p class="muted no-refunds">{move || i18n.t("no_refunds")}</p> }.into_any();
    }
    view! {
        <table class="list refunds-list">
            <thead><tr>
                <th>{move || i18n.t("order_when")}</th><th>{move || i18n.t("refund_amount")}</th>
                <th>{move || i18n.t("refund_reason")}</th><th>{move || i18n.t("order_status")}</th>
                <th>{move || i18n.t("refund_points")}</th>
            </tr></thead>
            <tbody>
                {refunds.into_iter().map(|r| {
                    let (vi, en) = r.status.label();
                    let tone = match r.status {
                        RefundStatus::Done => "ok",
                        RefundStatus::Failed => "failed",
                        _ => "running",
                    };
                    view! {
                        <tr class="refund-row" data-status=format!("{:?}", r.status).to_lowercase()>
                            <td>{vn_time(&r.created_at)}</td>
                            <td>{format_vnd(r.amount_vnd)}</td>
                            <td>{r.reason.clone()}</td>
                            <td><span class=format!("badge {tone}")>{move || if i18n.lang() == Lang::Vi { vi } else { en }}</span></td>
                            <td>{(r.points_reversed > 0).then(|| format!("−{}", r.points_reversed))}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Gives back all or part of a paid order, with a reason.
#[component]
pub(super) fn RefundForm(order_id: String, left: i64, on_done: Callback<()>) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let amount = RwSignal::new(left.to_string());
    let reason = RwSignal::new(String::new());
    let key = RwSignal::new(fresh_key());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let digits: String = amount.get_untracked().chars().filter(char::is_ascii_digit).collect();
        let Ok(amount_vnd) = digits.parse::<i64>() else {
            error.set(Some(ApiFailure::new(
                ErrorCode::InvalidRefund,
                i18n.t("refund_amount_hint"),
            )));
            return;
        };
        let body = RefundOrder {
            amount_vnd,
            reason: reason.get_untracked(),
            idempotency_key: Some(key.get_untracked()),
        };
        let (api, order_id) = (api.clone(), order_id.clone());
        busy.set(true);
        spawn_local(async move {
            let done = api
                .post_as::<_, OrderRefund>(SURFACE, &format!("/api/v1/admin/orders/{order_id}/refunds"), &body)
                .await;
            busy.set(false);
            match done {
                Ok(_) => {
                    error.set(None);
                    key.set(fresh_key());
                    on_done.run(());
                }
                Err(e) => {
                    // A refused refund is kept in the list: show it beside the message.
                    if e.code == ErrorCode::RefundRefused {
                        key.set(fresh_key());
                        on_done.run(());
                    }
                    error.set(Some(e));
                }
            }
        });
    };
    view! {
        <form class="inline-form refund-form" on:submit=submit>
            <h3>{move || i18n.t("refund_heading")}</h3>
            <p class="muted">{move || i18n.t("refund_lead")} " " <strong>{format_vnd(left)}</strong></p>
            <label>{move || i18n.t("refund_amount")}
                <input name="refund-amount" inputmode="numeric" prop:value=move || amount.get()
                    on:input=move |ev| amount.set(event_target_value(&ev))/>
            </label>
            <label>{move || i18n.t("refund_reason")}
                <input name="refund-reason" maxlength="200" prop:value=move || reason.get()
                    placeholder=move || i18n.t("refund_reason_hint")
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
            </label>
            <ErrorNotice error=error/>
            <button type="submit" class="danger" disabled=move || busy.get()>
                {move || if busy.get() { i18n.t("refunding") } else { i18n.t("refund_submit") }}
            </button>
        </form>
    }
}
