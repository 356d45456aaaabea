//! The Zalo OA webhook (`SUPERAPP.md` §3): every delivery's signature computed here independently (plain
//! SHA-256 of app id, body, timestamp and the OA secret key); tampered, another app's, unsigned and unknown-brand
//! deliveries refused with nothing written; retries stored once; `follow` tying the follower id to the profile
//! that signed in with the matching mini app id (or claimed it with `idByOA`), `unfollow` untying it, a
//! follower's message opening the reply window, `user_withdraw` withdrawing marketing consent.

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, assert_error, spawn_with},
    loyalty_support::{Member, Shop},
    settle::{drain, worker},
};

/// The test brand's Zalo app id and OA secret key (`helpers.rs`).
const APP_ID: &str = "1234567890";
const OA_SECRET: &str = "oa-secret";

fn signature(app_id: &str, body: &str, timestamp: &str, key: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(format!("{app_id}{body}{timestamp}{key}").as_bytes());
    hex::encode(hash.finalize())
}

/// Posts a delivery as Zalo does: the body as given, signed (with `mac=` unless `bare`) unless `signature` says
/// otherwise.
async fn deliver(app: &TestApp, body: &str, signature: &str, retry: Option<u8>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/webhooks/zalo-oa/acme"))
        .header("content-type", "application/json")
        .header("X-ZEvent-Signature", signature)
        .header("X-ZEvent-Server", "OA OpenAPI");
    if let Some(n) = retry {
        request = request.header("num_retry", n.to_string());
    }
    request.body(body.to_owned()).send().await.unwrap()
}

fn follow_body(event: &str, follower: &str, app_user: Option<&str>, at: i64) -> String {
    let mut body = json!({
        "oa_id": "oa-acme", "follower": { "id": follower }, "event_name": event, "source": "oa_profile",
        "app_id": APP_ID, "timestamp": at.to_string(),
    });
    if let Some(u) = app_user {
        body["user_id_by_app"] = json!(u);
    }
    body.to_string()
}

async fn signed(app: &TestApp, body: &str) -> reqwest::Response {
    let at = serde_json::from_str::<Value>(body).unwrap()["timestamp"]
        .as_str()
        .unwrap()
        .to_owned();
    let mac = signature(APP_ID, body, &at, OA_SECRET);
    deliver(app, body, &format!("mac={mac}"), None).await
}

async fn identity(app: &TestApp, profile: &str, kind: &str) -> Option<(String, i64)> {
    sqlx::query_as("SELECT value, verified FROM identities WHERE profile_id = $1 AND kind = $2")
        .bind(profile)
        .bind(kind)
        .fetch_optional(app.db.read())
        .await
        .unwrap()
}

async fn events_of(app: &TestApp, profile: &str, event_type: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE profile_id = $1 AND type = $2")
        .bind(profile)
        .bind(event_type)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    n
}

async fn zalo_id(app: &TestApp, member: &Member) -> String {
    identity(app, &member.id, "zalo_id").await.unwrap().0
}

/// Runs the queued jobs. A sign-in's reactor enqueues by the wall clock, so the test's clock is first moved up
/// to it.
async fn work(clock: &Clock, jobs: &cham_server::jobs::Worker) {
    clock.set(clock.now_ms().max(cham_server::db::now_ms() + 1_000));
    drain(jobs).await;
}

async fn spawn(store: Store, clock: &Clock) -> Option<TestApp> {
    spawn_with(
        store,
        SpawnOptions {
            no_workers: true,
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
}

async fn a_signed_follow_ties_the_follower_and_nothing_else_gets_in(store: Store) {
    let start = cham_server::db::now_ms();
    let clock = Clock::manual(start);
    let Some(app) = spawn(store, &clock).await else {
        return;
    };
    let jobs = worker(&app, &clock);
    let shop = Shop::open(&app).await;
    let mai = shop.member("Mai", "0912345678").await;
    let mai_zalo = zalo_id(&app, &mai).await;
    work(&clock, &jobs).await;
    let body = follow_body("follow", "8000000000000000001", Some(&mai_zalo), start);
    let at = start.to_string();

    // Refused, each writing nothing: tampered after signing, signed with another key, no signature, another
    // app's delivery (signed correctly for that app), an unknown brand.
    let good = signature(APP_ID, &body, &at, OA_SECRET);
    let tampered = body.replace("8000000000000000001", "8000000000000000002");
    for (sent, mac) in [
        (tampered.as_str(), format!("mac={good}")),
        (
            body.as_str(),
            format!("mac={}", signature(APP_ID, &body, &at, "another-key")),
        ),
        (body.as_str(), String::new()),
        (body.as_str(), "mac=not-hex".to_owned()),
    ] {
        let r = deliver(&app, sent, &mac, None).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_signature").await;
    }
    let other_app = body.replace(APP_ID, "999999");
    let mac = signature("999999", &other_app, &at, OA_SECRET);
    let r = deliver(&app, &other_app, &format!("mac={mac}"), None).await;
    assert_error(r, StatusCode::UNAUTHORIZED, "invalid_signature").await;
    let r = app
        .client
        .post(app.url("/api/v1/webhooks/zalo-oa/nobody"))
        .header("X-ZEvent-Signature", format!("mac={good}"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "unknown_brand").await;
    // A second brand (no OA of its own) does not take the first brand's deliveries.
    app.other_brand("beta").await;
    let r = app
        .client
        .post(app.url("/api/v1/webhooks/zalo-oa/beta"))
        .header("X-ZEvent-Signature", format!("mac={good}"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "invalid_signature").await;
    assert_eq!(app.count("oa_webhook_events").await, 0);
    assert_eq!(app.count("jobs WHERE kind = 'messaging.oa_event'").await, 0);

    // The good one, without the `mac=` prefix, then Zalo's retries of it: stored once, processed once.
    let r = deliver(&app, &body, &good, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    for n in 1..=2 {
        assert_eq!(
            deliver(&app, &body, &format!("mac={good}"), Some(n)).await.status(),
            StatusCode::OK
        );
    }
    let (deliveries,): (i64,) = sqlx::query_as("SELECT deliveries FROM oa_webhook_events")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(deliveries, 3);
    work(&clock, &jobs).await;
    assert_eq!(
        identity(&app, &mai.id, "zalo_oa_follower_id").await,
        Some(("8000000000000000001".to_owned(), 1))
    );
    assert_eq!(events_of(&app, &mai.id, "followed_oa").await, 1);
    let (outcome,): (Option<String>,) = sqlx::query_as("SELECT outcome FROM oa_webhook_events")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(outcome.as_deref(), Some("followed"));
    // The console's profile names the follower id in words.
    let me = shop.get("/api/v1/me", &mai.token).await;
    assert!(
        me["identities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "zalo_oa_follower_id" && i["verified"] == true),
        "{me}"
    );

    // She writes to the OA: the reply window opens from then, and it is on her timeline.
    clock.advance(60_000);
    let text = json!({
        "app_id": APP_ID, "user_id_by_app": mai_zalo, "event_name": "user_send_text",
        "sender": { "id": "8000000000000000001" }, "recipient": { "id": "oa-acme" },
        "message": { "msg_id": "m1", "text": "Còn trà đào không?" }, "timestamp": (start + 60_000).to_string(),
    })
    .to_string();
    assert_eq!(signed(&app, &text).await.status(), StatusCode::OK);
    work(&clock, &jobs).await;
    let (window,): (Option<i64>,) = sqlx::query_as("SELECT last_user_message_at FROM oa_followers")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(window, Some(start + 60_000));
    assert_eq!(events_of(&app, &mai.id, "messaged_oa").await, 1);

    // She unfollows: not reachable on the OA any more; an older follow arriving late changes nothing.
    let unfollow = follow_body("unfollow", "8000000000000000001", Some(&mai_zalo), start + 120_000);
    assert_eq!(signed(&app, &unfollow).await.status(), StatusCode::OK);
    let late = follow_body("follow", "8000000000000000001", Some(&mai_zalo), start + 90_000);
    assert_eq!(signed(&app, &late).await.status(), StatusCode::OK);
    work(&clock, &jobs).await;
    assert_eq!(identity(&app, &mai.id, "zalo_oa_follower_id").await, None);
    assert_eq!(events_of(&app, &mai.id, "unfollowed_oa").await, 1);
    assert_eq!(events_of(&app, &mai.id, "followed_oa").await, 1);

    // She asks Zalo to withdraw: her marketing consents are withdrawn, each on her timeline.
    let r = shop
        .send(
            Method::PUT,
            "/api/v1/me/consents/marketing_zalo",
            &mai.token,
            Some(&json!({ "granted": true, "wording_version": "2026-01" })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let withdraw = json!({
        "app_id": APP_ID, "user_id": "8000000000000000001", "user_id_by_app": mai_zalo,
        "event_name": "user_withdraw", "oa_id": "oa-acme", "timestamp": (start + 180_000).to_string(),
    })
    .to_string();
    assert_eq!(signed(&app, &withdraw).await.status(), StatusCode::OK);
    work(&clock, &jobs).await;
    let consents = shop.get("/api/v1/me/consents", &mai.token).await;
    let zalo = consents
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purpose"] == "marketing_zalo")
        .unwrap();
    assert_eq!(
        (zalo["granted"].as_bool(), zalo["source"].as_str()),
        (Some(false), Some("zalo"))
    );

    // A signed delivery whose follower id is not one (a NUL inside) is kept as received, and nothing else is written.
    let odd = follow_body("follow", "80\u{0}1", Some(&mai_zalo), start + 240_000);
    assert_eq!(signed(&app, &odd).await.status(), StatusCode::OK);
    work(&clock, &jobs).await;
    assert_eq!(app.count("oa_followers").await, 1);
    assert_eq!(app.count("oa_webhook_events WHERE outcome = 'no_follower_id'").await, 1);
    assert_eq!(identity(&app, &mai.id, "zalo_oa_follower_id").await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_follow_ties_the_follower_and_nothing_else_gets_in_sqlite() {
    a_signed_follow_ties_the_follower_and_nothing_else_gets_in(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_follow_ties_the_follower_and_nothing_else_gets_in_postgres() {
    a_signed_follow_ties_the_follower_and_nothing_else_gets_in(Store::Postgres).await;
}

async fn a_follower_seen_before_sign_in_is_tied_at_sign_in_and_a_claim_gives_way(store: Store) {
    let start = cham_server::db::now_ms();
    let clock = Clock::manual(start);
    let Some(app) = spawn(store, &clock).await else {
        return;
    };
    let jobs = worker(&app, &clock);
    let sim = &app.sim.base_url;

    // Lan follows the OA in Zalo before she ever opens the mini app: the simulated OA signs and posts it.
    let lan = app.zalo_user("Lan", "0987654321").await;
    let followed: Value = app
        .client
        .post(format!("{sim}/zalo/users/{}/oa", lan.id))
        .json(&json!({ "event": "follow", "repeat": 2 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(followed["statuses"], json!([200, 200]));
    let follower = followed["follower_id"].as_str().unwrap().to_owned();
    work(&clock, &jobs).await;
    let (outcome,): (Option<String>,) = sqlx::query_as("SELECT outcome FROM oa_webhook_events")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(outcome.as_deref(), Some("follower_not_signed_in_yet"));

    // A tampered delivery from the simulator is refused.
    let tampered: Value = app
        .client
        .post(format!("{sim}/zalo/users/{}/oa", lan.id))
        .json(&json!({ "event": "follow", "tamper": true }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tampered["statuses"], json!([401]));

    // Someone else signs in claiming her follower id (idByOA comes from the client): a claim only.
    let tu = app.zalo_user("Tú", "0938123456").await;
    let r = app
        .post_json(
            "/api/v1/auth/session",
            &json!({ "brand": "acme", "provider": "zalo", "access_token": tu.access_token, "id_by_oa": follower }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let tu_profile = r.json::<Value>().await.unwrap()["me"]["profile_id"]
        .as_str()
        .unwrap()
        .to_owned();
    work(&clock, &jobs).await;
    assert_eq!(
        identity(&app, &tu_profile, "zalo_oa_follower_id").await,
        Some((follower.clone(), 0))
    );
    assert_eq!(events_of(&app, &tu_profile, "followed_oa").await, 0);

    // Lan signs in (the simulator's getUserInfo gives her idByOA): the webhook's mini app id vouches for her,
    // so the follower id moves to her, verified, with her follow on her timeline as of when she followed.
    let tokens: Value = app
        .client
        .post(format!("{sim}/zalo/users/{}/tokens", lan.id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tokens["id_by_oa"], follower.as_str());
    let r = app
        .post_json(
            "/api/v1/auth/session",
            &json!({ "brand": "acme", "provider": "zalo", "access_token": tokens["access_token"], "id_by_oa": tokens["id_by_oa"] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let lan_profile = r.json::<Value>().await.unwrap()["me"]["profile_id"]
        .as_str()
        .unwrap()
        .to_owned();
    work(&clock, &jobs).await;
    assert_eq!(
        identity(&app, &lan_profile, "zalo_oa_follower_id").await,
        Some((follower.clone(), 1))
    );
    assert_eq!(identity(&app, &tu_profile, "zalo_oa_follower_id").await, None);
    let (at,): (i64,) = sqlx::query_as("SELECT occurred_at FROM events WHERE profile_id = $1 AND type = 'followed_oa'")
        .bind(&lan_profile)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let (followed_at,): (Option<i64>,) = sqlx::query_as("SELECT followed_at FROM oa_followers")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(Some(at), followed_at, "as of the follow's own time");
    assert_eq!(app.count("identity_conflicts").await, 1);

    // Signing in again ties nothing twice.
    let again = app.zalo_tokens_for(&lan.id).await;
    assert_eq!(app.sign_in_zalo(&again).await.status(), StatusCode::OK);
    clock.advance(61_000);
    work(&clock, &jobs).await;
    assert_eq!(events_of(&app, &lan_profile, "followed_oa").await, 1);

    // An id_by_oa that is not a follower id is refused, and a MoMo sign-in cannot carry one.
    let bad = app.zalo_user("Hoa", "0903123456").await;
    let r = app
        .post_json(
            "/api/v1/auth/session",
            &json!({ "brand": "acme", "provider": "zalo", "access_token": bad.access_token, "id_by_oa": "1 OR 1=1" }),
        )
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_seen_before_sign_in_is_tied_at_sign_in_and_a_claim_gives_way_sqlite() {
    a_follower_seen_before_sign_in_is_tied_at_sign_in_and_a_claim_gives_way(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_seen_before_sign_in_is_tied_at_sign_in_and_a_claim_gives_way_postgres() {
    a_follower_seen_before_sign_in_is_tied_at_sign_in_and_a_claim_gives_way(Store::Postgres).await;
}
