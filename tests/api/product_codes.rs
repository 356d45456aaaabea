//! Product QR codes: a batch made, exported and revoked by an admin; a member scanning a code earns its points
//! once; a second scan, by anyone, is refused and counted for the console; a revoked batch earns nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{Store, assert_error, spawn_app},
    loyalty_support::Shop,
};

async fn a_product_code_earns_once(store: Store) {
    let Some(app) = spawn_app(store).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/product-batches",
            &shop.admin,
            Some(&json!({ "name": "Ly Tết", "points": 15, "count": 0 })),
        )
        .await;
    let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_product_batch").await;
    assert_eq!(body["error"]["field"]["pointer"], "/count");
    let batch = shop
        .admin_post(
            "/api/v1/admin/product-batches",
            &json!({ "name": "Ly Tết", "points": 15, "count": 1200 }),
            StatusCode::CREATED,
        )
        .await;
    let id = batch["id"].as_str().unwrap();
    assert_eq!(
        (batch["spent"].as_i64(), batch["input"]["count"].as_i64()),
        (Some(0), Some(1200))
    );
    let csv = app
        .client
        .get(app.url(&format!(
            "/api/v1/admin/product-batches/{id}/codes.csv?lang=en&link_base=https://cham.example/"
        )))
        .bearer_auth(&shop.admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "\u{feff}Code,Link,Scanned");
    assert_eq!(lines.len(), 1201);
    let code = lines[1].split(',').next().unwrap().to_owned();
    assert!(
        lines[1].contains(&format!("https://cham.example/checkin?code={code}")),
        "{}",
        lines[1]
    );

    // Mai scans it (the QR holds the link): 15 points, once.
    let mai = shop.member("Mai", "0912345678").await;
    let scan = |token: String, text: String| {
        let shop = &shop;
        async move {
            shop.send(
                Method::POST,
                "/api/v1/me/product-codes",
                &token,
                Some(&json!({ "code": text })),
            )
            .await
        }
    };
    let r = scan(mai.token.clone(), format!("https://cham.example/checkin?code={code}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let earned: Value = r.json().await.unwrap();
    assert_eq!(
        (earned["batch"].as_str(), earned["points_earned"].as_i64()),
        (Some("Ly Tết"), Some(15))
    );
    assert_eq!(shop.card(&mai).await["balance"], 15);
    // Again, or by Lan: refused, paid nothing, and counted on the batch.
    assert_error(
        scan(mai.token.clone(), code.clone()).await,
        StatusCode::CONFLICT,
        "product_code_used",
    )
    .await;
    let lan = shop.member("Lan", "0987654321").await;
    assert_error(
        scan(lan.token.clone(), code.clone()).await,
        StatusCode::CONFLICT,
        "product_code_used",
    )
    .await;
    assert_eq!(shop.card(&lan).await["balance"], 0);
    let listed = shop.get("/api/v1/admin/product-batches", &shop.admin).await;
    assert_eq!(
        (listed[0]["spent"].as_i64(), listed[0]["refused_scans"].as_i64()),
        (Some(1), Some(2))
    );
    // A forged code, and another brand's member: not this brand's code.
    assert_error(
        scan(lan.token.clone(), "CHAMP.aaaaaaaaaaaa".into()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "product_code_invalid",
    )
    .await;
    // Revoked: the unscanned codes earn nothing.
    let revoked = shop
        .admin_post(
            &format!("/api/v1/admin/product-batches/{id}/revoke"),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(revoked["revoked"], true);
    let other = lines[2].split(',').next().unwrap().to_owned();
    assert_error(
        scan(lan.token.clone(), other).await,
        StatusCode::GONE,
        "product_code_revoked",
    )
    .await;
    shop.assert_ledger_consistent().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_code_earns_once_sqlite() {
    a_product_code_earns_once(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_code_earns_once_postgres() {
    a_product_code_earns_once(Store::Postgres).await;
}
