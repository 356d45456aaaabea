//! The console's sales: paid orders over a period by day, store and product, revenue net of refunds; unpaid
//! orders count for nothing; one store's view; a bad period or store is refused; another brand sees none of it.

use app::api::StaffRole;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{Store, assert_error, spawn_app},
    loyalty_support::Shop,
};

fn store(name: &str) -> Value {
    json!({ "name": name, "address": "12 Nguyễn Huệ, Quận 1", "latitude": 10.77, "longitude": 106.70,
            "hours": "7:00–22:00", "active": true })
}

async fn sales_add_up_paid_orders_by_day_store_and_product(kind: Store) {
    let Some(app) = spawn_app(kind).await else {
        return;
    };
    let shop = &Shop::open(&app).await;
    let one = shop
        .admin_post("/api/v1/admin/stores", &store("Nguyễn Huệ"), StatusCode::CREATED)
        .await;
    let two = shop
        .admin_post("/api/v1/admin/stores", &store("Thảo Điền"), StatusCode::CREATED)
        .await;
    let (one, two) = (one["id"].as_str().unwrap(), two["id"].as_str().unwrap());
    let product = |name: &'static str, price: i64| async move {
        shop.admin_post(
            "/api/v1/admin/products",
            &json!({ "name": name, "price_vnd": price }),
            StatusCode::CREATED,
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let tea = product("Trà đào", 40_000).await;
    let cake = product("Bánh bông lan", 30_000).await;
    let mai = &shop.member("Mai", "0912345678").await;
    let place = |product: &str, quantity: i64, at: &str, key: &str| {
        let body = json!({ "items": [{ "product_id": product, "quantity": quantity }], "provider": "momo",
                           "store_id": at, "idempotency_key": key });
        async move {
            let r = shop
                .send(Method::POST, "/api/v1/me/orders", &mai.token, Some(&body))
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
            r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
        }
    };
    let app = &app;
    let pay = |id: String| async move {
        let r = app
            .client
            .post(format!("{}/momo/payments/{id}/complete", app.sim.base_url))
            .json(&json!({ "result_code": 0 }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        id
    };
    let teas = pay(place(&tea, 2, one, "a").await).await;
    pay(place(&cake, 1, two, "b").await).await;
    place(&tea, 5, one, "unpaid").await;
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/orders/{teas}/refunds"),
            &shop.admin,
            Some(&json!({ "amount_vnd": 10_000, "reason": "Thiếu đá" })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let report = shop.get("/api/v1/admin/sales", &shop.admin).await;
    assert_eq!(
        report["totals"],
        json!({ "orders": 2, "revenue_vnd": 100_000, "refunded_vnd": 10_000, "average_vnd": 50_000 })
    );
    let days = report["by_day"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(days[29]["revenue_vnd"], 100_000, "today is the last day");
    assert_eq!(days[0]["orders"], 0);
    let stores: Vec<(&str, i64)> = report["by_store"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["revenue_vnd"].as_i64().unwrap()))
        .collect();
    assert_eq!(stores, [("Nguyễn Huệ", 70_000), ("Thảo Điền", 30_000)]);
    let products: Vec<(&str, i64, i64)> = report["by_product"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["quantity"].as_i64().unwrap(),
                p["sales_vnd"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(products, [("Trà đào", 2, 80_000), ("Bánh bông lan", 1, 30_000)]);

    // One store; a week; refusals.
    let at_two = shop
        .get(&format!("/api/v1/admin/sales?days=7&store_id={two}"), &shop.admin)
        .await;
    assert_eq!(
        (
            at_two["totals"]["orders"].as_i64(),
            at_two["totals"]["revenue_vnd"].as_i64()
        ),
        (Some(1), Some(30_000))
    );
    assert_eq!(at_two["by_day"].as_array().unwrap().len(), 7);
    let r = shop
        .send(Method::GET, "/api/v1/admin/sales?days=3", &shop.admin, None)
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_period").await;
    let r = shop
        .send(Method::GET, "/api/v1/admin/sales?store_id=nope", &shop.admin, None)
        .await;
    assert_error(r, StatusCode::NOT_FOUND, "unknown_store").await;
    let password = app.brand_user(&app.brand, "till@acme.vn", StaffRole::Staff).await;
    let staff = app.admin_token("acme", "till@acme.vn", &password).await;
    let r = shop.send(Method::GET, "/api/v1/admin/sales", &staff, None).await;
    assert_error(r, StatusCode::FORBIDDEN, "admins_only").await;
    let other = app.other_brand("beta").await;
    let password = app.brand_user(&other, "boss@beta.vn", StaffRole::Admin).await;
    let beta = app.admin_token("beta", "boss@beta.vn", &password).await;
    let theirs = shop.get("/api/v1/admin/sales", &beta).await;
    assert_eq!(theirs["totals"]["orders"], 0);
    let r = shop
        .send(Method::GET, &format!("/api/v1/admin/sales?store_id={one}"), &beta, None)
        .await;
    assert_error(r, StatusCode::NOT_FOUND, "unknown_store").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_add_up_paid_orders_by_day_store_and_product_sqlite() {
    sales_add_up_paid_orders_by_day_store_and_product(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_add_up_paid_orders_by_day_store_and_product_postgres() {
    sales_add_up_paid_orders_by_day_store_and_product(Store::Postgres).await;
}
