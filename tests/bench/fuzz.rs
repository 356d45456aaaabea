//! The API fuzzer: `cargo xtask fuzz` (or `cargo bench -p cham-tests --bench fuzz`).
//!
//! Starts the real server in demo mode on SQLite and, with `CHAM_TEST_POSTGRES_URL`, on PostgreSQL, signs in an
//! admin, a store staff member and a customer, and runs Schemathesis over the whole OpenAPI document with each
//! one's token: every operation, with examples, boundary values and random data. It fails on any 5xx and on any
//! error answer outside `{"error":{"code","message"}}` (the check in `tests/fuzz/chamhooks.py`).
//! `CHAM_FUZZ_SECONDS` is each run's time budget (default 60). Schemathesis is taken from the `PATH`, or installed
//! once into `target/fuzz-venv` from PyPI at the version pinned below.

#![allow(clippy::print_stdout, clippy::print_stderr, dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use app::api::StaffRole;
use cham_server::brands::Brand;
use helpers::{SpawnOptions, Store, TestApp, spawn_with};
use serde_json::{Value, json};

/// The Schemathesis this harness was written against.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";

/// Operations left out: they end the very session the run is using (each has its own tests).
const SESSION_ENDERS: &str = "^/api/v1/(me/erasure|auth/logout)$";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The `st` command: on the `PATH`, or in the harness's own virtual environment (made on first use).
fn schemathesis() -> PathBuf {
    if Command::new("st")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return PathBuf::from("st");
    }
    let venv = workspace_root().join("target/fuzz-venv");
    let st = venv.join("bin/st");
    if !st.exists() {
        println!("installing {SCHEMATHESIS} into {}", venv.display());
        let made = Command::new("python3").arg("-m").arg("venv").arg(&venv).status();
        assert!(
            made.is_ok_and(|s| s.success()),
            "python3 -m venv failed: install python3-venv"
        );
        let pip = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", SCHEMATHESIS])
            .status();
        assert!(pip.is_ok_and(|s| s.success()), "pip could not install {SCHEMATHESIS}");
    }
    st
}

fn seconds() -> u64 {
    std::env::var("CHAM_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60)
}

/// An admin's, a staff member's and a customer's access tokens for the demo brand.
async fn tokens(app: &TestApp) -> Vec<(&'static str, String)> {
    let demo = Brand::by_slug(&app.db, "demo")
        .await
        .unwrap()
        .expect("demo mode seeds the demo brand");
    let admin_password = app.brand_user(&demo, "fuzz-admin@demo.vn", StaffRole::Admin).await;
    let staff_password = app.brand_user(&demo, "fuzz-till@demo.vn", StaffRole::Staff).await;
    let admin = app.admin_token("demo", "fuzz-admin@demo.vn", &admin_password).await;
    let staff = app.admin_token("demo", "fuzz-till@demo.vn", &staff_password).await;
    let user: Value = app
        .client
        .post(app.url("/__sim/zalo/users"))
        .json(&json!({ "name": "Khách Fuzz", "phone": "0912000999" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session: Value = app
        .client
        .post(app.url("/api/v1/auth/session"))
        .json(&json!({
            "brand": "demo", "provider": "zalo",
            "access_token": user["access_token"], "phone_token": user["phone_token"],
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let customer = session["tokens"]["access_token"]
        .as_str()
        .expect("the customer signs in")
        .to_owned();
    vec![("admin", admin), ("staff", staff), ("customer", customer)]
}

/// One Schemathesis run; whether it passed, and whether it failed only because Schemathesis itself crashed (a
/// `Runtime Error` inside Hypothesis, with no check failing), which is worth one more run rather than a verdict.
fn run_once(st: &Path, app: &TestApp, token: &str) -> (bool, bool) {
    let output = Command::new(st)
        .arg("run")
        .arg(app.url("/api/v1/openapi.json"))
        .args(["--checks", "not_a_server_error,error_shape"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--workers", "2"])
        .args(["--max-time", &seconds().to_string()])
        .args(["--exclude-path-regex", SESSION_ENDERS])
        .args(["--warnings", "off"])
        .arg("--header")
        .arg(format!("Authorization: Bearer {token}"))
        // Schemathesis keeps a cache where it runs: under target/, never in the sources.
        .current_dir(workspace_root().join("target"))
        .env("PYTHONPATH", workspace_root().join("tests/fuzz"))
        .env("SCHEMATHESIS_HOOKS", "chamhooks")
        .output();
    let Ok(output) = output else { return (false, false) };
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    let tool_crash = text.contains("Runtime Error") && !text.contains(" failure");
    (output.status.success(), tool_crash)
}

fn fuzz(st: &Path, app: &TestApp, who: &str, token: &str) -> bool {
    println!("\n--- {who} ---");
    match run_once(st, app, token) {
        (true, _) => true,
        (false, true) => {
            println!("\n--- {who}, again: Schemathesis itself crashed, with no check failing ---");
            run_once(st, app, token).0
        }
        (false, false) => false,
    }
}

fn main() {
    let st = schemathesis();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut failed = Vec::new();
    for store in [Store::Sqlite, Store::Postgres] {
        let options = SpawnOptions {
            demo: true,
            ..SpawnOptions::default()
        };
        let Some(app) = runtime.block_on(spawn_with(store, options)) else {
            println!("\n{store:?}: skipped (set CHAM_TEST_POSTGRES_URL)");
            continue;
        };
        println!("\n===== {store:?} =====");
        for (who, token) in runtime.block_on(tokens(&app)) {
            if !fuzz(&st, &app, who, &token) {
                failed.push(format!("{store:?} as {who}"));
            }
        }
        drop(app);
    }
    if failed.is_empty() {
        println!("\nfuzzing: no 5xx, every error in the one shape");
    } else {
        eprintln!("\nfuzzing found failures: {}", failed.join(", "));
        std::process::exit(1);
    }
}
