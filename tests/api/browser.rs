//! The real WASM app in headless Chromium: a customer signs in through the simulator bridge and sees their
//! name and masked phone; an admin signs in to the console and sees the brand. Chromium and ChromeDriver are
//! required (Debian's `chromium` and `chromium-driver`): without them these tests fail, they never skip.

use std::{process::Stdio, time::Duration};

use app::api::StaffRole;
use cham_server::brands::Brand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::process::{Child, Command};

use crate::helpers::{SpawnOptions, Store, TestApp, spawn_with};

pub(crate) struct Browser {
    pub(crate) client: Client,
    _driver: Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) async fn browser() -> Browser {
    let driver_path = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chrome = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&driver_path).exists() && std::path::Path::new(&chrome).exists(),
        "browser tests need Chromium and ChromeDriver ({chrome}, {driver_path}): apt-get install chromium chromium-driver"
    );
    let port = free_port();
    let driver = Command::new(&driver_path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chrome,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--window-size=390,844"],
        }),
    );
    for _ in 0..100 {
        // ChromeDriver listens on loopback over plain HTTP: no TLS connector is needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        if let Ok(client) = ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            return Browser {
                client,
                _driver: driver,
            };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not accept a session");
}

/// How long a wait polls, every 100 ms: long enough for two browser tests, a WASM load and a database on 2 cores.
const WAIT_POLLS: usize = 300;

/// The page's visible text, cut short, for a failure message that says which screen the test was on.
async fn page_text(client: &Client) -> String {
    let text = client
        .execute("return document.body ? document.body.innerText : '';", vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let url = client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
    let cut: String = text.chars().take(1500).collect();
    format!("{url}: {cut:?}")
}

/// Waits until the element matching `css` shows `expected`, re-finding it as the app re-renders.
pub(crate) async fn wait_for_text(client: &Client, css: &str, expected: &str) {
    let mut last = String::new();
    for _ in 0..WAIT_POLLS {
        if let Ok(el) = client.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if text.trim() == expected {
                return;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{css} never showed {expected:?} (last: {last:?}); the page said: {}",
        page_text(client).await
    );
}

/// Waits until the element's text contains `part`.
pub(crate) async fn wait_for_text_containing(client: &Client, css: &str, part: &str) {
    let mut last = String::new();
    for _ in 0..WAIT_POLLS {
        if let Ok(el) = client.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if text.contains(part) {
                return;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{css} never contained {part:?}; last text {last:?}; the page said: {}",
        page_text(client).await
    );
}

/// Clicks the element `css` once it is there.
pub(crate) async fn click(c: &Client, css: &str) {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub(crate) async fn type_into(client: &Client, css: &str, text: &str) {
    client
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

async fn a_customer_signs_in_through_the_simulator_and_an_admin_opens_the_console(store: Store) {
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
    let site = std::path::Path::new(&app.config.public_dir).join("index.html");
    assert!(site.exists(), "the WASM app must be built first: cargo xtask build");
    let browser = browser().await;
    let c = &browser.client;

    c.goto(&app.url("/")).await.unwrap();
    wait_for_text(c, ".brand-name", "Chạm Coffee (demo)").await;
    type_into(c, "input[name=name]", "Trần Thị Bích").await;
    type_into(c, "input[name=phone]", "0912 345 678").await;
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, ".member-name", "Trần Thị Bích").await;
    wait_for_text(c, ".member-phone", "0912 *** 678").await;
    // The demo brand welcomes a new member with 20 points.
    wait_for_text(c, ".points-value", "20").await;
    wait_for_text(c, ".tier-name", "Thành viên").await;
    wait_for_text(c, ".rewards-link", "Đổi quà").await;
    let lang = || async {
        c.execute("return document.documentElement.lang;", vec![])
            .await
            .unwrap()
    };
    assert_eq!(lang().await, "vi");
    c.find(Locator::Css("button.lang"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, ".rewards-link", "Rewards").await;
    // The page says which language it is in, for screen readers and the browser's translate prompt.
    assert_eq!(lang().await, "en");

    // A reload keeps the session. Without analytics consent (never asked is no), opening the app is not recorded.
    c.refresh().await.unwrap();
    wait_for_text(c, ".member-name", "Trần Thị Bích").await;
    let opened = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE type = 'app_opened'")
            .fetch_one(app.db.read())
            .await
            .unwrap();
        n
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(opened().await, 0, "app use was recorded without analytics consent");

    // My data: one tap grants a consent, and it is on record.
    c.find(Locator::Css("button.my-data-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "[data-purpose=marketing_zalo] button", "Off").await;
    c.find(Locator::Css("[data-purpose=marketing_zalo] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "[data-purpose=marketing_zalo] button", "On").await;
    let (granted,): (i64,) = sqlx::query_as("SELECT granted FROM consent_records WHERE purpose = 'marketing_zalo'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(granted, 1);
    // With analytics allowed, each opening is on the member's timeline.
    click(c, "[data-purpose=analytics] button").await;
    wait_for_text(c, "[data-purpose=analytics] button", "On").await;
    c.goto(&app.url("/")).await.unwrap();
    wait_for_text(c, ".member-name", "Trần Thị Bích").await;
    let mut seen = 0;
    for _ in 0..50 {
        seen = opened().await;
        if seen == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen, 1, "the mini app records app_opened once analytics is allowed");

    let admin_password = admin_of_demo(&app).await;
    c.goto(&app.url("/admin")).await.unwrap();
    wait_for_text(c, ".brand-name", "Chạm Coffee (demo)").await;
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", "wrong password here").await;
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "[role=alert]", "The e-mail or password is not right.").await;
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    type_into(c, "input[name=password]", &admin_password).await;
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, ".brand-name", "Chạm Coffee (demo)").await;
    wait_for_text(c, ".members-count", "1").await;
    // The dashboard: the period's totals and a chart per measure; a shorter period is one tap.
    wait_for_text(c, ".stat-value.sign-ups", "1").await;
    wait_for_text(c, ".stat-value.points-issued", "20").await;
    assert_eq!(
        c.find_all(Locator::Css(".chart.sign-ups svg rect"))
            .await
            .unwrap()
            .len(),
        30
    );
    click(c, ".period[data-days='7']").await;
    for _ in 0..50 {
        if c.find_all(Locator::Css(".chart.sign-ups svg rect"))
            .await
            .unwrap()
            .len()
            == 7
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        c.find_all(Locator::Css(".chart.sign-ups svg rect"))
            .await
            .unwrap()
            .len(),
        7
    );

    // The customer is in the console's list; their page shows who they are.
    c.goto(&app.url("/admin/customers")).await.unwrap();
    wait_for_text(c, ".customer-row a", "Trần Thị Bích").await;
    c.find(Locator::Css(".customer-row a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, ".profile-name", "Trần Thị Bích").await;

    // An API key is shown once, right after it is made.
    c.goto(&app.url("/admin/api-keys")).await.unwrap();
    type_into(c, "input[name=key_name]", "POS Quận 1").await;
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, ".key-row td", "POS Quận 1").await;
    let key = c
        .find(Locator::Css("code.new-key"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(key.starts_with("cham_"), "{key}");

    // Importing a list: picking the file shows how each column reads, and an attribute column can go onto an
    // attribute the brand has already.
    let admin = app.admin_token("demo", "console@demo.vn", &admin_password).await;
    let bich = app
        .get_with("/api/v1/admin/profiles?q=0912345678", &admin)
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let bich = bich["profiles"][0]["profile_id"].as_str().unwrap().to_owned();
    let r = app
        .client
        .put(app.url(&format!("/api/v1/admin/profiles/{bich}/attributes/favourite_drink")))
        .bearer_auth(&admin)
        .json(&serde_json::json!({ "value": "Trà sữa" }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::fs::write(file.path(), "SĐT,Họ tên,Món yêu thích\n0987000333,Lê Nhập,Bạc xỉu\n").unwrap();
    c.goto(&app.url("/admin/imports")).await.unwrap();
    c.wait()
        .for_element(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(&file.path().display().to_string())
        .await
        .unwrap();
    wait_for_text(c, ".import-column:nth-child(3) td:nth-child(2)", "Attribute").await;
    c.find(Locator::Css("select[name=map_mon_yeu_thich]"))
        .await
        .unwrap()
        .select_by_value("favourite_drink")
        .await
        .unwrap();
    click(c, "form.search button[type=submit]").await;
    wait_for_text(c, ".import-row .import-status", "Completed").await;
    let (drink,): (String,) = sqlx::query_as(
        "SELECT a.value FROM profile_attributes a JOIN identities i ON i.profile_id = a.profile_id \
         WHERE i.value = '84987000333' AND a.key = 'favourite_drink'",
    )
    .fetch_one(app.db.read())
    .await
    .unwrap();
    assert_eq!(drink, "\"Bạc xỉu\"");
    browser.client.close().await.unwrap();
}

/// The server in demo mode (the demo brand seeded, the simulator mounted); none when the store is unavailable.
pub(crate) async fn spawn_demo(store: Store) -> Option<TestApp> {
    spawn_with(
        store,
        SpawnOptions {
            demo: true,
            ..SpawnOptions::default()
        },
    )
    .await
}

/// Signs a new member in to the mini app through the simulator and waits for the demo brand's welcome points.
pub(crate) async fn sign_in_member(c: &Client, app: &TestApp, name: &str, phone: &str) {
    c.goto(&app.url("/")).await.unwrap();
    type_into(c, "input[name=name]", name).await;
    type_into(c, "input[name=phone]", phone).await;
    click(c, "button[type=submit]").await;
    wait_for_text(c, ".points-value", "20").await;
}

/// The signed-in member's access token, as the mini app stored it in this browser.
pub(crate) async fn member_token(c: &Client) -> String {
    let session = c
        .execute("return localStorage.getItem('cham.demo.customer');", vec![])
        .await
        .unwrap();
    let session: serde_json::Value = serde_json::from_str(session.as_str().unwrap()).unwrap();
    session["access"].as_str().unwrap().to_owned()
}

pub(crate) async fn admin_of_demo(app: &TestApp) -> String {
    let demo = Brand::by_slug(&app.db, "demo")
        .await
        .unwrap()
        .expect("demo mode seeds the demo brand");
    app.brand_user(&demo, "console@demo.vn", StaffRole::Admin).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_customer_and_an_admin_sign_in_sqlite() {
    a_customer_signs_in_through_the_simulator_and_an_admin_opens_the_console(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_customer_and_an_admin_sign_in_postgres() {
    a_customer_signs_in_through_the_simulator_and_an_admin_opens_the_console(Store::Postgres).await;
}
