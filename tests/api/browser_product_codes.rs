//! In Chromium: an admin makes a batch of product codes in the console (a refusal beside its field, in
//! Vietnamese); a member opens a code's link, earns its points once and sees them in their history; the same code
//! again is refused in words; the console counts the scan and the refusal.

use fantoccini::Locator;
use serde_json::Value;

use crate::{
    browser::{
        admin_of_demo, browser, click, sign_in_member, spawn_demo, type_into, wait_for_text, wait_for_text_containing,
    },
    helpers::Store,
};

async fn replace(c: &fantoccini::Client, css: &str, text: &str) {
    let input = c.find(Locator::Css(css)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn a_member_scans_a_product_code_once(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    let password = admin_of_demo(&app).await;
    c.goto(&app.url("/admin/product-codes")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text(c, ".product-codes-admin .empty", "Chưa có lô mã nào.").await;

    // No codes is refused beside the count; nothing is made.
    type_into(c, "input[name=batch_name]", "Ly Tết 2027").await;
    replace(c, "input[name=batch_points]", "15").await;
    replace(c, "input[name=batch_count]", "0").await;
    click(c, "button.save-batch").await;
    wait_for_text(c, "label.invalid .field-error", "Nhập một số nguyên từ 1 đến 100.000.").await;
    assert_eq!(app.count("product_code_batches").await, 0);
    replace(c, "input[name=batch_count]", "20").await;
    click(c, "button.save-batch").await;
    wait_for_text_containing(c, ".batch-row", "Ly Tết 2027").await;
    wait_for_text_containing(c, ".batch-row", "0 / 20").await;
    let (code,): (String,) = sqlx::query_as("SELECT code FROM product_codes ORDER BY code LIMIT 1")
        .fetch_one(app.db.read())
        .await
        .unwrap();

    // The member opens the code's link (the phone's camera reads the QR on the cup): 15 points, once.
    sign_in_member(c, &app, "Phạm Văn Nam", "0912 000 444").await;
    c.goto(&app.url(&format!("/checkin?code={code}"))).await.unwrap();
    wait_for_text(c, ".product-earned", "Bạn được cộng +15 điểm · Ly Tết 2027").await;
    c.goto(&app.url(&format!("/checkin?code={code}"))).await.unwrap();
    wait_for_text(c, ".notice.error", "Mã sản phẩm này đã được quét rồi.").await;
    c.goto(&app.url("/history")).await.unwrap();
    wait_for_text(
        c,
        ".entry:first-child .entry-what",
        "Quét mã trên sản phẩm · Ly Tết 2027",
    )
    .await;

    // The console counts the scan and the refused second one.
    let admin = app.admin_token("demo", "console@demo.vn", &password).await;
    let batches: Value = app
        .get_with("/api/v1/admin/product-batches", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (batches[0]["spent"].as_i64(), batches[0]["refused_scans"].as_i64()),
        (Some(1), Some(1))
    );
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_scans_a_product_code_once_sqlite() {
    a_member_scans_a_product_code_once(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_scans_a_product_code_once_postgres() {
    a_member_scans_a_product_code_once(Store::Postgres).await;
}
