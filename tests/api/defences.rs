//! Defences found by attacking the server: one bad number must never stop every brand. Amounts and points have
//! documented bounds (`app::domain::bounds`); out-of-range input is a 4xx with a code, never a panic or a wrap; a
//! panic in one write fails that write alone and `/readyz` tells when the store's writer is gone.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{
    both_stores,
    helpers::{Store, assert_error, spawn_app},
    loyalty_support::Shop,
};

both_stores! {
    async fn a_purchase_beyond_the_bound_is_refused_and_every_write_after_it_still_works(app) {
        let shop = Shop::open(&app).await;
        shop.rule(json!({
            "name": "1,000 points per đồng", "kind": "per_vnd", "trigger": "offline_purchase",
            "points": 1000, "per_vnd": 1, "rounding": "ceil", "pending_days": 0
        })).await;
        let member = shop.member("Đức", "0912345678").await;
        let entries_before = app.count("points_entries").await;
        for amount in [json!(i64::MAX), json!(-1), json!(1_000_000_000_001_i64), json!(1.5), json!("100000")] {
            let outcome = shop.track(&member.id, json!({ "type": "offline_purchase", "properties": { "amount_vnd": amount } })).await;
            assert_eq!(outcome["error"]["code"], "invalid_amount", "{amount}: {outcome}");
        }
        assert_eq!(app.count("points_entries").await, entries_before, "nothing was paid");
        // The largest purchase allowed pays at most the bound of one entry, and the store still takes writes.
        let outcome = shop.track(&member.id, json!({ "type": "offline_purchase", "properties": { "amount_vnd": 1_000_000_000_000_i64 } })).await;
        assert!(outcome["error"].is_null(), "{outcome}");
        let card = shop.card(&member).await;
        assert_eq!(card["balance"], 1_000_000_000_i64, "{card}");
        let r = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        shop.adjust(&member.id, -5, None).await;
    }

    async fn an_adjustment_of_the_smallest_i64_is_refused_with_a_code(app) {
        let shop = Shop::open(&app).await;
        let member = shop.member("Đức", "0912345678").await;
        for points in [i64::MIN, i64::MAX, 100_000_001, 0] {
            let body = json!({ "points": points, "reason": "test", "idempotency_key": format!("k{points}") });
            let r = shop.send(Method::POST, &format!("/api/v1/admin/profiles/{}/points", member.id), &shop.admin, Some(&body)).await;
            assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_points").await;
        }
        let r = shop.send(Method::POST, &format!("/api/v1/admin/profiles/{}/points", member.id), &shop.admin,
            Some(&json!({ "points": 7, "reason": "test", "idempotency_key": "ok" }))).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
}

/// On SQLite every write goes through one writer thread: a transaction that panics there fails alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_panics_fails_alone_and_the_writer_goes_on() {
    let app = spawn_app(Store::Sqlite).await.expect("SQLite always runs");
    let failed: cham_server::error::Result<()> = app
        .db
        .transact(|_conn| Box::pin(async move { panic!("attempt to add with overflow") }))
        .await;
    assert!(failed.is_err());
    let written = app
        .db
        .transact(|conn| {
            Box::pin(async move {
                sqlx::query("INSERT INTO job_probes (job_id, worker, ran_at) VALUES ('after', 'test', 0)")
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        })
        .await;
    assert!(written.is_ok(), "{written:?}");
    assert_eq!(app.count("job_probes").await, 1);
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // A member can still sign in: the whole store serves every brand.
    let session = app.signed_in_customer("Nhung", "0987654321").await;
    assert!(session["tokens"]["access_token"].is_string());
}
