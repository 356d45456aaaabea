//! The Zalo client against an independent fake of Zalo's Graph API (written here from `SUPERAPP.md` §1, not
//! from the simulator): proof that the real wire format (paths, query, header names, appsecret_proof) is followed.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use axum::{
    Json, Router,
    extract::{Query, State},
    http::HeaderMap,
    routing::get,
};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{SpawnOptions, Store, assert_error, spawn_with};

const SECRET: &str = "fake-graph-app-secret";
const USER_TOKEN: &str = "fake-user-access-token";
const PHONE_CODE: &str = "fake-phone-code";

#[derive(Clone, Default)]
struct Calls(Arc<AtomicUsize>);

fn proof(token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn h<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn me(State(calls): State<Calls>, headers: HeaderMap, Query(q): Query<Vec<(String, String)>>) -> Json<Value> {
    calls.0.fetch_add(1, Ordering::SeqCst);
    let fields_ok = q.iter().any(|(k, v)| k == "fields" && v == "id,name,picture");
    if h(&headers, "access_token") != USER_TOKEN || h(&headers, "appsecret_proof") != proof(USER_TOKEN) || !fields_ok {
        return Json(json!({ "error": 452, "message": "Invalid access token" }));
    }
    Json(
        json!({ "id": "8765432109876543210", "name": "Zalo Thật", "picture": { "data": { "url": "https://example.invalid/a.jpg" } } }),
    )
}

async fn me_info(State(calls): State<Calls>, headers: HeaderMap) -> Json<Value> {
    calls.0.fetch_add(1, Ordering::SeqCst);
    if h(&headers, "access_token") != USER_TOKEN
        || h(&headers, "secret_key") != SECRET
        || h(&headers, "code") != PHONE_CODE
    {
        return Json(json!({ "error": -201, "message": "Invalid code" }));
    }
    Json(json!({ "data": { "number": "84987654321" }, "error": 0, "message": "Success" }))
}

async fn fake_graph() -> (String, Calls) {
    let calls = Calls::default();
    let app = Router::new()
        .route("/v2.0/me", get(me))
        .route("/v2.0/me/info", get(me_info))
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

async fn signs_in_through_an_independent_fake_graph_api(store: Store) {
    let (url, calls) = fake_graph().await;
    let options = SpawnOptions {
        zalo_graph_url: Some(url),
        zalo_app_secret: Some(SECRET.into()),
        ..SpawnOptions::default()
    };
    let Some(app) = spawn_with(store, options).await else {
        return;
    };
    let r = app
        .post_json(
            "/api/v1/auth/session",
            &json!({ "brand": "acme", "provider": "zalo", "access_token": USER_TOKEN, "phone_token": PHONE_CODE }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let session: Value = r.json().await.unwrap();
    assert_eq!(session["me"]["phone"], "84987654321");
    assert_eq!(session["me"]["name"], "Zalo Thật");
    assert_eq!(calls.0.load(Ordering::SeqCst), 2);

    let r = app
        .post_json(
            "/api/v1/auth/session",
            &json!({ "brand": "acme", "provider": "zalo", "access_token": USER_TOKEN, "phone_token": "stale" }),
        )
        .await;
    assert_error(r, StatusCode::UNAUTHORIZED, "phone_token_used_or_expired").await;
    assert_eq!(app.footprint().await, (1, 2, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_fake_of_zalo_graph_api_accepts_our_calls_sqlite() {
    signs_in_through_an_independent_fake_graph_api(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_fake_of_zalo_graph_api_accepts_our_calls_postgres() {
    signs_in_through_an_independent_fake_graph_api(Store::Postgres).await;
}
