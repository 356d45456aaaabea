//! Campaign links and attribution: a short link's click recorded and redirected (to the Zalo mini app inside
//! Zalo), tied to the person at sign-in; a visit or a purchase attributed to the last touch within the window
//! with the first kept; outside the window, to none; the funnel, by store and by day, and its CSV.

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, assert_error, spawn_with},
    loyalty_support::{DAY, Member, Shop},
};

const NOON: i64 = 1_796_104_800_000;

async fn app_with_clock(store: Store, clock: &Clock) -> Option<TestApp> {
    spawn_with(
        store,
        SpawnOptions {
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
}

async fn campaign(shop: &Shop<'_>, name: &str, slug: &str) -> (String, String) {
    let c = shop
        .admin_post(
            "/api/v1/admin/campaigns",
            &json!({ "name": name, "slug": slug }),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(c["input"]["window_days"], 7);
    let id = c["id"].as_str().unwrap().to_owned();
    let link = shop
        .admin_post(
            &format!("/api/v1/admin/campaigns/{id}/links"),
            &json!({ "channel": "zalo_oa", "placement": "banner_1", "target": "/stores" }),
            StatusCode::CREATED,
        )
        .await;
    (id, link["code"].as_str().unwrap().to_owned())
}

/// Follows a short link as a browser (or Zalo's) would, without following the redirect; the click's id.
async fn click(app: &TestApp, code: &str, agent: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .get(app.url(&format!("/l/{code}")))
        .header(header::USER_AGENT, agent)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    let to = r.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(to.contains("/stores?cid="), "{to}");
    to.split("cid=").nth(1).unwrap().to_owned()
}

async fn tie(shop: &Shop<'_>, member: &Member, click: &str) -> reqwest::Response {
    shop.send(
        Method::POST,
        "/api/v1/me/clicks",
        &member.token,
        Some(&json!({ "click_id": click })),
    )
    .await
}

async fn staff_purchase(shop: &Shop<'_>, member: &Member, store: &str, receipt: &str, amount: i64) {
    let qr = shop.get("/api/v1/me/qr", &member.token).await;
    let body = json!({ "code": qr["code"], "amount_vnd": amount, "receipt_code": receipt });
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/purchases?store_id={store}"),
            &shop.admin,
            Some(&body),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

async fn report(shop: &Shop<'_>, id: &str) -> Value {
    shop.get(&format!("/api/v1/admin/campaigns/{id}/report"), &shop.admin)
        .await
}

async fn a_click_then_a_purchase_lands_in_the_last_touch_campaign(store: Store) {
    let clock = Clock::manual(NOON);
    let Some(app) = app_with_clock(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    let store_id = shop
        .admin_post(
            "/api/v1/admin/stores",
            &json!({ "name": "Quận 1", "address": "1 Lê Lợi", "active": true }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Bad campaigns and links are refused beside their field; nothing is written.
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/campaigns",
            &shop.admin,
            Some(&json!({ "name": "X", "slug": "Tết 2027" })),
        )
        .await;
    let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_campaign").await;
    assert_eq!(body["error"]["field"]["pointer"], "/slug");
    let (tet, tet_link) = campaign(&shop, "Tết 2027", "tet_2027").await;
    let (summer, summer_link) = campaign(&shop, "Hè", "he_2027").await;
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/campaigns",
            &shop.admin,
            Some(&json!({ "name": "Y", "slug": "tet_2027" })),
        )
        .await;
    assert_error(r, StatusCode::CONFLICT, "campaign_exists").await;
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/campaigns/{tet}/links"),
            &shop.admin,
            Some(&json!({ "channel": "web", "target": "https://evil.example" })),
        )
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_link").await;
    let r = app.client.get(app.url("/l/nope1234")).send().await.unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "unknown_link").await;

    // Inside Zalo the link opens the mini app in Zalo.
    let zalo = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(&format!("/l/{tet_link}")))
        .header(header::USER_AGENT, "Mozilla/5.0 (Linux; Android 14) Zalo android/12345")
        .send()
        .await
        .unwrap();
    let to = zalo.headers()[header::LOCATION].to_str().unwrap();
    assert!(to.starts_with("https://zalo.me/s/1234567890/stores?cid="), "{to}");

    // Mai clicks Tết, then Hè an hour later; she signs in and the app ties both clicks to her.
    let first = click(&app, &tet_link, "Mozilla/5.0 (iPhone)").await;
    clock.advance(60 * 60 * 1000);
    let second = click(&app, &summer_link, "Mozilla/5.0 (iPhone)").await;
    let mai = shop.member("Mai", "0912345678").await;
    for c in [&first, &second] {
        assert_eq!(tie(&shop, &mai, c).await.status(), StatusCode::OK);
    }
    // Tying again changes nothing; someone else cannot take her click.
    assert_eq!(tie(&shop, &mai, &first).await.status(), StatusCode::OK);
    let lan = shop.member("Lan", "0987654321").await;
    assert_error(tie(&shop, &lan, &first).await, StatusCode::NOT_FOUND, "unknown_click").await;
    assert_eq!(
        shop.timeline_types(&mai.id)
            .await
            .iter()
            .filter(|t| *t == "link_clicked")
            .count(),
        2
    );

    // A staff-recorded purchase: Hè (the last touch) has it with its revenue; Tết keeps the first touch.
    clock.advance(60 * 60 * 1000);
    staff_purchase(&shop, &mai, &store_id, "HD-1", 120_000).await;
    let he = report(&shop, &summer).await;
    assert_eq!(
        (
            he["total"]["clicks"].as_i64(),
            he["total"]["leads"].as_i64(),
            he["total"]["purchases"].as_i64(),
            he["total"]["revenue_vnd"].as_i64()
        ),
        (Some(1), Some(1), Some(1), Some(120_000)),
        "{he}"
    );
    assert_eq!(he["by_store"][0]["label"], "Quận 1");
    assert_eq!(he["by_day"].as_array().unwrap().len(), 30);
    assert_eq!(he["by_day"][29]["funnel"]["revenue_vnd"], 120_000);
    let t = report(&shop, &tet).await;
    assert_eq!(
        (
            t["total"]["purchases"].as_i64(),
            t["total"]["first_touch_conversions"].as_i64()
        ),
        (Some(0), Some(1))
    );
    // The purchase on her timeline names the campaign.
    let (campaign,): (Option<String>,) =
        sqlx::query_as("SELECT utm_campaign FROM events WHERE type = 'offline_purchase'")
            .fetch_one(app.db.read())
            .await
            .unwrap();
    assert_eq!(campaign.as_deref(), Some("he_2027"));

    // Eight days later the touches are out of their window: a visit is attributed to none.
    clock.advance(8 * DAY);
    let qr = shop.get("/api/v1/me/qr", &mai.token).await;
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/visits?store_id={store_id}"),
            &shop.admin,
            Some(&json!({ "code": qr["code"] })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(app.count("attributions").await, 1);
    let listed = shop.get("/api/v1/admin/campaigns", &shop.admin).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["links"][0]["clicks"], 1);

    // The CSV opens in Excel: a BOM, the days, in Vietnamese by default.
    let csv = app
        .client
        .get(app.url(&format!(
            "/api/v1/admin/campaigns/{summer}/report?format=csv&from=2026-12-01&to=2026-12-02"
        )))
        .bearer_auth(&shop.admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("\u{feff}Ngày,"), "{csv}");
    for id in [&summer, &tet] {
        let kept = report(&shop, id).await;
        assert_same_after_rebuild(&app, &shop, id, &kept).await;
    }
    assert!(csv.contains("2026-12-01,1,1,0,1,120000,0"), "{csv}");
    let r = app
        .client
        .get(app.url(&format!(
            "/api/v1/admin/campaigns/{summer}/report?from=2026-12-05&to=2026-12-01"
        )))
        .bearer_auth(&shop.admin)
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_day").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_then_a_purchase_lands_in_the_last_touch_campaign_sqlite() {
    a_click_then_a_purchase_lands_in_the_last_touch_campaign(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_then_a_purchase_lands_in_the_last_touch_campaign_postgres() {
    a_click_then_a_purchase_lands_in_the_last_touch_campaign(Store::Postgres).await;
}

async fn a_campaigns_people_fall_into_groups(store: Store) {
    let clock = Clock::manual(NOON);
    let Some(app) = app_with_clock(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    let store_id = shop
        .admin_post(
            "/api/v1/admin/stores",
            &json!({ "name": "Quận 1", "address": "1 Lê Lợi", "active": true }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (he, link) = campaign(&shop, "Hè", "he_2027").await;
    let empty = report(&shop, &he).await;
    assert_eq!(
        empty["groups"],
        json!({ "first_time_buyers": 0, "returning_buyers": 0, "visitors": 0, "leads_only": 0 })
    );

    // Lan bought before the campaign reached her.
    let lan = shop.member("Lan", "0987654321").await;
    staff_purchase(&shop, &lan, &store_id, "HD-0", 50_000).await;
    clock.advance(60 * 1000);
    let (mai, hoa, tu) = (
        shop.member("Mai", "0912345678").await,
        shop.member("Hoa", "0903123456").await,
        shop.member("Tú", "0938123456").await,
    );
    for m in [&mai, &lan, &hoa, &tu] {
        let c = click(&app, &link, "Mozilla/5.0 (iPhone)").await;
        assert_eq!(tie(&shop, m, &c).await.status(), StatusCode::OK);
    }
    clock.advance(60 * 1000);
    // Mai buys for the first time, Lan again, Hoa only comes by, Tú does nothing yet.
    staff_purchase(&shop, &mai, &store_id, "HD-1", 120_000).await;
    staff_purchase(&shop, &lan, &store_id, "HD-2", 80_000).await;
    let qr = shop.get("/api/v1/me/qr", &hoa.token).await;
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/visits?store_id={store_id}"),
            &shop.admin,
            Some(&json!({ "code": qr["code"] })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = report(&shop, &he).await;
    assert_eq!(
        r["groups"],
        json!({ "first_time_buyers": 1, "returning_buyers": 1, "visitors": 1, "leads_only": 1 }),
        "{r}"
    );
    // A buyer who also came by is counted once, as a buyer.
    clock.advance(DAY);
    let qr = shop.get("/api/v1/me/qr", &mai.token).await;
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/staff/visits?store_id={store_id}"),
            &shop.admin,
            Some(&json!({ "code": qr["code"] })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let kept = report(&shop, &he).await;
    assert_eq!(kept["groups"]["first_time_buyers"], 1);
    assert_eq!(kept["groups"]["visitors"], 1);
    assert_same_after_rebuild(&app, &shop, &he, &kept).await;
}

/// The rollup the writers kept is the one rebuilt from the touches and attributions.
async fn assert_same_after_rebuild(app: &TestApp, shop: &Shop<'_>, id: &str, kept: &Value) {
    let mut tx = app.db.begin().await.unwrap();
    cham_server::campaigns::rollup::rebuild(&mut tx, id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(&report(shop, id).await, kept);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaigns_people_fall_into_groups_sqlite() {
    a_campaigns_people_fall_into_groups(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaigns_people_fall_into_groups_postgres() {
    a_campaigns_people_fall_into_groups(Store::Postgres).await;
}
