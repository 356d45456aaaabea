//! Worker processes on one PostgreSQL: the real `cham worker` binary, twice, runs a thousand jobs once each,
//! and takes over the job of a third process killed (SIGKILL) in the middle of it once that job's lease runs out.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use cham_server::{
    config::Config,
    db::Db,
    jobs::{self, NewJob},
    open_store,
};
use serde_json::json;

/// The PostgreSQL server to create a database on; in CI (`CI` set) its absence fails the test.
fn postgres_url() -> Option<String> {
    match std::env::var("CHAM_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI must test PostgreSQL too: set CHAM_TEST_POSTGRES_URL")
        }
        _ => None,
    }
}

/// A worker process, killed when dropped so a failing test leaves none behind.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn cham_worker(database_url: &str) -> Process {
    let child = Command::new(env!("CARGO_BIN_EXE_cham"))
        .arg("worker")
        .env("CHAM_DATABASE_URL", database_url)
        // A worker is configured as a web process is; with PostgreSQL that includes the master key.
        .env(
            "CHAM_MASTER_KEY",
            "7d0f4c2a9b1e8d3f6a5c4b2e1f0d9c8b7a6e5d4c3b2a19081726354453627180",
        )
        .env("CHAM_JOB_LEASE_SECS", "2")
        .env("CHAM_JOB_POLL_MS", "50")
        .env("CHAM_WORKER_CONCURRENCY", "8")
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the cham binary starts");
    Process(child)
}

async fn wait_for(what: &str, limit: Duration, mut check: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.read()).await.unwrap();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_worker_processes_run_a_thousand_jobs_once_each_and_take_over_a_killed_ones_job() {
    let Some(admin_url) = postgres_url() else {
        return;
    };
    sqlx::any::install_default_drivers();
    let name = format!("cham_p_{}", uuid::Uuid::now_v7().simple());
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&format!("/{name}"));
    let database_url = url.to_string();
    let db = open_store(&Config {
        database_url: database_url.clone(),
        ..Config::default()
    })
    .await
    .unwrap();
    let now = chrono::Utc::now().timestamp_millis();

    // A slow job, taken by a process that is then killed in the middle of it.
    let slow = NewJob::new(jobs::PROBE, "slow", json!({ "sleep_ms": 3_000 }), now);
    jobs::enqueue_now(&db, slow, now).await.unwrap();
    let doomed = cham_worker(&database_url);
    let mut killed_worker = String::new();
    wait_for(
        "the first process to take the slow job",
        Duration::from_secs(60),
        async || {
            let row: Option<(String,)> =
                sqlx::query_as("SELECT locked_by FROM jobs WHERE job_key = 'slow' AND status = 'running'")
                    .fetch_optional(db.read())
                    .await
                    .unwrap();
            row.map(|(w,)| killed_worker = w).is_some()
        },
    )
    .await;
    drop(doomed); // SIGKILL: no outcome is recorded, the lease is no longer renewed

    let workers = [cham_worker(&database_url), cham_worker(&database_url)];
    db.transact(move |conn| {
        Box::pin(async move {
            for n in 0..1_000 {
                jobs::enqueue(conn, &NewJob::new(jobs::PROBE, format!("job-{n}"), json!({}), now), now).await?;
            }
            Ok(())
        })
    })
    .await
    .unwrap();
    wait_for("every job to be done", Duration::from_secs(120), async || {
        scalar(
            &db,
            "SELECT COUNT(*) FROM jobs WHERE kind = 'ops.probe' AND status = 'done'",
        )
        .await
            == 1_001
    })
    .await;

    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM job_probes").await,
        1_001,
        "a job ran twice"
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(DISTINCT job_id) FROM job_probes").await,
        1_001
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM jobs WHERE kind = 'ops.probe' AND status <> 'done'"
        )
        .await,
        0
    );
    let (attempts, ran_by): (i32, String) = sqlx::query_as(
        "SELECT j.attempts, p.worker FROM jobs j JOIN job_probes p ON p.job_id = j.id WHERE j.job_key = 'slow'",
    )
    .fetch_one(db.read())
    .await
    .unwrap();
    assert_eq!(attempts, 2, "the slow job was taken again once");
    assert_ne!(ran_by, killed_worker, "the killed process cannot have finished it");
    assert!(
        scalar(&db, "SELECT COUNT(DISTINCT worker) FROM job_probes").await >= 2,
        "both processes ran jobs"
    );
    drop(workers);
    db.close().await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await;
}
