//! A faithful simulator of the super-apps (`SUPERAPP.md` §1 and §6): the same paths, headers, signatures and
//! error shapes as Zalo and MoMo, plus a small control API to create users and switch failure modes. Mounted
//! under `/__sim` by `cham serve --demo`; tests start it on a port of its own with [`spawn`].

mod esms;
mod momo;
mod momo_pay;
mod refunds;
mod zalo;
mod zalo_checkout;
mod zalo_oa;
mod zalo_oa_send;
mod zalo_oauth;
mod zalo_zns;

use app::api::ErrorCode;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
};

use app::domain::Phone;
use axum::{Router, extract::State, http::StatusCode, routing::post};
use rsa::RsaPublicKey;
use secrecy::SecretString;
use serde::Deserialize;

use crate::error::{Error, Json};

/// A Zalo app the simulator knows: its id and secret.
#[derive(Debug, Clone)]
pub struct SimZaloApp {
    /// Zalo App id.
    pub app_id: String,
    /// Zalo App secret.
    pub app_secret: SecretString,
    /// The Checkout SDK's private key (payment macs), if the app takes payments.
    pub checkout_key: Option<SecretString>,
    /// The id of the OA linked to the app, and its secret key (webhook signatures), if there is one.
    pub oa: Option<(String, SecretString)>,
}

/// A MoMo partner the simulator knows.
#[derive(Debug, Clone)]
pub struct SimMomoPartner {
    /// Partner code.
    pub partner_code: String,
    /// Secret key, part of the signed text (and the payment signatures' key).
    pub secret_key: SecretString,
    /// Access key, part of the payment signatures' text.
    pub access_key: Option<SecretString>,
    /// Public half of the partner's RSA key, which verifies `OP-Signature`.
    pub public_key: RsaPublicKey,
}

/// What the simulator accepts.
#[derive(Debug, Clone, Default)]
pub struct SimConfig {
    /// Zalo apps; users are created for the first unless a request names another.
    pub zalo_apps: Vec<SimZaloApp>,
    /// MoMo partners.
    pub momo_partners: Vec<SimMomoPartner>,
}

/// How a simulated super-app misbehaves, switched with `POST /__sim/control/failure`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureMode {
    /// Answers normally.
    #[default]
    None,
    /// Zalo's `-501`: the caller is outside Vietnam.
    GeoBlocked,
    /// HTTP 503 with an HTML body, as a load balancer would answer.
    Unavailable,
}

#[derive(Debug, Clone)]
struct SimUser {
    id: String,
    name: String,
    phone: Option<Phone>,
    app: String,
    /// The user's id at the app's OA, once they have followed it (kept when they unfollow, as Zalo does).
    follower_id: Option<String>,
    following: bool,
}

#[derive(Debug, Clone)]
struct OneTimeToken {
    user_id: String,
    issued_ms: i64,
    used: bool,
}

#[derive(Debug, Default)]
struct SimState {
    zalo_users: Vec<SimUser>,
    zalo_access_tokens: HashMap<String, String>,
    zalo_phone_tokens: HashMap<String, OneTimeToken>,
    momo_users: Vec<SimUser>,
    momo_auth_codes: HashMap<String, OneTimeToken>,
    zalo_failure: FailureMode,
    momo_failure: FailureMode,
    momo_payments: HashMap<String, momo_pay::SimPayment>,
    zalo_checkouts: HashMap<String, zalo_checkout::SimCheckout>,
    zalo_callback_urls: HashMap<String, String>,
    zalo_oa_webhook_urls: HashMap<String, String>,
    /// OA refresh tokens Zalo has handed out and not seen spent, by token: the app.
    oa_refresh_tokens: HashMap<String, String>,
    /// OA access tokens, by token: the app.
    oa_access_tokens: HashMap<String, String>,
    /// Messages the simulated OA took.
    oa_messages: Vec<zalo_oa_send::SimOaMessage>,
    /// ZNS messages the simulator took.
    zns_messages: Vec<zalo_zns::SimZns>,
    /// eSMS accounts.
    esms_accounts: esms::Accounts,
    /// SMS the simulated gateway took.
    sms_messages: Vec<esms::SimSms>,
    /// Their `RequestId`s, so a repeated one is refused at once however many were sent.
    sms_request_ids: std::collections::HashSet<String>,
    /// Every OA send answers `-220` (token expired).
    oa_token_expired: bool,
    zalo_refunds: HashMap<String, refunds::SimZaloRefund>,
    zalo_refund_mode: refunds::RefundMode,
    momo_refunds: HashMap<String, refunds::SimMomoRefund>,
    clock_offset_ms: i64,
}

/// The simulator: configuration and in-memory state; cheap to clone.
#[derive(Debug, Clone)]
pub struct Sim {
    config: Arc<SimConfig>,
    state: Arc<Mutex<SimState>>,
}

/// A phone token lives two minutes (`SUPERAPP.md` §1); a MoMo auth code five.
const PHONE_TOKEN_TTL_MS: i64 = 2 * 60 * 1000;
const MOMO_AUTH_CODE_TTL_MS: i64 = 5 * 60 * 1000;

impl Sim {
    /// A simulator accepting the apps and partners of `config`.
    pub fn new(config: SimConfig) -> Self {
        Self {
            config: Arc::new(config),
            state: Arc::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, SimState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Where the simulated Checkout posts its callbacks for `app_id` (the Callback URL a brand sets in Zalo's
    /// console).
    pub fn set_zalo_checkout_callback(&self, app_id: &str, url: &str) {
        self.state()
            .zalo_callback_urls
            .insert(app_id.to_owned(), url.to_owned());
    }

    /// Where the simulated OA posts its webhook deliveries for `app_id` (the Webhook URL a brand sets in the OA's
    /// settings).
    pub fn set_zalo_oa_webhook(&self, app_id: &str, url: &str) {
        self.state()
            .zalo_oa_webhook_urls
            .insert(app_id.to_owned(), url.to_owned());
    }

    fn now_ms(&self) -> i64 {
        crate::db::now_ms() + self.state().clock_offset_ms
    }

    /// The routes, to be nested under `/__sim`.
    pub fn router(&self) -> Router {
        Router::new()
            .merge(zalo::routes())
            .merge(momo::routes())
            .merge(momo_pay::routes())
            .merge(zalo_checkout::routes())
            .merge(zalo_oa::routes())
            .merge(zalo_oauth::routes())
            .merge(zalo_oa_send::routes())
            .merge(zalo_zns::routes())
            .merge(esms::routes())
            .merge(refunds::routes())
            .route("/control/failure", post(set_failure))
            .route("/control/clock", post(advance_clock))
            .with_state(self.clone())
    }
}

/// A simulator serving on its own port.
#[derive(Debug)]
pub struct SpawnedSim {
    /// `http://127.0.0.1:PORT/__sim`.
    pub base_url: String,
    /// The simulator, for inspecting or steering it in-process.
    pub sim: Sim,
}

impl SpawnedSim {
    /// `CHAM_ZALO_GRAPH_URL` for this simulator.
    pub fn zalo_graph_url(&self) -> String {
        format!("{}/zalo/graph", self.base_url)
    }

    /// `CHAM_ZALO_OPENAPI_URL` for this simulator.
    pub fn zalo_openapi_url(&self) -> String {
        format!("{}/zalo/openapi", self.base_url)
    }

    /// `CHAM_ZNS_URL` for this simulator.
    pub fn zns_url(&self) -> String {
        format!("{}/zalo/zns", self.base_url)
    }

    /// `CHAM_ESMS_URL` for this simulator.
    pub fn esms_url(&self) -> String {
        format!("{}/esms", self.base_url)
    }

    /// `CHAM_ZALO_OAUTH_URL` for this simulator.
    pub fn zalo_oauth_url(&self) -> String {
        format!("{}/zalo/oauth", self.base_url)
    }

    /// `CHAM_ZALO_PAYMENT_URL` for this simulator.
    pub fn zalo_payment_url(&self) -> String {
        format!("{}/zalo/payment", self.base_url)
    }

    /// `CHAM_MOMO_PAYMENT_URL` for this simulator.
    pub fn momo_payment_url(&self) -> String {
        format!("{}/momo/pay", self.base_url)
    }

    /// `CHAM_MOMO_OPEN_URL` for this simulator.
    pub fn momo_open_url(&self) -> String {
        format!("{}/momo/open", self.base_url)
    }
}

/// Serves a simulator on 127.0.0.1, on a free port, until the runtime stops.
pub async fn spawn(config: SimConfig) -> anyhow::Result<SpawnedSim> {
    let sim = Sim::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new().nest("/__sim", sim.router());
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "simulator stopped");
        }
    });
    Ok(SpawnedSim {
        base_url: format!("http://{addr}/__sim"),
        sim,
    })
}

#[derive(Debug, Deserialize)]
struct FailureRequest {
    #[serde(default)]
    zalo: Option<FailureMode>,
    #[serde(default)]
    momo: Option<FailureMode>,
}

async fn set_failure(State(sim): State<Sim>, Json(req): Json<FailureRequest>) -> StatusCode {
    let mut state = sim.state();
    if let Some(mode) = req.zalo {
        state.zalo_failure = mode;
    }
    if let Some(mode) = req.momo {
        state.momo_failure = mode;
    }
    StatusCode::NO_CONTENT
}

#[derive(Debug, Deserialize)]
struct ClockRequest {
    advance_secs: i64,
}

async fn advance_clock(State(sim): State<Sim>, Json(req): Json<ClockRequest>) -> StatusCode {
    sim.state().clock_offset_ms += req.advance_secs * 1000;
    StatusCode::NO_CONTENT
}

/// `{"name":…,"phone":…}` for creating a simulated user.
#[derive(Debug, Deserialize)]
struct NewUser {
    name: String,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    app_id: Option<String>,
}

impl NewUser {
    fn validate(self, default_app: Option<&str>) -> Result<SimUser, Error> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(Error::unprocessable(
                ErrorCode::InvalidName,
                "A simulated user needs a name of 1 to 80 characters.",
            ));
        }
        let phone = match self.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(Phone::parse(p).map_err(|e| Error::unprocessable(ErrorCode::InvalidPhone, e.to_string()))?),
            None => None,
        };
        let app = self
            .app_id
            .or_else(|| default_app.map(str::to_owned))
            .ok_or_else(|| Error::unprocessable(ErrorCode::NoApp, "The simulator has no app configured."))?;
        Ok(SimUser {
            id: String::new(),
            name,
            phone,
            app,
            follower_id: None,
            following: false,
        })
    }
}

/// A random numeric id like the ones Zalo and MoMo hand out.
fn numeric_id() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    format!(
        "{}{:018}",
        rng.gen_range(1..=9),
        rng.gen_range(0..1_000_000_000_000_000_000u64)
    )
}

/// One listed simulated user, with the phone masked.
#[derive(Debug, serde::Serialize)]
struct ListedUser {
    id: String,
    name: String,
    phone_masked: Option<String>,
}

impl From<&SimUser> for ListedUser {
    fn from(u: &SimUser) -> Self {
        Self {
            id: u.id.clone(),
            name: u.name.clone(),
            phone_masked: u.phone.as_ref().map(Phone::masked),
        }
    }
}
