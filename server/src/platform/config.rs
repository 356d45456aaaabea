//! Layered configuration: defaults → an optional TOML file → `CHAM_*` environment variables (nested keys split
//! on `__`). Secrets are [`SecretString`]s, so neither `Debug` nor logs ever show them.

use std::{net::SocketAddr, path::PathBuf};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// The Zalo Mini App origin, always allowed by CORS (`SUPERAPP.md` §1).
pub const ZALO_MINI_APP_ORIGIN: &str = "https://h5.zdn.vn";

/// Everything the server can be told.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    /// Address to listen on (`CHAM_LISTEN`).
    pub listen: SocketAddr,
    /// `sqlite://path` or `postgres://…` (`CHAM_DATABASE_URL`).
    pub database_url: String,
    /// 32 bytes as 64 hex characters or base64; encrypts brand secrets at rest and keys session tokens
    /// (`CHAM_MASTER_KEY`). Without it a SQLite deployment keeps a generated key beside its database.
    #[serde(skip_serializing)]
    pub master_key: Option<SecretString>,
    /// `text` or `json` (`CHAM_LOG_FORMAT`).
    pub log_format: LogFormat,
    /// Browser origins allowed to call the API besides `https://h5.zdn.vn` (`CHAM_CORS_ORIGINS`, comma-separated).
    pub cors_origins: Vec<String>,
    /// Zalo Graph API, `https://graph.zalo.me`.
    pub zalo_graph_url: String,
    /// Zalo OA Open API, `https://openapi.zalo.me`.
    pub zalo_openapi_url: String,
    /// Zalo OAuth, `https://oauth.zaloapp.com`.
    pub zalo_oauth_url: String,
    /// ZNS, `https://business.openapi.zalo.me`.
    pub zns_url: String,
    /// The eSMS.vn brandname-SMS gateway, `https://rest.esms.vn`.
    pub esms_url: String,
    /// Zalo Mini App payments, `https://payment-mini.zalo.me`.
    pub zalo_payment_url: String,
    /// MoMo open platform, `https://openapi.momo.vn`.
    pub momo_open_url: String,
    /// MoMo payments, `https://payment.momo.vn`.
    pub momo_payment_url: String,
    /// The server's own address as the super-apps reach it (`CHAM_PUBLIC_URL`): MoMo's IPN and return URLs are
    /// built on it. Unset, it is `http://` and the listen address.
    pub public_url: Option<String>,
    /// Folder holding the built WASM app (`cargo xtask build` writes `target/site`).
    pub public_dir: PathBuf,
    /// The brand the browser app shows when the page does not name one (`?brand=`).
    pub default_brand: String,
    /// The path the web app is served under, `/` or `/some/path/` (`CHAM_BASE_PATH`).
    pub base_path: String,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Lifetime of an access JWT, in seconds (at most 900).
    pub access_token_ttl_secs: i64,
    /// Lifetime of a refresh token, in days.
    pub refresh_token_ttl_days: i64,
    /// Timeout of one call to a super-app, in milliseconds.
    pub superapp_timeout_ms: u64,
    /// Whether `cham serve` also runs background workers (`CHAM_WORKERS`; `cham worker` runs only workers).
    pub workers: bool,
    /// How long a worker's claim on a job holds without renewal, in seconds (`CHAM_JOB_LEASE_SECS`).
    pub job_lease_secs: u64,
    /// How often an idle worker looks for due jobs, in milliseconds (`CHAM_JOB_POLL_MS`).
    pub job_poll_ms: u64,
    /// How long a worker's claim on a message's recipient holds, in seconds (`CHAM_SEND_LEASE_SECS`): longer than
    /// every channel's call at its timeout; a killed worker's recipients go to another worker after it.
    pub send_lease_secs: u64,
    /// Jobs one process runs at once (`CHAM_WORKER_CONCURRENCY`).
    pub worker_concurrency: usize,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line.
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            database_url: "sqlite://data/cham.db".into(),
            master_key: None,
            log_format: LogFormat::Text,
            cors_origins: Vec::new(),
            zalo_graph_url: "https://graph.zalo.me".into(),
            zalo_openapi_url: "https://openapi.zalo.me".into(),
            zalo_oauth_url: "https://oauth.zaloapp.com".into(),
            zns_url: "https://business.openapi.zalo.me".into(),
            esms_url: "https://rest.esms.vn".into(),
            zalo_payment_url: "https://payment-mini.zalo.me".into(),
            momo_open_url: "https://openapi.momo.vn".into(),
            momo_payment_url: "https://payment.momo.vn".into(),
            public_url: None,
            public_dir: PathBuf::from("target/site"),
            default_brand: "demo".into(),
            base_path: "/".into(),
            body_limit_bytes: 1024 * 1024,
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            superapp_timeout_ms: 10_000,
            workers: true,
            job_lease_secs: 60,
            job_poll_ms: 1_000,
            send_lease_secs: 120,
            worker_concurrency: 4,
        }
    }
}

impl Config {
    /// Reads the defaults, then `file` (if given), then the `CHAM_*` environment.
    pub fn load(file: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            anyhow::ensure!(file.exists(), "config file {} not found", file.display());
            figment = figment.merge(Toml::file(file));
        }
        // CHAM_CORS_ORIGINS is a comma-separated list in the environment, read below.
        let env = Env::prefixed("CHAM_").split("__").ignore(&["cors_origins"]);
        let mut config: Config = figment.merge(env).extract()?;
        if let Ok(origins) = std::env::var("CHAM_CORS_ORIGINS") {
            config.cors_origins = origins
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect();
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot.
    pub fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            (1..=900).contains(&self.access_token_ttl_secs),
            "access_token_ttl_secs must be between 1 and 900"
        );
        anyhow::ensure!(
            self.refresh_token_ttl_days >= 1,
            "refresh_token_ttl_days must be at least 1"
        );
        anyhow::ensure!(
            self.base_path.starts_with('/')
                && self.base_path.ends_with('/')
                && !self.base_path.contains(['"', '<', '>']),
            "base_path must start and end with / (e.g. / or /app/)"
        );
        anyhow::ensure!(
            (1..=3_600).contains(&self.job_lease_secs),
            "job_lease_secs must be between 1 and 3600"
        );
        anyhow::ensure!(
            (1..=3_600).contains(&self.send_lease_secs),
            "send_lease_secs must be between 1 and 3600"
        );
        anyhow::ensure!(
            (10..=60_000).contains(&self.job_poll_ms),
            "job_poll_ms must be between 10 and 60000"
        );
        anyhow::ensure!(
            (1..=64).contains(&self.worker_concurrency),
            "worker_concurrency must be between 1 and 64"
        );
        anyhow::ensure!(
            self.database_url.starts_with("sqlite:") || self.database_url.starts_with("postgres"),
            "database_url must start with sqlite:// or postgres://"
        );
        Ok(())
    }

    /// The job workers' options.
    /// [`Config::send_lease_secs`] in milliseconds.
    pub fn send_lease_ms(&self) -> i64 {
        i64::try_from(self.send_lease_secs.saturating_mul(1000)).unwrap_or(i64::MAX)
    }

    pub fn worker_options(&self) -> crate::platform::jobs::WorkerOptions {
        crate::platform::jobs::WorkerOptions {
            lease: std::time::Duration::from_secs(self.job_lease_secs),
            poll: std::time::Duration::from_millis(self.job_poll_ms),
            concurrency: self.worker_concurrency,
        }
    }

    /// Every origin CORS allows: the Zalo mini app origin and the configured ones.
    pub fn allowed_origins(&self) -> Vec<String> {
        let mut all = vec![ZALO_MINI_APP_ORIGIN.to_owned()];
        all.extend(self.cors_origins.iter().cloned());
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn debug_output_never_shows_the_master_key() {
        let config = Config {
            master_key: Some(SecretString::from("super-secret-key-material")),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("super-secret"));
        assert_eq!(config.master_key.unwrap().expose_secret(), "super-secret-key-material");
    }

    #[test]
    fn defaults_point_at_the_real_super_app_hosts() {
        let c = Config::default();
        assert_eq!(c.zalo_graph_url, "https://graph.zalo.me");
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/cham.db");
        assert!(c.allowed_origins().contains(&ZALO_MINI_APP_ORIGIN.to_owned()));
        c.validate().unwrap();
    }
}
