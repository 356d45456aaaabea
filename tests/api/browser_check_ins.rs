//! In Chromium: a member opens a store poster's link, checks in and sends a receipt; store staff confirm the
//! receipt in the staff view; the member sees it confirmed with its points. A stranger follows a campaign link,
//! signs in, and becomes the campaign's lead.

use serde_json::Value;

use crate::{
    browser::{
        admin_of_demo, browser, click, sign_in_member, spawn_demo, type_into, wait_for_text, wait_for_text_containing,
    },
    helpers::{Store, TestApp},
};

/// The code of the demo's first store's poster, as the console prints it to an admin (`admin`, their token).
pub(crate) async fn first_poster_code(app: &TestApp, admin: &str) -> String {
    let stores: Value = app.get_with("/api/v1/admin/stores", admin).await.json().await.unwrap();
    let first = stores
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["input"]["name"] == "Chạm Coffee Nguyễn Huệ")
        .unwrap();
    let poster: Value = app
        .get_with(
            &format!("/api/v1/admin/stores/{}/poster", first["id"].as_str().unwrap()),
            admin,
        )
        .await
        .json()
        .await
        .unwrap();
    poster["code"].as_str().unwrap().to_owned()
}

async fn a_member_checks_in_and_staff_confirm_their_receipt(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let password = admin_of_demo(&app).await;
    let admin = app.admin_token("demo", "console@demo.vn", &password).await;
    let code = &first_poster_code(&app, &admin).await;

    let browser = browser().await;
    let c = &browser.client;
    sign_in_member(c, &app, "Lê Thị Hoa", "0912 000 222").await;
    c.goto(&app.url(&format!("/checkin?code={code}"))).await.unwrap();
    wait_for_text(c, ".store-found .store-name", "Chạm Coffee Nguyễn Huệ").await;
    click(c, "button.check-in").await;
    wait_for_text_containing(c, ".check-in-done", "Đã check-in tại Chạm Coffee Nguyễn Huệ · +10 điểm").await;
    type_into(c, "input[name=receipt_code]", "hd-2026-55").await;
    type_into(c, "input[name=amount_vnd]", "125.000").await;
    click(c, "button.send-receipt").await;
    wait_for_text(c, ".receipt-sent", "Đã gửi hoá đơn. Cửa hàng sẽ xác nhận sớm.").await;
    wait_for_text_containing(c, ".my-receipt .claim-status", "Chờ cửa hàng xác nhận").await;

    // At the till, staff see the receipt waiting and confirm it against the till.
    c.goto(&app.url("/staff")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text_containing(c, ".claim", "HD-2026-55 · 125.000 ₫").await;
    wait_for_text_containing(c, ".claim", "Lê Thị Hoa").await;
    click(c, "button.confirm-claim").await;
    wait_for_text(c, ".claim-done", "Đã xác nhận hoá đơn HD-2026-55").await;
    wait_for_text(c, ".claims-empty", "Không có hoá đơn nào chờ xác nhận.").await;
    wait_for_text_containing(
        c,
        ".shift-entry:first-child",
        "Mua tại cửa hàng · Lê Thị Hoa · 125.000 ₫",
    )
    .await;

    // Back in the mini app: confirmed, with its points (1 per 10,000 đồng in the demo).
    c.goto(&app.url("/checkin")).await.unwrap();
    wait_for_text_containing(c, ".my-receipt .claim-status", "Đã xác nhận · +12 điểm").await;
    browser.client.close().await.unwrap();
}

async fn a_campaign_link_brings_a_lead(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let password = admin_of_demo(&app).await;
    let admin = app.admin_token("demo", "console@demo.vn", &password).await;
    let post = |path: String, body: Value| app.client.post(app.url(&path)).bearer_auth(&admin).json(&body).send();
    let campaign: Value = post(
        "/api/v1/admin/campaigns".into(),
        serde_json::json!({ "name": "Tết 2027", "slug": "tet_2027" }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let id = campaign["id"].as_str().unwrap();
    let link: Value = post(
        format!("/api/v1/admin/campaigns/{id}/links"),
        serde_json::json!({ "channel": "facebook", "target": "/stores" }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();

    // A stranger follows the link: the stores screen's address, signed out; they sign in there.
    let browser = browser().await;
    let c = &browser.client;
    c.goto(&app.url(&format!("/l/{}", link["code"].as_str().unwrap())))
        .await
        .unwrap();
    type_into(c, "input[name=name]", "Võ Thị Thu").await;
    type_into(c, "input[name=phone]", "0912 000 333").await;
    click(c, "button[type=submit]").await;
    wait_for_text(c, ".store:first-child .store-name", "Chạm Coffee Nguyễn Huệ").await;
    // The click became theirs: a lead for the campaign, `link_clicked` on their timeline.
    let mut leads = 0;
    for _ in 0..50 {
        let report: Value = app
            .get_with(&format!("/api/v1/admin/campaigns/{id}/report"), &admin)
            .await
            .json()
            .await
            .unwrap();
        leads = report["total"]["leads"].as_i64().unwrap();
        if leads == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(leads, 1);
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM events WHERE type = 'link_clicked' AND utm_campaign = 'tet_2027'")
            .fetch_one(app.db.read())
            .await
            .unwrap();
    assert_eq!(n, 1);
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_campaign_link_brings_a_lead_sqlite() {
    a_campaign_link_brings_a_lead(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_campaign_link_brings_a_lead_postgres() {
    a_campaign_link_brings_a_lead(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_checks_in_and_staff_confirm_their_receipt_sqlite() {
    a_member_checks_in_and_staff_confirm_their_receipt(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_checks_in_and_staff_confirm_their_receipt_postgres() {
    a_member_checks_in_and_staff_confirm_their_receipt(Store::Postgres).await;
}
