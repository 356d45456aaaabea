//! A voucher and points off an order: the quote and the order agree on the total the server computes; a voucher
//! pays once (a second order with it is refused and writes nothing); a failed payment hands the voucher and the
//! points back, a late payment for it uses them again, and a full refund hands them back too; points never take
//! the total under what a payment service accepts, nor go past the balance.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{Store, assert_error, spawn_app},
    loyalty_support::{Member, Shop},
};

async fn voucher_status(shop: &Shop<'_>, id: &str) -> String {
    let (s,): (String,) = sqlx::query_as("SELECT status FROM vouchers WHERE id = $1")
        .bind(id)
        .fetch_one(shop.app.db.read())
        .await
        .unwrap();
    s
}

async fn voucher(shop: &Shop<'_>, member: &Member, reward: &Value) -> String {
    let r = shop
        .redeem(
            member,
            reward["id"].as_str().unwrap(),
            &uuid::Uuid::now_v7().to_string(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn a_voucher_and_points_come_off_an_order_and_go_back_when_it_fails(store: Store) {
    let Some(app) = spawn_app(store).await else {
        return;
    };
    let shop = &Shop::open(&app).await;
    let r = shop
        .send(
            Method::PUT,
            "/api/v1/admin/loyalty/settings",
            &shop.admin,
            Some(&json!({ "tier_metric": "points", "tier_window_months": 12, "point_value_vnd": 100 })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let drink = shop
        .admin_post(
            "/api/v1/admin/products",
            &json!({ "name": "Cà phê muối", "price_vnd": 45_000 }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ten_off = shop
        .reward(
            json!({ "name": "Giảm 10.000 đ", "kind": "discount_voucher", "discount_vnd": 10_000, "points_cost": 50 }),
        )
        .await;
    let free = shop.reward(json!({ "name": "Ly miễn phí", "points_cost": 50 })).await;
    let mai = &shop.member("Mai", "0912345678").await;
    let hoa = &shop.member("Hoa", "0987654321").await;
    shop.adjust(&mai.id, 600, None).await;
    shop.adjust(&hoa.id, 100, None).await;
    let v = voucher(shop, mai, &ten_off).await;
    let hoas = voucher(shop, hoa, &ten_off).await;
    let counter_only = voucher(shop, mai, &free).await;
    assert_eq!(shop.card(mai).await["balance"], 500);
    let order = |member: &Member, extra: Value, path: &'static str| {
        let mut body = json!({ "items": [{ "product_id": drink, "quantity": 1 }], "provider": "momo",
                               "idempotency_key": uuid::Uuid::now_v7().to_string() });
        crate::loyalty_support::merge(&mut body, extra);
        let token = member.token.clone();
        async move { shop.send(Method::POST, path, &token, Some(&body)).await }
    };
    const QUOTE: &str = "/api/v1/me/orders/quote";
    const PLACE: &str = "/api/v1/me/orders";

    // The quote: 45.000 − 10.000 (voucher) − 100 points × 100 đ = 25.000; at most 340 points (34.000 đ).
    let q: Value = order(mai, json!({ "voucher_id": v, "points": 100 }), QUOTE)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            q["subtotal_vnd"].as_i64(),
            q["voucher_discount_vnd"].as_i64(),
            q["points_vnd"].as_i64(),
            q["total_vnd"].as_i64()
        ),
        (Some(45_000), Some(10_000), Some(10_000), Some(25_000))
    );
    assert_eq!(
        (q["point_value_vnd"].as_i64(), q["max_points"].as_i64()),
        (Some(100), Some(340))
    );

    // Refusals, each about its field, writing nothing.
    let before = app.count("orders").await;
    let r = order(mai, json!({ "voucher_id": v, "points": 341 }), PLACE).await;
    let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "too_many_points").await;
    assert_eq!(body["error"]["field"]["pointer"], "/points");
    let r = order(hoa, json!({ "points": 101 }), PLACE).await;
    assert_error(r, StatusCode::CONFLICT, "insufficient_points").await;
    let r = order(mai, json!({ "points": -5 }), PLACE).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_order").await;
    let r = order(mai, json!({ "voucher_id": hoas }), PLACE).await;
    assert_error(r, StatusCode::NOT_FOUND, "unknown_voucher").await;
    let r = order(mai, json!({ "voucher_id": counter_only }), PLACE).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "voucher_not_for_orders").await;
    assert_eq!(app.count("orders").await, before);
    assert_eq!(shop.card(mai).await["balance"], 500);

    // Placed: the server's total, the voucher used, the points debited.
    let placed: Value = order(mai, json!({ "voucher_id": v, "points": 100 }), PLACE)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            placed["total_vnd"].as_i64(),
            placed["voucher_discount_vnd"].as_i64(),
            placed["points_spent"].as_i64()
        ),
        (Some(25_000), Some(10_000), Some(100))
    );
    assert_eq!(voucher_status(shop, &v).await, "used");
    assert_eq!(shop.card(mai).await["balance"], 400);
    // The same voucher again is refused, and nothing is written or spent.
    let before = app.count("orders").await;
    let r = order(mai, json!({ "voucher_id": v, "points": 50 }), PLACE).await;
    assert_error(r, StatusCode::CONFLICT, "voucher_used").await;
    assert_eq!(app.count("orders").await, before);
    assert_eq!(shop.card(mai).await["balance"], 400);

    // MoMo declines: the voucher and the points go back.
    let sim = |path: String, body: Value| {
        app.client
            .post(format!("{}{path}", app.sim.base_url))
            .json(&body)
            .send()
    };
    let id = placed["id"].as_str().unwrap();
    sim(format!("/momo/payments/{id}/complete"), json!({ "result_code": 1006 }))
        .await
        .unwrap();
    let failed = shop.get(&format!("/api/v1/me/orders/{id}"), &mai.token).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(voucher_status(shop, &v).await, "issued");
    assert_eq!(shop.card(mai).await["balance"], 500);

    // A payment arriving late for it after all: paid, and the voucher and points are used again.
    sim(format!("/momo/payments/{id}/complete"), json!({ "result_code": 0 }))
        .await
        .unwrap();
    let paid = shop.get(&format!("/api/v1/me/orders/{id}"), &mai.token).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(voucher_status(shop, &v).await, "used");
    assert_eq!(shop.card(mai).await["balance"], 400);

    // Refunded in full: the money goes back, and so do the voucher and the points that paid part of it.
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/orders/{id}/refunds"),
            &shop.admin,
            Some(&json!({ "amount_vnd": 25_000, "reason": "Hết nguyên liệu" })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(voucher_status(shop, &v).await, "issued");
    assert_eq!(shop.card(mai).await["balance"], 500);
    shop.assert_ledger_consistent().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voucher_and_points_come_off_an_order_and_go_back_when_it_fails_sqlite() {
    a_voucher_and_points_come_off_an_order_and_go_back_when_it_fails(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voucher_and_points_come_off_an_order_and_go_back_when_it_fails_postgres() {
    a_voucher_and_points_come_off_an_order_and_go_back_when_it_fails(Store::Postgres).await;
}

async fn a_member_cancels_an_order_awaiting_payment(store: Store) {
    let Some(app) = spawn_app(store).await else {
        return;
    };
    let shop = &Shop::open(&app).await;
    let r = shop
        .send(
            Method::PUT,
            "/api/v1/admin/loyalty/settings",
            &shop.admin,
            Some(&json!({ "tier_metric": "points", "tier_window_months": 12, "point_value_vnd": 100 })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let drink = shop
        .admin_post(
            "/api/v1/admin/products",
            &json!({ "name": "Bạc xỉu", "price_vnd": 30_000 }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let off = shop
        .reward(json!({ "name": "Giảm 5.000 đ", "kind": "discount_voucher", "discount_vnd": 5_000, "points_cost": 10 }))
        .await;
    let mai = &shop.member("Mai", "0912345678").await;
    let hoa = &shop.member("Hoa", "0987654321").await;
    shop.adjust(&mai.id, 110, None).await;
    let v = voucher(shop, mai, &off).await;
    let body = json!({ "items": [{ "product_id": drink, "quantity": 1 }], "provider": "momo", "voucher_id": v,
                       "points": 50, "idempotency_key": "c1" });
    let placed: Value = shop
        .send(Method::POST, "/api/v1/me/orders", &mai.token, Some(&body))
        .await
        .json()
        .await
        .unwrap();
    let id = placed["id"].as_str().unwrap();
    assert_eq!(shop.card(mai).await["balance"], 50);
    let cancel = |token: &str| {
        let (path, token) = (format!("/api/v1/me/orders/{id}/cancel"), token.to_owned());
        async move { shop.send(Method::POST, &path, &token, None).await }
    };
    assert_error(cancel(&hoa.token).await, StatusCode::NOT_FOUND, "unknown_order").await;
    let r = cancel(&mai.token).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "cancelled");
    assert_eq!(voucher_status(shop, &v).await, "issued");
    assert_eq!(shop.card(mai).await["balance"], 100);
    assert_error(cancel(&mai.token).await, StatusCode::CONFLICT, "order_not_cancellable").await;
    assert_eq!(
        shop.timeline_types(&mai.id)
            .await
            .iter()
            .filter(|t| *t == "order_cancelled")
            .count(),
        1
    );

    // MoMo's payment comes anyway: the member paid, so the order is paid, with its voucher and points.
    app.client
        .post(format!("{}/momo/payments/{id}/complete", app.sim.base_url))
        .json(&json!({ "result_code": 0 }))
        .send()
        .await
        .unwrap();
    let paid = shop.get(&format!("/api/v1/me/orders/{id}"), &mai.token).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(voucher_status(shop, &v).await, "used");
    assert_eq!(shop.card(mai).await["balance"], 50);
    assert_error(cancel(&mai.token).await, StatusCode::CONFLICT, "order_not_cancellable").await;
    shop.assert_ledger_consistent().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_cancels_an_order_awaiting_payment_sqlite() {
    a_member_cancels_an_order_awaiting_payment(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_cancels_an_order_awaiting_payment_postgres() {
    a_member_cancels_an_order_awaiting_payment(Store::Postgres).await;
}
