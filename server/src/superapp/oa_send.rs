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
        let body = json!({ "recipient": { "user_id": follower_id }, "message": { "text": text } });
        self.post_oa_message("cs", access_token, &body).await
    }
}

/// An OA promotion message (`template_type: promotion`): a banner, a header, a text and at most one button that
/// opens a URL.
#[derive(Debug, Clone)]
pub struct OaPromotion<'a> {
    /// The banner image's address, if any.
    pub banner_url: Option<&'a str>,
    /// The header.
    pub title: &'a str,
    /// The text.
    pub text: &'a str,
    /// The button's label and the address it opens.
    pub button: Option<(&'a str, &'a str)>,
}

impl SuperApps {
    /// Sends a promotion message to an OA follower (`POST {openapi}/v3.0/oa/message/promotion`): Zalo's message
    /// id, or why not.
    pub async fn send_oa_promotion(
        &self,
        access_token: &SecretString,
        follower_id: &str,
        message: &OaPromotion<'_>,
    ) -> Result<Result<String, OaRefusal>, SuperAppError> {
        let mut elements = Vec::new();
        if let Some(url) = message.banner_url {
            elements.push(json!({ "type": "banner", "image_url": url }));
        }
        elements.push(json!({ "type": "header", "content": message.title }));
        elements.push(json!({ "type": "text", "align": "left", "content": message.text }));
        let buttons: Vec<Value> = message
            .button
            .iter()
            .map(|(title, url)| json!({ "title": title, "type": "oa.open.url", "payload": { "url": url } }))
            .collect();
        let body = json!({
            "recipient": { "user_id": follower_id },
            "message": { "attachment": { "type": "template", "payload": {
                "template_type": "promotion", "language": "VI", "elements": elements, "buttons": buttons,
            } } },
        });
        self.post_oa_message("promotion", access_token, &body).await
    }

    async fn post_oa_message(
        &self,
        kind: &str,
        access_token: &SecretString,
        body: &Value,
    ) -> Result<Result<String, OaRefusal>, SuperAppError> {
        let response = self
            .http
            .post(format!("{}/v3.0/oa/message/{kind}", self.zalo_openapi_url))
            .header("access_token", access_token.expose_secret())
            .json(body)
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
