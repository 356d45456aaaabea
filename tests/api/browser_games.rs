//! The lucky wheel in headless Chromium: a member spins the demo brand's wheel, and the prize shown, and the
//! segment the wheel stops on, are the play the server recorded.

use std::time::Duration;

use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    browser::{
        admin_of_demo, browser, click, sign_in_member, spawn_demo, type_into, wait_for_text, wait_for_text_containing,
    },
    helpers::Store,
};

async fn set_field(c: &Client, css: &str, text: &str) {
    let field = c.wait().for_element(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Drags a mouse across the element `css` row by row, as a finger scratching a card.
async fn scratch(c: &Client, css: &str) {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let card = c.wait().for_element(Locator::Css(css)).await.unwrap();
    let mut actions = MouseActions::new("finger".into())
        .then(PointerAction::MoveToElement {
            element: card,
            duration: None,
            x: -140.0,
            y: -56.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        });
    for row in 0..5 {
        let step = if row % 2 == 0 { 20.0 } else { -20.0 };
        for _ in 0..14 {
            actions = actions.then(PointerAction::MoveBy {
                duration: None,
                x: step,
                y: 0.0,
            });
        }
        actions = actions.then(PointerAction::MoveBy {
            duration: None,
            x: 0.0,
            y: 28.0,
        });
    }
    actions = actions.then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    c.perform_actions(actions).await.unwrap();
}

async fn attribute(c: &Client, css: &str, name: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn a_member_spins_the_wheel(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    sign_in_member(c, &app, "Phạm Thu Hà", "0912 345 678").await;

    click(c, "button.games-link").await;
    wait_for_text(c, ".game h2", "Vòng quay may mắn").await;
    wait_for_text(c, ".plays-left strong", "1").await;
    // The rules (thể lệ) publish each prize's chance and what is given when a prize has run out.
    click(c, "details.game-rules summary").await;
    wait_for_text(c, ".odds-list li:first-child .odds", "40%").await;
    wait_for_text(c, ".odds-list li:last-child .odds-label", "Chúc may mắn lần sau").await;
    wait_for_text(c, ".odds-list li:last-child .odds", "54%").await;
    click(c, "button.play").await;
    // The outcome shows once the wheel has stopped.
    let outcome = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(".outcome"))
        .await
        .unwrap();
    let play_id = outcome.attr("data-play").await.unwrap().unwrap();
    let shown_segment = outcome.attr("data-segment").await.unwrap().unwrap();
    let shown_label = c
        .find(Locator::Css(".outcome .prize-label"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    let (prize_id, kind): (Option<String>, String) =
        sqlx::query_as("SELECT prize_id, prize_kind FROM game_plays WHERE id = $1")
            .bind(&play_id)
            .fetch_one(app.db.read())
            .await
            .unwrap();
    let recorded_segment = prize_id.clone().unwrap_or_else(|| "nothing".into());
    assert_eq!(shown_segment, recorded_segment);
    let recorded_label = match &prize_id {
        Some(id) => {
            sqlx::query_as::<_, (String,)>("SELECT label FROM game_prizes WHERE id = $1")
                .bind(id)
                .fetch_one(app.db.read())
                .await
                .unwrap()
                .0
        }
        None => "Chúc may mắn lần sau".into(),
    };
    assert_eq!(shown_label, recorded_label, "the play recorded was {kind}");

    // The wheel stopped with that segment under the pointer at the top.
    let style = attribute(c, ".wheel", "style").await;
    let angle: f64 = style
        .split("rotate(")
        .nth(1)
        .and_then(|s| s.split("deg").next())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no rotation in {style}"));
    let segments = c.find_all(Locator::Css(".wheel .segment")).await.unwrap();
    let width = 360.0 / segments.len() as f64;
    let under_pointer = ((360.0 - angle.rem_euclid(360.0)).rem_euclid(360.0) / width).floor() as usize;
    let stopped_on = segments[under_pointer].attr("data-segment").await.unwrap().unwrap();
    assert_eq!(stopped_on, recorded_segment);

    // One free play a day: the button is spent.
    wait_for_text(c, ".plays-left strong", "0").await;
    // With no plays left, the card says when they come back and what earns one sooner.
    wait_for_text(
        c,
        ".no-plays",
        "Bạn đã hết lượt hôm nay; lượt mới có từ 0 giờ ngày mai. Thêm một lượt ngay khi: Ghé cửa hàng.",
    )
    .await;

    // The console shows the play in the game's live stats, and builds a new game.
    let password = admin_of_demo(&app).await;
    c.goto(&app.url("/admin/games")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text(c, ".game-stats .plays", "1").await;
    type_into(c, "input[name=game_name]", "Thẻ cào Tết").await;
    type_into(c, "input[name=prize_label]", "Lì xì 5 điểm").await;
    set_field(c, "input[name=prize_points]", "5").await;
    set_field(c, "input[name=prize_share]", "150").await;
    wait_for_text(c, ".preview .error", "Tổng vượt quá 100%.").await;
    click(c, "button.save-game").await;
    // The refusal is said where the admin is looking, in Vietnamese: beside the chance and beside Save.
    wait_for_text(c, "label.invalid .field-error", "Nhập tỉ lệ từ 0% đến 100%.").await;
    assert_eq!(attribute(c, "input[name=prize_share]", "aria-invalid").await, "true");
    wait_for_text_containing(
        c,
        ".notice.error",
        "Trò chơi chưa hợp lệ. Kiểm tra giải thưởng, tỉ lệ và ngân sách. Nhập tỉ lệ",
    )
    .await;
    assert_eq!(app.count("games").await, 1);
    // Two prizes over 100% between them: said beside the total.
    click(c, "button.add-prize").await;
    set_field(c, ".prize-form[data-prize=\"2\"] input[name=prize_label]", "Quà").await;
    set_field(c, "input[name=prize_share]", "60").await;
    set_field(c, ".prize-form[data-prize=\"2\"] input[name=prize_share]", "50").await;
    click(c, "button.save-game").await;
    wait_for_text(
        c,
        ".preview .field-error",
        "Tổng tỉ lệ là 110,00%: tối đa 100% (phần còn lại là “không trúng”).",
    )
    .await;
    c.find(Locator::Css(".prize-form[data-prize=\"2\"] button.link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // A prize of points with no points: the message sits in that field's label, and the field is marked.
    set_field(c, "input[name=prize_share]", "50").await;
    set_field(c, "input[name=prize_points]", "0").await;
    click(c, "button.save-game").await;
    wait_for_text(
        c,
        "label.invalid .field-error",
        "Nhập một số nguyên từ 1 đến 1.000.000.",
    )
    .await;
    assert_eq!(attribute(c, "input[name=prize_points]", "aria-invalid").await, "true");
    assert_eq!(app.count("games").await, 1);
    set_field(c, "input[name=prize_points]", "5").await;
    click(c, "input[name=extra_play][value=order_paid]").await;
    click(c, "button.save-game").await;
    wait_for_text(c, ".game-stats h2", "Thẻ cào Tết · Bật").await;
    let (points,): (Option<i64>,) = sqlx::query_as("SELECT points FROM game_prizes WHERE label = 'Lì xì 5 điểm'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(points, Some(5));
    let (extra,): (String,) = sqlx::query_as("SELECT extra_play_events FROM games WHERE name = 'Thẻ cào Tết'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(extra, r#"["checked_in","order_paid"]"#);

    // The admin edits the new game in place.
    click(c, ".game-stats .edit-game").await;
    set_field(c, "input[name=game_name]", "Thẻ cào Xuân").await;
    click(c, "button.save-game").await;
    wait_for_text(c, ".game-stats h2", "Thẻ cào Xuân · Bật").await;
    assert_eq!(app.count("games").await, 2);
    let (name,): (String,) =
        sqlx::query_as("SELECT name FROM games WHERE kind = 'wheel' AND name <> 'Vòng quay may mắn'")
            .fetch_one(app.db.read())
            .await
            .unwrap();
    assert_eq!(name, "Thẻ cào Xuân");

    // A gift won in a game is handed over at the store, once.
    let admin = app.admin_token("demo", "console@demo.vn", &password).await;
    let r = app
        .client
        .post(app.url("/api/v1/admin/games"))
        .bearer_auth(&admin)
        .json(&json!({
            "name": "Quà tặng", "kind": "scratch", "plays_per_day": 1, "active": true,
            "prizes": [{ "label": "Túi vải Chạm", "kind": "gift", "share_bp": 10000 }],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let gift_game: Value = r.json().await.unwrap();
    // The member plays it in the mini app: the outcome waits under the cover until a finger scratches it away.
    let gift_game_id = gift_game["id"].as_str().unwrap().to_owned();
    c.goto(&app.url("/")).await.unwrap();
    click(c, "button.games-link").await;
    click(c, &format!(".game[data-game='{gift_game_id}'] button.play")).await;
    wait_for_text(c, ".scratch-now", "Dùng ngón tay cào lớp phủ để xem quà.").await;
    assert!(
        c.find(Locator::Css(".outcome")).await.is_err(),
        "nothing is shown before the card is scratched"
    );
    scratch(c, &format!(".game[data-game='{gift_game_id}'] canvas.scratch-cover")).await;
    let code = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".outcome .gift-code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (recorded,): (Option<String>,) = sqlx::query_as("SELECT gift_code FROM game_plays WHERE game_id = $1")
        .bind(&gift_game_id)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(recorded.unwrap(), code.replace('-', ""));
    // Leaving the games, the gift is still the member's: in My vouchers with its code and QR.
    c.goto(&app.url("/vouchers")).await.unwrap();
    wait_for_text(c, ".gift .gift-prize", "Túi vải Chạm").await;
    wait_for_text(c, ".gift .gift-code", &code).await;
    wait_for_text(c, ".gift .gift-status", "Đưa mã cho nhân viên để nhận quà").await;
    assert!(c.find(Locator::Css(".gift .qr svg")).await.is_ok());
    c.goto(&app.url("/staff")).await.unwrap();
    type_into(c, "input[name=voucher_code]", &code.replace('-', "")).await;
    click(c, ".staff button[type=submit]").await;
    wait_for_text(c, ".gift-prize", "Túi vải Chạm").await;
    wait_for_text(c, ".gift-check .holder-name", "Phạm Thu Hà").await;
    click(c, "button.hand-over").await;
    wait_for_text(c, ".used-ok", "Đã ghi nhận trao quà.").await;
    wait_for_text(c, ".gift-state", "Đã trao quà").await;
    // Looked up again, it says in red that it was handed over, when and by whom.
    click(c, "form.search button[type=submit]").await;
    wait_for_text(c, ".already-done-title", "Quà này đã được trao").await;
    // The owner acts at every store and chose none: the first, by name.
    wait_for_text(c, ".already-done-where", "Tại cửa hàng: Chạm Coffee Nguyễn Huệ").await;
    assert!(c.find_all(Locator::Css("button.hand-over")).await.unwrap().is_empty());
    let (claimed,): (Option<i64>,) =
        sqlx::query_as("SELECT gift_claimed_at FROM game_plays WHERE gift_code IS NOT NULL AND game_id = $1")
            .bind(gift_game["id"].as_str().unwrap())
            .fetch_one(app.db.read())
            .await
            .unwrap();
    assert!(claimed.is_some());
    // Handed over, it says so, and the code and QR are gone.
    c.goto(&app.url("/vouchers")).await.unwrap();
    wait_for_text(c, ".gift .gift-status", "Đã nhận quà").await;
    // The handed-over gift shows no code (another gift the wheel gave may still show its own).
    let handed_over_with_code: serde_json::Value = c
        .execute(
            "return [...document.querySelectorAll('.gift')].some(g => \
             g.querySelector('.gift-status')?.textContent.includes('Đã nhận quà') && g.querySelector('.gift-code'));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(handed_over_with_code, serde_json::Value::Bool(false));
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_spins_the_wheel_and_sees_the_recorded_prize_sqlite() {
    a_member_spins_the_wheel(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_spins_the_wheel_and_sees_the_recorded_prize_postgres() {
    a_member_spins_the_wheel(Store::Postgres).await;
}
