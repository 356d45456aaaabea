//! Zalo Graph API: prove a mini-app user's access token and redeem their phone token (`SUPERAPP.md` §1).

use app::{api::Provider, domain::Phone};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use sha2::Sha256;

use super::{SuperAppError, SuperApps, VerifiedUser, read_json, unavailable};

/// Zalo's code for a call from outside Vietnam.
const GEO_BLOCKED: i64 = -501;

/// `hex(HMAC-SHA256(key = app_secret, msg = access_token))`.
pub fn appsecret_proof(app_secret: &str, access_token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(access_token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn zalo_error(body: &Value) -> Option<(i64, String)> {
    let code = body.get("error")?.as_i64().filter(|c| *c != 0)?;
    let message = body
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Some((code, message))
}

impl SuperApps {
    /// Verifies a Zalo user access token (and redeems the phone token when given) with the Graph API.
    pub async fn verify_zalo(
        &self,
        app_secret: &SecretString,
        access_token: &str,
        phone_token: Option<&str>,
    ) -> Result<VerifiedUser, SuperAppError> {
        let proof = appsecret_proof(app_secret.expose_secret(), access_token);
        let response = self
            .http
            .get(format!("{}/v2.0/me", self.zalo_graph_url))
            .query(&[("fields", "id,name,picture")])
            .header("access_token", access_token)
            .header("appsecret_proof", proof)
            .send()
            .await
            .map_err(unavailable)?;
        let body = read_json(response).await?;
        if let Some((code, message)) = zalo_error(&body) {
            return Err(match code {
                GEO_BLOCKED => SuperAppError::GeoBlocked,
                _ => SuperAppError::InvalidToken(format!("{code} {message}")),
            });
        }
        let user_id = body
            .get("id")
            .and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
            .filter(|id| !id.is_empty())
            .ok_or_else(|| SuperAppError::Unavailable("the profile answer has no id".into()))?;
        let name = body.get("name").and_then(Value::as_str).map(str::to_owned);
        let avatar_url = body
            .pointer("/picture/data/url")
            .and_then(Value::as_str)
            .map(str::to_owned);

        let phone = match phone_token {
            Some(code) if !code.trim().is_empty() => Some(self.zalo_phone(app_secret, access_token, code).await?),
            _ => None,
        };
        Ok(VerifiedUser {
            provider: Provider::Zalo,
            user_id,
            name,
            avatar_url,
            phone,
        })
    }

    async fn zalo_phone(
        &self,
        app_secret: &SecretString,
        access_token: &str,
        code: &str,
    ) -> Result<Phone, SuperAppError> {
        let response = self
            .http
            .get(format!("{}/v2.0/me/info", self.zalo_graph_url))
            .header("access_token", access_token)
            .header("code", code)
            .header("secret_key", app_secret.expose_secret())
            .send()
            .await
            .map_err(unavailable)?;
        let body = read_json(response).await?;
        if let Some((code, message)) = zalo_error(&body) {
            return Err(match code {
                GEO_BLOCKED => SuperAppError::GeoBlocked,
                _ => SuperAppError::PhoneTokenUsedOrExpired(format!("{code} {message}")),
            });
        }
        let number = body
            .pointer("/data/number")
            .and_then(Value::as_str)
            .ok_or_else(|| SuperAppError::Unavailable("the phone answer has no data.number".into()))?;
        Phone::parse(number).map_err(|_| SuperAppError::UnusablePhone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appsecret_proof_is_hex_hmac_sha256_of_the_token_keyed_by_the_secret() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            appsecret_proof("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
