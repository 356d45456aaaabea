//! The payment services' notices: Zalo Checkout's callback and MoMo's IPN (`SUPERAPP.md` §5 and §6). Each is
//! verified on the values exactly as received before anything is read from it, then checked against our order
//! (its brand, its id, its amount), and settles the order through [`super::payments`]. A refused notice changes
//! nothing and leaves no row.

use app::api::ErrorCode;
use axum::{
    body::Bytes,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    orders,
    payments::{Payment, Via, failed, pay, record_trail},
};
use crate::error::Path;
use crate::{
    AppState,
    brands::{Brand, BrandSecret},
    error::{Error, Result},
    superapp::payments::{as_received, hmac_matches, momo_ipn_text, zalo_callback_text, zalo_overall_text},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(zalo_callback))
        .routes(routes!(momo_ipn))
}

/// Our order id in a notice's extra data: a JSON object's `order_id` (or `orderId`), or a JSON string.
fn order_id_in(extra: &str) -> Option<String> {
    let value: Value = serde_json::from_str(extra.trim()).ok()?;
    match value {
        Value::String(s) => Some(s),
        Value::Object(map) => map
            .get("order_id")
            .or_else(|| map.get("orderId"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

fn amount_of(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn zalo_answer(code: i64, message: &str) -> Response {
    axum::Json(json!({ "returnCode": code, "returnMessage": message })).into_response()
}

/// Zalo Checkout's callback: `overallMac` (every `data` key ascending, values as received) and `mac` (its fixed
/// fields) with the brand's Checkout private key, then our order and its amount. Answers `returnCode: 1` once the
/// payment is recorded (again for a repeat), `0` for anything refused, which changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/zalo-checkout/{brand}",
    tag = "webhooks",
    params(("brand" = String, Path, description = "The brand's slug")),
    request_body(content = String, content_type = "application/json", description = "`{data:{appId, orderId, transId, transTime, merchantTransId, amount, description, resultCode, message, extradata, method}, mac, overallMac}`"),
    responses((status = 200, description = "`{returnCode, returnMessage}`"))
)]
#[tracing::instrument(skip_all, fields(brand = %brand_key))]
async fn zalo_callback(State(state): State<AppState>, Path(brand_key): Path<String>, body: Bytes) -> Result<Response> {
    let Ok(Value::Object(notice)) = serde_json::from_slice::<Value>(&body) else {
        return Ok(zalo_answer(0, "the body is not a JSON object"));
    };
    let (Some(Value::Object(data)), Some(mac), Some(overall)) = (
        notice.get("data"),
        notice.get("mac").and_then(Value::as_str),
        notice.get("overallMac").and_then(Value::as_str),
    ) else {
        return Ok(zalo_answer(0, "data, mac and overallMac are required"));
    };
    let Some(brand) = Brand::by_slug_or_id(&state.db, &brand_key).await? else {
        return Ok(zalo_answer(0, "unknown merchant"));
    };
    let Some(key) = brand.secret(&state.sealer, BrandSecret::ZaloCheckoutPrivateKey)? else {
        return Ok(zalo_answer(0, "payments are not configured"));
    };
    let key = key.expose_secret();
    if !hmac_matches(key, &zalo_overall_text(data), overall) || !hmac_matches(key, &zalo_callback_text(data), mac) {
        tracing::warn!("a Zalo Checkout callback with a wrong mac was refused");
        return Ok(zalo_answer(0, "invalid mac"));
    }
    let field = |k: &str| data.get(k).map(as_received).unwrap_or_default();
    if brand.zalo_app_id.as_deref().is_some_and(|app| app != field("appId")) {
        return Ok(zalo_answer(0, "another app's payment"));
    }
    let extra = percent_encoding::percent_decode_str(&field("extradata"))
        .decode_utf8_lossy()
        .into_owned();
    let order_id = order_id_in(&extra).unwrap_or_else(|| field("merchantTransId"));
    let mut conn = state.db.read().acquire().await?;
    let order = orders::find(&mut conn, &brand.id, &order_id).await?;
    drop(conn);
    let Some(order) = order.filter(|o| o.provider == "zalo") else {
        return Ok(zalo_answer(0, "unknown order"));
    };
    if amount_of(data.get("amount")) != Some(order.total_vnd) {
        tracing::warn!(order = %order.id, "a Zalo Checkout callback's amount does not match the order");
        return Ok(zalo_answer(0, "the amount does not match the order"));
    }
    let received = Value::Object(notice.clone());
    let settled = if amount_of(data.get("resultCode")) == Some(1) {
        let payment = Payment {
            trans_id: field("transId"),
            method: Some(field("method")).filter(|m| !m.is_empty()),
            // Checkout's own order id, kept beside ours for a status query.
            provider_order: Some(field("orderId")).filter(|o| !o.is_empty()),
            via: Via::Notice,
            message: received,
        };
        pay(&state.db, state.clock.now_ms(), &order, payment).await?
    } else {
        failed(
            &state.db,
            state.clock.now_ms(),
            &order,
            "zalo_payment_failed",
            (Via::Notice, received),
        )
        .await?
    };
    tracing::info!(order = %order.id, ?settled, "Zalo Checkout callback");
    Ok(zalo_answer(1, "success"))
}

/// MoMo's IPN: the signature over its documented fields with our access key, then the partner code, our order
/// and its amount. Answers 204 once recorded (again for a repeat); a wrong signature or a notice that does not
/// match the order is refused and changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/momo/{brand}",
    tag = "webhooks",
    params(("brand" = String, Path, description = "The brand's slug")),
    request_body(content = String, content_type = "application/json", description = "MoMo's IPN (AIO v2)"),
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "`invalid_signature`", body = app::api::ErrorBody),
        (status = 404, description = "`unknown_order`", body = app::api::ErrorBody),
        (status = 422, description = "`invalid_payment_notice`", body = app::api::ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(brand = %brand_key))]
async fn momo_ipn(State(state): State<AppState>, Path(brand_key): Path<String>, body: Bytes) -> Result<StatusCode> {
    let bad_signature = || {
        Error::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidSignature,
            "The message's signature is not valid.",
        )
    };
    let Ok(Value::Object(ipn)) = serde_json::from_slice::<Value>(&body) else {
        return Err(bad_signature());
    };
    let brand = Brand::by_slug_or_id(&state.db, &brand_key)
        .await?
        .ok_or_else(bad_signature)?;
    let (Some(partner), Some(access), Some(secret)) = (
        brand.momo_partner_code.clone(),
        brand.secret(&state.sealer, BrandSecret::MomoAccessKey)?,
        brand.secret(&state.sealer, BrandSecret::MomoSecretKey)?,
    ) else {
        return Err(bad_signature());
    };
    let signature = ipn.get("signature").and_then(Value::as_str).unwrap_or_default();
    if !hmac_matches(
        secret.expose_secret(),
        &momo_ipn_text(access.expose_secret(), &ipn),
        signature,
    ) {
        tracing::warn!("a MoMo IPN with a wrong signature was refused");
        return Err(bad_signature());
    }
    let field = |k: &str| ipn.get(k).map(as_received).unwrap_or_default();
    let mismatch = |what: &str| {
        tracing::warn!(what, "a MoMo IPN does not match our order");
        Error::unprocessable(
            ErrorCode::InvalidPaymentNotice,
            "The payment notice does not match the order.",
        )
    };
    if field("partnerCode") != partner {
        return Err(mismatch("partnerCode"));
    }
    let mut conn = state.db.read().acquire().await?;
    let order = orders::find(&mut conn, &brand.id, &field("orderId")).await?;
    drop(conn);
    let order = order
        .filter(|o| o.provider == "momo")
        .ok_or_else(orders::unknown_order)?;
    if amount_of(ipn.get("amount")) != Some(order.total_vnd) {
        return Err(mismatch("amount"));
    }
    let received = Value::Object(ipn.clone());
    let settled = match amount_of(ipn.get("resultCode")) {
        Some(0 | 9000) => {
            let payment = Payment {
                trans_id: field("transId"),
                method: Some(field("payType")),
                provider_order: None,
                via: Via::Notice,
                message: received,
            };
            Some(pay(&state.db, state.clock.now_ms(), &order, payment).await?)
        }
        // Waiting or still processing: the next notice (or a query) settles it.
        Some(1000 | 7000 | 7002) => {
            record_trail(
                &state.db,
                &brand.id,
                Some(&order.id),
                "momo",
                "notice",
                "processing",
                &received,
            )
            .await?;
            None
        }
        _ => {
            let via = (Via::Notice, received);
            Some(failed(&state.db, state.clock.now_ms(), &order, "momo_payment_failed", via).await?)
        }
    };
    tracing::info!(order = %order.id, ?settled, "MoMo IPN");
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_order_is_found_in_the_extra_data() {
        assert_eq!(order_id_in(r#"{"order_id":"o1"}"#).as_deref(), Some("o1"));
        assert_eq!(order_id_in(r#"{"orderId":"o2"}"#).as_deref(), Some("o2"));
        assert_eq!(order_id_in(r#""o3""#).as_deref(), Some("o3"));
        assert_eq!(order_id_in("o4"), None);
    }
}
