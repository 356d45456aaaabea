//! One-tap purchase ("commerce"): the brand's menu ([`catalog`]), orders priced on the server ([`pricing`],
//! [`place`], [`orders`]) and paid in the super-app the member is in, settled once ([`payments`]) by the payment
//! services' own notices ([`webhooks`]: Zalo Checkout's callback, MoMo's IPN). A paid order is `order_paid` on the member's timeline, so
//! the earning rules pay its points and campaigns attribute it. An order no notice settled within twenty minutes
//! is settled by asking the service ([`settle`], a durable job). Owns `product_categories`, `products`,
//! `product_sold_out`, `orders`, `order_items` and `payment_events`.

mod admin;
mod cancel;
mod catalog;
mod check;
mod checkout;
mod discounts;
mod menu;
pub use catalog::{insert_category, insert_product};
mod orders;
mod payments;
mod place;
pub mod pricing;
mod quote;
mod refund_done;
mod refunding;
mod refunds;
mod sales;
mod settle;
mod staff;
mod webhooks;

pub use refunding::REFUND;
pub use settle::{Payments, SETTLE};

/// Registers commerce's jobs: settling unpaid orders and following refunds.
pub fn register(
    registry: &mut crate::jobs::Registry,
    db: &crate::db::Db,
    clock: &crate::clock::Clock,
    payments: Payments,
) {
    settle::register(registry, db, clock, payments.clone());
    refunding::register(registry, db, clock, payments);
}

use utoipa_axum::router::OpenApiRouter;

use crate::{AppState, profiles::hooks::AreaHooks};

/// The commerce routes: the console's catalog, the member's menu and orders, and the payment webhooks.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(admin::router())
        .merge(cancel::router())
        .merge(catalog::router())
        .merge(menu::router())
        .merge(orders::router())
        .merge(quote::router())
        .merge(refunds::router())
        .merge(sales::router())
        .merge(staff::router())
        .merge(webhooks::router())
}

/// Commerce's part in merges (a duplicate's orders move to the profile it is merged into), exports (the member's
/// orders) and erasures (an order's note, the member's own words, is blanked; the record stays for the accounts).
pub fn hooks() -> AreaHooks {
    AreaHooks {
        area: "commerce",
        merge: Some(|conn, brand_id, from, into| {
            Box::pin(async move {
                sqlx::query("UPDATE orders SET profile_id = $1 WHERE brand_id = $2 AND profile_id = $3")
                    .bind(into)
                    .bind(brand_id)
                    .bind(from)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        }),
        export: Some(|conn, brand_id, profile_id, export| {
            Box::pin(async move {
                export.orders = orders::of_member(conn, brand_id, profile_id).await?;
                Ok(())
            })
        }),
        // Orders are the brand's accounting records: amounts, lines and payments stay; the member's own words go.
        erase: Some(|conn, brand_id, profile_id| {
            Box::pin(async move {
                sqlx::query("UPDATE orders SET note = '' WHERE brand_id = $1 AND profile_id = $2")
                    .bind(brand_id)
                    .bind(profile_id)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        }),
        summary: None,
    }
}
