//! One-tap purchase benchmark: `cargo xtask bench` (or `cargo bench -p cham-tests --bench commerce`).
//!
//! For each store (SQLite; PostgreSQL when `CHAM_TEST_POSTGRES_URL` is set) it starts the real server on
//! loopback with a one-product menu and a points-per-VND rule, signs in 256 members, and has 64 clients each
//! place orders (`POST /api/v1/me/orders`, priced by the server) and pay them with Zalo Checkout's callback
//! signed as `SUPERAPP.md` §5 says, a second copy of every callback sent too. It prints paid orders per second
//! with p50/p99 of create and of callback, then checks that every order is paid once and its points credited once.
//! Aim: 1,000 paid orders/s on SQLite on 2 cores. Prints the peak memory.

#![allow(clippy::print_stdout, clippy::print_stderr, dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;
mod measure;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use app::api::StaffRole;
use helpers::{Store, TestApp, spawn_app};
use hmac::{Hmac, Mac};
use measure::{peak_memory_mib, report};
use serde_json::{Map, Value, json};
use sha2::Sha256;

const MEMBERS: usize = 256;
const CLIENTS: usize = 64;
const ORDERS: usize = 6_400;
/// The test brand's Checkout private key (`helpers.rs`).
const CHECKOUT_KEY: &str = "checkout-key";

fn mac(text: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(CHECKOUT_KEY.as_bytes()).unwrap();
    m.update(text.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

fn raw(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The callback Zalo sends once `order` is paid.
fn callback(order: &Value, trans: usize) -> Value {
    let pay = &order["payment"];
    let extradata =
        percent_encoding::utf8_percent_encode(pay["extradata"].as_str().unwrap(), percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    let data: Map<String, Value> = serde_json::from_value(json!({
        "appId": "1234567890", "orderId": format!("zp{trans}"), "transId": format!("t{trans}"),
        "transTime": 1_796_104_800_000_i64, "merchantTransId": "", "amount": pay["amount"],
        "description": pay["desc"], "resultCode": 1, "message": "Giao dịch thành công",
        "extradata": extradata, "method": "ZALOPAY_SANDBOX",
    }))
    .unwrap();
    let f = |k: &str| raw(&data[k]);
    let fixed = format!(
        "appId={}&amount={}&description={}&orderId={}&message={}&resultCode={}&transId={}",
        f("appId"),
        f("amount"),
        f("description"),
        f("orderId"),
        f("message"),
        f("resultCode"),
        f("transId")
    );
    let mut keys: Vec<_> = data.keys().cloned().collect();
    keys.sort();
    let overall: Vec<String> = keys.iter().map(|k| format!("{k}={}", raw(&data[k]))).collect();
    json!({ "data": data, "mac": mac(&fixed), "overallMac": mac(&overall.join("&")) })
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

async fn run(store: Store) {
    let Some(app) = spawn_app(store).await else {
        println!("\n{store:?}: skipped (set CHAM_TEST_POSTGRES_URL)");
        return;
    };
    println!("\n{store:?}");
    let password = app.brand_user(&app.brand, "bench@acme.vn", StaffRole::Admin).await;
    let admin = app.admin_token("acme", "bench@acme.vn", &password).await;
    post(
        &app,
        &admin,
        "/api/v1/admin/loyalty/rules",
        json!({ "name": "Online", "kind": "per_vnd", "trigger": "order_paid", "points": 1, "per_vnd": 1000,
                "rounding": "floor", "pending_days": 0, "expiry_days": null, "active": true }),
    )
    .await;
    let product = post(
        &app,
        &admin,
        "/api/v1/admin/products",
        json!({ "name": "Cà phê sữa đá", "price_vnd": 29_000, "options": [
            { "id": "size", "name": "Cỡ", "min": 1, "max": 1, "choices": [
                { "id": "m", "name": "Vừa" }, { "id": "l", "name": "Lớn", "price_delta_vnd": 10_000 } ] } ] }),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tokens = Vec::with_capacity(MEMBERS);
    for i in 0..MEMBERS {
        let session = app
            .signed_in_customer(&format!("Khách {i}"), &format!("0913{i:06}"))
            .await;
        tokens.push(session["tokens"]["access_token"].as_str().unwrap().to_owned());
    }
    let tokens = Arc::new(tokens);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let (http, base, tokens, product) = (app.client.clone(), app.address.clone(), tokens.clone(), product.clone());
        tasks.push(tokio::spawn(async move {
            let (mut creates, mut callbacks) = (Vec::new(), Vec::new());
            for n in 0..ORDERS / CLIENTS {
                let i = client * (ORDERS / CLIENTS) + n;
                let token = &tokens[i % tokens.len()];
                let at = Instant::now();
                let r = http
                    .post(format!("{base}/api/v1/me/orders"))
                    .bearer_auth(token)
                    .json(
                        &json!({ "items": [{ "product_id": product, "quantity": 1 + (i % 3) as i64,
                        "choice_ids": [if i.is_multiple_of(2) { "m" } else { "l" }] }], "provider": "zalo",
                        "idempotency_key": format!("bench-{i}") }),
                    )
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success(), "order: {}", r.status());
                let order: Value = r.json().await.unwrap();
                creates.push(at.elapsed());
                let body = callback(&order, i);
                // Zalo repeats callbacks: the second copy must change nothing.
                for _ in 0..2 {
                    let at = Instant::now();
                    let answer: Value = http
                        .post(format!("{base}/api/v1/webhooks/zalo-checkout/acme"))
                        .json(&body)
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    assert_eq!(answer["returnCode"], 1, "{answer}");
                    callbacks.push(at.elapsed());
                }
            }
            (creates, callbacks)
        }));
    }
    let (mut creates, mut callbacks) = (Vec::<Duration>::new(), Vec::<Duration>::new());
    for t in tasks {
        let (c, b) = t.await.unwrap();
        creates.extend(c);
        callbacks.extend(b);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "  paid orders: {:.0} orders/s ({ORDERS} orders placed and paid, each callback sent twice, {CLIENTS} clients)",
        ORDERS as f64 / secs
    );
    report("place an order", &mut creates);
    report("Checkout callback", &mut callbacks);
    // Every order paid once, its points once.
    let (paid,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let (events,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE type = 'order_paid'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let (points, expected): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT CAST(SUM(points) AS BIGINT) FROM points_entries WHERE kind = 'earn'), \
         (SELECT CAST(SUM(total_vnd / 1000) AS BIGINT) FROM orders)",
    )
    .fetch_one(app.db.read())
    .await
    .unwrap();
    println!(
        "  paid once: {} (orders paid {paid}, order_paid events {events}); points once: {}",
        paid == ORDERS as i64 && events == ORDERS as i64,
        points == expected
    );
    assert_eq!((paid, events), (ORDERS as i64, ORDERS as i64));
    assert_eq!(points, expected);
    println!("  peak memory {:.0} MiB", peak_memory_mib());
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    println!("One-tap purchase benchmark: {CLIENTS} clients place and pay {ORDERS} orders for {MEMBERS} members");
    run(Store::Sqlite).await;
    run(Store::Postgres).await;
}
