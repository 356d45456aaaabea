//! The store's side of an order: staff at the pick-up store see it once it is paid, mark it ready and then picked
//! up (fulfilled); staff of another store cannot touch it, an unpaid order is refused, and each step is on the
//! member's timeline and on their order screen. A member's orders are in their data export; erasure blanks an order's note.

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

async fn staff_prepare_paid_orders_at_their_store(store_kind: Store) {
    let Some(app) = spawn_app(store_kind).await else {
        return;
    };
    let shop = &Shop::open(&app).await;
    let a = shop
        .admin_post("/api/v1/admin/stores", &store("Nguyễn Huệ"), StatusCode::CREATED)
        .await;
    let b = shop
        .admin_post("/api/v1/admin/stores", &store("Thảo Điền"), StatusCode::CREATED)
        .await;
    let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    for (email, at) in [("till@acme.vn", a_id), ("far@acme.vn", b_id)] {
        let invite = json!({ "email": email, "password": "a long first password", "role": "staff", "store_ids": [at] });
        shop.admin_post("/api/v1/admin/staff", &invite, StatusCode::CREATED)
            .await;
    }
    let till = app.admin_token("acme", "till@acme.vn", "a long first password").await;
    let far = app.admin_token("acme", "far@acme.vn", "a long first password").await;
    let drink = shop
        .admin_post(
            "/api/v1/admin/products",
            &json!({ "name": "Trà đào", "price_vnd": 39_000 }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mai = &shop.member("Mai", "0912345678").await;
    let place = |key: &str| {
        let body = json!({ "items": [{ "product_id": drink, "quantity": 2 }], "provider": "momo", "store_id": a_id, "idempotency_key": key });
        async move {
            let r = shop
                .send(Method::POST, "/api/v1/me/orders", &mai.token, Some(&body))
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
            r.json::<Value>().await.unwrap()
        }
    };
    let paid = place("p1").await;
    let unpaid = place("p2").await;
    let r = app
        .client
        .post(format!(
            "{}/momo/payments/{}/complete",
            app.sim.base_url,
            paid["id"].as_str().unwrap()
        ))
        .json(&json!({ "result_code": 0 }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let (paid_id, unpaid_id) = (paid["id"].as_str().unwrap(), unpaid["id"].as_str().unwrap());

    // The pick-up store's staff see the paid order only; the other store's see nothing of it.
    let list = shop.get(&format!("/api/v1/staff/orders?store_id={a_id}"), &till).await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["order"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [paid_id]);
    assert_eq!(list["items"][0]["member_name"], "Mai");
    let r = shop
        .send(
            Method::GET,
            &format!("/api/v1/staff/orders?store_id={a_id}"),
            &far,
            None,
        )
        .await;
    assert_error(r, StatusCode::FORBIDDEN, "store_not_yours").await;
    let theirs = shop.get(&format!("/api/v1/staff/orders?store_id={b_id}"), &far).await;
    assert_eq!(theirs["items"], json!([]));
    let step = |id: &str, what: &str, token: &str| {
        let path = format!("/api/v1/staff/orders/{id}/{what}");
        let token = token.to_owned();
        async move { shop.send(Method::POST, &path, &token, None).await }
    };
    assert_error(
        step(paid_id, "ready", &far).await,
        StatusCode::FORBIDDEN,
        "store_not_yours",
    )
    .await;
    assert_error(
        step(unpaid_id, "ready", &till).await,
        StatusCode::CONFLICT,
        "order_not_paid",
    )
    .await;
    assert_error(
        step("nope", "ready", &till).await,
        StatusCode::NOT_FOUND,
        "unknown_order",
    )
    .await;
    assert_error(
        step(paid_id, "ready", &mai.token).await,
        StatusCode::FORBIDDEN,
        "staff_only",
    )
    .await;

    // Ready, then picked up: the member's order screen follows, and each step is on the timeline once.
    let r = step(paid_id, "ready", &till).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.json::<Value>().await.unwrap()["ready_at"].is_string());
    assert_eq!(
        step(paid_id, "ready", &till).await.status(),
        StatusCode::OK,
        "again changes nothing"
    );
    let mine = shop.get(&format!("/api/v1/me/orders/{paid_id}"), &mai.token).await;
    assert!(mine["ready_at"].is_string());
    assert_eq!(mine["status"], "paid");
    let r = step(paid_id, "picked-up", &till).await;
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["status"], "fulfilled");
    assert!(done["fulfilled_at"].is_string());
    assert_error(
        step(paid_id, "picked-up", &till).await,
        StatusCode::CONFLICT,
        "order_picked_up",
    )
    .await;
    let list = shop.get(&format!("/api/v1/staff/orders?store_id={a_id}"), &till).await;
    assert_eq!(list["items"], json!([]), "a picked-up order leaves the list");
    let types = shop.timeline_types(&mai.id).await;
    assert_eq!(types.iter().filter(|t| *t == "order_ready").count(), 1);
    assert_eq!(types.iter().filter(|t| *t == "order_picked_up").count(), 1);

    // A fulfilled order can still be refunded.
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/orders/{paid_id}/refunds"),
            &shop.admin,
            Some(&json!({ "amount_vnd": 39_000, "reason": "Ly bị đổ" })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mine = shop.get(&format!("/api/v1/me/orders/{paid_id}"), &mai.token).await;
    assert_eq!(
        (mine["status"].as_str(), mine["refunded_vnd"].as_i64()),
        (Some("partly_refunded"), Some(39_000))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_prepare_paid_orders_at_their_store_sqlite() {
    staff_prepare_paid_orders_at_their_store(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_prepare_paid_orders_at_their_store_postgres() {
    staff_prepare_paid_orders_at_their_store(Store::Postgres).await;
}

async fn a_members_orders_are_in_their_export_and_their_note_goes_with_erasure(store_kind: Store) {
    let Some(app) = spawn_app(store_kind).await else {
        return;
    };
    let shop = &Shop::open(&app).await;
    let drink = shop
        .admin_post(
            "/api/v1/admin/products",
            &json!({ "name": "Cà phê đen", "price_vnd": 25_000 }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mai = &shop.member("Mai", "0912345678").await;
    let body = json!({ "items": [{ "product_id": drink, "quantity": 1 }], "provider": "momo",
                       "note": "Gọi 0912 345 678 khi tới", "idempotency_key": "e1" });
    let r = shop
        .send(Method::POST, "/api/v1/me/orders", &mai.token, Some(&body))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();

    let export = shop.get("/api/v1/me/export", &mai.token).await;
    assert_eq!(export["orders"][0]["id"], id.as_str());
    assert_eq!(export["orders"][0]["note"], "Gọi 0912 345 678 khi tới");
    assert_eq!(export["orders"][0]["total_vnd"], 25_000);
    assert!(
        export["orders"][0]["payment"].is_null(),
        "an export carries no way to pay"
    );

    let r = shop.send(Method::POST, "/api/v1/me/erasure", &mai.token, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (note, total): (String, i64) = sqlx::query_as("SELECT note, total_vnd FROM orders WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(
        (note.as_str(), total),
        ("", 25_000),
        "the record stays for the accounts; the member's words go"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_orders_are_in_their_export_and_their_note_goes_with_erasure_sqlite() {
    a_members_orders_are_in_their_export_and_their_note_goes_with_erasure(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_orders_are_in_their_export_and_their_note_goes_with_erasure_postgres() {
    a_members_orders_are_in_their_export_and_their_note_goes_with_erasure(Store::Postgres).await;
}
