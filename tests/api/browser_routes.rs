//! Every screen of the mini app has an address: a link opens the screen it names, the app's moves go into the
//! browser's history, and the back button goes back within the app (inside Zalo it would otherwise close it).

use fantoccini::{Client, Locator};

use crate::{
    browser::{browser, click, sign_in_member, spawn_demo, type_into, wait_for_text},
    helpers::Store,
};

async fn path(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_owned()
}

/// Waits for the address bar to show `expected`.
async fn wait_for_path(c: &Client, expected: &str) {
    for _ in 0..100 {
        if path(c).await == expected {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the address stayed {} instead of {expected}", path(c).await);
}

async fn a_link_opens_its_screen_and_back_stays_in_the_app(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    // A phone the simulator would refuse is said beside its field, in Vietnamese, and nobody is created.
    let profiles = app.count("profiles").await;
    c.goto(&app.url("/")).await.unwrap();
    type_into(c, "input[name=name]", "Đặng Quốc Bảo").await;
    type_into(c, "input[name=phone]", "12345").await;
    click(c, "button[type=submit]").await;
    wait_for_text(c, ".phone-error", "Số điện thoại không hợp lệ.").await;
    assert_eq!(app.count("profiles").await, profiles);
    sign_in_member(c, &app, "Đặng Quốc Bảo", "0903 111 222").await;

    // A link straight to the rewards opens them.
    c.goto(&app.url("/rewards")).await.unwrap();
    wait_for_text(c, ".reward:first-child .reward-name", "Cà phê sữa đá miễn phí").await;
    assert_eq!(path(c).await, "/rewards");

    // Home, then games: each move is an address of its own.
    click(c, ".rewards-screen .back").await;
    wait_for_text(c, ".points-value", "20").await;
    wait_for_path(c, "/").await;
    click(c, "button.games-link").await;
    wait_for_text(c, ".games-screen h1", "Trò chơi").await;
    wait_for_path(c, "/games").await;

    // The browser's back button goes home, not out of the app; forward comes back to the games.
    c.back().await.unwrap();
    wait_for_text(c, ".points-value", "20").await;
    wait_for_path(c, "/").await;
    c.forward().await.unwrap();
    wait_for_text(c, ".games-screen h1", "Trò chơi").await;

    // The app's own Back goes back along the history too.
    click(c, ".games-screen .back").await;
    wait_for_path(c, "/").await;
    assert!(c.find(Locator::Css(".home")).await.is_ok());

    // The member renames themselves from the home screen.
    click(c, "button.edit-name").await;
    crate::browser::type_into(c, "input[name=display_name]", " Bảo").await;
    click(c, "button.save-name").await;
    wait_for_text(c, ".member-name", "Đặng Quốc Bảo Bảo").await;

    // A link to a screen that does not exist shows the home screen.
    c.goto(&app.url("/no-such-screen")).await.unwrap();
    wait_for_text(c, ".points-value", "20").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_link_opens_its_screen_and_back_stays_in_the_app_sqlite() {
    a_link_opens_its_screen_and_back_stays_in_the_app(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_link_opens_its_screen_and_back_stays_in_the_app_postgres() {
    a_link_opens_its_screen_and_back_stays_in_the_app(Store::Postgres).await;
}
