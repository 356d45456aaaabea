//! Consent with proof, data export and erasure.

use app::api::StaffRole;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{both_stores, helpers::assert_error};

both_stores! {
    async fn consent_is_never_implied_and_each_decision_is_kept_as_proof(app) {
        let session = app.signed_in_customer("Đồng Ý", "0915000001").await;
        let token = session["tokens"]["access_token"].as_str().unwrap();
        let consents: Value = app.get_with("/api/v1/me/consents", token).await.json().await.unwrap();
        assert_eq!(consents.as_array().unwrap().len(), 5);
        assert!(consents.as_array().unwrap().iter().all(|c| c["granted"] == false && c["asked"] == false));

        let put = |purpose: &'static str, body: Value| {
            app.client.put(app.url(&format!("/api/v1/me/consents/{purpose}"))).bearer_auth(token).json(&body).send()
        };
        let r = put("marketing_zalo", json!({ "granted": true, "wording_version": "2026-01", "source": "zalo" })).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let r = put("marketing_zalo", json!({ "granted": false, "wording_version": "2026-01", "source": "zalo" })).await.unwrap();
        let now: Value = r.json().await.unwrap();
        let zalo = now.as_array().unwrap().iter().find(|c| c["purpose"] == "marketing_zalo").unwrap();
        assert_eq!((zalo["granted"].clone(), zalo["asked"].clone()), (json!(false), json!(true)));
        assert_eq!(app.count("consent_records").await, 2, "the grant and the withdrawal are both kept");

        let before = app.count("consent_records").await;
        assert_error(put("marketing_fax", json!({ "granted": true, "wording_version": "v1" })).await.unwrap(), StatusCode::NOT_FOUND, "unknown_purpose").await;
        assert_error(put("analytics", json!({ "granted": true, "wording_version": " " })).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_wording_version").await;
        assert_error(put("analytics", json!({ "granted": true, "wording_version": "v1", "source": "pos" })).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_source").await;
        assert_eq!(app.count("consent_records").await, before);

        let timeline: Value = app.get_with("/api/v1/me/events?type=consent_changed", token).await.json().await.unwrap();
        assert_eq!(timeline["events"].as_array().unwrap().len(), 2);
    }

    async fn a_customer_exports_everything_held_about_them(app) {
        let session = app.signed_in_customer("Xuất Dữ Liệu", "0915000002").await;
        let token = session["tokens"]["access_token"].as_str().unwrap();
        app.client.put(app.url("/api/v1/me/consents/analytics")).bearer_auth(token)
            .json(&json!({ "granted": true, "wording_version": "2026-01" })).send().await.unwrap();
        let export: Value = app.get_with("/api/v1/me/export", token).await.json().await.unwrap();
        assert_eq!(export["profile_id"], session["me"]["profile_id"]);
        assert_eq!(export["name"], "Xuất Dữ Liệu");
        let values: Vec<&str> = export["identities"].as_array().unwrap().iter().map(|i| i["value"].as_str().unwrap()).collect();
        assert!(values.contains(&"84915000002"));
        assert_eq!(export["consents"][0]["purpose"], "analytics");
        let types: Vec<&str> = export["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(types, vec!["phone_shared", "session_started", "consent_changed"]);
        let (kind, done): (String, Option<i64>) = sqlx::query_as("SELECT kind, completed_at FROM privacy_requests").fetch_one(app.db.read()).await.unwrap();
        assert_eq!(kind, "export");
        assert!(done.is_some());
    }

    async fn erasure_removes_personal_data_and_keeps_anonymised_events(app) {
        let session = app.signed_in_customer("Xoá Tôi", "0915000003").await;
        let token = session["tokens"]["access_token"].as_str().unwrap();
        let profile_id = session["me"]["profile_id"].as_str().unwrap();
        app.client.post(app.url("/api/v1/events")).bearer_auth(token)
            .json(&json!({ "type": "web.form_sent", "properties": { "note": "my address is secret" }, "utm_campaign": "tet" }))
            .send().await.unwrap();
        let events_before = app.count("events").await;
        let r = app.client.post(app.url("/api/v1/me/erasure")).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let receipt: Value = r.json().await.unwrap();
        assert!(receipt["completed_at"].is_string());

        assert_eq!(app.count("identities").await, 0);
        assert_eq!(app.count("events").await, events_before, "events are kept for reports");
        let (props, campaign): (String, Option<String>) = sqlx::query_as("SELECT properties, utm_campaign FROM events WHERE type = 'web.form_sent'")
            .fetch_one(app.db.read()).await.unwrap();
        assert_eq!((props.as_str(), campaign.as_deref()), ("{}", Some("tet")));
        let (name,): (Option<String>,) = sqlx::query_as("SELECT display_name FROM profiles WHERE id = $1").bind(profile_id)
            .fetch_one(app.db.read()).await.unwrap();
        assert_eq!(name, None);
        assert_error(app.get_with("/api/v1/me", token).await, StatusCode::UNAUTHORIZED, "session_ended").await;
        let r = app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": session["tokens"]["refresh_token"] })).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;

        // Signing in again starts afresh.
        let again = app.signed_in_customer("Xoá Tôi", "0915000003").await;
        assert_ne!(again["me"]["profile_id"], session["me"]["profile_id"]);
    }

    async fn admins_export_and_erase_only_their_own_brands_customers(app) {
        let session = app.signed_in_customer("Khách Acme", "0915000004").await;
        let profile_id = session["me"]["profile_id"].as_str().unwrap();
        let beta = app.other_brand("beta").await;
        let beta_password = app.brand_user(&beta, "boss@beta.vn", StaffRole::Owner).await;
        let beta_token = app.admin_token("beta", "boss@beta.vn", &beta_password).await;
        let r = app.get_with(&format!("/api/v1/admin/profiles/{profile_id}/export"), &beta_token).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_profile").await;
        let r = app.client.post(app.url(&format!("/api/v1/admin/profiles/{profile_id}/erase"))).bearer_auth(&beta_token).send().await.unwrap();
        assert_error(r, StatusCode::NOT_FOUND, "unknown_profile").await;
        assert_eq!(app.count("identities").await, 2);

        let password = app.brand_user(&app.brand, "dpo@acme.vn", StaffRole::Admin).await;
        let token = app.admin_token("acme", "dpo@acme.vn", &password).await;
        let export: Value = app.get_with(&format!("/api/v1/admin/profiles/{profile_id}/export"), &token).await.json().await.unwrap();
        assert_eq!(export["name"], "Khách Acme");
        let r = app.client.post(app.url(&format!("/api/v1/admin/profiles/{profile_id}/erase"))).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(app.count("identities").await, 0);
        let (by,): (String,) = sqlx::query_as("SELECT requested_by FROM privacy_requests WHERE kind = 'erasure'").fetch_one(app.db.read()).await.unwrap();
        assert!(by.starts_with("user:"));
    }
}

both_stores! {
    async fn a_welcome_bonus_is_once_per_person_even_after_they_delete_their_data(app) {
        let shop = crate::loyalty_support::Shop::open(&app).await;
        shop.rule(json!({ "name": "Welcome", "kind": "fixed", "trigger": "first_sign_in", "points": 20 })).await;
        let points = |token: String| {
            let app = &app;
            async move {
                let card: Value = app.get_with("/api/v1/me/loyalty", &token).await.json().await.unwrap();
                card["balance"].as_i64().unwrap()
            }
        };
        let zalo = app.zalo_user("Nông Văn Dền", "0916000111").await;
        let first: Value = app.sign_in_zalo(&zalo).await.json().await.unwrap();
        let token = first["tokens"]["access_token"].as_str().unwrap().to_owned();
        assert_eq!(points(token.clone()).await, 20);
        let r = app.client.post(app.url("/api/v1/me/erasure")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let (identities,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM identities").fetch_one(app.db.read()).await.unwrap();
        assert_eq!(identities, 0, "the erasure deleted the identities themselves");

        // The same Zalo account again: a new profile, no second welcome.
        let again: Value = app.sign_in_zalo(&app.zalo_tokens_for(&zalo.id).await).await.json().await.unwrap();
        assert_ne!(again["me"]["profile_id"], first["me"]["profile_id"]);
        assert_eq!(points(again["tokens"]["access_token"].as_str().unwrap().to_owned()).await, 0);
        // Nor through MoMo with the same phone.
        let momo = app.momo_user("Nông Văn Dền", "0916000111").await;
        let via_momo: Value = app.sign_in_momo(&momo).await.json().await.unwrap();
        assert_eq!(points(via_momo["tokens"]["access_token"].as_str().unwrap().to_owned()).await, 0);
        // Someone else is welcomed as before.
        let other = app.signed_in_customer("Người Mới", "0916000222").await;
        assert_eq!(points(other["tokens"]["access_token"].as_str().unwrap().to_owned()).await, 20);
        // What is kept is a keyed hash, not the phone or the id.
        let marks: Vec<(String,)> = sqlx::query_as("SELECT mark FROM person_marks").fetch_all(app.db.read()).await.unwrap();
        assert!(!marks.is_empty());
        assert!(marks.iter().all(|(m,)| m.len() == 64 && !m.contains("916000111") && !m.contains(&zalo.id)));
    }
}
