//! A message to 10,000 people through a worker process killed with SIGKILL in the middle of sending: a second worker
//! takes over once the killed one's leases run out, and every person gets exactly one SMS (the rows the killed
//! worker had in flight are sent again with the same `RequestId`, which eSMS refuses twice), no one is skipped by
//! the caps the killed worker had already taken for them, and the message ends sent.
//!
//! The workers are the real binary (`target/debug/cham worker`, built by `cargo test --workspace`) on the test's
//! store, with short leases so the takeover comes within seconds.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use app::api::StaffRole;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::helpers::{SpawnOptions, Store, TestApp, admin_call, seed_sms_members, spawn_with};

const MEMBERS: usize = 10_000;

fn cham_binary() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("target/debug/cham");
    assert!(
        path.exists(),
        "this test runs the server binary ({}): run it with `cargo test --workspace` or `cargo xtask test`",
        path.display()
    );
    path
}

/// A worker process, killed with SIGKILL when dropped (a failing test leaves none behind).
pub(crate) struct Worker(Child);

impl Worker {
    pub(crate) fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A `cham worker` process on the app's store, sending SMS through the app's simulated eSMS.
pub(crate) fn worker(app: &TestApp, dir: &Path) -> Worker {
    Worker(
        Command::new(cham_binary())
            .arg("worker")
            .current_dir(dir)
            .env("CHAM_DATABASE_URL", &app.config.database_url)
            .env("CHAM_MASTER_KEY", app.master.to_hex().expose_secret())
            .env("CHAM_ESMS_URL", &app.config.esms_url)
            .env("CHAM_PUBLIC_URL", &app.address)
            .env("CHAM_JOB_LEASE_SECS", "2")
            .env("CHAM_SEND_LEASE_SECS", "4")
            .env("CHAM_JOB_POLL_MS", "100")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the worker starts"),
    )
}

async fn sent_rows(app: &TestApp, message_id: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM message_sends WHERE message_id = $1 AND status = 'sent'")
        .bind(message_id)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    n
}

async fn a_worker_killed_mid_send_leaves_no_one_twice_and_no_one_out(store: Store) {
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
    let password = app.brand_user(&app.brand, "killed@acme.vn", StaffRole::Admin).await;
    let admin = app.admin_token("acme", "killed@acme.vn", &password).await;
    app.sim.sim.open_esms_account("killed-key", "killed-secret", "ACME");
    admin_call(
        &app,
        &admin,
        reqwest::Method::PUT,
        "/api/v1/admin/messaging/settings",
        json!({
            "settings": { "priority": ["sms"], "per_day": 1, "per_week": 3, "quiet_from": "00:00",
                "quiet_until": "00:00", "oa_per_follower_month": 4, "zns_cost_vnd": 300, "sms_cost_vnd": 800 },
            "sms": { "api_key": "killed-key", "secret_key": "killed-secret", "brandname": "ACME" },
        }),
    )
    .await;
    seed_sms_members(&app, "killed", MEMBERS).await;

    let mut first = worker(&app, dir.path());
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
    let segment_id = segment["id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let s = admin_call(
            &app,
            &admin,
            reqwest::Method::GET,
            &format!("/api/v1/admin/segments/{segment_id}"),
            json!({}),
        )
        .await;
        if s["computed_at"].is_string() {
            assert_eq!(s["members"], MEMBERS, "{s}");
            break;
        }
        assert!(Instant::now() < deadline, "the worker never computed the segment");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let message = admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/admin/messages",
        json!({ "name": "Killed", "segment_id": segment_id, "content": { "target": "/rewards",
            "sms": { "text": "ACME: {name} oi, qua dang cho ban {link}" } } }),
    )
    .await;
    let message_id = message["id"].as_str().unwrap().to_owned();
    admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        &format!("/api/v1/admin/messages/{message_id}/send"),
        json!({}),
    )
    .await;

    // SIGKILL the worker once it is well into the send.
    let deadline = Instant::now() + Duration::from_secs(120);
    let at_kill = loop {
        let sent = sent_rows(&app, &message_id).await;
        if sent >= 1_000 {
            // std's Child::kill is SIGKILL on Unix: no shutdown, no lease given back.
            first.kill();
            break sent_rows(&app, &message_id).await;
        }
        assert!(Instant::now() < deadline, "the worker never got going ({sent} sent)");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert!(
        at_kill < MEMBERS as i64,
        "the worker was killed after it had sent to everyone ({at_kill}): nothing was interrupted"
    );

    // Another worker finishes what the killed one left.
    let mut second = worker(&app, dir.path());
    let deadline = Instant::now() + Duration::from_secs(240);
    let report = loop {
        let m = admin_call(
            &app,
            &admin,
            reqwest::Method::GET,
            &format!("/api/v1/admin/messages/{message_id}"),
            json!({}),
        )
        .await;
        if m["status"] == "sent" {
            break m["report"].clone();
        }
        assert!(
            Instant::now() < deadline,
            "the second worker never finished: {} of {MEMBERS} sent",
            sent_rows(&app, &message_id).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    second.kill();
    assert_eq!(report["recipients"], MEMBERS, "{report}");
    assert_eq!(report["sent"], MEMBERS, "{report}");
    assert_eq!(report["skipped"], 0, "{report}");
    assert_eq!(report["failed"], 0, "{report}");

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
    let phones: std::collections::HashSet<&str> = delivered.iter().filter_map(|m| m["phone"].as_str()).collect();
    assert_eq!(delivered.len(), MEMBERS, "one SMS each, killed at {at_kill}");
    assert_eq!(phones.len(), MEMBERS, "no one twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_send_sqlite() {
    a_worker_killed_mid_send_leaves_no_one_twice_and_no_one_out(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_send_postgres() {
    a_worker_killed_mid_send_leaves_no_one_twice_and_no_one_out(Store::Postgres).await;
}
