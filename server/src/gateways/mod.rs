//! Clients of the message gateways that are not super-apps: a brandname-SMS gateway ([`esms`], eSMS.vn's HTTP
//! API) and the brand's own SMTP server ([`smtp`]). Like [`crate::superapp`], they speak the real wire format; only
//! the address differs in the demo and the tests (eSMS's base URL points at [`crate::sim`]; the tests start a real
//! SMTP server).

pub mod esms;
pub mod smtp;

use std::time::Duration;

use crate::config::Config;

/// What a gateway answered to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Taken, with the gateway's id for it (none when it was a repeat it had taken before).
    Sent(Option<String>),
    /// This person cannot get it this way (a blocked phone, a mailbox that does not exist).
    Unreachable(String),
    /// Refused for the brand's account or the message (its code and words).
    Refused(String),
    /// No answer, or one we cannot read: try again later.
    Unavailable(String),
}

/// The gateways' HTTP client and base URLs, and the SMTP connections in use.
#[derive(Debug, Clone)]
pub struct Gateways {
    http: reqwest::Client,
    esms_url: String,
    smtp: smtp::Pools,
    timeout: Duration,
}

impl Gateways {
    /// Clients for the base URLs in `config`.
    pub fn new(config: &Config) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(config.superapp_timeout_ms))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("cham/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            esms_url: config.esms_url.trim_end_matches('/').to_owned(),
            smtp: smtp::Pools::default(),
            timeout: Duration::from_millis(config.superapp_timeout_ms.max(10_000)),
        })
    }
}
