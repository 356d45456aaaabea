//! Brute force: failed sign-ins are counted per account and per client address in the store (so every server
//! process sees them); past the limit a sign-in answers 429 `too_many_attempts` with `Retry-After`, before any
//! password is checked, until the window ends.

use app::api::StaffRole;
use cham_server::clock::Clock;
use reqwest::{StatusCode, header};
use serde_json::json;

use crate::helpers::{SpawnOptions, Store, TestApp, assert_error, spawn_with};

async fn admin_sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/admin/session",
        &json!({ "brand": "acme", "email": email, "password": password }),
    )
    .await
}

async fn wrong_passwords_lock_the_account_for_fifteen_minutes(store: Store) {
    let clock = Clock::manual(chrono::Utc::now().timestamp_millis());
    let Some(app) = spawn_with(
        store,
        SpawnOptions {
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
    else {
        return;
    };
    let password = app.brand_user(&app.brand, "boss@acme.vn", StaffRole::Owner).await;
    for _ in 0..10 {
        let r = admin_sign_in(&app, "boss@acme.vn", "wrong-password").await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // The eleventh try is refused before the password is checked, the right one too.
    let r = admin_sign_in(&app, "BOSS@acme.vn", &password).await;
    let retry_after: u64 = r.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM auth_sessions")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    // Another account from the same address is not locked by it.
    let other = app.brand_user(&app.brand, "till@acme.vn", StaffRole::Staff).await;
    assert_eq!(
        admin_sign_in(&app, "till@acme.vn", &other).await.status(),
        StatusCode::OK
    );
    // Once the window has passed the owner signs in, which clears the count.
    clock.advance(15 * 60_000 + 1);
    assert_eq!(
        admin_sign_in(&app, "boss@acme.vn", &password).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.count("sign_in_failures").await,
        1,
        "only the address's count is left"
    );
}

async fn one_address_trying_many_accounts_is_stopped(store: Store) {
    let Some(app) = spawn_with(store, SpawnOptions::default()).await else {
        return;
    };
    for n in 0..30 {
        let r = admin_sign_in(&app, &format!("guess{n}@acme.vn"), "password123").await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let r = admin_sign_in(&app, "guess99@acme.vn", "password123").await;
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    // Forged super-app tokens from one address are stopped too.
    for _ in 0..60 {
        let r = app
            .post_json(
                "/api/v1/auth/session",
                &json!({ "brand": "acme", "provider": "zalo", "access_token": "forged" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = app
        .post_json(
            "/api/v1/auth/session",
            &json!({ "brand": "acme", "provider": "zalo", "access_token": "forged" }),
        )
        .await;
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_lock_the_account_for_fifteen_minutes_sqlite() {
    wrong_passwords_lock_the_account_for_fifteen_minutes(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_lock_the_account_for_fifteen_minutes_postgres() {
    wrong_passwords_lock_the_account_for_fifteen_minutes(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_trying_many_accounts_is_stopped_sqlite() {
    one_address_trying_many_accounts_is_stopped(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_trying_many_accounts_is_stopped_postgres() {
    one_address_trying_many_accounts_is_stopped(Store::Postgres).await;
}
