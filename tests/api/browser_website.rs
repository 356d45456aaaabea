//! In Chromium: an admin lists the brand's website and saves a pop-up form in the console; a page on that website
//! (another origin) loads the snippet, the visitor allows analytics in its bar, browses three pages, gets the form
//! on its trigger, sends a phone with consent, and the console shows the visit history on their profile with the
//! claim and, once the admin scores page views, their lead score. A second visitor who declines sends no page views, and a form they closed does not come back on the
//! next page. A page on a website the brand did not list gets no form, and a submission from it is refused.

use std::time::Duration;

use axum::{Router, extract::Path, response::Html, routing::get};
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::{
    browser::{admin_of_demo, browser, click, spawn_demo, type_into, wait_for_text_containing},
    helpers::{Store, TestApp, admin_call},
};

/// A brand's website: a few pages, each with the snippet.
async fn website(api: &str) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    // `localhost` is another origin than the API's `127.0.0.1`.
    let origin = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let script = format!("<script async src=\"{api}/w/demo.js\"></script>");
    let api = api.to_owned();
    let router = Router::new().route(
        "/{page}",
        get(move |Path(page): Path<String>| {
            let (script, api) = (script.clone(), api.clone());
            async move {
                Html(format!(
                    "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{page}</title>{script}\
                     <style>input, button {{ all: unset; color: red }}</style></head>\
                     <body><h1>{page}</h1><a id=\"next\" href=\"/next-{page}\">tiếp</a> <a id=\"app\" href=\"{api}/\">app</a></body></html>"
                ))
            }
        }),
    );
    let server = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    (origin, server)
}

/// Runs `js` (which may use `ui`, the snippet's shadow root, or be null) and returns what it returns.
async fn in_snippet(c: &Client, js: &str) -> serde_json::Value {
    let script =
        format!("const host = document.getElementById('cham-web'); const ui = host ? host.shadowRoot : null; {js}");
    c.execute(&script, vec![]).await.unwrap()
}

/// Waits until `js` (with `ui`) returns true.
async fn until(c: &Client, js: &str, what: &str) {
    for _ in 0..300 {
        if in_snippet(c, js).await == json!(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never: {what}");
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(app.db.read()).await.unwrap();
    n
}

async fn a_website_visitor_becomes_a_lead(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let (site, _server) = website(&app.address).await;
    let first = browser().await;
    let c = &first.client;
    let password = admin_of_demo(&app).await;

    // The admin lists the website and saves the starter form, live, after three pages.
    c.goto(&app.url("/admin/website")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text_containing(c, ".live-none", "Chưa nhận được dữ liệu").await;
    type_into(c, "textarea[name=origins]", &format!("{site}\nnot a website")).await;
    click(c, ".save-origins").await;
    wait_for_text_containing(c, ".origins-form .notice.error", "Địa chỉ trang web phải có dạng").await;
    let origins = c.find(Locator::Css("textarea[name=origins]")).await.unwrap();
    origins.clear().await.unwrap();
    origins.send_keys(&site).await.unwrap();
    click(c, ".save-origins").await;
    wait_for_text_containing(c, ".origins-form .notice", "Đã lưu").await;
    click(c, ".new-form").await;
    type_into(c, "input[name=form_name]", "Khách ghé web").await;
    click(c, ".form-active").await;
    let pages = c.find(Locator::Css("input[name=after_pages]")).await.unwrap();
    pages.clear().await.unwrap();
    pages.send_keys("3").await.unwrap();
    let seconds = c.find(Locator::Css("input[name=after_seconds]")).await.unwrap();
    seconds.clear().await.unwrap();
    click(c, ".save-form").await;
    wait_for_text_containing(c, ".web-form h3", "Khách ghé web").await;
    wait_for_text_containing(c, ".web-form .badge", "Đang hiện").await;

    // The visitor allows analytics in the snippet's bar and browses three pages; the form comes on the third.
    c.goto(&format!("{site}/trang-chu")).await.unwrap();
    until(c, "return !!ui && !!ui.querySelector('.bar .yes');", "the consent bar").await;
    in_snippet(c, "ui.querySelector('.bar .yes').click(); return null;").await;
    for page in ["thuc-don", "cua-hang"] {
        tokio::time::sleep(Duration::from_millis(300)).await;
        c.goto(&format!("{site}/{page}")).await.unwrap();
    }
    until(
        c,
        "return !!ui && !!ui.querySelector('form.card');",
        "the form on the third page",
    )
    .await;
    let title = in_snippet(c, "return ui.querySelector('#cham-title').textContent;").await;
    assert_eq!(title, "Nhận ưu đãi cho lần ghé đầu");
    let focused = in_snippet(c, "return ui.activeElement ? ui.activeElement.name : null;").await;
    assert_eq!(focused, "name", "the first field has the focus");
    // A phone that is not one is said beside the field, in Vietnamese.
    in_snippet(
        c,
        "const f = ui.querySelector('form.card'); f.querySelector('[name=name]').value = 'Ngô Bảo Lead'; \
         f.querySelector('[name=phone]').value = '12345'; f.querySelector('.consent input').checked = true; \
         f.querySelector('.send').click(); return null;",
    )
    .await;
    until(
        c,
        "return (ui.querySelector('#cham-phone-err') || {}).textContent === 'Số điện thoại không hợp lệ.';",
        "the phone's refusal beside it",
    )
    .await;
    in_snippet(
        c,
        "const f = ui.querySelector('form.card'); f.querySelector('[name=phone]').value = '0912 000 818'; \
         f.querySelector('.send').click(); return null;",
    )
    .await;
    until(c, "return !!ui.querySelector('.thanks');", "the thanks").await;
    // The site's own CSS did not reach the form.
    let color = in_snippet(c, "return getComputedStyle(ui.querySelector('h2')).color;").await;
    assert_ne!(color, "rgb(255, 0, 0)");

    // Page views of the three pages are on the profile that holds the claim, as the console shows.
    let profile: (String,) =
        sqlx::query_as("SELECT profile_id FROM identities WHERE kind = 'phone' AND value = '84912000818'")
            .fetch_one(app.db.read())
            .await
            .unwrap();
    for _ in 0..100 {
        if count(&app, "SELECT COUNT(*) FROM events WHERE type = 'page_viewed'").await >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM events WHERE type = 'page_viewed'").await,
        3
    );
    // The admin scores page views: the lead's three pages are a score on their profile.
    c.goto(&app.url("/admin/website")).await.unwrap();
    wait_for_text_containing(c, ".no-event-scores", "Chưa tính điểm cho việc nào").await;
    click(c, ".add-event-score").await;
    type_into(c, ".score-event", "page_viewed").await;
    let points = c.find(Locator::Css(".event-score .score-points")).await.unwrap();
    points.clear().await.unwrap();
    points.send_keys("5").await.unwrap();
    click(c, ".save-scoring").await;
    wait_for_text_containing(c, ".save-scoring-done", "Đã lưu").await;
    let scored = format!(
        "SELECT COUNT(*) FROM lead_scores WHERE profile_id = '{}' AND score = 15",
        profile.0
    );
    for _ in 0..100 {
        if count(&app, &scored).await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count(&app, &scored).await, 1, "three page views at 5 points");
    c.goto(&app.url(&format!("/admin/customers/{}", profile.0)))
        .await
        .unwrap();
    crate::browser::wait_for_text(c, ".lead-score .stat-value", "15").await;
    wait_for_text_containing(c, ".timeline-event[data-type=form_submitted]", "Gửi biểu mẫu trên web").await;
    wait_for_text_containing(c, ".timeline-event[data-type=page_viewed]", "Xem trang web").await;
    wait_for_text_containing(c, ".identities", "912000818").await;
    c.goto(&app.url("/admin/website")).await.unwrap();
    wait_for_text_containing(c, ".live-count", "sự kiện từ trang web").await;

    // From the site into the mini app: signing in there (with another phone) joins the visit history.
    c.goto(&format!("{site}/lien-he")).await.unwrap();
    until(c, "return !!window.__chamLoaded;", "the snippet").await;
    c.find(Locator::Css("#app")).await.unwrap().click().await.unwrap();
    type_into(c, "input[name=name]", "Ngô Bảo").await;
    type_into(c, "input[name=phone]", "0912 000 819").await;
    click(c, "button[type=submit]").await;
    crate::browser::wait_for_text(c, ".points-value", "20").await;
    let member: (String,) =
        sqlx::query_as("SELECT profile_id FROM identities WHERE kind = 'phone' AND value = '84912000819'")
            .fetch_one(app.db.read())
            .await
            .unwrap();
    let joined = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM events WHERE type = 'page_viewed' AND profile_id = '{}'",
            member.0
        ),
    )
    .await;
    assert!(joined >= 3, "the web history is the member's: {joined}");
    first.client.close().await.unwrap();

    // A second visitor declines: no page views; the form they close does not come back on the next page.
    let second = browser().await;
    let c = &second.client;
    c.goto(&format!("{site}/trang-chu")).await.unwrap();
    until(c, "return !!ui && !!ui.querySelector('.bar .no');", "the consent bar").await;
    in_snippet(c, "ui.querySelector('.bar .no').click(); return null;").await;
    for page in ["thuc-don", "cua-hang"] {
        c.goto(&format!("{site}/{page}")).await.unwrap();
    }
    until(
        c,
        "return !!ui && !!ui.querySelector('form.card');",
        "the form for the second visitor",
    )
    .await;
    in_snippet(c, "ui.querySelector('.x').click(); return null;").await;
    c.goto(&format!("{site}/lien-he")).await.unwrap();
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        in_snippet(c, "return !!ui && !!ui.querySelector('form.card');").await,
        json!(false),
        "a closed form stays closed"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM events WHERE type IN ('page_viewed', 'page_left') AND profile_id <> (SELECT profile_id FROM identities WHERE value = '84912000819')").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COALESCE(SUM(closed), 0) AS BIGINT) FROM web_form_days"
        )
        .await,
        1
    );

    // A website the brand did not list: no form, and a submission is refused.
    let (stranger_site, _other) = website(&app.address).await;
    // The same kind of page on an address the brand never listed.
    let stranger_site = stranger_site.replace("localhost", "127.0.0.1");
    c.goto(&format!("{stranger_site}/trang-chu")).await.unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        in_snippet(c, "return !!ui && !!ui.querySelector('form.card');").await,
        json!(false)
    );
    let admin = app.admin_token("demo", "console@demo.vn", &password).await;
    let form = &admin_call(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/admin/website/forms",
        json!(null),
    )
    .await[0];
    let before = count(&app, "SELECT COUNT(*) FROM form_submissions").await;
    let outcome = c
        .execute_async(
            &format!(
                "const done = arguments[arguments.length - 1]; \
                 fetch('{}/api/v1/web/demo/forms/{}/submissions', {{ method: 'POST', headers: {{ 'content-type': 'application/json' }}, \
                 body: JSON.stringify({{ anonymous_id: 'w-stranger-0001', ticket: 'x', version: 1, fields: {{ phone: '0912000999' }} }}) }})\
                 .then(r => done('answered ' + r.status), () => done('refused'));",
                app.address,
                form["id"].as_str().unwrap()
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(outcome, "refused", "the browser is not let through");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM form_submissions").await, before);
    second.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_website_visitor_becomes_a_lead_sqlite() {
    a_website_visitor_becomes_a_lead(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_website_visitor_becomes_a_lead_postgres() {
    a_website_visitor_becomes_a_lead(Store::Postgres).await;
}
