//! Refunds: an admin gives back part of a paid order, then the rest; each refund takes back the points its part
//! earned; Zalo's refund in progress is followed by a job until it is done; MoMo's is done at once. A refund
//! larger than what is left, a refused one, a repeated one and two at once never give back more than was paid,
//! and bad input changes nothing.

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, assert_error, spawn_with},
    loyalty_support::{Member, Shop},
    settle::{drain, place, status, worker},
};
use app::api::StaffRole;

const START: i64 = 1_800_000_000_000;
const MINUTE: i64 = 60 * 1000;

async fn refund(shop: &Shop<'_>, order: &Value, body: Value) -> reqwest::Response {
    shop.send(
        Method::POST,
        &format!("/api/v1/admin/orders/{}/refunds", order["id"].as_str().unwrap()),
        &shop.admin,
        Some(&body),
    )
    .await
}

async fn mine(shop: &Shop<'_>, member: &Member, order: &Value) -> Value {
    shop.get(
        &format!("/api/v1/me/orders/{}", order["id"].as_str().unwrap()),
        &member.token,
    )
    .await
}

async fn count(shop: &Shop<'_>, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(shop.app.db.read()).await.unwrap();
    n
}

async fn refunds_give_back_money_and_the_points_it_earned(store: Store) {
    let clock = Clock::manual(START);
    let Some(app) = spawn_with(
        store,
        SpawnOptions {
            no_workers: true,
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
    else {
        return;
    };
    let shop = Shop::open(&app).await;
    shop.rule(
        json!({ "name": "Mua online", "kind": "per_vnd", "trigger": "order_paid", "points": 1, "per_vnd": 1000 }),
    )
    .await;
    let drink = shop
        .admin_post(
            "/api/v1/admin/products",
            &json!({ "name": "Cà phê sữa đá", "price_vnd": 45_000, "options": [
                { "id": "size", "name": "Cỡ", "min": 1, "max": 1, "choices": [{ "id": "m", "name": "Vừa" }] }
            ] }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mai = shop.member("Mai", "0912345678").await;
    let sim = |path: String, body: Value| {
        app.client
            .post(format!("{}{path}", app.sim.base_url))
            .json(&body)
            .send()
    };
    let worker = worker(&app, &clock);

    // A Zalo order, paid through the simulated Checkout.
    let zalo = place(&shop, &mai, &drink, "zalo", "z1").await;
    let mut args = zalo["payment"].clone();
    args.as_object_mut().unwrap().remove("provider");
    let created: Value = sim("/zalo/checkout/orders".into(), args)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let checkout_id = created["orderId"].as_str().unwrap().to_owned();
    let sent: Value = sim(
        format!("/zalo/checkout/{checkout_id}/result"),
        json!({ "outcome": "paid" }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(sent["return_codes"], json!([1]));
    assert_eq!(shop.card(&mai).await["balance"], 45);

    // Bad input, a member's token, another brand's admin: each refused, nothing changes.
    assert_error(
        refund(&shop, &zalo, json!({ "amount_vnd": 10_000, "reason": "  " })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_refund",
    )
    .await;
    assert_error(
        refund(
            &shop,
            &zalo,
            json!({ "amount_vnd": 10_000, "reason": "Khách\u{8}đổi ý" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_refund",
    )
    .await;
    assert_error(
        refund(
            &shop,
            &zalo,
            json!({ "amount_vnd": 10_000, "reason": "Khách đổi ý", "idempotency_key": "k\u{7}" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_idempotency_key",
    )
    .await;
    let r = shop
        .send(
            Method::POST,
            "/api/v1/me/orders",
            &mai.token,
            Some(
                &json!({ "items": [{ "product_id": drink, "quantity": 1, "choice_ids": ["m"] }], "provider": "zalo",
                          "note": "Ít\u{1b}[31m đá", "idempotency_key": "bad-note" }),
            ),
        )
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_order").await;
    assert_error(
        refund(&shop, &zalo, json!({ "amount_vnd": 0, "reason": "Khách đổi ý" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_refund",
    )
    .await;
    let body = assert_error(
        refund(&shop, &zalo, json!({ "amount_vnd": i64::MAX, "reason": "Khách đổi ý" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "refund_too_large",
    )
    .await;
    assert!(body["error"]["message"].as_str().unwrap().contains("45.000"), "{body}");
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/orders/{}/refunds", zalo["id"].as_str().unwrap()),
            &mai.token,
            Some(&json!({ "amount_vnd": 1_000, "reason": "Tự hoàn" })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let other = app.other_brand("beta").await;
    let password = app.brand_user(&other, "boss@beta.vn", StaffRole::Admin).await;
    let beta = app.admin_token("beta", "boss@beta.vn", &password).await;
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/orders/{}/refunds", zalo["id"].as_str().unwrap()),
            &beta,
            Some(&json!({ "amount_vnd": 1_000, "reason": "Không phải đơn của tôi" })),
        )
        .await;
    assert_error(r, StatusCode::NOT_FOUND, "unknown_order").await;
    assert_eq!(count(&shop, "SELECT COUNT(*) FROM order_refunds").await, 0);
    assert_eq!(
        count(&shop, "SELECT COUNT(*) FROM orders").await,
        1,
        "the order with a bad note was not written"
    );

    // Part of it: Zalo takes the refund and processes it; the job asks until it is done.
    let first = refund(
        &shop,
        &zalo,
        json!({ "amount_vnd": 15_000, "reason": "Thiếu topping", "idempotency_key": "r1" }),
    )
    .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["status"], "processing");
    let again: Value = refund(
        &shop,
        &zalo,
        json!({ "amount_vnd": 15_000, "reason": "Thiếu topping", "idempotency_key": "r1" }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(again["id"], first["id"], "the same key is the same refund");
    assert_eq!(status(&shop, &mai, &zalo).await, "paid");
    clock.advance(2 * MINUTE);
    drain(&worker).await;
    let order = mine(&shop, &mai, &zalo).await;
    assert_eq!(
        (
            order["status"].as_str(),
            order["refunded_vnd"].as_i64(),
            order["points_earned"].as_i64()
        ),
        (Some("partly_refunded"), Some(15_000), Some(30))
    );
    assert_eq!(shop.card(&mai).await["balance"], 30);
    let history = shop.get("/api/v1/me/points", &mai.token).await;
    assert_eq!(history["entries"][0]["points"], -15);
    assert_eq!(history["entries"][0]["source_kind"], "refund");
    // Reversing the whole credit by hand now would take the refunded part twice: refused.
    let (earn,): (String,) = sqlx::query_as("SELECT id FROM points_entries WHERE kind = 'earn' AND profile_id = $1")
        .bind(&mai.id)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/points/{earn}/reverse"),
            &shop.admin,
            Some(&json!({ "reason": "Nhầm" })),
        )
        .await;
    assert_error(r, StatusCode::CONFLICT, "not_reversible").await;

    // More than is left is refused; a refusal by Zalo gives nothing back and keeps nothing held.
    assert_error(
        refund(&shop, &zalo, json!({ "amount_vnd": 30_001, "reason": "Quá nhiều" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "refund_too_large",
    )
    .await;
    sim("/zalo/refunds/mode".into(), json!({ "mode": "refuse" }))
        .await
        .unwrap();
    assert_error(
        refund(&shop, &zalo, json!({ "amount_vnd": 30_000, "reason": "Khách đổi ý" })).await,
        StatusCode::BAD_GATEWAY,
        "refund_refused",
    )
    .await;
    // The rest, done at once this time: the order is refunded and every point it earned is gone.
    sim("/zalo/refunds/mode".into(), json!({ "mode": "done" }))
        .await
        .unwrap();
    let rest = refund(&shop, &zalo, json!({ "amount_vnd": 30_000, "reason": "Khách đổi ý" })).await;
    assert_eq!(rest.status(), StatusCode::CREATED);
    assert_eq!(rest.json::<Value>().await.unwrap()["status"], "done");
    let order = mine(&shop, &mai, &zalo).await;
    assert_eq!(
        (
            order["status"].as_str(),
            order["refunded_vnd"].as_i64(),
            order["points_earned"].as_i64()
        ),
        (Some("refunded"), Some(45_000), Some(0))
    );
    assert_eq!(shop.card(&mai).await["balance"], 0);
    assert_error(
        refund(&shop, &zalo, json!({ "amount_vnd": 1_000, "reason": "Lần nữa" })).await,
        StatusCode::CONFLICT,
        "not_refundable",
    )
    .await;

    // The console shows every refund with its outcome, and each answer on the payment trail.
    let detail = shop
        .get(
            &format!("/api/v1/admin/orders/{}", zalo["id"].as_str().unwrap()),
            &shop.admin,
        )
        .await;
    let outcomes: Vec<&str> = detail["refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["done", "failed", "done"]);
    assert_eq!(
        count(
            &shop,
            "SELECT COUNT(*) FROM payment_events WHERE kind IN ('refund', 'refund_query')"
        )
        .await,
        4
    );
    assert_eq!(
        count(&shop, "SELECT COUNT(*) FROM events WHERE type = 'order_refunded'").await,
        2
    );

    // MoMo: two refunds at once of more than half each: one goes through, the other is refused.
    let momo = place(&shop, &mai, &drink, "momo", "m1").await;
    sim(
        format!("/momo/payments/{}/complete", momo["id"].as_str().unwrap()),
        json!({ "result_code": 0 }),
    )
    .await
    .unwrap();
    assert_eq!(status(&shop, &mai, &momo).await, "paid");
    assert_eq!(shop.card(&mai).await["balance"], 45);
    let (a, b) = tokio::join!(
        refund(&shop, &momo, json!({ "amount_vnd": 30_000, "reason": "Đơn trùng" })),
        refund(&shop, &momo, json!({ "amount_vnd": 30_000, "reason": "Đơn trùng" })),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY]);
    let order = mine(&shop, &mai, &momo).await;
    assert_eq!(
        (
            order["status"].as_str(),
            order["refunded_vnd"].as_i64(),
            order["points_earned"].as_i64()
        ),
        (Some("partly_refunded"), Some(30_000), Some(15))
    );
    assert_eq!(shop.card(&mai).await["balance"], 15);
    shop.assert_ledger_consistent().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_give_back_money_and_the_points_it_earned_sqlite() {
    refunds_give_back_money_and_the_points_it_earned(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_give_back_money_and_the_points_it_earned_postgres() {
    refunds_give_back_money_and_the_points_it_earned(Store::Postgres).await;
}
