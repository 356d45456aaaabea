//! Zalo OA's OAuth token refresh (`SUPERAPP.md` §2): `POST {oauth}/v4/oa/access_token`, form-encoded, header
//! `secret_key: <app secret>`, body `refresh_token, app_id, grant_type=refresh_token` → `access_token,
//! refresh_token, expires_in` (seconds, sent as a string). The refresh token is single-use: the new one must be
//! stored every time.

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::{SuperAppError, SuperApps, read_json, unavailable};

/// A fresh pair of OA tokens.
#[derive(Debug)]
pub struct OaTokens {
    /// For the OA Open API and ZNS (`access_token` header).
    pub access_token: SecretString,
    /// The next refresh token (the one sent is spent).
    pub refresh_token: SecretString,
    /// Seconds the access token lives (about 25 hours).
    pub expires_in_secs: i64,
}

fn number(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl SuperApps {
    /// Trades an OA refresh token for a new pair. A refusal (a spent, revoked or wrong token, a wrong app
    /// secret) is [`SuperAppError::InvalidToken`] with Zalo's code and words.
    pub async fn refresh_oa_token(
        &self,
        app_id: &str,
        app_secret: &SecretString,
        refresh_token: &SecretString,
    ) -> Result<OaTokens, SuperAppError> {
        let response = self
            .http
            .post(format!("{}/v4/oa/access_token", self.zalo_oauth_url))
            .header("secret_key", app_secret.expose_secret())
            .form(&[
                ("refresh_token", refresh_token.expose_secret()),
                ("app_id", app_id),
                ("grant_type", "refresh_token"),
            ])
            .send()
            .await
            .map_err(unavailable)?;
        let body = read_json(response).await?;
        let text = |k: &str| body.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
        match (text("access_token"), text("refresh_token")) {
            (Some(access), Some(refresh)) => Ok(OaTokens {
                access_token: SecretString::from(access.to_owned()),
                refresh_token: SecretString::from(refresh.to_owned()),
                expires_in_secs: number(body.get("expires_in"))
                    .unwrap_or(90_000)
                    .clamp(60, 7 * 24 * 3600),
            }),
            _ => {
                let code = number(body.get("error")).unwrap_or(0);
                let words = text("error_description")
                    .or_else(|| text("error_name"))
                    .or_else(|| text("message"))
                    .unwrap_or("no token in the answer");
                Err(SuperAppError::InvalidToken(super::oa::zalo_words(&format!(
                    "{code} {words}"
                ))))
            }
        }
    }
}
