//! The brand's Zalo OA tokens: connected with a refresh token from Zalo's authorisation (traded at once, so a
//! wrong or spent one is refused and changes nothing), stored sealed, refreshed before expiry with the new refresh
//! token kept each time, and paused with Zalo's words when Zalo refuses; a second brand sees none of it.

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, assert_error, spawn_with},
    loyalty_support::Shop,
    settle::{drain, worker},
};

const APP_ID: &str = "1234567890";
const HOUR: i64 = 60 * 60 * 1000;

async fn grant(app: &TestApp) -> String {
    let r: Value = app
        .client
        .post(format!("{}/zalo/oauth/grant", app.sim.base_url))
        .json(&json!({ "app_id": APP_ID }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["refresh_token"].as_str().unwrap().to_owned()
}

async fn stored(app: &TestApp) -> Option<(String, String, i64)> {
    sqlx::query_as("SELECT access_token, refresh_token, refreshed_at FROM oa_tokens")
        .fetch_optional(app.db.read())
        .await
        .unwrap()
}

async fn connect(shop: &Shop<'_>, token: &str) -> reqwest::Response {
    shop.send(
        Method::PUT,
        "/api/v1/admin/messaging/oa",
        &shop.admin,
        Some(&json!({ "refresh_token": token })),
    )
    .await
}

async fn the_oa_connects_refreshes_and_pauses_on_a_refusal(store: Store) {
    let start = cham_server::db::now_ms();
    let clock = Clock::manual(start);
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
    let shop = Shop::open(&app).await;
    let state = shop.get("/api/v1/admin/messaging/oa", &shop.admin).await;
    assert_eq!(state["state"], "not_connected");

    // Not a token, then one Zalo never issued: refused, nothing stored.
    assert_error(
        connect(&shop, "two words").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_oa_token",
    )
    .await;
    assert_error(
        connect(&shop, "never-issued").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "oa_token_refused",
    )
    .await;
    assert_eq!(app.count("oa_tokens").await, 0);

    // A real one: traded at once, stored sealed, valid for about 25 hours.
    let first = grant(&app).await;
    let r = connect(&shop, &first).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["state"], "connected", "{body}");
    assert!(!body.to_string().contains(&first));
    let (access, refresh, _) = stored(&app).await.unwrap();
    assert!(!refresh.contains(&first) && !access.is_empty());

    // The same token again is spent: refused, and the connection that works stays as it is.
    assert_error(
        connect(&shop, &first).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "oa_token_refused",
    )
    .await;
    assert_eq!(
        shop.get("/api/v1/admin/messaging/oa", &shop.admin).await["state"],
        "connected"
    );
    assert_eq!(stored(&app).await.unwrap().1, refresh);

    // Twenty-four hours on, less than two are left: the worker refreshes, keeping the new refresh token.
    clock.advance(24 * HOUR);
    drain(&jobs).await;
    let (access2, refresh2, refreshed_at) = stored(&app).await.unwrap();
    assert_ne!((&access2, &refresh2), (&access, &refresh));
    assert_eq!(refreshed_at, clock.now_ms());
    assert_eq!(
        shop.get("/api/v1/admin/messaging/oa", &shop.admin).await["state"],
        "connected"
    );

    // A second brand's admin sees no connection of its own.
    let other = app.other_brand("beta").await;
    let password = app
        .brand_user(&other, "admin@beta.vn", app::api::StaffRole::Admin)
        .await;
    let beta = app.admin_token("beta", "admin@beta.vn", &password).await;
    assert_eq!(
        shop.get("/api/v1/admin/messaging/oa", &beta).await["state"],
        "not_connected"
    );
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/messaging/oa/refresh",
            &beta,
            Some(&json!({})),
        )
        .await;
    assert_error(r, StatusCode::NOT_FOUND, "oa_not_connected").await;

    // Zalo revokes the app's tokens: the next refresh is refused and OA sending pauses, with Zalo's words.
    app.client
        .post(format!("{}/zalo/oauth/revoke", app.sim.base_url))
        .json(&json!({ "app_id": APP_ID }))
        .send()
        .await
        .unwrap();
    clock.advance(24 * HOUR);
    drain(&jobs).await;
    let state = shop.get("/api/v1/admin/messaging/oa", &shop.admin).await;
    assert_eq!(state["state"], "paused", "{state}");
    assert!(
        state["error"].as_str().unwrap().contains("Invalid refresh token"),
        "{state}"
    );
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/messaging/oa/refresh",
            &shop.admin,
            Some(&json!({})),
        )
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "oa_token_refused").await;

    // Connecting again with a new authorisation resumes.
    let again = grant(&app).await;
    assert_eq!(connect(&shop, &again).await.status(), StatusCode::OK);
    assert_eq!(
        shop.get("/api/v1/admin/messaging/oa", &shop.admin).await["state"],
        "connected"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_oa_connects_refreshes_and_pauses_on_a_refusal_sqlite() {
    the_oa_connects_refreshes_and_pauses_on_a_refusal(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_oa_connects_refreshes_and_pauses_on_a_refusal_postgres() {
    the_oa_connects_refreshes_and_pauses_on_a_refusal(Store::Postgres).await;
}
