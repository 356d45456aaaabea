//! Re-engagement dispatch benchmark: `cargo xtask bench` (or `cargo bench -p cham-tests --bench messages`).
//!
//! For each store (SQLite; PostgreSQL when `CHAM_TEST_POSTGRES_URL` is set) it starts the real server on loopback
//! with its workers, writes 20,000 members straight into the store (a verified phone and SMS marketing consent
//! each), saves a segment of them, and sends one SMS message to it through the simulated eSMS gateway, the consent
//! and the day's and week's caps checked and counted for every person. It prints how long the segment took to
//! compute, recipients per second from "send" to the last one handled, and the peak memory; then checks that each
//! member was sent exactly one SMS. Aim: 2,000 messages/s on 2 cores, and 100,000 recipients within a minute
//! (`CHAM_BENCH_MESSAGE_MEMBERS=100000`).

#![allow(clippy::print_stdout, clippy::print_stderr, dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;
mod measure;

use std::time::{Duration, Instant};

use app::api::StaffRole;
use helpers::{Store, admin_call, seed_sms_members, spawn_app};
use measure::peak_memory_mib;
use serde_json::{Value, json};

/// How many members get the message (`CHAM_BENCH_MESSAGE_MEMBERS`, 20,000 unless set).
fn members() -> usize {
    std::env::var("CHAM_BENCH_MESSAGE_MEMBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(20_000)
}

async fn run(store: Store) {
    let Some(app) = spawn_app(store).await else {
        println!("\n{store:?}: skipped (set CHAM_TEST_POSTGRES_URL)");
        return;
    };
    println!("\n{store:?}: {} members, one SMS message", members());
    let password = app.brand_user(&app.brand, "bench@acme.vn", StaffRole::Admin).await;
    let admin = app.admin_token("acme", "bench@acme.vn", &password).await;
    app.sim.sim.open_esms_account("bench-key", "bench-secret", "ACME");
    admin_call(
        &app,
        &admin,
        reqwest::Method::PUT,
        "/api/v1/admin/messaging/settings",
        json!({
            "settings": { "priority": ["sms"], "per_day": 1, "per_week": 3, "quiet_from": "00:00",
                "quiet_until": "00:00", "oa_per_follower_month": 4, "zns_cost_vnd": 300, "sms_cost_vnd": 800 },
            "sms": { "api_key": "bench-key", "secret_key": "bench-secret", "brandname": "ACME" },
        }),
    )
    .await;
    seed_sms_members(&app, "bench", members()).await;
    let started = Instant::now();
    let segment = admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/admin/segments",
        json!({ "name": "SMS", "rule": { "kind": "all", "rules": [
            { "kind": "has_identity", "identity": "phone" },
            { "kind": "consent", "purpose": "marketing_sms" } ] } }),
    )
    .await;
    let id = segment["id"].as_str().unwrap().to_owned();
    loop {
        let s = admin_call(
            &app,
            &admin,
            reqwest::Method::GET,
            &format!("/api/v1/admin/segments/{id}"),
            json!({}),
        )
        .await;
        if s["computed_at"].is_string() {
            println!(
                "  segment computed            {:8.2} s  ({} members)",
                started.elapsed().as_secs_f64(),
                s["members"]
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let message = admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/admin/messages",
        json!({ "name": "Bench", "segment_id": id, "content": { "target": "/rewards",
            "sms": { "text": "ACME: {name} oi, qua dang cho ban {link}" } } }),
    )
    .await;
    let mid = message["id"].as_str().unwrap().to_owned();
    let started = Instant::now();
    admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        &format!("/api/v1/admin/messages/{mid}/send"),
        json!({}),
    )
    .await;
    let report = loop {
        let m = admin_call(
            &app,
            &admin,
            reqwest::Method::GET,
            &format!("/api/v1/admin/messages/{mid}"),
            json!({}),
        )
        .await;
        if m["status"] == "sent" {
            break m["report"].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let took = started.elapsed().as_secs_f64();
    println!(
        "  dispatched                  {:8.2} s  {:8.0} messages/s  (sent {}, skipped {}, failed {})",
        took,
        report["recipients"].as_f64().unwrap_or(0.0) / took,
        report["sent"],
        report["skipped"],
        report["failed"]
    );
    println!("  peak memory                 {:8.1} MiB", peak_memory_mib());
    let sent: Value = app
        .client
        .get(format!("{}/esms/messages", app.sim.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let phones: std::collections::HashSet<&str> = sent
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["phone"].as_str())
        .collect();
    assert_eq!(sent.as_array().unwrap().len(), members(), "one SMS each");
    assert_eq!(phones.len(), members(), "no one twice");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    run(Store::Sqlite).await;
    run(Store::Postgres).await;
}
