//! Website benchmark: `cargo xtask bench` (or `cargo bench -p cham-tests --bench website`).
//!
//! Prints the snippet's size as a website's visitors download it (raw, gzip and brotli), then, for each store
//! (SQLite; PostgreSQL when `CHAM_TEST_POSTGRES_URL` is set), has 2,000 website visitors (64 at a time, from the
//! brand's listed website, each allowing analytics first) send their page views through the anonymous events
//! API in the snippet's batches of 10: events/s, latency percentiles, and a check that every accepted event was
//! stored. Aim: the batched ingest figure of the ingestion benchmark.

#![allow(clippy::print_stdout, clippy::print_stderr, dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;
mod measure;

use std::io::Write;
use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use helpers::{Store, TestApp, admin_call, spawn_app};
use measure::{peak_memory_mib, report};
use serde_json::{Value, json};

const SITE: &str = "https://www.bench-coffee.vn";
const VISITORS: usize = 2_000;
const CONCURRENT: usize = 64;
/// Pages a visitor views; the snippet sends a view and a leave per page, batched by ten.
const PAGES: usize = 10;

async fn snippet_size(app: &TestApp) {
    let js = app
        .client
        .get(app.url("/w/acme.js"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut brotli = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
        w.write_all(&js).unwrap();
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&js).unwrap();
    let gzip = gzip.finish().unwrap();
    println!(
        "  snippet /w/{{brand}}.js       {:>7} bytes raw, {:>6} gzip, {:>6} brotli",
        js.len(),
        gzip.len(),
        brotli.len()
    );
}

async fn visitor(app: &TestApp, v: usize) -> (u64, Vec<Duration>) {
    let aid = format!("w-bench-{v:06}");
    let r = app
        .client
        .post(app.url("/api/v1/web/acme/consent"))
        .header("origin", SITE)
        .json(&json!({ "anonymous_id": aid, "analytics": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204, "consent");
    let events: Vec<Value> = (0..PAGES)
        .flat_map(|p| {
            let path = format!("/page-{p}");
            [
                json!({ "type": "page_viewed", "source": "web", "properties": { "path": path, "page_of_visit": p + 1 } }),
                json!({ "type": "page_left", "source": "web", "properties": { "path": path, "seconds": 12, "scroll_depth": 60 } }),
            ]
        })
        .collect();
    let mut accepted = 0;
    let mut latencies = Vec::new();
    for batch in events.chunks(10) {
        let t = Instant::now();
        let r = app
            .client
            .post(app.url("/api/v1/anonymous/events"))
            .header("origin", SITE)
            .json(&json!({ "brand": "acme", "anonymous_id": aid, "events": batch }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "a batch refused: {}", r.status());
        let body: Value = r.json().await.unwrap();
        latencies.push(t.elapsed());
        accepted += body["accepted"].as_u64().unwrap();
    }
    (accepted, latencies)
}

async fn run(store: Store) {
    let Some(app) = spawn_app(store).await else {
        println!("\n{store:?}: skipped (set CHAM_TEST_POSTGRES_URL)");
        return;
    };
    println!("\n{store:?}");
    let password = app
        .brand_user(&app.brand, "bench@acme.vn", app::api::StaffRole::Owner)
        .await;
    let admin = app.admin_token("acme", "bench@acme.vn", &password).await;
    admin_call(
        &app,
        &admin,
        reqwest::Method::PUT,
        "/api/v1/admin/website",
        json!({ "origins": [SITE] }),
    )
    .await;
    if store == Store::Sqlite {
        snippet_size(&app).await;
    }
    let start = Instant::now();
    let results: Vec<(u64, Vec<Duration>)> = stream::iter(0..VISITORS)
        .map(|v| {
            let app = &app;
            async move { visitor(app, v).await }
        })
        .buffer_unordered(CONCURRENT)
        .collect()
        .await;
    let elapsed = start.elapsed();
    let accepted: u64 = results.iter().map(|r| r.0).sum();
    let mut latencies: Vec<Duration> = results.into_iter().flat_map(|r| r.1).collect();
    println!(
        "  website visitors' events     {:>9.0} events/s  ({accepted} events of {VISITORS} visitors in {:.2} s, {CONCURRENT} at a time, batches of 10, consent first)",
        accepted as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    report("batch latency", &mut latencies);
    let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE type IN ('page_viewed', 'page_left')")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    println!(
        "  every accepted event stored: {} ({stored} of {accepted})",
        stored as u64 == accepted
    );
    assert_eq!(stored as u64, accepted, "an accepted event was lost");
    assert_eq!(accepted, (VISITORS * PAGES * 2) as u64, "every event accepted");
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!(
            "Chạm website benchmark ({} cores)",
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
