//! Simulated MoMo payments (AIO v2, `SUPERAPP.md` §6): `create` checks the signature and answers with a payment
//! page; on that page the person pays or declines, and the simulator posts the signed IPN to the `ipnUrl` it was
//! given, then sends the person back to the `redirectUrl`. A switch on the page (or the control call) sends the
//! IPN twice, or tampered, the way a test of the server's webhook wants.

use axum::{
    Form, Router,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Sim, numeric_id};
use crate::error::{Json, Path};
use crate::superapp::payments::{hmac_hex, hmac_matches, momo_ipn_text};

/// A payment the simulator was asked to take.
#[derive(Debug, Clone)]
pub(super) struct SimPayment {
    pub(super) partner_code: String,
    pub(super) order_id: String,
    request_id: String,
    pub(super) amount: i64,
    order_info: String,
    extra_data: String,
    ipn_url: String,
    redirect_url: String,
    /// `resultCode` and MoMo's transaction id, once it ended.
    pub(super) result: Option<(i64, i64)>,
    /// What refunds gave back.
    pub(super) refunded: i64,
}

pub(super) fn routes() -> Router<Sim> {
    Router::new()
        .route("/momo/pay/v2/gateway/api/create", post(create))
        .route("/momo/pay/checkout/{order_id}", get(page))
        .route("/momo/pay/checkout/{order_id}/complete", post(complete_form))
        .route("/momo/payments/{order_id}/complete", post(complete_json))
        .route("/momo/pay/v2/gateway/api/query", post(query))
}

fn answer(code: i64, message: &str, extra: Value) -> Response {
    let mut body = json!({ "resultCode": code, "message": message, "responseTime": crate::db::now_ms() });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    axum::Json(body).into_response()
}

fn valid_order_id(id: &str) -> bool {
    // `^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$`, at most 50 characters.
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 50
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

async fn create(State(sim): State<Sim>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let text = |k: &str| {
        body.get(k)
            .map(crate::superapp::payments::as_received)
            .unwrap_or_default()
    };
    let Some(partner) = sim
        .config
        .momo_partners
        .iter()
        .find(|p| p.partner_code == text("partnerCode"))
    else {
        return answer(11, "Truy cập bị từ chối: partnerCode không hợp lệ.", Value::Null);
    };
    let Some(access) = partner.access_key.as_ref() else {
        return answer(11, "Truy cập bị từ chối: đối tác chưa có accessKey.", Value::Null);
    };
    let signed = format!(
        "accessKey={}&amount={}&extraData={}&ipnUrl={}&orderId={}&orderInfo={}&partnerCode={}&redirectUrl={}&requestId={}&requestType={}",
        access.expose_secret(),
        text("amount"),
        text("extraData"),
        text("ipnUrl"),
        text("orderId"),
        text("orderInfo"),
        text("partnerCode"),
        text("redirectUrl"),
        text("requestId"),
        text("requestType"),
    );
    if !hmac_matches(partner.secret_key.expose_secret(), &signed, &text("signature")) {
        return answer(11, "Truy cập bị từ chối: chữ ký không hợp lệ.", Value::Null);
    }
    let amount = body.get("amount").and_then(Value::as_i64).unwrap_or(0);
    let order_id = text("orderId");
    if !valid_order_id(&order_id) || !(1_000..=50_000_000).contains(&amount) || text("ipnUrl").contains('?') {
        return answer(20, "Yêu cầu sai định dạng.", Value::Null);
    }
    if text("requestType") != "captureWallet" {
        return answer(20, "requestType không được hỗ trợ.", Value::Null);
    }
    {
        let mut state = sim.state();
        if state.momo_payments.contains_key(&order_id) {
            return answer(41, "Trùng orderId.", Value::Null);
        }
        state.momo_payments.insert(
            order_id.clone(),
            SimPayment {
                partner_code: text("partnerCode"),
                order_id: order_id.clone(),
                request_id: text("requestId"),
                amount,
                order_info: text("orderInfo"),
                extra_data: text("extraData"),
                ipn_url: text("ipnUrl"),
                redirect_url: text("redirectUrl"),
                result: None,
                refunded: 0,
            },
        );
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let pay_url = format!("http://{host}/__sim/momo/pay/checkout/{order_id}");
    answer(
        0,
        "Thành công.",
        json!({
            "partnerCode": text("partnerCode"),
            "orderId": order_id,
            "requestId": text("requestId"),
            "amount": amount,
            "payUrl": pay_url,
            "deeplink": format!("momo://app?action=payWithApp&orderId={order_id}"),
            "qrCodeUrl": pay_url,
        }),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn page(State(sim): State<Sim>, Path(order_id): Path<String>) -> Response {
    let Some(payment) = sim.state().momo_payments.get(&order_id).cloned() else {
        return (
            StatusCode::NOT_FOUND,
            Html("<p>Không tìm thấy giao dịch.</p>".to_owned()),
        )
            .into_response();
    };
    let amount = app::domain::format_vnd(payment.amount);
    Html(format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>MoMo (mô phỏng)</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;background:#fdf2f8}}main{{max-width:420px;margin:0 auto;padding:24px}}
h1{{color:#a50064;font-size:1.3rem}}.amount{{font-size:2rem;font-weight:700;margin:8px 0 16px}}button{{width:100%;padding:14px;margin:6px 0;border-radius:12px;border:0;font-size:1rem}}
.pay{{background:#a50064;color:#fff}}.decline{{background:#fff;border:1px solid #a50064;color:#a50064}}label{{display:block;margin:12px 0;font-size:.9rem}}</style></head>
<body><main><h1>Ví MoMo (mô phỏng)</h1><p>{info}</p><div class="amount">{amount}</div>
<form method="post" action="/__sim/momo/pay/checkout/{id}/complete"><input type="hidden" name="result_code" value="0"><button class="pay" type="submit">Thanh toán</button>
<label><input type="checkbox" name="repeat" value="2"> Gửi IPN hai lần</label></form>
<form method="post" action="/__sim/momo/pay/checkout/{id}/complete"><input type="hidden" name="result_code" value="1006"><button class="decline" type="submit">Từ chối thanh toán</button></form>
</main></body></html>"#,
        info = escape(&payment.order_info),
        id = escape(&payment.order_id),
    ))
    .into_response()
}

/// How the person (or a test) ends a payment.
#[derive(Debug, Deserialize)]
struct Complete {
    /// MoMo's `resultCode`: 0 paid, 1006 declined, 1001 insufficient funds…
    result_code: i64,
    /// How many times to send the IPN (1 unless given).
    #[serde(default)]
    repeat: Option<u32>,
    /// Change the amount after signing, as an attacker would.
    #[serde(default)]
    tamper: Option<bool>,
    /// False to lose the IPN (the query still knows the outcome).
    #[serde(default)]
    deliver: Option<bool>,
}

/// Sends the IPN; the server's HTTP statuses, one a send.
async fn finish(sim: &Sim, order_id: &str, how: &Complete) -> Result<(SimPayment, Vec<u16>), StatusCode> {
    let trans_id = numeric_id()[..13].parse::<i64>().unwrap_or(1);
    let payment = {
        let mut state = sim.state();
        let payment = state.momo_payments.get_mut(order_id).ok_or(StatusCode::NOT_FOUND)?;
        payment.result = Some((how.result_code, trans_id));
        payment.clone()
    };
    let partner = sim
        .config
        .momo_partners
        .iter()
        .find(|p| p.partner_code == payment.partner_code)
        .ok_or(StatusCode::NOT_FOUND)?;
    let access = partner.access_key.as_ref().ok_or(StatusCode::NOT_FOUND)?;
    let message = if how.result_code == 0 {
        "Thành công."
    } else {
        "Giao dịch bị từ chối bởi người dùng."
    };
    let mut ipn: Map<String, Value> = serde_json::from_value(json!({
        "partnerCode": payment.partner_code,
        "orderId": payment.order_id,
        "requestId": payment.request_id,
        "amount": payment.amount,
        "orderInfo": payment.order_info,
        "orderType": "momo_wallet",
        "transId": trans_id,
        "resultCode": how.result_code,
        "message": message,
        "payType": "qr",
        "responseTime": sim.now_ms(),
        "extraData": payment.extra_data,
    }))
    .unwrap_or_default();
    let signature = hmac_hex(
        partner.secret_key.expose_secret(),
        &momo_ipn_text(access.expose_secret(), &ipn),
    );
    ipn.insert("signature".into(), Value::String(signature));
    if how.tamper == Some(true) {
        ipn.insert("amount".into(), json!(payment.amount.saturating_add(1_000)));
    }
    if how.deliver == Some(false) {
        return Ok((payment, Vec::new()));
    }
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..how.repeat.unwrap_or(1).clamp(1, 50) {
        let status = http
            .post(&payment.ipn_url)
            .json(&ipn)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        statuses.push(status);
    }
    Ok((payment, statuses))
}

async fn complete_form(State(sim): State<Sim>, Path(order_id): Path<String>, Form(how): Form<Complete>) -> Response {
    match finish(&sim, &order_id, &how).await {
        Ok((payment, _)) => {
            let back = format!(
                "{}{}orderId={}&resultCode={}",
                payment.redirect_url,
                if payment.redirect_url.contains('?') { '&' } else { '?' },
                payment.order_id,
                how.result_code
            );
            Redirect::to(&back).into_response()
        }
        Err(status) => status.into_response(),
    }
}

async fn complete_json(State(sim): State<Sim>, Path(order_id): Path<String>, Json(how): Json<Complete>) -> Response {
    match finish(&sim, &order_id, &how).await {
        Ok((_, statuses)) => axum::Json(json!({ "ipn_statuses": statuses })).into_response(),
        Err(status) => status.into_response(),
    }
}

/// MoMo's query: the signature over `accessKey=…&orderId=…&partnerCode=…&requestId=…`, then where the payment
/// stands (`resultCode` 0 paid, 1000 waiting, or how it failed).
async fn query(State(sim): State<Sim>, Json(body): Json<Value>) -> Response {
    let text = |k: &str| {
        body.get(k)
            .map(crate::superapp::payments::as_received)
            .unwrap_or_default()
    };
    let Some(partner) = sim
        .config
        .momo_partners
        .iter()
        .find(|p| p.partner_code == text("partnerCode"))
    else {
        return answer(11, "Truy cập bị từ chối: partnerCode không hợp lệ.", Value::Null);
    };
    let Some(access) = partner.access_key.as_ref() else {
        return answer(11, "Truy cập bị từ chối.", Value::Null);
    };
    let signed = crate::superapp::payments::momo_query_text(
        access.expose_secret(),
        &text("orderId"),
        &text("partnerCode"),
        &text("requestId"),
    );
    if !hmac_matches(partner.secret_key.expose_secret(), &signed, &text("signature")) {
        return answer(11, "Truy cập bị từ chối: chữ ký không hợp lệ.", Value::Null);
    }
    let refund = sim.state().momo_refunds.get(&text("orderId")).cloned();
    if let Some(refund) = refund {
        // A refund's own orderId: it was done when MoMo answered it.
        return answer(
            0,
            "Thành công.",
            json!({ "partnerCode": partner.partner_code, "orderId": text("orderId"), "requestId": text("requestId"),
                    "amount": refund.amount, "transId": refund.trans_id }),
        );
    }
    let Some(payment) = sim.state().momo_payments.get(&text("orderId")).cloned() else {
        return answer(42, "Không tìm thấy orderId.", Value::Null);
    };
    let (code, trans) = payment.result.unwrap_or((1000, 0));
    answer(
        code,
        if code == 0 {
            "Thành công."
        } else {
            "Giao dịch chưa hoàn tất."
        },
        json!({
            "partnerCode": payment.partner_code,
            "orderId": payment.order_id,
            "requestId": text("requestId"),
            "amount": payment.amount,
            "transId": trans,
            "payType": "qr",
        }),
    )
}
