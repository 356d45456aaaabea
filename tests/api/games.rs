//! Mini-games: the draw matches the configured chances, budgets are never exceeded (also under 200 concurrent
//! plays), an exhausted prize gives way to the fallback, a double tap plays once, plays per day and extra plays
//! earned by events, prizes paid through the ledger and voucher paths, and the console's refusals.

use app::api::StaffRole;
use cham_server::games::draw;
use rand::{Rng, SeedableRng, rngs::StdRng};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    both_stores,
    helpers::assert_error,
    loyalty_support::{Member, Shop, merge},
};

/// 100,000 seeded draws land on each prize in proportion to its share: a chi-square test at p = 0.001 with a
/// fixed seed, so the verdict is the same on every run. A zero share is never drawn.
#[test]
fn a_hundred_thousand_draws_match_the_configured_chances() {
    let shares = [500_i64, 1_500, 0, 3_000];
    let mut rng = StdRng::seed_from_u64(20_261_122);
    let mut counts = [0_u64; 5];
    const DRAWS: u64 = 100_000;
    for _ in 0..DRAWS {
        let roll = rng.gen_range(0..draw::ROLLS);
        counts[draw::pick(&shares, roll).unwrap_or(4)] += 1;
    }
    assert_eq!(counts[2], 0, "a zero share was drawn");
    let expected = [0.05, 0.15, 0.30, 0.50].map(|p| p * DRAWS as f64);
    let observed = [counts[0], counts[1], counts[3], counts[4]].map(|c| c as f64);
    let chi2: f64 = observed.iter().zip(expected).map(|(o, e)| (o - e).powi(2) / e).sum();
    // 3 degrees of freedom; the 0.1% critical value is 16.27.
    assert!(chi2 < 16.27, "chi-square {chi2:.2} for {counts:?}");
}

async fn game(shop: &Shop<'_>, fields: Value) -> Value {
    let mut body = json!({
        "name": "Vòng quay may mắn", "kind": "wheel", "plays_per_day": 3, "active": true,
        "prizes": [{ "label": "50 điểm", "kind": "points", "points": 50, "share_bp": 10000 }],
    });
    merge(&mut body, fields);
    shop.admin_post("/api/v1/admin/games", &body, StatusCode::CREATED).await
}

async fn play(shop: &Shop<'_>, member: &Member, game: &str, key: &str) -> (StatusCode, Value) {
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/games/{game}/plays"),
            &member.token,
            Some(&json!({ "idempotency_key": key })),
        )
        .await;
    let status = r.status();
    (status, r.json().await.unwrap())
}

both_stores! {
    async fn two_hundred_concurrent_plays_against_a_budget_of_five_give_away_exactly_five(app) {
        let shop = Shop::open(&app).await;
        let game = game(&shop, json!({
            "plays_per_day": 10,
            "prizes": [{ "label": "50 điểm", "kind": "points", "points": 50, "share_bp": 10000, "budget_total": 5 }],
        }))
        .await;
        let id = game["id"].as_str().unwrap().to_owned();
        let mut members = Vec::new();
        for i in 0..20 {
            members.push(shop.member(&format!("Player {i}"), &format!("0914{i:06}")).await);
        }
        let mut plays = Vec::new();
        for (m, member) in members.iter().enumerate() {
            for k in 0..10 {
                let (client, url, token) = (
                    app.client.clone(),
                    app.url(&format!("/api/v1/games/{id}/plays")),
                    member.token.clone(),
                );
                plays.push(tokio::spawn(async move {
                    let r = client
                        .post(url)
                        .bearer_auth(token)
                        .json(&json!({ "idempotency_key": format!("tap-{m}-{k}") }))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::CREATED);
                    r.json::<Value>().await.unwrap()
                }));
            }
        }
        let mut won = 0;
        for p in plays {
            let play = p.await.unwrap();
            if play["kind"] == "points" {
                won += 1;
                assert_eq!(play["points"], 50);
            } else {
                assert_eq!(play["kind"], "nothing");
                assert_eq!(play["segment_id"], "nothing");
            }
        }
        assert_eq!(won, 5);
        let (given,): (i64,) = sqlx::query_as("SELECT given FROM game_prizes WHERE game_id = $1")
            .bind(&id)
            .fetch_one(app.db.read())
            .await
            .unwrap();
        assert_eq!(given, 5);
        assert_eq!(app.count("game_plays").await, 200);
        let (paid,): (Option<i64>,) = sqlx::query_as(
            "SELECT CAST(SUM(points) AS BIGINT) FROM points_entries WHERE source_kind = 'play'",
        )
        .fetch_one(app.db.read())
        .await
        .unwrap();
        assert_eq!(paid, Some(250));
        shop.assert_ledger_consistent().await;
        let stats = shop.get("/api/v1/admin/games", &shop.admin).await;
        assert_eq!(stats[0]["plays"], 200);
        assert_eq!(stats[0]["prizes"][0]["given"], 5);
        assert_eq!(stats[0]["prizes"][0]["given_today"], 5);
    }

    async fn a_double_tap_plays_once_and_plays_per_day_run_out(app) {
        let shop = Shop::open(&app).await;
        let game = game(&shop, json!({ "plays_per_day": 2 })).await;
        let id = game["id"].as_str().unwrap();
        let member = shop.member("Lan", "0914000001").await;
        let (first_status, first) = play(&shop, &member, id, "tap-1").await;
        assert_eq!(first_status, StatusCode::CREATED);
        assert_eq!(first["kind"], "points");
        assert_eq!(first["plays_left"], 1);
        let (again_status, again) = play(&shop, &member, id, "tap-1").await;
        assert_eq!(again_status, StatusCode::OK);
        assert_eq!(again["id"], first["id"]);
        assert_eq!(shop.card(&member).await["balance"], 50);
        let (status, _) = play(&shop, &member, id, "tap-2").await;
        assert_eq!(status, StatusCode::CREATED);
        let r = shop
            .send(
                Method::POST,
                &format!("/api/v1/games/{id}/plays"),
                &member.token,
                Some(&json!({ "idempotency_key": "tap-3" })),
            )
            .await;
        assert_error(r, StatusCode::CONFLICT, "no_plays_left").await;
        assert_eq!(app.count("game_plays").await, 2);
        let games = shop.get("/api/v1/games", &member.token).await;
        assert_eq!(games[0]["plays_left"], 0);
        let types = shop.timeline_types(&member.id).await;
        assert_eq!(types.iter().filter(|t| *t == "game_played").count(), 2);
        assert_eq!(types.iter().filter(|t| *t == "prize_won").count(), 2);
    }

    async fn an_exhausted_prize_gives_way_to_the_fallback_and_vouchers_take_reward_stock(app) {
        let shop = Shop::open(&app).await;
        let reward = shop.reward(json!({ "name": "Cà phê", "points_cost": 0, "stock": 1 })).await;
        let game = game(&shop, json!({
            "plays_per_day": 5,
            "prizes": [
                { "label": "Cà phê", "kind": "voucher", "reward_id": reward["id"], "share_bp": 10000 },
                { "label": "Túi vải", "kind": "gift", "share_bp": 0, "budget_daily": 1 },
            ],
            "fallback_prize": 1,
        }))
        .await;
        let id = game["id"].as_str().unwrap();
        let member = shop.member("Minh", "0914000002").await;
        let (_, first) = play(&shop, &member, id, "a").await;
        assert_eq!(first["kind"], "voucher");
        assert!(first["voucher_code"].as_str().is_some_and(|c| c.len() == 14));
        let (_, second) = play(&shop, &member, id, "b").await;
        assert_eq!(second["kind"], "gift", "{second}");
        assert!(second["gift_code"].as_str().is_some());
        assert_eq!(second["segment_id"], game["prizes"][1]["id"]);
        let (_, third) = play(&shop, &member, id, "c").await;
        assert_eq!(third["kind"], "nothing", "both budgets are spent for today");
        let vouchers = shop.get("/api/v1/me/vouchers", &member.token).await;
        assert_eq!(vouchers["vouchers"].as_array().unwrap().len(), 1);
        let (stock,): (Option<i64>,) = sqlx::query_as("SELECT stock FROM rewards WHERE id = $1")
            .bind(reward["id"].as_str().unwrap())
            .fetch_one(app.db.read())
            .await
            .unwrap();
        assert_eq!(stock, Some(0));
    }

    async fn an_event_of_the_configured_kind_earns_an_extra_play(app) {
        let shop = Shop::open(&app).await;
        let game = game(&shop, json!({ "plays_per_day": 0, "extra_play_events": ["checked_in"] })).await;
        let id = game["id"].as_str().unwrap();
        let member = shop.member("Hoa", "0914000003").await;
        let r = shop
            .send(
                Method::POST,
                &format!("/api/v1/games/{id}/plays"),
                &member.token,
                Some(&json!({ "idempotency_key": "x" })),
            )
            .await;
        assert_error(r, StatusCode::CONFLICT, "no_plays_left").await;
        let tracked = shop.track(&member.id, json!({ "type": "checked_in" })).await;
        assert!(tracked["error"].is_null(), "{tracked}");
        assert_eq!(shop.get("/api/v1/games", &member.token).await[0]["plays_left"], 1);
        let (status, _) = play(&shop, &member, id, "y").await;
        assert_eq!(status, StatusCode::CREATED);
    }

    async fn a_gift_code_is_handed_over_at_a_store_once(app) {
        let shop = Shop::open(&app).await;
        let game = game(&shop, json!({
            "prizes": [{ "label": "Túi vải", "kind": "gift", "share_bp": 10000 }],
        }))
        .await;
        let member = shop.member("Minh", "0914000002").await;
        let (_, won) = play(&shop, &member, game["id"].as_str().unwrap(), "a").await;
        let code = won["gift_code"].as_str().unwrap().to_owned();
        // The gift is the member's own until handed over: in their list with its code, in nobody else's.
        let mine = shop.get("/api/v1/me/gifts", &member.token).await;
        assert_eq!((&mine[0]["code"], &mine[0]["prize"], &mine[0]["claimed_at"]), (&json!(code), &json!("Túi vải"), &Value::Null));
        let other = shop.member("Người Khác", "0914000003").await;
        assert_eq!(shop.get("/api/v1/me/gifts", &other.token).await, json!([]));
        let password = app.brand_user(&app.brand, "till@acme.vn", StaffRole::Staff).await;
        let staff = app.admin_token("acme", "till@acme.vn", &password).await;
        // Typed without dashes and in lower case, it is still found.
        let typed = code.replace('-', "").to_lowercase();
        let seen = shop.get(&format!("/api/v1/staff/gifts/{typed}"), &staff).await;
        assert_eq!((&seen["prize"], &seen["game"], &seen["claimed_at"]), (&json!("Túi vải"), &game["name"], &Value::Null));
        assert_eq!(seen["holder"]["name"], "Minh");
        let claimed = shop.admin_post(&format!("/api/v1/staff/gifts/{code}/claim"), &json!({}), StatusCode::OK).await;
        assert!(claimed["claimed_at"].is_string());
        assert_eq!(claimed["claimed_by"], "loyalty@acme.vn", "the admin handed it over: {claimed}");
        let r = shop.send(Method::POST, &format!("/api/v1/staff/gifts/{code}/claim"), &staff, None).await;
        assert_error(r, StatusCode::CONFLICT, "gift_claimed").await;
        let types = shop.timeline_types(&member.id).await;
        assert_eq!(types.iter().filter(|t| *t == "gift_claimed").count(), 1);
        assert!(shop.get("/api/v1/me/gifts", &member.token).await[0]["claimed_at"].is_string());
        let r = shop.send(Method::GET, "/api/v1/staff/gifts/ABCD-EFGH-JKMN", &staff, None).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_gift").await;
        let r = shop.send(Method::GET, &format!("/api/v1/staff/gifts/{code}"), &member.token, None).await;
        assert!(r.status() == StatusCode::UNAUTHORIZED || r.status() == StatusCode::FORBIDDEN);
    }

    async fn a_game_is_changed_in_place_keeping_what_its_prizes_gave(app) {
        let shop = Shop::open(&app).await;
        let created = game(&shop, json!({
            "prizes": [
                { "label": "Túi vải", "kind": "gift", "share_bp": 0 },
                { "label": "50 điểm", "kind": "points", "points": 50, "share_bp": 10000, "budget_total": 5 },
            ],
        }))
        .await;
        let id = created["id"].as_str().unwrap();
        let member = shop.member("Lan", "0914000001").await;
        for key in ["a", "b"] {
            play(&shop, &member, id, key).await;
        }
        let path = format!("/api/v1/admin/games/{id}");
        let mut body = json!({
            "name": "Vòng quay Tết", "kind": "scratch", "plays_per_day": 5, "active": true,
            "prizes": [
                { "label": "Túi vải Tết", "kind": "gift", "share_bp": 100, "budget_total": 3 },
                { "label": "50 điểm", "kind": "points", "points": 50, "share_bp": 5000, "budget_total": 1 },
            ],
        });
        // A total budget below what was given, and dropping a prize that was given, are refused and change nothing.
        let r = shop.send(Method::PUT, &path, &shop.admin, Some(&body)).await;
        let refusal = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_game").await;
        assert!(refusal["error"]["message"].as_str().unwrap().contains("given 2 times"), "{refusal}");
        let mut dropped = body.clone();
        dropped["prizes"].as_array_mut().unwrap().pop();
        let r = shop.send(Method::PUT, &path, &shop.admin, Some(&dropped)).await;
        let refusal = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_game").await;
        assert!(refusal["error"]["message"].as_str().unwrap().contains("cannot be removed"), "{refusal}");
        assert_eq!(
            refusal["error"]["field"],
            json!({ "pointer": "/prizes", "problem": { "kind": "prize_given", "prize": 2, "times": 2 } })
        );
        let r = shop.send(Method::PUT, "/api/v1/admin/games/nope", &shop.admin, Some(&body)).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_game").await;
        let list = shop.get("/api/v1/admin/games", &shop.admin).await;
        assert_eq!((&list[0]["name"], &list[0]["prizes"][1]["input"]["share_bp"]), (&json!("Vòng quay may mắn"), &json!(10000)));

        body["prizes"][1]["budget_total"] = json!(10);
        body["prizes"].as_array_mut().unwrap().push(json!({ "label": "10 điểm", "kind": "points", "points": 10, "share_bp": 100 }));
        body["fallback_prize"] = json!(2);
        let r = shop.send(Method::PUT, &path, &shop.admin, Some(&body)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let changed: Value = r.json().await.unwrap();
        assert_eq!((&changed["name"], &changed["kind"], &changed["plays_per_day"]), (&json!("Vòng quay Tết"), &json!("scratch"), &json!(5)));
        assert_eq!(changed["prizes"][0]["id"], created["prizes"][0]["id"]);
        assert_eq!(changed["prizes"][0]["input"]["label"], "Túi vải Tết");
        assert_eq!(changed["prizes"][1]["given"], 2);
        assert_eq!(changed["prizes"][2]["given"], 0);
        assert_eq!(changed["fallback_prize_id"], changed["prizes"][2]["id"]);
        assert_eq!(app.count("game_prizes").await, 3);
        // The member's plays today still count against the new plays per day.
        assert_eq!(shop.get("/api/v1/games", &member.token).await[0]["plays_left"], 3);
    }

    async fn a_member_hammering_the_play_button_is_slowed_down(app) {
        let shop = Shop::open(&app).await;
        let game = game(&shop, json!({ "plays_per_day": 100 })).await;
        let id = game["id"].as_str().unwrap().to_owned();
        let member = shop.member("Bot", "0914000009").await;
        let mut taps = Vec::new();
        for k in 0..16 {
            let (client, url, token) = (app.client.clone(), app.url(&format!("/api/v1/games/{id}/plays")), member.token.clone());
            taps.push(tokio::spawn(async move {
                client.post(url).bearer_auth(token).json(&json!({ "idempotency_key": format!("k{k}") })).send().await.unwrap()
            }));
        }
        let (mut created, mut limited) = (0, 0);
        for t in taps {
            let r = t.await.unwrap();
            match r.status() {
                StatusCode::CREATED => created += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    limited += 1;
                    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
                    assert!((1..=4).contains(&wait), "Retry-After {wait}");
                    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_plays").await;
                }
                other => panic!("unexpected {other}"),
            }
        }
        // A burst of 10, and one more every 3 seconds.
        assert!(created >= 10 && limited >= 1, "{created} created, {limited} limited");
        assert_eq!(app.count("game_plays").await, created);
    }

    async fn a_data_export_holds_the_members_plays_points_and_vouchers(app) {
        let shop = Shop::open(&app).await;
        let reward = shop.reward(json!({ "name": "Cà phê", "points_cost": 0 })).await;
        let game = game(&shop, json!({
            "prizes": [
                { "label": "Cà phê", "kind": "voucher", "reward_id": reward["id"], "share_bp": 5000 },
                { "label": "50 điểm", "kind": "points", "points": 50, "share_bp": 5000 },
            ],
        }))
        .await;
        let member = shop.member("Lan", "0914000001").await;
        let id = game["id"].as_str().unwrap();
        let mut kinds = Vec::new();
        for key in ["a", "b", "c"] {
            kinds.push(play(&shop, &member, id, key).await.1["kind"].as_str().unwrap().to_owned());
        }
        let export = shop.get("/api/v1/me/export", &member.token).await;
        let plays = export["game_plays"].as_array().unwrap();
        assert_eq!(plays.len(), 3);
        let exported: Vec<&str> = plays.iter().map(|p| p["kind"].as_str().unwrap()).collect();
        assert_eq!(exported, kinds);
        assert_eq!(plays[0]["game"], "Vòng quay may mắn");
        let won_points = kinds.iter().filter(|k| *k == "points").count();
        let won_vouchers = kinds.len() - won_points;
        assert_eq!(export["vouchers"].as_array().unwrap().len(), won_vouchers);
        let paid = export["points"].as_array().unwrap().iter().filter(|e| e["source_kind"] == "play").count();
        assert_eq!(paid, won_points);
    }

    async fn a_bad_game_is_refused_and_writes_nothing(app) {
        let shop = Shop::open(&app).await;
        // Each refusal names the field at fault (a JSON pointer) and what is wrong, so the builder says it there.
        let cases = [
            (json!({ "name": " " }), "/name", json!({ "kind": "length", "min": 1, "max": 120 })),
            (json!({ "prizes": [] }), "/prizes", json!({ "kind": "count", "min": 1, "max": 12 })),
            (json!({ "plays_per_day": -1 }), "/plays_per_day", json!({ "kind": "range", "min": 0, "max": 100 })),
            (
                json!({ "prizes": [
                    { "label": "A", "kind": "gift", "share_bp": 6000 },
                    { "label": "B", "kind": "gift", "share_bp": 5000 },
                ] }),
                "/prizes",
                json!({ "kind": "shares_over", "total_bp": 11000 }),
            ),
            (
                json!({ "prizes": [{ "label": "A", "kind": "points", "share_bp": 100 }] }),
                "/prizes/0/points",
                json!({ "kind": "range", "min": 1, "max": 1_000_000 }),
            ),
            (json!({ "fallback_prize": 3 }), "/fallback_prize", json!({ "kind": "unknown" })),
            (json!({ "extra_play_events": ["app_opened"] }), "/extra_play_events/0", json!({ "kind": "not_allowed" })),
            (json!({ "ends_at": "2020-01-01T00:00:00+07:00", "starts_at": "2021-01-01T00:00:00+07:00" }), "/ends_at", json!({ "kind": "ends_before_start" })),
            (json!({ "starts_at": "soon" }), "/starts_at", json!({ "kind": "not_a_time" })),
        ];
        for (case, pointer, problem) in cases {
            let mut body = json!({
                "name": "Game", "kind": "wheel", "plays_per_day": 1, "active": true,
                "prizes": [{ "label": "50 điểm", "kind": "points", "points": 50, "share_bp": 100 }],
            });
            merge(&mut body, case.clone());
            let r = shop.send(Method::POST, "/api/v1/admin/games", &shop.admin, Some(&body)).await;
            let code = if pointer == "/starts_at" { "invalid_time" } else { "invalid_game" };
            let refusal = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, code).await;
            assert_eq!(refusal["error"]["field"], json!({ "pointer": pointer, "problem": problem }), "{case}");
        }
        let body = json!({
            "name": "Game", "kind": "scratch", "plays_per_day": 1, "active": true,
            "prizes": [{ "label": "Quà", "kind": "voucher", "reward_id": "nope", "share_bp": 100 }],
        });
        let r = shop.send(Method::POST, "/api/v1/admin/games", &shop.admin, Some(&body)).await;
        let refusal = assert_error(r, StatusCode::NOT_FOUND, "unknown_reward").await;
        assert_eq!(refusal["error"]["field"]["pointer"], "/prizes/0/reward_id");
        assert_eq!(app.count("games").await, 0);
        assert_eq!(app.count("game_prizes").await, 0);

        let member = shop.member("Nam", "0914000004").await;
        let r = shop.send(Method::POST, "/api/v1/admin/games", &member.token, Some(&body)).await;
        assert!(r.status() == StatusCode::UNAUTHORIZED || r.status() == StatusCode::FORBIDDEN);
        let r = shop
            .send(
                Method::POST,
                "/api/v1/games/nope/plays",
                &member.token,
                Some(&json!({ "idempotency_key": "k" })),
            )
            .await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_game").await;
        let game = game(&shop, json!({})).await;
        let r = shop
            .send(
                Method::POST,
                &format!("/api/v1/games/{}/plays", game["id"].as_str().unwrap()),
                &member.token,
                Some(&json!({ "idempotency_key": "" })),
            )
            .await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_idempotency_key").await;
        assert_eq!(app.count("game_plays").await, 0);
    }
}

both_stores! {
    async fn a_merge_brings_the_plays_along_so_today_counts_once(app) {
        let shop = Shop::open(&app).await;
        let game = game(&shop, json!({ "plays_per_day": 3 })).await;
        let id = game["id"].as_str().unwrap();
        // A Zalo account that has not shared its phone yet, and a MoMo account with the phone: two profiles.
        let zalo = app.zalo_user("Thu", "0915000111").await;
        let without_phone: Value = app
            .post_json(
                "/api/v1/auth/session",
                &json!({ "brand": "acme", "provider": "zalo", "access_token": zalo.access_token }),
            )
            .await
            .json()
            .await
            .unwrap();
        let first = Member {
            id: without_phone["me"]["profile_id"].as_str().unwrap().to_owned(),
            token: without_phone["tokens"]["access_token"].as_str().unwrap().to_owned(),
        };
        let momo = app.momo_user("Thu", "0915000111").await;
        let with_phone: Value = app.sign_in_momo(&momo).await.json().await.unwrap();
        let second = Member {
            id: with_phone["me"]["profile_id"].as_str().unwrap().to_owned(),
            token: with_phone["tokens"]["access_token"].as_str().unwrap().to_owned(),
        };
        assert_ne!(first.id, second.id);
        assert_eq!(play(&shop, &first, id, "a").await.0, StatusCode::CREATED);
        assert_eq!(play(&shop, &second, id, "b").await.0, StatusCode::CREATED);
        // The Zalo account shares the phone: its profile is merged with the MoMo one.
        let tokens = app.zalo_tokens_for(&zalo.id).await;
        let merged: Value = app.sign_in_zalo(&tokens).await.json().await.unwrap();
        let survivor = Member {
            id: merged["me"]["profile_id"].as_str().unwrap().to_owned(),
            token: merged["tokens"]["access_token"].as_str().unwrap().to_owned(),
        };
        let (plays,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM game_plays WHERE profile_id = $1")
            .bind(&survivor.id)
            .fetch_one(app.db.read())
            .await
            .unwrap();
        assert_eq!(plays, 2);
        assert_eq!(shop.get("/api/v1/games", &survivor.token).await[0]["plays_left"], 1);
    }
}

both_stores! {
    async fn ten_taps_at_once_use_no_more_than_the_days_plays(app) {
        let shop = Shop::open(&app).await;
        let game = game(&shop, json!({ "plays_per_day": 2 })).await;
        let id = game["id"].as_str().unwrap();
        let member = shop.member("Vy", "0915000222").await;
        let (shop, member) = (&shop, &member);
        let taps = (0..10).map(|i| async move { play(shop, member, id, &format!("tap-{i}")).await.0 });
        let statuses = futures::future::join_all(taps).await;
        let played = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
        assert_eq!((played, refused), (2, 8), "{statuses:?}");
        assert_eq!(app.count("game_plays").await, 2);
    }
}

both_stores! {
    async fn deleting_ones_data_and_signing_in_again_does_not_give_a_fresh_day_of_plays(app) {
        let shop = Shop::open(&app).await;
        let game = game(&shop, json!({ "plays_per_day": 2 })).await;
        let id = game["id"].as_str().unwrap();
        let zalo = app.zalo_user("Nông Văn Dền", "0916000111").await;
        let session = |v: Value| Member {
            id: v["me"]["profile_id"].as_str().unwrap().to_owned(),
            token: v["tokens"]["access_token"].as_str().unwrap().to_owned(),
        };
        let first = session(app.sign_in_zalo(&zalo).await.json().await.unwrap());
        assert_eq!(play(&shop, &first, id, "a").await.0, StatusCode::CREATED);
        assert_eq!(play(&shop, &first, id, "b").await.0, StatusCode::CREATED);
        let r = shop.send(Method::POST, "/api/v1/me/erasure", &first.token, None).await;
        assert_eq!(r.status(), StatusCode::OK);

        // The same Zalo account again: a new profile, but today's plays were used.
        let again = session(app.sign_in_zalo(&app.zalo_tokens_for(&zalo.id).await).await.json().await.unwrap());
        assert_ne!(again.id, first.id);
        assert_eq!(shop.get("/api/v1/games", &again.token).await[0]["plays_left"], 0);
        let (status, body) = play(&shop, &again, id, "c").await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("no_plays_left")));
        // Nor through MoMo with the same phone; someone else plays as before.
        let momo = app.momo_user("Nông Văn Dền", "0916000111").await;
        let via_momo = session(app.sign_in_momo(&momo).await.json().await.unwrap());
        assert_eq!(shop.get("/api/v1/games", &via_momo.token).await[0]["plays_left"], 0);
        let other = shop.member("Người Khác", "0916000222").await;
        assert_eq!(shop.get("/api/v1/games", &other.token).await[0]["plays_left"], 2);
        // What carries the count is a keyed hash that expires when the day ends.
        let marks: Vec<(String, i64, Option<i64>)> =
            sqlx::query_as("SELECT mark, uses, expires_at FROM person_marks WHERE purpose LIKE 'game_plays:%'")
                .fetch_all(app.db.read()).await.unwrap();
        assert!(!marks.is_empty());
        assert!(marks.iter().all(|(m, uses, expires)| m.len() == 64 && *uses == 2 && expires.is_some()));
    }
}
