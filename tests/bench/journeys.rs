//! Journeys benchmark: `cargo xtask bench` (or `cargo bench -p cham-tests --bench journeys`).
//!
//! For each store (SQLite; PostgreSQL when `CHAM_TEST_POSTGRES_URL` is set) it starts the real server on loopback
//! with its workers, writes 20,000 members straight into the store (`CHAM_BENCH_JOURNEY_PEOPLE` for more), turns
//! on a journey started by a check-in (send an SMS, give points, set an attribute, a 50/50 split, points on one
//! side, end), and sends everyone's check-in through the till's batched API. It prints step transitions per
//! second from the first check-in to the last run's end, the delay from each check-in's arrival to its SMS being
//! handed to the gateway (percentiles), and peak memory; then checks every run ended with each step once and one
//! SMS each. Aims: 5,000 transitions/s on SQLite on 2 cores, entry to first send p99 within 1 s.

#![allow(clippy::print_stdout, clippy::print_stderr, dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;
mod measure;

use std::time::{Duration, Instant};

use app::api::StaffRole;
use futures::{StreamExt, stream};
use helpers::{Store, TestApp, admin_call, seed_sms_members, spawn_app};
use measure::{peak_memory_mib, report};
use serde_json::{Value, json};

/// How many people enter (`CHAM_BENCH_JOURNEY_PEOPLE`, 20,000 unless set).
fn people() -> usize {
    std::env::var("CHAM_BENCH_JOURNEY_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(20_000)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(app.db.read()).await.unwrap();
    n
}

async fn run(store: Store) {
    let Some(app) = spawn_app(store).await else {
        println!("\n{store:?}: skipped (set CHAM_TEST_POSTGRES_URL)");
        return;
    };
    let n = people();
    println!("\n{store:?}: {n} people through a journey");
    let password = app.brand_user(&app.brand, "bench@acme.vn", StaffRole::Admin).await;
    let admin = app.admin_token("acme", "bench@acme.vn", &password).await;
    app.sim.sim.open_esms_account("bench-key", "bench-secret", "ACME");
    admin_call(
        &app,
        &admin,
        reqwest::Method::PUT,
        "/api/v1/admin/messaging/settings",
        json!({
            "settings": { "priority": ["sms"], "per_day": 3, "per_week": 5, "quiet_from": "00:00",
                "quiet_until": "00:00", "oa_per_follower_month": 4, "zns_cost_vnd": 300, "sms_cost_vnd": 800 },
            "sms": { "api_key": "bench-key", "secret_key": "bench-secret", "brandname": "ACME" },
        }),
    )
    .await;
    seed_sms_members(&app, "jb", n).await;
    // The till names them by an external id (their profile's id).
    sqlx::query(
        "INSERT INTO identities (id, brand_id, profile_id, kind, value, verified, source, first_seen_at, last_seen_at) \
         SELECT id || '-ext', brand_id, id, 'external_id', id, 1, 'import', created_at, created_at FROM profiles \
         WHERE id LIKE 'jb-%'",
    )
    .execute(app.db.write())
    .await
    .unwrap();
    let segment = admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/admin/segments",
        json!({ "name": "SMS", "rule": { "kind": "has_identity", "identity": "phone" } }),
    )
    .await;
    let message = admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/admin/messages",
        json!({ "name": "Cảm ơn", "segment_id": segment["id"], "content": { "target": "/rewards",
            "sms": { "text": "ACME: cam on {name} {link}" } } }),
    )
    .await;
    let message_id = message["id"].as_str().unwrap().to_owned();
    let journey = admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/admin/journeys",
        json!({
            "name": "Bench", "trigger": "checked_in", "entry": { "kind": "once" },
            "steps": [
                { "id": "sms", "action": { "kind": "send", "message_id": message_id, "next": "points" } },
                { "id": "points", "action": { "kind": "give_points", "points": 5, "next": "tag" } },
                { "id": "tag", "action": { "kind": "set_attribute", "key": "visited", "value": "yes", "next": "split" } },
                { "id": "split", "action": { "kind": "branch", "condition": { "kind": "random", "percent": 50 },
                  "yes": "bonus", "no": "end" } },
                { "id": "bonus", "action": { "kind": "give_points", "points": 5, "next": "end" } },
                { "id": "end", "action": { "kind": "exit" } }
            ]
        }),
    )
    .await;
    let journey_id = journey["id"].as_str().unwrap().to_owned();
    admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        &format!("/api/v1/admin/journeys/{journey_id}/activate"),
        json!(null),
    )
    .await;
    let key = admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/admin/api-keys",
        json!({ "name": "Till" }),
    )
    .await["key"]
        .as_str()
        .unwrap()
        .to_owned();

    let start = Instant::now();
    let batches: Vec<Vec<Value>> = (0..n)
        .collect::<Vec<_>>()
        .chunks(500)
        .map(|c| {
            c.iter()
                .map(
                    |i| json!({ "user": { "external_id": format!("jb-{i:06}") }, "type": "checked_in", "source": "pos" }),
                )
                .collect()
        })
        .collect();
    let mut latencies: Vec<Duration> = stream::iter(batches)
        .map(|batch| {
            let (app, key) = (&app, &key);
            async move {
                let t = Instant::now();
                let r = app
                    .client
                    .post(app.url("/api/v1/track"))
                    .header("X-Api-Key", key)
                    .json(&json!({ "events": batch }))
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success(), "a batch refused: {}", r.status());
                let body: Value = r.json().await.unwrap();
                assert_eq!(
                    body["rejected"],
                    0,
                    "{}",
                    &body.to_string()[..400.min(body.to_string().len())]
                );
                t.elapsed()
            }
        })
        .buffer_unordered(4)
        .collect()
        .await;
    let done = format!("SELECT COUNT(*) FROM journey_runs WHERE journey_id = '{journey_id}' AND status = 'done'");
    let deadline = Instant::now() + Duration::from_secs(1800);
    while count(&app, &done).await < n as i64 {
        assert!(Instant::now() < deadline, "the runs never ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let runs_elapsed = start.elapsed();
    let sent = format!("SELECT COUNT(*) FROM message_sends WHERE message_id = '{message_id}' AND status = 'sent'");
    while count(&app, &sent).await < n as i64 {
        assert!(Instant::now() < deadline, "the messages never went out");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sent_elapsed = start.elapsed();
    let steps = count(
        &app,
        &format!("SELECT COUNT(*) FROM journey_steps_taken WHERE journey_id = '{journey_id}'"),
    )
    .await;
    println!(
        "  step transitions             {:>9.0} /s  ({steps} steps of {n} runs in {:.2} s, check-ins included)",
        steps as f64 / runs_elapsed.as_secs_f64(),
        runs_elapsed.as_secs_f64()
    );
    println!(
        "  runs                         {:>9.0} /s  (every run's SMS handed to the gateway after {:.2} s)",
        n as f64 / runs_elapsed.as_secs_f64(),
        sent_elapsed.as_secs_f64()
    );
    report("check-in batch (500)", &mut latencies);
    let delays: Vec<(i64,)> = sqlx::query_as(&format!(
        "SELECT CAST(s.sent_at - e.received_at AS BIGINT) FROM message_sends s \
         JOIN events e ON e.profile_id = s.profile_id AND e.type = 'checked_in' WHERE s.message_id = '{message_id}'"
    ))
    .fetch_all(app.db.read())
    .await
    .unwrap();
    let mut delays: Vec<Duration> = delays
        .into_iter()
        .map(|(ms,)| Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
        .collect();
    report("check-in to its SMS sent", &mut delays);
    let points = count(
        &app,
        "SELECT COUNT(*) FROM points_entries WHERE source_kind = 'journey'",
    )
    .await;
    let bonus = count(
        &app,
        &format!("SELECT COUNT(*) FROM journey_steps_taken WHERE journey_id = '{journey_id}' AND step_id = 'bonus'"),
    )
    .await;
    let ok = steps == 5 * n as i64 + bonus && points == n as i64 + bonus && count(&app, &sent).await == n as i64;
    println!("  every step once, one SMS each: {ok} ({bonus} of {n} took the bonus)");
    assert!(
        ok,
        "{steps} steps, {points} point entries, {bonus} bonuses for {n} runs"
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!(
            "Chạm journeys benchmark ({} cores)",
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
