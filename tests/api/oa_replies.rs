//! Replying through the OA from the console: only to a follower, only in the 48 hours after they last wrote and
//! at most eight times there (ten replies racing for the last seven places: seven sent), each reply delivered and
//! read through the OA's signed receipts; a token Zalo refuses pauses the OA; a second brand sees nothing.

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, assert_error, spawn_with},
    loyalty_support::Shop,
    settle::{drain, worker},
};

const APP_ID: &str = "1234567890";

async fn sim(app: &TestApp, path: &str, body: Value) -> Value {
    let r = app
        .client
        .post(format!("{}{path}", app.sim.base_url))
        .json(&body)
        .send()
        .await
        .unwrap();
    r.json().await.unwrap_or(Value::Null)
}

async fn connect(app: &TestApp, shop: &Shop<'_>) {
    let token = sim(app, "/zalo/oauth/grant", json!({ "app_id": APP_ID })).await;
    let r = shop
        .send(
            Method::PUT,
            "/api/v1/admin/messaging/oa",
            &shop.admin,
            Some(&json!({ "refresh_token": token["refresh_token"] })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

async fn reply(shop: &Shop<'_>, profile: &str, text: &str) -> reqwest::Response {
    shop.send(
        Method::POST,
        &format!("/api/v1/admin/customers/{profile}/oa-replies"),
        &shop.admin,
        Some(&json!({ "text": text })),
    )
    .await
}

async fn replies_are_allowed_in_the_window_and_followed_to_read(store: Store) {
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
        clock.set(clock.now_ms().max(cham_server::db::now_ms() + 1_000));
        drain(&jobs).await;
    };
    let shop = Shop::open(&app).await;
    connect(&app, &shop).await;
    let lan = app.zalo_user("Lan", "0987654321").await;
    let session = app.sign_in_zalo(&lan).await.json::<Value>().await.unwrap();
    let profile = session["me"]["profile_id"].as_str().unwrap().to_owned();
    let thread = format!("/api/v1/admin/customers/{profile}/oa-replies");

    // Not a follower yet.
    assert_error(
        reply(&shop, &profile, "Chào chị").await,
        StatusCode::CONFLICT,
        "not_an_oa_follower",
    )
    .await;
    // She follows, but has not written: the window is closed.
    sim(
        &app,
        &format!("/zalo/users/{}/oa", lan.id),
        json!({ "event": "follow" }),
    )
    .await;
    work().await;
    let t = shop.get(&thread, &shop.admin).await;
    assert_eq!(
        (t["follower"].as_bool(), t["replies_left"].as_i64()),
        (Some(true), Some(0)),
        "{t}"
    );
    assert_error(
        reply(&shop, &profile, "Chào chị").await,
        StatusCode::CONFLICT,
        "oa_reply_window_closed",
    )
    .await;
    assert_eq!(app.count("oa_messages").await, 0);

    // She writes: eight replies allowed for 48 hours.
    sim(
        &app,
        &format!("/zalo/users/{}/oa", lan.id),
        json!({ "event": "user_send_text", "text": "Còn trà đào không?" }),
    )
    .await;
    work().await;
    let t = shop.get(&thread, &shop.admin).await;
    assert_eq!(t["replies_left"], 8, "{t}");
    assert!(t["window_until"].is_string());
    assert_error(
        reply(&shop, &profile, "   ").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_oa_reply",
    )
    .await;
    let r = reply(&shop, &profile, "Dạ còn ạ, mời chị ghé quán!").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let t: Value = r.json().await.unwrap();
    assert_eq!(
        (t["replies_left"].as_i64(), t["replies"][0]["status"].as_str()),
        (Some(7), Some("sent")),
        "{t}"
    );
    let sent = app
        .client
        .get(format!("{}/zalo/oa/messages", app.sim.base_url))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(sent[0]["text"], "Dạ còn ạ, mời chị ghé quán!");
    // Zalo's delivery receipt, then her read receipt.
    let mut status = String::new();
    for _ in 0..50 {
        work().await;
        status = shop.get(&thread, &shop.admin).await["replies"][0]["status"]
            .as_str()
            .unwrap()
            .to_owned();
        if status == "delivered" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "delivered");
    let msg = sent[0]["message_id"].as_str().unwrap();
    sim(
        &app,
        &format!("/zalo/users/{}/oa", lan.id),
        json!({ "event": "user_seen_message", "msg_id": msg }),
    )
    .await;
    work().await;
    assert_eq!(shop.get(&thread, &shop.admin).await["replies"][0]["status"], "seen");

    // Zalo refuses the OA's token: the reply fails (not counted), the OA pauses until connected again.
    sim(&app, "/zalo/oa/mode", json!({ "mode": "token_expired" })).await;
    assert_error(
        reply(&shop, &profile, "Chị ơi").await,
        StatusCode::BAD_GATEWAY,
        "oa_message_refused",
    )
    .await;
    assert_eq!(
        shop.get("/api/v1/admin/messaging/oa", &shop.admin).await["state"],
        "paused"
    );
    assert_error(
        reply(&shop, &profile, "Chị ơi").await,
        StatusCode::CONFLICT,
        "oa_not_connected",
    )
    .await;
    sim(&app, "/zalo/oa/mode", json!({ "mode": "normal" })).await;
    connect(&app, &shop).await;
    let t = shop.get(&thread, &shop.admin).await;
    assert_eq!(
        (t["replies_left"].as_i64(), t["replies"][0]["status"].as_str()),
        (Some(7), Some("failed")),
        "{t}"
    );

    // Ten replies race for the seven left: seven are sent, three refused.
    let attempts = (0..10).map(|n| {
        let (shop, profile) = (&shop, &profile);
        async move { reply(shop, profile, &format!("Tin {n}")).await.status() }
    });
    let statuses = futures::future::join_all(attempts).await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    assert_eq!(ok, 7, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT)
    );
    assert_error(
        reply(&shop, &profile, "Nữa").await,
        StatusCode::CONFLICT,
        "oa_reply_quota_used",
    )
    .await;

    // A second brand sees none of it.
    let other = app.other_brand("beta").await;
    let password = app
        .brand_user(&other, "admin@beta.vn", app::api::StaffRole::Admin)
        .await;
    let beta = app.admin_token("beta", "admin@beta.vn", &password).await;
    let r = app.get_with(&thread, &beta).await;
    assert_error(r, StatusCode::NOT_FOUND, "unknown_profile").await;
    // Two days on the window has closed.
    clock.advance(49 * 60 * 60 * 1000);
    work().await; // the workers keep the OA's token fresh meanwhile
    assert_eq!(
        shop.get("/api/v1/admin/messaging/oa", &shop.admin).await["state"],
        "connected"
    );
    assert_error(
        reply(&shop, &profile, "Chị ơi").await,
        StatusCode::CONFLICT,
        "oa_reply_window_closed",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_are_allowed_in_the_window_and_followed_to_read_sqlite() {
    replies_are_allowed_in_the_window_and_followed_to_read(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_are_allowed_in_the_window_and_followed_to_read_postgres() {
    replies_are_allowed_in_the_window_and_followed_to_read(Store::Postgres).await;
}
