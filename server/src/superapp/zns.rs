//! ZNS, Zalo's template messages to a phone (`SUPERAPP.md` §4): `POST {zns}/message/template` with header
//! `access_token` (the OA's) and `{"phone","template_id","template_data","tracking_id"}` →
//! `{error, message, data:{msg_id}}`. Refusals are classified as for the OA: `-118` (no Zalo account) and `-108`
//! (not a phone Zalo takes) mean the person is not reachable this way; `-124`, `-220` the token.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::{SuperAppError, SuperApps, oa::zalo_words, oa_send::OaRefusal, read_json, unavailable};

/// Classifies a ZNS error code.
pub fn classify_zns_error(code: i64, words: &str) -> OaRefusal {
    let text = zalo_words(&format!("{code} {words}"));
    match code {
        -124 | -220 | -201 => OaRefusal::Token(text),
        -118 | -108 => OaRefusal::Unreachable(text),
        _ => OaRefusal::Other(text),
    }
}

/// One ZNS message.
#[derive(Debug, Clone)]
pub struct ZnsMessage<'a> {
    /// `84…`.
    pub phone: &'a str,
    /// The approved template.
    pub template_id: &'a str,
    /// Its parameters.
    pub data: &'a BTreeMap<String, String>,
    /// Our id for it (at most 48 characters), which Zalo hands back in its delivery notice.
    pub tracking_id: &'a str,
}

impl SuperApps {
    /// Sends a ZNS template message: Zalo's `msg_id`, or why not.
    pub async fn send_zns(
        &self,
        access_token: &SecretString,
        message: &ZnsMessage<'_>,
    ) -> Result<Result<String, OaRefusal>, SuperAppError> {
        let response = self
            .http
            .post(format!("{}/message/template", self.zalo_zns_url))
            .header("access_token", access_token.expose_secret())
            .json(&json!({
                "phone": message.phone,
                "template_id": message.template_id,
                "template_data": message.data,
                "tracking_id": message.tracking_id,
            }))
            .send()
            .await
            .map_err(unavailable)?;
        let body = read_json(response).await?;
        let code = body.get("error").and_then(Value::as_i64).unwrap_or(0);
        let words = body.get("message").and_then(Value::as_str).unwrap_or_default();
        if code != 0 {
            return Ok(Err(classify_zns_error(code, words)));
        }
        match body.pointer("/data/msg_id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => Ok(Ok(id.to_owned())),
            _ => Err(SuperAppError::Unavailable("the ZNS answer has no data.msg_id".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_zalo_account_falls_through_to_the_next_channel() {
        assert!(matches!(
            classify_zns_error(-118, "Zalo account not existed"),
            OaRefusal::Unreachable(_)
        ));
        assert!(matches!(classify_zns_error(-124, "invalid"), OaRefusal::Token(_)));
        assert!(matches!(classify_zns_error(-109, "template"), OaRefusal::Other(_)));
    }
}
