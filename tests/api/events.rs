//! The interaction log: events from the mini app, idempotency, item-by-item batches, and the timeline.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    both_stores,
    helpers::{TestApp, assert_error},
};

/// A signed-in customer who allows analytics of their app use (so `app_opened` and `screen_viewed` count).
async fn customer(app: &TestApp, phone: &str) -> (String, String) {
    let (token, profile) = customer_without_analytics(app, phone).await;
    set_analytics(app, &token, true).await;
    (token, profile)
}

async fn customer_without_analytics(app: &TestApp, phone: &str) -> (String, String) {
    let session = app.signed_in_customer("Khách Sự Kiện", phone).await;
    (
        session["tokens"]["access_token"].as_str().unwrap().to_owned(),
        session["me"]["profile_id"].as_str().unwrap().to_owned(),
    )
}

async fn set_analytics(app: &TestApp, token: &str, granted: bool) {
    let r = app
        .client
        .put(app.url("/api/v1/me/consents/analytics"))
        .bearer_auth(token)
        .json(&json!({ "granted": granted, "wording_version": "2026-12" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn post_events(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/events"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

both_stores! {
    async fn signing_in_puts_session_started_and_the_shared_phone_on_the_timeline(app) {
        let (token, _) = customer_without_analytics(&app, "0912000001").await;
        let timeline: Value = app.get_with("/api/v1/me/events", &token).await.json().await.unwrap();
        let events = timeline["events"].as_array().unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1]["type"], "phone_shared");
        assert_eq!(events[0]["type"], "session_started");
        assert_eq!(events[0]["source"], "zalo");
        assert_eq!(events[0]["properties"]["provider"], "zalo");
    }

    async fn a_batch_stores_the_valid_events_and_refuses_each_invalid_one_with_its_own_code(app) {
        let (token, profile) = customer(&app, "0912000002").await;
        let before = app.count("events").await;
        let r = post_events(&app, &token, &json!({ "events": [
            { "type": "app_opened", "source": "zalo" },
            { "type": "session_started" },
            { "type": "web.banner_clicked", "properties": { "banner": "tet-2027" }, "utm_campaign": "tet" },
            { "type": "nonsense" },
            { "type": "screen_viewed", "properties": "not an object" },
            { "type": "screen_viewed", "occurred_at": "2099-01-01T00:00:00Z" },
            { "type": "screen_viewed", "source": "pos" },
        ]})).await;
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["accepted"], 2);
        assert_eq!(body["rejected"], 5);
        let codes: Vec<Value> = body["results"].as_array().unwrap().iter().map(|r| r["error"]["code"].clone()).collect();
        assert_eq!(codes, vec![
            Value::Null, json!("reserved_event_type"), Value::Null, json!("invalid_event_type"),
            json!("properties_not_object"), json!("occurred_in_future"), json!("invalid_source"),
        ]);
        assert_eq!(app.count("events").await, before + 2);
        let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE profile_id = $1 AND utm_campaign = 'tet'")
            .bind(&profile).fetch_one(app.db.read()).await.unwrap();
        assert_eq!(stored, 1);
    }

    async fn a_repeated_idempotency_key_returns_the_first_result_and_writes_nothing(app) {
        let (token, _) = customer(&app, "0912000003").await;
        let event = json!({ "type": "app_opened", "idempotency_key": "open-1" });
        let first: Value = post_events(&app, &token, &event).await.json().await.unwrap();
        let before = app.count("events").await;
        let again: Value = post_events(&app, &token, &json!({ "events": [event, event] })).await.json().await.unwrap();
        assert_eq!(first["results"][0]["duplicate"], false);
        for i in 0..2 {
            assert_eq!(again["results"][i]["duplicate"], true);
            assert_eq!(again["results"][i]["id"], first["results"][0]["id"]);
        }
        assert_eq!(app.count("events").await, before);
    }

    async fn oversized_and_empty_batches_are_refused_whole(app) {
        let (token, _) = customer(&app, "0912000004").await;
        let before = app.count("events").await;
        let many: Vec<Value> = (0..501).map(|_| json!({ "type": "app_opened" })).collect();
        assert_error(post_events(&app, &token, &json!({ "events": many })).await, StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large").await;
        assert_error(post_events(&app, &token, &json!({ "events": [] })).await, StatusCode::UNPROCESSABLE_ENTITY, "empty_batch").await;
        let r = app.client.post(app.url("/api/v1/events")).json(&json!({ "type": "app_opened" })).send().await.unwrap();
        assert_error(r, StatusCode::UNAUTHORIZED, "missing_token").await;
        let r = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).header("X-Cham-Brand", "other")
            .json(&json!({ "type": "app_opened" })).send().await.unwrap();
        assert_error(r, StatusCode::FORBIDDEN, "wrong_brand").await;
        assert_eq!(app.count("events").await, before);
        let full: Vec<Value> = (0..500).map(|i| json!({ "type": "screen_viewed", "properties": { "i": i } })).collect();
        let body: Value = post_events(&app, &token, &json!({ "events": full })).await.json().await.unwrap();
        assert_eq!(body["accepted"], 500);
        assert_eq!(app.count("events").await, before + 500);
    }

    async fn the_timeline_pages_newest_first_and_filters_by_type(app) {
        let (token, _) = customer(&app, "0912000005").await;
        let events: Vec<Value> = (0..7)
            .map(|i| json!({ "type": "screen_viewed", "occurred_at": format!("2026-01-01T00:00:0{i}Z"), "properties": { "n": i } }))
            .collect();
        post_events(&app, &token, &json!({ "events": events })).await;
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/me/events?type=screen_viewed&limit=3&cursor={c}"),
                None => "/api/v1/me/events?type=screen_viewed&limit=3".to_owned(),
            };
            let page: Value = app.get_with(&path, &token).await.json().await.unwrap();
            seen.extend(page["events"].as_array().unwrap().iter().map(|e| e["properties"]["n"].as_i64().unwrap()));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, vec![6, 5, 4, 3, 2, 1, 0]);
        let r = app.get_with("/api/v1/me/events?cursor=garbage", &token).await;
        assert_error(r, StatusCode::BAD_REQUEST, "invalid_cursor").await;
    }

    async fn a_customer_sees_only_their_own_timeline(app) {
        let (first, _) = customer(&app, "0912000006").await;
        let (second, _) = customer(&app, "0912000007").await;
        post_events(&app, &first, &json!({ "type": "web.secret_click" })).await;
        let theirs: Value = app.get_with("/api/v1/me/events", &second).await.json().await.unwrap();
        assert!(theirs["events"].as_array().unwrap().iter().all(|e| e["type"] != "web.secret_click"));
    }
}

both_stores! {
    async fn app_use_is_recorded_only_with_analytics_consent(app) {
        let (token, profile) = customer_without_analytics(&app, "0912000009").await;
        let count = |t: &'static str| {
            let (db, profile) = (app.db.clone(), profile.clone());
            async move {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE profile_id = $1 AND type = $2")
                    .bind(profile).bind(t).fetch_one(db.read()).await.unwrap();
                n
            }
        };
        let batch = json!({ "events": [{ "type": "app_opened" }, { "type": "screen_viewed" }, { "type": "web.banner_clicked" }] });
        // Never asked is no: app use is refused, the person's own doings are not.
        let body: Value = post_events(&app, &token, &batch).await.json().await.unwrap();
        let codes: Vec<Value> = body["results"].as_array().unwrap().iter().map(|r| r["error"]["code"].clone()).collect();
        assert_eq!(codes, vec![json!("no_analytics_consent"), json!("no_analytics_consent"), Value::Null]);
        assert_eq!((count("app_opened").await, count("screen_viewed").await), (0, 0));
        // A brand's website cannot record it for them either.
        let r = app.client.post(app.url("/api/v1/anonymous/events"))
            .json(&json!({ "brand": "acme", "anonymous_id": "device-0009", "events": [{ "type": "screen_viewed" }] }))
            .send().await.unwrap();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["results"][0]["error"]["code"], "no_analytics_consent");
        // Once allowed it is recorded; once withdrawn it stops again.
        set_analytics(&app, &token, true).await;
        post_events(&app, &token, &batch).await;
        assert_eq!((count("app_opened").await, count("screen_viewed").await), (1, 1));
        set_analytics(&app, &token, false).await;
        let body: Value = post_events(&app, &token, &batch).await.json().await.unwrap();
        assert_eq!(body["accepted"], 1);
        assert_eq!((count("app_opened").await, count("screen_viewed").await), (1, 1));
    }
}
