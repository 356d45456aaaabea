//! Loyalty end to end: earning through the interaction log, pending and expiring points, tiers, rewards,
//! vouchers used by staff, reversals, merges, concurrency, and who may do what.

use app::api::StaffRole;
use cham_server::loyalty::run_due;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    both_stores,
    helpers::assert_error,
    loyalty_support::{DAY, Shop, now},
};

both_stores! {
    async fn a_member_earns_from_a_purchase_sees_it_pending_then_spendable_redeems_and_staff_use_the_voucher(app) {
        let shop = Shop::open(&app).await;
        shop.rule(json!({
            "name": "1 point per 10,000 VND", "kind": "per_vnd", "trigger": "offline_purchase",
            "points": 1, "per_vnd": 10000, "rounding": "floor", "pending_days": 1, "expiry_days": 365
        })).await;
        let reward = shop.reward(json!({ "points_cost": 10 })).await;
        let mai = shop.member("Mai", "0912345678").await;

        let tracked = shop.track(&mai.id, json!({ "type": "offline_purchase", "properties": { "amount_vnd": 125000 } })).await;
        assert!(tracked["error"].is_null(), "{tracked}");
        let card = shop.card(&mai).await;
        assert_eq!((card["balance"].as_i64(), card["pending"].as_i64()), (Some(0), Some(12)), "{card}");
        let history = shop.get("/api/v1/me/points", &mai.token).await;
        assert_eq!(history["entries"][0]["pending"], true);
        assert_eq!(history["entries"][0]["label"], "offline_purchase");
        assert_error(shop.redeem(&mai, reward["id"].as_str().unwrap(), "k1").await, StatusCode::CONFLICT, "insufficient_points").await;

        // A day later the pending points become spendable.
        let report = run_due(&app.db, now() + DAY + 1000).await.unwrap();
        assert_eq!(report.settled, 1);
        let card = shop.card(&mai).await;
        assert_eq!((card["balance"].as_i64(), card["pending"].as_i64()), (Some(12), Some(0)), "{card}");

        let catalog = shop.get("/api/v1/rewards", &mai.token).await;
        assert_eq!(catalog["rewards"][0]["redeemable"], true, "{catalog}");
        let r = shop.redeem(&mai, reward["id"].as_str().unwrap(), "k1").await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let voucher: Value = r.json().await.unwrap();
        assert_eq!(voucher["status"], "issued");
        let code = voucher["code"].as_str().unwrap().to_owned();
        assert_eq!(code.len(), 14, "grouped 4-4-4: {code}");
        // The same key redeems once.
        let again = shop.redeem(&mai, reward["id"].as_str().unwrap(), "k1").await;
        assert_eq!(again.status(), StatusCode::OK);
        assert_eq!(again.json::<Value>().await.unwrap()["id"], voucher["id"]);
        assert_eq!(shop.card(&mai).await["balance"], 2);
        let mine = shop.get("/api/v1/me/vouchers", &mai.token).await;
        assert_eq!(mine["vouchers"].as_array().unwrap().len(), 1);

        let password = app.brand_user(&app.brand, "till@acme.vn", StaffRole::Staff).await;
        let staff = app.admin_token("acme", "till@acme.vn", &password).await;
        let typed = code.to_lowercase().replace('-', " ");
        let seen = shop.get(&format!("/api/v1/staff/vouchers/{typed}"), &staff).await;
        assert_eq!(seen["usable"], true);
        assert_eq!(seen["holder"]["name"], "Mai");
        assert_eq!(seen["holder"]["phone_masked"], "0912 *** 678");
        assert_eq!(seen["voucher"]["reward_name"], "Free coffee");
        let r = shop.send(Method::POST, &format!("/api/v1/staff/vouchers/{code}/use"), &staff, None).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.json::<Value>().await.unwrap()["voucher"]["status"], "used");
        let second = shop.send(Method::POST, &format!("/api/v1/staff/vouchers/{code}/use"), &staff, None).await;
        assert_error(second, StatusCode::CONFLICT, "voucher_used").await;
        // Looked up again, it says when and by whom it was used; the member's own list names no staff.
        let seen = shop.get(&format!("/api/v1/staff/vouchers/{code}"), &staff).await;
        assert_eq!((seen["usable"].as_bool(), seen["used_by"].as_str()), (Some(false), Some("till@acme.vn")));
        assert!(seen["voucher"]["used_at"].is_string());
        let mine = shop.get("/api/v1/me/vouchers", &mai.token).await;
        assert!(!mine.to_string().contains("till@acme.vn"), "{mine}");

        let types = shop.timeline_types(&mai.id).await;
        let expected = ["offline_purchase", "points_earned", "points_redeemed", "voucher_issued", "voucher_used"];
        let mut at = 0;
        for t in &types {
            if at < expected.len() && t == expected[at] {
                at += 1;
            }
        }
        assert_eq!(at, expected.len(), "every step on the timeline, in order: {types:?}");
        shop.assert_ledger_consistent().await;
    }

    async fn a_repeated_event_pays_once_and_a_changed_rule_never_rewrites_history(app) {
        let shop = Shop::open(&app).await;
        let rule = shop.rule(json!({ "name": "Check-in", "points": 10 })).await;
        let mai = shop.member("Mai", "0912345678").await;
        let event = json!({ "type": "checked_in", "idempotency_key": "visit-1" });
        shop.track(&mai.id, event.clone()).await;
        let again = shop.track(&mai.id, event).await;
        assert_eq!(again["duplicate"], true);
        assert_eq!(shop.card(&mai).await["balance"], 10);

        let mut changed = rule.clone();
        changed["points"] = json!(25);
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/loyalty/rules/{}", rule["id"].as_str().unwrap()), &shop.admin, Some(&changed)).await;
        assert_eq!(r.status(), StatusCode::OK);
        shop.track(&mai.id, json!({ "type": "checked_in", "idempotency_key": "visit-2" })).await;
        let history = shop.get("/api/v1/me/points", &mai.token).await;
        let points: Vec<i64> = history["entries"].as_array().unwrap().iter().map(|e| e["points"].as_i64().unwrap()).collect();
        assert_eq!(points, vec![25, 10], "the first earning keeps its 10 points");
        assert_eq!(shop.card(&mai).await["balance"], 35);
    }

    async fn caps_limit_what_a_rule_pays_per_day_and_per_member(app) {
        let shop = Shop::open(&app).await;
        shop.rule(json!({ "name": "Check-in", "points": 10, "daily_cap": 25 })).await;
        shop.rule(json!({ "name": "Followed OA", "trigger": "followed_oa", "points": 50 })).await;
        let mai = shop.member("Mai", "0912345678").await;
        for i in 0..4 {
            shop.track(&mai.id, json!({ "type": "checked_in", "idempotency_key": format!("v{i}") })).await;
        }
        assert_eq!(shop.card(&mai).await["balance"], 25, "10 + 10 + 5, then nothing more today");
        // Following the OA pays once per member, however often it is followed again.
        shop.track(&mai.id, json!({ "type": "followed_oa" })).await;
        shop.track(&mai.id, json!({ "type": "unfollowed_oa" })).await;
        shop.track(&mai.id, json!({ "type": "followed_oa" })).await;
        assert_eq!(shop.card(&mai).await["balance"], 75);
    }

    async fn tier_and_campaign_multipliers_apply_and_a_member_moves_up_at_once_and_down_at_the_period_end(app) {
        let shop = Shop::open(&app).await;
        shop.tier("Bạc", 0, 100).await;
        let gold = shop.tier("Vàng", 50, 150).await;
        shop.rule(json!({ "name": "Check-in", "points": 30 })).await;
        let start = chrono::Utc::now() - chrono::Duration::days(1);
        let end = chrono::Utc::now() + chrono::Duration::days(1);
        shop.rule(json!({
            "name": "Double days", "kind": "multiplier", "trigger": "*", "multiplier_pct": 200,
            "starts_at": start.to_rfc3339(), "ends_at": end.to_rfc3339()
        })).await;
        let mai = shop.member("Mai", "0912345678").await;
        let card = shop.card(&mai).await;
        assert_eq!(card["tier"]["name"], "Bạc");
        assert_eq!(card["next_tier"]["name"], "Vàng");

        shop.track(&mai.id, json!({ "type": "checked_in", "idempotency_key": "v1" })).await;
        let card = shop.card(&mai).await;
        assert_eq!(card["balance"], 60, "30 × 2 for the campaign");
        assert_eq!(card["tier"]["name"], "Vàng", "60 earned reaches Gold at once: {card}");
        assert!(card["next_tier"].is_null());
        shop.track(&mai.id, json!({ "type": "checked_in", "idempotency_key": "v2" })).await;
        assert_eq!(shop.card(&mai).await["balance"], 150, "then 30 × 1.5 × 2");
        assert!(shop.timeline_types(&mai.id).await.contains(&"tier_changed".to_owned()));
        let config = shop.get("/api/v1/admin/loyalty", &shop.admin).await;
        let gold_row = config["tiers"].as_array().unwrap().iter().find(|t| t["id"] == gold["id"]).unwrap().clone();
        assert_eq!(gold_row["members"], 1);

        // Thirteen months on, nothing earned in the window: Gold ends and the member is back to Silver.
        let later = now() + 400 * DAY;
        let report = run_due(&app.db, later).await.unwrap();
        assert_eq!(report.tiers_reviewed, 1);
        assert_eq!(shop.card(&mai).await["tier"]["name"], "Bạc");
        let downs: Vec<Value> = shop.get(&format!("/api/v1/admin/profiles/{}/events?type=tier_changed", mai.id), &shop.admin).await["events"]
            .as_array().unwrap().clone();
        assert_eq!(downs[0]["properties"]["direction"], "down");
    }

    async fn points_expire_earliest_first_and_the_liability_report_shows_what_is_owed(app) {
        let shop = Shop::open(&app).await;
        let mai = shop.member("Mai", "0912345678").await;
        shop.adjust(&mai.id, 50, Some(10)).await;
        shop.adjust(&mai.id, 30, Some(400)).await;
        shop.adjust(&mai.id, 20, None).await;
        let card = shop.card(&mai).await;
        assert_eq!((card["balance"].as_i64(), card["expiring_soon"].as_i64()), (Some(100), Some(50)));
        // Spending 40 takes them from the lot expiring first: 10 of it is left to expire.
        let reward = shop.reward(json!({ "points_cost": 40 })).await;
        assert_eq!(shop.redeem(&mai, reward["id"].as_str().unwrap(), "r1").await.status(), StatusCode::CREATED);
        let liability = shop.get("/api/v1/admin/loyalty/liability", &shop.admin).await;
        assert_eq!(liability["outstanding"], 60);
        assert_eq!(liability["never_expiring"], 20);
        assert_eq!(liability["open_vouchers"], 1);
        let by_month: i64 = liability["expiring_by_month"].as_array().unwrap().iter().map(|m| m["points"].as_i64().unwrap()).sum();
        assert_eq!(by_month, 40, "10 soon and 30 next year: {liability}");

        run_due(&app.db, now() + 11 * DAY).await.unwrap();
        let card = shop.card(&mai).await;
        assert_eq!(card["balance"], 50, "the 10 left of the first lot expired, nothing else");
        assert!(shop.timeline_types(&mai.id).await.contains(&"points_expired".to_owned()));
        shop.assert_ledger_consistent().await;
    }

    async fn a_reversal_gives_back_exactly_what_an_entry_moved_once(app) {
        let shop = Shop::open(&app).await;
        shop.rule(json!({ "name": "Check-in", "points": 30 })).await;
        let mai = shop.member("Mai", "0912345678").await;
        shop.track(&mai.id, json!({ "type": "checked_in" })).await;
        let reward = shop.reward(json!({ "points_cost": 20, "stock": 3 })).await;
        let voucher: Value = shop.redeem(&mai, reward["id"].as_str().unwrap(), "r1").await.json().await.unwrap();
        assert_eq!(shop.card(&mai).await["balance"], 10);

        let points = shop.get(&format!("/api/v1/admin/profiles/{}/points", mai.id), &shop.admin).await;
        let redeem = points["history"]["entries"].as_array().unwrap().iter().find(|e| e["kind"] == "redeem").unwrap().clone();
        let path = format!("/api/v1/admin/points/{}/reverse", redeem["id"].as_str().unwrap());
        let reversed = shop.admin_post(&path, &json!({ "reason": "Customer changed their mind" }), StatusCode::OK).await;
        assert_eq!(reversed["card"]["balance"], 30);
        let mine = shop.get("/api/v1/me/vouchers", &mai.token).await;
        assert_eq!(mine["vouchers"][0]["id"], voucher["id"]);
        assert_eq!(mine["vouchers"][0]["status"], "cancelled");
        let rewards = shop.get("/api/v1/admin/rewards", &shop.admin).await;
        assert_eq!(rewards[0]["stock"], 3, "the stock came back");
        let twice = shop.send(Method::POST, &path, &shop.admin, Some(&json!({ "reason": "again" }))).await;
        assert_error(twice, StatusCode::CONFLICT, "already_reversed").await;

        // The earning can be reversed too, and then the balance is what it was before it.
        let earn = reversed["history"]["entries"].as_array().unwrap().iter().find(|e| e["kind"] == "earn").unwrap().clone();
        let path = format!("/api/v1/admin/points/{}/reverse", earn["id"].as_str().unwrap());
        let after = shop.admin_post(&path, &json!({ "reason": "Refunded" }), StatusCode::OK).await;
        assert_eq!(after["card"]["balance"], 0);
        shop.assert_ledger_consistent().await;
    }

    async fn a_merge_brings_the_anonymous_ledger_to_the_member(app) {
        let shop = Shop::open(&app).await;
        shop.rule(json!({ "name": "Check-in", "points": 10 })).await;
        let anonymous = "0195a1b2-0000-7000-8000-00000000abcd";
        let r = app.client.post(app.url("/api/v1/track")).header("X-Api-Key", &shop.key)
            .json(&json!({ "events": [{ "user": { "anonymous_id": anonymous }, "type": "checked_in", "source": "store" }] }))
            .send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let tokens = app.zalo_user("Mai", "0912345678").await;
        let session: Value = app.post_json("/api/v1/auth/session", &json!({
            "brand": "acme", "provider": "zalo", "access_token": tokens.access_token,
            "phone_token": tokens.phone_token, "anonymous_id": anonymous
        })).await.json().await.unwrap();
        assert_eq!(session["me"]["loyalty"]["points"], 10, "{session}");
        assert_eq!(app.count("points_accounts").await, 1);
        shop.assert_ledger_consistent().await;
    }

    async fn a_hundred_concurrent_redemptions_against_a_balance_for_ten_issue_exactly_ten_vouchers(app) {
        let shop = Shop::open(&app).await;
        let mai = shop.member("Mai", "0912345678").await;
        shop.adjust(&mai.id, 100, None).await;
        let reward = shop.reward(json!({ "points_cost": 10 })).await;
        let reward_id = reward["id"].as_str().unwrap().to_owned();
        let shop = &shop;
        let attempts = (0..100).map(|i| {
            let reward_id = reward_id.clone();
            let mai = &mai;
            async move { shop.redeem(mai, &reward_id, &format!("tap-{i}")).await.status() }
        });
        let statuses = futures::future::join_all(attempts).await;
        let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
        assert_eq!((created, refused), (10, 90), "{statuses:?}");
        assert_eq!(app.count("vouchers").await, 10);
        assert_eq!(shop.card(&mai).await["balance"], 0);
        shop.assert_ledger_consistent().await;
    }

    async fn stock_never_goes_below_zero_when_members_race_for_the_last_items(app) {
        let shop = Shop::open(&app).await;
        let reward = shop.reward(json!({ "points_cost": 5, "stock": 5 })).await;
        let reward_id = reward["id"].as_str().unwrap().to_owned();
        let mut members = Vec::new();
        for i in 0..20 {
            let m = shop.member(&format!("M{i}"), &format!("09123450{i:02}")).await;
            shop.adjust(&m.id, 5, None).await;
            members.push(m);
        }
        let shop = &shop;
        let statuses = futures::future::join_all(members.iter().map(|m| {
            let reward_id = reward_id.clone();
            async move { shop.redeem(m, &reward_id, "only").await.status() }
        }))
        .await;
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 5, "{statuses:?}");
        let rewards = shop.get("/api/v1/admin/rewards", &shop.admin).await;
        assert_eq!((rewards[0]["stock"].as_i64(), rewards[0]["issued"].as_i64()), (Some(0), Some(5)));
        let (spent,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM points_entries WHERE kind = 'redeem'").fetch_one(app.db.read()).await.unwrap();
        assert_eq!(spent, 5, "only the winners paid");
        shop.assert_ledger_consistent().await;
    }

    async fn an_expired_voucher_or_another_brands_voucher_is_refused_at_the_till(app) {
        let shop = Shop::open(&app).await;
        let mai = shop.member("Mai", "0912345678").await;
        shop.adjust(&mai.id, 20, None).await;
        let reward = shop.reward(json!({ "points_cost": 10, "voucher_days": 1 })).await;
        let voucher: Value = shop.redeem(&mai, reward["id"].as_str().unwrap(), "r1").await.json().await.unwrap();
        let code = voucher["code"].as_str().unwrap();

        let other = app.other_brand("other").await;
        let password = app.brand_user(&other, "till@other.vn", StaffRole::Staff).await;
        let other_staff = app.admin_token("other", "till@other.vn", &password).await;
        // Another brand's staff learn nothing of the code: it answers as an unknown one, and stays unused.
        let r = shop.send(Method::POST, &format!("/api/v1/staff/vouchers/{code}/use"), &other_staff, None).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_voucher").await;
        let r = app.get_with(&format!("/api/v1/staff/vouchers/{code}"), &other_staff).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_voucher").await;
        let (status,): (String,) = sqlx::query_as("SELECT status FROM vouchers WHERE id = $1")
            .bind(voucher["id"].as_str().unwrap())
            .fetch_one(app.db.read())
            .await
            .unwrap();
        assert_eq!(status, "issued");
        let r = app.get_with("/api/v1/staff/vouchers/ZZZZ-ZZZZ-ZZZZ", &other_staff).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_voucher").await;

        let report = run_due(&app.db, now() + 2 * DAY).await.unwrap();
        assert_eq!(report.vouchers_expired, 1);
        let password = app.brand_user(&app.brand, "till@acme.vn", StaffRole::Staff).await;
        let staff = app.admin_token("acme", "till@acme.vn", &password).await;
        let r = shop.send(Method::POST, &format!("/api/v1/staff/vouchers/{code}/use"), &staff, None).await;
        assert_error(r, StatusCode::GONE, "voucher_expired").await;
        let mine = shop.get("/api/v1/me/vouchers", &mai.token).await;
        assert_eq!(mine["vouchers"][0]["status"], "expired");
        let (used,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM vouchers WHERE status = 'used'").fetch_one(app.db.read()).await.unwrap();
        assert_eq!(used, 0);
    }

    async fn staff_cannot_adjust_points_and_another_brands_admin_cannot_touch_this_brand(app) {
        let shop = Shop::open(&app).await;
        let mai = shop.member("Mai", "0912345678").await;
        let body = json!({ "points": 100, "reason": "friend", "idempotency_key": "k" });
        let path = format!("/api/v1/admin/profiles/{}/points", mai.id);

        let password = app.brand_user(&app.brand, "till@acme.vn", StaffRole::Staff).await;
        let staff = app.admin_token("acme", "till@acme.vn", &password).await;
        assert_error(shop.send(Method::POST, &path, &staff, Some(&body)).await, StatusCode::FORBIDDEN, "admins_only").await;
        let rule = json!({ "name": "x", "kind": "fixed", "trigger": "checked_in", "points": 5, "active": true });
        assert_error(shop.send(Method::POST, "/api/v1/admin/loyalty/rules", &staff, Some(&rule)).await, StatusCode::FORBIDDEN, "admins_only").await;
        assert_error(shop.send(Method::POST, &path, &mai.token, Some(&body)).await, StatusCode::FORBIDDEN, "admins_only").await;

        let other = app.other_brand("other").await;
        let password = app.brand_user(&other, "boss@other.vn", StaffRole::Admin).await;
        let other_admin = app.admin_token("other", "boss@other.vn", &password).await;
        assert_error(shop.send(Method::POST, &path, &other_admin, Some(&body)).await, StatusCode::NOT_FOUND, "unknown_profile").await;
        let r = app.client.get(app.url(&path)).bearer_auth(&other_admin).header("X-Cham-Brand", "acme").send().await.unwrap();
        assert_error(r, StatusCode::FORBIDDEN, "wrong_brand").await;
        let reward = shop.reward(json!({})).await;
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/rewards/{}", reward["id"].as_str().unwrap()), &other_admin, Some(&reward)).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_reward").await;
        assert_eq!(app.count("points_entries").await, 0);
    }

    async fn bad_input_gets_a_clear_error_and_changes_nothing(app) {
        let shop = Shop::open(&app).await;
        let mai = shop.member("Mai", "0912345678").await;
        let before = (app.count("earning_rules").await, app.count("rewards").await, app.count("points_entries").await);
        let bad_rule = json!({ "name": "x", "kind": "per_vnd", "trigger": "checked_in", "points": 1, "per_vnd": 1000, "active": true });
        assert_error(shop.send(Method::POST, "/api/v1/admin/loyalty/rules", &shop.admin, Some(&bad_rule)).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_rule").await;
        let bad_reward = json!({ "name": "", "kind": "free_item", "points_cost": 10, "voucher_days": 30, "active": true });
        assert_error(shop.send(Method::POST, "/api/v1/admin/rewards", &shop.admin, Some(&bad_reward)).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_reward").await;
        let discount = json!({ "name": "10%", "kind": "discount_voucher", "points_cost": 10, "voucher_days": 30, "active": true });
        assert_error(shop.send(Method::POST, "/api/v1/admin/rewards", &shop.admin, Some(&discount)).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_reward").await;
        let path = format!("/api/v1/admin/profiles/{}/points", mai.id);
        let no_reason = json!({ "points": 10, "reason": "  ", "idempotency_key": "k" });
        assert_error(shop.send(Method::POST, &path, &shop.admin, Some(&no_reason)).await, StatusCode::UNPROCESSABLE_ENTITY, "reason_required").await;
        let too_much = json!({ "points": -10, "reason": "oops", "idempotency_key": "k" });
        assert_error(shop.send(Method::POST, &path, &shop.admin, Some(&too_much)).await, StatusCode::CONFLICT, "insufficient_points").await;
        let unknown = json!({ "reward_id": "nope", "idempotency_key": "k" });
        assert_error(shop.send(Method::POST, "/api/v1/me/redemptions", &mai.token, Some(&unknown)).await, StatusCode::NOT_FOUND, "unknown_reward").await;
        let tracked = shop.track("0195a1b2-0000-7000-8000-000000000000", json!({ "type": "checked_in" })).await;
        assert_eq!(tracked["error"]["code"], "unknown_member");
        assert_eq!(before, (app.count("earning_rules").await, app.count("rewards").await, app.count("points_entries").await));

        // A reward out of stock refuses without taking points.
        shop.adjust(&mai.id, 50, None).await;
        let sold_out = shop.reward(json!({ "stock": 0 })).await;
        assert_error(shop.redeem(&mai, sold_out["id"].as_str().unwrap(), "k").await, StatusCode::CONFLICT, "out_of_stock").await;
        let gold = shop.tier("Vàng", 1000, 120).await;
        let for_gold = shop.reward(json!({ "min_tier_id": gold["id"] })).await;
        assert_error(shop.redeem(&mai, for_gold["id"].as_str().unwrap(), "k2").await, StatusCode::FORBIDDEN, "tier_required").await;
        assert_eq!(shop.card(&mai).await["balance"], 50);
        assert_eq!(app.count("vouchers").await, 0);
    }
}

both_stores! {
    async fn tiers_and_the_overview_count_members_who_are_members(app) {
        let shop = Shop::open(&app).await;
        let entry = shop.tier("Thành viên", 0, 100).await;
        let silver = shop.tier("Bạc", 100, 100).await;
        let mai = shop.member("Mai", "0912345678").await;
        shop.member("Lan", "0912345679").await;
        let gone = shop.member("Hùng", "0912345670").await;
        shop.rule(json!({ "trigger": "checked_in", "points": 150, "pending_days": 0 })).await;
        shop.track(&mai.id, json!({ "type": "checked_in" })).await;
        let r = shop.send(Method::POST, "/api/v1/me/erasure", &gone.token, None).await;
        assert_eq!(r.status(), StatusCode::OK);
        // An imported contact who never opened the app is not a member either.
        let r = app.client.post(app.url("/api/v1/admin/imports?file_name=a.csv")).bearer_auth(&shop.admin)
            .header("content-type", "text/csv").body("phone,name\n0987000111,Khách Nhập\n").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        for _ in 0..100 {
            if app.count("profiles").await == 4 { break; }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }

        let config = shop.get("/api/v1/admin/loyalty", &shop.admin).await;
        let count = |id: &Value| config["tiers"].as_array().unwrap().iter().find(|t| t["id"] == *id).unwrap()["members"].clone();
        assert_eq!(count(&entry["id"]), 1, "Lan sits in the entry tier; the erased member is nobody's: {config}");
        assert_eq!(count(&silver["id"]), 1, "{config}");
        let overview = shop.get("/api/v1/admin/brand", &shop.admin).await;
        assert_eq!((overview["members"].as_i64(), overview["active_members_30d"].as_i64()), (Some(2), Some(2)), "{overview}");
    }

    async fn the_liability_owes_only_live_members_and_says_it_in_dong_once_a_point_has_a_value(app) {
        let shop = Shop::open(&app).await;
        let mai = shop.member("Mai", "0912345678").await;
        let gone = shop.member("Hùng", "0912345670").await;
        shop.adjust(&mai.id, 120, Some(30)).await;
        shop.adjust(&gone.id, 500, Some(30)).await;
        let reward = shop.reward(json!({ "points_cost": 100 })).await;
        assert_eq!(shop.redeem(&gone, reward["id"].as_str().unwrap(), "g1").await.status(), StatusCode::CREATED);
        let liability = shop.get("/api/v1/admin/loyalty/liability", &shop.admin).await;
        assert_eq!((liability["outstanding"].as_i64(), liability["open_vouchers"].as_i64()), (Some(520), Some(1)));
        assert!(liability["outstanding_vnd"].is_null(), "no value until the brand sets one: {liability}");

        let r = shop.send(Method::POST, "/api/v1/me/erasure", &gone.token, None).await;
        assert_eq!(r.status(), StatusCode::OK);
        let settings = json!({ "tier_metric": "points", "tier_window_months": 12, "point_value_vnd": 1000 });
        let r = shop.send(Method::PUT, "/api/v1/admin/loyalty/settings", &shop.admin, Some(&settings)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let liability = shop.get("/api/v1/admin/loyalty/liability", &shop.admin).await;
        assert_eq!(liability["outstanding"], 120, "the erased member's points are owed to no one: {liability}");
        assert_eq!(liability["members"], 1);
        assert_eq!(liability["open_vouchers"], 0);
        let by_month: i64 = liability["expiring_by_month"].as_array().unwrap().iter().map(|m| m["points"].as_i64().unwrap()).sum();
        assert_eq!(by_month, 120);
        assert_eq!((liability["point_value_vnd"].as_i64(), liability["outstanding_vnd"].as_i64()), (Some(1000), Some(120_000)));
        assert_eq!(shop.get("/api/v1/admin/loyalty", &shop.admin).await["settings"]["point_value_vnd"], 1000);

        for bad in [json!(0), json!(1_000_001), json!(-5)] {
            let body = json!({ "tier_metric": "points", "tier_window_months": 12, "point_value_vnd": bad });
            let r = shop.send(Method::PUT, "/api/v1/admin/loyalty/settings", &shop.admin, Some(&body)).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "invalid_settings");
        }
        assert_eq!(shop.get("/api/v1/admin/loyalty", &shop.admin).await["settings"]["point_value_vnd"], 1000, "unchanged");
    }

    async fn the_dashboard_counts_the_period_day_by_day_in_vietnam(app) {
        let shop = Shop::open(&app).await;
        shop.rule(json!({ "name": "Check-in", "points": 30, "pending_days": 0 })).await;
        let mai = shop.member("Mai", "0912345678").await;
        shop.member("Lan", "0912345679").await;
        shop.track(&mai.id, json!({ "type": "checked_in" })).await;
        let reward = shop.reward(json!({ "points_cost": 20 })).await;
        assert_eq!(shop.redeem(&mai, reward["id"].as_str().unwrap(), "d1").await.status(), StatusCode::CREATED);

        let board = shop.get("/api/v1/admin/dashboard", &shop.admin).await;
        let series = board["series"].as_array().unwrap();
        assert_eq!((board["days"].as_i64(), series.len()), (Some(30), 30));
        let today = (chrono::Utc::now() + chrono::Duration::hours(7)).format("%Y-%m-%d").to_string();
        assert_eq!(series[29]["day"], today.as_str(), "the last day is today in Vietnam");
        let totals = &board["totals"];
        assert_eq!(totals["sign_ups"], 2, "{board}");
        assert_eq!(series[29]["sign_ups"], 2);
        assert_eq!(totals["active_members"], 2);
        assert_eq!((totals["points_issued"].as_i64(), totals["points_redeemed"].as_i64()), (Some(30), Some(20)));
        assert_eq!(board["redemption_rate_bp"], 6666);
        assert_eq!(board["members"], 2);
        let week = shop.get("/api/v1/admin/dashboard?days=7", &shop.admin).await;
        assert_eq!(week["series"].as_array().unwrap().len(), 7);

        for bad in ["/api/v1/admin/dashboard?days=6", "/api/v1/admin/dashboard?days=366", "/api/v1/admin/dashboard?days=x"] {
            let r = shop.send(Method::GET, bad, &shop.admin, None).await;
            assert!(r.status().is_client_error(), "{bad}: {}", r.status());
        }
        let r = shop.send(Method::GET, "/api/v1/admin/dashboard", &mai.token, None).await;
        assert!(r.status() == StatusCode::UNAUTHORIZED || r.status() == StatusCode::FORBIDDEN);
    }
}
