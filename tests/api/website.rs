//! The brand's website: the snippet served per brand, the websites a brand lists (everyone else's cross-origin
//! calls refused before anything is written), pop-up forms checked whole on save, a submission's bot traps, rate
//! limits and checks, its claims, consents and reward once per phone, and the web history joining the member when
//! they sign in with the form's phone or tie a campaign link clicked on the site.

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::{
    both_stores,
    helpers::{SpawnOptions, Store, TestApp, admin_call, assert_error, spawn_with},
    loyalty_support::Shop,
};

const NOON: i64 = 1_796_104_800_000;
const SITE: &str = "https://www.acme-coffee.vn";

pub async fn app_with_clock(store: Store, clock: &Clock) -> Option<TestApp> {
    spawn_with(
        store,
        SpawnOptions {
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
}

/// A lead form asking a name, a phone (required) and an SMS consent (required), with `reward`.
pub fn lead_form(reward: &Value) -> Value {
    json!({
        "name": "Lead: first visit", "active": true,
        "title": { "vi": "Nhận ưu đãi 20%", "en": "Get 20% off" },
        "body": { "vi": "Để lại số điện thoại", "en": "Leave your phone" },
        "button": { "vi": "Nhận ưu đãi", "en": "Get it" },
        "thanks": { "vi": "Cảm ơn bạn!", "en": "Thank you!" },
        "fields": [
            { "kind": "name", "label": { "vi": "Họ tên", "en": "Name" } },
            { "kind": "phone", "label": { "vi": "Số điện thoại", "en": "Phone" }, "required": true }
        ],
        "consents": [
            { "purpose": "marketing_sms", "required": true,
              "wording": { "vi": "Tôi đồng ý nhận ưu đãi qua SMS", "en": "I agree to offers by SMS" } },
            { "purpose": "analytics",
              "wording": { "vi": "Cho phép ghi nhận trang tôi xem", "en": "Record the pages I view" } }
        ],
        "trigger": { "after_pages": 3, "snooze_days": 7 },
        "reward": reward
    })
}

fn from_site(app: &TestApp, method: Method, path: &str, origin: &str) -> reqwest::RequestBuilder {
    app.client.request(method, app.url(path)).header(header::ORIGIN, origin)
}

async fn list_site(app: &TestApp, admin: &str) {
    let site = admin_call(
        app,
        admin,
        Method::PUT,
        "/api/v1/admin/website",
        json!({ "origins": [format!("{SITE}/"), "http://localhost:4000"] }),
    )
    .await;
    assert_eq!(site["origins"], json!(["http://localhost:4000", SITE]));
}

/// The live forms as the snippet reads them for `visitor`.
async fn forms_for(app: &TestApp, visitor: &str) -> Value {
    let r = from_site(
        app,
        Method::GET,
        &format!("/api/v1/web/acme/forms?anonymous_id={visitor}"),
        SITE,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], SITE);
    r.json().await.unwrap()
}

async fn submit(app: &TestApp, form: &Value, visitor: &str, fields: Value, consents: Value) -> reqwest::Response {
    from_site(
        app,
        Method::POST,
        &format!("/api/v1/web/acme/forms/{}/submissions", form["id"].as_str().unwrap()),
        SITE,
    )
    .json(&json!({
        "anonymous_id": visitor, "ticket": form["ticket"], "version": form["version"], "fields": fields,
        "consents": consents, "page": format!("{SITE}/menu"), "lang": "vi"
    }))
    .send()
    .await
    .unwrap()
}

async fn web_events(app: &TestApp, visitor: &str, events: Value) -> reqwest::Response {
    from_site(app, Method::POST, "/api/v1/anonymous/events", SITE)
        .json(&json!({ "brand": "acme", "anonymous_id": visitor, "events": events }))
        .send()
        .await
        .unwrap()
}

fn page_view(path: &str) -> Value {
    json!({ "type": "page_viewed", "source": "web", "properties": { "path": path }, "utm_campaign": "tet" })
}

async fn grant_analytics(app: &TestApp, visitor: &str) {
    let r = from_site(app, Method::POST, "/api/v1/web/acme/consent", SITE)
        .json(&json!({ "anonymous_id": visitor, "analytics": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

both_stores! {
    async fn the_snippet_is_served_per_brand_with_its_settings(app) {
        let r = app.client.get(app.url("/w/acme.js")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
        let js = r.text().await.unwrap();
        assert!(js.contains("\"brand\":\"acme\"") && !js.contains("CHAM_CONFIG"), "{}", &js[..200]);
        assert!(js.contains("\"invalid_phone\":[\"Số điện thoại không hợp lệ.\""), "the visitor's words per code");
        for missing in ["/w/nobody.js", "/w/acme", "/w/acme.css"] {
            assert_error(app.client.get(app.url(missing)).send().await.unwrap(), StatusCode::NOT_FOUND, "unknown_brand").await;
        }
    }

    async fn only_the_websites_a_brand_lists_may_send(app) {
        let shop = Shop::open(&app).await;
        let r = shop
            .send(Method::PUT, "/api/v1/admin/website", &shop.admin, Some(&json!({ "origins": [SITE, "http://www.acme.vn", "https://x.vn/path"] })))
            .await;
        let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_origin").await;
        assert_eq!(body["error"]["field"]["pointer"], "/origins/1");
        assert_eq!(app.count("web_origins").await, 0, "a refused list changes nothing");
        list_site(&app, &shop.admin).await;
        let page = admin_call(&app, &shop.admin, Method::GET, "/api/v1/admin/website", json!(null)).await;
        assert_eq!(page["snippet"], format!("<script async src=\"{}/w/acme.js\"></script>", app.address));
        assert_eq!(page["events_last_day"], 0);

        // A preflight from a listed website is answered; from anyone else, refused.
        let preflight = |origin: &'static str| {
            app.client
                .request(Method::OPTIONS, app.url("/api/v1/anonymous/events"))
                .header(header::ORIGIN, origin)
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
                .send()
        };
        let ok = preflight(SITE).await.unwrap();
        assert_eq!(ok.status(), StatusCode::NO_CONTENT);
        assert_eq!(ok.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], SITE);
        assert!(ok.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS].to_str().unwrap().contains("content-type"));
        assert_error(preflight("https://evil.example").await.unwrap(), StatusCode::FORBIDDEN, "origin_not_allowed").await;

        // Events and forms from a website nobody listed, or another brand's, write nothing.
        let other = app.other_brand("beta").await;
        let before = app.count("events").await;
        let body = json!({ "brand": "acme", "anonymous_id": "visitor-evil-1", "events": [page_view("/")] });
        for origin in ["https://evil.example", "https://beta.example.vn"] {
            let r = from_site(&app, Method::POST, "/api/v1/anonymous/events", origin).json(&body).send().await.unwrap();
            assert_error(r, StatusCode::FORBIDDEN, "origin_not_allowed").await;
        }
        sqlx::query("INSERT INTO web_origins (brand_id, origin, created_at) VALUES ($1, 'https://beta.example.vn', 0)")
            .bind(&other.id)
            .execute(app.db.write())
            .await
            .unwrap();
        let r = from_site(&app, Method::POST, "/api/v1/anonymous/events", "https://beta.example.vn").json(&body).send().await.unwrap();
        assert_error(r, StatusCode::FORBIDDEN, "origin_not_allowed").await;
        let r = from_site(&app, Method::GET, "/api/v1/web/acme/forms?anonymous_id=visitor-evil-1", "https://beta.example.vn").send().await.unwrap();
        assert_error(r, StatusCode::FORBIDDEN, "origin_not_allowed").await;
        assert_eq!(app.count("events").await, before);
        assert_eq!(app.count("profiles").await, 0, "no visitor profile for a refused website");

        // The listed website's answer is readable by it; page views wait for the visitor's consent.
        let r = web_events(&app, "visitor-site-1", json!([page_view("/")])).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], SITE);
        let outcome: Value = r.json().await.unwrap();
        assert_eq!(outcome["results"][0]["error"]["code"], "no_analytics_consent");
        grant_analytics(&app, "visitor-site-1").await;
        let outcome: Value = web_events(&app, "visitor-site-1", json!([page_view("/"), page_view("/menu")])).await.json().await.unwrap();
        assert_eq!(outcome["accepted"], 2, "{outcome}");
        let page = admin_call(&app, &shop.admin, Method::GET, "/api/v1/admin/website", json!(null)).await;
        assert_eq!(page["events_last_day"], 2);
        assert_eq!(page["last_event_page"], "/menu");
    }

    async fn a_form_is_checked_whole_before_it_is_saved(app) {
        let shop = Shop::open(&app).await;
        let reward = shop.reward(json!({ "name": "20% off" })).await;
        let reward_id = reward["id"].as_str().unwrap();
        let mut no_phone = lead_form(&json!({ "kind": "voucher", "reward_id": reward_id }));
        no_phone["fields"][1]["required"] = json!(false);
        let mut no_english = lead_form(&json!({ "kind": "none" }));
        no_english["title"]["en"] = json!("  ");
        let mut twice = lead_form(&json!({ "kind": "none" }));
        twice["fields"][1]["kind"] = json!("name");
        let mut bad_consent = lead_form(&json!({ "kind": "none" }));
        bad_consent["consents"][0]["purpose"] = json!("selling_data");
        let mut instant = lead_form(&json!({ "kind": "none" }));
        instant["trigger"]["after_seconds"] = json!(1);
        for (body, pointer) in [
            (no_phone, "/fields"),
            (lead_form(&json!({ "kind": "voucher", "reward_id": "nope" })), "/reward/reward_id"),
            (lead_form(&json!({ "kind": "points", "points": 0 })), "/reward/points"),
            (no_english, "/title/en"),
            (twice, "/fields/1/kind"),
            (bad_consent, "/consents/0/purpose"),
            (instant, "/trigger/after_seconds"),
        ] {
            let r = shop.send(Method::POST, "/api/v1/admin/website/forms", &shop.admin, Some(&body)).await;
            let error = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_form").await;
            assert_eq!(error["error"]["field"]["pointer"], pointer, "{error}");
        }
        assert_eq!(app.count("web_forms").await, 0, "refused definitions write nothing");
        let form = shop.admin_post("/api/v1/admin/website/forms", &lead_form(&json!({ "kind": "voucher", "reward_id": reward_id })), StatusCode::CREATED).await;
        assert_eq!(form["version"], 1);
        assert_eq!(form["funnel"], json!({ "shown": 0, "closed": 0, "submitted": 0 }));
        let id = form["id"].as_str().unwrap();
        let mut changed = lead_form(&json!({ "kind": "voucher", "reward_id": reward_id }));
        changed["title"]["vi"] = json!("Ưu đãi mới");
        let saved = admin_call(&app, &shop.admin, Method::PUT, &format!("/api/v1/admin/website/forms/{id}"), changed).await;
        assert_eq!(saved["version"], 2);
        assert_eq!(saved["input"]["title"]["vi"], "Ưu đãi mới");
        // Another brand's admin cannot see or change it.
        let beta = app.other_brand("beta").await;
        let password = app.brand_user(&beta, "owner@beta.vn", app::api::StaffRole::Owner).await;
        let beta_admin = app.admin_token("beta", "owner@beta.vn", &password).await;
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/website/forms/{id}"), &beta_admin, Some(&lead_form(&json!({ "kind": "none" })))).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_form").await;
        let theirs = admin_call(&app, &beta_admin, Method::GET, "/api/v1/admin/website/forms", json!(null)).await;
        assert_eq!(theirs, json!([]));
    }
}

/// A voucher form taken by a visitor: too fast, incomplete, forged or a bot's changes nothing; a real one claims
/// the phone, records the consent with its words, issues the voucher once per phone and counts the funnel; the
/// visitor then signs in to the mini app with that phone and their web history is on the member's timeline.
async fn a_lead_from_the_website_becomes_the_member(store: Store) {
    let clock = Clock::manual(NOON);
    let Some(app) = app_with_clock(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    list_site(&app, &shop.admin).await;
    let reward = shop.reward(json!({ "name": "20% off" })).await;
    shop.admin_post(
        "/api/v1/admin/website/forms",
        &lead_form(&json!({ "kind": "voucher", "reward_id": reward["id"] })),
        StatusCode::CREATED,
    )
    .await;
    let visitor = "w-visitor-lead-0001";
    grant_analytics(&app, visitor).await;
    let sent: Value = web_events(
        &app,
        visitor,
        json!([page_view("/"), page_view("/menu"), page_view("/stores")]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(sent["accepted"], 3);
    let list = forms_for(&app, visitor).await;
    assert_eq!(list["known"], false);
    let form = list["forms"][0].clone();
    assert_eq!(form["trigger"]["after_pages"], 3);
    let view = |action: &'static str| {
        from_site(
            &app,
            Method::POST,
            &format!("/api/v1/web/acme/forms/{}/views", form["id"].as_str().unwrap()),
            SITE,
        )
        .json(&json!({ "anonymous_id": visitor, "action": action }))
        .send()
    };
    assert_eq!(view("shown").await.unwrap().status(), StatusCode::NO_CONTENT);
    let good = json!({ "name": "Lan", "phone": "0912 345 678" });
    let events_before = app.count("events").await;

    let r = submit(&app, &form, visitor, good.clone(), json!(["marketing_sms"])).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "submitted_too_fast").await;
    clock.advance(5_000);
    let r = submit(&app, &form, visitor, json!({ "name": "Lan" }), json!(["marketing_sms"])).await;
    let e = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "field_required").await;
    assert_eq!(e["error"]["field"]["pointer"], "/fields/phone");
    let r = submit(
        &app,
        &form,
        visitor,
        json!({ "phone": "0281234567" }),
        json!(["marketing_sms"]),
    )
    .await;
    let e = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_phone").await;
    assert_eq!(e["error"]["field"]["pointer"], "/fields/phone");
    let r = submit(&app, &form, visitor, good.clone(), json!([])).await;
    let e = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "consent_required").await;
    assert_eq!(e["error"]["field"]["pointer"], "/consents/0");
    let mut forged = form.clone();
    forged["ticket"] = json!(format!("{}.{}", NOON - 60_000, "00".repeat(16)));
    let r = submit(&app, &forged, visitor, good.clone(), json!(["marketing_sms"])).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "form_closed").await;
    // The check the form runs when a field loses focus is the submission's own.
    let r = from_site(&app, Method::POST, "/api/v1/web/acme/check", SITE)
        .json(&json!({ "kind": "phone", "value": "12" }))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_phone").await;
    // A bot filling the hidden field is told it worked; nothing is kept.
    let r = from_site(
        &app,
        Method::POST,
        &format!("/api/v1/web/acme/forms/{}/submissions", form["id"].as_str().unwrap()),
        SITE,
    )
    .json(
        &json!({ "anonymous_id": visitor, "ticket": form["ticket"], "version": 1, "fields": good,
                       "consents": ["marketing_sms"], "website": "http://spam.example" }),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.count("events").await,
        events_before,
        "refusals and the bot wrote nothing"
    );
    assert_eq!(app.count("form_submissions").await, 0);
    assert_eq!(app.count("vouchers").await, 0);

    let r = submit(
        &app,
        &form,
        visitor,
        good.clone(),
        json!(["marketing_sms", "analytics"]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let receipt: Value = r.json().await.unwrap();
    let code = receipt["voucher_code"]
        .as_str()
        .expect("the promised voucher")
        .to_owned();
    assert_eq!(receipt["already_rewarded"], false);
    // Another visitor with the same phone gets no second voucher.
    let second = forms_for(&app, "w-visitor-lead-0002").await["forms"][0].clone();
    clock.advance(5_000);
    let receipt: Value = submit(
        &app,
        &second,
        "w-visitor-lead-0002",
        good.clone(),
        json!(["marketing_sms"]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(receipt["already_rewarded"], true, "{receipt}");
    assert_eq!(app.count("vouchers").await, 1);
    assert_eq!(
        forms_for(&app, visitor).await["known"],
        true,
        "a visitor who left a phone is known"
    );

    let forms = admin_call(
        &app,
        &shop.admin,
        Method::GET,
        "/api/v1/admin/website/forms",
        json!(null),
    )
    .await;
    assert_eq!(forms[0]["funnel"]["shown"], 1);
    assert_eq!(forms[0]["funnel"]["submitted"], 2);
    assert_eq!(forms[0]["days"][0]["submitted"], 2);

    // The visitor signs in to the mini app with that phone: the web history is the member's.
    let member = shop.member("Lan", "0912345678").await;
    let types = shop.timeline_types(&member.id).await;
    for t in ["page_viewed", "form_submitted", "voucher_issued", "session_started"] {
        assert!(types.contains(&t.to_owned()), "{t} in {types:?}");
    }
    let card = shop.get("/api/v1/me/vouchers", &member.token).await;
    assert!(
        card.to_string().contains(&code),
        "the voucher is in the member's wallet: {card}"
    );
    let consents = shop.get("/api/v1/me/consents", &member.token).await;
    let sms = consents
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purpose"] == "marketing_sms")
        .unwrap();
    assert_eq!(sms["granted"], true, "{consents}");
    let (wording,): (String,) = sqlx::query_as(
        "SELECT wording_version FROM consent_records WHERE purpose = 'marketing_sms' ORDER BY recorded_at LIMIT 1",
    )
    .fetch_one(app.db.read())
    .await
    .unwrap();
    assert_eq!(wording, format!("form:{}:v1:vi", form["id"].as_str().unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_from_the_website_becomes_the_member_sqlite() {
    a_lead_from_the_website_becomes_the_member(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_from_the_website_becomes_the_member_postgres() {
    a_lead_from_the_website_becomes_the_member(Store::Postgres).await;
}

/// Points promised by a form are credited once the person joins; a visitor over the hour's limit is refused; a
/// campaign link clicked on the site joins the visitor's history to whoever ties the click.
async fn points_on_join_limits_and_campaign_links(store: Store) {
    let clock = Clock::manual(NOON);
    let Some(app) = app_with_clock(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    list_site(&app, &shop.admin).await;
    shop.admin_post(
        "/api/v1/admin/website/forms",
        &lead_form(&json!({ "kind": "points", "points": 50 })),
        StatusCode::CREATED,
    )
    .await;
    let visitor = "w-visitor-points-01";
    let form = forms_for(&app, visitor).await["forms"][0].clone();
    clock.advance(3_000);
    let receipt: Value = submit(
        &app,
        &form,
        visitor,
        json!({ "phone": "0987654321" }),
        json!(["marketing_sms"]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(receipt["points_on_join"], 50, "{receipt}");
    for _ in 0..4 {
        let r = submit(
            &app,
            &form,
            visitor,
            json!({ "phone": "0987654321" }),
            json!(["marketing_sms"]),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = submit(
        &app,
        &form,
        visitor,
        json!({ "phone": "0987654321" }),
        json!(["marketing_sms"]),
    )
    .await;
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_submissions").await;
    assert_eq!(app.count("form_submissions").await, 5);

    let member = shop.member("Minh", "0987654321").await;
    // The sign-in's reaction is due at the store's time, which is the system's: the test's clock catches up.
    clock.set(crate::loyalty_support::now());
    let mut balance = Value::Null;
    for _ in 0..100 {
        balance = shop.card(&member).await["balance"].clone();
        if balance == 50 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(balance, 50, "the form's points, once, after the person joined");

    // A campaign link on the site, clicked by a visitor who then signs in with another phone and ties it.
    let campaign = shop
        .admin_post(
            "/api/v1/admin/campaigns",
            &json!({ "name": "Web", "slug": "web" }),
            StatusCode::CREATED,
        )
        .await;
    let link = shop
        .admin_post(
            &format!("/api/v1/admin/campaigns/{}/links", campaign["id"].as_str().unwrap()),
            &json!({ "channel": "website", "placement": "hero", "target": "/" }),
            StatusCode::CREATED,
        )
        .await;
    let browser = "w-visitor-link-0001";
    grant_analytics(&app, browser).await;
    web_events(&app, browser, json!([page_view("/khuyen-mai")])).await;
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirect
        .get(app.url(&format!("/l/{}?aid={browser}", link["code"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    let to = r.headers()[header::LOCATION].to_str().unwrap().to_owned();
    let click = to.split("cid=").nth(1).unwrap().to_owned();
    let other = shop.member("Hoa", "0900000111").await;
    let r = shop
        .send(
            Method::POST,
            "/api/v1/me/clicks",
            &other.token,
            Some(&json!({ "click_id": click })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let types = shop.timeline_types(&other.id).await;
    assert!(
        types.contains(&"page_viewed".to_owned()) && types.contains(&"link_clicked".to_owned()),
        "{types:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_on_join_limits_and_campaign_links_sqlite() {
    points_on_join_limits_and_campaign_links(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_on_join_limits_and_campaign_links_postgres() {
    points_on_join_limits_and_campaign_links(Store::Postgres).await;
}
