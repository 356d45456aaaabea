//! Loyalty ledger benchmark: `cargo xtask bench` (or `cargo bench -p cham-tests --bench loyalty`).
//!
//! For each store (SQLite; PostgreSQL when `CHAM_TEST_POSTGRES_URL` is set) it starts the real server on
//! loopback with an earning rule (10 points a check-in) and a reward (10 points), signs in 64 members, and runs
//! 64 concurrent clients, one per member, each alternating an earn (a check-in sent by the till through
//! `POST /api/v1/track`, paid by the rules into the ledger) and a redemption (`POST /api/v1/me/redemptions`,
//! points out and a voucher issued). It prints ledger operations per second and latency percentiles, then
//! checks that no update was lost. Before that, the same 64 clients drive the ledger alone (no HTTP), which is
//! what the ledger's own throughput target is about. The checks: every acknowledged earn and redemption is one entry, every member's balance
//! is exactly what their acknowledged operations add up to, and the stored totals equal the entries.

#![allow(clippy::print_stdout, clippy::print_stderr, dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;
mod measure;

use measure::{peak_memory_mib, report};

use std::time::{Duration, Instant};

use app::api::StaffRole;
use cham_server::loyalty::ledger::{self, Credit, Debit, Kind, Source};
use helpers::{Store, TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

const CLIENTS: usize = 64;
const OPS_PER_CLIENT: usize = 300;
const POINTS: i64 = 10;

async fn admin_post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
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

struct Outcome {
    earned: i64,
    redeemed: i64,
    earn_latency: Vec<Duration>,
    redeem_latency: Vec<Duration>,
}

async fn run(store: Store) {
    let Some(app) = spawn_app(store).await else {
        println!("\n{store:?}: skipped (set CHAM_TEST_POSTGRES_URL)");
        return;
    };
    println!("\n{store:?}");
    let password = app.brand_user(&app.brand, "bench@acme.vn", StaffRole::Admin).await;
    let admin = app.admin_token("acme", "bench@acme.vn", &password).await;
    admin_post(
        &app,
        &admin,
        "/api/v1/admin/loyalty/rules",
        json!({
            "name": "Check-in", "kind": "fixed", "trigger": "checked_in", "points": POINTS, "active": true
        }),
    )
    .await;
    let reward = admin_post(
        &app,
        &admin,
        "/api/v1/admin/rewards",
        json!({
            "name": "Coffee", "kind": "free_item", "points_cost": POINTS, "voucher_days": 30, "active": true
        }),
    )
    .await;
    let key = admin_post(&app, &admin, "/api/v1/admin/api-keys", json!({ "name": "Till" })).await;
    let key = key["key"].as_str().unwrap().to_owned();
    let reward_id = reward["id"].as_str().unwrap().to_owned();

    let mut members = Vec::new();
    for i in 0..CLIENTS {
        let session = app
            .signed_in_customer(&format!("Bench {i}"), &format!("09130{i:05}"))
            .await;
        members.push((
            session["me"]["profile_id"].as_str().unwrap().to_owned(),
            session["tokens"]["access_token"].as_str().unwrap().to_owned(),
        ));
    }

    let ids: Vec<String> = members.iter().map(|(id, _)| id.clone()).collect();
    ledger_only(&app, &ids).await;
    let (before,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM points_entries")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (c, (member, token)) in members.iter().cloned().enumerate() {
        let (client, key, reward_id) = (app.client.clone(), key.clone(), reward_id.clone());
        let (track_url, redeem_url) = (app.url("/api/v1/track"), app.url("/api/v1/me/redemptions"));
        tasks.push(tokio::spawn(async move {
            let mut out = Outcome {
                earned: 0,
                redeemed: 0,
                earn_latency: Vec::new(),
                redeem_latency: Vec::new(),
            };
            for i in 0..OPS_PER_CLIENT {
                let t = Instant::now();
                if i % 2 == 0 {
                    let body = json!({ "events": [{ "user": { "member_id": member }, "type": "checked_in",
                        "source": "store", "idempotency_key": format!("visit-{c}-{i}") }] });
                    let r = client
                        .post(&track_url)
                        .header("X-Api-Key", &key)
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::OK);
                    let body: Value = r.json().await.unwrap();
                    assert!(body["results"][0]["error"].is_null(), "{body}");
                    out.earned += 1;
                    out.earn_latency.push(t.elapsed());
                } else {
                    let body = json!({ "reward_id": reward_id, "idempotency_key": format!("redeem-{c}-{i}") });
                    let r = client
                        .post(&redeem_url)
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(
                        r.status(),
                        StatusCode::CREATED,
                        "{}",
                        r.text().await.unwrap_or_default()
                    );
                    out.redeemed += 1;
                    out.redeem_latency.push(t.elapsed());
                }
            }
            (member, out)
        }));
    }
    let mut per_member = Vec::new();
    let (mut earn_latency, mut redeem_latency) = (Vec::new(), Vec::new());
    for t in tasks {
        let (member, out) = t.await.unwrap();
        earn_latency.extend(out.earn_latency);
        redeem_latency.extend(out.redeem_latency);
        per_member.push((member, out.earned, out.redeemed));
    }
    let elapsed = start.elapsed();
    let ops: i64 = per_member.iter().map(|(_, e, r)| e + r).sum();
    println!(
        "  over HTTP              {:>9.0} ops/s  ({ops} earns and redemptions in {:.2} s, {CLIENTS} concurrent clients)",
        ops as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    report("earn (track check-in)", &mut earn_latency);
    report("redeem (voucher)", &mut redeem_latency);

    // No update lost: entries, vouchers and each member's balance match what was acknowledged.
    let (after,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM points_entries")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let entries = after - before;
    let (vouchers,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM vouchers")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let redeemed: i64 = per_member.iter().map(|(_, _, r)| r).sum();
    let mut balances_exact = true;
    for (member, earned, redeemed) in &per_member {
        let (balance, posted): (i64, i64) = sqlx::query_as(
            "SELECT a.balance, CAST((SELECT SUM(points) FROM points_entries e WHERE e.profile_id = a.profile_id AND e.posted = 1) AS BIGINT) \
             FROM points_accounts a WHERE a.profile_id = $1",
        )
        .bind(member)
        .fetch_one(app.db.read())
        .await
        .unwrap();
        // The ledger-only round left every balance where it started (credits and debits alternate).
        balances_exact &= balance == (earned - redeemed) * POINTS && balance == posted;
    }
    let no_lost_update = entries == ops && vouchers == redeemed && balances_exact;
    println!(
        "  no update lost: {no_lost_update} ({entries} entries for {ops} operations, {vouchers} vouchers for {redeemed} redemptions, every balance exact: {balances_exact})"
    );
    assert!(no_lost_update, "the ledger lost an update");
}

/// The ledger alone: 64 concurrent clients of the ledger itself (no HTTP), each alternating a credit and a
/// debit of one member in its own write transaction, the path every earning and redemption takes.
async fn ledger_only(app: &TestApp, members: &[String]) {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (c, member) in members.iter().cloned().enumerate() {
        let (db, brand) = (app.db.clone(), app.brand.id.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for i in 0..OPS_PER_CLIENT {
                let (brand, member) = (brand.clone(), member.clone());
                let key = format!("bench-{c}-{i}");
                let t = Instant::now();
                db.transact(move |tx| {
                    Box::pin(async move {
                        let now = chrono::Utc::now().timestamp_millis();
                        let account = ledger::lock(tx, &brand, &member, now).await?;
                        let source = Source {
                            kind: "admin",
                            reference: "bench",
                            key: &key,
                            label: None,
                            reason: None,
                            actor: "bench",
                        };
                        if i % 2 == 0 {
                            let credit = Credit {
                                kind: Kind::Adjust,
                                points: POINTS,
                                available_at: now,
                                expires_at: None,
                                rule_id: None,
                                source,
                            };
                            ledger::credit(tx, &brand, &member, &credit, now).await?;
                        } else {
                            let debit = Debit {
                                kind: Kind::Adjust,
                                points: POINTS,
                                source,
                            };
                            ledger::debit(tx, &brand, &member, &debit, account.balance, now).await?;
                        }
                        Ok(())
                    })
                })
                .await
                .unwrap();
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let elapsed = start.elapsed();
    println!(
        "  ledger operations      {:>9.0} ops/s  ({} credits and debits in {:.2} s, {CLIENTS} concurrent clients, no HTTP)",
        latencies.len() as f64 / elapsed.as_secs_f64(),
        latencies.len(),
        elapsed.as_secs_f64()
    );
    report("credit or debit", &mut latencies);
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!(
            "Chạm loyalty ledger benchmark ({} cores)",
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
