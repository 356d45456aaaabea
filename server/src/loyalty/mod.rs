//! Loyalty: the points ledger, earning rules, tiers, the rewards catalog, vouchers and the staff voucher check.
//! Points move only through [`ledger`]; earnings arrive through the interaction log ([`on_event`], called by
//! `events::record`), so every ledger entry names the event, voucher, admin action or play that caused it.

pub mod admin;
pub mod config;
pub mod ledger;
pub mod member;
pub mod points_admin;
mod redeem;
pub mod rewards;
pub mod rules;
pub mod tiers;
pub mod time;
pub mod vouchers;
pub mod worker;

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub use rules::{EarningEvent, on_event, trigger_of};
pub use worker::run_due;

/// The loyalty routes: the member's card, history, catalog and vouchers; staff voucher checks; the console.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(member::router())
        .merge(redeem::router())
        .merge(vouchers::router())
        .merge(rewards::router())
        .merge(admin::router())
        .merge(points_admin::router())
}
