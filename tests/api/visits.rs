//! The member QR code and visits at the till: a code staff accept for 30 to 60 seconds (the clock moved), once per
//! visit; a forged or another brand's code refused; one visit per member, store and business day, paid by the
//! earning rules and on the timeline with the store and the staff member; a purchase at the till, once per receipt.

use app::api::StaffRole;
use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, assert_error, spawn_with},
    loyalty_support::Shop,
};

async fn app_with_clock(store: Store, clock: &Clock) -> Option<TestApp> {
    spawn_with(
        store,
        SpawnOptions {
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
}

async fn member_code(shop: &Shop<'_>, token: &str) -> String {
    let qr = shop.get("/api/v1/me/qr", token).await;
    assert!(
        qr["refresh_in_s"].as_u64().is_some_and(|s| (1..=31).contains(&s)),
        "{qr}"
    );
    qr["code"].as_str().unwrap().to_owned()
}

async fn staff_at_the_till_record_visits_with_the_member_code(store: Store) {
    // Midday in Vietnam, so moving a few minutes stays on one business day.
    let clock = Clock::manual(1_796_104_800_000);
    let Some(app) = app_with_clock(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    shop.rule(json!({ "name": "Ghé cửa hàng", "kind": "fixed", "trigger": "checked_in", "points": 10 }))
        .await;
    let mai = shop.member("Mai", "0912345678").await;
    let a = shop
        .admin_post(
            "/api/v1/admin/stores",
            &json!({ "name": "Quận 1", "address": "1 Lê Lợi", "active": true }),
            StatusCode::CREATED,
        )
        .await;
    let b = shop
        .admin_post(
            "/api/v1/admin/stores",
            &json!({ "name": "Thảo Điền", "address": "2 Quốc Hương", "active": true }),
            StatusCode::CREATED,
        )
        .await;
    let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let invite =
        json!({ "email": "till@acme.vn", "password": "a long first password", "role": "staff", "store_ids": [a_id] });
    shop.admin_post("/api/v1/admin/staff", &invite, StatusCode::CREATED)
        .await;
    let staff = app.admin_token("acme", "till@acme.vn", "a long first password").await;
    let at_a = format!("?store_id={a_id}");

    // The till scans the member's code: who they are, their points; looking does not use the code up.
    let code = member_code(&shop, &mai.token).await;
    let body = json!({ "code": code });
    let seen = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/members/scan{at_a}"),
            &staff,
            Some(&body),
        )
        .await;
    assert_eq!(seen.status(), StatusCode::OK);
    let seen: Value = seen.json().await.unwrap();
    assert_eq!(
        (seen["holder"]["name"].as_str(), seen["points"].as_i64()),
        (Some("Mai"), Some(0))
    );
    assert_eq!(seen["visited_today"], false);

    // Not at a store they do not work at.
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/visits?store_id={b_id}"),
            &staff,
            Some(&body),
        )
        .await;
    assert_error(r, StatusCode::FORBIDDEN, "store_not_yours").await;
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/visits{at_a}"),
            &staff,
            Some(&body),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let receipt: Value = r.json().await.unwrap();
    assert_eq!(
        (receipt["store"]["name"].as_str(), receipt["points_earned"].as_i64()),
        (Some("Quận 1"), Some(10))
    );
    assert_eq!(receipt["member"]["visited_today"], true);

    // The same code again: refused, nothing written.
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/visits{at_a}"),
            &staff,
            Some(&body),
        )
        .await;
    assert_error(r, StatusCode::CONFLICT, "member_code_used").await;
    // A fresh code 30 seconds later, same store, same day: one visit a day.
    clock.advance(30_000);
    let fresh = json!({ "code": member_code(&shop, &mai.token).await });
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/visits{at_a}"),
            &staff,
            Some(&fresh),
        )
        .await;
    assert_error(r, StatusCode::CONFLICT, "already_visited_today").await;
    // An admin (every store) records one at the other store with it.
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/visits?store_id={b_id}"),
            &shop.admin,
            Some(&fresh),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // Each one's shift lists what they did at that store today, and nothing of the other's.
    let shift = shop.get(&format!("/api/v1/staff/shift{at_a}"), &staff).await;
    assert_eq!(shift["entries"].as_array().unwrap().len(), 1, "{shift}");
    assert_eq!(
        (
            shift["entries"][0]["kind"].as_str(),
            shift["entries"][0]["member"].as_str()
        ),
        (Some("checked_in"), Some("Mai"))
    );
    let admin_shift = shop
        .get(&format!("/api/v1/staff/shift?store_id={b_id}"), &shop.admin)
        .await;
    assert_eq!(admin_shift["entries"].as_array().unwrap().len(), 1, "{admin_shift}");
    let r = shop
        .send(
            Method::GET,
            &format!("/api/v1/staff/shift?store_id={b_id}"),
            &staff,
            None,
        )
        .await;
    assert_error(r, StatusCode::FORBIDDEN, "store_not_yours").await;

    // A code older than a minute is refused; a forged one and another brand's too.
    let old = json!({ "code": member_code(&shop, &mai.token).await });
    clock.advance(61_000);
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/members/scan{at_a}"),
            &staff,
            Some(&old),
        )
        .await;
    assert_error(r, StatusCode::GONE, "member_code_expired").await;
    let current = member_code(&shop, &mai.token).await;
    let mut forged = current.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/members/scan{at_a}"),
            &staff,
            Some(&json!({ "code": forged })),
        )
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "member_code_invalid").await;
    let other = app.other_brand("other").await;
    let password = app.brand_user(&other, "till@other.vn", StaffRole::Admin).await;
    let other_staff = app.admin_token("other", "till@other.vn", &password).await;
    let r = app
        .client
        .post(app.url("/api/v1/staff/members/scan"))
        .bearer_auth(&other_staff)
        .header("X-Cham-Brand", "other")
        .json(&json!({ "code": current }))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "member_code_invalid").await;

    // Two visits on the timeline, each with its store and staff member; the points are on the card.
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE type = 'checked_in'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(n, 2);
    let (props,): (String,) =
        sqlx::query_as("SELECT properties FROM events WHERE type = 'checked_in' ORDER BY occurred_at LIMIT 1")
            .fetch_one(app.db.read())
            .await
            .unwrap();
    let props: Value = serde_json::from_str(&props).unwrap();
    assert_eq!(
        (props["store_name"].as_str(), props["store_id"].as_str()),
        (Some("Quận 1"), Some(a_id))
    );
    assert!(props["staff_user_id"].is_string());
    assert_eq!(
        shop.card(&mai).await["pending"].as_i64().unwrap() + shop.card(&mai).await["balance"].as_i64().unwrap(),
        20
    );
}

async fn staff_record_a_purchase_once_per_receipt(store: Store) {
    let clock = Clock::manual(1_796_104_800_000);
    let Some(app) = app_with_clock(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    shop.rule(json!({
        "name": "1 point per 10,000 VND", "kind": "per_vnd", "trigger": "offline_purchase",
        "points": 1, "per_vnd": 10000, "rounding": "floor", "pending_days": 1,
    }))
    .await;
    let mai = shop.member("Mai", "0912345678").await;
    let a = shop
        .admin_post(
            "/api/v1/admin/stores",
            &json!({ "name": "Quận 1", "address": "1 Lê Lợi", "active": true }),
            StatusCode::CREATED,
        )
        .await;
    let path = format!("/api/v1/staff/purchases?store_id={}", a["id"].as_str().unwrap());
    let code = member_code(&shop, &mai.token).await;

    // Bad input is said about its field and spends nothing.
    let r = shop
        .send(
            Method::POST,
            &path,
            &shop.admin,
            Some(&json!({ "code": code, "amount_vnd": 0, "receipt_code": "HD-1" })),
        )
        .await;
    let refusal = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_amount").await;
    assert_eq!(refusal["error"]["field"]["pointer"], "/amount_vnd");
    let r = shop
        .send(
            Method::POST,
            &path,
            &shop.admin,
            Some(&json!({ "code": code, "amount_vnd": 125_000, "receipt_code": "HD 1" })),
        )
        .await;
    let refusal = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_receipt").await;
    assert_eq!(refusal["error"]["field"]["pointer"], "/receipt_code");

    let purchase = json!({ "code": code, "amount_vnd": 125_000, "receipt_code": "hd-2026/001" });
    let r = shop.send(Method::POST, &path, &shop.admin, Some(&purchase)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let receipt: Value = r.json().await.unwrap();
    assert_eq!(
        (receipt["amount_vnd"].as_i64(), receipt["points_earned"].as_i64()),
        (Some(125_000), Some(12))
    );
    assert_eq!(receipt["store"]["name"], "Quận 1");
    // The same code cannot record a second purchase; a fresh code cannot record the same receipt.
    let r = shop
        .send(
            Method::POST,
            &path,
            &shop.admin,
            Some(&json!({ "code": code, "amount_vnd": 50_000, "receipt_code": "HD-2" })),
        )
        .await;
    assert_error(r, StatusCode::CONFLICT, "member_code_used").await;
    clock.advance(30_000);
    let fresh = member_code(&shop, &mai.token).await;
    let again = json!({ "code": fresh, "amount_vnd": 125_000, "receipt_code": "HD-2026/001" });
    let r = shop.send(Method::POST, &path, &shop.admin, Some(&again)).await;
    let refusal = assert_error(r, StatusCode::CONFLICT, "receipt_used").await;
    assert_eq!(refusal["error"]["field"]["pointer"], "/receipt_code");
    assert_eq!(shop.card(&mai).await["pending"], 12);
    let shift = shop.get(&path.replace("/purchases", "/shift"), &shop.admin).await;
    assert_eq!(shift["entries"].as_array().unwrap().len(), 1, "{shift}");
    assert_eq!(
        (
            shift["entries"][0]["amount_vnd"].as_i64(),
            shift["entries"][0]["detail"].as_str()
        ),
        (Some(125_000), Some("HD-2026/001"))
    );
    let (props,): (String,) = sqlx::query_as("SELECT properties FROM events WHERE type = 'offline_purchase'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let props: Value = serde_json::from_str(&props).unwrap();
    assert_eq!(
        (props["receipt_code"].as_str(), props["store_name"].as_str()),
        (Some("HD-2026/001"), Some("Quận 1"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_record_a_purchase_once_per_receipt_sqlite() {
    staff_record_a_purchase_once_per_receipt(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_record_a_purchase_once_per_receipt_postgres() {
    staff_record_a_purchase_once_per_receipt(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_at_the_till_record_visits_with_the_member_code_sqlite() {
    staff_at_the_till_record_visits_with_the_member_code(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_at_the_till_record_visits_with_the_member_code_postgres() {
    staff_at_the_till_record_visits_with_the_member_code(Store::Postgres).await;
}
