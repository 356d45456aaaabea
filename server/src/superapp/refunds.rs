//! Giving money back (`SUPERAPP.md` §5 and §6): Zalo Checkout's refund and its status, MoMo's refund (a new
//! `orderId` per refund, `requestId` as its idempotency key). The texts the macs cover are written once here, so
//! the server and its simulator compute them the same way.
//!
//! - Zalo refund: `appId=…&transId=…&amount=…&description=…&privateKey=…` (that order, not alphabetical).
//! - Zalo refund status: `appId=…&refundId=…&privateKey=…`.
//! - MoMo refund: `accessKey=…&amount=…&description=…&orderId=…&partnerCode=…&requestId=…&transId=…`.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::payments::{as_received, hmac_hex};
use super::{SuperAppError, SuperApps, read_json, unavailable};

/// Where a refund stands, as the payment service answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundState {
    /// The money went back.
    Done,
    /// Still being processed: ask again later.
    Processing,
    /// Refused, with the service's code.
    Failed(String),
}

/// A refund's answer, for the payment trail.
#[derive(Debug, Clone)]
pub struct RefundAnswer {
    /// Where the refund stands.
    pub state: RefundState,
    /// The service's refund id (Zalo's `refundId`), when it gives one.
    pub refund_id: Option<String>,
    /// The answer as it came.
    pub raw: Value,
}

/// The text a Zalo refund's mac covers.
pub fn zalo_refund_text(app_id: &str, trans_id: &str, amount: i64, description: &str, private_key: &str) -> String {
    format!("appId={app_id}&transId={trans_id}&amount={amount}&description={description}&privateKey={private_key}")
}

/// The text a Zalo refund status query's mac covers.
pub fn zalo_refund_status_text(app_id: &str, refund_id: &str, private_key: &str) -> String {
    format!("appId={app_id}&refundId={refund_id}&privateKey={private_key}")
}

/// What a MoMo refund names.
#[derive(Debug)]
pub struct MomoRefund<'a> {
    /// The brand's partner code.
    pub partner_code: &'a str,
    /// The refund's own order id (new for every refund).
    pub order_id: &'a str,
    /// The idempotency key.
    pub request_id: &'a str,
    /// Đồng to give back.
    pub amount: i64,
    /// MoMo's transaction id of the payment.
    pub trans_id: &'a str,
    /// Why.
    pub description: &'a str,
}

/// The text a MoMo refund's signature covers.
pub fn momo_refund_text(access_key: &str, r: &MomoRefund<'_>) -> String {
    format!(
        "accessKey={access_key}&amount={}&description={}&orderId={}&partnerCode={}&requestId={}&transId={}",
        r.amount, r.description, r.order_id, r.partner_code, r.request_id, r.trans_id
    )
}

fn code_in(value: &Value, key: &str) -> Option<i64> {
    let found = value.get(key).or_else(|| value.get("data").and_then(|d| d.get(key)))?;
    match found {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Zalo's refund `returnCode`: 1 done, above 1 in progress, below 1 failed.
fn zalo_state(raw: &Value) -> Result<RefundState, SuperAppError> {
    match code_in(raw, "returnCode") {
        Some(1) => Ok(RefundState::Done),
        Some(code) if code > 1 => Ok(RefundState::Processing),
        Some(code) => Ok(RefundState::Failed(format!("zalo_refund_{code}"))),
        None => match code_in(raw, "error") {
            Some(code) if code != 0 => Ok(RefundState::Failed(format!("zalo_refund_{code}"))),
            _ => Err(SuperAppError::Unavailable("a refund answer without returnCode".into())),
        },
    }
}

impl SuperApps {
    /// Asks Zalo Checkout to give back `amount` of the payment `trans_id` (`POST {payment}/api/refund/create`).
    pub async fn zalo_refund(
        &self,
        app_id: &str,
        private_key: &SecretString,
        trans_id: &str,
        amount: i64,
        description: &str,
    ) -> Result<RefundAnswer, SuperAppError> {
        let key = private_key.expose_secret();
        let mac = hmac_hex(key, &zalo_refund_text(app_id, trans_id, amount, description, key));
        let body = json!({
            "appId": app_id,
            "transId": trans_id,
            "amount": amount,
            "description": description,
            "mac": mac,
        });
        let response = self
            .http
            .post(format!("{}/api/refund/create", self.zalo_payment_url))
            .json(&body)
            .send()
            .await
            .map_err(unavailable)?;
        let raw = read_json(response).await?;
        let state = zalo_state(&raw)?;
        let refund_id = raw
            .get("refundId")
            .or_else(|| raw.get("data").and_then(|d| d.get("refundId")))
            .map(as_received)
            .filter(|s| !s.is_empty());
        Ok(RefundAnswer { state, refund_id, raw })
    }

    /// Asks Zalo Checkout where a refund stands (`GET {payment}/api/refund`).
    pub async fn zalo_refund_status(
        &self,
        app_id: &str,
        private_key: &SecretString,
        refund_id: &str,
    ) -> Result<RefundAnswer, SuperAppError> {
        let key = private_key.expose_secret();
        let mac = hmac_hex(key, &zalo_refund_status_text(app_id, refund_id, key));
        let response = self
            .http
            .get(format!("{}/api/refund", self.zalo_payment_url))
            .query(&[("appId", app_id), ("refundId", refund_id), ("mac", mac.as_str())])
            .send()
            .await
            .map_err(unavailable)?;
        let raw = read_json(response).await?;
        Ok(RefundAnswer {
            state: zalo_state(&raw)?,
            refund_id: Some(refund_id.to_owned()),
            raw,
        })
    }

    /// Asks MoMo to give back part or all of a payment (`POST {momo_pay}/v2/gateway/api/refund`). The same
    /// `requestId` again is the same refund.
    pub async fn momo_refund(
        &self,
        access_key: &SecretString,
        secret_key: &SecretString,
        r: &MomoRefund<'_>,
    ) -> Result<RefundAnswer, SuperAppError> {
        let signature = hmac_hex(
            secret_key.expose_secret(),
            &momo_refund_text(access_key.expose_secret(), r),
        );
        let body = json!({
            "partnerCode": r.partner_code,
            "orderId": r.order_id,
            "requestId": r.request_id,
            "amount": r.amount,
            // MoMo's transaction ids are numbers.
            "transId": r.trans_id.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(r.trans_id)),
            "lang": "vi",
            "description": r.description,
            "signature": signature,
        });
        let response = self
            .http
            .post(format!("{}/v2/gateway/api/refund", self.momo_payment_url))
            .json(&body)
            .send()
            .await
            .map_err(unavailable)?;
        let raw = read_json(response).await?;
        let state = match code_in(&raw, "resultCode") {
            Some(0) => RefundState::Done,
            Some(1000 | 7000 | 7002) => RefundState::Processing,
            Some(code) => RefundState::Failed(format!("momo_result_{code}")),
            None => return Err(SuperAppError::Unavailable("a refund answer without resultCode".into())),
        };
        Ok(RefundAnswer {
            state,
            refund_id: raw.get("transId").map(as_received).filter(|s| !s.is_empty()),
            raw,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zalo_refund_texts_keep_their_documented_order() {
        assert_eq!(
            zalo_refund_text("app", "t1", 5000, "Khách đổi ý", "pk"),
            "appId=app&transId=t1&amount=5000&description=Khách đổi ý&privateKey=pk"
        );
        assert_eq!(
            zalo_refund_status_text("app", "r1", "pk"),
            "appId=app&refundId=r1&privateKey=pk"
        );
    }

    #[test]
    fn a_zalo_return_code_reads_as_done_processing_or_failed() {
        assert_eq!(zalo_state(&json!({"returnCode": 1})).unwrap(), RefundState::Done);
        assert_eq!(
            zalo_state(&json!({"data": {"returnCode": 3}})).unwrap(),
            RefundState::Processing
        );
        assert_eq!(
            zalo_state(&json!({"returnCode": -1})).unwrap(),
            RefundState::Failed("zalo_refund_-1".into())
        );
        assert_eq!(
            zalo_state(&json!({"error": -2101, "message": "wrong mac"})).unwrap(),
            RefundState::Failed("zalo_refund_-2101".into())
        );
        assert!(zalo_state(&json!({})).is_err());
    }
}
