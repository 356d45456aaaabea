//! Re-engagement messages end to end: a segment counted live, a message to it reaching each member once on their
//! first reachable, consenting channel (the OA for a follower, ZNS by phone, SMS when ZNS answers `-118`), a
//! member without consent skipped with the reason, the daily cap skipping a second message the same day, quiet
//! hours holding a message until they end, a click on the button recorded and redirected to the mini app
//! screen, a message's click counted for its campaign, bad input refused without a row written, and a second brand
//! seeing nothing. (The OA's daily limit is `oa_daily_limit.rs`.)

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, assert_error, spawn_with},
    loyalty_support::{Member, Shop},
    settle::{drain, worker},
};

const APP_ID: &str = "1234567890";

pub(crate) async fn sim(app: &TestApp, path: &str, body: Option<Value>) -> Value {
    let request = match body {
        Some(b) => app.client.post(format!("{}{path}", app.sim.base_url)).json(&b),
        None => app.client.get(format!("{}{path}", app.sim.base_url)),
    };
    request.send().await.unwrap().json().await.unwrap_or(Value::Null)
}

pub(crate) async fn consent(shop: &Shop<'_>, member: &Member, purpose: &str) {
    let r = shop
        .send(
            Method::PUT,
            &format!("/api/v1/me/consents/{purpose}"),
            &member.token,
            Some(&json!({ "granted": true, "wording_version": "2026-01" })),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
}

pub(crate) async fn member_with(app: &TestApp, name: &str, phone: &str) -> (Member, String) {
    let tokens = app.zalo_user(name, phone).await;
    let session: Value = app.sign_in_zalo(&tokens).await.json().await.unwrap();
    (
        Member {
            id: session["me"]["profile_id"].as_str().unwrap().to_owned(),
            token: session["tokens"]["access_token"].as_str().unwrap().to_owned(),
        },
        tokens.id,
    )
}

/// Connects the brand's OA with a refresh token the simulated Zalo grants.
pub(crate) async fn connect_oa(shop: &Shop<'_>) {
    let grant = sim(shop.app, "/zalo/oauth/grant", Some(json!({ "app_id": APP_ID }))).await;
    let r = shop
        .send(
            Method::PUT,
            "/api/v1/admin/messaging/oa",
            &shop.admin,
            Some(&json!({ "refresh_token": grant["refresh_token"] })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// The settings of these tests: no quiet hours unless a test sets them, one message a day, the eSMS account.
async fn settings(shop: &Shop<'_>, quiet: (&str, &str)) {
    shop.app.sim.sim.open_esms_account("acme-key", "acme-secret", "ACME");
    let r = shop
        .send(
            Method::PUT,
            "/api/v1/admin/messaging/settings",
            &shop.admin,
            Some(&json!({
                "settings": {
                    "priority": ["zalo_oa", "zns", "email", "sms"], "per_day": 1, "per_week": 3,
                    "quiet_from": quiet.0, "quiet_until": quiet.1, "oa_per_follower_month": 4,
                    "zns_cost_vnd": 300, "sms_cost_vnd": 800,
                },
                "sms": { "api_key": "acme-key", "secret_key": "acme-secret", "brandname": "ACME" },
            })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

fn content() -> Value {
    json!({
        "target": "/rewards",
        "zalo_oa": { "title": "Quà tháng 12", "text": "Chào {name}, bạn có {points} điểm", "button": "Xem quà" },
        "zns": { "template_id": "246810", "params": { "customer_name": "{name}", "link": "{link}" } },
        "sms": { "text": "ACME: {name} oi, qua dang cho ban {link}" },
    })
}

pub(crate) async fn message(shop: &Shop<'_>, segment: &str, name: &str) -> String {
    let m = shop
        .admin_post(
            "/api/v1/admin/messages",
            &json!({ "name": name, "segment_id": segment, "content": content() }),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(m["status"], "draft");
    m["id"].as_str().unwrap().to_owned()
}

async fn messages_reach_each_member_once_on_their_best_channel(store: Store) {
    let clock = Clock::manual(cham_server::db::now_ms());
    let Some(app) = spawn_with(
        store,
        SpawnOptions {
            no_workers: true,
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
    else {
        return;
    };
    let jobs = worker(&app, &clock);
    let work = || async {
        for _ in 0..3 {
            clock.set(clock.now_ms().max(cham_server::db::now_ms() + 1_000));
            drain(&jobs).await;
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        }
    };
    let shop = Shop::open(&app).await;
    connect_oa(&shop).await;
    settings(&shop, ("00:00", "00:00")).await;

    // Lan follows the OA; Minh has only his phone (Zalo); Hoa signed in with MoMo, so her phone has no Zalo
    // account; Tuấn never agreed to anything.
    let (lan, lan_zalo) = member_with(&app, "Lan", "0987654321").await;
    consent(&shop, &lan, "marketing_zalo").await;
    consent(&shop, &lan, "marketing_zns").await;
    sim(
        &app,
        &format!("/zalo/users/{lan_zalo}/oa"),
        Some(json!({ "event": "follow" })),
    )
    .await;
    let (minh, _) = member_with(&app, "Minh", "0912345678").await;
    consent(&shop, &minh, "marketing_zns").await;
    let momo = app.momo_user("Hoa", "0933333333").await;
    let session: Value = app.sign_in_momo(&momo).await.json().await.unwrap();
    let hoa = Member {
        id: session["me"]["profile_id"].as_str().unwrap().to_owned(),
        token: session["tokens"]["access_token"].as_str().unwrap().to_owned(),
    };
    consent(&shop, &hoa, "marketing_zns").await;
    consent(&shop, &hoa, "marketing_sms").await;
    let (tuan, _) = member_with(&app, "Tuấn", "0944444444").await;
    work().await;

    // A segment, counted live while edited, then saved and computed.
    let rule = json!({ "kind": "has_identity", "identity": "phone" });
    let preview = shop
        .admin_post(
            "/api/v1/admin/segments/preview",
            &json!({ "rule": rule }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(preview["count"], 4, "{preview}");
    let followers = shop
        .admin_post(
            "/api/v1/admin/segments/preview",
            &json!({ "rule": { "kind": "all", "rules": [
                { "kind": "follows_oa" }, { "kind": "consent", "purpose": "marketing_zalo" } ] } }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(followers["count"], 1, "{followers}");
    assert_eq!(followers["sample"][0]["profile_id"], lan.id.as_str());
    let segment = shop
        .admin_post(
            "/api/v1/admin/segments",
            &json!({ "name": "Có số điện thoại", "rule": rule }),
            StatusCode::CREATED,
        )
        .await;
    let segment = segment["id"].as_str().unwrap().to_owned();
    work().await;
    let saved = shop
        .get(&format!("/api/v1/admin/segments/{segment}"), &shop.admin)
        .await;
    assert_eq!(saved["members"], 4, "{saved}");
    assert!(saved["computed_at"].is_string());

    // The message counts its clicks for a campaign; a campaign that is not the brand's is refused.
    let campaign = shop
        .admin_post(
            "/api/v1/admin/campaigns",
            &json!({ "name": "Tết 2027", "slug": "tet_2027" }),
            StatusCode::CREATED,
        )
        .await;
    let campaign_id = campaign["id"].as_str().unwrap().to_owned();
    let refused = shop
        .send(
            Method::POST,
            "/api/v1/admin/messages",
            &shop.admin,
            Some(&json!({ "name": "X", "segment_id": segment, "content": content(), "campaign_id": "not-ours" })),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["error"]["code"], "invalid_message", "{refused}");
    assert_eq!(refused["error"]["field"]["pointer"], "/campaign_id", "{refused}");
    assert_eq!(
        app.count("campaign_messages").await,
        0,
        "a refused message writes nothing"
    );
    let first = shop
        .admin_post(
            "/api/v1/admin/messages",
            &json!({ "name": "Quà tháng 12", "segment_id": segment, "content": content(),
                "campaign_id": campaign_id }),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(first["campaign_id"], campaign_id.as_str());
    let first = first["id"].as_str().unwrap().to_owned();
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/messages/{first}/send"),
            &shop.admin,
            Some(&json!({})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    work().await;
    let m = shop.get(&format!("/api/v1/admin/messages/{first}"), &shop.admin).await;
    assert_eq!(m["status"], "sent", "{m}");
    let report = &m["report"];
    assert_eq!(
        (
            report["recipients"].as_i64(),
            report["sent"].as_i64(),
            report["skipped"].as_i64(),
            report["failed"].as_i64()
        ),
        (Some(4), Some(3), Some(1), Some(0)),
        "{report}"
    );
    assert_eq!(report["skip_reasons"], json!([{ "reason": "no_consent", "count": 1 }]));
    let channel = |name: &str| {
        report["channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["channel"] == name)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        (
            channel("zalo_oa")["sent"].as_i64(),
            channel("zalo_oa")["failed"].as_i64()
        ),
        (Some(1), Some(0))
    );
    // Minh by ZNS; Hoa's phone has no Zalo account (-118), so ZNS failed for her and SMS took it.
    assert_eq!(
        (channel("zns")["sent"].as_i64(), channel("zns")["failed"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (channel("sms")["sent"].as_i64(), channel("sms")["cost_vnd"].as_i64()),
        (Some(1), Some(800))
    );
    assert_eq!(report["cost_vnd"], 1100);

    // Exactly what the providers took: one message each, on that channel only.
    let oa = sim(&app, "/zalo/oa/messages", None).await;
    let oa: Vec<&Value> = oa
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "promotion")
        .collect();
    assert_eq!(oa.len(), 1);
    assert!(oa[0]["text"].as_str().unwrap().contains("Chào Lan"), "{}", oa[0]);
    let zns = sim(&app, "/zalo/zns/messages", None).await;
    assert_eq!(zns.as_array().unwrap().len(), 1, "{zns}");
    assert_eq!(zns[0]["phone"], "84912345678");
    assert_eq!(zns[0]["template_data"]["customer_name"], "Minh");
    let sms = sim(&app, "/esms/messages", None).await;
    assert_eq!(sms.as_array().unwrap().len(), 1, "{sms}");
    assert_eq!(sms[0]["phone"], "84933333333");
    assert!(sms[0]["content"].as_str().unwrap().contains("/r/"));
    assert_eq!(app.count("message_sends WHERE status = 'sent'").await, 3);

    // The OA's delivery receipt reaches the report.
    let mut delivered = 0;
    for _ in 0..40 {
        work().await;
        let m = shop.get(&format!("/api/v1/admin/messages/{first}"), &shop.admin).await;
        delivered = m["report"]["channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["delivered"].as_i64().unwrap())
            .sum::<i64>();
        if delivered >= 2 {
            break;
        }
    }
    assert_eq!(delivered, 2, "the OA's and ZNS's delivery notices");

    // Lan taps the button: recorded once, redirected to the mini app's rewards screen.
    let link = oa[0]["button_url"].as_str().unwrap().to_owned();
    assert!(link.starts_with(&format!("{}/r/", app.address)), "{link}");
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for _ in 0..2 {
        let r = no_redirect.get(&link).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FOUND);
        assert!(r.headers()["location"].to_str().unwrap().ends_with("/rewards"));
    }
    let inside_zalo = no_redirect
        .get(&link)
        .header("user-agent", "Mozilla/5.0 Zalo iOS")
        .send()
        .await
        .unwrap();
    assert_eq!(
        inside_zalo.headers()["location"].to_str().unwrap(),
        format!("https://zalo.me/s/{APP_ID}/rewards")
    );
    assert_eq!(
        app.count(&format!(
            "events WHERE profile_id = '{}' AND type = 'message_clicked'",
            lan.id
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "events WHERE profile_id = '{}' AND type = 'message_sent'",
            minh.id
        ))
        .await,
        1
    );
    let m = shop.get(&format!("/api/v1/admin/messages/{first}"), &shop.admin).await;
    assert_eq!(m["report"]["clicked"], 1);
    // Her first click is a touch of the message's campaign, hers at once: a click and a lead in its funnel.
    assert_eq!(
        app.count(&format!(
            "touches WHERE profile_id = '{}' AND kind = 'message' AND campaign_id = '{campaign_id}'",
            lan.id
        ))
        .await,
        1
    );
    let campaigns = shop.get("/api/v1/admin/campaigns", &shop.admin).await;
    let funnel = &campaigns
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == campaign_id.as_str())
        .unwrap()["funnel"];
    assert_eq!(funnel["clicks"], 1, "{funnel}");
    assert_eq!(funnel["leads"], 1, "{funnel}");
    let r = no_redirect
        .get(format!("{}/r/not-a-token", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // A second message the same day: everyone reached today is at the daily cap.
    let second = message(&shop, &segment, "Nhắc lại").await;
    shop.send(
        Method::POST,
        &format!("/api/v1/admin/messages/{second}/send"),
        &shop.admin,
        Some(&json!({})),
    )
    .await;
    work().await;
    let m = shop.get(&format!("/api/v1/admin/messages/{second}"), &shop.admin).await;
    assert_eq!(m["report"]["sent"], 0, "{m}");
    let mut reasons = m["report"]["skip_reasons"].as_array().unwrap().clone();
    reasons.sort_by_key(|r| r["reason"].as_str().unwrap().to_owned());
    assert_eq!(
        Value::Array(reasons),
        json!([{ "reason": "daily_cap", "count": 3 }, { "reason": "no_consent", "count": 1 }])
    );
    assert_eq!(sim(&app, "/esms/messages", None).await.as_array().unwrap().len(), 1);
    let _ = tuan;

    // A sent message can no longer change or be sent again; another brand sees none of it.
    assert_error(
        shop.send(
            Method::POST,
            &format!("/api/v1/admin/messages/{first}/send"),
            &shop.admin,
            Some(&json!({})),
        )
        .await,
        StatusCode::CONFLICT,
        "message_not_draft",
    )
    .await;
    let other = app.other_brand("rival").await;
    let password = app
        .brand_user(&other, "owner@rival.vn", app::api::StaffRole::Owner)
        .await;
    let rival = app.admin_token("rival", "owner@rival.vn", &password).await;
    let r = shop
        .send(Method::GET, &format!("/api/v1/admin/messages/{first}"), &rival, None)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = shop
        .send(Method::GET, &format!("/api/v1/admin/segments/{segment}"), &rival, None)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let listed = shop.get("/api/v1/admin/messages", &rival).await;
    assert_eq!(listed["items"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_reach_each_member_once_on_their_best_channel_sqlite() {
    messages_reach_each_member_once_on_their_best_channel(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_reach_each_member_once_on_their_best_channel_postgres() {
    messages_reach_each_member_once_on_their_best_channel(Store::Postgres).await;
}

async fn quiet_hours_hold_a_message_until_they_end(store: Store) {
    let start = cham_server::db::now_ms();
    let clock = Clock::manual(start);
    let Some(app) = spawn_with(
        store,
        SpawnOptions {
            no_workers: true,
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
    else {
        return;
    };
    let jobs = worker(&app, &clock);
    let shop = Shop::open(&app).await;
    // Quiet from the current hour in Vietnam for two hours.
    let hour = ((start / 3_600_000) + 7).rem_euclid(24);
    let from = format!("{hour:02}:00");
    let until = format!("{:02}:00", (hour + 2) % 24);
    settings(&shop, (&from, &until)).await;
    let (minh, _) = member_with(&app, "Minh", "0912345678").await;
    consent(&shop, &minh, "marketing_zns").await;
    // ZNS needs the OA's token.
    let grant = sim(&app, "/zalo/oauth/grant", Some(json!({ "app_id": APP_ID }))).await;
    shop.send(
        Method::PUT,
        "/api/v1/admin/messaging/oa",
        &shop.admin,
        Some(&json!({ "refresh_token": grant["refresh_token"] })),
    )
    .await;
    let segment = shop
        .admin_post(
            "/api/v1/admin/segments",
            &json!({ "name": "ZNS", "rule": { "kind": "consent", "purpose": "marketing_zns" } }),
            StatusCode::CREATED,
        )
        .await;
    let id = message(&shop, segment["id"].as_str().unwrap(), "Sáng mai").await;
    shop.send(
        Method::POST,
        &format!("/api/v1/admin/messages/{id}/send"),
        &shop.admin,
        Some(&json!({})),
    )
    .await;
    clock.set(clock.now_ms().max(cham_server::db::now_ms() + 1_000));
    drain(&jobs).await;
    let m = shop.get(&format!("/api/v1/admin/messages/{id}"), &shop.admin).await;
    assert_eq!(
        (m["status"].as_str(), m["report"]["queued"].as_i64()),
        (Some("sending"), Some(1)),
        "{m}"
    );
    assert_eq!(sim(&app, "/zalo/zns/messages", None).await.as_array().unwrap().len(), 0);
    // Two hours later the quiet hours are over and it goes.
    clock.set(start + 2 * 3_600_000 + 60_000);
    drain(&jobs).await;
    let m = shop.get(&format!("/api/v1/admin/messages/{id}"), &shop.admin).await;
    assert_eq!(
        (m["status"].as_str(), m["report"]["sent"].as_i64()),
        (Some("sent"), Some(1)),
        "{m}"
    );
    assert_eq!(sim(&app, "/zalo/zns/messages", None).await.as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_hold_a_message_until_they_end_sqlite() {
    quiet_hours_hold_a_message_until_they_end(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_hold_a_message_until_they_end_postgres() {
    quiet_hours_hold_a_message_until_they_end(Store::Postgres).await;
}

async fn bad_segments_and_messages_change_nothing(store: Store) {
    let Some(app) = spawn_with(store, SpawnOptions::default()).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    for rule in [
        json!({ "kind": "event", "event_type": "x y" }),
        json!({ "kind": "consent", "purpose": "spam" }),
        json!({ "kind": "points", "min": 10, "max": 1 }),
        json!({ "kind": "tier", "tier_id": "not-ours" }),
        json!({ "kind": "event", "event_type": "checked_in", "within_days": 0 }),
    ] {
        let r = shop
            .send(
                Method::POST,
                "/api/v1/admin/segments",
                &shop.admin,
                Some(&json!({ "name": "X", "rule": rule })),
            )
            .await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_segment").await;
    }
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/segments",
            &shop.admin,
            Some(&json!({ "name": "X", "rule": { "kind": "nope" } })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("segments").await, 0);
    let segment = shop
        .admin_post(
            "/api/v1/admin/segments",
            &json!({ "name": "Mọi người", "rule": { "kind": "all", "rules": [] } }),
            StatusCode::CREATED,
        )
        .await;
    let segment = segment["id"].as_str().unwrap();
    for (content, at) in [
        (json!({ "target": "/" }), "/content"),
        (
            json!({ "target": "https://evil.example", "sms": { "text": "hi" } }),
            "/content/target",
        ),
        (json!({ "sms": { "text": "" } }), "/content/sms/text"),
        (
            json!({ "zalo_oa": { "title": "T", "text": "x", "banner_url": "http://plain" } }),
            "/content/zalo_oa/banner_url",
        ),
        (json!({ "zns": { "template_id": "12 34" } }), "/content/zns/template_id"),
    ] {
        let r = shop
            .send(
                Method::POST,
                "/api/v1/admin/messages",
                &shop.admin,
                Some(&json!({ "name": "M", "segment_id": segment, "content": content })),
            )
            .await;
        let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_message").await;
        assert_eq!(body["error"]["field"]["pointer"], at, "{body}");
    }
    assert_eq!(app.count("campaign_messages").await, 0);
    let id = message(&shop, segment, "Đúng").await;
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/messages/{id}/send"),
            &shop.admin,
            Some(&json!({ "send_at": "2020-01-01T00:00:00Z" })),
        )
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_message").await;
    assert_eq!(app.count("jobs WHERE kind = 'messaging.start'").await, 0);
    // Scheduled for tomorrow, then cancelled: nobody is sent anything, and the segment can go.
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/messages/{id}/send"),
            &shop.admin,
            Some(&json!({ "send_at": tomorrow.to_rfc3339() })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = shop
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/segments/{segment}"),
            &shop.admin,
            None,
        )
        .await;
    assert_error(r, StatusCode::CONFLICT, "segment_in_use").await;
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/messages/{id}/cancel"),
            &shop.admin,
            None,
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "cancelled");
    let r = shop
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/segments/{segment}"),
            &shop.admin,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = shop
        .send(
            Method::PUT,
            "/api/v1/admin/messaging/settings",
            &shop.admin,
            Some(&json!({ "settings": {
                "priority": ["sms", "sms"], "per_day": 1, "per_week": 3, "quiet_from": "21:00",
                "quiet_until": "08:00", "oa_per_follower_month": 4, "zns_cost_vnd": 300, "sms_cost_vnd": 800 } })),
        )
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_channel_settings").await;
    assert_eq!(app.count("message_settings").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_segments_and_messages_change_nothing_sqlite() {
    bad_segments_and_messages_change_nothing(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_segments_and_messages_change_nothing_postgres() {
    bad_segments_and_messages_change_nothing(Store::Postgres).await;
}

/// Twenty messages racing for one person's one message of the day, delivered by two workers on their own
/// connections to the store at once (two processes): exactly one reaches her, nineteen are skipped at the cap.
async fn twenty_messages_race_for_one_daily_place(store: Store) {
    let clock = Clock::manual(cham_server::db::now_ms());
    let Some(app) = spawn_with(
        store,
        SpawnOptions {
            no_workers: true,
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
    else {
        return;
    };
    let shop = Shop::open(&app).await;
    settings(&shop, ("00:00", "00:00")).await;
    let (minh, _) = member_with(&app, "Minh", "0912345678").await;
    consent(&shop, &minh, "marketing_sms").await;
    let segment = shop
        .admin_post(
            "/api/v1/admin/segments",
            &json!({ "name": "SMS", "rule": { "kind": "consent", "purpose": "marketing_sms" } }),
            StatusCode::CREATED,
        )
        .await;
    let segment = segment["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for n in 0..20 {
        let id = message(&shop, &segment, &format!("Tin {n}")).await;
        let r = shop
            .send(
                Method::POST,
                &format!("/api/v1/admin/messages/{id}/send"),
                &shop.admin,
                Some(&json!({})),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        ids.push(id);
    }
    clock.set(clock.now_ms().max(cham_server::db::now_ms() + 1_000));
    // A second process: its own pool on the same store, its own worker (on SQLite, which one process writes,
    // a second worker in the process).
    let second_db = if matches!(store, Store::Sqlite) {
        app.db.clone()
    } else {
        cham_server::db::Db::connect(&app.config.database_url).await.unwrap()
    };
    let mut config = app.config.clone();
    config.public_url = Some(app.address.clone());
    let providers = cham_server::Providers::new(&config, app.master.sealer()).unwrap();
    let options = cham_server::jobs::WorkerOptions {
        lease: std::time::Duration::from_secs(60),
        poll: std::time::Duration::from_millis(50),
        concurrency: 8,
    };
    let one = cham_server::jobs::Worker::new(
        app.db.clone(),
        clock.clone(),
        std::sync::Arc::new(cham_server::job_registry(&app.db, &clock, &providers)),
        options,
    );
    let two = cham_server::jobs::Worker::new(
        second_db.clone(),
        clock.clone(),
        std::sync::Arc::new(cham_server::job_registry(&second_db, &clock, &providers)),
        options,
    );
    for _ in 0..20 {
        let (a, b) = tokio::join!(one.run_once(), two.run_once());
        if a.unwrap() + b.unwrap() == 0 {
            break;
        }
    }
    assert_eq!(
        app.count(&format!(
            "message_sends WHERE profile_id = '{}' AND status = 'sent'",
            minh.id
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "message_sends WHERE profile_id = '{}' AND status = 'skipped' AND reason = 'daily_cap'",
            minh.id
        ))
        .await,
        19
    );
    assert_eq!(sim(&app, "/esms/messages", None).await.as_array().unwrap().len(), 1);
    let (sent,): (i64,) =
        sqlx::query_as("SELECT sent FROM message_caps WHERE profile_id = $1 AND scope = 'all' AND period LIKE 'd:%'")
            .bind(&minh.id)
            .fetch_one(app.db.read())
            .await
            .unwrap();
    assert_eq!(sent, 1);
    if !matches!(store, Store::Sqlite) {
        second_db.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_messages_race_for_one_daily_place_sqlite() {
    twenty_messages_race_for_one_daily_place(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_messages_race_for_one_daily_place_postgres() {
    twenty_messages_race_for_one_daily_place(Store::Postgres).await;
}
