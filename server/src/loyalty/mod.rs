//! Loyalty: the points ledger, earning rules, tiers, the rewards catalog, vouchers and the staff voucher check.
//! Points move only through [`ledger`]; earnings arrive through the interaction log ([`on_event`], called by
//! `events::record`), so every ledger entry names the event, voucher, admin action or play that caused it.

pub mod admin;
pub mod config;
pub mod counter;
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

use crate::{AppState, events::reactors::SameTransaction, profiles::hooks::AreaHooks};

pub use rules::{on_event, trigger_of};
pub use worker::run_due;

/// The earning rules, run in the transaction of every event a rule may pay for.
pub fn reactor() -> SameTransaction {
    SameTransaction {
        name: "loyalty.earning_rules",
        wants: |event_type| trigger_of(event_type).is_some(),
        run: |conn, event, now| Box::pin(on_event(conn, event, now)),
    }
}

/// Loyalty's part of a merge (the member's account, entries and vouchers move to the survivor), of a data
/// export (points history and vouchers) and of the member's summary (points and tier). Points are kept at erasure: the ledger is the brand's books.
pub fn hooks() -> AreaHooks {
    AreaHooks {
        area: "loyalty",
        merge: Some(|conn, brand_id, from, into| Box::pin(ledger::merge_accounts(conn, brand_id, from, into))),
        export: Some(|conn, brand_id, profile_id, export| Box::pin(member::export(conn, brand_id, profile_id, export))),
        erase: None,
        summary: Some(|db, brand_id, profile_id, me| {
            Box::pin(async move {
                me.loyalty = member::summary(db, brand_id, profile_id).await?;
                Ok(())
            })
        }),
    }
}

/// The loyalty routes: the member's card, history, catalog and vouchers; staff voucher checks; the console.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(member::router())
        .merge(redeem::router())
        .merge(vouchers::router())
        .merge(counter::router())
        .merge(rewards::router())
        .merge(admin::router())
        .merge(points_admin::router())
}
