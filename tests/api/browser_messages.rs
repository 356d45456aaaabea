//! In Chromium: an admin builds a segment from a ready-made one and sees it counted live, writes a message to it
//! with an OA card, sends it, and watches it reach the member on the Zalo OA; the member's tap on the button is
//! recorded and opens the mini app's rewards screen.

use crate::{
    browser::{
        admin_of_demo, browser, click, member_token, sign_in_member, spawn_demo, type_into, wait_for_text_containing,
    },
    helpers::Store,
};

async fn an_admin_sends_a_message_to_a_segment(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    sign_in_member(c, &app, "Đỗ Minh Thư", "0912 000 444").await;
    click(c, "button.follow-oa-button").await;
    wait_for_text_containing(c, ".follow-oa-done", "Cảm ơn bạn đã quan tâm").await;
    let token = member_token(c).await;
    let r = app
        .client
        .put(app.url("/api/v1/me/consents/marketing_zalo"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "granted": true, "wording_version": "2026-01" }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());

    let password = admin_of_demo(&app).await;
    // No quiet hours for the test, whatever the time of day in Vietnam.
    let admin = app.admin_token("demo", "console@demo.vn", &password).await;
    let r = app
        .client
        .put(app.url("/api/v1/admin/messaging/settings"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({ "settings": {
            "priority": ["zalo_oa", "zns", "email", "sms"], "per_day": 1, "per_week": 3, "quiet_from": "00:00",
            "quiet_until": "00:00", "oa_per_follower_month": 4, "zns_cost_vnd": 300, "sms_cost_vnd": 800 } }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    c.goto(&app.url("/admin/segments")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text_containing(c, "h1", "Nhóm khách hàng").await;
    click(c, ".page-head button.primary").await;
    c.execute(
        "const s = document.querySelector('select.seg-template'); s.value = 'oa_followers_consenting'; \
         s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    wait_for_text_containing(c, ".seg-count", "1 người trong nhóm lúc này").await;
    wait_for_text_containing(c, ".seg-sample", "Đỗ Minh Thư").await;
    click(c, ".segment-editor button[type=submit]").await;
    wait_for_text_containing(c, "table.segments", "Người quan tâm OA đồng ý nhận tin").await;

    c.goto(&app.url("/admin/messages")).await.unwrap();
    wait_for_text_containing(c, ".empty", "Chưa có tin nhắn nào").await;
    click(c, ".page-head button.primary").await;
    type_into(c, "input[name=msg_name]", "Quà cuối tuần").await;
    wait_for_text_containing(c, "select.msg-segment", "Người quan tâm OA").await;
    c.execute(
        "const s = document.querySelector('select.msg-segment'); s.value = s.options[1].value; \
         s.dispatchEvent(new Event('change')); \
         const t = document.querySelector('select.msg-target'); t.value = '/rewards'; t.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    type_into(c, "input[name=msg_oa_title]", "Quà cuối tuần").await;
    type_into(c, "textarea[name=msg_oa_text]", "Chào {name}, ghé quán nhận quà nhé").await;
    type_into(c, "input[name=msg_oa_button]", "Xem quà").await;
    wait_for_text_containing(c, ".oa-preview .oa-text", "Chào Lan, ghé quán nhận quà nhé").await;
    click(c, "button.send-now").await;
    wait_for_text_containing(c, ".figure.sent strong", "1").await;
    wait_for_text_containing(c, ".channel-report", "Zalo OA").await;

    // The member taps the OA card's button.
    let sent: serde_json::Value = app
        .client
        .get(app.url("/__sim/zalo/oa/messages"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let card = sent
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "promotion")
        .expect("the OA took a promotion")
        .clone();
    assert!(card["text"].as_str().unwrap().contains("Chào Đỗ Minh Thư"), "{card}");
    c.goto(card["button_url"].as_str().unwrap()).await.unwrap();
    wait_for_text_containing(c, "h1", "Đổi quà").await;
    let (clicks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE type = 'message_clicked'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(clicks, 1);
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_sends_a_message_to_a_segment_sqlite() {
    an_admin_sends_a_message_to_a_segment(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_sends_a_message_to_a_segment_postgres() {
    an_admin_sends_a_message_to_a_segment(Store::Postgres).await;
}
