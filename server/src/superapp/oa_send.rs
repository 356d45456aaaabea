//! Zalo OA messages (`SUPERAPP.md` §2): `POST {openapi}/v3.0/oa/message/cs` (a consultation message, the reply
//! within the 48-hour window after the person last wrote), header `access_token`, body
//! `{"recipient":{"user_id":…},"message":{"text":…}}` → `{error, message, data:{message_id}}`. Each refusal is
//! classified: the token (`-124`, `-220`, `-201`): pause the OA; the person cannot be reached there (`-207`,
//! `-209`): try another channel; the rest: the message failed, with Zalo's words.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::{SuperAppError, SuperApps, read_json, unavailable};

/// Why Zalo did not take an OA message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OaRefusal {
    /// The OA's access token is expired or revoked: OA sending pauses until it is refreshed or reconnected.
    Token(String),
    /// The person cannot be reached through the OA (not a follower, messages off, unknown user).
    Unreachable(String),
    /// Anything else Zalo refused (its code and words).
    Other(String),
}

/// Classifies an OA API error code (`SUPERAPP.md` §2 and §4).
pub fn classify_oa_error(code: i64, words: &str) -> OaRefusal {
    let text = super::oa::zalo_words(&format!("{code} {words}"));
    match code {
        -124 | -220 | -201 => OaRefusal::Token(text),
        -207 | -209 => OaRefusal::Unreachable(text),
        _ => OaRefusal::Other(text),
    }
}

impl SuperApps {
    /// Sends a consultation (`cs`) text to an OA follower; Zalo's message id, or why not. An outage is
    /// [`SuperAppError::Unavailable`].
    pub async fn send_oa_text(
        &self,
        access_token: &SecretString,
        follower_id: &str,
        text: &str,
    ) -> Result<Result<String, OaRefusal>, SuperAppError> {
        let response = self
            .http
            .post(format!("{}/v3.0/oa/message/cs", self.zalo_openapi_url))
            .header("access_token", access_token.expose_secret())
            .json(&json!({ "recipient": { "user_id": follower_id }, "message": { "text": text } }))
            .send()
            .await
            .map_err(unavailable)?;
        let body = read_json(response).await?;
        let code = body.get("error").and_then(Value::as_i64).unwrap_or(0);
        let words = body.get("message").and_then(Value::as_str).unwrap_or_default();
        if code != 0 {
            return Ok(Err(classify_oa_error(code, words)));
        }
        match body.pointer("/data/message_id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => Ok(Ok(id.to_owned())),
            _ => Err(SuperAppError::Unavailable(
                "the OA answer has no data.message_id".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_errors_pause_and_unreachable_people_fall_through() {
        assert!(matches!(classify_oa_error(-124, "expired"), OaRefusal::Token(_)));
        assert!(matches!(classify_oa_error(-220, "expired"), OaRefusal::Token(_)));
        assert!(matches!(
            classify_oa_error(-207, "invalid user"),
            OaRefusal::Unreachable(_)
        ));
        assert_eq!(classify_oa_error(-32, "limit"), OaRefusal::Other("-32 limit".into()));
    }
}
