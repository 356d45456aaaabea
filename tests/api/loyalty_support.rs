//! Helpers for the loyalty tests: a brand admin, an API key for the till, members, rules, rewards.

use app::api::StaffRole;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// One day in milliseconds.
pub const DAY: i64 = 24 * 60 * 60 * 1000;

/// A brand with an admin signed in and an API key for its till.
pub struct Shop<'a> {
    pub app: &'a TestApp,
    pub admin: String,
    pub key: String,
}

/// A signed-in member.
pub struct Member {
    pub id: String,
    pub token: String,
}

impl<'a> Shop<'a> {
    pub async fn open(app: &'a TestApp) -> Self {
        let password = app.brand_user(&app.brand, "loyalty@acme.vn", StaffRole::Admin).await;
        let admin = app.admin_token("acme", "loyalty@acme.vn", &password).await;
        let r = app
            .client
            .post(app.url("/api/v1/admin/api-keys"))
            .bearer_auth(&admin)
            .json(&json!({ "name": "Till 1" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let key: Value = r.json().await.unwrap();
        Self {
            app,
            admin,
            key: key["key"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn member(&self, name: &str, phone: &str) -> Member {
        let session = self.app.signed_in_customer(name, phone).await;
        Member {
            id: session["me"]["profile_id"].as_str().unwrap().to_owned(),
            token: session["tokens"]["access_token"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, token: &str, body: Option<&Value>) -> Response {
        let mut request = self.app.client.request(method, self.app.url(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    /// POSTs as the admin and expects `status`; the body.
    pub async fn admin_post(&self, path: &str, body: &Value, status: StatusCode) -> Value {
        let r = self.send(reqwest::Method::POST, path, &self.admin, Some(body)).await;
        let actual = r.status();
        let body: Value = r.json().await.unwrap();
        assert_eq!(actual, status, "{path}: {body}");
        body
    }

    pub async fn get(&self, path: &str, token: &str) -> Value {
        let r = self.app.get_with(path, token).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.json().await.unwrap()
    }

    /// Creates an earning rule from the fields given over a fixed-points default.
    pub async fn rule(&self, fields: Value) -> Value {
        let mut body = json!({
            "name": "Rule", "kind": "fixed", "trigger": "checked_in", "points": 10, "rounding": "floor",
            "pending_days": 0, "expiry_days": null, "active": true
        });
        merge(&mut body, fields);
        self.admin_post("/api/v1/admin/loyalty/rules", &body, StatusCode::CREATED)
            .await
    }

    pub async fn tier(&self, name: &str, threshold: i64, multiplier: i64) -> Value {
        let body = json!({ "name": name, "threshold": threshold, "earn_multiplier_pct": multiplier, "benefits": "" });
        self.admin_post("/api/v1/admin/loyalty/tiers", &body, StatusCode::CREATED)
            .await
    }

    /// Creates a reward from the fields given over a free-item default costing 10 points.
    pub async fn reward(&self, fields: Value) -> Value {
        let mut body = json!({
            "name": "Free coffee", "description": "Any size", "kind": "free_item", "points_cost": 10,
            "stock": null, "per_member_limit": null, "voucher_days": 30, "active": true
        });
        merge(&mut body, fields);
        self.admin_post("/api/v1/admin/rewards", &body, StatusCode::CREATED)
            .await
    }

    /// Tracks one event about a member from the till; the per-item result.
    pub async fn track(&self, member: &str, event: Value) -> Value {
        let mut item = json!({ "user": { "member_id": member }, "source": "pos" });
        merge(&mut item, event);
        let r = self
            .app
            .client
            .post(self.app.url("/api/v1/track"))
            .header("X-Api-Key", &self.key)
            .json(&json!({ "events": [item] }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        body["results"][0].clone()
    }

    /// Adds (or removes) points by hand.
    pub async fn adjust(&self, member: &str, points: i64, expiry_days: Option<i64>) -> Value {
        let body = json!({
            "points": points, "reason": "test", "expiry_days": expiry_days,
            "idempotency_key": uuid::Uuid::now_v7().to_string()
        });
        self.admin_post(
            &format!("/api/v1/admin/profiles/{member}/points"),
            &body,
            StatusCode::OK,
        )
        .await
    }

    pub async fn card(&self, member: &Member) -> Value {
        self.get("/api/v1/me/loyalty", &member.token).await
    }

    pub async fn redeem(&self, member: &Member, reward: &str, key: &str) -> Response {
        let body = json!({ "reward_id": reward, "idempotency_key": key });
        self.send(
            reqwest::Method::POST,
            "/api/v1/me/redemptions",
            &member.token,
            Some(&body),
        )
        .await
    }

    /// The member's event types on their timeline, oldest first.
    pub async fn timeline_types(&self, member: &str) -> Vec<String> {
        let body = self
            .get(
                &format!("/api/v1/admin/profiles/{member}/events?limit=100"),
                &self.admin,
            )
            .await;
        let mut types: Vec<String> = body["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect();
        types.reverse();
        types
    }

    /// Asserts the stored running totals equal the entries, for every account.
    pub async fn assert_ledger_consistent(&self) {
        let rows: Vec<(String, i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT a.profile_id, a.balance, a.pending, \
             CAST(COALESCE((SELECT SUM(points) FROM points_entries e WHERE e.profile_id = a.profile_id AND e.posted = 1), 0) AS BIGINT), \
             CAST(COALESCE((SELECT SUM(points) FROM points_entries e WHERE e.profile_id = a.profile_id AND e.posted = 0), 0) AS BIGINT), \
             CAST(COALESCE((SELECT SUM(remaining) FROM points_entries e WHERE e.profile_id = a.profile_id AND e.posted = 1), 0) AS BIGINT) \
             FROM points_accounts a",
        )
        .fetch_all(self.app.db.read())
        .await
        .unwrap();
        for (profile, balance, pending, posted, unposted, lots) in rows {
            assert!(balance >= 0, "{profile}: balance {balance}");
            assert_eq!(balance, posted, "{profile}: balance equals the posted entries");
            assert_eq!(pending, unposted, "{profile}: pending equals the pending entries");
            assert_eq!(balance, lots, "{profile}: balance equals what is left of the lots");
        }
    }
}

/// Copies `fields` over `body` (both objects).
pub fn merge(body: &mut Value, fields: Value) {
    if let (Some(body), Value::Object(fields)) = (body.as_object_mut(), fields) {
        body.extend(fields);
    }
}

/// Now, in the store's epoch milliseconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
