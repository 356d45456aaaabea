//! In Chromium: an admin sees no journeys yet, starts one from the ready-made win-back, is told beside the step
//! that 0 points cannot be given, fixes it, has it start at sign-in, saves and turns it on; a member signing in
//! to the mini app is then inside, waiting at its first step, which the page counts.

use std::time::Duration;

use fantoccini::Locator;

use crate::{
    browser::{
        admin_of_demo, browser, click, sign_in_member, spawn_demo, type_into, wait_for_text, wait_for_text_containing,
    },
    helpers::Store,
};

async fn an_admin_builds_and_opens_a_journey(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let b = browser().await;
    let c = &b.client;
    let password = admin_of_demo(&app).await;
    c.goto(&app.url("/admin/journeys")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text_containing(c, ".no-journeys", "Chưa có hành trình nào").await;

    // The win-back start: its first step waits for a visit, the third gives points.
    let starts = c.find_all(Locator::Css(".journey-start")).await.unwrap();
    starts[3].click().await.unwrap();
    wait_for_text(c, ".journey-editor h2", "Hành trình mới").await;
    wait_for_text_containing(c, ".journey-step[data-kind=wait_for] .event-name", "Ghé cửa hàng").await;
    let points = c
        .find(Locator::Css(".journey-step[data-kind=give_points] .step-points"))
        .await
        .unwrap();
    points.clear().await.unwrap();
    points.send_keys("0").await.unwrap();
    click(c, ".save-journey").await;
    wait_for_text_containing(
        c,
        ".journey-step[data-kind=give_points] .field-error",
        "Nhập một số nguyên từ 1 đến 100.000",
    )
    .await;
    assert_eq!(app.count("journeys").await, 0, "a refused journey is not saved");
    let points = c
        .find(Locator::Css(".journey-step[data-kind=give_points] .step-points"))
        .await
        .unwrap();
    points.clear().await.unwrap();
    points.send_keys("30").await.unwrap();
    let trigger = c.find(Locator::Css("input[name=trigger]")).await.unwrap();
    trigger.clear().await.unwrap();
    trigger.send_keys("session_started").await.unwrap();
    wait_for_text(c, ".journey-editor .pair .event-name", "Đăng nhập").await;
    click(c, ".save-journey").await;
    wait_for_text_containing(c, ".journey-card h3", "Khách lâu chưa quay lại").await;
    wait_for_text(c, ".journey-card .badge", "Bản nháp").await;
    click(c, ".activate-journey").await;
    wait_for_text(c, ".journey-card .badge", "Đang chạy").await;

    // A member signs in to the mini app: they are inside, as the page counts once reloaded.
    sign_in_member(c, &app, "Ngô Lan", "0912000777").await;
    for _ in 0..100 {
        if app.count("journey_runs").await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.count("journey_runs").await, 1);
    c.goto(&app.url("/admin/journeys")).await.unwrap();
    wait_for_text(c, ".journey-card .journey-inside", "1").await;
    click(c, ".edit-journey").await;
    wait_for_text_containing(c, ".journey-step[data-kind=wait_for] .step-now", "Đang ở đây: 1").await;
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_builds_and_opens_a_journey_sqlite() {
    an_admin_builds_and_opens_a_journey(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_builds_and_opens_a_journey_postgres() {
    an_admin_builds_and_opens_a_journey(Store::Postgres).await;
}
