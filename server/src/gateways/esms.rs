//! eSMS.vn's brandname SMS: `POST {esms}/MainService.svc/json/SendMultipleMessage_V4_post_json/` with JSON
//! `{ApiKey, SecretKey, Phone, Content, Brandname, SmsType: "2", IsUnicode, Sandbox, RequestId}` →
//! `{CodeResult, SMSID, ErrorMessage}`. `CodeResult` `"100"` is taken; `"124"` is a `RequestId` already taken
//! (so a resend after a crash is not a second SMS); `"99"` and `"108"` mean this phone cannot get it; the rest
//! are the brand's account (keys, balance, brandname, IP whitelist) and stop the send on this channel.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::{Delivery, Gateways};

/// The brand's eSMS account.
#[derive(Debug, Clone)]
pub struct EsmsAccount {
    /// `ApiKey`.
    pub api_key: String,
    /// `SecretKey`.
    pub secret_key: SecretString,
    /// The registered brandname the SMS comes from.
    pub brandname: String,
}

/// Classifies an eSMS `CodeResult`.
pub fn classify(code: &str, words: &str, sms_id: Option<String>) -> Delivery {
    let text: String = format!("{code} {words}")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    match code {
        "100" => Delivery::Sent(sms_id),
        "124" => Delivery::Sent(None),
        "99" | "108" => Delivery::Unreachable(text),
        _ => Delivery::Refused(text),
    }
}

/// Whether the text needs Unicode (anything outside ASCII, such as Vietnamese diacritics).
fn is_unicode(text: &str) -> bool {
    !text.is_ascii()
}

impl Gateways {
    /// Sends one brandname SMS (customer-care type `2`), keyed by `request_id` (ours, reused on a resend).
    pub async fn send_sms(&self, account: &EsmsAccount, phone: &str, text: &str, request_id: &str) -> Delivery {
        let body = json!({
            "ApiKey": account.api_key,
            "SecretKey": account.secret_key.expose_secret(),
            "Phone": phone,
            "Content": text,
            "Brandname": account.brandname,
            "SmsType": "2",
            "IsUnicode": if is_unicode(text) { "1" } else { "0" },
            "Sandbox": "0",
            "RequestId": request_id,
        });
        let response = match self
            .http
            .post(format!(
                "{}/MainService.svc/json/SendMultipleMessage_V4_post_json/",
                self.esms_url
            ))
            .json(&body)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return Delivery::Unavailable(e.without_url().to_string()),
        };
        let status = response.status();
        let Ok(answer) = response.json::<Value>().await else {
            return Delivery::Unavailable(format!("HTTP {status} with a body that is not JSON"));
        };
        let code = match answer.get("CodeResult") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Delivery::Unavailable("the answer has no CodeResult".into()),
        };
        let words = answer.get("ErrorMessage").and_then(Value::as_str).unwrap_or_default();
        let id = answer
            .get("SMSID")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        classify(&code, words, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_request_id_is_not_a_second_sms() {
        assert_eq!(classify("124", "duplicate", None), Delivery::Sent(None));
        assert_eq!(classify("100", "", Some("9".into())), Delivery::Sent(Some("9".into())));
        assert!(matches!(classify("108", "bad phone", None), Delivery::Unreachable(_)));
        assert!(matches!(classify("103", "balance", None), Delivery::Refused(_)));
        assert!(is_unicode("Chào bạn") && !is_unicode("Chao ban"));
    }
}
