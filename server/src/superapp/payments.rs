//! The super-apps' payment wire formats (`SUPERAPP.md` §5 and §6): Zalo Checkout's macs and MoMo's AIO v2
//! signatures, written once so the server, its simulator and the tests all compute them the same way, and the
//! call that starts a MoMo payment.
//!
//! Every mac is hex(HMAC-SHA256(key, text)); what differs is the text:
//! - Zalo `createOrder`: `amount=…&desc=…&extradata=…&item=…&method=…` (keys ascending, `item` as compact JSON).
//! - Zalo callback `mac`: `appId=…&amount=…&description=…&orderId=…&message=…&resultCode=…&transId=…` (that order).
//! - Zalo callback `overallMac`: every `data` key ascending, values as received.
//! - MoMo create: `accessKey=…&amount=…&extraData=…&ipnUrl=…&orderId=…&orderInfo=…&partnerCode=…&redirectUrl=…&requestId=…&requestType=…`.
//! - MoMo IPN: `accessKey=…&amount=…&extraData=…&message=…&orderId=…&orderInfo=…&orderType=…&partnerCode=…&payType=…&requestId=…&responseTime=…&resultCode=…&transId=…`.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};
use sha2::Sha256;

use super::{SuperAppError, SuperApps, read_json, unavailable};

/// hex(HMAC-SHA256(key, text)).
pub fn hmac_hex(key: &str, text: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(text.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `signature` (hex, any case) is HMAC-SHA256(key, text), compared in constant time.
pub fn hmac_matches(key: &str, text: &str, signature: &str) -> bool {
    let Ok(given) = hex::decode(signature.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(text.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// A JSON value as it reads in a signed text: a string raw, anything else as compact JSON (`null` as nothing).
pub fn as_received(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The text Zalo's `createOrder` mac covers.
pub fn zalo_order_text(amount: i64, desc: &str, extradata: &str, item_json: &str, method: &str) -> String {
    format!("amount={amount}&desc={desc}&extradata={extradata}&item={item_json}&method={method}")
}

/// The text a Zalo Checkout callback's `mac` covers, from its `data`.
pub fn zalo_callback_text(data: &Map<String, Value>) -> String {
    let field = |k: &str| data.get(k).map(as_received).unwrap_or_default();
    format!(
        "appId={}&amount={}&description={}&orderId={}&message={}&resultCode={}&transId={}",
        field("appId"),
        field("amount"),
        field("description"),
        field("orderId"),
        field("message"),
        field("resultCode"),
        field("transId"),
    )
}

/// The text a Zalo Checkout callback's `overallMac` covers: every key of `data` ascending, values as received.
pub fn zalo_overall_text(data: &Map<String, Value>) -> String {
    let mut keys: Vec<&String> = data.keys().collect();
    keys.sort();
    keys.iter()
        .map(|k| format!("{k}={}", as_received(&data[k.as_str()])))
        .collect::<Vec<_>>()
        .join("&")
}

/// The text MoMo's IPN signature covers, with our own access key.
pub fn momo_ipn_text(access_key: &str, ipn: &Map<String, Value>) -> String {
    let field = |k: &str| ipn.get(k).map(as_received).unwrap_or_default();
    let mut text = format!("accessKey={access_key}");
    for key in [
        "amount",
        "extraData",
        "message",
        "orderId",
        "orderInfo",
        "orderType",
        "partnerCode",
        "payType",
        "requestId",
        "responseTime",
        "resultCode",
        "transId",
    ] {
        text.push_str(&format!("&{key}={}", field(key)));
    }
    text
}

/// What starts a MoMo payment.
#[derive(Debug)]
pub struct MomoCreate<'a> {
    /// The brand's partner code.
    pub partner_code: &'a str,
    /// The brand's access key.
    pub access_key: &'a SecretString,
    /// The brand's secret key.
    pub secret_key: &'a SecretString,
    /// Our order id (MoMo's `orderId`, also the `requestId` of the first attempt).
    pub order_id: &'a str,
    /// The idempotency key of this request.
    pub request_id: &'a str,
    /// Amount in đồng.
    pub amount: i64,
    /// What MoMo shows.
    pub order_info: &'a str,
    /// Where MoMo sends the member back.
    pub redirect_url: &'a str,
    /// Where MoMo posts the IPN.
    pub ipn_url: &'a str,
    /// Base64 of a JSON object.
    pub extra_data: &'a str,
}

/// MoMo's answer to a create.
#[derive(Debug, Clone)]
pub struct MomoCreated {
    /// The payment page.
    pub pay_url: String,
    /// The MoMo app's deep link.
    pub deeplink: Option<String>,
    /// MoMo's answer as it came, for the payment trail.
    pub raw: Value,
}

/// The text MoMo's create signature covers.
pub fn momo_create_text(c: &MomoCreate<'_>) -> String {
    format!(
        "accessKey={}&amount={}&extraData={}&ipnUrl={}&orderId={}&orderInfo={}&partnerCode={}&redirectUrl={}&requestId={}&requestType=captureWallet",
        c.access_key.expose_secret(),
        c.amount,
        c.extra_data,
        c.ipn_url,
        c.order_id,
        c.order_info,
        c.partner_code,
        c.redirect_url,
        c.request_id,
    )
}

/// Where a payment stands, as the payment service answers a status query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentState {
    /// Paid, with the service's transaction id and the amount it names (when it names one).
    Paid {
        /// The service's transaction id.
        trans_id: String,
        /// The amount paid, when the answer carries it.
        amount: Option<i64>,
    },
    /// Failed, declined or expired.
    Failed(String),
    /// Still being processed, or not started.
    Pending,
}

/// What a status query answered, for the payment trail.
#[derive(Debug, Clone)]
pub struct StatusAnswer {
    /// Where the payment stands.
    pub state: PaymentState,
    /// The answer as it came.
    pub raw: Value,
}

fn amount_in(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The text a Zalo Checkout status query's mac covers.
pub fn zalo_status_text(app_id: &str, order_id: &str, private_key: &str) -> String {
    format!("appId={app_id}&orderId={order_id}&privateKey={private_key}")
}

/// The text MoMo's query signature covers.
pub fn momo_query_text(access_key: &str, order_id: &str, partner_code: &str, request_id: &str) -> String {
    format!("accessKey={access_key}&orderId={order_id}&partnerCode={partner_code}&requestId={request_id}")
}

impl SuperApps {
    /// Asks Zalo Checkout where an order stands (`GET {payment}/api/transaction/get-status`), by Checkout's own
    /// order id; the answer is wrapped in `data` (`returnCode` 1 paid, 0 processing, -1 failed).
    pub async fn zalo_status(
        &self,
        app_id: &str,
        checkout_order_id: &str,
        private_key: &SecretString,
    ) -> Result<StatusAnswer, SuperAppError> {
        let key = private_key.expose_secret();
        let mac = hmac_hex(key, &zalo_status_text(app_id, checkout_order_id, key));
        let response = self
            .http
            .get(format!("{}/api/transaction/get-status", self.zalo_payment_url))
            .query(&[("orderId", checkout_order_id), ("appId", app_id), ("mac", mac.as_str())])
            .send()
            .await
            .map_err(unavailable)?;
        let raw = read_json(response).await?;
        let data = raw.get("data").unwrap_or(&Value::Null);
        let state = match amount_in(data.get("returnCode")) {
            Some(1) => PaymentState::Paid {
                trans_id: data.get("transId").map(as_received).unwrap_or_default(),
                amount: amount_in(data.get("amount")),
            },
            Some(0) => PaymentState::Pending,
            Some(code) => PaymentState::Failed(format!("zalo_status_{code}")),
            None => {
                return Err(SuperAppError::Unavailable(
                    "a status answer without data.returnCode".into(),
                ));
            }
        };
        Ok(StatusAnswer { state, raw })
    }

    /// Asks MoMo where an order stands (`POST {momo_pay}/v2/gateway/api/query`).
    pub async fn momo_query(
        &self,
        partner_code: &str,
        access_key: &SecretString,
        secret_key: &SecretString,
        order_id: &str,
        request_id: &str,
    ) -> Result<StatusAnswer, SuperAppError> {
        let text = momo_query_text(access_key.expose_secret(), order_id, partner_code, request_id);
        let body = json!({
            "partnerCode": partner_code,
            "requestId": request_id,
            "orderId": order_id,
            "lang": "vi",
            "signature": hmac_hex(secret_key.expose_secret(), &text),
        });
        let response = self
            .http
            .post(format!("{}/v2/gateway/api/query", self.momo_payment_url))
            .json(&body)
            .send()
            .await
            .map_err(unavailable)?;
        let raw = read_json(response).await?;
        let state = match amount_in(raw.get("resultCode")) {
            Some(0 | 9000) => PaymentState::Paid {
                trans_id: raw.get("transId").map(as_received).unwrap_or_default(),
                amount: amount_in(raw.get("amount")),
            },
            Some(1000 | 7000 | 7002) => PaymentState::Pending,
            Some(code) => PaymentState::Failed(format!("momo_result_{code}")),
            None => return Err(SuperAppError::Unavailable("a query answer without resultCode".into())),
        };
        Ok(StatusAnswer { state, raw })
    }

    /// Starts a MoMo payment (`POST {momo_pay}/v2/gateway/api/create`, `captureWallet`).
    pub async fn momo_create(&self, c: &MomoCreate<'_>) -> Result<MomoCreated, SuperAppError> {
        let signature = hmac_hex(c.secret_key.expose_secret(), &momo_create_text(c));
        let body = json!({
            "partnerCode": c.partner_code,
            "requestId": c.request_id,
            "amount": c.amount,
            "orderId": c.order_id,
            "orderInfo": c.order_info,
            "redirectUrl": c.redirect_url,
            "ipnUrl": c.ipn_url,
            "lang": "vi",
            "extraData": c.extra_data,
            "requestType": "captureWallet",
            "signature": signature,
        });
        let response = self
            .http
            .post(format!("{}/v2/gateway/api/create", self.momo_payment_url))
            .json(&body)
            .send()
            .await
            .map_err(unavailable)?;
        let raw = read_json(response).await?;
        let code = raw.get("resultCode").and_then(Value::as_i64).unwrap_or(99);
        let pay_url = raw.get("payUrl").and_then(Value::as_str).unwrap_or_default().to_owned();
        if code != 0 || pay_url.is_empty() {
            let message = raw.get("message").and_then(Value::as_str).unwrap_or_default();
            return Err(SuperAppError::PaymentRefused(format!("resultCode {code}: {message}")));
        }
        Ok(MomoCreated {
            pay_url,
            deeplink: raw.get("deeplink").and_then(Value::as_str).map(str::to_owned),
            raw,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mac_matches_only_its_own_text_and_key() {
        let sig = hmac_hex("key", "amount=1000");
        assert!(hmac_matches("key", "amount=1000", &sig));
        assert!(hmac_matches("key", "amount=1000", &sig.to_uppercase()));
        assert!(!hmac_matches("key", "amount=1001", &sig));
        assert!(!hmac_matches("other", "amount=1000", &sig));
        assert!(!hmac_matches("key", "amount=1000", "not hex"));
    }

    #[test]
    fn the_overall_mac_covers_every_key_ascending_as_received() {
        let data: Map<String, Value> = serde_json::from_str(
            r#"{"orderId":"z1","appId":"app","amount":20000,"extradata":"%7B%22a%22%3A1%7D","resultCode":1}"#,
        )
        .unwrap();
        assert_eq!(
            zalo_overall_text(&data),
            "amount=20000&appId=app&extradata=%7B%22a%22%3A1%7D&orderId=z1&resultCode=1"
        );
        assert_eq!(
            zalo_callback_text(&data),
            "appId=app&amount=20000&description=&orderId=z1&message=&resultCode=1&transId="
        );
    }
}
