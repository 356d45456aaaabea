//! `spawn_app`: the real server on port 0 with a database of its own (a SQLite file, or a fresh PostgreSQL
//! database), a brand with simulator credentials, and the super-app simulator on a port of its own.

use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};

use app::api::StaffRole;
use cham_server::{
    LaunchOptions,
    auth::{staff::create_user, tokens::SessionKeys},
    brands::{Brand, Credentials},
    config::Config,
    crypto::MasterKey,
    db::Db,
    demo,
    sim::{self, SpawnedSim},
};
use reqwest::{Response, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// Which store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests create their databases on, from `CHAM_TEST_POSTGRES_URL`. Without it the
/// PostgreSQL variants are skipped, except in CI (`CI` set), where they fail: CI must test both stores.
fn postgres_url() -> Option<String> {
    match std::env::var("CHAM_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "CI must test PostgreSQL too: set CHAM_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test)"
            )
        }
        _ => None,
    }
}

/// One RSA key for every test in the process: generating one takes a while.
fn momo_key() -> SecretString {
    static KEY: OnceLock<SecretString> = OnceLock::new();
    KEY.get_or_init(|| demo::generate_momo_key().expect("RSA key generation"))
        .clone()
}

fn init_logs() {
    if std::env::var_os("TEST_LOG").is_some() {
        cham_server::telemetry::init(cham_server::config::LogFormat::Text);
    } else {
        // The server's warnings and errors through the test harness's capture: a failing test shows what the
        // server said (a 500's cause), a passing one nothing.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
            .try_init();
    }
}

/// A running server and everything a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    pub client: reqwest::Client,
    pub sim: SpawnedSim,
    /// A handle on the same store, for assertions.
    pub db: Db,
    pub brand: Brand,
    pub keys: SessionKeys,
    pub master: MasterKey,
    pub config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    postgres_db: Option<(String, String)>,
    _dir: Arc<tempfile::TempDir>,
}

/// Tokens the simulated Zalo handed a mini app.
#[derive(Debug, Clone)]
pub struct ZaloTokens {
    pub id: String,
    pub access_token: String,
    pub phone_token: String,
}

/// Options for [`spawn_with`].
#[derive(Default)]
pub struct SpawnOptions {
    /// Point the Zalo client here instead of at the simulator.
    pub zalo_graph_url: Option<String>,
    /// The brand's Zalo App secret instead of a random one.
    pub zalo_app_secret: Option<String>,
    /// Launch in demo mode (demo brand seeded, simulator mounted under /__sim on the server itself).
    pub demo: bool,
    /// Run no background workers in the server (a test drives its own).
    pub no_workers: bool,
    /// The server's clock, which the test moves; the system's when `None`.
    pub clock: Option<cham_server::clock::Clock>,
    /// Browser origins CORS allows besides the server's own (a packaged mini app served from elsewhere).
    pub cors_origins: Vec<String>,
}

/// The server on `store` with default options; `None` when PostgreSQL is not configured outside CI.
pub async fn spawn_app(store: Store) -> Option<TestApp> {
    spawn_with(store, SpawnOptions::default()).await
}

/// The server on `store` with `options`.
pub async fn spawn_with(store: Store, options: SpawnOptions) -> Option<TestApp> {
    init_logs();
    let dir = Arc::new(tempfile::tempdir().expect("a temporary folder"));
    let (database_url, postgres_db) = match store {
        Store::Sqlite => (format!("sqlite://{}/cham.db", dir.path().display()), None),
        Store::Postgres => {
            let Some(admin_url) = postgres_url() else {
                eprintln!("skipped: CHAM_TEST_POSTGRES_URL is not set");
                return None;
            };
            let name = format!("cham_t_{}", uuid::Uuid::now_v7().simple());
            create_database(&admin_url, &name).await;
            let mut url = url_with_database(&admin_url, &name);
            if !url.contains('?') {
                url.push_str("?sslmode=disable");
            }
            (url, Some((admin_url, name)))
        }
    };
    let master = MasterKey::generate();
    let db = cham_server::open_store(&Config {
        database_url: database_url.clone(),
        ..Config::default()
    })
    .await
    .expect("the test store opens");
    let sealer = master.sealer();
    let secret = |s: &str| Some(SecretString::from(s.to_owned()));
    let app_secret = options
        .zalo_app_secret
        .clone()
        .unwrap_or_else(|| format!("secret-{}", uuid::Uuid::now_v7()));
    let creds = Credentials {
        zalo_app_id: Some("1234567890".into()),
        zalo_app_secret: secret(&app_secret),
        zalo_oa_id: Some("oa-acme".into()),
        zalo_oa_secret_key: secret("oa-secret"),
        zalo_checkout_private_key: secret("checkout-key"),
        momo_partner_code: Some("MOMOACME".into()),
        momo_access_key: secret("momo-access"),
        momo_secret_key: secret("momo-secret"),
        momo_open_private_key: Some(momo_key()),
    };
    let slug = app::domain::BrandSlug::parse("acme").unwrap();
    let brand = Brand::create(&db, &sealer, &slug, "Acme Trà Sữa", &creds)
        .await
        .expect("brand created");
    let sim = sim::spawn(demo::sim_config_for(&brand, &sealer).unwrap())
        .await
        .expect("simulator starts");

    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let config = Config {
        database_url,
        master_key: Some(master.to_hex()),
        // In demo mode the server mounts its own simulator and points at it, as `cham serve --demo` does.
        zalo_graph_url: match (&options.zalo_graph_url, options.demo) {
            (Some(url), _) => url.clone(),
            (None, true) => Config::default().zalo_graph_url,
            (None, false) => sim.zalo_graph_url(),
        },
        momo_open_url: if options.demo {
            Config::default().momo_open_url
        } else {
            sim.momo_open_url()
        },
        zalo_payment_url: if options.demo {
            Config::default().zalo_payment_url
        } else {
            sim.zalo_payment_url()
        },
        momo_payment_url: if options.demo {
            Config::default().momo_payment_url
        } else {
            sim.momo_payment_url()
        },
        zalo_oauth_url: if options.demo {
            Config::default().zalo_oauth_url
        } else {
            sim.zalo_oauth_url()
        },
        zalo_openapi_url: if options.demo {
            Config::default().zalo_openapi_url
        } else {
            sim.zalo_openapi_url()
        },
        zns_url: if options.demo {
            Config::default().zns_url
        } else {
            sim.zns_url()
        },
        esms_url: if options.demo {
            Config::default().esms_url
        } else {
            sim.esms_url()
        },
        public_dir: workspace.join("target/site"),
        default_brand: if options.demo { "demo".into() } else { "acme".into() },
        superapp_timeout_ms: 3_000,
        workers: !options.no_workers,
        cors_origins: options.cors_origins.clone(),
        ..Config::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    if let Some(app_id) = &brand.zalo_app_id {
        let callback = format!("{address}/api/v1/webhooks/zalo-checkout/{}", brand.slug);
        sim.sim.set_zalo_checkout_callback(app_id, &callback);
        let webhook = format!("{address}/api/v1/webhooks/zalo-oa/{}", brand.slug);
        sim.sim.set_zalo_oa_webhook(app_id, &webhook);
    }
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(cham_server::launch(
        config.clone(),
        LaunchOptions {
            demo: options.demo,
            clock: options.clock.clone(),
        },
        listener,
        async move {
            let _ = rx.await;
        },
    ));
    let app = TestApp {
        address,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
        sim,
        keys: SessionKeys::new(&master, &config),
        db,
        brand,
        master,
        config,
        shutdown: Some(tx),
        server: Some(server),
        postgres_db,
        _dir: dir,
    };
    app.wait_until_ready().await;
    Some(app)
}

async fn create_database(admin_url: &str, name: &str) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at CHAM_TEST_POSTGRES_URL does not answer: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("CREATE DATABASE");
    let _ = conn.close().await;
}

fn url_with_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("CHAM_TEST_POSTGRES_URL is a URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some((admin_url, name)) = self.postgres_db.take() {
            // Drop the test's database from a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    use sqlx::Connection;
                    if let Ok(mut conn) = sqlx::AnyConnection::connect(&admin_url).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

impl TestApp {
    async fn wait_until_ready(&self) {
        for _ in 0..200 {
            if let Ok(r) = self.client.get(format!("{}/readyz", self.address)).send().await
                && r.status() == StatusCode::OK
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the server did not become ready");
    }

    /// Sends the shutdown signal and waits until the server has finished in-flight requests and closed the store.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.server.take() {
            Some(server) => server.await?,
            None => Ok(()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).json(body).send().await.unwrap()
    }

    pub async fn get_with(&self, path: &str, token: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    /// Creates a simulated Zalo user and returns the tokens Zalo would hand the mini app.
    pub async fn zalo_user(&self, name: &str, phone: &str) -> ZaloTokens {
        let body: Value = self
            .client
            .post(format!("{}/zalo/users", self.sim.base_url))
            .json(&json!({ "name": name, "phone": phone }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        zalo_tokens(&body)
    }

    /// New tokens for an existing simulated Zalo user.
    pub async fn zalo_tokens_for(&self, id: &str) -> ZaloTokens {
        let body: Value = self
            .client
            .post(format!("{}/zalo/users/{id}/tokens", self.sim.base_url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        zalo_tokens(&body)
    }

    /// Creates a simulated MoMo user and returns their `getUserAuth` token.
    pub async fn momo_user(&self, name: &str, phone: &str) -> String {
        let body: Value = self
            .client
            .post(format!("{}/momo/users", self.sim.base_url))
            .json(&json!({ "name": name, "phone": phone }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["auth_token"].as_str().unwrap().to_owned()
    }

    /// Switches a simulator failure mode, e.g. `{"zalo":"geo_blocked"}`.
    pub async fn sim_control(&self, what: &str, body: Value) {
        let r = self
            .client
            .post(format!("{}/control/{what}", self.sim.base_url))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }

    pub async fn sign_in_zalo(&self, tokens: &ZaloTokens) -> Response {
        self.post_json(
            "/api/v1/auth/session",
            &json!({ "brand": "acme", "provider": "zalo", "access_token": tokens.access_token, "phone_token": tokens.phone_token }),
        )
        .await
    }

    pub async fn sign_in_momo(&self, token: &str) -> Response {
        self.post_json(
            "/api/v1/auth/session",
            &json!({ "brand": "acme", "provider": "momo", "access_token": token }),
        )
        .await
    }

    /// Signs a new Zalo user in and returns the session body.
    pub async fn signed_in_customer(&self, name: &str, phone: &str) -> Value {
        let tokens = self.zalo_user(name, phone).await;
        let r = self.sign_in_zalo(&tokens).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    /// Number of rows in `table`.
    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(self.db.read())
            .await
            .unwrap();
        n
    }

    /// Profiles, identities and sessions, for "nothing changed" assertions.
    pub async fn footprint(&self) -> (i64, i64, i64) {
        (
            self.count("profiles").await,
            self.count("identities").await,
            self.count("auth_sessions").await,
        )
    }

    /// Creates a brand user with a random password and returns the password.
    pub async fn brand_user(&self, brand: &Brand, email: &str, role: StaffRole) -> String {
        let password = format!("pw-{}", uuid::Uuid::now_v7().simple());
        create_user(&self.db, &brand.id, email, &password, role).await.unwrap();
        password
    }

    /// Another brand in the same deployment, with the same simulator credentials.
    pub async fn other_brand(&self, slug: &str) -> Brand {
        let slug = app::domain::BrandSlug::parse(slug).unwrap();
        Brand::create(
            &self.db,
            &self.master.sealer(),
            &slug,
            "Other Brand",
            &Credentials::default(),
        )
        .await
        .unwrap()
    }

    /// Signs a brand user in and returns the access token.
    pub async fn admin_token(&self, brand: &str, email: &str, password: &str) -> String {
        let r = self
            .post_json(
                "/api/v1/admin/session",
                &json!({ "brand": brand, "email": email, "password": password }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        body["tokens"]["access_token"].as_str().unwrap().to_owned()
    }
}

fn zalo_tokens(body: &Value) -> ZaloTokens {
    ZaloTokens {
        id: body["id"].as_str().unwrap().to_owned(),
        access_token: body["access_token"].as_str().unwrap().to_owned(),
        phone_token: body["phone_token"].as_str().unwrap().to_owned(),
    }
}

/// Asserts an API error: the status and the stable code; returns the body.
pub async fn assert_error(response: Response, status: StatusCode, code: &str) -> Value {
    let actual = response.status();
    let body: Value = response.json().await.expect("an error body is JSON");
    assert_eq!(actual, status, "status for {body}");
    assert_eq!(body["error"]["code"], code, "code in {body}");
    assert!(
        body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "a message in {body}"
    );
    body
}

/// Runs each test body against SQLite and, when configured, PostgreSQL: `mod name { fn sqlite; fn postgres }`.
#[macro_export]
macro_rules! both_stores {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let $app = $crate::helpers::spawn_app($crate::helpers::Store::Sqlite).await.expect("SQLite always runs");
                    $body
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some($app) = $crate::helpers::spawn_app($crate::helpers::Store::Postgres).await else { return };
                    $body
                }
            }
        )*
    };
}

/// An admin's call that must succeed, its answer as JSON.
pub async fn admin_call(app: &TestApp, token: &str, method: reqwest::Method, path: &str, body: Value) -> Value {
    let r = app
        .client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

/// `count` members with a verified phone (`8491…`) and SMS marketing consent, written straight into the store in
/// batches of 500 (ids `{prefix}-000000` on).
pub async fn seed_sms_members(app: &TestApp, prefix: &str, count: usize) {
    let now = cham_server::db::now_ms();
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let mut tx = app.db.begin().await.unwrap();
        for &i in chunk {
            let id = format!("{prefix}-{i:06}");
            sqlx::query(
                "INSERT INTO profiles (id, brand_id, display_name, created_at, updated_at, last_seen_at) \
                 VALUES ($1, $2, $3, $4, $4, $4)",
            )
            .bind(&id)
            .bind(&app.brand.id)
            .bind(format!("Khách {i}"))
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO identities (id, brand_id, profile_id, kind, value, verified, source, first_seen_at, \
                 last_seen_at) VALUES ($1, $2, $3, 'phone', $4, 1, 'import', $5, $5)",
            )
            .bind(format!("{id}-phone"))
            .bind(&app.brand.id)
            .bind(&id)
            .bind(format!("8491{i:07}"))
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO consent_records (id, brand_id, profile_id, purpose, granted, source, wording_version, \
                 recorded_at) VALUES ($1, $2, $3, 'marketing_sms', 1, 'import', '2026-01', $4)",
            )
            .bind(format!("{id}-consent"))
            .bind(&app.brand.id)
            .bind(&id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
}
