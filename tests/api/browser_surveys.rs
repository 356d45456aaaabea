//! A survey in headless Chromium: a member answers the demo brand's survey one step at a time (a missing answer
//! and a phone without consent are stopped on the step, a rating of 5 skips a question), earns its points, and
//! the favourite drink lands on their profile; a second submission is refused. Then an admin reads the results,
//! previews a new survey in the builder, has a bad one refused and saves a good one.

use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    browser::{
        admin_of_demo, browser, click, member_token, sign_in_member, spawn_demo, type_into, wait_for_text,
        wait_for_text_containing,
    },
    helpers::{Store, assert_error},
};

async fn legend(c: &Client) -> String {
    c.wait()
        .for_element(Locator::Css("fieldset.question legend"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn choose(c: &Client, text: &str) {
    let xpath = format!("//button[contains(@class, 'choice') and normalize-space() = '{text}']");
    c.wait()
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn a_member_answers_a_survey(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    sign_in_member(c, &app, "Phạm Thu Hà", "0912 345 678").await;

    click(c, "button.surveys-link").await;
    wait_for_text(c, ".survey-card h2", "Khẩu vị của bạn").await;
    click(c, "button.start-survey").await;
    wait_for_text(c, ".step-count", "Câu 1 / 6").await;
    // A required question cannot be skipped.
    click(c, "button.next-step").await;
    wait_for_text(c, ".step-problem", "Vui lòng trả lời câu này.").await;
    choose(c, "Bạc xỉu").await;
    click(c, "button.next-step").await;
    wait_for_text(c, ".step-count", "Câu 2 / 6").await;
    click(c, ".scale-point[data-value='5']").await;
    click(c, "button.next-step").await;
    // A rating of 5 skips "what could we do better" straight to the NPS.
    wait_for_text(c, ".step-count", "Câu 4 / 6").await;
    assert!(legend(c).await.contains("giới thiệu"));
    click(c, ".scale-point[data-value='9']").await;
    click(c, "button.next-step").await;
    wait_for_text(c, ".step-count", "Câu 5 / 6").await;
    click(c, "button.next-step").await;
    wait_for_text(c, ".step-count", "Câu 6 / 6").await;
    wait_for_text(c, "button.next-step", "Gửi câu trả lời").await;
    type_into(c, "input.answer[type=tel]", "0987 654 321").await;
    click(c, "button.next-step").await;
    wait_for_text(
        c,
        ".step-problem",
        "Đánh dấu ô đồng ý để gửi thông tin liên hệ, hoặc để trống.",
    )
    .await;
    click(c, "input.consent-box").await;
    click(c, "button.next-step").await;
    wait_for_text(c, ".thank-you .earned", "20").await;

    // What the server recorded: the drink on the profile, the phone unverified with its consent, the points.
    let (member,): (String,) = sqlx::query_as("SELECT profile_id FROM survey_responses")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let (value, source): (String, String) = sqlx::query_as(
        "SELECT value, source FROM profile_attributes WHERE profile_id = $1 AND key = 'favourite_drink'",
    )
    .bind(&member)
    .fetch_one(app.db.read())
    .await
    .unwrap();
    assert_eq!((value.as_str(), source.as_str()), ("\"Bạc xỉu\"", "survey"));
    let (verified,): (i64,) = sqlx::query_as(
        "SELECT verified FROM identities WHERE profile_id = $1 AND kind = 'phone' AND value = '84987654321'",
    )
    .bind(&member)
    .fetch_one(app.db.read())
    .await
    .unwrap();
    assert_eq!(verified, 0);
    let (answered,): (String,) = sqlx::query_as("SELECT answers FROM survey_responses")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let answered: Value = serde_json::from_str(&answered).unwrap();
    let ids: Vec<&str> = answered
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["question"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["q1", "q2", "q4", "q6"]);

    // Back on the list the survey is done, and the card shows the points.
    click(c, "button.back").await;
    wait_for_text(c, ".survey-card .badge.done", "Đã hoàn thành").await;
    click(c, "button.back").await;
    wait_for_text(c, ".points-value", "40").await;

    // A second submission, straight to the API with the member's session, is refused.
    let token = member_token(c).await;
    let (survey,): (String,) = sqlx::query_as("SELECT id FROM surveys")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let r = app
        .client
        .post(app.url(&format!("/api/v1/surveys/{survey}/responses")))
        .bearer_auth(&token)
        .json(&json!({ "answers": [
            { "question": "q1", "value": "Trà đào" }, { "question": "q2", "value": 5 }, { "question": "q4", "value": 10 },
        ] }))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::CONFLICT, "already_answered").await;
    assert_eq!(app.count("survey_responses").await, 1);

    // The console: results, then the builder with its preview, a refusal and a save.
    let password = admin_of_demo(&app).await;
    c.goto(&app.url("/admin/surveys")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text(c, ".survey-row .responses", "1").await;
    click(c, "a.results-link").await;
    wait_for_text(c, ".response-count", "1").await;
    wait_for_text(c, ".answer-count[data-answer='Bạc xỉu'] .count", "1").await;
    wait_for_text(c, ".nps-score", "100").await;
    // The answer is an attribute on the member's profile in the console.
    c.goto(&app.url(&format!("/admin/customers/{member}"))).await.unwrap();
    wait_for_text(c, ".attributes li[data-key=favourite_drink] .value", "Bạc xỉu").await;

    c.goto(&app.url("/admin/surveys")).await.unwrap();
    type_into(c, "input[name=survey_name]", "Món mới").await;
    type_into(c, "input[name=question_title]", "Bạn muốn thử món nào?").await;
    click(c, "button.save-survey").await;
    // Said beside the options, and beside Save, in Vietnamese.
    wait_for_text(c, ".question-form .field-error", "Cần từ 2 đến 20 mục.").await;
    wait_for_text(
        c,
        ".notice.error",
        "Khảo sát chưa hợp lệ. Kiểm tra các câu hỏi. Cần từ 2 đến 20 mục.",
    )
    .await;
    assert_eq!(app.count("surveys").await, 1);
    type_into(c, "textarea[name=question_options]", "Bánh mì\nCroissant").await;
    click(c, "button.preview-survey").await;
    wait_for_text(c, ".survey-preview .step-count", "Câu 1 / 1").await;
    choose(c, "Croissant").await;
    click(c, ".survey-preview button.next-step").await;
    wait_for_text(c, ".preview-done", "Hết khảo sát. Số câu đã trả lời: 1").await;
    assert_eq!(app.count("survey_responses").await, 1, "a preview saves nothing");
    click(c, "button.save-survey").await;
    wait_for_text(c, ".notice.success", "Đã lưu.").await;
    let (options,): (String,) = sqlx::query_as("SELECT questions FROM surveys WHERE name = 'Món mới'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    let options: Value = serde_json::from_str(&options).unwrap();
    assert_eq!(options[0]["options"], json!(["Bánh mì", "Croissant"]));

    // The answered survey opens with its questions frozen, and says so; its name can still change.
    click(c, &format!("tr[data-survey='{survey}'] button.edit-survey")).await;
    wait_for_text_containing(c, ".frozen-note", "các câu hỏi được giữ nguyên").await;
    let frozen = c
        .find_all(Locator::Css("fieldset.question-form[disabled]"))
        .await
        .unwrap()
        .len();
    let all = c.find_all(Locator::Css("fieldset.question-form")).await.unwrap().len();
    assert!(frozen > 0 && frozen == all, "{frozen} of {all} questions frozen");
    assert!(
        c.find_all(Locator::Css("button.add-question"))
            .await
            .unwrap()
            .is_empty()
    );
    let name = c.find(Locator::Css("input[name=survey_name]")).await.unwrap();
    name.clear().await.unwrap();
    name.send_keys("Khẩu vị của bạn (mùa hè)").await.unwrap();
    click(c, "button.save-survey").await;
    wait_for_text(c, ".notice.success", "Đã lưu.").await;
    let (renamed,): (String,) = sqlx::query_as("SELECT name FROM surveys WHERE id = $1")
        .bind(&survey)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(renamed, "Khẩu vị của bạn (mùa hè)");
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_answers_a_survey_sqlite() {
    a_member_answers_a_survey(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_answers_a_survey_postgres() {
    a_member_answers_a_survey(Store::Postgres).await;
}
