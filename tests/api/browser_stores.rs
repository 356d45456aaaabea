//! In Chromium: an admin adds a store and a staff member tied to it in the console; a refusal shows beside its
//! field in Vietnamese; the new staff member signs in to the staff view and works at that store.

use fantoccini::Locator;

use crate::{
    browser::{admin_of_demo, browser, click, spawn_demo, type_into, wait_for_text, wait_for_text_containing},
    helpers::Store,
};

async fn an_admin_adds_a_store_and_its_staff(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    let password = admin_of_demo(&app).await;
    c.goto(&app.url("/admin/stores")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;

    // The demo's two stores, then a third with a location typed the Vietnamese way (a decimal comma).
    wait_for_text(c, ".store-row:first-child .store-name", "Chạm Coffee Nguyễn Huệ").await;
    type_into(c, "input[name=store_name]", "Chạm Coffee Nguyễn Huệ").await;
    type_into(c, "input[name=store_address]", "1 Lê Lợi, Quận 1").await;
    click(c, "button.save-store").await;
    // A name already used is said beside the name, in Vietnamese, and nothing is added.
    wait_for_text(c, "label.invalid .field-error", "Giá trị này bị trùng.").await;
    assert_eq!(app.count("stores").await, 2);
    let name = c.find(Locator::Css("input[name=store_name]")).await.unwrap();
    name.clear().await.unwrap();
    name.send_keys("Chạm Coffee Lê Lợi").await.unwrap();
    type_into(c, "input[name=store_hours]", "6:30–23:00").await;
    type_into(c, "input[name=store_latitude]", "10,7725").await;
    type_into(c, "input[name=store_longitude]", "106,6980").await;
    click(c, "button.save-store").await;
    wait_for_text(c, ".notice.success", "Đã lưu.").await;
    wait_for_text_containing(c, ".stores-list", "Chạm Coffee Lê Lợi").await;
    let (lat,): (Option<f64>,) = sqlx::query_as("SELECT latitude FROM stores WHERE name = 'Chạm Coffee Lê Lợi'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(lat, Some(10.7725));

    // A staff member for that store.
    c.goto(&app.url("/admin/staff")).await.unwrap();
    wait_for_text_containing(c, ".team-list", "console@demo.vn").await;
    type_into(c, "input[name=member_email]", "quay@demo.vn").await;
    type_into(c, "input[name=member_password]", "ngắn").await;
    c.execute(
        "for (const box of document.querySelectorAll('input[name=staff_store]')) { \
           if (box.parentElement.textContent.includes('Lê Lợi')) box.click(); }",
        vec![],
    )
    .await
    .unwrap();
    click(c, "button.save-member").await;
    wait_for_text(c, "label.invalid .field-error", "Cần từ 12 đến 1024 ký tự.").await;
    let field = c.find(Locator::Css("input[name=member_password]")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("mật khẩu quầy đủ dài").await.unwrap();
    click(c, "button.save-member").await;
    wait_for_text(c, ".notice.success", "Đã lưu.").await;
    wait_for_text_containing(c, ".team-list", "quay@demo.vn").await;
    wait_for_text_containing(c, ".team-list", "Chạm Coffee Lê Lợi").await;

    // They sign in to the staff view, which says where they work.
    c.execute("localStorage.clear();", vec![]).await.unwrap();
    c.goto(&app.url("/staff")).await.unwrap();
    type_into(c, "input[name=email]", "quay@demo.vn").await;
    type_into(c, "input[name=password]", "mật khẩu quầy đủ dài").await;
    click(c, "button[type=submit]").await;
    wait_for_text(c, ".store-picker .store-name", "Chạm Coffee Lê Lợi").await;
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_adds_a_store_and_its_staff_sqlite() {
    an_admin_adds_a_store_and_its_staff(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_adds_a_store_and_its_staff_postgres() {
    an_admin_adds_a_store_and_its_staff(Store::Postgres).await;
}
