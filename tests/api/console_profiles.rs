//! The console's customers: search by phone in any format, e-mail, id or name; the profile 360 with traits;
//! the timeline; typed attributes.

use app::api::StaffRole;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    both_stores,
    helpers::{TestApp, assert_error},
};

async fn admin_token(app: &TestApp) -> String {
    let password = app.brand_user(&app.brand, "crm@acme.vn", StaffRole::Admin).await;
    app.admin_token("acme", "crm@acme.vn", &password).await
}

both_stores! {
    async fn admins_find_customers_by_phone_in_any_format_name_email_or_id(app) {
        let mai = app.signed_in_customer("Nguyễn Thị Mai", "0912 345 678").await;
        app.signed_in_customer("Trần Văn Bình", "0987 654 321").await;
        let token = admin_token(&app).await;
        let mai_id = mai["me"]["profile_id"].as_str().unwrap();
        for q in ["+84912345678", "0912.345.678", "912345678", "Thị Mai", "nguyễn", mai_id] {
            let page: Value = app.get_with(&format!("/api/v1/admin/profiles?q={}", urlencode(q)), &token).await.json().await.unwrap();
            let ids: Vec<&str> = page["profiles"].as_array().unwrap().iter().map(|p| p["profile_id"].as_str().unwrap()).collect();
            assert_eq!(ids, vec![mai_id], "search for {q:?}");
        }
        let all: Value = app.get_with("/api/v1/admin/profiles?limit=1", &token).await.json().await.unwrap();
        assert_eq!(all["profiles"].as_array().unwrap().len(), 1);
        let cursor = all["next_cursor"].as_str().unwrap();
        let next: Value = app.get_with(&format!("/api/v1/admin/profiles?limit=1&cursor={cursor}"), &token).await.json().await.unwrap();
        assert_eq!(next["profiles"].as_array().unwrap().len(), 1);
        assert_ne!(next["profiles"][0]["profile_id"], all["profiles"][0]["profile_id"]);
        assert!(next["next_cursor"].is_null());
        let none: Value = app.get_with("/api/v1/admin/profiles?q=0900000000", &token).await.json().await.unwrap();
        assert_eq!(none["profiles"], json!([]));
    }

    async fn name_search_folds_case_and_diacritics_as_vietnamese_admins_type(app) {
        let duc = app.signed_in_customer("Trần Văn Đức", "0912000001").await;
        let bao = app.signed_in_customer("Đặng Quốc Bảo", "0912000002").await;
        let anh = app.signed_in_customer("Ánh", "0912000003").await;
        app.signed_in_customer("Lê 50% Thị_Hoa", "0912000004").await;
        let token = admin_token(&app).await;
        let id = |v: &Value| v["me"]["profile_id"].as_str().unwrap().to_owned();
        let find = |q: &'static str| {
            let (app, token) = (&app, &token);
            async move {
                let page: Value = app.get_with(&format!("/api/v1/admin/profiles?q={}", urlencode(q)), token).await.json().await.unwrap();
                page["profiles"].as_array().unwrap().iter().map(|p| p["profile_id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
            }
        };
        for q in ["Trần Văn Đức", "tran van duc", "TRAN VAN DUC", "đức", "Đức", "duc", "van  duc"] {
            assert_eq!(find(q).await, vec![id(&duc)], "search for {q:?}");
        }
        for q in ["Đặng", "dang quoc", "BẢO"] {
            assert_eq!(find(q).await, vec![id(&bao)], "search for {q:?}");
        }
        assert_eq!(find("ánh").await, vec![id(&anh)]);
        assert_eq!(find("ANH").await, vec![id(&anh)]);
        // Wildcards are letters like any other.
        assert_eq!(find("%").await.len(), 1, "only the name holding a %");
        assert_eq!(find("_").await.len(), 1, "only the name holding a _");
        // A rename is searchable at once, by its new name only.
        let customer = duc["tokens"]["access_token"].as_str().unwrap();
        let r = app.client.put(app.url("/api/v1/me/name")).bearer_auth(customer)
            .json(&json!({ "name": "Đức Anh" })).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(find("duc anh").await, vec![id(&duc)]);
        assert!(find("tran van").await.is_empty());
    }

    async fn the_profile_360_shows_identities_traits_attributes_consents_and_merges(app) {
        let session = app.signed_in_customer("Khách 360", "0916000360").await;
        let id = session["me"]["profile_id"].as_str().unwrap();
        let customer = session["tokens"]["access_token"].as_str().unwrap();
        app.client.put(app.url("/api/v1/me/consents/marketing_zns")).bearer_auth(customer)
            .json(&json!({ "granted": true, "wording_version": "2026-01" })).send().await.unwrap();
        let token = admin_token(&app).await;
        let key: Value = app.client.post(app.url("/api/v1/admin/api-keys")).bearer_auth(&token).json(&json!({ "name": "POS" }))
            .send().await.unwrap().json().await.unwrap();
        let key = key["key"].as_str().unwrap();
        // The POS knows the customer by the phone it collected: it identifies its own id first.
        app.client.post(app.url("/api/v1/identify")).header("X-Api-Key", key)
            .json(&json!({ "user": { "external_id": "POS-360" }, "phone": "0916000360" })).send().await.unwrap();
        app.client.post(app.url("/api/v1/track")).header("X-Api-Key", key).json(&json!({ "events": [
            { "user": { "external_id": "POS-360" }, "type": "offline_purchase", "source": "pos", "properties": { "amount_vnd": 45000 } },
        ]})).send().await.unwrap();

        let r = app.client.put(app.url(&format!("/api/v1/admin/profiles/{id}/attributes/favourite_drink"))).bearer_auth(&token)
            .json(&json!({ "value": "Trà sữa trân châu" })).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let r = app.client.put(app.url(&format!("/api/v1/admin/profiles/{id}/attributes/birthday"))).bearer_auth(&token)
            .json(&json!({ "value": "1995-02-30", "value_type": "date" })).send().await.unwrap();
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_attribute_value").await;
        let r = app.client.put(app.url(&format!("/api/v1/admin/profiles/{id}/attributes/Bad-Key"))).bearer_auth(&token)
            .json(&json!({ "value": 1 })).send().await.unwrap();
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_attribute_key").await;

        let p: Value = app.get_with(&format!("/api/v1/admin/profiles/{id}"), &token).await.json().await.unwrap();
        assert_eq!(p["name"], "Khách 360");
        assert_eq!(p["traits"]["sessions"], 1);
        assert_eq!(p["traits"]["reachable_channels"], json!(["zns"]));
        assert_eq!(p["attributes"][0]["key"], "favourite_drink");
        assert_eq!(p["attributes"][0]["value"], "Trà sữa trân châu");
        let zns = p["consents"].as_array().unwrap().iter().find(|c| c["purpose"] == "marketing_zns").unwrap();
        assert_eq!(zns["granted"], true);
        // The POS's external id named another profile (its phone claim conflicted); the purchase is there.
        let pos_profile: Value = app.get_with("/api/v1/admin/profiles?q=POS-360", &token).await.json().await.unwrap();
        let pos_id = pos_profile["profiles"][0]["profile_id"].as_str().unwrap();
        let pos: Value = app.get_with(&format!("/api/v1/admin/profiles/{pos_id}"), &token).await.json().await.unwrap();
        assert_eq!(pos["traits"]["orders"], 1);
        assert_eq!(pos["traits"]["total_spent_vnd"], 45000);
        assert_eq!(pos["traits"]["average_order_vnd"], 45000);

        let timeline: Value = app.get_with(&format!("/api/v1/admin/profiles/{id}/events?limit=1"), &token).await.json().await.unwrap();
        assert_eq!(timeline["events"].as_array().unwrap().len(), 1);
        assert!(timeline["next_cursor"].is_string());
    }

    async fn the_console_never_shows_another_brands_customers(app) {
        let session = app.signed_in_customer("Khách Riêng", "0916000999").await;
        let id = session["me"]["profile_id"].as_str().unwrap();
        let beta = app.other_brand("beta").await;
        let password = app.brand_user(&beta, "boss@beta.vn", StaffRole::Owner).await;
        let token = app.admin_token("beta", "boss@beta.vn", &password).await;
        assert_error(app.get_with(&format!("/api/v1/admin/profiles/{id}"), &token).await, StatusCode::NOT_FOUND, "unknown_profile").await;
        assert_error(app.get_with(&format!("/api/v1/admin/profiles/{id}/events"), &token).await, StatusCode::NOT_FOUND, "unknown_profile").await;
        let page: Value = app.get_with("/api/v1/admin/profiles?q=0916000999", &token).await.json().await.unwrap();
        assert_eq!(page["profiles"], json!([]));
        let r = app.client.put(app.url(&format!("/api/v1/admin/profiles/{id}/attributes/x"))).bearer_auth(&token)
            .json(&json!({ "value": 1 })).send().await.unwrap();
        assert_error(r, StatusCode::NOT_FOUND, "unknown_profile").await;
        assert_eq!(app.count("profile_attributes").await, 0);
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
