//! Orders whose payment notice never came: twenty minutes later a job asks the payment service (Zalo Checkout's
//! status query, MoMo's query, both signed) and settles the order once; a late notice then changes nothing; an
//! order never paid fails after a day. The test drives the worker round by round with a clock it moves.

use std::{sync::Arc, time::Duration};

use cham_server::{
    Providers,
    clock::Clock,
    job_registry,
    jobs::{Worker, WorkerOptions},
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, spawn_with},
    loyalty_support::{Member, Shop},
};

const START: i64 = 1_800_000_000_000;
const MINUTE: i64 = 60 * 1000;

pub(crate) fn worker(app: &TestApp, clock: &Clock) -> Worker {
    let mut config = app.config.clone();
    config.public_url = Some(app.address.clone());
    let providers = Providers::new(&config, app.master.sealer()).unwrap();
    Worker::new(
        app.db.clone(),
        clock.clone(),
        Arc::new(job_registry(&app.db, clock, &providers)),
        WorkerOptions {
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(50),
            concurrency: 4,
        },
    )
}

/// Runs every job due until none is left (the server's periodic jobs among them).
pub(crate) async fn drain(worker: &Worker) {
    for _ in 0..50 {
        if worker.run_once().await.unwrap() == 0 {
            return;
        }
    }
    panic!("jobs kept coming");
}

pub(crate) async fn place(shop: &Shop<'_>, member: &Member, drink: &str, provider: &str, key: &str) -> Value {
    let body = json!({ "items": [{ "product_id": drink, "quantity": 1, "choice_ids": ["m"] }], "provider": provider, "idempotency_key": key });
    let r = shop
        .send(Method::POST, "/api/v1/me/orders", &member.token, Some(&body))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

pub(crate) async fn status(shop: &Shop<'_>, member: &Member, order: &Value) -> String {
    let o = shop
        .get(
            &format!("/api/v1/me/orders/{}", order["id"].as_str().unwrap()),
            &member.token,
        )
        .await;
    o["status"].as_str().unwrap().to_owned()
}

async fn a_payment_without_its_notice_is_settled_by_asking(store: Store) {
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
            &json!({ "name": "Bạc xỉu", "price_vnd": 32_000, "options": [
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

    // Zalo: paid in the Checkout, but the callback is lost.
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
    shop.send(
        Method::POST,
        &format!("/api/v1/me/orders/{}/zalo-order", zalo["id"].as_str().unwrap()),
        &mai.token,
        Some(&json!({ "zalo_order_id": checkout_id })),
    )
    .await;
    sim(
        format!("/zalo/checkout/{checkout_id}/result"),
        json!({ "outcome": "paid", "deliver": false }),
    )
    .await
    .unwrap();
    // MoMo: paid, the IPN lost. And an order nobody pays.
    let momo = place(&shop, &mai, &drink, "momo", "m1").await;
    sim(
        format!("/momo/payments/{}/complete", momo["id"].as_str().unwrap()),
        json!({ "result_code": 0, "deliver": false }),
    )
    .await
    .unwrap();
    let unpaid = place(&shop, &mai, &drink, "zalo", "z2").await;

    let worker = worker(&app, &clock);
    drain(&worker).await;
    assert_eq!(
        status(&shop, &mai, &zalo).await,
        "awaiting_payment",
        "nothing is asked before twenty minutes"
    );
    clock.advance(21 * MINUTE);
    drain(&worker).await;
    assert_eq!(status(&shop, &mai, &zalo).await, "paid");
    assert_eq!(status(&shop, &mai, &momo).await, "paid");
    assert_eq!(status(&shop, &mai, &unpaid).await, "awaiting_payment");
    assert_eq!(shop.card(&mai).await["balance"], 64);

    // The lost callback arrives at last: it is a repeat and pays nothing more.
    let late: Value = sim(
        format!("/zalo/checkout/{checkout_id}/result"),
        json!({ "outcome": "paid" }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(late["return_codes"], json!([1]));
    assert_eq!(shop.card(&mai).await["balance"], 64);
    let (paid,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE type = 'order_paid'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(paid, 2);
    let (queries,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM payment_events WHERE kind = 'query'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(queries, 2, "each answer that settled an order is on its trail");

    // The unpaid order is asked about again, and fails once a day has passed.
    clock.advance(21 * MINUTE);
    drain(&worker).await;
    assert_eq!(status(&shop, &mai, &unpaid).await, "awaiting_payment");
    clock.advance(24 * 60 * MINUTE);
    drain(&worker).await;
    assert_eq!(status(&shop, &mai, &unpaid).await, "failed");
    shop.assert_ledger_consistent().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_without_its_notice_is_settled_by_asking_sqlite() {
    a_payment_without_its_notice_is_settled_by_asking(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_without_its_notice_is_settled_by_asking_postgres() {
    a_payment_without_its_notice_is_settled_by_asking(Store::Postgres).await;
}
