//! What the member takes off an order before paying: a discount voucher from their wallet and their points (at
//! the brand's point value), with the server's quote of what is left to pay. The quote is asked again whenever
//! the cart, the store or a choice here changes; placing the order is priced again by the server, which has the
//! last word.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::{
    api::{OrderQuote, PlaceOrder, RewardKind, Voucher, VoucherList, VoucherStatus},
    domain::format_vnd,
};

/// The member's choices, which the order takes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Savings {
    /// The chosen voucher's id.
    pub voucher: RwSignal<Option<String>>,
    /// Whether to pay with points (as many as the order takes).
    pub use_points: RwSignal<bool>,
    /// The server's quote without points (they are taken off it here, as many as it allows).
    pub quote: RwSignal<Option<OrderQuote>>,
}

impl Savings {
    pub(super) fn new() -> Self {
        Self {
            voucher: RwSignal::new(None),
            use_points: RwSignal::new(false),
            quote: RwSignal::new(None),
        }
    }

    /// The points the order spends.
    pub(super) fn points(self) -> i64 {
        match (self.use_points.get(), self.quote.get()) {
            (true, Some(q)) => q.max_points,
            _ => 0,
        }
    }

    /// What is left to pay, once quoted.
    pub(super) fn total(self) -> Option<i64> {
        let q = self.quote.get()?;
        let off = self.points().saturating_mul(q.point_value_vnd.unwrap_or(0));
        Some(q.total_vnd.saturating_sub(off))
    }
}

/// The voucher and points choices, the breakdown and the total. `order` is the order as it stands (without
/// its savings), or `None` while the cart is empty.
#[component]
pub(super) fn SavingsPicker(
    savings: Savings,
    order: Signal<Option<PlaceOrder>>,
    fallback: Signal<i64>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let vouchers = RwSignal::new(Vec::<Voucher>::new());
    let error = RwSignal::new(None::<ApiFailure>);
    {
        let api = api.clone();
        spawn_local(async move {
            // No vouchers is an empty list: the order goes ahead without.
            if let Ok(list) = api.get_as::<VoucherList>(SURFACE, "/api/v1/me/vouchers").await {
                vouchers.set(
                    list.vouchers
                        .into_iter()
                        .filter(|v| v.status == VoucherStatus::Issued && v.reward_kind == RewardKind::DiscountVoucher)
                        .collect(),
                );
            }
        });
    }
    Effect::new(move |_| {
        let Some(mut body) = order.get() else {
            savings.quote.set(None);
            return;
        };
        body.voucher_id = savings.voucher.get();
        body.points = None;
        let api = api.clone();
        spawn_local(async move {
            match api
                .post_as::<_, OrderQuote>(SURFACE, "/api/v1/me/orders/quote", &body)
                .await
            {
                Ok(q) => {
                    error.set(None);
                    savings.quote.set(Some(q));
                }
                Err(e) => {
                    // A voucher that cannot be used is dropped; what it said stays on screen.
                    if body.voucher_id.is_some() {
                        savings.voucher.set(None);
                    }
                    error.set(Some(e));
                }
            }
        });
    });
    view! {
        <div class="savings">
            {move || (!vouchers.with(Vec::is_empty)).then(|| view! {
                <label class="voucher-pick">
                    <span>{move || i18n.t("use_voucher")}</span>
                    <select name="voucher" on:change=move |ev| {
                        let id = event_target_value(&ev);
                        savings.voucher.set((!id.is_empty()).then_some(id));
                    }>
                        <option value="" selected=move || savings.voucher.get().is_none()>{move || i18n.t("no_voucher")}</option>
                        {vouchers.get().into_iter().map(|v| {
                            let id = v.id.clone();
                            view! { <option value=v.id selected=move || savings.voucher.get().as_deref() == Some(id.as_str())>{v.reward_name}</option> }
                        }).collect_view()}
                    </select>
                </label>
            })}
            {move || savings.quote.get().filter(|q| q.point_value_vnd.is_some() && q.max_points > 0).map(|q| {
                let off = q.max_points.saturating_mul(q.point_value_vnd.unwrap_or(0));
                view! {
                    <label class="use-points">
                        <input type="checkbox" name="use_points" prop:checked=move || savings.use_points.get()
                            on:change=move |ev| savings.use_points.set(event_target_checked(&ev))/>
                        <span>{move || i18n.t("use_points")} " " <strong>{q.max_points}</strong> " " {move || i18n.t("points")} " (−" {format_vnd(off)} ")"</span>
                    </label>
                }
            })}
            <ErrorNotice error=error/>
            {move || savings.quote.get().filter(|q| q.voucher_discount_vnd > 0 || savings.points() > 0).map(|q| {
                let points_off = savings.points().saturating_mul(q.point_value_vnd.unwrap_or(0));
                view! {
                    <dl class="order-breakdown">
                        <dt>{move || i18n.t("subtotal")}</dt><dd>{format_vnd(q.subtotal_vnd)}</dd>
                        {(q.voucher_discount_vnd > 0).then(|| view! {
                            <dt>{move || i18n.t("voucher_off")}</dt><dd class="off">"−" {format_vnd(q.voucher_discount_vnd)}</dd>
                        })}
                        {(points_off > 0).then(|| view! {
                            <dt>{move || i18n.t("points_off")}</dt><dd class="off">"−" {format_vnd(points_off)}</dd>
                        })}
                    </dl>
                }
            })}
            <p class="order-total">{move || i18n.t("total")} ": " <strong>{move || format_vnd(savings.total().unwrap_or_else(|| fallback.get()))}</strong></p>
        </div>
    }
}
