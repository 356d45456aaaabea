//! In Chromium: a member signed in through Zalo (the simulator) is offered the brand's OA on the home screen,
//! follows it, and is thanked once the OA's signed webhook has tied the follower to them; the offer is gone after.
//! An admin sees the demo's OA connected on the console's channels page, and a wrong refresh token refused; once
//! the follower writes to the OA, the admin replies from their profile page.

use fantoccini::Locator;

use crate::{
    browser::{admin_of_demo, browser, click, sign_in_member, spawn_demo, type_into, wait_for_text_containing},
    helpers::Store,
};

async fn a_member_follows_the_oa_from_the_home_screen(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    sign_in_member(c, &app, "Lê Thu Hà", "0912 000 222").await;
    wait_for_text_containing(c, ".follow-oa-lead", "Quan tâm Zalo OA của nhãn hàng").await;
    click(c, "button.follow-oa-button").await;
    wait_for_text_containing(c, ".follow-oa-done", "Cảm ơn bạn đã quan tâm Chạm Coffee").await;
    let (verified,): (i64,) = sqlx::query_as("SELECT verified FROM identities WHERE kind = 'zalo_oa_follower_id'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(verified, 1);
    // Back on the home screen later, there is nothing more to offer.
    c.refresh().await.unwrap();
    wait_for_text_containing(c, ".points-value", "20").await;
    assert!(c.find(Locator::Css(".follow-oa")).await.is_err());
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_follows_the_oa_from_the_home_screen_sqlite() {
    a_member_follows_the_oa_from_the_home_screen(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_follows_the_oa_from_the_home_screen_postgres() {
    a_member_follows_the_oa_from_the_home_screen(Store::Postgres).await;
}

async fn an_admin_sees_the_oa_connection(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    let password = admin_of_demo(&app).await;
    c.goto(&app.url("/admin/channels")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text_containing(c, ".oa-state", "Đã kết nối. Mã truy cập còn hạn đến").await;
    type_into(c, "input[name=refresh_token]", "not-one-zalo-issued").await;
    click(c, ".oa-connect button[type=submit]").await;
    wait_for_text_containing(c, ".error", "Zalo không chấp nhận mã làm mới này").await;
    wait_for_text_containing(c, ".oa-state", "Đã kết nối").await;
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_sees_the_oa_connection_sqlite() {
    an_admin_sees_the_oa_connection(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_sees_the_oa_connection_postgres() {
    an_admin_sees_the_oa_connection(Store::Postgres).await;
}

async fn an_admin_replies_to_a_follower_who_wrote(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    sign_in_member(c, &app, "Võ Thị Mai", "0912 000 333").await;
    click(c, "button.follow-oa-button").await;
    wait_for_text_containing(c, ".follow-oa-done", "Cảm ơn bạn đã quan tâm").await;
    // She writes to the OA in Zalo (the simulator signs and posts the webhook).
    let user = c
        .execute("return localStorage.getItem('cham.sim.zaloUser');", vec![])
        .await
        .unwrap();
    let user = user.as_str().unwrap().to_owned();
    let r = app
        .client
        .post(app.url(&format!("/__sim/zalo/users/{user}/oa")))
        .json(&serde_json::json!({ "event": "user_send_text", "text": "Quán mở cửa mấy giờ ạ?" }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let (profile,): (String,) =
        sqlx::query_as("SELECT profile_id FROM identities WHERE kind = 'zalo_id' AND value = $1")
            .bind(&user)
            .fetch_one(app.db.read())
            .await
            .unwrap();
    for _ in 0..100 {
        let (written,): (Option<i64>,) =
            sqlx::query_as("SELECT last_user_message_at FROM oa_followers WHERE profile_id = $1")
                .bind(&profile)
                .fetch_one(app.db.read())
                .await
                .unwrap();
        if written.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let password = admin_of_demo(&app).await;
    c.goto(&app.url(&format!("/admin/customers/{profile}"))).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text_containing(c, ".oa-window", "Có thể trả lời đến").await;
    wait_for_text_containing(c, ".oa-window", "8 lượt trả lời còn lại").await;
    type_into(c, "textarea[name=oa_reply]", "Dạ quán mở cửa từ 7 giờ sáng ạ.").await;
    click(c, "button.send-oa-reply").await;
    wait_for_text_containing(c, ".oa-reply-text", "Dạ quán mở cửa từ 7 giờ sáng ạ.").await;
    wait_for_text_containing(c, ".oa-window", "7 lượt trả lời còn lại").await;
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_replies_to_a_follower_who_wrote_sqlite() {
    an_admin_replies_to_a_follower_who_wrote(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_replies_to_a_follower_who_wrote_postgres() {
    an_admin_replies_to_a_follower_who_wrote(Store::Postgres).await;
}
