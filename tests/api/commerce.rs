//! One-tap purchase: the menu priced on the server; Zalo Checkout's callback and MoMo's IPN, each signed here
//! independently as `SUPERAPP.md` §5 and §6 say (valid, tampered, replayed, the wrong amount); fifty duplicate
//! callbacks racing pay once; the points the earning rules give for what was paid.

use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};
use sha2::Sha256;

use crate::{
    helpers::{Store, TestApp, assert_error, spawn_app},
    loyalty_support::{Member, Shop},
};

/// The test brand's Checkout private key and MoMo keys (`helpers.rs`).
const CHECKOUT_KEY: &str = "checkout-key";
const MOMO_ACCESS: &str = "momo-access";
const MOMO_SECRET: &str = "momo-secret";

fn mac(key: &str, text: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(text.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

fn raw(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A Zalo Checkout callback for `data`, with `mac` over its fixed fields and `overallMac` over every key ascending.
fn zalo_callback(data: &Map<String, Value>) -> Value {
    let f = |k: &str| data.get(k).map(raw).unwrap_or_default();
    let fixed = format!(
        "appId={}&amount={}&description={}&orderId={}&message={}&resultCode={}&transId={}",
        f("appId"),
        f("amount"),
        f("description"),
        f("orderId"),
        f("message"),
        f("resultCode"),
        f("transId")
    );
    let mut keys: Vec<_> = data.keys().cloned().collect();
    keys.sort();
    let overall: Vec<String> = keys.iter().map(|k| format!("{k}={}", raw(&data[k]))).collect();
    json!({ "data": data, "mac": mac(CHECKOUT_KEY, &fixed), "overallMac": mac(CHECKOUT_KEY, &overall.join("&")) })
}

fn paid_data(order: &Value, trans: &str) -> Map<String, Value> {
    let pay = &order["payment"];
    let extradata: String =
        percent_encoding::utf8_percent_encode(pay["extradata"].as_str().unwrap(), percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    serde_json::from_value(json!({
        "appId": "1234567890",
        "orderId": format!("zp-{trans}"),
        "transId": trans,
        "transTime": 1_796_104_800_000_i64,
        "merchantTransId": "",
        "amount": pay["amount"],
        "description": pay["desc"],
        "resultCode": 1,
        "message": "Giao dịch thành công",
        "extradata": extradata,
        "method": "ZALOPAY_SANDBOX",
    }))
    .unwrap()
}

async fn callback(app: &TestApp, body: &Value) -> Value {
    let r = app
        .client
        .post(app.url("/api/v1/webhooks/zalo-checkout/acme"))
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// A menu of one drink with a size and toppings, and 1 point per 1,000 đồng paid.
async fn menu(shop: &Shop<'_>) -> String {
    shop.rule(
        json!({ "name": "Mua online", "kind": "per_vnd", "trigger": "order_paid", "points": 1, "per_vnd": 1000 }),
    )
    .await;
    let category = shop
        .admin_post(
            "/api/v1/admin/product-categories",
            &json!({ "name": "Trà sữa" }),
            StatusCode::CREATED,
        )
        .await;
    let product = shop
        .admin_post(
            "/api/v1/admin/products",
            &json!({
                "category_id": category["id"], "name": "Trà sữa trân châu", "price_vnd": 35_000,
                "options": [
                    { "id": "size", "name": "Cỡ", "min": 1, "max": 1, "choices": [
                        { "id": "m", "name": "Vừa", "price_delta_vnd": 0 },
                        { "id": "l", "name": "Lớn", "price_delta_vnd": 10_000 } ] },
                    { "id": "top", "name": "Topping", "min": 0, "max": 2, "choices": [
                        { "id": "pearl", "name": "Trân châu", "price_delta_vnd": 5_000 },
                        { "id": "jelly", "name": "Thạch", "price_delta_vnd": 5_000 } ] }
                ]
            }),
            StatusCode::CREATED,
        )
        .await;
    product["id"].as_str().unwrap().to_owned()
}

async fn order(shop: &Shop<'_>, member: &Member, body: Value) -> reqwest::Response {
    shop.send(Method::POST, "/api/v1/me/orders", &member.token, Some(&body))
        .await
}

async fn paid_events(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE type = 'order_paid'")
        .fetch_one(app.db.read())
        .await
        .unwrap();
    n
}

async fn a_zalo_checkout_callback_pays_once(store: Store) {
    let Some(app) = spawn_app(store).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    // A bad product is refused beside its field, and nothing is made.
    let r = shop
        .send(
            Method::POST,
            "/api/v1/admin/products",
            &shop.admin,
            Some(&json!({ "name": "X", "price_vnd": -1 })),
        )
        .await;
    let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_product").await;
    assert_eq!(body["error"]["field"]["pointer"], "/price_vnd");
    assert_eq!(app.count("products").await, 0);
    let drink = menu(&shop).await;
    let mai = shop.member("Mai", "0912345678").await;
    let menu = shop.get("/api/v1/menu", &mai.token).await;
    assert_eq!(menu["sections"][0]["name"], "Trà sữa");
    assert_eq!(menu["sections"][0]["items"][0]["price_vnd"], 35_000);

    // Choices that do not fit the groups are refused and place nothing.
    let r = order(
        &shop,
        &mai,
        json!({ "items": [{ "product_id": drink, "quantity": 1, "choice_ids": ["m", "l"] }], "provider": "zalo", "idempotency_key": "k0" }),
    )
    .await;
    let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_choice").await;
    assert_eq!(body["error"]["field"]["pointer"], "/items/0/choice_ids");
    assert_eq!(app.count("orders").await, 0);

    // Two large with pearls: the server prices it (whatever the client thinks) at 2 × 50,000.
    let r = order(
        &shop,
        &mai,
        json!({ "items": [{ "product_id": drink, "quantity": 2, "choice_ids": ["l", "pearl"], "unit_price_vnd": 1 }],
                "note": "Ít đá", "provider": "zalo", "idempotency_key": "k1" }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let placed: Value = r.json().await.unwrap();
    assert_eq!(
        (placed["total_vnd"].as_i64(), placed["status"].as_str()),
        (Some(100_000), Some("awaiting_payment"))
    );
    assert_eq!(placed["lines"][0]["choices"], json!(["Lớn", "Trân châu"]));
    // The Checkout's arguments carry our mac over exactly what the mini app passes on.
    let pay = &placed["payment"];
    assert_eq!(pay["provider"], "zalo");
    let item = serde_json::to_string(&pay["item"]).unwrap();
    let text = format!(
        "amount={}&desc={}&extradata={}&item={item}&method={}",
        pay["amount"],
        pay["desc"].as_str().unwrap(),
        pay["extradata"].as_str().unwrap(),
        pay["method"].as_str().unwrap()
    );
    assert_eq!(pay["mac"].as_str().unwrap(), mac(CHECKOUT_KEY, &text));
    // The same key places the same order.
    let again = order(
        &shop,
        &mai,
        json!({ "items": [{ "product_id": drink, "quantity": 1, "choice_ids": ["m"] }], "provider": "zalo", "idempotency_key": "k1" }),
    )
    .await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], placed["id"]);
    assert_eq!(app.count("orders").await, 1);

    // Tampered (the amount changed after signing, or a wrong overallMac): refused, nothing changes.
    let data = paid_data(&placed, "t1");
    let mut tampered = zalo_callback(&data);
    tampered["data"]["amount"] = json!(1_000);
    assert_eq!(callback(&app, &tampered).await["returnCode"], 0);
    let mut wrong = zalo_callback(&data);
    wrong["overallMac"] = json!(mac("another-key", "x"));
    assert_eq!(callback(&app, &wrong).await["returnCode"], 0);
    // Correctly signed but for another amount than the order's: refused, nothing changes.
    let mut cheap = data.clone();
    cheap.insert("amount".into(), json!(1_000));
    assert_eq!(callback(&app, &zalo_callback(&cheap)).await["returnCode"], 0);
    let id = placed["id"].as_str().unwrap();
    let now = shop.get(&format!("/api/v1/me/orders/{id}"), &mai.token).await;
    assert_eq!(now["status"], "awaiting_payment");
    assert_eq!(
        (paid_events(&app).await, shop.card(&mai).await["balance"].as_i64()),
        (0, Some(0))
    );

    // The real one pays it: 100 points for 100,000 đồng. Replayed, it changes nothing and still answers 1.
    let good = zalo_callback(&data);
    assert_eq!(callback(&app, &good).await["returnCode"], 1);
    assert_eq!(callback(&app, &good).await["returnCode"], 1);
    let paid = shop.get(&format!("/api/v1/me/orders/{id}"), &mai.token).await;
    assert_eq!(
        (paid["status"].as_str(), paid["points_earned"].as_i64()),
        (Some("paid"), Some(100))
    );
    assert!(paid["payment"].is_null());
    assert_eq!(
        (paid_events(&app).await, shop.card(&mai).await["balance"].as_i64()),
        (1, Some(100))
    );
    let types = shop.timeline_types(&mai.id).await;
    assert!(
        types.iter().any(|t| t == "order_placed") && types.iter().any(|t| t == "order_paid"),
        "{types:?}"
    );
    // The console lists it with the member, and its trail: the verified callback, then its repeat (the refused
    // ones left no trace).
    let listed = shop.get("/api/v1/admin/orders?status=paid", &shop.admin).await;
    assert_eq!(listed["orders"].as_array().unwrap().len(), 1);
    assert_eq!(listed["orders"][0]["member_name"], "Mai");
    assert!(
        shop.get("/api/v1/admin/orders?status=failed", &shop.admin).await["orders"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let detail = shop.get(&format!("/api/v1/admin/orders/{id}"), &shop.admin).await;
    let outcomes: Vec<&str> = detail["trail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["paid", "repeated"]);
    let r = shop
        .send(Method::GET, "/api/v1/admin/orders?status=lost", &shop.admin, None)
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_status").await;
    // Another member cannot see it.
    let lan = shop.member("Lan", "0987654321").await;
    let r = shop
        .send(Method::GET, &format!("/api/v1/me/orders/{id}"), &lan.token, None)
        .await;
    assert_error(r, StatusCode::NOT_FOUND, "unknown_order").await;
    shop.assert_ledger_consistent().await;
}

async fn fifty_duplicate_callbacks_pay_once(store: Store) {
    let Some(app) = spawn_app(store).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    let drink = menu(&shop).await;
    let mai = shop.member("Mai", "0912345678").await;
    let placed: Value = order(
        &shop,
        &mai,
        json!({ "items": [{ "product_id": drink, "quantity": 1, "choice_ids": ["m"] }], "provider": "zalo", "idempotency_key": "k" }),
    )
    .await
    .json()
    .await
    .unwrap();
    let body = zalo_callback(&paid_data(&placed, "t-race"));
    let answers = futures::future::join_all((0..50).map(|_| callback(&app, &body))).await;
    assert!(answers.iter().all(|a| a["returnCode"] == 1), "{answers:?}");
    assert_eq!(paid_events(&app).await, 1);
    assert_eq!(shop.card(&mai).await["balance"], 35);
    shop.assert_ledger_consistent().await;
}

fn momo_ipn(order: &Value, result: i64, partner: &str) -> Value {
    let mut ipn = json!({
        "partnerCode": partner, "orderId": order["id"], "requestId": order["id"], "amount": order["total_vnd"],
        "orderInfo": "Acme - đơn hàng", "orderType": "momo_wallet", "transId": 4_088_878_653_i64,
        "resultCode": result, "message": "Thành công.", "payType": "qr", "responseTime": 1_796_104_800_000_i64,
        "extraData": "",
    });
    let f = |k: &str| raw(&ipn[k]);
    let text = format!(
        "accessKey={MOMO_ACCESS}&amount={}&extraData={}&message={}&orderId={}&orderInfo={}&orderType={}&partnerCode={}&payType={}&requestId={}&responseTime={}&resultCode={}&transId={}",
        f("amount"),
        f("extraData"),
        f("message"),
        f("orderId"),
        f("orderInfo"),
        f("orderType"),
        f("partnerCode"),
        f("payType"),
        f("requestId"),
        f("responseTime"),
        f("resultCode"),
        f("transId")
    );
    ipn["signature"] = json!(mac(MOMO_SECRET, &text));
    ipn
}

async fn ipn(app: &TestApp, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/webhooks/momo/acme"))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn a_momo_ipn_pays_once(store: Store) {
    let Some(app) = spawn_app(store).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    let drink = menu(&shop).await;
    let mai = shop.member("Mai", "0912345678").await;
    let r = order(
        &shop,
        &mai,
        json!({ "items": [{ "product_id": drink, "quantity": 1, "choice_ids": ["l"] }], "provider": "momo", "idempotency_key": "m1" }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let placed: Value = r.json().await.unwrap();
    // MoMo (the simulator, which checked our create signature) gave a payment page.
    assert_eq!(placed["payment"]["provider"], "momo");
    assert!(
        placed["payment"]["pay_url"]
            .as_str()
            .unwrap()
            .contains("/momo/pay/checkout/")
    );

    // Tampered, another partner, the wrong amount: refused, nothing changes.
    let mut tampered = momo_ipn(&placed, 0, "MOMOACME");
    tampered["amount"] = json!(1_000);
    assert_error(ipn(&app, &tampered).await, StatusCode::BAD_REQUEST, "invalid_signature").await;
    assert_error(
        ipn(&app, &momo_ipn(&placed, 0, "MOMOOTHER")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_payment_notice",
    )
    .await;
    let mut cheap = placed.clone();
    cheap["total_vnd"] = json!(1_000);
    assert_error(
        ipn(&app, &momo_ipn(&cheap, 0, "MOMOACME")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_payment_notice",
    )
    .await;
    assert_eq!(paid_events(&app).await, 0);

    // Signed as §6 says: 204, paid once, 45 points; again: 204, nothing more.
    let good = momo_ipn(&placed, 0, "MOMOACME");
    assert_eq!(ipn(&app, &good).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(ipn(&app, &good).await.status(), StatusCode::NO_CONTENT);
    let id = placed["id"].as_str().unwrap();
    let paid = shop.get(&format!("/api/v1/me/orders/{id}"), &mai.token).await;
    assert_eq!(
        (paid["status"].as_str(), paid["points_earned"].as_i64()),
        (Some("paid"), Some(45))
    );
    assert_eq!(
        (paid_events(&app).await, shop.card(&mai).await["balance"].as_i64()),
        (1, Some(45))
    );

    // A declined payment fails its order; the member sees it in their orders.
    let declined: Value = order(
        &shop,
        &mai,
        json!({ "items": [{ "product_id": drink, "quantity": 1, "choice_ids": ["m"] }], "provider": "momo", "idempotency_key": "m2" }),
    )
    .await
    .json()
    .await
    .unwrap();
    let r = app
        .client
        .post(format!(
            "{}/momo/payments/{}/complete",
            app.sim.base_url,
            declined["id"].as_str().unwrap()
        ))
        .json(&json!({ "result_code": 1006 }))
        .send()
        .await
        .unwrap();
    let sent: Value = r.json().await.unwrap();
    assert_eq!(sent["ipn_statuses"], json!([204]));
    let mine = shop.get("/api/v1/me/orders", &mai.token).await;
    assert_eq!(mine["orders"][0]["status"], "failed");
    assert_eq!(mine["orders"][1]["status"], "paid");
    // The console pages through them, newest first.
    let first = shop.get("/api/v1/admin/orders?limit=1", &shop.admin).await;
    assert_eq!(first["orders"][0]["order"]["status"], "failed");
    assert_eq!(first["orders"][0]["failure"], "momo_payment_failed");
    let next = first["next_cursor"].as_str().unwrap();
    let second = shop
        .get(&format!("/api/v1/admin/orders?limit=1&cursor={next}"), &shop.admin)
        .await;
    assert_eq!(second["orders"][0]["order"]["status"], "paid");
    assert!(second["next_cursor"].is_null());
    shop.assert_ledger_consistent().await;
}

async fn the_simulated_checkout_takes_our_mac_and_its_callback_pays(store: Store) {
    let Some(app) = spawn_app(store).await else {
        return;
    };
    let shop = Shop::open(&app).await;
    let drink = menu(&shop).await;
    let mai = shop.member("Mai", "0912345678").await;
    let placed: Value = order(
        &shop,
        &mai,
        json!({ "items": [{ "product_id": drink, "quantity": 3, "choice_ids": ["m"] }], "provider": "zalo", "idempotency_key": "s1" }),
    )
    .await
    .json()
    .await
    .unwrap();
    let mut args = placed["payment"].clone();
    args.as_object_mut().unwrap().remove("provider");
    args["appId"] = json!("1234567890");
    let sim = |path: &str, body: &Value| app.client.post(format!("{}{path}", app.sim.base_url)).json(body).send();
    // Zalo refuses arguments changed after our mac, as the Checkout SDK would.
    let mut changed = args.clone();
    changed["amount"] = json!(1_000);
    let r = sim("/zalo/checkout/orders", &changed).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], -2101);
    let created: Value = sim("/zalo/checkout/orders", &args).await.unwrap().json().await.unwrap();
    let zalo_id = created["orderId"].as_str().unwrap();
    // The app keeps Checkout's id beside ours; the person pays; Zalo calls back twice.
    let r = shop
        .send(
            Method::POST,
            &format!("/api/v1/me/orders/{}/zalo-order", placed["id"].as_str().unwrap()),
            &mai.token,
            Some(&json!({ "zalo_order_id": zalo_id })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let sent: Value = sim(
        &format!("/zalo/checkout/{zalo_id}/result"),
        &json!({ "outcome": "paid", "repeat": 2 }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(sent["return_codes"], json!([1, 1]));
    let paid = shop
        .get(
            &format!("/api/v1/me/orders/{}", placed["id"].as_str().unwrap()),
            &mai.token,
        )
        .await;
    assert_eq!(
        (paid["status"].as_str(), paid["points_earned"].as_i64()),
        (Some("paid"), Some(105))
    );
    assert_eq!(paid_events(&app).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulated_checkout_takes_our_mac_and_its_callback_pays_sqlite() {
    the_simulated_checkout_takes_our_mac_and_its_callback_pays(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulated_checkout_takes_our_mac_and_its_callback_pays_postgres() {
    the_simulated_checkout_takes_our_mac_and_its_callback_pays(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zalo_checkout_callback_pays_once_sqlite() {
    a_zalo_checkout_callback_pays_once(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zalo_checkout_callback_pays_once_postgres() {
    a_zalo_checkout_callback_pays_once(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_duplicate_callbacks_pay_once_sqlite() {
    fifty_duplicate_callbacks_pay_once(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_duplicate_callbacks_pay_once_postgres() {
    fifty_duplicate_callbacks_pay_once(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_momo_ipn_pays_once_sqlite() {
    a_momo_ipn_pays_once(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_momo_ipn_pays_once_postgres() {
    a_momo_ipn_pays_once(Store::Postgres).await;
}
