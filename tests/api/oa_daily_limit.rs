//! Zalo's limit on OA promotions to one follower a day (`oa_per_follower_day`, one unless the brand says otherwise):
//! a second message the same day reaches the follower on the next channel; a brand cannot set more than three.

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, spawn_with},
    loyalty_support::Shop,
    messages::{connect_oa, consent, member_with, message, sim},
    settle::{drain, worker},
};

/// Zalo takes one OA promotion a follower a day: a second message the same day reaches a follower on the next
/// channel (ZNS), not the OA; a brand cannot set more than three a day.
async fn the_oa_takes_one_promotion_a_follower_a_day(store: Store) {
    let clock = Clock::manual(cham_server::db::now_ms());
    let Some(app) = spawn_with(
        store,
        SpawnOptions {
            no_workers: true,
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
    else {
        return;
    };
    let jobs = worker(&app, &clock);
    let work = || async {
        for _ in 0..3 {
            clock.set(clock.now_ms().max(cham_server::db::now_ms() + 1_000));
            drain(&jobs).await;
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        }
    };
    let shop = Shop::open(&app).await;
    connect_oa(&shop).await;
    let rules = |oa_day: u32| {
        json!({ "settings": { "priority": ["zalo_oa", "zns", "sms"], "per_day": 3, "per_week": 5,
            "quiet_from": "00:00", "quiet_until": "00:00", "oa_per_follower_month": 4,
            "oa_per_follower_day": oa_day, "zns_cost_vnd": 300, "sms_cost_vnd": 800 } })
    };
    let too_many = shop
        .send(
            Method::PUT,
            "/api/v1/admin/messaging/settings",
            &shop.admin,
            Some(&rules(5)),
        )
        .await;
    assert_eq!(too_many.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let too_many: Value = too_many.json().await.unwrap();
    assert_eq!(too_many["error"]["code"], "invalid_channel_settings", "{too_many}");
    let settings: Value = shop.get("/api/v1/admin/messaging/settings", &shop.admin).await;
    assert_eq!(
        settings["settings"]["oa_per_follower_day"], 1,
        "the default, unchanged: {settings}"
    );
    let r = shop
        .send(
            Method::PUT,
            "/api/v1/admin/messaging/settings",
            &shop.admin,
            Some(&rules(1)),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let (lan, lan_zalo) = member_with(&app, "Lan", "0987654321").await;
    consent(&shop, &lan, "marketing_zalo").await;
    consent(&shop, &lan, "marketing_zns").await;
    sim(
        &app,
        &format!("/zalo/users/{lan_zalo}/oa"),
        Some(json!({ "event": "follow" })),
    )
    .await;
    work().await;
    let segment = shop
        .admin_post(
            "/api/v1/admin/segments",
            &json!({ "name": "Quan tâm OA", "rule": { "kind": "follows_oa" } }),
            StatusCode::CREATED,
        )
        .await;
    let segment = segment["id"].as_str().unwrap().to_owned();
    work().await;
    let mut channels = Vec::new();
    for name in ["Sáng", "Chiều"] {
        let id = message(&shop, &segment, name).await;
        shop.send(
            Method::POST,
            &format!("/api/v1/admin/messages/{id}/send"),
            &shop.admin,
            Some(&json!({})),
        )
        .await;
        for _ in 0..20 {
            work().await;
            let m = shop.get(&format!("/api/v1/admin/messages/{id}"), &shop.admin).await;
            if m["status"] == "sent" {
                break;
            }
        }
        let (channel,): (Option<String>,) = sqlx::query_as(
            "SELECT channel FROM message_sends WHERE message_id = $1 AND profile_id = $2 AND status = 'sent'",
        )
        .bind(&id)
        .bind(&lan.id)
        .fetch_one(app.db.read())
        .await
        .unwrap();
        channels.push(channel.unwrap_or_default());
    }
    assert_eq!(channels, ["zalo_oa", "zns"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_oa_takes_one_promotion_a_follower_a_day_sqlite() {
    the_oa_takes_one_promotion_a_follower_a_day(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_oa_takes_one_promotion_a_follower_a_day_postgres() {
    the_oa_takes_one_promotion_a_follower_a_day(Store::Postgres).await;
}
