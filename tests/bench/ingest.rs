//! Ingestion benchmark: `cargo xtask bench` (or `cargo bench -p cham-tests --bench ingest`).
//!
//! For each store (SQLite; PostgreSQL when `CHAM_TEST_POSTGRES_URL` is set) it starts the real server on
//! loopback, then measures:
//! - batched ingest: 8 concurrent clients posting batches of 500 events to `POST /api/v1/events` for a fixed
//!   number of batches: events/s and per-request latency percentiles;
//! - single-event ingest: one event a request, paced at 1,000 requests/s for 10 s: latency percentiles.
//!
//! It checks that every acknowledged event is committed. Peak memory (VmHWM) covers the whole process, which
//! holds both the server and the load generator. All traffic stays on 127.0.0.1 and every loop is bounded.

#![allow(clippy::print_stdout, clippy::print_stderr, dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;
mod measure;

use measure::{peak_memory_mib, report};

use std::time::{Duration, Instant};

use helpers::{Store, TestApp, spawn_app};
use serde_json::{Value, json};

const BATCH: usize = 500;
const BATCH_CLIENTS: usize = 8;
const BATCHES_PER_CLIENT: usize = 25;
const SINGLE_RATE_PER_SEC: u64 = 1_000;
const SINGLE_SECONDS: u64 = 10;

/// A signed-in member who allows analytics of their app use, so `app_opened` and `screen_viewed` are recorded.
async fn customer_token(app: &TestApp, i: usize) -> String {
    let session = app
        .signed_in_customer(&format!("Bench {i}"), &format!("09120{i:05}"))
        .await;
    let token = session["tokens"]["access_token"].as_str().unwrap().to_owned();
    let r = app
        .client
        .put(app.url("/api/v1/me/consents/analytics"))
        .bearer_auth(&token)
        .json(&json!({ "granted": true, "wording_version": "bench" }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "analytics consent: {}", r.status());
    token
}

async fn batched(app: &TestApp) -> u64 {
    let mut tokens = Vec::new();
    for i in 0..BATCH_CLIENTS {
        tokens.push(customer_token(app, i).await);
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (c, token) in tokens.into_iter().enumerate() {
        let client = app.client.clone();
        let url = app.url("/api/v1/events");
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut acked = 0u64;
            for b in 0..BATCHES_PER_CLIENT {
                let events: Vec<Value> = (0..BATCH)
                    .map(|i| json!({ "type": "screen_viewed", "source": "zalo", "properties": { "screen": "menu", "c": c, "b": b, "i": i } }))
                    .collect();
                let t = Instant::now();
                let r = client.post(&url).bearer_auth(&token).json(&json!({ "events": events })).send().await.unwrap();
                assert!(r.status().is_success(), "batch refused: {}", r.status());
                let body: Value = r.json().await.unwrap();
                latencies.push(t.elapsed());
                acked += body["accepted"].as_u64().unwrap();
            }
            (acked, latencies)
        }));
    }
    let mut acked = 0;
    let mut latencies = Vec::new();
    for t in tasks {
        let (a, l) = t.await.unwrap();
        acked += a;
        latencies.extend(l);
    }
    let elapsed = start.elapsed();
    println!(
        "  batched ingest               {:>9.0} events/s  ({acked} events in {:.2} s, {BATCH_CLIENTS} clients, batches of {BATCH})",
        acked as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    report("batch latency", &mut latencies);
    acked
}

async fn single(app: &TestApp) -> u64 {
    let token = customer_token(app, 99).await;
    let total = SINGLE_RATE_PER_SEC * SINGLE_SECONDS;
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / SINGLE_RATE_PER_SEC));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        ticker.tick().await;
        let client = app.client.clone();
        let url = app.url("/api/v1/events");
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let r = client
                .post(&url)
                .bearer_auth(&token)
                .json(&json!({ "type": "app_opened", "source": "zalo", "idempotency_key": format!("single-{i}") }))
                .send()
                .await
                .unwrap();
            let ok = r.status().is_success();
            (ok, t.elapsed())
        }));
    }
    let mut latencies = Vec::new();
    let mut acked = 0;
    for t in tasks {
        let (ok, l) = t.await.unwrap();
        acked += u64::from(ok);
        latencies.push(l);
    }
    println!(
        "  single-event ingest          {:>9.0} requests/s offered, {:.0} achieved",
        SINGLE_RATE_PER_SEC,
        acked as f64 / start.elapsed().as_secs_f64()
    );
    report("single-event latency", &mut latencies);
    acked
}

async fn run(store: Store) {
    let Some(app) = spawn_app(store).await else {
        println!("\n{store:?}: skipped (set CHAM_TEST_POSTGRES_URL)");
        return;
    };
    println!("\n{store:?}");
    let bench_events = "SELECT COUNT(*) FROM events WHERE type IN ('screen_viewed', 'app_opened')";
    let (base,): (i64,) = sqlx::query_as(bench_events).fetch_one(app.db.read()).await.unwrap();
    let acked = batched(&app).await + single(&app).await;
    // Count only the benchmark's own event types: signing the clients in records events of its own.
    let (after,): (i64,) = sqlx::query_as(bench_events).fetch_one(app.db.read()).await.unwrap();
    let stored = (after - base) as u64;
    println!(
        "  every acknowledged event committed: {} ({stored} stored of {acked} acknowledged)",
        stored == acked
    );
    assert_eq!(stored, acked, "an acknowledged event was lost");
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!(
            "Chạm ingestion benchmark ({} cores)",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        run(Store::Sqlite).await;
        run(Store::Postgres).await;
        println!(
            "\npeak memory (server and load generator, one process): {:.1} MiB",
            peak_memory_mib()
        );
    });
}
