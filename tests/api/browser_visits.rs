//! In Chromium: a member shows their code in the mini app; store staff type what the scanner reads into the staff
//! view, see who it is and record the visit, which pays the demo's "Ghé cửa hàng" points.

use fantoccini::Locator;

use crate::{
    browser::{
        admin_of_demo, browser, click, sign_in_member, spawn_demo, type_into, wait_for_text, wait_for_text_containing,
    },
    helpers::Store,
};

async fn a_member_shows_their_code_and_staff_record_the_visit(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    sign_in_member(c, &app, "Trần Văn Đức", "0912 000 111").await;
    click(c, "button.member-code-link").await;
    wait_for_text(c, ".member-code-screen h1", "Mã thành viên").await;
    let qr = c.wait().for_element(Locator::Css(".member-qr svg")).await.unwrap();
    let _ = qr;
    let code = c
        .find(Locator::Css(".member-qr"))
        .await
        .unwrap()
        .attr("data-code")
        .await
        .unwrap()
        .expect("the QR's code is on the page");
    assert!(code.starts_with("CHAM1."), "{code}");
    wait_for_text_containing(c, ".member-code-timer", "Mã tự đổi sau").await;

    // At the till (the owner acts at every store; the first by name is chosen).
    let password = admin_of_demo(&app).await;
    c.goto(&app.url("/staff")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    type_into(c, "input[name=voucher_code]", &code).await;
    click(c, "form.search button[type=submit]").await;
    wait_for_text(c, ".member-found", "Trần Văn Đức").await;
    click(c, "button.record-visit").await;
    wait_for_text(c, ".visit-ok", "Đã ghi nhận lượt ghé tại Chạm Coffee Nguyễn Huệ · +10").await;
    wait_for_text(c, ".visited-today", "Hôm nay đã ghi nhận lượt ghé tại cửa hàng này").await;
    // And what they bought, with the till's receipt: 1 point per 10,000 đồng (pending a day).
    type_into(c, "input[name=amount_vnd]", "125.000").await;
    type_into(c, "input[name=receipt_code]", "hd-001").await;
    click(c, "button.record-purchase").await;
    wait_for_text(c, ".purchase-ok", "Đã ghi nhận hoá đơn 125.000 ₫ · +12").await;
    // The shift lists both, newest first, in Vietnamese.
    wait_for_text_containing(
        c,
        ".shift-entry:first-child",
        "Mua tại cửa hàng · Trần Văn Đức · 125.000 ₫ · HD-001",
    )
    .await;
    wait_for_text_containing(c, ".shift-entry:last-child", "Ghé cửa hàng · Trần Văn Đức").await;
    // The same code a second time: the member is shown, and the visit is already there today.
    click(c, "form.search button[type=submit]").await;
    wait_for_text(c, ".visited-today", "Hôm nay đã ghi nhận lượt ghé tại cửa hàng này").await;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE type = 'checked_in'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(n, 1);

    // Back in the mini app, the member finds the brand's stores (by name until they share where they are).
    c.goto(&app.url("/")).await.unwrap();
    click(c, "button.stores-link").await;
    wait_for_text(c, ".store:first-child .store-name", "Chạm Coffee Nguyễn Huệ").await;
    wait_for_text(c, ".store:last-child .store-name", "Chạm Coffee Thảo Điền").await;
    wait_for_text_containing(c, ".store:first-child", "7:00–22:00").await;
    click(c, "button.back").await;
    wait_for_text(c, ".points-value", "30").await;
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_shows_their_code_and_staff_record_the_visit_sqlite() {
    a_member_shows_their_code_and_staff_record_the_visit(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_shows_their_code_and_staff_record_the_visit_postgres() {
    a_member_shows_their_code_and_staff_record_the_visit(Store::Postgres).await;
}
