//! Clients of the super-apps' platform APIs. They speak the real wire formats of `SUPERAPP.md`; only base URLs
//! and secrets differ between production, the local demo and the tests (which point them at [`crate::sim`]).

mod momo;
pub mod oa;
pub mod oa_send;
mod oa_token;
pub mod payments;
pub mod refunds;
mod zalo;
pub mod zns;

use app::api::ErrorCode;
use std::time::Duration;

use app::{api::Provider, domain::Phone};
use axum::http::StatusCode;

use crate::{config::Config, error::Error};

pub use momo::{MomoCredentials, momo_signature, momo_signed_data};
pub use oa_token::OaTokens;
pub use zalo::appsecret_proof;

/// A super-app user whose token the super-app itself vouched for.
#[derive(Debug, Clone)]
pub struct VerifiedUser {
    /// Which super-app.
    pub provider: Provider,
    /// The user's id at that super-app (Zalo: app-scoped id; MoMo: user id).
    pub user_id: String,
    /// Display name.
    pub name: Option<String>,
    /// Avatar URL.
    pub avatar_url: Option<String>,
    /// The phone the super-app verified, when the user shared it.
    pub phone: Option<Phone>,
}

/// Why a super-app did not vouch for a user.
#[derive(Debug, thiserror::Error)]
pub enum SuperAppError {
    /// The token is invalid, expired or for another app.
    #[error("the super-app refused the token: {0}")]
    InvalidToken(String),
    /// The Zalo phone token was already redeemed or is older than two minutes.
    #[error("the phone token was already used or has expired: {0}")]
    PhoneTokenUsedOrExpired(String),
    /// Zalo refuses calls from outside Vietnam (`-501`).
    #[error("the super-app refused a call from outside Vietnam")]
    GeoBlocked,
    /// The super-app rejected our own credentials (a wrong secret or signature).
    #[error("the super-app rejected the brand's credentials: {0}")]
    CredentialsRejected(String),
    /// The brand has not configured this super-app.
    #[error("the brand has not configured {0}")]
    NotConfigured(&'static str),
    /// The super-app returned a phone number that is not a Vietnamese mobile.
    #[error("the super-app returned an unusable phone number")]
    UnusablePhone,
    /// The payment service refused to start a payment (its code and message).
    #[error("the payment service refused: {0}")]
    PaymentRefused(String),
    /// Timeout, connection failure, 5xx or an answer we cannot read.
    #[error("the super-app is unavailable: {0}")]
    Unavailable(String),
}

impl From<SuperAppError> for Error {
    fn from(e: SuperAppError) -> Self {
        match &e {
            SuperAppError::InvalidToken(_) => Error::unauthorized(
                ErrorCode::InvalidSuperappToken,
                "The super-app did not accept this sign-in token. Open the mini app again to get a new one.",
            ),
            SuperAppError::PhoneTokenUsedOrExpired(_) => Error::unauthorized(
                ErrorCode::PhoneTokenUsedOrExpired,
                "The phone-number token was already used or is older than two minutes. Ask for the phone number again.",
            ),
            SuperAppError::GeoBlocked => Error::new(
                StatusCode::BAD_GATEWAY,
                ErrorCode::SuperappGeoBlocked,
                "Zalo refused the call because it did not come from Vietnam: the server needs a Vietnamese egress (an IP address inside Vietnam) to call Zalo's APIs.",
            ),
            SuperAppError::CredentialsRejected(_) => {
                tracing::error!(error = %e, "super-app rejected the brand's credentials");
                Error::new(
                    StatusCode::BAD_GATEWAY,
                    ErrorCode::SuperappCredentialsRejected,
                    "The super-app rejected this brand's credentials; the brand admin must check them.",
                )
            }
            SuperAppError::NotConfigured(what) => Error::unprocessable(
                ErrorCode::ProviderNotConfigured,
                format!("This brand has not set up sign-in with {what}."),
            ),
            SuperAppError::PaymentRefused(_) => {
                tracing::warn!(error = %e, "payment service refused");
                Error::new(
                    StatusCode::BAD_GATEWAY,
                    ErrorCode::PaymentRefused,
                    "The payment service refused to start the payment. Try again later.",
                )
            }
            SuperAppError::UnusablePhone => Error::new(
                StatusCode::BAD_GATEWAY,
                ErrorCode::SuperappBadPhone,
                "The super-app returned a phone number that is not a Vietnamese mobile number.",
            ),
            SuperAppError::Unavailable(_) => {
                tracing::warn!(error = %e, "super-app unavailable");
                Error::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::SuperappUnavailable,
                    "The super-app did not answer in time. Try again in a moment.",
                )
            }
        }
    }
}

/// The HTTP clients for every super-app, with their base URLs.
#[derive(Debug, Clone)]
pub struct SuperApps {
    http: reqwest::Client,
    zalo_graph_url: String,
    momo_open_url: String,
    momo_payment_url: String,
    zalo_payment_url: String,
    zalo_oauth_url: String,
    zalo_openapi_url: String,
    zalo_zns_url: String,
}

impl SuperApps {
    /// Clients for the base URLs in `config`.
    pub fn new(config: &Config) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(config.superapp_timeout_ms))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("cham/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            zalo_graph_url: config.zalo_graph_url.trim_end_matches('/').to_owned(),
            momo_open_url: config.momo_open_url.trim_end_matches('/').to_owned(),
            momo_payment_url: config.momo_payment_url.trim_end_matches('/').to_owned(),
            zalo_payment_url: config.zalo_payment_url.trim_end_matches('/').to_owned(),
            zalo_oauth_url: config.zalo_oauth_url.trim_end_matches('/').to_owned(),
            zalo_openapi_url: config.zalo_openapi_url.trim_end_matches('/').to_owned(),
            zalo_zns_url: config.zns_url.trim_end_matches('/').to_owned(),
        })
    }
}

fn unavailable(e: reqwest::Error) -> SuperAppError {
    SuperAppError::Unavailable(e.without_url().to_string())
}

/// Reads a JSON answer whatever its status; a non-JSON answer is an outage.
async fn read_json(response: reqwest::Response) -> Result<serde_json::Value, SuperAppError> {
    let status = response.status();
    let body = response.bytes().await.map_err(unavailable)?;
    serde_json::from_slice(&body)
        .map_err(|_| SuperAppError::Unavailable(format!("HTTP {status} with a body that is not JSON")))
}
