//! Simulated refunds (`SUPERAPP.md` §5 and §6), checked the way the services check them. Zalo Checkout's
//! `refund/create` answers "in progress" (`returnCode` 2) and its status query then says done, unless a test
//! switched the answer (`POST /__sim/zalo/refunds/mode`: `processing`, `done` or `refuse`). MoMo's refund is done
//! at once; its `orderId` must be new, and the same `requestId` again answers the same refund.

use axum::{
    Router,
    extract::State,
    response::IntoResponse,
    response::Response,
    routing::{get, post},
};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Sim, numeric_id};
use crate::error::Json;
use crate::superapp::payments::{as_received, hmac_matches};
use crate::superapp::refunds::{MomoRefund, momo_refund_text, zalo_refund_status_text, zalo_refund_text};

/// How the simulated Zalo answers a refund.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum RefundMode {
    /// In progress; the status query then says done.
    #[default]
    Processing,
    /// Done at once.
    Done,
    /// Refused (`returnCode` -1).
    Refuse,
}

/// A refund the simulated Zalo took.
#[derive(Debug, Clone)]
pub(super) struct SimZaloRefund {
    app_id: String,
}

/// A refund the simulated MoMo made.
#[derive(Debug, Clone)]
pub(super) struct SimMomoRefund {
    pub(super) amount: i64,
    pub(super) trans_id: i64,
    request_id: String,
}

pub(super) fn routes() -> Router<Sim> {
    Router::new()
        .route("/zalo/payment/api/refund/create", post(zalo_create))
        .route("/zalo/payment/api/refund", get(zalo_status))
        .route("/zalo/refunds/mode", post(zalo_mode))
        .route("/momo/pay/v2/gateway/api/refund", post(momo_refund))
}

#[derive(Debug, Deserialize)]
struct Mode {
    mode: RefundMode,
}

async fn zalo_mode(State(sim): State<Sim>, Json(mode): Json<Mode>) -> Response {
    sim.state().zalo_refund_mode = mode.mode;
    axum::Json(json!({ "mode": format!("{:?}", mode.mode) })).into_response()
}

fn zalo_error(code: i64, message: &str) -> Response {
    axum::Json(json!({ "returnCode": code, "returnMessage": message })).into_response()
}

async fn zalo_create(State(sim): State<Sim>, Json(body): Json<Value>) -> Response {
    let field = |k: &str| body.get(k).map(as_received).unwrap_or_default();
    let app_id = field("appId");
    let Some(key) = sim
        .config
        .zalo_apps
        .iter()
        .find(|a| a.app_id == app_id)
        .and_then(|a| a.checkout_key.as_ref())
    else {
        return zalo_error(-2001, "no access");
    };
    let key = key.expose_secret();
    let amount = body.get("amount").and_then(Value::as_i64).unwrap_or(0);
    let text = zalo_refund_text(&app_id, &field("transId"), amount, &field("description"), key);
    if !hmac_matches(key, &text, &field("mac")) {
        return zalo_error(-2101, "wrong mac");
    }
    let mode = sim.state().zalo_refund_mode;
    let mut state = sim.state();
    let Some(paid) = state
        .zalo_checkouts
        .values_mut()
        .find(|c| c.app_id == app_id && matches!(&c.outcome, Some((o, t)) if o == "paid" && *t == field("transId")))
    else {
        return zalo_error(-2103, "bad parameter: transId");
    };
    if amount <= 0 || paid.refunded.saturating_add(amount) > paid.amount {
        return zalo_error(-2103, "bad parameter: amount");
    }
    if mode == RefundMode::Refuse {
        return zalo_error(-1, "Hoàn tiền thất bại");
    }
    paid.refunded += amount;
    let refund_id = format!("zr{}", &numeric_id()[..12]);
    state.zalo_refunds.insert(refund_id.clone(), SimZaloRefund { app_id });
    let code = if mode == RefundMode::Done { 1 } else { 2 };
    axum::Json(json!({ "refundId": refund_id, "returnCode": code, "returnMessage": "Đã nhận yêu cầu hoàn tiền" }))
        .into_response()
}

#[derive(Debug, Deserialize)]
struct StatusQuery {
    #[serde(rename = "appId", default)]
    app_id: String,
    #[serde(rename = "refundId", default)]
    refund_id: String,
    #[serde(default)]
    mac: String,
}

async fn zalo_status(State(sim): State<Sim>, axum::extract::Query(q): axum::extract::Query<StatusQuery>) -> Response {
    let Some(key) = sim
        .config
        .zalo_apps
        .iter()
        .find(|a| a.app_id == q.app_id)
        .and_then(|a| a.checkout_key.as_ref())
    else {
        return zalo_error(-2001, "no access");
    };
    let key = key.expose_secret();
    if !hmac_matches(key, &zalo_refund_status_text(&q.app_id, &q.refund_id, key), &q.mac) {
        return zalo_error(-2101, "wrong mac");
    }
    match sim.state().zalo_refunds.get(&q.refund_id) {
        Some(r) if r.app_id == q.app_id => axum::Json(json!({
            "data": { "returnCode": 1, "refundId": q.refund_id, "returnMessage": "Hoàn tiền thành công" }
        }))
        .into_response(),
        _ => zalo_error(-2103, "bad parameter: refundId"),
    }
}

fn momo_answer(code: i64, message: &str, extra: Value) -> Response {
    let mut body = json!({ "resultCode": code, "message": message, "responseTime": crate::db::now_ms() });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    axum::Json(body).into_response()
}

async fn momo_refund(State(sim): State<Sim>, Json(body): Json<Value>) -> Response {
    let field = |k: &str| body.get(k).map(as_received).unwrap_or_default();
    let Some(partner) = sim
        .config
        .momo_partners
        .iter()
        .find(|p| p.partner_code == field("partnerCode"))
    else {
        return momo_answer(11, "Truy cập bị từ chối: partnerCode không hợp lệ.", Value::Null);
    };
    let Some(access) = partner.access_key.as_ref() else {
        return momo_answer(11, "Truy cập bị từ chối.", Value::Null);
    };
    let amount = body.get("amount").and_then(Value::as_i64).unwrap_or(0);
    let (order_id, request_id, trans, description) = (
        field("orderId"),
        field("requestId"),
        field("transId"),
        field("description"),
    );
    let text = momo_refund_text(
        access.expose_secret(),
        &MomoRefund {
            partner_code: &partner.partner_code,
            order_id: &order_id,
            request_id: &request_id,
            amount,
            trans_id: &trans,
            description: &description,
        },
    );
    if !hmac_matches(partner.secret_key.expose_secret(), &text, &field("signature")) {
        return momo_answer(11, "Truy cập bị từ chối: chữ ký không hợp lệ.", Value::Null);
    }
    let mut state = sim.state();
    if let Some(done) = state.momo_refunds.get(&order_id) {
        if done.request_id == request_id {
            // The same request again: the same refund.
            return momo_answer(
                0,
                "Thành công.",
                json!({ "orderId": order_id, "requestId": request_id, "amount": done.amount, "transId": done.trans_id }),
            );
        }
        return momo_answer(41, "Trùng orderId.", Value::Null);
    }
    if state.momo_payments.contains_key(&order_id) {
        return momo_answer(41, "Trùng orderId.", Value::Null);
    }
    let trans_id: i64 = trans.parse().unwrap_or(-1);
    let Some(paid) = state
        .momo_payments
        .values_mut()
        .find(|p| p.partner_code == partner.partner_code && matches!(p.result, Some((0 | 9000, t)) if t == trans_id))
    else {
        return momo_answer(1080, "Giao dịch gốc không tồn tại hoặc chưa thanh toán.", Value::Null);
    };
    if amount < 1_000 || paid.refunded.saturating_add(amount) > paid.amount {
        return momo_answer(1081, "Số tiền hoàn không hợp lệ.", Value::Null);
    }
    paid.refunded += amount;
    let refund_trans: i64 = numeric_id()[..12].parse().unwrap_or(1);
    state.momo_refunds.insert(
        order_id.clone(),
        SimMomoRefund {
            amount,
            trans_id: refund_trans,
            request_id: request_id.clone(),
        },
    );
    momo_answer(
        0,
        "Thành công.",
        json!({ "partnerCode": partner.partner_code, "orderId": order_id, "requestId": request_id,
                "amount": amount, "transId": refund_trans }),
    )
}
