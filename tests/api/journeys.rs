//! Journeys: a definition is checked whole before it is saved; once active, its trigger lets people in by its
//! entry rule, a wait for an event is woken by the event or by its timeout, a branch goes the way the person
//! went, points are given once, an exit event takes a person out mid-wait, and a new version leaves the people
//! inside on theirs. The worker is driven round by round with a clock the test moves.

use cham_server::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{SpawnOptions, Store, TestApp, assert_error, spawn_with},
    loyalty_support::Shop,
    settle::{drain, worker},
};

const START: i64 = 1_800_000_000_000;
const MINUTE: i64 = 60 * 1000;

/// A check-in starts it; a purchase within three days is thanked with points, otherwise the person is nudged
/// (an attribute), and an hour later tagged lapsed if they still did not buy. Leaving the loyalty programme
/// (`shop.left`) takes them out.
fn win_back(wait_minutes: u32) -> Value {
    json!({
        "name": "Win-back", "trigger": "checked_in", "entry": { "kind": "once" }, "exit_on": ["shop.left"],
        "steps": [
            { "id": "start", "action": { "kind": "wait_for", "event_type": "offline_purchase",
              "timeout_minutes": 3 * 24 * 60, "next": "thanks", "timeout_next": "nudge" } },
            { "id": "thanks", "action": { "kind": "give_points", "points": 50, "next": "end" } },
            { "id": "nudge", "action": { "kind": "set_attribute", "key": "winback", "value": "nudged", "next": "later" } },
            { "id": "later", "action": { "kind": "wait", "minutes": wait_minutes, "next": "check" } },
            { "id": "check", "action": { "kind": "branch",
              "condition": { "kind": "did_event", "event_type": "offline_purchase" }, "yes": "end", "no": "tag" } },
            { "id": "tag", "action": { "kind": "set_attribute", "key": "lapsed", "value": "yes", "next": "end" } },
            { "id": "end", "action": { "kind": "exit" } }
        ]
    })
}

async fn app(store: Store, clock: &Clock) -> Option<TestApp> {
    spawn_with(
        store,
        SpawnOptions {
            no_workers: true,
            clock: Some(clock.clone()),
            ..SpawnOptions::default()
        },
    )
    .await
}

async fn run_of(app: &TestApp, profile: &str) -> (String, String, i64) {
    sqlx::query_as("SELECT status, step_id, version FROM journey_runs WHERE profile_id = $1")
        .bind(profile)
        .fetch_one(app.db.read())
        .await
        .unwrap()
}

async fn attribute(app: &TestApp, profile: &str, key: &str) -> Option<String> {
    sqlx::query_as::<_, (String,)>("SELECT value FROM profile_attributes WHERE profile_id = $1 AND key = $2")
        .bind(profile)
        .bind(key)
        .fetch_optional(app.db.read())
        .await
        .unwrap()
        .map(|(v,)| v)
}

async fn definitions_are_checked_whole(store: Store) {
    let clock = Clock::manual(START);
    let Some(app) = app(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    let mut cases = Vec::new();
    let mut looped = win_back(60);
    looped["steps"][3]["action"]["next"] = json!("start");
    cases.push((looped, "/steps/0"));
    let mut missing = win_back(60);
    missing["steps"][1]["action"]["next"] = json!("nowhere");
    cases.push((missing, "/steps/1/action/next"));
    let mut orphan = win_back(60);
    orphan["steps"][0]["action"]["timeout_next"] = json!("end");
    cases.push((orphan, "/steps/2"));
    let mut forever = win_back(60);
    forever["steps"][3]["action"]["minutes"] = json!(200_000);
    cases.push((forever, "/steps/3/action/minutes"));
    let mut no_name = win_back(60);
    no_name["name"] = json!("   ");
    cases.push((no_name, "/name"));
    let mut stranger = win_back(60);
    stranger["steps"][4]["action"]["condition"] = json!({ "kind": "in_segment", "segment_id": "not-ours" });
    cases.push((stranger, "/steps/4/action/condition/segment_id"));
    let mut greedy = win_back(60);
    greedy["steps"][1]["action"]["points"] = json!(0);
    cases.push((greedy, "/steps/1/action/points"));
    let mut self_exit = win_back(60);
    self_exit["exit_on"] = json!(["checked_in"]);
    cases.push((self_exit, "/exit_on/0"));
    for (body, pointer) in cases {
        let r = shop
            .send(Method::POST, "/api/v1/admin/journeys", &shop.admin, Some(&body))
            .await;
        let error = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_journey").await;
        assert_eq!(error["error"]["field"]["pointer"], pointer, "{error}");
    }
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/journeys",
            &shop.admin,
            Some(&json!({ "name": "x" })),
        )
        .await;
    assert!(r.status().is_client_error());
    assert_eq!(app.count("journeys").await, 0, "refused definitions write nothing");
    assert_eq!(app.count("journey_versions").await, 0);

    let created = shop
        .admin_post("/api/v1/admin/journeys", &win_back(60), StatusCode::CREATED)
        .await;
    assert_eq!(created["status"], "draft");
    assert_eq!(created["version"], 1);
    let id = created["id"].as_str().unwrap();
    // Another brand's admin sees nothing and changes nothing.
    let beta = app.other_brand("beta").await;
    let password = app.brand_user(&beta, "owner@beta.vn", app::api::StaffRole::Owner).await;
    let beta_admin = app.admin_token("beta", "owner@beta.vn", &password).await;
    for (method, path) in [
        (Method::GET, format!("/api/v1/admin/journeys/{id}")),
        (Method::POST, format!("/api/v1/admin/journeys/{id}/activate")),
    ] {
        let r = shop.send(method, &path, &beta_admin, None).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_journey").await;
    }
    let r = shop
        .send(
            Method::PUT,
            &format!("/api/v1/admin/journeys/{id}"),
            &beta_admin,
            Some(&win_back(5)),
        )
        .await;
    assert_error(r, StatusCode::NOT_FOUND, "unknown_journey").await;
    let theirs = shop.get("/api/v1/admin/journeys", &beta_admin).await;
    assert_eq!(theirs, json!([]));
    assert_eq!(app.count("journey_versions").await, 1);
    // A draft lets nobody in.
    let member = shop.member("Minh", "0912345678").await;
    shop.track(&member.id, json!({ "type": "checked_in" })).await;
    drain(&worker(&app, &clock)).await;
    assert_eq!(app.count("journey_runs").await, 0);
}

async fn people_walk_a_journey(store: Store) {
    let clock = Clock::manual(START);
    let Some(app) = app(store, &clock).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    let jobs = worker(&app, &clock);
    let journey = shop
        .admin_post("/api/v1/admin/journeys", &win_back(60), StatusCode::CREATED)
        .await;
    let id = journey["id"].as_str().unwrap().to_owned();
    let activated = shop
        .admin_post(
            &format!("/api/v1/admin/journeys/{id}/activate"),
            &json!(null),
            StatusCode::OK,
        )
        .await;
    assert_eq!(activated["status"], "active");
    let minh = shop.member("Minh", "0912000001").await;
    let lan = shop.member("Lan", "0912000002").await;
    let tuan = shop.member("Tuấn", "0912000003").await;
    for (who, key) in [(&minh, "m1"), (&lan, "l1"), (&tuan, "t1")] {
        shop.track(&who.id, json!({ "type": "checked_in", "idempotency_key": key }))
            .await;
    }
    drain(&jobs).await;
    for who in [&minh, &lan, &tuan] {
        assert_eq!(run_of(&app, &who.id).await, ("active".into(), "start".into(), 1));
    }

    // Minh buys: woken at once, thanked with points, at the end. Checking in again does not start it over.
    clock.advance(60 * MINUTE);
    shop.track(
        &minh.id,
        json!({ "type": "offline_purchase", "properties": { "amount_vnd": 45000 }, "idempotency_key": "m2" }),
    )
    .await;
    drain(&jobs).await;
    assert_eq!(run_of(&app, &minh.id).await.0, "done");
    assert_eq!(shop.card(&minh).await["balance"], 50);
    shop.track(&minh.id, json!({ "type": "checked_in", "idempotency_key": "m3" }))
        .await;
    drain(&jobs).await;
    assert_eq!(
        shop.card(&minh).await["balance"],
        50,
        "points once, and no second entry"
    );
    let types = shop.timeline_types(&minh.id).await;
    assert!(
        types.contains(&"journey_entered".to_owned()) && types.contains(&"journey_completed".to_owned()),
        "{types:?}"
    );

    // Tuấn leaves the programme mid-wait: out at once; his timer later finds nothing to do.
    shop.track(&tuan.id, json!({ "type": "shop.left", "idempotency_key": "t2" }))
        .await;
    drain(&jobs).await;
    assert_eq!(run_of(&app, &tuan.id).await.0, "exited");

    // Three days on, Lan never bought: nudged, then waits an hour.
    clock.advance(3 * 24 * 60 * MINUTE);
    drain(&jobs).await;
    assert_eq!(run_of(&app, &lan.id).await, ("active".into(), "later".into(), 1));
    assert_eq!(attribute(&app, &lan.id, "winback").await.as_deref(), Some("\"nudged\""));
    assert_eq!(
        attribute(&app, &tuan.id, "winback").await,
        None,
        "the exited run did not go on"
    );

    // A new version while Lan is inside: she finishes hers (an hour), a newcomer walks the new one.
    let changed = shop
        .send(
            Method::PUT,
            &format!("/api/v1/admin/journeys/{id}"),
            &shop.admin,
            Some(&win_back(10)),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["version"], 2);
    let hoa = shop.member("Hoa", "0912000004").await;
    shop.track(&hoa.id, json!({ "type": "checked_in", "idempotency_key": "h1" }))
        .await;
    drain(&jobs).await;
    assert_eq!(run_of(&app, &hoa.id).await.2, 2);
    clock.advance(15 * MINUTE);
    drain(&jobs).await;
    assert_eq!(run_of(&app, &lan.id).await.1, "later", "her version waits an hour");
    clock.advance(50 * MINUTE);
    drain(&jobs).await;
    assert_eq!(run_of(&app, &lan.id).await.0, "done");
    assert_eq!(attribute(&app, &lan.id, "lapsed").await.as_deref(), Some("\"yes\""));

    // The counts: version 1's ways out of its first step.
    let steps: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT step_id, way, CAST(COUNT(*) AS BIGINT) FROM journey_steps_taken WHERE journey_id = $1 AND version = 1 \
         GROUP BY step_id, way ORDER BY step_id, way",
    )
    .bind(&id)
    .fetch_all(app.db.read())
    .await
    .unwrap();
    let start: Vec<_> = steps
        .iter()
        .filter(|(s, _, _)| s == "start")
        .map(|(_, w, n)| (w.as_str(), *n))
        .collect();
    assert_eq!(start, vec![("event", 1), ("exit", 1), ("timeout", 1)]);
    let read = shop.get(&format!("/api/v1/admin/journeys/{id}"), &shop.admin).await;
    assert_eq!(read["entered"], 4, "{read}");
    assert_eq!(read["finished"], 2);
    assert_eq!(read["exited"], 1);
    assert_eq!(read["inside"], 1, "Hoa, on version 2");
    let first = &read["steps"][0];
    assert_eq!(
        (&first["step_id"], &first["now"]),
        (&json!("start"), &json!(1)),
        "Hoa waits at the start: {first}"
    );

    // Paused: nobody new enters; Hoa goes on to the end.
    shop.admin_post(
        &format!("/api/v1/admin/journeys/{id}/pause"),
        &json!(null),
        StatusCode::OK,
    )
    .await;
    let late = shop.member("Bảo", "0912000005").await;
    shop.track(&late.id, json!({ "type": "checked_in", "idempotency_key": "b1" }))
        .await;
    clock.advance((3 * 24 + 1) * 60 * MINUTE);
    drain(&jobs).await;
    assert_eq!(run_of(&app, &hoa.id).await.1, "later");
    clock.advance(11 * MINUTE);
    drain(&jobs).await;
    assert_eq!(run_of(&app, &hoa.id).await.0, "done");
    let (n,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM journey_runs WHERE profile_id = $1")
        .bind(&late.id)
        .fetch_one(app.db.read())
        .await
        .unwrap();
    assert_eq!(n, 0, "a paused journey lets nobody in");
    shop.assert_ledger_consistent().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journey_is_checked_whole_sqlite() {
    definitions_are_checked_whole(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journey_is_checked_whole_postgres() {
    definitions_are_checked_whole(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_walk_a_journey_sqlite() {
    people_walk_a_journey(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_walk_a_journey_postgres() {
    people_walk_a_journey(Store::Postgres).await;
}
