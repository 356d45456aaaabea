//! The e-mail channel against a real SMTP server started by the test: the brand's server set in the settings (a
//! plain connection to a remote host, a password without TLS, a bad sender refused beside their fields with nothing
//! stored), a test send (taken; a mailbox that does not exist answered with the server's words), and the master
//! channel's fallback OA → ZNS (`-118`) → e-mail → SMS: a person reached on e-mail gets exactly one, personal, with
//! a tracked button and a one-click unsubscribe that withdraws their e-mail consent once; a person whose mailbox
//! is gone (`550`) gets the SMS instead.

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, assert_error, spawn_with},
    loyalty_support::{Member, Shop},
    settle::{drain, worker},
    smtp_server::SmtpServer,
};

const APP_ID: &str = "1234567890";

fn rules() -> Value {
    json!({
        "priority": ["zalo_oa", "zns", "email", "sms"], "per_day": 1, "per_week": 3,
        "quiet_from": "00:00", "quiet_until": "00:00", "oa_per_follower_month": 4,
        "zns_cost_vnd": 300, "sms_cost_vnd": 800,
    })
}

fn server(port: u16) -> Value {
    json!({
        "host": "127.0.0.1", "port": port, "security": "none",
        "from_address": "hello@acme.vn", "from_name": "ACME Coffee",
    })
}

async fn put_settings(shop: &Shop<'_>, body: &Value) -> reqwest::Response {
    shop.send(Method::PUT, "/api/v1/admin/messaging/settings", &shop.admin, Some(body))
        .await
}

async fn consent(shop: &Shop<'_>, member: &Member, purpose: &str) {
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

async fn momo_member(shop: &Shop<'_>, name: &str, phone: &str) -> Member {
    let momo = shop.app.momo_user(name, phone).await;
    let session: Value = shop.app.sign_in_momo(&momo).await.json().await.unwrap();
    Member {
        id: session["me"]["profile_id"].as_str().unwrap().to_owned(),
        token: session["tokens"]["access_token"].as_str().unwrap().to_owned(),
    }
}

async fn the_email_channel_takes_its_place_in_the_fallback(store: Store) {
    let smtp = SmtpServer::start();
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
    let grant: Value = app
        .client
        .post(format!("{}/zalo/oauth/grant", app.sim.base_url))
        .json(&json!({ "app_id": APP_ID }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = shop
        .send(
            Method::PUT,
            "/api/v1/admin/messaging/oa",
            &shop.admin,
            Some(&json!({ "refresh_token": grant["refresh_token"] })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Refused beside the field, and nothing stored: plain SMTP to another machine, a password without TLS, a
    // sender that is not an address, a port of 0.
    let cases = [
        (json!({ "host": "smtp.acme.vn" }), "/email/security"),
        (json!({ "username": "acme", "password": "bí mật" }), "/email/security"),
        (json!({ "from_address": "ACME" }), "/email/from_address"),
        (json!({ "port": 0 }), "/email/port"),
        (json!({ "host": "smtp acme.vn" }), "/email/host"),
        (json!({ "password": "bí mật" }), "/email/username"),
    ];
    for (change, pointer) in cases {
        let mut email = server(smtp.port);
        for (k, v) in change.as_object().unwrap() {
            email[k] = v.clone();
        }
        let r = put_settings(&shop, &json!({ "settings": rules(), "email": email })).await;
        let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_channel_settings").await;
        assert_eq!(body["error"]["field"]["pointer"], pointer, "{body}");
    }
    let now = shop.get("/api/v1/admin/messaging/settings", &shop.admin).await;
    assert_eq!(now["email_server"], Value::Null, "{now}");
    assert_eq!(app.count("message_settings").await, 0);

    // Not connected yet: a test send says so.
    let test = |to: &str| json!({ "channel": "email", "to": to });
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/messaging/test-send",
            &shop.admin,
            Some(&test("me@acme.vn")),
        )
        .await;
    assert_error(r, StatusCode::CONFLICT, "channel_not_connected").await;

    shop.app.sim.sim.open_esms_account("acme-key", "acme-secret", "ACME");
    let r = put_settings(
        &shop,
        &json!({
            "settings": rules(),
            "email": server(smtp.port),
            "sms": { "api_key": "acme-key", "secret_key": "acme-secret", "brandname": "ACME" },
        }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["email_server"]["from_address"], "hello@acme.vn", "{saved}");
    assert_eq!(saved["email_server"]["security"], "none");

    // A test send: taken by the server; a gone mailbox answered with its words; not an address refused.
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/messaging/test-send",
            &shop.admin,
            Some(&test("me@acme.vn")),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let sent: Value = r.json().await.unwrap();
    assert_eq!(sent, json!({ "sent": true, "detail": null }));
    assert_eq!(smtp.to("me@acme.vn").len(), 1);
    let gone: Value = shop
        .send(
            Method::POST,
            "/api/v1/admin/messaging/test-send",
            &shop.admin,
            Some(&test("gone@acme.vn")),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(gone["sent"], false);
    assert!(gone["detail"].as_str().unwrap().contains("550"), "{gone}");
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/messaging/test-send",
            &shop.admin,
            Some(&test("me@")),
        )
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_test_address").await;

    // Hoa and Bình signed in with MoMo (their phones have no Zalo account, so ZNS answers -118); the brand's
    // customer list gives them e-mail addresses, Bình's a mailbox that no longer exists.
    let hoa = momo_member(&shop, "Hoa", "0933333333").await;
    let binh = momo_member(&shop, "Bình", "0966666666").await;
    for member in [&hoa, &binh] {
        for purpose in ["marketing_zns", "marketing_email", "marketing_sms"] {
            consent(&shop, member, purpose).await;
        }
    }
    let started: Value = app
        .client
        .post(app.url("/api/v1/admin/imports?file_name=khach.csv"))
        .bearer_auth(&shop.admin)
        .header("content-type", "text/csv")
        .body("phone,email\n0933333333,hoa@example.vn\n0966666666,gone@example.vn\n")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let import = started["id"].as_str().unwrap().to_owned();
    for _ in 0..100 {
        work().await;
        let info = shop.get(&format!("/api/v1/admin/imports/{import}"), &shop.admin).await;
        if info["status"] != "processing" {
            assert_eq!(
                (info["status"].as_str(), info["updated"].as_i64()),
                (Some("completed"), Some(2)),
                "{info}"
            );
            break;
        }
    }

    let segment = shop
        .admin_post(
            "/api/v1/admin/segments",
            &json!({ "name": "Có e-mail", "rule": { "kind": "has_identity", "identity": "email" } }),
            StatusCode::CREATED,
        )
        .await;
    let segment = segment["id"].as_str().unwrap().to_owned();
    work().await;
    let content = json!({
        "target": "/rewards",
        "zns": { "template_id": "246810", "params": { "customer_name": "{name}" } },
        "email": { "subject": "Quà cho {name}", "text": "Chào {name},\nbạn có {points} điểm <3", "button": "Xem quà" },
        "sms": { "text": "ACME: {name} oi, qua dang cho ban {link}" },
    });
    let m = shop
        .admin_post(
            "/api/v1/admin/messages",
            &json!({ "name": "Quà e-mail", "segment_id": segment, "content": content }),
            StatusCode::CREATED,
        )
        .await;
    let id = m["id"].as_str().unwrap().to_owned();
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/messages/{id}/send"),
            &shop.admin,
            Some(&json!({})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    work().await;
    work().await;
    let m = shop.get(&format!("/api/v1/admin/messages/{id}"), &shop.admin).await;
    assert_eq!(m["status"], "sent", "{m}");
    let sends: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT profile_id, status, channel, tried FROM message_sends WHERE message_id = $1 ORDER BY profile_id",
    )
    .bind(&id)
    .fetch_all(app.db.read())
    .await
    .unwrap();
    let of = |p: &str| sends.iter().find(|s| s.0 == p).cloned().unwrap();
    let (_, status, channel, tried) = of(&hoa.id);
    assert_eq!(
        (status.as_str(), channel.as_deref()),
        ("sent", Some("email")),
        "{tried}"
    );
    assert!(tried.contains("zns"), "ZNS was tried first: {tried}");
    let (_, status, channel, tried) = of(&binh.id);
    assert_eq!((status.as_str(), channel.as_deref()), ("sent", Some("sms")), "{tried}");
    assert!(tried.contains("email"), "e-mail was tried before SMS: {tried}");

    // Hoa's e-mail: one, from the brand, personal, escaped in its HTML, with her tracked button and the
    // one-click unsubscribe.
    let mails = smtp.to("hoa@example.vn");
    assert_eq!(mails.len(), 1, "{mails:?}");
    let raw = mails[0].raw.replace("=\r\n", "");
    assert_eq!(mails[0].from.trim_matches(['<', '>']), "hello@acme.vn");
    assert!(
        raw.contains("From: \"ACME Coffee\" <hello@acme.vn>") || raw.contains("From: ACME Coffee <hello@acme.vn>"),
        "{raw}"
    );
    assert!(
        raw.contains("Subject: =?utf-8?") || raw.contains("Subject: Qu"),
        "{raw}"
    );
    assert!(
        raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{raw}"
    );
    let stop = raw
        .lines()
        .find_map(|l| l.strip_prefix("List-Unsubscribe: <"))
        .map(|l| l.trim_end_matches('>').to_owned())
        .expect("a List-Unsubscribe header");
    assert!(
        stop.starts_with(&format!("{}/r/", app.address)) && stop.ends_with("/unsubscribe"),
        "{stop}"
    );
    let link = stop.trim_end_matches("/unsubscribe").to_owned();
    assert!(raw.contains(&link), "the button opens her tracked link");
    assert!(
        raw.contains("&lt;3") && !raw.contains("<3</p>"),
        "the HTML part escapes the text: {raw}"
    );
    assert!(smtp.to("gone@example.vn").is_empty());
    let sms: Value = app
        .client
        .get(format!("{}/esms/messages", app.sim.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sms.as_array().unwrap().len(), 1, "{sms}");
    assert_eq!(sms[0]["phone"], "84966666666");

    // The unsubscribe page changes nothing by being opened (link checkers open it); its button, or the mail
    // app's one click, withdraws her e-mail consent, once.
    let page = app.client.get(&stop).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Ngừng nhận e-mail từ"));
    let consents = |token: String| {
        let shop = &shop;
        async move { shop.get("/api/v1/me/consents", &token).await }
    };
    let email_consent = |all: Value| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|c| c["purpose"] == "marketing_email")
            .map(|c| c["granted"].clone())
            .unwrap()
    };
    assert_eq!(email_consent(consents(hoa.token.clone()).await), true);
    for _ in 0..2 {
        let r = app
            .client
            .post(&stop)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    assert_eq!(email_consent(consents(hoa.token.clone()).await), false);
    assert_eq!(email_consent(consents(binh.token.clone()).await), true);
    assert_eq!(
        app.count(&format!(
            "events WHERE profile_id = '{}' AND type = 'consent_changed' AND source = 'email'",
            hoa.id
        ))
        .await,
        1
    );
    // A link that names no send is a page in the person's words, not the API's error.
    for (method, path) in [
        (Method::POST, "/r/nope/unsubscribe"),
        (Method::GET, "/r/nope/unsubscribe"),
        (Method::GET, "/r/nope"),
    ] {
        let r = app
            .client
            .request(method, format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let text = r.text().await.unwrap();
        assert!(
            text.contains("Liên kết này không tồn tại") && !text.contains("unknown_message_link"),
            "{text}"
        );
    }

    // A second brand sees neither the server nor can it test-send through it.
    let beta = app.other_brand("beta").await;
    let password = app.brand_user(&beta, "boss@beta.vn", app::api::StaffRole::Owner).await;
    let beta_admin = app.admin_token("beta", "boss@beta.vn", &password).await;
    let theirs = shop.get("/api/v1/admin/messaging/settings", &beta_admin).await;
    assert_eq!(theirs["email_server"], Value::Null);
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/messaging/test-send",
            &beta_admin,
            Some(&test("me@acme.vn")),
        )
        .await;
    assert_error(r, StatusCode::CONFLICT, "channel_not_connected").await;
    assert_eq!(smtp.to("me@acme.vn").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_email_channel_takes_its_place_in_the_fallback_sqlite() {
    the_email_channel_takes_its_place_in_the_fallback(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_email_channel_takes_its_place_in_the_fallback_postgres() {
    the_email_channel_takes_its_place_in_the_fallback(Store::Postgres).await;
}
