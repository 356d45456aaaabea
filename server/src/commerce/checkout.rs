//! How an order is paid: the arguments Zalo Checkout's `createOrder` is given, with our `mac` over exactly those
//! values (`SUPERAPP.md` §5), and MoMo's payment page, asked for once the order is committed (no network call
//! inside a transaction).

use app::api::{CheckoutItem, ErrorCode, OrderLine, ZaloCheckout};
use serde_json::json;

use super::{orders::OrderRow, payments};
use crate::{
    AppState,
    brands::{Brand, BrandSecret},
    error::{Error, Result},
    superapp::payments::{MomoCreate, hmac_hex, zalo_order_text},
};

/// What Zalo Checkout's `createOrder` is given for an order, and our mac over exactly those values.
pub(super) fn zalo_checkout(key: &str, brand_name: &str, order: &OrderRow, lines: &[OrderLine]) -> ZaloCheckout {
    let item: Vec<CheckoutItem> = lines
        .iter()
        .map(|l| CheckoutItem {
            id: l.product_id.clone(),
            amount: l.line_total_vnd,
        })
        .collect();
    let item_json = serde_json::to_string(&item).unwrap_or_else(|_| "[]".into());
    let extradata = json!({ "order_id": order.id }).to_string();
    let short: String = order
        .id
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let desc = format!("{brand_name} - đơn {short}");
    let method = String::new();
    let mac = hmac_hex(
        key,
        &zalo_order_text(order.total_vnd, &desc, &extradata, &item_json, &method),
    );
    ZaloCheckout {
        amount: order.total_vnd,
        desc,
        item,
        extradata,
        method,
        mac,
    }
}

/// Asks MoMo for the order's payment page; a refusal fails the order (and says why).
pub(super) async fn start_momo(state: &AppState, brand: &Brand, order_id: &str, amount: i64) -> Result<()> {
    let (Some(partner), Some(access), Some(secret)) = (
        brand.momo_partner_code.as_deref(),
        brand.secret(&state.sealer, BrandSecret::MomoAccessKey)?,
        brand.secret(&state.sealer, BrandSecret::MomoSecretKey)?,
    ) else {
        return Err(Error::unprocessable(
            ErrorCode::PaymentNotConfigured,
            "The brand has not enabled payments through this app.",
        ));
    };
    let public = state.public_url();
    let ipn_url = format!("{public}/api/v1/webhooks/momo/{}", brand.slug);
    let redirect_url = format!("{public}/orders/{order_id}?brand={}", brand.slug);
    let extra = base64_json(&json!({ "order_id": order_id }));
    let info = format!("{} - đơn hàng", brand.name);
    let create = MomoCreate {
        partner_code: partner,
        access_key: &access,
        secret_key: &secret,
        order_id,
        request_id: order_id,
        amount,
        order_info: &info,
        redirect_url: &redirect_url,
        ipn_url: &ipn_url,
        extra_data: &extra,
    };
    match state.superapps.momo_create(&create).await {
        Ok(created) => {
            payments::record_trail(
                &state.db,
                &brand.id,
                Some(order_id),
                "momo",
                "create",
                "ok",
                &created.raw,
            )
            .await?;
            sqlx::query("UPDATE orders SET pay_url = $1, provider_order_id = $2 WHERE id = $3")
                .bind(&created.pay_url)
                .bind(order_id)
                .bind(order_id)
                .execute(state.db.write())
                .await?;
            Ok(())
        }
        Err(e) => {
            let reason = e.to_string();
            payments::fail(
                &state.db,
                &brand.id,
                order_id,
                "momo_create_refused",
                state.clock.now_ms(),
            )
            .await?;
            payments::record_trail(
                &state.db,
                &brand.id,
                Some(order_id),
                "momo",
                "create",
                "refused",
                &json!({ "error": reason }),
            )
            .await?;
            Err(e.into())
        }
    }
}

fn base64_json(value: &serde_json::Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(value.to_string())
}
