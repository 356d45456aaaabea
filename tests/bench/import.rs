//! Import benchmark: `cargo xtask bench` (or `cargo bench -p cham-tests --bench import`).
//!
//! Writes a CSV of `CHAM_BENCH_IMPORT_ROWS` rows (default 1,000,000; 2% junk phones, 5% repeated people,
//! Vietnamese names, quoted fields), uploads it through the real API (streamed from disk), waits for the
//! import to finish, and prints rows/s and the rejection count; then imports the same file again and checks
//! that nothing was added. Peak memory (VmHWM) covers the server and the uploader, one process.

#![allow(clippy::print_stdout, clippy::print_stderr, dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;
mod measure;

use measure::peak_memory_mib;

use std::{
    io::Write,
    time::{Duration, Instant},
};

use app::api::StaffRole;
use helpers::{Store, TestApp, spawn_app};
use serde_json::Value;

fn rows() -> u64 {
    std::env::var("CHAM_BENCH_IMPORT_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000)
}

fn write_csv(path: &std::path::Path, rows: u64) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "\u{feff}phone,name,email,birthday,tags,Món yêu thích")?;
    let names = [
        "Nguyễn Văn An",
        "Trần Thị Bích",
        "Lê Hoàng Cường",
        "Phạm Thu Dung",
        "Võ Minh Đức",
    ];
    for i in 0..rows {
        let person = if i % 20 == 19 { i - 1 } else { i };
        if i % 50 == 49 {
            writeln!(out, "028 3812 {:04},Cửa hàng {i},,,,", i % 10_000)?;
            continue;
        }
        let name = names[(person % 5) as usize];
        writeln!(
            out,
            "09{:08},\"{name}, {person}\",khach{person}@example.vn,1990-{:02}-{:02},vip,\"Cà phê, ít đá\"",
            10_000_000 + person,
            1 + person % 12,
            1 + person % 28
        )?;
    }
    out.flush()
}

/// The admin's credentials: a long import outlives one 15-minute access token, so the poll signs in again.
struct Admin {
    password: String,
    token: String,
}

impl Admin {
    async fn renew(&mut self, app: &TestApp) {
        self.token = app.admin_token("acme", "bench@acme.vn", &self.password).await;
    }
}

async fn import_once(app: &TestApp, admin: &mut Admin, path: &std::path::Path) -> (Value, Duration) {
    admin.renew(app).await;
    let token = admin.token.clone();
    let start = Instant::now();
    let file = tokio::fs::File::open(path).await.unwrap();
    let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
    let r = app
        .client
        .post(app.url("/api/v1/admin/imports?file_name=bench.csv"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(body)
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202, "upload refused");
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    // Bounded: at most an hour of polling.
    for _ in 0..3600 {
        let response = app.get_with(&format!("/api/v1/admin/imports/{id}"), &admin.token).await;
        if response.status().as_u16() == 401 {
            admin.renew(app).await;
            continue;
        }
        let info: Value = response.json().await.unwrap();
        assert!(info["status"].is_string(), "unexpected answer: {info}");
        if info["status"] != "processing" {
            return (info, start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the import did not finish within an hour");
}

async fn footprint(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("profiles").await,
        app.count("identities").await,
        app.count("profile_attributes").await,
    )
}

async fn run(store: Store, path: &std::path::Path, rows: u64) {
    let Some(app) = spawn_app(store).await else {
        println!("\n{store:?}: skipped (set CHAM_TEST_POSTGRES_URL)");
        return;
    };
    println!("\n{store:?}");
    let password = app.brand_user(&app.brand, "bench@acme.vn", StaffRole::Admin).await;
    let mut admin = Admin {
        password,
        token: String::new(),
    };
    let (first, took) = import_once(&app, &mut admin, path).await;
    assert_eq!(first["status"], "completed", "{first}");
    println!(
        "  first import    {:>9.0} rows/s  ({rows} rows in {:.1} s: {} created, {} unchanged repeats, {} rejected)",
        rows as f64 / took.as_secs_f64(),
        took.as_secs_f64(),
        first["created"],
        first["unchanged"],
        first["rejected"]
    );
    let before = footprint(&app).await;
    let (second, took) = import_once(&app, &mut admin, path).await;
    assert_eq!(second["status"], "completed", "{second}");
    let after = footprint(&app).await;
    println!(
        "  same file again {:>9.0} rows/s  ({:.1} s: {} created, {} updated); nothing added: {}",
        rows as f64 / took.as_secs_f64(),
        took.as_secs_f64(),
        second["created"],
        second["updated"],
        before == after
    );
    assert_eq!(before, after, "a second import of the same file added data");
    search_latency(&app, &mut admin, rows).await;
}

/// The console's customer search over the imported profiles: a common name (a fifth of them), one person by
/// full name typed without diacritics, a name nobody has (the whole brand is looked through), and a phone.
async fn search_latency(app: &TestApp, admin: &mut Admin, rows: u64) {
    admin.renew(app).await;
    // The last "Võ Minh Đức" of the file that is a person (not a shop row) in a row of their own.
    let person = (0..rows)
        .rev()
        .find(|i| i % 5 == 4 && i % 20 != 19 && i % 50 != 49)
        .unwrap_or(4);
    let last = rows.saturating_sub(3);
    let searches = [
        ("common name, first page", "nguyen van an".to_owned()),
        ("one person, no diacritics", format!("vo minh duc, {person}")),
        ("nobody (whole brand)", "khong co ai".to_owned()),
        ("phone", format!("09{:08}", 10_000_000 + last)),
    ];
    for (label, q) in searches {
        let url = app.url(&format!(
            "/api/v1/admin/profiles?q={}",
            q.replace(' ', "+").replace(',', "%2C")
        ));
        let mut latencies = Vec::new();
        let mut found = 0;
        for _ in 0..30 {
            let start = Instant::now();
            let page: Value = app
                .client
                .get(&url)
                .bearer_auth(&admin.token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            latencies.push(start.elapsed());
            found = page["profiles"].as_array().map_or(0, Vec::len);
        }
        measure::report(&format!("search: {label} ({found})"), &mut latencies);
    }
}

fn main() {
    let rows = rows();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("customers.csv");
    write_csv(&path, rows).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "Chạm import benchmark: {rows} rows, {:.1} MiB CSV",
        size as f64 / 1024.0 / 1024.0
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        run(Store::Sqlite, &path, rows).await;
        run(Store::Postgres, &path, rows).await;
    });
    println!(
        "\npeak memory (server and uploader, one process): {:.1} MiB",
        peak_memory_mib()
    );
}
