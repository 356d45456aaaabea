//! Online-to-offline benchmark: `cargo xtask bench` (or `cargo bench -p cham-tests --bench o2o`).
//!
//! For each store (SQLite; PostgreSQL when `CHAM_TEST_POSTGRES_URL` is set) it starts the real server on
//! loopback with one store, signs in 256 members and has 32 staff clients scan their member codes
//! (`POST /api/v1/staff/members/scan`: code checked, member resolved, their points, vouchers, gifts and last
//! visit read), printing scans per second with latency percentiles. Then it gives one campaign 250,000 clicks and
//! 1,000,000 attributed visits and purchases over 30 days (written straight into the store, in batches) and
//! times its report (`GET /api/v1/admin/campaigns/{id}/report`: the funnel, by store, by day) over 30 days.
//! Aims: scan p99 under 50 ms; the report under 1 s. Prints the peak memory.

#![allow(clippy::print_stdout, clippy::print_stderr, dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;
mod measure;

use measure::{peak_memory_mib, report};

use std::time::{Duration, Instant};

use app::api::StaffRole;
use helpers::{Store, TestApp, spawn_app};
use serde_json::{Value, json};

const MEMBERS: usize = 256;
const CLIENTS: usize = 32;
const SCANS: usize = 8_000;
const TOUCHES: usize = 250_000;
const CONVERSIONS: usize = 1_000_000;
const BATCH: usize = 500;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

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

async fn scans(app: &TestApp, admin: &str, store_id: &str) {
    let mut codes = Vec::with_capacity(MEMBERS);
    for i in 0..MEMBERS {
        let session = app
            .signed_in_customer(&format!("Khách {i}"), &format!("0912{i:06}"))
            .await;
        let token = session["tokens"]["access_token"].as_str().unwrap().to_owned();
        let qr: Value = app.get_with("/api/v1/me/qr", &token).await.json().await.unwrap();
        codes.push(qr["code"].as_str().unwrap().to_owned());
    }
    let codes = std::sync::Arc::new(codes);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let (http, url, admin, codes) = (
            app.client.clone(),
            app.url(&format!("/api/v1/staff/members/scan?store_id={store_id}")),
            admin.to_owned(),
            codes.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(SCANS / CLIENTS);
            for n in 0..SCANS / CLIENTS {
                let code = &codes[(client * 7 + n) % codes.len()];
                let at = Instant::now();
                let r = http
                    .post(&url)
                    .bearer_auth(&admin)
                    .json(&json!({ "code": code }))
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success(), "scan: {}", r.status());
                let _ = r.bytes().await.unwrap();
                latencies.push(at.elapsed());
            }
            latencies
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "  member scans: {:.0} scans/s ({} scans, {CLIENTS} clients)",
        latencies.len() as f64 / secs,
        latencies.len()
    );
    report("scan → member card", &mut latencies);
}

/// Writes `rows` rows of `columns` values each, `BATCH` a statement, in one transaction per 20 statements.
async fn fill(app: &TestApp, table: &str, columns: &[&str], rows: usize, row: impl Fn(usize) -> Vec<Value>) {
    let mut n = 0;
    while n < rows {
        let mut tx = app.db.begin().await.unwrap();
        for _ in 0..20 {
            if n >= rows {
                break;
            }
            let count = BATCH.min(rows - n);
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            for r in 0..count {
                let marks: Vec<String> = (0..columns.len())
                    .map(|c| format!("${}", r * columns.len() + c + 1))
                    .collect();
                sql.push_str(&format!("{}({})", if r == 0 { "" } else { ", " }, marks.join(", ")));
            }
            let mut query = sqlx::query(&sql);
            for r in 0..count {
                for value in row(n + r) {
                    query = match value {
                        Value::Null => query.bind(None::<String>),
                        Value::Number(v) => query.bind(v.as_i64().unwrap()),
                        Value::String(v) => query.bind(v),
                        other => panic!("unexpected {other}"),
                    };
                }
            }
            query.execute(&mut *tx).await.unwrap();
            n += count;
        }
        tx.commit().await.unwrap();
    }
}

async fn attribution_report(app: &TestApp, admin: &str, stores: &[String]) {
    let campaign = post(
        app,
        admin,
        "/api/v1/admin/campaigns",
        json!({ "name": "Bench", "slug": "bench" }),
    )
    .await;
    let id = campaign["id"].as_str().unwrap().to_owned();
    let brand = app.brand.id.clone();
    let now = cham_server::db::now_ms();
    // Within the report's 30 days, whatever the time of day: at most 28 days and 23 hours back.
    let at = |i: usize| now - (i as i64 % 28) * DAY_MS - (i as i64 % 82_800) * 1000;
    let started = Instant::now();
    fill(
        app,
        "touches",
        &[
            "id",
            "brand_id",
            "campaign_id",
            "kind",
            "channel",
            "device",
            "profile_id",
            "touched_at",
        ],
        TOUCHES,
        |i| {
            vec![
                json!(format!("t{i}")),
                json!(brand),
                json!(id),
                json!("link"),
                json!("zalo_oa"),
                json!("ios"),
                if i % 3 == 0 {
                    Value::Null
                } else {
                    json!(format!("p{}", i % 100_000))
                },
                json!(at(i)),
            ]
        },
    )
    .await;
    fill(
        app,
        "attributions",
        &[
            "event_id",
            "brand_id",
            "profile_id",
            "event_type",
            "occurred_at",
            "value_vnd",
            "store_id",
            "campaign_id",
            "touch_id",
            "first_campaign_id",
            "first_touch_id",
        ],
        CONVERSIONS,
        |i| {
            let purchase = i % 4 != 0;
            vec![
                json!(format!("e{i}")),
                json!(brand),
                json!(format!("p{}", i % 100_000)),
                json!(if purchase { "offline_purchase" } else { "checked_in" }),
                json!(at(i)),
                // A visit has no amount; 0 rather than NULL keeps the batch's binds one type per column.
                json!(if purchase { 50_000 + (i % 10) as i64 * 5_000 } else { 0 }),
                json!(stores[i % stores.len()]),
                json!(id),
                json!(format!("t{}", i % TOUCHES)),
                json!(id),
                json!(format!("t{}", i % TOUCHES)),
            ]
        },
    )
    .await;
    // A bulk load bypasses the writers that keep the report's rollup: rebuild it, as after a restore.
    let mut tx = app.db.begin().await.unwrap();
    cham_server::campaigns::rollup::rebuild(&mut tx, &id).await.unwrap();
    tx.commit().await.unwrap();
    println!(
        "  wrote {TOUCHES} clicks and {CONVERSIONS} attributed visits and purchases, and rebuilt the rollup, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // What autovacuum does after a load, so PostgreSQL's index-only scans see the rows as visible (a brand's
    // million attributions arrive over weeks, not in one bulk insert).
    if app.db.dialect() == cham_server::db::Dialect::Postgres {
        sqlx::query("VACUUM ANALYZE touches, attributions, campaign_days, campaign_people")
            .execute(app.db.write())
            .await
            .unwrap();
    }
    let mut latencies = Vec::new();
    let mut last = Value::Null;
    for _ in 0..5 {
        let at = Instant::now();
        let r = app
            .get_with(&format!("/api/v1/admin/campaigns/{id}/report"), admin)
            .await;
        assert!(r.status().is_success());
        last = r.json().await.unwrap();
        latencies.push(at.elapsed());
    }
    let total = &last["total"];
    assert_eq!(
        total["visits"].as_i64().unwrap() + total["purchases"].as_i64().unwrap(),
        CONVERSIONS as i64,
        "{total}"
    );
    report("campaign report, 30 days", &mut latencies);
}

async fn run(store: Store) {
    let Some(app) = spawn_app(store).await else {
        println!("\n{store:?}: skipped (set CHAM_TEST_POSTGRES_URL)");
        return;
    };
    println!("\n{store:?}");
    let password = app.brand_user(&app.brand, "bench@acme.vn", StaffRole::Admin).await;
    let admin = app.admin_token("acme", "bench@acme.vn", &password).await;
    let mut stores = Vec::new();
    for name in ["Quận 1", "Thảo Điền", "Hà Nội"] {
        let s = post(
            &app,
            &admin,
            "/api/v1/admin/stores",
            json!({ "name": name, "address": "1 Lê Lợi", "active": true }),
        )
        .await;
        stores.push(s["id"].as_str().unwrap().to_owned());
    }
    scans(&app, &admin, &stores[0]).await;
    attribution_report(&app, &admin, &stores).await;
    println!("  peak memory {:.0} MiB", peak_memory_mib());
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    println!(
        "Online-to-offline benchmark: {MEMBERS} members scanned by {CLIENTS} staff clients; a campaign with {CONVERSIONS} attributed events"
    );
    run(Store::Sqlite).await;
    run(Store::Postgres).await;
}
