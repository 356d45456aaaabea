//! Customer sign-in through Zalo and MoMo, and every way it is refused.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{both_stores, helpers::assert_error};

both_stores! {
    async fn a_zalo_user_signs_in_and_me_returns_their_normalised_phone(app) {
        let tokens = app.zalo_user("Nguyễn Thị Mai", "0912.345.678").await;
        let r = app.sign_in_zalo(&tokens).await;
        assert_eq!(r.status(), StatusCode::OK);
        let session: Value = r.json().await.unwrap();
        assert_eq!(session["me"]["phone"], "84912345678");
        assert_eq!(session["tokens"]["expires_in"], 900);

        let access = session["tokens"]["access_token"].as_str().unwrap();
        let me: Value = app.get_with("/api/v1/me", access).await.json().await.unwrap();
        assert_eq!(me["name"], "Nguyễn Thị Mai");
        assert_eq!(me["phone"], "84912345678");
        assert_eq!(me["phone_masked"], "0912 *** 678");
        assert_eq!(me["brand"]["slug"], "acme");
        assert_eq!(me["loyalty"], json!({ "points": 0, "tier": "Member" }));
        let kinds: Vec<(String, bool, String)> = me["identities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["kind"].as_str().unwrap().to_owned(), i["verified"].as_bool().unwrap(), i["source"].as_str().unwrap().to_owned()))
            .collect();
        assert!(kinds.contains(&("zalo_id".into(), true, "zalo".into())), "{kinds:?}");
        assert!(kinds.contains(&("phone".into(), true, "zalo".into())), "{kinds:?}");
        assert_eq!(app.footprint().await, (1, 2, 1));
        let timeline: Value = app.get_with("/api/v1/me/events", access).await.json().await.unwrap();
        let types: Vec<&str> = timeline["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert!(types.contains(&"phone_shared") && types.contains(&"session_started"), "{types:?}");
    }

    async fn signing_in_again_finds_the_same_profile(app) {
        let tokens = app.zalo_user("Lê Văn Hùng", "0987654321").await;
        let first: Value = app.sign_in_zalo(&tokens).await.json().await.unwrap();
        let again = app.zalo_tokens_for(&tokens.id).await;
        let second: Value = app.sign_in_zalo(&again).await.json().await.unwrap();
        assert_eq!(first["me"]["profile_id"], second["me"]["profile_id"]);
        assert_eq!(app.footprint().await, (1, 2, 2));
    }

    async fn a_zalo_user_who_does_not_share_their_phone_signs_in_without_one(app) {
        let tokens = app.zalo_user("Không Số", "").await;
        let r = app
            .post_json("/api/v1/auth/session", &json!({ "brand": "acme", "provider": "zalo", "access_token": tokens.access_token }))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let session: Value = r.json().await.unwrap();
        assert_eq!(session["me"]["phone"], Value::Null);
        assert_eq!(app.footprint().await, (1, 1, 1));
    }

    async fn zalo_then_momo_with_the_same_verified_phone_is_one_profile(app) {
        let zalo: Value = app.signed_in_customer("Phạm Thu", "0903 111 222").await;
        let momo_token = app.momo_user("Phạm Thu", "+84903111222").await;
        let r = app.sign_in_momo(&momo_token).await;
        assert_eq!(r.status(), StatusCode::OK);
        let momo: Value = r.json().await.unwrap();
        assert_eq!(zalo["me"]["profile_id"], momo["me"]["profile_id"]);
        let kinds: Vec<&str> = momo["me"]["identities"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"zalo_id") && kinds.contains(&"momo_id") && kinds.contains(&"phone"), "{kinds:?}");
        assert_eq!(app.footprint().await, (1, 3, 2));
        let access = momo["tokens"]["access_token"].as_str().unwrap();
        let timeline: Value = app.get_with("/api/v1/me/events?type=session_started", access).await.json().await.unwrap();
        let sources: Vec<&str> = timeline["events"].as_array().unwrap().iter().map(|e| e["source"].as_str().unwrap()).collect();
        assert_eq!(sources, vec!["momo", "zalo"], "both sessions are on the one timeline");
    }

    async fn an_invalid_zalo_token_is_refused_and_creates_nothing(app) {
        let r = app
            .post_json("/api/v1/auth/session", &json!({ "brand": "acme", "provider": "zalo", "access_token": "forged" }))
            .await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_superapp_token").await;
        assert_eq!(app.footprint().await, (0, 0, 0));
    }

    async fn a_reused_phone_token_is_refused_and_creates_nothing(app) {
        let tokens = app.zalo_user("Võ Minh", "0934567890").await;
        assert_eq!(app.sign_in_zalo(&tokens).await.status(), StatusCode::OK);
        let before = app.footprint().await;
        assert_error(app.sign_in_zalo(&tokens).await, StatusCode::UNAUTHORIZED, "phone_token_used_or_expired").await;
        assert_eq!(app.footprint().await, before);
    }

    async fn a_phone_token_older_than_two_minutes_is_refused_and_creates_nothing(app) {
        let tokens = app.zalo_user("Đỗ Hạnh", "0356789012").await;
        app.sim_control("clock", json!({ "advance_secs": 121 })).await;
        assert_error(app.sign_in_zalo(&tokens).await, StatusCode::UNAUTHORIZED, "phone_token_used_or_expired").await;
        assert_eq!(app.footprint().await, (0, 0, 0));
    }

    async fn a_geo_block_says_the_server_needs_a_vietnamese_egress(app) {
        let tokens = app.zalo_user("Bùi An", "0967000111").await;
        app.sim_control("failure", json!({ "zalo": "geo_blocked" })).await;
        let body = assert_error(app.sign_in_zalo(&tokens).await, StatusCode::BAD_GATEWAY, "superapp_geo_blocked").await;
        assert!(body["error"]["message"].as_str().unwrap().contains("Vietnamese egress"), "{body}");
        assert_eq!(app.footprint().await, (0, 0, 0));
    }

    async fn an_unavailable_super_app_is_a_503_and_creates_nothing(app) {
        let tokens = app.zalo_user("Hồ Bình", "0977000222").await;
        app.sim_control("failure", json!({ "zalo": "unavailable", "momo": "unavailable" })).await;
        assert_error(app.sign_in_zalo(&tokens).await, StatusCode::SERVICE_UNAVAILABLE, "superapp_unavailable").await;
        assert_error(app.sign_in_momo("whatever").await, StatusCode::SERVICE_UNAVAILABLE, "superapp_unavailable").await;
        assert_eq!(app.footprint().await, (0, 0, 0));
    }

    async fn an_unknown_brand_is_a_404_and_creates_nothing(app) {
        let tokens = app.zalo_user("Ngô Lan", "0988000333").await;
        let r = app
            .post_json(
                "/api/v1/auth/session",
                &json!({ "brand": "nope", "provider": "zalo", "access_token": tokens.access_token, "phone_token": tokens.phone_token }),
            )
            .await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_brand").await;
        assert_eq!(app.footprint().await, (0, 0, 0));
        // The phone token was not spent: the server refused before asking Zalo.
        assert_eq!(app.sign_in_zalo(&tokens).await.status(), StatusCode::OK);
    }

    async fn an_invalid_momo_token_is_refused_and_creates_nothing(app) {
        assert_error(app.sign_in_momo("forged").await, StatusCode::UNAUTHORIZED, "invalid_superapp_token").await;
        let token = app.momo_user("Lý Quân", "0399888777").await;
        assert_eq!(app.sign_in_momo(&token).await.status(), StatusCode::OK);
        // A MoMo auth code works once.
        assert_error(app.sign_in_momo(&token).await, StatusCode::UNAUTHORIZED, "invalid_superapp_token").await;
        assert_eq!(app.footprint().await, (1, 2, 1));
    }

    async fn a_brand_without_momo_credentials_says_so(app) {
        app.other_brand("plain").await;
        let token = app.momo_user("Tạ Vy", "0399888000").await;
        let r = app.post_json("/api/v1/auth/session", &json!({ "brand": "plain", "provider": "momo", "access_token": token })).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "provider_not_configured").await;
        assert_eq!(app.footprint().await, (0, 0, 0));
    }

    async fn malformed_bodies_get_the_api_error_shape(app) {
        let r = app.client.post(app.url("/api/v1/auth/session")).header("content-type", "application/json").body("{not json").send().await.unwrap();
        assert_error(r, StatusCode::BAD_REQUEST, "malformed_json").await;
        let r = app.post_json("/api/v1/auth/session", &json!({ "brand": "acme", "provider": "line" })).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
        let r = app.post_json("/api/v1/auth/session", &json!({ "brand": "acme", "provider": "zalo", "access_token": "  " })).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "missing_access_token").await;
        let r = app.client.post(app.url("/api/v1/auth/session")).body("x").send().await.unwrap();
        assert_error(r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
        let huge = "x".repeat(2 * 1024 * 1024);
        let r = app.post_json("/api/v1/auth/session", &json!({ "brand": "acme", "provider": "zalo", "access_token": huge })).await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.footprint().await, (0, 0, 0));
    }

    async fn concurrent_first_sign_ins_of_one_person_make_one_profile(app) {
        let first = app.zalo_user("Song Song", "0911222333").await;
        let mut tokens = vec![first.clone()];
        for _ in 0..7 {
            tokens.push(app.zalo_tokens_for(&first.id).await);
        }
        let results = futures::future::join_all(tokens.iter().map(|t| app.sign_in_zalo(t))).await;
        let mut profiles = std::collections::HashSet::new();
        for r in results {
            assert_eq!(r.status(), StatusCode::OK);
            let body: Value = r.json().await.unwrap();
            profiles.insert(body["me"]["profile_id"].as_str().unwrap().to_owned());
        }
        assert_eq!(profiles.len(), 1);
        assert_eq!(app.footprint().await, (1, 2, 8));
    }
}

both_stores! {
    async fn the_name_a_person_has_stays_theirs_and_they_can_change_it(app) {
        let zalo = app.zalo_user("Nhung", "0918000111").await;
        let first: Value = app.sign_in_zalo(&zalo).await.json().await.unwrap();
        assert_eq!(first["me"]["name"], "Nhung");
        // Signing in through MoMo, which calls them something else, does not rename them.
        let momo = app.momo_user("Nhung MoMo", "0918000111").await;
        let via_momo: Value = app.sign_in_momo(&momo).await.json().await.unwrap();
        assert_eq!(via_momo["me"]["profile_id"], first["me"]["profile_id"]);
        assert_eq!(via_momo["me"]["name"], "Nhung");
        // They choose their own name; a bad one is refused and changes nothing.
        let token = via_momo["tokens"]["access_token"].as_str().unwrap();
        let rename = |name: Value| {
            app.client.put(app.url("/api/v1/me/name")).bearer_auth(token).json(&json!({ "name": name })).send()
        };
        for bad in [json!("   "), json!("x".repeat(81)), json!("Nhung\u{7}")] {
            assert_error(rename(bad).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_name").await;
        }
        let r = rename(json!("  Trần Thị Nhung ")).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.json::<Value>().await.unwrap()["name"], "Trần Thị Nhung");
        let again: Value = app.sign_in_zalo(&app.zalo_tokens_for(&zalo.id).await).await.json().await.unwrap();
        assert_eq!(again["me"]["name"], "Trần Thị Nhung");
    }
}
