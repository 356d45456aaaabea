//! A journey that sends: "read but not clicked". A check-in sends the OA message through the dispatcher; a day
//! later, whoever read it without clicking gets the ZNS follow-up once, whoever clicked gets nothing more. The
//! messages become the journey's (never sent to their segment), and a journey may only ask about a message it
//! sends.

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, assert_error, spawn_with},
    loyalty_support::Shop,
    messages::{connect_oa, consent, member_with, sim},
    settle::{drain, worker},
};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn read_not_clicked(first: &str, follow_up: &str) -> Value {
    json!({
        "name": "Đọc nhưng chưa bấm", "trigger": "checked_in", "entry": { "kind": "once" },
        "steps": [
            { "id": "hello", "action": { "kind": "send", "message_id": first, "next": "day" } },
            { "id": "day", "action": { "kind": "wait", "minutes": 24 * 60, "next": "clicked" } },
            { "id": "clicked", "action": { "kind": "branch",
              "condition": { "kind": "message_clicked", "message_id": first }, "yes": "end", "no": "read" } },
            { "id": "read", "action": { "kind": "branch",
              "condition": { "kind": "message_read", "message_id": first }, "yes": "again", "no": "end" } },
            { "id": "again", "action": { "kind": "send", "message_id": follow_up, "next": "end" } },
            { "id": "end", "action": { "kind": "exit" } }
        ]
    })
}

async fn send_row(app: &TestApp, message: &str, profile: &str) -> (String, Option<String>, Option<String>) {
    sqlx::query_as("SELECT token, provider_id, channel FROM message_sends WHERE message_id = $1 AND profile_id = $2")
        .bind(message)
        .bind(profile)
        .fetch_one(app.db.read())
        .await
        .unwrap()
}

async fn read_but_not_clicked_gets_the_follow_up_once(store: Store) {
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
    let r = shop
        .send(
            Method::PUT,
            "/api/v1/admin/messaging/settings",
            &shop.admin,
            Some(
                &json!({ "settings": { "priority": ["zalo_oa", "zns", "sms"], "per_day": 3, "per_week": 10,
                "quiet_from": "00:00", "quiet_until": "00:00", "oa_per_follower_month": 4, "oa_per_follower_day": 3,
                "zns_cost_vnd": 300, "sms_cost_vnd": 800 } }),
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut people = Vec::new();
    for (name, phone) in [("Lan", "0987654321"), ("Minh", "0912345678")] {
        let (member, zalo) = member_with(&app, name, phone).await;
        consent(&shop, &member, "marketing_zalo").await;
        consent(&shop, &member, "marketing_zns").await;
        sim(
            &app,
            &format!("/zalo/users/{zalo}/oa"),
            Some(json!({ "event": "follow" })),
        )
        .await;
        people.push((member, zalo));
    }
    work().await;
    let segment = shop
        .admin_post(
            "/api/v1/admin/segments",
            &json!({ "name": "Quan tâm OA", "rule": { "kind": "follows_oa" } }),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let compose = |name: &'static str, content: Value| {
        let shop = &shop;
        let segment = segment.clone();
        async move {
            shop.admin_post(
                "/api/v1/admin/messages",
                &json!({ "name": name, "segment_id": segment, "content": content }),
                StatusCode::CREATED,
            )
            .await["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let hello = compose(
        "Chào tháng 12",
        json!({ "target": "/rewards",
            "zalo_oa": { "title": "Quà tháng 12", "text": "Chào {name}", "button": "Xem quà" } }),
    )
    .await;
    let again = compose(
        "Nhắc qua ZNS",
        json!({ "target": "/rewards",
            "zns": { "template_id": "246810", "params": { "customer_name": "{name}", "link": "{link}" } } }),
    )
    .await;
    let sent_away = compose(
        "Đã gửi",
        json!({ "target": "/", "zalo_oa": { "title": "A", "text": "B", "button": "C" } }),
    )
    .await;
    // Scheduled for next week: no longer a draft.
    let next_week = chrono::DateTime::from_timestamp_millis(clock.now_ms() + 7 * DAY_MS)
        .unwrap()
        .to_rfc3339();
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/admin/messages/{sent_away}/send"),
            &shop.admin,
            Some(&json!({ "send_at": next_week })),
        )
        .await;
    assert!(r.status().is_success());

    // A journey may only send a draft, and only ask about a message it sends.
    let mut stray = read_not_clicked(&hello, &again);
    stray["steps"][3]["action"]["condition"]["message_id"] = json!(sent_away);
    let mut not_draft = read_not_clicked(&hello, &again);
    not_draft["steps"][4]["action"]["message_id"] = json!(sent_away);
    for (body, pointer) in [
        (stray, "/steps/3/action/condition/message_id"),
        (not_draft, "/steps/4/action/message_id"),
    ] {
        let r = shop
            .send(Method::POST, "/api/v1/admin/journeys", &shop.admin, Some(&body))
            .await;
        let e = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_journey").await;
        assert_eq!(e["error"]["field"]["pointer"], pointer, "{e}");
    }
    assert_eq!(app.count("journeys").await, 0);
    let journey = shop
        .admin_post(
            "/api/v1/admin/journeys",
            &read_not_clicked(&hello, &again),
            StatusCode::CREATED,
        )
        .await;
    let id = journey["id"].as_str().unwrap().to_owned();
    for m in [&hello, &again] {
        let read = shop.get(&format!("/api/v1/admin/messages/{m}"), &shop.admin).await;
        assert_eq!(read["status"], "journey", "the journey's now: {read}");
        let r = shop
            .send(
                Method::POST,
                &format!("/api/v1/admin/messages/{m}/send"),
                &shop.admin,
                Some(&json!({})),
            )
            .await;
        assert_error(r, StatusCode::CONFLICT, "message_not_draft").await;
    }
    shop.admin_post(
        &format!("/api/v1/admin/journeys/{id}/activate"),
        &json!(null),
        StatusCode::OK,
    )
    .await;

    // Both check in: each gets the OA message once, through the dispatcher.
    for (i, (member, _)) in people.iter().enumerate() {
        shop.track(
            &member.id,
            json!({ "type": "checked_in", "idempotency_key": format!("visit-{i}") }),
        )
        .await;
    }
    work().await;
    work().await;
    let ((lan, lan_zalo), (minh, _)) = (&people[0], &people[1]);
    let (_, lan_msg, lan_channel) = send_row(&app, &hello, &lan.id).await;
    let (minh_token, _, minh_channel) = send_row(&app, &hello, &minh.id).await;
    assert_eq!(
        (lan_channel.as_deref(), minh_channel.as_deref()),
        (Some("zalo_oa"), Some("zalo_oa"))
    );

    // Lan reads it and does not click; Minh clicks.
    sim(
        &app,
        &format!("/zalo/users/{lan_zalo}/oa"),
        Some(json!({ "event": "user_seen_message", "msg_id": lan_msg.unwrap() })),
    )
    .await;
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirect
        .get(format!("{}/r/{minh_token}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    work().await;

    // A day later: Lan gets the ZNS follow-up, once; Minh nothing more.
    clock.advance(DAY_MS + 60_000);
    work().await;
    work().await;
    let zns = sim(&app, "/zalo/zns/messages", None).await;
    assert_eq!(zns.as_array().unwrap().len(), 1, "{zns}");
    assert_eq!(zns[0]["phone"], "84987654321");
    assert_eq!(send_row(&app, &again, &lan.id).await.2.as_deref(), Some("zns"));
    let (n,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM message_sends WHERE message_id = $1")
        .bind(&again)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(n, 1, "Minh clicked: no follow-up for him");
    let (done,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM journey_runs WHERE journey_id = $1 AND status = 'done'")
            .bind(&id)
            .fetch_one(app.db.read())
            .await
            .unwrap();
    assert_eq!(done, 2);
    let read = shop.get(&format!("/api/v1/admin/journeys/{id}"), &shop.admin).await;
    let ways = |step: &str| {
        read["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["step_id"] == step)
            .unwrap()["ways"]
            .clone()
    };
    assert_eq!(
        ways("clicked"),
        json!([{ "way": "no", "count": 1 }, { "way": "yes", "count": 1 }]),
        "{read}"
    );
    assert_eq!(ways("again"), json!([{ "way": "sent", "count": 1 }]));
    // Still once, whatever runs again.
    clock.advance(DAY_MS);
    work().await;
    assert_eq!(sim(&app, "/zalo/zns/messages", None).await.as_array().unwrap().len(), 1);
    // The journey's message report counts its recipients like any message's.
    let report = shop.get(&format!("/api/v1/admin/messages/{hello}"), &shop.admin).await;
    assert_eq!(report["status"], "journey");
    assert_eq!(report["report"]["recipients"], 2, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_but_not_clicked_gets_the_follow_up_once_sqlite() {
    read_but_not_clicked_gets_the_follow_up_once(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_but_not_clicked_gets_the_follow_up_once_postgres() {
    read_but_not_clicked_gets_the_follow_up_once(Store::Postgres).await;
}
