//! Lead scores: a brand's scoring checked whole before it is saved, everyone's score recomputed when it changes,
//! a person's score moving with what they do, old events fading with the half-life, segments by score, and
//! another brand seeing nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    both_stores,
    helpers::{TestApp, assert_error},
    loyalty_support::{DAY, Shop, now},
};

/// Polls the person's score until it is `expected` (jobs run in the background); the last answer.
async fn score_becomes(shop: &Shop<'_>, profile: &str, expected: i64) -> Value {
    let mut last = Value::Null;
    for _ in 0..150 {
        last = shop
            .get(&format!("/api/v1/admin/profiles/{profile}/lead-score"), &shop.admin)
            .await;
        if last["score"] == expected {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{profile}'s score is {last}, not {expected}");
}

fn at(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().to_rfc3339()
}

async fn other_admin(app: &TestApp) -> String {
    let beta = app.other_brand("beta").await;
    let password = app.brand_user(&beta, "owner@beta.vn", app::api::StaffRole::Owner).await;
    app.admin_token("beta", "owner@beta.vn", &password).await
}

both_stores! {
    async fn a_scoring_is_checked_whole_and_nothing_is_scored_before_it(app) {
        let shop = Shop::open(&app).await;
        let empty = shop.get("/api/v1/admin/lead-scoring", &shop.admin).await;
        assert_eq!(empty, json!({ "half_life_days": 0, "events": [], "attributes": [] }));
        let good = || json!({
            "half_life_days": 30,
            "events": [{ "event_type": "checked_in", "points": 10 }, { "event_type": "form_submitted", "points": 30 }],
            "attributes": [{ "key": "city", "equals": "HCM", "points": 5 }]
        });
        let mut cases = Vec::new();
        let mut zero = good();
        zero["events"][0]["points"] = json!(0);
        cases.push((zero, "/events/0/points"));
        let mut huge = good();
        huge["attributes"][0]["points"] = json!(1_000_000);
        cases.push((huge, "/attributes/0/points"));
        let mut twice = good();
        twice["events"][1]["event_type"] = json!("checked_in");
        cases.push((twice, "/events/1/event_type"));
        let mut bad_type = good();
        bad_type["events"][0]["event_type"] = json!("Checked In");
        cases.push((bad_type, "/events/0/event_type"));
        let mut long = good();
        long["half_life_days"] = json!(400);
        cases.push((long, "/half_life_days"));
        let mut no_value = good();
        no_value["attributes"][0]["equals"] = json!("  ");
        cases.push((no_value, "/attributes/0/equals"));
        let mut many = good();
        many["events"] = json!((0..51).map(|i| json!({ "event_type": format!("web.e{i}"), "points": 1 })).collect::<Vec<_>>());
        cases.push((many, "/events"));
        for (body, pointer) in cases {
            let r = shop.send(Method::PUT, "/api/v1/admin/lead-scoring", &shop.admin, Some(&body)).await;
            let error = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_lead_scoring").await;
            assert_eq!(error["error"]["field"]["pointer"], pointer, "{error}");
        }
        assert_eq!(app.count("lead_score_settings").await, 0, "a refused scoring writes nothing");
        let rescores: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE kind = 'scoring.rescore'")
            .fetch_one(app.db.read())
            .await
            .unwrap();
        assert_eq!(rescores.0, 0, "and enqueues nothing");

        // A customer's token and another brand's admin cannot read or change it.
        let member = shop.member("Minh", "0912345678").await;
        let r = shop.send(Method::PUT, "/api/v1/admin/lead-scoring", &member.token, Some(&good())).await;
        assert_error(r, StatusCode::FORBIDDEN, "admins_only").await;
        assert_eq!(app.count("lead_score_settings").await, 0);
        let saved = crate::helpers::admin_call(&app, &shop.admin, Method::PUT, "/api/v1/admin/lead-scoring", good()).await;
        assert_eq!(saved, good());
        let beta = other_admin(&app).await;
        let theirs = crate::helpers::admin_call(&app, &beta, Method::GET, "/api/v1/admin/lead-scoring", json!(null)).await;
        assert_eq!(theirs["events"], json!([]), "another brand's scoring is its own");
        let r = shop.send(Method::GET, &format!("/api/v1/admin/profiles/{}/lead-score", member.id), &beta, None).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_profile").await;
    }

    async fn a_score_follows_what_people_do_and_old_events_fade(app) {
        let shop = Shop::open(&app).await;
        let minh = shop.member("Minh", "0912345678").await;
        let lan = shop.member("Lan", "0987654321").await;
        let r = app.client.put(app.url(&format!("/api/v1/admin/profiles/{}/attributes/city", minh.id)))
            .bearer_auth(&shop.admin).json(&json!({ "value": "HCM" })).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // Two visits today and one a month ago, before the brand scores anyone.
        shop.track(&minh.id, json!({ "type": "checked_in", "idempotency_key": "v1" })).await;
        shop.track(&minh.id, json!({ "type": "checked_in", "idempotency_key": "v2" })).await;
        let old = shop.track(&minh.id, json!({ "type": "checked_in", "idempotency_key": "v0", "occurred_at": at(now() - 30 * DAY) })).await;
        assert!(old["error"].is_null(), "{old}");
        let before = shop.get(&format!("/api/v1/admin/profiles/{}/lead-score", lan.id), &shop.admin).await;
        assert_eq!(before, json!({ "score": 0 }), "nobody is scored before the brand scores");

        // The brand's scoring: everyone who did a scored thing is recomputed.
        let scoring = json!({
            "half_life_days": 30,
            "events": [{ "event_type": "checked_in", "points": 10 }, { "event_type": "redeemed", "points": -20 }],
            "attributes": [{ "key": "city", "equals": "HCM", "points": 5 }]
        });
        crate::helpers::admin_call(&app, &shop.admin, Method::PUT, "/api/v1/admin/lead-scoring", scoring).await;
        // 10 + 10 today, 10 halved after its half-life, 5 for the city.
        let scored = score_becomes(&shop, &minh.id, 30).await;
        assert!(scored["computed_at"].is_string(), "{scored}");

        // Lan acts: her score follows within the per-person check.
        shop.track(&lan.id, json!({ "type": "checked_in", "idempotency_key": "l1" })).await;
        score_becomes(&shop, &lan.id, 10).await;

        // A segment by score: the live count, and a refused condition.
        let preview = shop.admin_post(
            "/api/v1/admin/segments/preview",
            &json!({ "rule": { "kind": "lead_score", "min": 20 } }),
            StatusCode::OK,
        ).await;
        assert_eq!(preview["count"], 1, "{preview}");
        assert_eq!(preview["sample"][0]["profile_id"], minh.id.as_str());
        let both = shop.admin_post(
            "/api/v1/admin/segments/preview",
            &json!({ "rule": { "kind": "lead_score", "min": 5, "max": 40 } }),
            StatusCode::OK,
        ).await;
        assert_eq!(both["count"], 2, "{both}");
        // An attribute's text is matched as typed (attributes are stored as JSON: the city is `"HCM"`).
        let city = shop.admin_post(
            "/api/v1/admin/segments/preview",
            &json!({ "rule": { "kind": "attribute", "key": "city", "equals": "HCM" } }),
            StatusCode::OK,
        ).await;
        assert_eq!(city["count"], 1, "{city}");
        for rule in [json!({ "kind": "lead_score" }), json!({ "kind": "lead_score", "min": 50, "max": 10 })] {
            let r = shop.send(Method::POST, "/api/v1/admin/segments/preview", &shop.admin, Some(&json!({ "rule": rule }))).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{rule}");
        }

        // No fading, visits worth double, no attribute: everyone is rescored.
        let plain = json!({ "half_life_days": 0, "events": [{ "event_type": "checked_in", "points": 20 }], "attributes": [] });
        crate::helpers::admin_call(&app, &shop.admin, Method::PUT, "/api/v1/admin/lead-scoring", plain).await;
        score_becomes(&shop, &minh.id, 60).await;
        score_becomes(&shop, &lan.id, 20).await;

        // An erased person's score goes with them.
        assert_eq!(app.count("lead_scores").await, 2);
        let r = shop.send(Method::POST, &format!("/api/v1/admin/profiles/{}/erase", lan.id), &shop.admin, None).await;
        assert!(r.status().is_success(), "{}", r.status());
        assert_eq!(app.count("lead_scores").await, 1);
    }
}
