//! Clients of the message gateways that are not super-apps: a brandname-SMS gateway ([`esms`], eSMS.vn's HTTP
//! API). Like [`crate::superapp`], they speak the real wire format; only the base URL differs in the demo and the
//! tests (which point it at [`crate::sim`]).

pub mod esms;

use std::time::Duration;

use crate::config::Config;

/// The gateways' HTTP client and base URLs.
#[derive(Debug, Clone)]
pub struct Gateways {
    http: reqwest::Client,
    esms_url: String,
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
        })
    }
}
