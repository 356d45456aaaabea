//! A store's QR poster and what customers do with it: a check-in counted once per store and day (with a staff
//! visit the same day), a forged or replaced poster refused, check-ins past the day's limit or far from the store
//! held for an admin; purchases claimed with a receipt, pending until staff confirm them or the day's till export
//! settles them, a receipt paying once however it is recorded.

use app::api::StaffRole;
use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, assert_error, spawn_with},
    loyalty_support::{DAY, Shop},
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

/// Midday in Vietnam, so moving a few minutes stays on one business day.
const NOON: i64 = 1_796_104_800_000;

async fn add_store(shop: &Shop<'_>, fields: Value) -> (String, String) {
    let store = shop
        .admin_post("/api/v1/admin/stores", &fields, StatusCode::CREATED)
        .await;
    let id = store["id"].as_str().unwrap().to_owned();
    let poster = shop
        .get(&format!("/api/v1/admin/stores/{id}/poster"), &shop.admin)
        .await;
    assert_eq!(poster["version"], 1);
    (id, poster["code"].as_str().unwrap().to_owned())
}

async fn post(shop: &Shop<'_>, path: &str, token: &str, body: &Value) -> reqwest::Response {
    shop.send(Method::POST, path, token, Some(body)).await
}

async fn customers_check_in_once_a_day_with_the_current_poster(store: Store) {
    let clock = Clock::manual(NOON);
    let Some(app) = app_with_clock(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    shop.rule(json!({ "name": "Ghé cửa hàng", "kind": "fixed", "trigger": "checked_in", "points": 10 }))
        .await;
    let mai = shop.member("Mai", "0912345678").await;
    let (store_id, code) = add_store(
        &shop,
        json!({ "name": "Quận 1", "address": "1 Lê Lợi", "latitude": 10.7725, "longitude": 106.698, "active": true }),
    )
    .await;

    // The mini app names the store of a scanned poster, from the code or the link that holds it.
    let link = format!("https://cham.example/checkin?code={code}");
    let seen: Value = post(&shop, "/api/v1/me/store-codes", &mai.token, &json!({ "code": link }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["name"], "Quận 1");

    let here = json!({ "code": link, "latitude": 10.7726, "longitude": 106.6981 });
    let r = post(&shop, "/api/v1/me/check-ins", &mai.token, &here).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let first: Value = r.json().await.unwrap();
    assert_eq!(
        (
            first["status"].as_str(),
            first["points_earned"].as_i64(),
            first["flag"].as_str()
        ),
        (Some("accepted"), Some(10), None)
    );
    assert!(first["distance_m"].as_i64().is_some_and(|d| d < 50), "{first}");
    assert_eq!(shop.card(&mai).await["balance"], 10);

    // Once a day: the member again, or staff recording the visit, change nothing.
    let footprint = app.footprint().await;
    let r = post(&shop, "/api/v1/me/check-ins", &mai.token, &json!({ "code": code })).await;
    assert_error(r, StatusCode::CONFLICT, "already_checked_in").await;
    assert_eq!(app.footprint().await, footprint);
    let qr = shop.get("/api/v1/me/qr", &mai.token).await;
    let r = post(
        &shop,
        &format!("/api/v1/staff/visits?store_id={store_id}"),
        &shop.admin,
        &json!({ "code": qr["code"] }),
    )
    .await;
    assert_error(r, StatusCode::CONFLICT, "already_visited_today").await;

    // A forged poster, bad coordinates, and a replaced poster are refused.
    let forged = code.replacen(".1.", ".2.", 1);
    let r = post(&shop, "/api/v1/me/check-ins", &mai.token, &json!({ "code": forged })).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "store_code_invalid").await;
    let r = post(
        &shop,
        "/api/v1/me/check-ins",
        &mai.token,
        &json!({ "code": code, "latitude": 91.0, "longitude": 1.0 }),
    )
    .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_location").await;
    let new_poster = shop
        .admin_post(
            &format!("/api/v1/admin/stores/{store_id}/poster"),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(new_poster["version"], 2);
    clock.advance(DAY);
    let r = post(&shop, "/api/v1/me/check-ins", &mai.token, &json!({ "code": code })).await;
    assert_error(r, StatusCode::GONE, "store_code_revoked").await;

    // The next day, with the new poster: counted again; the timeline names the store.
    let r = post(
        &shop,
        "/api/v1/me/check-ins",
        &mai.token,
        &json!({ "code": new_poster["code"] }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(shop.card(&mai).await["balance"], 20);
    let (props,): (String,) =
        sqlx::query_as("SELECT properties FROM events WHERE type = 'checked_in' ORDER BY occurred_at DESC LIMIT 1")
            .fetch_one(app.db.read())
            .await
            .unwrap();
    let props: Value = serde_json::from_str(&props).unwrap();
    assert_eq!(
        (props["store_name"].as_str(), props["via"].as_str()),
        (Some("Quận 1"), Some("store_qr"))
    );

    // Another brand's member cannot use this brand's poster.
    let other = app.other_brand("other").await;
    let password = app.brand_user(&other, "boss@other.vn", StaffRole::Admin).await;
    let other_admin = app.admin_token("other", "boss@other.vn", &password).await;
    let r = post(&shop, "/api/v1/me/check-ins", &other_admin, &json!({ "code": code })).await;
    assert!(r.status().is_client_error());
}

async fn suspicious_check_ins_wait_for_an_admin(store: Store) {
    let clock = Clock::manual(NOON);
    let Some(app) = app_with_clock(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    shop.rule(json!({ "name": "Ghé cửa hàng", "kind": "fixed", "trigger": "checked_in", "points": 10 }))
        .await;
    let (_, code) = add_store(
        &shop,
        json!({ "name": "Quận 1", "address": "1 Lê Lợi", "latitude": 10.7725, "longitude": 106.698,
                "active": true, "check_in_limit": 1 }),
    )
    .await;
    let mai = shop.member("Mai", "0912345678").await;
    let lan = shop.member("Lan", "0987654321").await;
    let hoa = shop.member("Hoa", "0901234567").await;

    // Far away (Hà Nội): held, nothing paid.
    let far = json!({ "code": code, "latitude": 21.0285, "longitude": 105.8542 });
    let held: Value = post(&shop, "/api/v1/me/check-ins", &mai.token, &far)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (held["status"].as_str(), held["flag"].as_str()),
        (Some("flagged"), Some("far_away"))
    );
    assert_eq!(held["points_earned"], 0);
    // The poster's one check-in of the day was used: the next is held too.
    let ok: Value = post(&shop, "/api/v1/me/check-ins", &lan.token, &json!({ "code": code }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ok["status"], "flagged", "{ok}");
    let many: Value = post(&shop, "/api/v1/me/check-ins", &hoa.token, &json!({ "code": code }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (many["status"].as_str(), many["flag"].as_str()),
        (Some("flagged"), Some("too_many"))
    );
    assert_eq!(
        shop.timeline_types(&mai.id)
            .await
            .iter()
            .filter(|t| *t == "checked_in")
            .count(),
        0
    );

    // The admin sees them, approves one (paid as of then) and rejects another; a second decision is refused.
    let list = shop.get("/api/v1/admin/check-ins", &shop.admin).await;
    assert_eq!(list["total"], 3);
    assert_eq!(list["items"][0]["member"]["name"], "Mai");
    let staff_pw = app.brand_user(&app.brand, "till@acme.vn", StaffRole::Staff).await;
    let staff = app.admin_token("acme", "till@acme.vn", &staff_pw).await;
    let r = shop.app.get_with("/api/v1/admin/check-ins", &staff).await;
    assert_error(r, StatusCode::FORBIDDEN, "admins_only").await;
    let id = held["id"].as_str().unwrap();
    let approved = shop
        .admin_post(
            &format!("/api/v1/admin/check-ins/{id}"),
            &json!({ "approve": true }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (approved["status"].as_str(), approved["points_earned"].as_i64()),
        (Some("approved"), Some(10))
    );
    assert_eq!(shop.card(&mai).await["balance"], 10);
    let rejected = shop
        .admin_post(
            &format!("/api/v1/admin/check-ins/{}", many["id"].as_str().unwrap()),
            &json!({ "approve": false }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(shop.card(&hoa).await["balance"], 0);
    let r = post(
        &shop,
        &format!("/api/v1/admin/check-ins/{id}"),
        &shop.admin,
        &json!({ "approve": false }),
    )
    .await;
    assert_error(r, StatusCode::CONFLICT, "check_in_decided").await;
    assert_eq!(shop.get("/api/v1/admin/check-ins", &shop.admin).await["total"], 1);
}

async fn claimed_purchases_wait_for_staff_or_the_till(store: Store) {
    let clock = Clock::manual(NOON);
    let Some(app) = app_with_clock(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    shop.rule(json!({
        "name": "1 point per 10,000 VND", "kind": "per_vnd", "trigger": "offline_purchase",
        "points": 1, "per_vnd": 10000, "rounding": "floor",
    }))
    .await;
    let (a_id, code) = add_store(
        &shop,
        json!({ "name": "Quận 1", "address": "1 Lê Lợi", "active": true }),
    )
    .await;
    let (b_id, _) = add_store(
        &shop,
        json!({ "name": "Thảo Điền", "address": "2 Quốc Hương", "active": true }),
    )
    .await;
    let invite =
        json!({ "email": "till@acme.vn", "password": "a long first password", "role": "staff", "store_ids": [b_id] });
    shop.admin_post("/api/v1/admin/staff", &invite, StatusCode::CREATED)
        .await;
    let other_staff = app.admin_token("acme", "till@acme.vn", "a long first password").await;
    let mai = shop.member("Mai", "0912345678").await;
    let lan = shop.member("Lan", "0987654321").await;

    let claim = |receipt: &str, amount: i64| json!({ "code": code, "receipt_code": receipt, "amount_vnd": amount });
    let r = post(
        &shop,
        "/api/v1/me/purchase-claims",
        &mai.token,
        &claim(" hd-1 ", 95_000),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let pending: Value = r.json().await.unwrap();
    assert_eq!(
        (pending["status"].as_str(), pending["receipt_code"].as_str()),
        (Some("pending"), Some("HD-1"))
    );
    assert_eq!(shop.card(&mai).await["balance"], 0);
    // The same receipt by someone else, a bad receipt, a bad amount: refused, nothing written.
    let footprint = app.footprint().await;
    let r = post(&shop, "/api/v1/me/purchase-claims", &lan.token, &claim("HD-1", 95_000)).await;
    assert_error(r, StatusCode::CONFLICT, "receipt_claimed").await;
    let r = post(&shop, "/api/v1/me/purchase-claims", &lan.token, &claim("HD 1", 95_000)).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_receipt").await;
    let r = post(&shop, "/api/v1/me/purchase-claims", &lan.token, &claim("HD-9", 0)).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_amount").await;
    assert_eq!(app.footprint().await, footprint);

    // Staff of another store neither see nor settle it; staff of the store confirm it: paid, on the timeline.
    let r = shop
        .app
        .get_with(&format!("/api/v1/staff/purchase-claims?store_id={a_id}"), &other_staff)
        .await;
    assert_error(r, StatusCode::FORBIDDEN, "store_not_yours").await;
    let theirs = shop
        .get(&format!("/api/v1/staff/purchase-claims?store_id={b_id}"), &other_staff)
        .await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0);
    let id = pending["id"].as_str().unwrap();
    let r = post(
        &shop,
        &format!("/api/v1/staff/purchase-claims/{id}?store_id={b_id}"),
        &other_staff,
        &json!({ "confirm": true }),
    )
    .await;
    assert_error(r, StatusCode::NOT_FOUND, "unknown_claim").await;
    let at_a = shop
        .get(&format!("/api/v1/staff/purchase-claims?store_id={a_id}"), &shop.admin)
        .await;
    assert_eq!(at_a["items"][0]["member"]["name"], "Mai");
    let confirmed = shop
        .admin_post(
            &format!("/api/v1/staff/purchase-claims/{id}?store_id={a_id}"),
            &json!({ "confirm": true }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (confirmed["status"].as_str(), confirmed["points_earned"].as_i64()),
        (Some("confirmed"), Some(9))
    );
    assert_eq!(shop.card(&mai).await["balance"], 9);
    let r = post(
        &shop,
        &format!("/api/v1/staff/purchase-claims/{id}?store_id={a_id}"),
        &shop.admin,
        &json!({ "confirm": false }),
    )
    .await;
    assert_error(r, StatusCode::CONFLICT, "claim_decided").await;
    // The receipt pays once: a claim, a till's API call or staff at the till with it are duplicates.
    let r = post(&shop, "/api/v1/me/purchase-claims", &lan.token, &claim("hd-1", 95_000)).await;
    assert_error(r, StatusCode::CONFLICT, "receipt_used").await;
    let tracked = shop
        .track(
            &mai.id,
            json!({ "type": "offline_purchase", "properties": { "amount_vnd": 95000, "receipt_code": "HD-1" } }),
        )
        .await;
    assert_eq!(tracked["duplicate"], true, "{tracked}");
    assert_eq!(shop.card(&mai).await["balance"], 9);

    // The day's till export settles what is left: one matches, one has another amount, one is not there.
    for (member, receipt, amount) in [(&mai, "HD-2", 50_000), (&lan, "HD-3", 70_000), (&lan, "HD-4", 20_000)] {
        let r = post(
            &shop,
            "/api/v1/me/purchase-claims",
            &member.token,
            &claim(receipt, amount),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let day = "2026-12-01";
    let csv = "\u{feff}Mã hoá đơn;Số tiền\nHD-2;50.000\nHD-3;75.000\nHD-7;10.000\n";
    let r = shop
        .app
        .client
        .post(shop.app.url(&format!(
            "/api/v1/admin/purchase-claims/reconcile?store_id={a_id}&day={day}"
        )))
        .bearer_auth(&shop.admin)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (
            report["receipts"].as_i64(),
            report["confirmed"].as_i64(),
            report["amount_differs"].as_i64(),
            report["not_on_receipts"].as_i64()
        ),
        (Some(3), Some(1), Some(1), Some(1)),
        "{report}"
    );
    assert_eq!(shop.card(&mai).await["balance"], 14);
    let lans = shop.get("/api/v1/me/purchase-claims", &lan.token).await;
    let reasons: Vec<&str> = lans["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["reason"].as_str())
        .collect();
    assert_eq!(reasons, vec!["not_on_receipts", "amount_differs"]);
    // A file without the columns, or a day to come: refused.
    let bad = |day: &str, body: &'static str| {
        shop.app
            .client
            .post(shop.app.url(&format!(
                "/api/v1/admin/purchase-claims/reconcile?store_id={a_id}&day={day}"
            )))
            .bearer_auth(&shop.admin)
            .body(body)
            .send()
    };
    assert_error(
        bad(day, "name,price\nx,1\n").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_receipt_file",
    )
    .await;
    assert_error(
        bad("2027-01-01", "receipt_code,amount\n").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_day",
    )
    .await;
    shop.assert_ledger_consistent().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_check_in_once_a_day_with_the_current_poster_sqlite() {
    customers_check_in_once_a_day_with_the_current_poster(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_check_in_once_a_day_with_the_current_poster_postgres() {
    customers_check_in_once_a_day_with_the_current_poster(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspicious_check_ins_wait_for_an_admin_sqlite() {
    suspicious_check_ins_wait_for_an_admin(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspicious_check_ins_wait_for_an_admin_postgres() {
    suspicious_check_ins_wait_for_an_admin(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claimed_purchases_wait_for_staff_or_the_till_sqlite() {
    claimed_purchases_wait_for_staff_or_the_till(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claimed_purchases_wait_for_staff_or_the_till_postgres() {
    claimed_purchases_wait_for_staff_or_the_till(Store::Postgres).await;
}
