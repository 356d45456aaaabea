//! Re-engagement messages, starting with the Zalo OA side that tells us who can be reached there: the OA's
//! webhook ([`webhook`], verified and stored once, processed by a job in [`oa_events`]) and its followers
//! ([`followers`]), tied to profiles through the mini app's user id or the follower id the mini app read at
//! sign-in, the OA's tokens ([`oa_tokens`]), and the console's replies to a follower within the OA's reply window
//! ([`oa_replies`]); segments of the brand's people ([`segments`]) and the messages sent to them on each person's
//! best channel ([`outbox`]). Owns `segments`, `segment_members`, `campaign_messages`, `message_sends`,
//! `message_caps`, `message_settings`, `oa_webhook_events`, `oa_followers`, `oa_tokens` and `oa_messages` (the follower id
//! itself is a `profiles` identity,
//! attached and detached through `profiles`).

pub mod followers;
mod oa_events;
mod oa_replies;
pub mod oa_tokens;
pub mod outbox;
pub mod segments;
mod webhook;

use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;

use crate::{
    AppState,
    clock::Clock,
    db::Db,
    events::reactors::Durable,
    jobs::{NewJob, Registry},
    profiles::hooks::AreaHooks,
};

pub use oa_events::PROCESS as PROCESS_OA_EVENT;

/// The job tying the followers seen for a person who just signed in.
pub const LINK: &str = "messaging.link";

/// The messaging routes: the OA's webhook, the console's OA connection.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(webhook::router())
        .merge(oa_tokens::router())
        .merge(oa_replies::router())
        .merge(segments::router())
        .merge(outbox::router())
}

/// The durable reactor: a sign-in enqueues [`LINK`] for the person (once a minute at most).
pub fn reactor() -> Durable {
    Durable {
        name: LINK,
        wants: |event_type| event_type == "session_started",
        job: |event, now| {
            NewJob::new(
                LINK,
                format!("{}:{}", event.profile_id, now.div_euclid(60_000)),
                json!({ "brand_id": event.brand_id, "profile_id": event.profile_id }),
                now,
            )
            .for_brand(event.brand_id)
            .attempts(3)
        },
    }
}

#[derive(Deserialize)]
struct Link {
    brand_id: String,
    profile_id: String,
}

/// The daily job deleting processed OA deliveries older than [`KEEP_DELIVERIES_MS`].
pub const PRUNE: &str = "messaging.prune";
/// How long a processed OA delivery (which names followers) is kept: 30 days.
pub const KEEP_DELIVERIES_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Registers the messaging jobs: processing an OA delivery, tying followers after a sign-in, pruning.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock, senders: outbox::Senders) {
    oa_events::register(registry, db, clock);
    oa_tokens::register(registry, db, clock, &senders.sealer, senders.superapps.clone());
    segments::membership::register(registry, db, clock);
    outbox::register(registry, db, clock, senders);
    let (prune_db, prune_clock) = (db.clone(), clock.clone());
    registry.handle(PRUNE, move |_job| {
        let (db, clock) = (prune_db.clone(), prune_clock.clone());
        async move {
            let before = clock.now_ms().saturating_sub(KEEP_DELIVERIES_MS);
            sqlx::query("DELETE FROM oa_webhook_events WHERE processed_at IS NOT NULL AND received_at < $1")
                .bind(before)
                .execute(db.write())
                .await?;
            Ok(())
        }
    });
    registry.every(PRUNE, std::time::Duration::from_secs(24 * 3600));
    let link_db = db.clone();
    registry.handle(LINK, move |job| {
        let db = link_db.clone();
        async move {
            let Link { brand_id, profile_id } = job.payload()?;
            let tied = db
                .transact(move |conn| {
                    Box::pin(async move { followers::link_at_sign_in(conn, &brand_id, &profile_id).await })
                })
                .await?;
            if tied > 0 {
                tracing::info!(tied, "OA followers tied at sign-in");
            }
            Ok(())
        }
    });
}

/// Messaging's part in merges: a duplicate's followers become the profile's it is merged into.
pub fn hooks() -> AreaHooks {
    AreaHooks {
        area: "messaging",
        merge: Some(|conn, brand_id, from, into| {
            Box::pin(async move {
                sqlx::query("UPDATE oa_followers SET profile_id = $1 WHERE brand_id = $2 AND profile_id = $3")
                    .bind(into)
                    .bind(brand_id)
                    .bind(from)
                    .execute(&mut *conn)
                    .await?;
                // The duplicate leaves its segments; the person it became is checked again by its next event and
                // the hourly recomputation.
                let left: Vec<(String,)> =
                    sqlx::query_as("DELETE FROM segment_members WHERE profile_id = $1 RETURNING segment_id")
                        .bind(from)
                        .fetch_all(&mut *conn)
                        .await?;
                for (segment,) in left {
                    sqlx::query("UPDATE segments SET members = members - 1 WHERE id = $1")
                        .bind(&segment)
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            })
        }),
        export: None,
        // The follower ids are the person's; the OA's deliveries naming them are pruned after 30 days.
        erase: Some(|conn, brand_id, profile_id| {
            Box::pin(async move {
                sqlx::query("DELETE FROM oa_followers WHERE brand_id = $1 AND profile_id = $2")
                    .bind(brand_id)
                    .bind(profile_id)
                    .execute(&mut *conn)
                    .await?;
                let left: Vec<(String,)> =
                    sqlx::query_as("DELETE FROM segment_members WHERE profile_id = $1 RETURNING segment_id")
                        .bind(profile_id)
                        .fetch_all(&mut *conn)
                        .await?;
                for (segment,) in left {
                    sqlx::query("UPDATE segments SET members = members - 1 WHERE id = $1")
                        .bind(&segment)
                        .execute(&mut *conn)
                        .await?;
                }
                // What was sent stays counted in the reports, no longer tied to the person or clickable.
                sqlx::query(
                    "UPDATE message_sends SET profile_id = 'erased:' || token, token = 'erased:' || token \
                     WHERE profile_id = $1",
                )
                .bind(profile_id)
                .execute(&mut *conn)
                .await?;
                sqlx::query("DELETE FROM message_caps WHERE profile_id = $1")
                    .bind(profile_id)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        }),
        summary: None,
    }
}
