//! Durable jobs on both stores: a job runs once, a repeat of its key is not enqueued again, a failure is retried
//! after a backoff and stops as failed after its attempts (then a person retries it), a panic fails its own job
//! alone, and a job whose worker stopped is taken again after its lease. A test drives its workers round by round
//! with a clock it moves; the server's own workers are off.

use std::{sync::Arc, time::Duration};

use cham_server::{
    clock::Clock,
    db::Db,
    jobs::{self, NewJob, Registry, Worker, WorkerOptions},
};
use serde_json::json;

use crate::helpers::{SpawnOptions, Store, TestApp, spawn_with};

const START: i64 = 1_800_000_000_000;

async fn app(store: Store) -> Option<TestApp> {
    spawn_with(
        store,
        SpawnOptions {
            no_workers: true,
            ..SpawnOptions::default()
        },
    )
    .await
}

fn worker(db: &Db, clock: &Clock, registry: Registry, lease: Duration) -> Worker {
    Worker::new(
        db.clone(),
        clock.clone(),
        Arc::new(registry),
        WorkerOptions {
            lease,
            poll: Duration::from_millis(50),
            concurrency: 8,
        },
    )
}

async fn status_of(db: &Db, kind: &str, key: &str) -> (String, i32, Option<String>) {
    sqlx::query_as("SELECT status, attempts, last_error FROM jobs WHERE kind = $1 AND job_key = $2")
        .bind(kind)
        .bind(key)
        .fetch_one(db.read())
        .await
        .unwrap()
}

/// A handler that fails its first `failures` runs and counts every run.
fn flaky(registry: &mut Registry, kind: &'static str, failures: usize) -> Arc<std::sync::atomic::AtomicUsize> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let runs = Arc::new(AtomicUsize::new(0));
    let seen = runs.clone();
    registry.handle(kind, move |_job| {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        async move {
            if n < failures {
                anyhow::bail!("the provider answered 503 (run {})", n + 1)
            }
            Ok(())
        }
    });
    runs
}

macro_rules! on_both_stores {
    ($(async fn $name:ident($store:ident) $body:block)*) => {
        $(
            mod $name {
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let $store = Store::Sqlite;
                    $body
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let $store = Store::Postgres;
                    $body
                }
            }
        )*
    };
}

on_both_stores! {
    async fn a_job_runs_once_and_the_same_key_is_never_enqueued_twice(store) {
        let Some(app) = app(store).await else { return };
        let clock = Clock::manual(START);
        let mut registry = Registry::default();
        let runs = flaky(&mut registry, "test.once", 0);
        let job = NewJob::new("test.once", "k-1", json!({ "n": 1 }), START);
        assert!(jobs::enqueue_now(&app.db, job.clone(), START).await.unwrap());
        assert!(!jobs::enqueue_now(&app.db, job.clone(), START).await.unwrap(), "a repeat is a no-op");
        let worker = worker(&app.db, &clock, registry, Duration::from_secs(60));
        assert_eq!(worker.run_once().await.unwrap(), 1);
        assert_eq!(worker.run_once().await.unwrap(), 0, "nothing is left to run");
        assert!(!jobs::enqueue_now(&app.db, job, START).await.unwrap(), "a done job's key still counts");
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(status_of(&app.db, "test.once", "k-1").await, ("done".into(), 1, None));
    }

    async fn a_job_due_later_waits_for_its_time(store) {
        let Some(app) = app(store).await else { return };
        let clock = Clock::manual(START);
        let mut registry = Registry::default();
        let runs = flaky(&mut registry, "test.later", 0);
        let job = NewJob::new("test.later", "k", json!({}), START + 60_000);
        jobs::enqueue_now(&app.db, job, START).await.unwrap();
        let worker = worker(&app.db, &clock, registry, Duration::from_secs(60));
        assert_eq!(worker.run_once().await.unwrap(), 0);
        clock.advance(59_999);
        assert_eq!(worker.run_once().await.unwrap(), 0);
        clock.advance(1);
        assert_eq!(worker.run_once().await.unwrap(), 1);
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    async fn a_failing_job_backs_off_stops_failed_after_its_attempts_and_runs_again_when_retried(store) {
        let Some(app) = app(store).await else { return };
        let clock = Clock::manual(START);
        let mut registry = Registry::default();
        let runs = flaky(&mut registry, "test.flaky", 3);
        let job = NewJob::new("test.flaky", "k", json!({}), START).for_brand(&app.brand.id).attempts(3);
        jobs::enqueue_now(&app.db, job, START).await.unwrap();
        let worker = worker(&app.db, &clock, registry, Duration::from_secs(60));

        assert_eq!(worker.run_once().await.unwrap(), 1);
        let (status, attempts, error) = status_of(&app.db, "test.flaky", "k").await;
        assert_eq!((status.as_str(), attempts), ("queued", 1));
        assert!(error.unwrap().contains("503 (run 1)"));
        // The first retry waits five seconds, the second ten.
        clock.advance(4_999);
        assert_eq!(worker.run_once().await.unwrap(), 0, "retried before its backoff");
        clock.advance(1);
        assert_eq!(worker.run_once().await.unwrap(), 1);
        clock.advance(9_999);
        assert_eq!(worker.run_once().await.unwrap(), 0);
        clock.advance(1);
        assert_eq!(worker.run_once().await.unwrap(), 1);
        let (status, attempts, error) = status_of(&app.db, "test.flaky", "k").await;
        assert_eq!((status.as_str(), attempts), ("failed", 3));
        assert!(error.unwrap().contains("run 3"));
        clock.advance(10 * 3_600_000);
        assert_eq!(worker.run_once().await.unwrap(), 0, "a failed job stays failed");

        let counts = jobs::counts(&app.db, &app.brand.id).await.unwrap();
        assert_eq!((counts.failed, counts.queued), (1, 0));
        let listed = jobs::list(&app.db, &app.brand.id, Some("failed"), None, 10).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(jobs::retry(&app.db, &app.brand.id, &listed[0].id, clock.now_ms()).await.unwrap());
        assert!(!jobs::retry(&app.db, &app.brand.id, &listed[0].id, clock.now_ms()).await.unwrap(), "only a failed job is retried");
        assert_eq!(worker.run_once().await.unwrap(), 1);
        assert_eq!(status_of(&app.db, "test.flaky", "k").await, ("done".into(), 1, None));
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 4);
    }

    async fn a_panicking_job_fails_alone_and_the_worker_goes_on(store) {
        let Some(app) = app(store).await else { return };
        let clock = Clock::manual(START);
        let mut registry = Registry::default();
        registry.handle("test.panics", |_job| async move {
            let points: i64 = i64::MAX;
            let doubled = points.checked_mul(2).expect("an overflow in a handler");
            anyhow::ensure!(doubled > 0);
            Ok(())
        });
        let runs = flaky(&mut registry, "test.fine", 0);
        jobs::enqueue_now(&app.db, NewJob::new("test.panics", "p", json!({}), START).attempts(1), START).await.unwrap();
        jobs::enqueue_now(&app.db, NewJob::new("test.fine", "f", json!({}), START), START).await.unwrap();
        let worker = worker(&app.db, &clock, registry, Duration::from_secs(60));
        assert_eq!(worker.run_once().await.unwrap(), 2);
        let (status, _, error) = status_of(&app.db, "test.panics", "p").await;
        assert_eq!(status, "failed");
        assert!(error.unwrap().contains("an overflow in a handler"));
        assert_eq!(status_of(&app.db, "test.fine", "f").await.0, "done");
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        // The store still takes writes afterwards.
        jobs::enqueue_now(&app.db, NewJob::new("test.fine", "g", json!({}), START), START).await.unwrap();
        assert_eq!(worker.run_once().await.unwrap(), 1);
    }

    async fn a_job_whose_worker_stopped_is_taken_again_after_its_lease(store) {
        let Some(app) = app(store).await else { return };
        let clock = Clock::manual(START);
        // The first worker claims the job and stops mid-run (its task is dropped: no outcome, no renewal).
        let mut stuck = Registry::default();
        stuck.handle("test.lease", |_job| async move {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        });
        jobs::enqueue_now(&app.db, NewJob::new("test.lease", "l", json!({}), START), START).await.unwrap();
        let first = worker(&app.db, &clock, stuck, Duration::from_secs(30));
        let _ = tokio::time::timeout(Duration::from_millis(300), first.run_once()).await;
        assert_eq!(status_of(&app.db, "test.lease", "l").await.0, "running");

        let mut registry = Registry::default();
        let runs = flaky(&mut registry, "test.lease", 0);
        let second = worker(&app.db, &clock, registry, Duration::from_secs(30));
        assert_eq!(second.run_once().await.unwrap(), 0, "the lease still holds");
        clock.advance(30_001);
        assert_eq!(second.run_once().await.unwrap(), 1);
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(status_of(&app.db, "test.lease", "l").await, ("done".into(), 2, None));
    }

    async fn periodic_work_is_enqueued_once_a_period_by_however_many_workers(store) {
        let Some(app) = app(store).await else { return };
        let clock = Clock::manual(START);
        let workers: Vec<Worker> = (0..3)
            .map(|_| {
                let mut registry = Registry::default();
                flaky(&mut registry, "test.tick", 0);
                registry.every("test.tick", Duration::from_secs(60));
                worker(&app.db, &clock, registry, Duration::from_secs(30))
            })
            .collect();
        let mut ran = 0;
        for w in &workers {
            ran += w.run_once().await.unwrap();
        }
        assert_eq!(ran, 1);
        clock.advance(60_000);
        for w in &workers {
            ran += w.run_once().await.unwrap();
        }
        assert_eq!(ran, 2);
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE kind = 'test.tick'")
            .fetch_one(app.db.read())
            .await
            .unwrap();
        assert_eq!(n, 2);
    }
}

crate::both_stores! {
    async fn the_console_sees_its_jobs_probes_the_workers_and_retries_only_its_own_failed_jobs(app) {
        use app::api::{JobInfo, JobsPage, StaffRole};
        use reqwest::StatusCode;

        use crate::helpers::assert_error;

        let password = app.brand_user(&app.brand, "ops@acme.vn", StaffRole::Admin).await;
        let admin = app.admin_token("acme", "ops@acme.vn", &password).await;
        let other = app.other_brand("beta").await;
        let other_password = app.brand_user(&other, "ops@beta.vn", StaffRole::Admin).await;
        let other_admin = app.admin_token("beta", "ops@beta.vn", &other_password).await;

        let r = app.client.post(app.url("/api/v1/admin/jobs/probe")).bearer_auth(&admin).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let probe: JobInfo = r.json().await.unwrap();
        assert_eq!(probe.kind, "ops.probe");
        // The answer is a snapshot: a worker woken by the enqueue may already hold it.
        assert!(matches!(probe.status.as_str(), "queued" | "running" | "done"), "{}", probe.status);
        // The server's own worker runs it.
        let mut done = None;
        for _ in 0..100 {
            let page: JobsPage = app.get_with("/api/v1/admin/jobs?status=done", &admin).await.json().await.unwrap();
            if let Some(job) = page.jobs.into_iter().find(|j| j.id == probe.id) {
                done = Some(job);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let done = done.expect("a worker ran the probe");
        assert!(done.worker.is_some() && done.finished_at.is_some());

        // Another brand sees neither the probe nor the first brand's failed job, and cannot retry it.
        let failed = NewJob::new("test.unknown_kind", "f", json!({}), 0).for_brand(&app.brand.id).attempts(1);
        jobs::enqueue_now(&app.db, failed, 0).await.unwrap();
        let mut failed_job = None;
        for _ in 0..100 {
            let page: JobsPage = app.get_with("/api/v1/admin/jobs?status=failed", &admin).await.json().await.unwrap();
            if let Some(job) = page.jobs.into_iter().next() {
                failed_job = Some(job);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let failed_job = failed_job.expect("a job of an unknown kind fails for good");
        assert!(failed_job.retryable);
        assert!(failed_job.last_error.unwrap().contains("no handler"));
        let theirs: JobsPage = app.get_with("/api/v1/admin/jobs", &other_admin).await.json().await.unwrap();
        assert!(theirs.jobs.iter().all(|j| j.id != probe.id && j.id != failed_job.id));
        assert_eq!(theirs.counts.failed, 0);
        let path = format!("/api/v1/admin/jobs/{}/retry", failed_job.id);
        let r = app.client.post(app.url(&path)).bearer_auth(&other_admin).send().await.unwrap();
        assert_error(r, StatusCode::NOT_FOUND, "unknown_job").await;

        let r = app.client.post(app.url(&path)).bearer_auth(&admin).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let retried: JobInfo = r.json().await.unwrap();
        assert_eq!(retried.id, failed_job.id);
        // Back in the queue, a worker takes it again at once (and, with no handler, it fails again after one
        // attempt): the answer may catch it at any point of that.
        assert!(matches!(retried.status.as_str(), "queued" | "running" | "failed"), "{}", retried.status);
        let mut ran_again = false;
        for _ in 0..100 {
            let (attempts, finished): (i32, Option<i64>) =
                sqlx::query_as("SELECT attempts, finished_at FROM jobs WHERE id = $1")
                    .bind(&failed_job.id)
                    .fetch_one(app.db.read())
                    .await
                    .unwrap();
            if attempts == 1 && finished.is_some() {
                ran_again = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(ran_again, "the retried job ran again");
        // Retrying a job that is not failed is refused and changes nothing.
        let path = format!("/api/v1/admin/jobs/{}/retry", probe.id);
        let r = app.client.post(app.url(&path)).bearer_auth(&admin).send().await.unwrap();
        assert_error(r, StatusCode::CONFLICT, "job_not_failed").await;

        for bad in ["?status=stuck", "?limit=0", "?limit=201", "?cursor=nope"] {
            let r = app.get_with(&format!("/api/v1/admin/jobs{bad}"), &admin).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        let r = app.client.get(app.url("/api/v1/admin/jobs")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}
