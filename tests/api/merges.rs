//! One profile per person: the merge rules, chains of merges, conflicts, and merges under concurrency.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    both_stores,
    helpers::{TestApp, ZaloTokens, assert_error},
};

async fn live_profiles(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    n
}

async fn change_phone(app: &TestApp, zalo_id: &str, phone: &str) {
    let r = app
        .client
        .put(format!("{}/zalo/users/{zalo_id}", app.sim.base_url))
        .json(&json!({ "phone": phone }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

async fn session(app: &TestApp, tokens: &ZaloTokens) -> Value {
    let r = app.sign_in_zalo(tokens).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// A Zalo user who declined to share their phone: no phone token is sent.
async fn session_without_phone(app: &TestApp, tokens: &ZaloTokens) -> Value {
    let r = app
        .post_json(
            "/api/v1/auth/session",
            &json!({ "brand": "acme", "provider": "zalo", "access_token": tokens.access_token }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn kinds(me: &Value) -> Vec<String> {
    let mut k: Vec<String> = me["identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_owned())
        .collect();
    k.sort();
    k
}

both_stores! {
    async fn an_anonymous_visitor_who_signs_in_keeps_their_earlier_events(app) {
        let r = app.post_json("/api/v1/anonymous/events", &json!({
            "brand": "acme", "anonymous_id": "device-0001",
            "events": [{ "type": "web.menu_viewed", "properties": { "screen": "menu" } }, { "type": "web.promo_seen" }],
        })).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.json::<Value>().await.unwrap()["accepted"], 2);
        assert_eq!(live_profiles(&app).await, 1);

        let tokens = app.zalo_user("Khách Ẩn Danh", "0905123456").await;
        let r = app.post_json("/api/v1/auth/session", &json!({
            "brand": "acme", "provider": "zalo", "access_token": tokens.access_token,
            "phone_token": tokens.phone_token, "anonymous_id": "device-0001",
        })).await;
        assert_eq!(r.status(), StatusCode::OK);
        let signed: Value = r.json().await.unwrap();
        assert_eq!(live_profiles(&app).await, 1);
        assert_eq!(kinds(&signed["me"]), vec!["anonymous_id", "phone", "zalo_id"]);
        let access = signed["tokens"]["access_token"].as_str().unwrap();
        let timeline: Value = app.get_with("/api/v1/me/events", access).await.json().await.unwrap();
        let types: Vec<&str> = timeline["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
        for expected in ["web.menu_viewed", "web.promo_seen", "session_started", "profile_merged"] {
            assert!(types.contains(&expected), "{expected} in {types:?}");
        }
        let (reason,): (String,) = sqlx::query_as("SELECT reason FROM profile_merges").fetch_one(app.db.read()).await.unwrap();
        assert_eq!(reason, "anonymous_signed_in");
    }

    async fn a_super_app_account_merges_into_the_profile_of_its_verified_phone_and_old_ids_keep_resolving(app) {
        let zalo = app.zalo_user("Hai Tài Khoản", "").await;
        let first = session_without_phone(&app, &zalo).await;
        let old_access = first["tokens"]["access_token"].as_str().unwrap().to_owned();
        let old_refresh = first["tokens"]["refresh_token"].as_str().unwrap().to_owned();
        let momo = app.momo_user("Hai Tài Khoản", "0908765432").await;
        let by_phone: Value = app.sign_in_momo(&momo).await.json().await.unwrap();
        assert_eq!(live_profiles(&app).await, 2);

        change_phone(&app, &zalo.id, "0908765432").await;
        let again = session(&app, &app.zalo_tokens_for(&zalo.id).await).await;
        assert_eq!(again["me"]["profile_id"], by_phone["me"]["profile_id"], "the phone's profile survives");
        assert_eq!(live_profiles(&app).await, 1);
        assert_eq!(kinds(&again["me"]), vec!["momo_id", "phone", "zalo_id"]);

        // The merged profile's token and refresh token lead to the survivor.
        let me: Value = app.get_with("/api/v1/me", &old_access).await.json().await.unwrap();
        assert_eq!(me["profile_id"], by_phone["me"]["profile_id"]);
        let r = app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": old_refresh })).await;
        let pair: Value = r.json().await.unwrap();
        let me: Value = app.get_with("/api/v1/me", pair["access_token"].as_str().unwrap()).await.json().await.unwrap();
        assert_eq!(me["profile_id"], by_phone["me"]["profile_id"]);
        let (from, reason): (String, String) = sqlx::query_as("SELECT from_profile_id, reason FROM profile_merges")
            .fetch_one(app.db.read()).await.unwrap();
        assert_eq!((from.as_str(), reason.as_str()), (first["me"]["profile_id"].as_str().unwrap(), "verified_phone"));
    }

    async fn profiles_with_different_verified_phones_never_merge_and_the_conflict_is_recorded(app) {
        let zalo = app.zalo_user("Đổi Số", "0901000001").await;
        let old = session(&app, &zalo).await;
        let momo = app.momo_user("Người Khác", "0901000002").await;
        let other: Value = app.sign_in_momo(&momo).await.json().await.unwrap();

        change_phone(&app, &zalo.id, "0901000002").await;
        let again = session(&app, &app.zalo_tokens_for(&zalo.id).await).await;
        assert_eq!(again["me"]["profile_id"], other["me"]["profile_id"], "the verified phone decides");
        assert_eq!(live_profiles(&app).await, 2);
        assert_eq!(app.count("profile_merges").await, 0);
        assert_eq!(app.count("identity_conflicts").await, 1);
        let me: Value = app.get_with("/api/v1/me", old["tokens"]["access_token"].as_str().unwrap()).await.json().await.unwrap();
        assert_eq!(kinds(&me), vec!["phone", "zalo_id"], "the first person keeps their Zalo id");
    }

    async fn a_chain_of_merges_keeps_every_old_id_resolving_to_the_last_survivor(app) {
        // A visitor's device profile joins their Zalo profile, which later joins their verified phone's profile.
        app.post_json("/api/v1/anonymous/events", &json!({
            "brand": "acme", "anonymous_id": "device-chain", "events": [{ "type": "web.promo_seen" }],
        })).await;
        let zalo = app.zalo_user("Chuỗi Gộp", "").await;
        let r = app.post_json("/api/v1/auth/session", &json!({
            "brand": "acme", "provider": "zalo", "access_token": zalo.access_token, "anonymous_id": "device-chain",
        })).await;
        let first: Value = r.json().await.unwrap();
        let (anonymous_profile,): (String,) = sqlx::query_as("SELECT from_profile_id FROM profile_merges")
            .fetch_one(app.db.read()).await.unwrap();
        let momo = app.momo_user("Chuỗi Gộp", "0904000005").await;
        let survivor: Value = app.sign_in_momo(&momo).await.json().await.unwrap();
        change_phone(&app, &zalo.id, "0904000005").await;
        session(&app, &app.zalo_tokens_for(&zalo.id).await).await;
        assert_eq!(live_profiles(&app).await, 1);
        assert_eq!(app.count("profile_merges").await, 2);
        let survivor_id = survivor["me"]["profile_id"].as_str().unwrap();
        for old in [anonymous_profile.as_str(), first["me"]["profile_id"].as_str().unwrap()] {
            assert_eq!(cham_server::profiles::live_id(&app.db, &app.brand.id, old).await.unwrap().as_deref(), Some(survivor_id));
        }
        let access = first["tokens"]["access_token"].as_str().unwrap();
        let timeline: Value = app.get_with("/api/v1/me/events", access).await.json().await.unwrap();
        let types: Vec<&str> = timeline["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert!(types.contains(&"web.promo_seen"), "the device's first event reached the survivor: {types:?} {timeline}");
    }

    async fn concurrent_sign_ins_that_merge_leave_exactly_one_profile(app) {
        let zalo = app.zalo_user("Đồng Thời", "").await;
        session_without_phone(&app, &zalo).await;
        let momo = app.momo_user("Đồng Thời", "0902000003").await;
        let survivor: Value = app.sign_in_momo(&momo).await.json().await.unwrap();
        change_phone(&app, &zalo.id, "0902000003").await;
        let mut tokens = Vec::new();
        for _ in 0..6 {
            tokens.push(app.zalo_tokens_for(&zalo.id).await);
        }
        let results = futures::future::join_all(tokens.iter().map(|t| app.sign_in_zalo(t))).await;
        for r in results {
            assert_eq!(r.status(), StatusCode::OK);
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["me"]["profile_id"], survivor["me"]["profile_id"]);
        }
        assert_eq!(live_profiles(&app).await, 1);
        assert_eq!(app.count("profile_merges").await, 1);
    }

    async fn a_malformed_anonymous_id_is_refused_and_creates_nothing(app) {
        let r = app.post_json("/api/v1/anonymous/events", &json!({
            "brand": "acme", "anonymous_id": "x", "events": [{ "type": "app_opened" }],
        })).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_anonymous_id").await;
        let tokens = app.zalo_user("Sai Mã", "0903000004").await;
        let r = app.post_json("/api/v1/auth/session", &json!({
            "brand": "acme", "provider": "zalo", "access_token": tokens.access_token, "anonymous_id": "bad id!",
        })).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_anonymous_id").await;
        assert_eq!(app.footprint().await, (0, 0, 0));
        assert_eq!(app.count("events").await, 0);
    }
}
