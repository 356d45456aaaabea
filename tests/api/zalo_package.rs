//! The Zalo Mini App package (`cargo xtask package zalo`), as Zalo would host it: its folder served from another
//! origin under `/zapps/{app id}/{version}/`, the page written from its `app-config.json` at `/zapps/{app id}/`, and
//! `zmp-sdk` replaced at bundle time by a double (`tests/zalo/zmp-sdk-double.js`) that answers as the SDK's typings
//! say and plays Zalo against the demo's simulator. In Chromium the member signs in with one tap and sees their card,
//! invites a friend through Zalo's share sheet, moves between screens with the host's back button, checks in with
//! the scanner double, and pays an order in Checkout. The package built with the real `zmp-sdk` carries no simulator and no secret.
//!
//! The package command is the build helper's (`target/debug/xtask`, which `cargo xtask test` builds and runs first,
//! leaving the Zalo flavour of the WASM for `--prebuilt` to reuse).

use std::path::{Path, PathBuf};

use axum::{Router, extract::State, response::Html, routing::get};
use cham_server::brands::{Brand, BrandSecret};
use secrecy::ExposeSecret;
use serde_json::Value;

use crate::{
    browser::{admin_of_demo, browser, click, wait_for_text, wait_for_text_containing},
    browser_check_ins::first_poster_code,
    browser_orders::{add_item, choose},
    helpers::{SpawnOptions, Store, spawn_with},
};

/// The Zalo Mini App id the packages are built for.
const APP_ID: &str = "4318971259003402001";
/// The version folder Zalo would serve this deploy from.
const VERSION: &str = "7";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Runs `cargo xtask package zalo --prebuilt` into `out`.
fn package(out: &Path, api: &str, double: bool) {
    let xtask = workspace().join("target/debug/xtask");
    assert!(
        xtask.exists(),
        "the package tests run the build helper ({}): run them with `cargo xtask test`",
        xtask.display()
    );
    let mut command = std::process::Command::new(&xtask);
    command.current_dir(workspace()).args([
        "package",
        "zalo",
        "--prebuilt",
        "--api",
        api,
        "--brand",
        "demo",
        "--app-id",
        APP_ID,
        "--oa-id",
        "2917",
    ]);
    command.arg("--out").arg(out);
    if double {
        command.args(["--zmp-sdk", "tests/zalo/zmp-sdk-double.js"]);
    }
    let output = command.output().expect("the build helper runs");
    assert!(
        output.status.success(),
        "cargo xtask package zalo failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn app_config(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("app-config.json")).expect("the package has app-config.json"))
        .expect("app-config.json is JSON")
}

#[derive(Clone)]
struct Host {
    page: String,
}

/// What Zalo's host page is: the stylesheets of `listCSS`, `window.APP_ID`, then the scripts of `listSyncJS`, every
/// path under the deploy's version folder. `double` is the SDK double's settings.
fn host_page(config: &Value, double: &Value) -> String {
    let base = format!("/zapps/{APP_ID}/{VERSION}/");
    let mut head = String::new();
    for css in config["listCSS"].as_array().unwrap() {
        head.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{base}{}\">\n",
            css.as_str().unwrap()
        ));
    }
    head.push_str(&format!(
        "<script>window.APP_ID = \"{APP_ID}\"; window.zmpDouble = {double};</script>\n"
    ));
    for js in config["listSyncJS"].as_array().unwrap() {
        let js = js.as_str().unwrap();
        let kind = if js.ends_with(".module.js") {
            " type=\"module\""
        } else {
            ""
        };
        head.push_str(&format!("<script{kind} src=\"{base}{js}\"></script>\n"));
    }
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, \
         initial-scale=1\"><title>{}</title>\n{head}</head><body></body></html>",
        config["app"]["title"].as_str().unwrap()
    )
}

async fn page(State(host): State<Host>) -> Html<String> {
    Html(host.page)
}

async fn in_zalo_a_member_signs_in_goes_back_scans_and_pays(store: Store) {
    // Zalo's host, on an origin of its own (`localhost` is not the API's `127.0.0.1`).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let Some(app) = spawn_with(
        store,
        SpawnOptions {
            demo: true,
            cors_origins: vec![origin.clone()],
            ..SpawnOptions::default()
        },
    )
    .await
    else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("www");
    package(&out, &app.address, true);
    let config = app_config(&out);

    // The first store's poster code, which the scanner double reads.
    let password = admin_of_demo(&app).await;
    let admin = app.admin_token("demo", "console@demo.vn", &password).await;
    let poster = first_poster_code(&app, &admin).await;
    let double = serde_json::json!({
        "sim": format!("{}/__sim", app.address),
        "name": "Trần Minh Zalo",
        "phone": "0912 000 717",
        "scan": poster,
        "payWith": "paid",
    });
    let host = Host {
        page: host_page(&config, &double),
    };
    let zapps = format!("/zapps/{APP_ID}");
    let router = Router::new()
        .nest_service(&format!("{zapps}/{VERSION}"), tower_http::services::ServeDir::new(&out))
        .route(&zapps, get(page))
        .route(&format!("{zapps}/"), get(page))
        .route(&format!("{zapps}/{{*screen}}"), get(page))
        .with_state(host);
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let browser = browser().await;
    let c = &browser.client;
    c.goto(&format!("{origin}{zapps}/")).await.unwrap();
    // Inside Zalo: one tap, no simulator.
    wait_for_text(c, ".sign-in button.primary", "Đăng nhập bằng Zalo").await;
    assert_eq!(
        c.execute("return document.querySelectorAll('.simulator').length", vec![])
            .await
            .unwrap(),
        Value::from(0)
    );
    click(c, ".sign-in button.primary").await;
    wait_for_text(c, ".points-value", "20").await;
    let calls = |name: &'static str| {
        let c = c.clone();
        async move {
            c.execute(
                "const [n] = arguments; return window.zmpDouble.calls.filter(x => x.name === n).length;",
                vec![name.into()],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap()
        }
    };
    assert_eq!(calls("getAccessToken").await, 1);
    assert_eq!(calls("getPhoneNumber").await, 1);
    let left_button = || async {
        c.execute("return window.zmpDouble.leftButton || null;", vec![])
            .await
            .unwrap()
    };
    assert_eq!(left_button().await, Value::from("none"));

    // Inviting a friend goes through Zalo's share sheet with the mini app's own link.
    click(c, ".share-app").await;
    wait_for_text(c, ".share-done", "Đã gửi lời mời.").await;
    let shared = c
        .execute(
            "return window.zmpDouble.calls.find(x => x.name === 'openShareSheet').args;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shared["type"], "link");
    assert_eq!(shared["data"]["link"], format!("https://zalo.me/s/{APP_ID}/"));
    assert_eq!(shared["data"]["title"], "Chạm Coffee (demo)");

    // A screen deeper: the path is under Zalo's base, and the header's back button shows; Zalo's back button
    // (history.back in the web view) comes home again.
    click(c, ".check-in-link").await;
    wait_for_text(c, ".check-in-screen h1", "Tại cửa hàng").await;
    let path = c.current_url().await.unwrap().path().to_owned();
    assert_eq!(path, format!("{zapps}/checkin"));
    assert_eq!(left_button().await, Value::from("back"));
    c.execute("history.back();", vec![]).await.unwrap();
    wait_for_text(c, ".points-value", "20").await;
    assert_eq!(c.current_url().await.unwrap().path(), format!("{zapps}/"));
    assert_eq!(left_button().await, Value::from("none"));

    // The scanner double reads the store's poster.
    click(c, ".check-in-link").await;
    click(c, ".scan-poster").await;
    wait_for_text(c, ".store-found .store-name", "Chạm Coffee Nguyễn Huệ").await;
    assert_eq!(calls("scanQRCode").await, 1);
    c.execute("history.back();", vec![]).await.unwrap();

    // Checkout: the server's signed arguments go to createOrder as they are; the person pays in Zalo's sheet, and
    // PaymentDone then checkTransaction bring the order screen to the server's word.
    click(c, ".menu-link").await;
    wait_for_text(c, ".menu-section h2", "Cà phê").await;
    add_item(c, "Trà đào cam sả").await;
    choose(c, "Lớn").await;
    click(c, ".add-to-cart").await;
    click(c, ".cart-bar").await;
    click(c, ".pay-zalo").await;
    wait_for_text(c, ".order-status", "Đã thanh toán").await;
    assert_eq!(calls("createOrder").await, 1);
    assert_eq!(calls("checkTransaction").await, 1);
    let args = c
        .execute(
            "return window.zmpDouble.calls.find(x => x.name === 'createOrder').args;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(args["mac"].as_str().map(str::len), Some(64), "{args}");
    wait_for_text_containing(c, ".order-paid", "Cảm ơn").await;
    server.abort();
}

/// The package with the real zmp-sdk: what Zalo needs is there, and nothing of the simulator or of a secret; the
/// browser build has no zmp-sdk.
async fn the_real_package_has_no_simulator_and_no_secret(store: Store) {
    let Some(app) = spawn_with(
        store,
        SpawnOptions {
            demo: true,
            ..SpawnOptions::default()
        },
    )
    .await
    else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("www");
    package(&out, "https://api.cham.example", false);
    let config = app_config(&out);
    assert_eq!(config["app"]["title"], "Chạm");
    for list in ["listCSS", "listSyncJS"] {
        let files = config[list].as_array().unwrap();
        assert!(!files.is_empty(), "{list} is empty");
        for file in files {
            assert!(
                out.join(file.as_str().unwrap()).is_file(),
                "{list} names a missing {file}"
            );
        }
    }
    assert!(out.join("index.html").is_file());
    let scopes: Vec<&str> = config["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["scope"].as_str())
        .collect();
    assert_eq!(scopes, ["scope.userInfo", "scope.userPhonenumber", "scope.camera"]);

    let demo = Brand::by_slug(&app.db, "demo").await.unwrap().unwrap();
    let sealer = app.master.sealer();
    let mut secrets = vec![app.master.to_hex().expose_secret().to_owned()];
    for which in [
        BrandSecret::ZaloAppSecret,
        BrandSecret::ZaloOaSecretKey,
        BrandSecret::ZaloCheckoutPrivateKey,
        BrandSecret::MomoAccessKey,
        BrandSecret::MomoSecretKey,
    ] {
        if let Some(secret) = demo.secret(&sealer, which).unwrap() {
            secrets.push(secret.expose_secret().to_owned());
        }
    }
    let simulator = [
        "__sim",
        "/zalo/users",
        "/zalo/checkout/orders",
        "simCreate",
        "simUsers",
        "simTokens",
        "cham-sim",
        "sim_title",
        "Super-app simulator",
        "zmpDouble",
    ];
    let mut files = 0;
    let mut shell_has_sdk = false;
    for entry in walk(&out) {
        let bytes = std::fs::read(&entry).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        files += 1;
        for marker in simulator {
            assert!(
                !text.contains(marker),
                "{} carries the simulator ({marker:?})",
                entry.display()
            );
        }
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{} carries a secret", entry.display());
        }
        assert!(
            !text.contains("PRIVATE KEY"),
            "{} carries a private key",
            entry.display()
        );
        // zmp-sdk's own bridge to the Zalo app is bundled into the shell.
        shell_has_sdk |= text.contains("h5.event.paused");
    }
    assert!(files > 10, "the package holds {files} files");
    assert!(shell_has_sdk, "the shell does not bundle zmp-sdk");

    // And the browser build carries no zmp-sdk.
    let site = workspace().join("target/site");
    let mut scripts = 0;
    for entry in walk(&site) {
        if entry.extension().is_some_and(|e| e == "js") {
            scripts += 1;
            let text = std::fs::read_to_string(&entry).unwrap();
            assert!(!text.contains("h5.event.paused"), "{} carries zmp-sdk", entry.display());
        }
    }
    assert!(scripts > 0, "no browser build under {}", site.display());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_zalo_the_package_signs_in_goes_back_scans_and_pays_sqlite() {
    in_zalo_a_member_signs_in_goes_back_scans_and_pays(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_zalo_the_package_signs_in_goes_back_scans_and_pays_postgres() {
    in_zalo_a_member_signs_in_goes_back_scans_and_pays(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_zalo_package_has_no_simulator_and_no_secret_sqlite() {
    the_real_package_has_no_simulator_and_no_secret(Store::Sqlite).await;
}
