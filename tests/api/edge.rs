//! The edge: every refusal has the one shape (`{"error":{"code","message"}}` with a 4xx), whatever part of the
//! request was wrong (method, query string, path, body, content type), and a NUL character is refused before it
//! reaches the store, the same on both stores, writing nothing.

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::{both_stores, helpers::assert_error, loyalty_support::Shop};

both_stores! {
    async fn a_nul_character_is_refused_in_any_body_query_or_path_and_nothing_is_written(app) {
        let shop = Shop::open(&app).await;
        let member = shop.member("Nhung", "0912345678").await;
        let events_before = app.count("events").await;
        let profiles_before = app.count("profiles").await;

        // An event's properties, the console's attribute, an identify call's name, the sign-in brand.
        let r = shop.send(Method::POST, "/api/v1/events", &member.token,
            Some(&json!({ "type": "web.clicked", "properties": { "label": "a\u{0}b" } }))).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters").await;
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/profiles/{}/attributes/note", member.id), &shop.admin,
            Some(&json!({ "type": "string", "value": "x\u{0}" }))).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters").await;
        let r = app.client.post(app.url("/api/v1/identify")).header("X-Api-Key", &shop.key)
            .json(&json!({ "user": { "external_id": "pos-1" }, "name": "Bảo\u{0}" })).send().await.unwrap();
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters").await;
        let r = app.post_json("/api/v1/auth/session", &json!({ "brand": "acme\u{0}", "provider": "zalo", "access_token": "t" })).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters").await;
        // A query string and a path.
        let r = app.get_with("/api/v1/admin/profiles?q=Nh%00ung", &shop.admin).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters").await;
        let r = app.client.get(app.url("/api/v1/brands/ac%00me")).send().await.unwrap();
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters").await;

        assert_eq!(app.count("events").await, events_before);
        assert_eq!(app.count("profiles").await, profiles_before);
        let (attributes,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM profile_attributes").fetch_one(app.db.read()).await.unwrap();
        assert_eq!(attributes, 0);
    }

    async fn every_refusal_has_the_one_error_shape(app) {
        let shop = Shop::open(&app).await;
        let member = shop.member("Nhung", "0912345678").await;
        // A method the endpoint does not take.
        let r = shop.send(Method::DELETE, "/api/v1/me", &member.token, None).await;
        assert_error(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
        let r = shop.send(Method::PUT, "/api/v1/admin/jobs/probe", &shop.admin, None).await;
        assert_error(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
        // A query string that does not parse.
        let r = app.get_with("/api/v1/admin/jobs?limit=abc", &shop.admin).await;
        assert_error(r, StatusCode::BAD_REQUEST, "invalid_query").await;
        let r = app.get_with("/api/v1/me/points?limit=-x", &member.token).await;
        assert_error(r, StatusCode::BAD_REQUEST, "invalid_query").await;
        // A path that is not UTF-8.
        let r = app.client.get(app.url("/api/v1/brands/%FF%FE")).send().await.unwrap();
        assert_error(r, StatusCode::BAD_REQUEST, "invalid_path").await;
        // A body that is not JSON, or says it is not.
        let r = app.client.post(app.url("/api/v1/auth/session")).header(header::CONTENT_TYPE, "text/plain")
            .body("{}").send().await.unwrap();
        assert_error(r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
        let r = app.client.post(app.url("/api/v1/auth/session")).header(header::CONTENT_TYPE, "application/json")
            .body("{\"brand\":").send().await.unwrap();
        assert_error(r, StatusCode::BAD_REQUEST, "malformed_json").await;
        // A search far longer than any name, phone or e-mail.
        let long = "a".repeat(60_000);
        let r = app.get_with(&format!("/api/v1/admin/profiles?q={long}"), &shop.admin).await;
        assert!(r.status().is_client_error(), "{}", r.status());
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{body}");
        let r = app.get_with(&format!("/api/v1/admin/profiles?q={}", "a".repeat(201)), &shop.admin).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "value_too_long").await;
    }
}
