//! `cargo xtask`: the build helper.
//!
//! - `build`: builds the WASM app (`wasm-release` profile), splits the mini app at its lazy screens
//!   (`wasm_split_cli_support`), binds it with `wasm-bindgen-cli-support` (pinned to the exact `wasm-bindgen` of
//!   `Cargo.lock`, so nothing is downloaded) and writes the site to `target/site` (`site.rs`), printing what each
//!   page's first load transfers with brotli.
//! - `run [ARGS]`: `build`, then `cham serve --demo ARGS` on http://127.0.0.1:3000.
//! - `bench`: the ingestion benchmark (events/s, latency percentiles, peak memory), the loyalty ledger
//!   benchmark (ledger operations/s with 64 clients), the engagement benchmark (game plays and survey
//!   responses/s), the import benchmark (a million-row CSV, twice), the online-to-offline benchmark (member scans, a
//!   campaign report over a million attributions), the one-tap purchase benchmark (orders placed and paid/s) and the
//!   re-engagement dispatch benchmark (a segment of 20,000 sent one SMS each: messages/s), the website benchmark
//!   (the snippet's size, website visitors' events/s) on
//!   SQLite and, with `CHAM_TEST_POSTGRES_URL`, PostgreSQL.
//! - `fuzz`: Schemathesis over the whole OpenAPI document as an admin, a staff member and a customer, on SQLite
//!   and (with `CHAM_TEST_POSTGRES_URL`) PostgreSQL: fails on any 5xx or error outside the one shape.
//! - `package zalo --api URL --brand SLUG --app-id ID [--oa-id ID]`: the Zalo Mini App package (`package.rs`), a
//!   folder `zmp deploy` uploads as it is; `package momo` says why MoMo has none.
//! - `test`: formatting, clippy, `build`, then every test (SQLite always; PostgreSQL too when
//!   `CHAM_TEST_POSTGRES_URL` is set).

// The build helper reports progress, sizes and test totals on the terminal: that is its interface.
#![allow(clippy::print_stderr, clippy::print_stdout)]

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail};

mod package;
mod site;
use site::build;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let task = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let root = workspace_root();
    std::env::set_current_dir(&root)?;
    match task.as_str() {
        "build" => build(&root),
        "run" => {
            build(&root)?;
            let mut serve = vec![
                "run",
                "--package",
                "cham-server",
                "--bin",
                "cham",
                "--",
                "serve",
                "--demo",
            ];
            serve.extend(rest.iter().map(String::as_str));
            cargo(&serve)
        }
        "test" => test(&root, &rest),
        "package" => package::package(&root, &rest),
        "bench" => cargo(&[
            "bench",
            "--package",
            "cham-tests",
            "--bench",
            "ingest",
            "--bench",
            "loyalty",
            "--bench",
            "engage",
            "--bench",
            "import",
            "--bench",
            "o2o",
            "--bench",
            "commerce",
            "--bench",
            "messages",
            "--bench",
            "website",
            "--bench",
            "journeys",
        ]),
        "fuzz" => cargo(&["bench", "--package", "cham-tests", "--bench", "fuzz"]),
        _ => {
            eprintln!(
                "usage: cargo xtask <build | run [serve args] | test [cargo test args] | package zalo [options] | bench | fuzz>"
            );
            bail!("unknown task {task:?}")
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn cargo(args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("`cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

fn step(name: &str) {
    eprintln!("\n==> {name}");
}

/// Whether `program` is on the `PATH`.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Adds the `wasm32-unknown-unknown` target to the toolchain when it is missing (a fresh machine lacks it).
fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("running rustup: the WASM build needs rustup to add the wasm32-unknown-unknown target")?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step("adding the wasm32-unknown-unknown target (once per toolchain)");
    let status = Command::new("rustup")
        .args(["target", "add", "wasm32-unknown-unknown"])
        .status()
        .context("running rustup target add")?;
    if !status.success() {
        bail!("`rustup target add wasm32-unknown-unknown` failed ({status})");
    }
    Ok(())
}

/// Installs Debian's Chromium and ChromeDriver for the browser tests when they are missing.
fn ensure_chromium() -> anyhow::Result<()> {
    if on_path("chromium") && on_path("chromedriver") {
        return Ok(());
    }
    step("installing Chromium and ChromeDriver from Debian's packages (once per machine)");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.trim_ascii() == b"0")
        .unwrap_or(false);
    let apt = |args: &[&str]| -> anyhow::Result<()> {
        let mut command = if root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        let status = command
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .context("running apt-get (the browser tests need Debian's chromium and chromium-driver)")?;
        if !status.success() {
            bail!("`apt-get {}` failed ({status})", args.join(" "));
        }
        Ok(())
    };
    apt(&["update", "-qq"])?;
    apt(&["install", "-y", "-qq", "chromium", "chromium-driver"])
}

fn test(root: &Path, extra: &[String]) -> anyhow::Result<()> {
    ensure_wasm_target()?;
    ensure_chromium()?;
    step("formatting");
    cargo(&["fmt", "--all", "--", "--check"])?;
    step("clippy (server side)");
    cargo(&[
        "clippy",
        "--workspace",
        "--exclude",
        "frontend",
        "--exclude",
        "xtask",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    step("clippy (WASM mini app)");
    cargo(&[
        "clippy",
        "--package",
        "frontend",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ])?;
    step("clippy (WASM console)");
    cargo(&[
        "clippy",
        "--package",
        "frontend",
        "--target",
        "wasm32-unknown-unknown",
        "--no-default-features",
        "--features",
        "admin",
        "--",
        "-D",
        "warnings",
    ])?;
    step("clippy (WASM staff view)");
    cargo(&[
        "clippy",
        "--package",
        "frontend",
        "--target",
        "wasm32-unknown-unknown",
        "--no-default-features",
        "--features",
        "staff",
        "--",
        "-D",
        "warnings",
    ])?;
    step("clippy (WASM mini app for Zalo, no simulator)");
    cargo(&[
        "clippy",
        "--package",
        "frontend",
        "--target",
        "wasm32-unknown-unknown",
        "--no-default-features",
        "--features",
        "zalo",
        "--",
        "-D",
        "warnings",
    ])?;
    step("clippy (build helper)");
    cargo(&["clippy", "--package", "xtask", "--", "-D", "warnings"])?;
    build(root)?;
    // The Zalo flavour of the WASM, which the package tests reuse (`--prebuilt`).
    package::package(
        root,
        &[
            "zalo",
            "--api",
            "https://api.cham.example",
            "--brand",
            "demo",
            "--app-id",
            "4318971259003402001",
        ]
        .map(String::from),
    )?;
    step(match std::env::var("CHAM_TEST_POSTGRES_URL") {
        Ok(_) => "tests on SQLite and PostgreSQL, and in headless Chromium",
        Err(_) => "tests on SQLite and in headless Chromium (set CHAM_TEST_POSTGRES_URL to add PostgreSQL)",
    });
    let mut args = vec!["test", "--workspace", "--exclude", "frontend", "--exclude", "xtask"];
    args.extend(extra.iter().map(String::as_str));
    cargo_test(&args)
}

/// Runs `cargo test`, passing its output through, and closes with the totals over every test binary, so the
/// last line counts every test rather than the last (often empty) doc-test run.
fn cargo_test(args: &[&str]) -> anyhow::Result<()> {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("running cargo test")?;
    let stdout = child.stdout.take().context("cargo test's output")?;
    let (mut passed, mut failed, mut skipped) = (0u64, 0u64, 0u64);
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        if let Some(summary) = line.strip_prefix("test result: ") {
            for part in summary.split(['.', ';']).map(str::trim) {
                let mut words = part.split_whitespace();
                let n = words.next().and_then(|n| n.parse::<u64>().ok());
                match (n, words.next()) {
                    (Some(n), Some("passed")) => passed += n,
                    (Some(n), Some("failed")) => failed += n,
                    (Some(n), Some("ignored")) => skipped += n,
                    _ => {}
                }
            }
        }
    }
    let status = child.wait()?;
    println!("\ncham: {passed} passed, {failed} failed, {skipped} skipped");
    if !status.success() {
        bail!("tests failed ({status})");
    }
    Ok(())
}
