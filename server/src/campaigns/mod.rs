//! Campaigns and what they bring. A campaign has short links, one per channel and placement (`/l/{code}`, with
//! its UTM), each opening a chosen screen of the mini app ([`admin`]). A click is a **touch**, recorded before the
//! redirect and tied to the person when they sign in ([`links`]); a store visit, an offline purchase or a paid
//! order is then attributed to the last touch within its campaign's window, the first kept too, in the event's
//! transaction ([`attribution`]); reports read a rollup kept in the same transactions ([`rollup`], [`report`]). Owns `campaigns`,
//! `campaign_links`, `touches`, `attributions`, `campaign_days` and `campaign_people`.

mod admin;
pub mod attribution;
mod links;
mod report;
pub mod rollup;

use utoipa_axum::router::OpenApiRouter;

use crate::{AppState, profiles::hooks::AreaHooks};

pub use links::{exists, message_touch, redirect_router};

/// The campaigns routes: the console's campaigns, links and reports, and the member's click.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(admin::router())
        .merge(links::router())
        .merge(report::router())
}

/// Campaigns' part in merges: a duplicate's touches and attributions move to the profile it is merged into.
pub fn hooks() -> AreaHooks {
    AreaHooks {
        area: "campaigns",
        merge: Some(|conn, brand_id, from, into| {
            Box::pin(async move {
                for table in ["touches", "attributions"] {
                    sqlx::query(&format!(
                        "UPDATE {table} SET profile_id = $1 WHERE brand_id = $2 AND profile_id = $3"
                    ))
                    .bind(into)
                    .bind(brand_id)
                    .bind(from)
                    .execute(&mut *conn)
                    .await?;
                }
                rollup::merge(conn, from, into).await
            })
        }),
        export: None,
        erase: None,
        summary: None,
    }
}
