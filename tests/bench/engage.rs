//! Engagement benchmark: `cargo xtask bench` (or `cargo bench -p cham-tests --bench engage`).
//!
//! For each store (SQLite; PostgreSQL when `CHAM_TEST_POSTGRES_URL` is set) it starts the real server on
//! loopback with a lucky wheel (50 points at 50% with a total budget of 500, else a 10-point fallback) and a
//! three-question survey worth 20 points, signs in 256 members, and runs 64 concurrent clients, each playing
//! its members' 10 plays of the day (`POST /api/v1/games/{id}/plays`) and then submitting each member's survey
//! response (`POST /api/v1/surveys/{id}/responses`). It prints plays and responses per second with latency
//! percentiles and the peak memory, then checks that the prize's budget was not exceeded, every member has one
//! response, and the ledger's totals equal its entries.

#![allow(clippy::print_stdout, clippy::print_stderr, dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;
mod measure;

use measure::{peak_memory_mib, report};

use std::time::{Duration, Instant};

use app::api::StaffRole;
use helpers::{Store, TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

const MEMBERS: usize = 256;
const CLIENTS: usize = 64;
const PLAYS_PER_MEMBER: usize = 10;
const BUDGET: i64 = 500;

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

async fn run(store: Store) {
    let Some(app) = spawn_app(store).await else {
        println!("\n{store:?}: skipped (set CHAM_TEST_POSTGRES_URL)");
        return;
    };
    println!("\n{store:?}");
    let password = app.brand_user(&app.brand, "bench@acme.vn", StaffRole::Admin).await;
    let admin = app.admin_token("acme", "bench@acme.vn", &password).await;
    let game = admin_post(
        &app,
        &admin,
        "/api/v1/admin/games",
        json!({
            "name": "Wheel", "kind": "wheel", "plays_per_day": PLAYS_PER_MEMBER, "active": true, "fallback_prize": 1,
            "prizes": [
                { "label": "50 points", "kind": "points", "points": 50, "share_bp": 5000, "budget_total": BUDGET },
                { "label": "10 points", "kind": "points", "points": 10, "share_bp": 0 },
            ],
        }),
    )
    .await;
    let survey = admin_post(
        &app,
        &admin,
        "/api/v1/admin/surveys",
        json!({
            "name": "Taste", "active": true, "points": 20,
            "questions": [
                { "kind": "single_choice", "title": "Drink?", "required": true, "options": ["Coffee", "Tea"],
                  "attribute": "favourite_drink" },
                { "kind": "nps", "title": "Recommend us?", "required": true },
                { "kind": "short_text", "title": "Anything else?" },
            ],
        }),
    )
    .await;
    let (game_id, survey_id) = (
        game["id"].as_str().unwrap().to_owned(),
        survey["id"].as_str().unwrap().to_owned(),
    );

    let mut members = Vec::new();
    for i in 0..MEMBERS {
        let session = app
            .signed_in_customer(&format!("Bench {i}"), &format!("09150{i:05}"))
            .await;
        members.push(session["tokens"]["access_token"].as_str().unwrap().to_owned());
    }

    let groups: Vec<Vec<String>> = members.chunks(MEMBERS / CLIENTS).map(<[String]>::to_vec).collect();
    // Plays first: every client plays its members' plays of the day, one member after another.
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (c, group) in groups.iter().cloned().enumerate() {
        let (client, url) = (app.client.clone(), app.url(&format!("/api/v1/games/{game_id}/plays")));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for (m, token) in group.iter().enumerate() {
                for p in 0..PLAYS_PER_MEMBER {
                    let t = Instant::now();
                    let r = client
                        .post(&url)
                        .bearer_auth(token)
                        .json(&json!({ "idempotency_key": format!("play-{c}-{m}-{p}") }))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(
                        r.status(),
                        StatusCode::CREATED,
                        "{}",
                        r.text().await.unwrap_or_default()
                    );
                    latencies.push(t.elapsed());
                }
            }
            latencies
        }));
    }
    let mut plays: Vec<Duration> = Vec::new();
    for t in tasks {
        plays.extend(t.await.unwrap());
    }
    let play_time = start.elapsed();
    // Then each member's survey response.
    let start = Instant::now();
    let mut tasks = Vec::new();
    for group in groups {
        let (client, url) = (
            app.client.clone(),
            app.url(&format!("/api/v1/surveys/{survey_id}/responses")),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for token in &group {
                let t = Instant::now();
                let body = json!({ "answers": [
                    { "question": "q1", "value": "Tea" }, { "question": "q2", "value": 9 },
                    { "question": "q3", "value": "More oat milk" },
                ] });
                let r = client.post(&url).bearer_auth(token).json(&body).send().await.unwrap();
                assert_eq!(
                    r.status(),
                    StatusCode::CREATED,
                    "{}",
                    r.text().await.unwrap_or_default()
                );
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut responses: Vec<Duration> = Vec::new();
    for t in tasks {
        responses.extend(t.await.unwrap());
    }
    let response_time = start.elapsed();
    println!(
        "  plays                  {:>9.0} plays/s  ({} plays in {:.2} s, {CLIENTS} concurrent clients)",
        plays.len() as f64 / play_time.as_secs_f64(),
        plays.len(),
        play_time.as_secs_f64()
    );
    println!(
        "  survey responses       {:>9.0} responses/s  ({} responses in {:.2} s)",
        responses.len() as f64 / response_time.as_secs_f64(),
        responses.len(),
        response_time.as_secs_f64()
    );
    report("play", &mut plays);
    report("survey response", &mut responses);
    println!("  peak memory            {:>9.1} MiB", peak_memory_mib());

    // The budget held, one response each, and the ledger adds up.
    let (given,): (i64,) = sqlx::query_as("SELECT given FROM game_prizes WHERE game_id = $1 AND position = 0")
        .bind(&game_id)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let (answered,): (i64,) = sqlx::query_as("SELECT COUNT(DISTINCT profile_id) FROM survey_responses")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let (mismatched,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM points_accounts a WHERE a.balance <> \
         CAST(COALESCE((SELECT SUM(points) FROM points_entries e WHERE e.profile_id = a.profile_id AND e.posted = 1), 0) AS BIGINT)",
    )
    .fetch_one(app.db.read())
    .await
    .unwrap();
    println!(
        "  checks: the 50-point prize given {given} of its budget of {BUDGET}; {answered} of {MEMBERS} members answered once; {mismatched} accounts off their entries"
    );
    assert!(given <= BUDGET && answered == MEMBERS as i64 && mismatched == 0);
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    println!(
        "Engagement benchmark: {MEMBERS} members, {CLIENTS} concurrent clients, {PLAYS_PER_MEMBER} plays and one survey response each"
    );
    run(Store::Sqlite).await;
    run(Store::Postgres).await;
}
