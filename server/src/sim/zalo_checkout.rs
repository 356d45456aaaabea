//! Simulated Zalo Checkout (`SUPERAPP.md` §5). The bridge's `createOrder` in a plain browser posts the
//! arguments here; the simulator checks their `mac` with the app's Checkout private key as Zalo does, and answers
//! with Checkout's own order id and a page where the person pays, fails or leaves. Paying or failing posts the
//! callback (`data`, `mac`, `overallMac`, `extradata` URL-encoded) to the app's Callback URL, then sends the person
//! back to the app.

use axum::{
    Form, Router,
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Sim, numeric_id};
use crate::error::{Json, Path};
use crate::superapp::payments::{
    as_received, hmac_hex, hmac_matches, zalo_callback_text, zalo_order_text, zalo_overall_text,
};

/// An order the simulated Checkout took.
#[derive(Debug, Clone)]
pub(super) struct SimCheckout {
    pub(super) app_id: String,
    pub(super) amount: i64,
    desc: String,
    extradata: String,
    method: String,
    /// How it ended (`paid`, `failed`), and Zalo's transaction id, once it did.
    pub(super) outcome: Option<(String, String)>,
    /// What refunds gave back (or hold while in progress).
    pub(super) refunded: i64,
}

pub(super) fn routes() -> Router<Sim> {
    Router::new()
        .route("/zalo/checkout/orders", post(create_order))
        .route("/zalo/checkout/{order_id}", get(page))
        .route("/zalo/checkout/{order_id}/complete", post(complete_form))
        .route("/zalo/checkout/{order_id}/result", post(complete_json))
        .route("/zalo/payment/api/transaction/get-status", get(status))
}

fn refused(code: i64, message: &str) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({ "error": code, "message": message })),
    )
        .into_response()
}

/// `createOrder`'s arguments, as the mini app passes them, with the app they are for.
async fn create_order(State(sim): State<Sim>, Json(body): Json<Map<String, Value>>) -> Response {
    let app_id = body.get("appId").map(as_received).unwrap_or_default();
    let app = match sim.config.zalo_apps.iter().find(|a| a.app_id == app_id) {
        Some(app) => app,
        None => match sim.config.zalo_apps.first() {
            Some(app) if app_id.is_empty() => app,
            _ => return refused(-2001, "no access"),
        },
    };
    let Some(key) = app.checkout_key.as_ref() else {
        return refused(-2001, "no access");
    };
    let field = |k: &str| body.get(k).map(as_received).unwrap_or_default();
    let amount = body.get("amount").and_then(Value::as_i64).unwrap_or(0);
    let item = body.get("item").map(Value::to_string).unwrap_or_else(|| "[]".into());
    let text = zalo_order_text(amount, &field("desc"), &field("extradata"), &item, &field("method"));
    if !hmac_matches(key.expose_secret(), &text, &field("mac")) {
        return refused(-2101, "wrong mac");
    }
    if amount <= 0 {
        return refused(-2103, "bad parameter: amount");
    }
    let order_id = format!("zsim{}", &numeric_id()[..12]);
    sim.state().zalo_checkouts.insert(
        order_id.clone(),
        SimCheckout {
            app_id: app.app_id.clone(),
            amount,
            desc: field("desc"),
            extradata: field("extradata"),
            method: field("method"),
            outcome: None,
            refunded: 0,
        },
    );
    axum::Json(json!({ "orderId": order_id, "checkoutUrl": format!("/__sim/zalo/checkout/{order_id}") }))
        .into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[derive(Debug, Deserialize)]
struct Back {
    #[serde(default)]
    back: Option<String>,
}

async fn page(
    State(sim): State<Sim>,
    Path(order_id): Path<String>,
    axum::extract::Query(back): axum::extract::Query<Back>,
) -> Response {
    let Some(order) = sim.state().zalo_checkouts.get(&order_id).cloned() else {
        return (
            StatusCode::NOT_FOUND,
            Html("<p>Không tìm thấy đơn hàng.</p>".to_owned()),
        )
            .into_response();
    };
    let back = escape(back.back.as_deref().unwrap_or("/"));
    let id = escape(&order_id);
    let form = |outcome: &str, label: &str, class: &str| {
        format!(
            r#"<form method="post" action="/__sim/zalo/checkout/{id}/complete"><input type="hidden" name="outcome" value="{outcome}"><input type="hidden" name="back" value="{back}"><button class="{class}" type="submit">{label}</button></form>"#
        )
    };
    Html(format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Zalo Checkout (mô phỏng)</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;background:#eef4ff}}main{{max-width:420px;margin:0 auto;padding:24px}}
h1{{color:#0068ff;font-size:1.3rem}}.amount{{font-size:2rem;font-weight:700;margin:8px 0 16px}}button{{width:100%;padding:14px;margin:6px 0;border-radius:12px;border:0;font-size:1rem}}
.pay{{background:#0068ff;color:#fff}}.fail{{background:#fff;border:1px solid #c62828;color:#c62828}}.leave{{background:transparent;color:#555}}</style></head>
<body><main><h1>Zalo Checkout (mô phỏng)</h1><p>{desc}</p><div class="amount">{amount}</div>
{pay}{fail}{leave}</main></body></html>"#,
        desc = escape(&order.desc),
        amount = app::domain::format_vnd(order.amount),
        pay = form("paid", "Thanh toán bằng ZaloPay", "pay"),
        fail = form("failed", "Thanh toán thất bại", "fail"),
        leave = form("left", "Rời khỏi trang thanh toán", "leave"),
    ))
    .into_response()
}

/// How the person (or a test) ends a checkout.
#[derive(Debug, Deserialize)]
struct Outcome {
    /// `paid`, `failed` or `left` (no callback).
    outcome: String,
    /// Where to send the person back to.
    #[serde(default)]
    back: Option<String>,
    /// How many times to send the callback (1 unless given).
    #[serde(default)]
    repeat: Option<u32>,
    /// False to lose the callback (the status query still knows the outcome).
    #[serde(default)]
    deliver: Option<bool>,
}

/// Sends the callback; the server's `returnCode` each time.
async fn finish(sim: &Sim, order_id: &str, how: &Outcome) -> Result<Vec<i64>, StatusCode> {
    let order = sim
        .state()
        .zalo_checkouts
        .get(order_id)
        .cloned()
        .ok_or(StatusCode::NOT_FOUND)?;
    if how.outcome == "left" {
        return Ok(Vec::new());
    }
    let trans_id = format!("{}_{}", chrono::Utc::now().format("%y%m%d"), &numeric_id()[..10]);
    if let Some(taken) = sim.state().zalo_checkouts.get_mut(order_id) {
        taken.outcome = Some((how.outcome.clone(), trans_id.clone()));
    }
    if how.deliver == Some(false) {
        return Ok(Vec::new());
    }
    let app = sim
        .config
        .zalo_apps
        .iter()
        .find(|a| a.app_id == order.app_id)
        .ok_or(StatusCode::NOT_FOUND)?;
    let key = app.checkout_key.as_ref().ok_or(StatusCode::NOT_FOUND)?;
    let url = sim
        .state()
        .zalo_callback_urls
        .get(&order.app_id)
        .cloned()
        .ok_or(StatusCode::PRECONDITION_FAILED)?;
    let paid = how.outcome == "paid";
    let extradata: String =
        percent_encoding::utf8_percent_encode(&order.extradata, percent_encoding::NON_ALPHANUMERIC).to_string();
    let data: Map<String, Value> = serde_json::from_value(json!({
        "appId": order.app_id,
        "orderId": order_id,
        "transId": trans_id,
        "transTime": sim.now_ms(),
        "merchantTransId": "",
        "amount": order.amount,
        "description": order.desc,
        "resultCode": if paid { 1 } else { -1 },
        "message": if paid { "Giao dịch thành công" } else { "Giao dịch thất bại" },
        "extradata": extradata,
        "method": if order.method.is_empty() { "ZALOPAY_SANDBOX".to_owned() } else { order.method.clone() },
    }))
    .unwrap_or_default();
    let body = json!({
        "data": data,
        "mac": hmac_hex(key.expose_secret(), &zalo_callback_text(&data)),
        "overallMac": hmac_hex(key.expose_secret(), &zalo_overall_text(&data)),
    });
    let http = reqwest::Client::new();
    let mut codes = Vec::new();
    for _ in 0..how.repeat.unwrap_or(1).clamp(1, 50) {
        let code = match http.post(&url).json(&body).send().await {
            Ok(r) => r
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v.get("returnCode").and_then(Value::as_i64))
                .unwrap_or(0),
            Err(_) => 0,
        };
        codes.push(code);
    }
    Ok(codes)
}

async fn complete_form(State(sim): State<Sim>, Path(order_id): Path<String>, Form(how): Form<Outcome>) -> Response {
    match finish(&sim, &order_id, &how).await {
        // Back into the app, on its own origin only.
        Ok(_) => Redirect::to(
            how.back
                .as_deref()
                .filter(|b| b.starts_with('/') && !b.starts_with("//"))
                .unwrap_or("/"),
        )
        .into_response(),
        Err(status) => status.into_response(),
    }
}

async fn complete_json(State(sim): State<Sim>, Path(order_id): Path<String>, Json(how): Json<Outcome>) -> Response {
    match finish(&sim, &order_id, &how).await {
        Ok(codes) => axum::Json(json!({ "return_codes": codes })).into_response(),
        Err(status) => status.into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct StatusQuery {
    #[serde(rename = "orderId", default)]
    order_id: String,
    #[serde(rename = "appId", default)]
    app_id: String,
    #[serde(default)]
    mac: String,
}

/// The status query: the mac over `appId=…&orderId=…&privateKey=…`, then where the order stands, wrapped in
/// `data` (`returnCode` 1 paid, 0 processing, -1 failed).
async fn status(State(sim): State<Sim>, axum::extract::Query(q): axum::extract::Query<StatusQuery>) -> Response {
    let Some(key) = sim
        .config
        .zalo_apps
        .iter()
        .find(|a| a.app_id == q.app_id)
        .and_then(|a| a.checkout_key.as_ref())
    else {
        return axum::Json(json!({ "error": -2001, "message": "no access" })).into_response();
    };
    let key = key.expose_secret();
    let text = crate::superapp::payments::zalo_status_text(&q.app_id, &q.order_id, key);
    if !hmac_matches(key, &text, &q.mac) {
        return axum::Json(json!({ "error": -2101, "message": "wrong mac" })).into_response();
    }
    let Some(order) = sim.state().zalo_checkouts.get(&q.order_id).cloned() else {
        return axum::Json(json!({ "error": -2103, "message": "bad parameter: orderId" })).into_response();
    };
    let (code, trans) = match &order.outcome {
        Some((outcome, trans)) if outcome == "paid" => (1, trans.clone()),
        Some((_, trans)) => (-1, trans.clone()),
        None => (0, String::new()),
    };
    axum::Json(json!({
        "error": 0,
        "message": "Thành công",
        "data": { "returnCode": code, "orderId": q.order_id, "transId": trans, "amount": order.amount },
    }))
    .into_response()
}
