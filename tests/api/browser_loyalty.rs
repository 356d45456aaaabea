//! Loyalty in headless Chromium: a member earns from a purchase at the till, sees the points pending and then
//! spendable, redeems a reward with a confirmation, shows the voucher's QR, and a staff member marks it used.

use app::api::StaffRole;
use cham_server::brands::Brand;
use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    browser::{
        admin_of_demo, browser, click, sign_in_member, spawn_demo, type_into, wait_for_text, wait_for_text_containing,
    },
    helpers::Store,
};

async fn a_member_earns_redeems_and_staff_use_the_voucher(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;

    sign_in_member(c, &app, "Lê Văn Nam", "0987 654 321").await;

    // The till sends the purchase with the member's id; the demo rule pays 1 point per 10,000 VND after a day.
    let demo = Brand::by_slug(&app.db, "demo").await.unwrap().unwrap();
    let password = admin_of_demo(&app).await;
    let admin = app.admin_token("demo", "console@demo.vn", &password).await;
    let key: Value = app
        .client
        .post(app.url("/api/v1/admin/api-keys"))
        .bearer_auth(&admin)
        .json(&json!({ "name": "Till" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (member,): (String,) = sqlx::query_as("SELECT id FROM profiles WHERE brand_id = $1 AND display_name = $2")
        .bind(&demo.id)
        .bind("Lê Văn Nam")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let r = app
        .client
        .post(app.url("/api/v1/track"))
        .header("X-Api-Key", key["key"].as_str().unwrap())
        .json(
            &json!({ "events": [{ "user": { "member_id": member }, "type": "offline_purchase", "source": "pos",
                                    "properties": { "amount_vnd": 1_250_000 } }] }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    c.refresh().await.unwrap();
    wait_for_text(c, ".pending-value", "125").await;
    wait_for_text(c, ".points-value", "20").await;

    let tomorrow = chrono::Utc::now().timestamp_millis() + 24 * 3600 * 1000 + 1000;
    cham_server::loyalty::run_due(&app.db, tomorrow).await.unwrap();
    c.refresh().await.unwrap();
    wait_for_text(c, ".points-value", "145").await;

    click(c, "button.rewards-link").await;
    wait_for_text(c, ".reward:first-child .reward-name", "Cà phê sữa đá miễn phí").await;
    // A reward locked by tier names the tier it is for.
    wait_for_text(c, ".reward:last-child .blocked", "Dành cho thành viên hạng Bạc").await;
    click(c, ".reward:first-child button.redeem").await;
    click(c, "button.confirm-redeem").await;
    wait_for_text(c, ".voucher.fresh .voucher-status", "Có thể dùng").await;
    c.wait()
        .for_element(Locator::Css(".voucher.fresh .qr svg"))
        .await
        .unwrap();
    let code = c
        .find(Locator::Css(".voucher.fresh .voucher-code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(code.len(), 14, "{code}");
    // The history says what spent and earned the points, by name.
    c.goto(&app.url("/history")).await.unwrap();
    wait_for_text(c, ".entry:first-child .entry-what", "Đổi quà · Cà phê sữa đá miễn phí").await;
    wait_for_text(c, ".entry:last-child .entry-what", "Quà chào mừng thành viên mới").await;

    // At the till, a staff member checks the code and marks it used.
    // The demo brand has two stores; this staff member works at the one in Thảo Điền.
    let staff_password = app.brand_user(&demo, "till@demo.vn", StaffRole::Staff).await;
    sqlx::query(
        "INSERT INTO staff_stores (user_id, store_id, brand_id) SELECT u.id, s.id, s.brand_id FROM users u \
         JOIN stores s ON s.brand_id = u.brand_id WHERE u.email = 'till@demo.vn' AND s.name = 'Chạm Coffee Thảo Điền'",
    )
    .execute(app.db.write())
    .await
    .unwrap();
    c.goto(&app.url("/staff")).await.unwrap();
    type_into(c, "input[name=email]", "till@demo.vn").await;
    type_into(c, "input[name=password]", &staff_password).await;
    click(c, "button[type=submit]").await;
    wait_for_text(c, ".store-picker .store-name", "Chạm Coffee Thảo Điền").await;
    type_into(c, "input[name=voucher_code]", &code.to_lowercase()).await;
    click(c, "form.search button[type=submit]").await;
    wait_for_text(c, ".voucher-reward", "Cà phê sữa đá miễn phí").await;
    wait_for_text(c, ".holder-name", "Lê Văn Nam").await;
    click(c, "button.mark-used").await;
    wait_for_text(c, ".voucher-state", "Đã dùng").await;
    // Looked up again, it says in red when and by whom it was used, in Vietnam's time.
    click(c, "form.search button[type=submit]").await;
    wait_for_text(c, ".already-done-title", "Voucher này đã được dùng").await;
    wait_for_text_containing(c, ".already-done-by", "till@demo.vn").await;
    wait_for_text(c, ".already-done-where", "Tại cửa hàng: Chạm Coffee Thảo Điền").await;
    let vn_now = (chrono::Utc::now() + chrono::Duration::hours(7))
        .format("%d/%m/%Y")
        .to_string();
    wait_for_text_containing(c, ".already-done-when", &vn_now).await;
    wait_for_text_containing(c, ".already-done-when", "giờ Việt Nam").await;
    assert!(c.find_all(Locator::Css("button.mark-used")).await.unwrap().is_empty());
    // Staff see only the staff view, a page of its own without the console's navigation; the console sends them
    // back to it.
    assert!(c.find_all(Locator::Css(".sidebar a")).await.unwrap().is_empty());
    c.goto(&app.url("/admin/customers")).await.unwrap();
    wait_for_text(c, ".app.staff .topbar .brand-name", "Chạm Coffee (demo)").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/staff");

    c.goto(&app.url("/")).await.unwrap();
    click(c, "button.vouchers-link").await;
    wait_for_text(c, ".voucher .voucher-status", "Đã dùng").await;
    click(c, "button.back").await;
    wait_for_text(c, ".points-value", "95").await;
    // 95 to spend, yet the tier counts the 145 earned in the window: the card says what it measures, and the
    // tier benefits page lists every tier with what the brand entered.
    wait_for_text(c, ".card .qualifying", "145 điểm").await;
    click(c, "button.tiers-link").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/tiers");
    wait_for_text(c, ".tier-card.mine .tier-card-name", "Thành viên").await;
    wait_for_text(c, ".tier-card:nth-child(3) .tier-benefits", "+25% điểm, quà sinh nhật").await;
    wait_for_text(c, ".tier-card:nth-child(2) .tier-from", "Từ 200 điểm").await;
    wait_for_text(c, ".tiers-screen .qualifying", "145 điểm").await;
    c.back().await.unwrap();
    wait_for_text(c, ".points-value", "95").await;

    let (used,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE profile_id = $1 AND type = 'voucher_used'")
        .bind(&member)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(used, 1);
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_earns_redeems_and_staff_use_the_voucher_sqlite() {
    a_member_earns_redeems_and_staff_use_the_voucher(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_earns_redeems_and_staff_use_the_voucher_postgres() {
    a_member_earns_redeems_and_staff_use_the_voucher(Store::Postgres).await;
}
