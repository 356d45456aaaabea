//! 1,000 people enter a journey (an SMS, then points) on a check-in, advanced by real `cham worker` processes, one
//! of them killed with SIGKILL mid-way: every run ends, every step happened exactly once (one recorded step per
//! (run, seq), one ledger entry per run), and every person got exactly one SMS. On PostgreSQL two workers run
//! side by side from the start; on SQLite (one writer per process) the second starts after the kill.

use std::{
    collections::HashSet,
    time::{Duration, Instant},
};

use app::api::StaffRole;
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, admin_call, seed_sms_members, spawn_with},
    killed_send::worker,
};

const PEOPLE: usize = 1_000;

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(app.db.read()).await.unwrap();
    n
}

/// The till names the seeded members by an external id (their profile's id).
async fn external_ids(app: &TestApp, prefix: &str) {
    sqlx::query(
        "INSERT INTO identities (id, brand_id, profile_id, kind, value, verified, source, first_seen_at, last_seen_at) \
         SELECT id || '-ext', brand_id, id, 'external_id', id, 1, 'import', created_at, created_at FROM profiles \
         WHERE id LIKE $1",
    )
    .bind(format!("{prefix}-%"))
    .execute(app.db.write())
    .await
    .unwrap();
}

async fn every_step_happens_once_with_a_worker_killed(store: Store) {
    let Some(app) = spawn_with(
        store,
        SpawnOptions {
            no_workers: true,
            ..SpawnOptions::default()
        },
    )
    .await
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let password = app.brand_user(&app.brand, "journeys@acme.vn", StaffRole::Admin).await;
    let admin = app.admin_token("acme", "journeys@acme.vn", &password).await;
    app.sim.sim.open_esms_account("jk-key", "jk-secret", "ACME");
    let call = |method: reqwest::Method, path: &'static str, body: Value| admin_call(&app, &admin, method, path, body);
    call(
        reqwest::Method::PUT,
        "/api/v1/admin/messaging/settings",
        json!({
            "settings": { "priority": ["sms"], "per_day": 1, "per_week": 3, "quiet_from": "00:00",
                "quiet_until": "00:00", "oa_per_follower_month": 4, "zns_cost_vnd": 300, "sms_cost_vnd": 800 },
            "sms": { "api_key": "jk-key", "secret_key": "jk-secret", "brandname": "ACME" },
        }),
    )
    .await;
    seed_sms_members(&app, "jk", PEOPLE).await;
    external_ids(&app, "jk").await;
    let segment = call(
        reqwest::Method::POST,
        "/api/v1/admin/segments",
        json!({ "name": "SMS", "rule": { "kind": "has_identity", "identity": "phone" } }),
    )
    .await;
    let message = call(
        reqwest::Method::POST,
        "/api/v1/admin/messages",
        json!({ "name": "Cảm ơn", "segment_id": segment["id"], "content": { "target": "/rewards",
            "sms": { "text": "ACME: cam on {name} da ghe {link}" } } }),
    )
    .await;
    let journey = call(
        reqwest::Method::POST,
        "/api/v1/admin/journeys",
        json!({
            "name": "Cảm ơn lần ghé", "trigger": "checked_in", "entry": { "kind": "once" },
            "steps": [
                { "id": "thanks", "action": { "kind": "send", "message_id": message["id"], "next": "gift" } },
                { "id": "gift", "action": { "kind": "give_points", "points": 10, "next": "end" } },
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
    let key = call(
        reqwest::Method::POST,
        "/api/v1/admin/api-keys",
        json!({ "name": "Till" }),
    )
    .await;
    let key = key["key"].as_str().unwrap().to_owned();

    // Everyone checks in (twice, for half of them: the second changes nothing), then the workers start.
    let events: Vec<Value> = (0..PEOPLE + PEOPLE / 2)
        .map(|i| json!({ "user": { "external_id": format!("jk-{:06}", i % PEOPLE) }, "type": "checked_in", "source": "pos" }))
        .collect();
    for batch in events.chunks(500) {
        let r = app
            .client
            .post(app.url("/api/v1/track"))
            .header("X-Api-Key", &key)
            .json(&json!({ "events": batch }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK);
    }
    let mut first = worker(&app, dir.path());
    let mut second = (store == Store::Postgres).then(|| worker(&app, dir.path()));
    let done = format!("SELECT COUNT(*) FROM journey_runs WHERE journey_id = '{journey_id}' AND status = 'done'");
    let deadline = Instant::now() + Duration::from_secs(120);
    let at_kill = loop {
        let n = count(&app, &done).await;
        if n >= 50 {
            first.kill();
            break count(&app, &done).await;
        }
        assert!(Instant::now() < deadline, "the workers never got going ({n} done)");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert!(
        at_kill < PEOPLE as i64,
        "killed after everyone was through ({at_kill}): nothing was interrupted"
    );
    if second.is_none() {
        second = Some(worker(&app, dir.path()));
    }
    let sent = format!(
        "SELECT COUNT(*) FROM message_sends WHERE message_id = '{}' AND status = 'sent'",
        message["id"].as_str().unwrap()
    );
    let deadline = Instant::now() + Duration::from_secs(240);
    while count(&app, &done).await < PEOPLE as i64 || count(&app, &sent).await < PEOPLE as i64 {
        assert!(
            Instant::now() < deadline,
            "never finished: {} runs done, {} sent (killed at {at_kill})",
            count(&app, &done).await,
            count(&app, &sent).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A little longer, for anything that would happen twice to show.
    tokio::time::sleep(Duration::from_secs(3)).await;
    drop(second);

    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM journey_runs WHERE journey_id = '{journey_id}'")
        )
        .await,
        PEOPLE as i64
    );
    assert_eq!(count(&app, &done).await, PEOPLE as i64);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM journey_steps_taken WHERE journey_id = '{journey_id}'")
        )
        .await,
        3 * PEOPLE as i64,
        "three steps each, each once"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM points_entries WHERE source_kind = 'journey'"
        )
        .await,
        PEOPLE as i64,
        "points once per run"
    );
    assert_eq!(count(&app, &sent).await, PEOPLE as i64);
    let delivered: Value = app
        .client
        .get(format!("{}/esms/messages", app.sim.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let delivered = delivered.as_array().unwrap();
    let phones: HashSet<&str> = delivered.iter().filter_map(|m| m["phone"].as_str()).collect();
    assert_eq!(delivered.len(), PEOPLE, "one SMS each (killed at {at_kill})");
    assert_eq!(phones.len(), PEOPLE, "no one twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_journey_step_happens_once_with_a_worker_killed_sqlite() {
    every_step_happens_once_with_a_worker_killed(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_journey_step_happens_once_with_a_worker_killed_postgres() {
    every_step_happens_once_with_a_worker_killed(Store::Postgres).await;
}
