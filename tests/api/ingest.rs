//! Server-to-server ingestion: API keys (shown once, hashed, revocable, brand-scoped), `track` and `identify`.

use app::api::StaffRole;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    both_stores,
    helpers::{TestApp, assert_error},
};

async fn admin(app: &TestApp) -> String {
    let password = app.brand_user(&app.brand, "keys@acme.vn", StaffRole::Admin).await;
    app.admin_token("acme", "keys@acme.vn", &password).await
}

async fn new_key(app: &TestApp, token: &str) -> Value {
    let r = app
        .client
        .post(app.url("/api/v1/admin/api-keys"))
        .bearer_auth(token)
        .json(&json!({ "name": "POS Quận 1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

async fn post_with_key(app: &TestApp, key: &str, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("X-Api-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

both_stores! {
    async fn an_admin_creates_a_key_that_is_shown_once_and_a_pos_tracks_with_it(app) {
        let token = admin(&app).await;
        let created = new_key(&app, &token).await;
        let key = created["key"].as_str().unwrap();
        assert!(key.starts_with("cham_") && key.len() > 40);
        let (hash,): (String,) = sqlx::query_as("SELECT key_hash FROM api_keys").fetch_one(app.db.read()).await.unwrap();
        assert_ne!(hash, key, "only a hash is stored");
        let listed: Value = app.get_with("/api/v1/admin/api-keys", &token).await.json().await.unwrap();
        assert_eq!(listed[0]["name"], "POS Quận 1");
        assert!(!listed.to_string().contains(key), "the list never shows the key");

        let r = post_with_key(&app, key, "/api/v1/track", &json!({ "events": [
            { "user": { "external_id": "POS-0001" }, "type": "pos.purchase", "source": "pos", "properties": { "total_vnd": 55000 } },
            { "user": { "external_id": "POS-0001" }, "type": "pos.purchase", "source": "pos", "idempotency_key": "bill-1" },
            { "user": { "external_id": "POS-0001" }, "type": "pos.purchase", "source": "pos", "idempotency_key": "bill-1" },
            { "user": {}, "type": "pos.purchase" },
            { "user": { "anonymous_id": "web-cookie-42" }, "type": "session_started" },
            { "user": { "anonymous_id": "web-cookie-42" }, "type": "web.page_viewed", "source": "web" },
        ]})).await;
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["accepted"], 4);
        assert_eq!(body["results"][2]["duplicate"], true);
        assert_eq!(body["results"][3]["error"]["code"], "missing_user");
        assert_eq!(body["results"][4]["error"]["code"], "reserved_event_type");
        assert_eq!(app.count("profiles").await, 2);
        assert_eq!(app.count("events").await, 3);
        let listed: Value = app.get_with("/api/v1/admin/api-keys", &token).await.json().await.unwrap();
        assert!(listed[0]["last_used_at"].is_string());
    }

    async fn a_revoked_or_unknown_key_is_refused_and_writes_nothing(app) {
        let token = admin(&app).await;
        let created = new_key(&app, &token).await;
        let key = created["key"].as_str().unwrap();
        let id = created["info"]["id"].as_str().unwrap();
        let r = app.client.delete(app.url(&format!("/api/v1/admin/api-keys/{id}"))).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let body = json!({ "events": [{ "user": { "external_id": "X1" }, "type": "pos.purchase" }] });
        assert_error(post_with_key(&app, key, "/api/v1/track", &body).await, StatusCode::UNAUTHORIZED, "invalid_api_key").await;
        assert_error(post_with_key(&app, "cham_made_up", "/api/v1/track", &body).await, StatusCode::UNAUTHORIZED, "invalid_api_key").await;
        let r = app.client.post(app.url("/api/v1/track")).json(&body).send().await.unwrap();
        assert_error(r, StatusCode::UNAUTHORIZED, "missing_api_key").await;
        // A customer's JWT is not an API key.
        let session = app.signed_in_customer("Khách", "0913000001").await;
        let r = app.client.post(app.url("/api/v1/track")).bearer_auth(session["tokens"]["access_token"].as_str().unwrap())
            .json(&body).send().await.unwrap();
        assert_error(r, StatusCode::UNAUTHORIZED, "missing_api_key").await;
        assert_eq!(app.count("events").await, 2, "only the customer's session_started and phone_shared");
    }

    async fn keys_belong_to_one_brand(app) {
        let token = admin(&app).await;
        let created = new_key(&app, &token).await;
        let key = created["key"].as_str().unwrap();
        let beta = app.other_brand("beta").await;
        let beta_password = app.brand_user(&beta, "boss@beta.vn", StaffRole::Owner).await;
        let beta_token = app.admin_token("beta", "boss@beta.vn", &beta_password).await;
        let id = created["info"]["id"].as_str().unwrap();
        let r = app.client.delete(app.url(&format!("/api/v1/admin/api-keys/{id}"))).bearer_auth(&beta_token).send().await.unwrap();
        assert_error(r, StatusCode::NOT_FOUND, "unknown_api_key").await;
        let listed: Value = app.get_with("/api/v1/admin/api-keys", &beta_token).await.json().await.unwrap();
        assert_eq!(listed, json!([]));
        post_with_key(&app, key, "/api/v1/track", &json!({ "events": [{ "user": { "external_id": "A1" }, "type": "pos.visit" }] })).await;
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE brand_id = $1").bind(&beta.id)
            .fetch_one(app.db.read()).await.unwrap();
        assert_eq!(n, 0);
        let staff_password = app.brand_user(&app.brand, "staff@acme.vn", StaffRole::Staff).await;
        let staff = app.admin_token("acme", "staff@acme.vn", &staff_password).await;
        let r = app.client.post(app.url("/api/v1/admin/api-keys")).bearer_auth(&staff).json(&json!({ "name": "x" })).send().await.unwrap();
        assert_error(r, StatusCode::FORBIDDEN, "admins_only").await;
    }

    async fn identify_attaches_unverified_claims_and_never_merges(app) {
        let token = admin(&app).await;
        let created = new_key(&app, &token).await;
        let key = created["key"].as_str().unwrap();
        let verified = app.signed_in_customer("Đã Xác Minh", "0914000001").await;

        let r = post_with_key(&app, key, "/api/v1/identify", &json!({
            "user": { "anonymous_id": "cookie-0001" }, "phone": "+84 914 000 002", "email": "Khach@Example.vn", "name": "Khách Web",
        })).await;
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["attached"], json!(["phone", "email"]));
        let (verified_flag,): (i64,) = sqlx::query_as("SELECT verified FROM identities WHERE kind = 'phone' AND value = '84914000002'")
            .fetch_one(app.db.read()).await.unwrap();
        assert_eq!(verified_flag, 0);

        // Claiming the verified customer's phone records a conflict and merges nothing.
        let before = app.count("profiles").await;
        let r = post_with_key(&app, key, "/api/v1/identify", &json!({ "user": { "external_id": "CRM-9" }, "phone": "0914000001" })).await;
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["conflicts"], json!(["phone"]));
        assert_ne!(body["profile_id"], verified["me"]["profile_id"]);
        assert_eq!(app.count("profiles").await, before + 1);
        assert_eq!(app.count("profile_merges").await, 0);
        assert_eq!(app.count("identity_conflicts").await, 1);

        // Junk changes nothing.
        let before = app.footprint().await;
        let r = post_with_key(&app, key, "/api/v1/identify", &json!({ "user": { "external_id": "CRM-10" }, "phone": "028 3812 3456" })).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_phone").await;
        let r = post_with_key(&app, key, "/api/v1/identify", &json!({ "user": { "external_id": "CRM-10" }, "email": "not-an-email" })).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_email").await;
        let r = post_with_key(&app, key, "/api/v1/identify", &json!({ "user": {}, "email": "a@b.vn" })).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "missing_user").await;
        assert_eq!(app.footprint().await, before);
    }

    async fn an_anonymous_visitor_identified_by_the_website_joins_the_crm_profile(app) {
        let token = admin(&app).await;
        let created = new_key(&app, &token).await;
        let key = created["key"].as_str().unwrap();
        post_with_key(&app, key, "/api/v1/track", &json!({ "events": [
            { "user": { "anonymous_id": "cookie-7777" }, "type": "web.page_viewed", "source": "web" },
            { "user": { "external_id": "CRM-7" }, "type": "pos.visit", "source": "pos" },
        ]})).await;
        assert_eq!(app.count("profiles").await, 2);
        let r = post_with_key(&app, key, "/api/v1/identify", &json!({ "user": { "external_id": "CRM-7", "anonymous_id": "cookie-7777" } })).await;
        assert_eq!(r.status(), StatusCode::OK);
        let (live,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL").fetch_one(app.db.read()).await.unwrap();
        assert_eq!(live, 1);
        let (events_on_survivor,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM events e JOIN identities i ON i.profile_id = e.profile_id WHERE i.kind = 'external_id' AND i.value = 'CRM-7' AND e.type <> 'profile_merged'",
        ).fetch_one(app.db.read()).await.unwrap();
        assert_eq!(events_on_survivor, 2);
    }
}

both_stores! {
    async fn idempotency_keys_are_per_sender_and_person_so_nobody_swallows_anothers_event(app) {
        let token = admin(&app).await;
        let till_1 = new_key(&app, &token).await["key"].as_str().unwrap().to_owned();
        let till_2 = new_key(&app, &token).await["key"].as_str().unwrap().to_owned();
        let x = app.signed_in_customer("Người X", "0912000001").await;
        let y = app.signed_in_customer("Người Y", "0912000002").await;
        let (x_id, y_id) = (x["me"]["profile_id"].as_str().unwrap(), y["me"]["profile_id"].as_str().unwrap());
        let x_token = x["tokens"]["access_token"].as_str().unwrap();

        // Member X's own app uses "order-1" first.
        let r = app.client.post(app.url("/api/v1/events")).bearer_auth(x_token)
            .json(&json!({ "type": "web.order_viewed", "idempotency_key": "order-1" })).send().await.unwrap();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["results"][0]["duplicate"], false);
        // A till's purchase of member Y with the same key is Y's own, not a duplicate of X's.
        let purchase = |member: &str| json!({ "events": [{ "user": { "member_id": member }, "type": "offline_purchase",
            "source": "pos", "idempotency_key": "order-1", "properties": { "amount_vnd": 50000 } }] });
        let first: Value = post_with_key(&app, &till_1, "/api/v1/track", &purchase(y_id)).await.json().await.unwrap();
        assert_eq!(first["results"][0]["duplicate"], false, "{first}");
        // Another till using the same numbering is another sender.
        let other_till: Value = post_with_key(&app, &till_2, "/api/v1/track", &purchase(y_id)).await.json().await.unwrap();
        assert_eq!(other_till["results"][0]["duplicate"], false, "{other_till}");
        // The same till about another person is another event too.
        let about_x: Value = post_with_key(&app, &till_1, "/api/v1/track", &purchase(x_id)).await.json().await.unwrap();
        assert_eq!(about_x["results"][0]["duplicate"], false, "{about_x}");
        // A repeat from the same till about the same person still returns the first.
        let again: Value = post_with_key(&app, &till_1, "/api/v1/track", &purchase(y_id)).await.json().await.unwrap();
        assert_eq!(again["results"][0]["duplicate"], true, "{again}");
        assert_eq!(again["results"][0]["id"], first["results"][0]["id"]);
        let (purchases,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE type = 'offline_purchase'")
            .fetch_one(app.db.read()).await.unwrap();
        assert_eq!(purchases, 3);
    }
}
