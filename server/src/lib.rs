//! Chạm's server as a library: [`launch`] starts it on a listener until a shutdown signal, so `main.rs` and the
//! black-box tests start it the same way.

pub mod admin;
pub mod auth;
pub mod brands;
pub mod campaigns;
pub mod commerce;
pub mod customers;
pub mod dashboard;
pub mod demo;
pub mod events;
pub mod games;
pub mod gateways;
pub mod imports;
pub mod ingest;
mod journeys;
pub mod loyalty;
pub mod messaging;
mod openapi;
pub mod ops;
pub mod platform;
pub mod privacy;
pub mod product_codes;
pub mod profiles;
mod scoring;
pub mod sim;
mod state;
pub mod stores;
pub mod superapp;
pub mod surveys;
mod web;
pub mod website;

// The platform's modules by their short names, as the whole crate uses them.
pub use platform::{clock, config, crypto, db, error, jobs, telemetry};
pub use state::AppState;

use app::api::ErrorCode;
use std::{future::Future, sync::Arc, time::Duration};

use anyhow::Context;
use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, HeaderValue, Method, header},
    middleware,
    routing::{any, get},
};
use tokio::net::TcpListener;
use tower_http::{cors::CorsLayer, trace::TraceLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{
    auth::tokens::SessionKeys,
    clock::Clock,
    config::Config,
    crypto::MasterKey,
    db::Db,
    jobs::{Registry, Worker},
    superapp::SuperApps,
};

/// Options of one server start that are not configuration.
#[derive(Debug, Clone, Default)]
pub struct LaunchOptions {
    /// Seed the demo brand and mount the simulator under `/__sim`, pointing the super-app clients at it unless
    /// their URLs were configured.
    pub demo: bool,
    /// The clock (a test's manual one); the system's when `None`.
    pub clock: Option<Clock>,
}

/// The outside services background work calls, and what it needs to call them.
#[derive(Debug, Clone)]
pub struct Providers {
    /// Zalo's and MoMo's APIs.
    pub superapps: SuperApps,
    /// The message gateways that are not super-apps (SMS, e-mail).
    pub gateways: gateways::Gateways,
    /// Opens the brands' sealed secrets.
    pub sealer: crypto::Sealer,
    /// The server's public address (tracked links, payment return addresses).
    pub public_url: String,
    /// How long a worker's claim on a message's recipient holds, in milliseconds.
    pub send_lease_ms: i64,
}

impl Providers {
    /// The providers `config` names, opening secrets with `sealer`.
    pub fn new(config: &Config, sealer: crypto::Sealer) -> anyhow::Result<Self> {
        Ok(Self {
            superapps: SuperApps::new(config)?,
            gateways: gateways::Gateways::new(config)?,
            sealer,
            public_url: config
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", config.listen))
                .trim_end_matches('/')
                .to_owned(),
            send_lease_ms: config.send_lease_ms(),
        })
    }
}

/// Every kind of background job this build runs, and the periodic ones: the composition's list. An area with
/// background work adds its `register` here.
pub fn job_registry(db: &Db, clock: &Clock, providers: &Providers) -> Registry {
    let mut registry = Registry::default();
    messaging::register(
        &mut registry,
        db,
        clock,
        messaging::outbox::Senders {
            superapps: providers.superapps.clone(),
            gateways: providers.gateways.clone(),
            sealer: providers.sealer.clone(),
            public_url: providers.public_url.clone(),
            lease_ms: providers.send_lease_ms,
        },
    );
    commerce::register(
        &mut registry,
        db,
        clock,
        commerce::Payments {
            superapps: providers.superapps.clone(),
            sealer: providers.sealer.clone(),
        },
    );
    jobs::register_platform(&mut registry, db, clock);
    loyalty::worker::register(&mut registry, db, clock);
    profiles::activity::register(&mut registry, db, clock);
    profiles::marks::register(&mut registry, db, clock);
    imports::register(&mut registry, db, clock);
    website::register(&mut registry, db, clock);
    scoring::register(&mut registry, db, clock);
    journeys::register(&mut registry, db, clock);
    registry
}

/// Starts a job worker over `db` that runs until `stop` turns true; its task finishes the round it is in.
fn spawn_worker(
    db: &Db,
    clock: &Clock,
    config: &Config,
    providers: &Providers,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let worker = Worker::new(
        db.clone(),
        clock.clone(),
        Arc::new(job_registry(db, clock, providers)),
        config.worker_options(),
    );
    tokio::spawn(worker.run(async move {
        let _ = stop.wait_for(|stopped| *stopped).await;
    }))
}

/// Longest wait at shutdown for the jobs running then; past it they are left to their leases.
const WORKER_GRACE: Duration = Duration::from_secs(30);

/// `cham worker`: runs only job workers on the configured store until `shutdown` completes, so web and worker
/// processes can be scaled apart.
pub async fn run_workers(config: Config, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
    let master = MasterKey::from_config(&config)?;
    profiles::marks::install_key(master.person_mark_key());
    let db = open_store(&config).await?;
    let providers = Providers::new(&config, master.sealer())?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = spawn_worker(&db, &Clock::system(), &config, &providers, stopped);
    tracing::info!(store = ?db.dialect(), "Chạm workers are running");
    shutdown.await;
    let _ = stop.send(true);
    if tokio::time::timeout(WORKER_GRACE, worker).await.is_err() {
        tracing::warn!("jobs still running at shutdown are left to their leases");
    }
    db.close().await;
    Ok(())
}

/// Wires the areas into the layers below them: what recording an event sets off (earning rules in the event's
/// transaction; a profile's activity as a job), and each area's part in merges, exports and erasures. An area
/// that reacts to events or keeps rows about a person adds itself here (see ARCHITECTURE.md).
pub fn compose() {
    events::reactors::install(events::Reactors {
        same_transaction: vec![
            loyalty::reactor(),
            campaigns::attribution::reactor(),
            journeys::reactor(),
        ],
        durable: vec![
            profiles::activity::reactor(),
            messaging::reactor(),
            messaging::segments::membership::reactor(),
            website::reactor(),
        ],
    });
    profiles::hooks::install(vec![
        privacy::hooks(),
        loyalty::hooks(),
        games::hooks(),
        surveys::hooks(),
        stores::hooks(),
        campaigns::hooks(),
        product_codes::hooks(),
        commerce::hooks(),
        messaging::hooks(),
        website::hooks(),
        scoring::hooks(),
        journeys::hooks(),
    ]);
}

/// Connects to the store and brings it up to date, with the areas composed.
pub async fn open_store(config: &Config) -> anyhow::Result<Db> {
    compose();
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    let folded = profiles::search::fold_missing(&db).await?;
    if folded > 0 {
        tracing::info!(folded, "names written before folding were folded for search");
    }
    Ok(db)
}

/// Serves on `listener` until `shutdown` completes, then finishes in-flight requests and closes the store.
pub async fn launch(
    mut config: Config,
    options: LaunchOptions,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let master = MasterKey::from_config(&config)?;
    let sealer = master.sealer();
    profiles::marks::install_key(master.person_mark_key());
    let db = open_store(&config).await?;
    imports::fail_interrupted(&db).await?;

    let mut simulator = None;
    if options.demo {
        let seed = demo::seed(&db, &sealer).await?;
        let sim = sim::Sim::new(demo::sim_config_for(&seed.brand, &sealer)?);
        if let Some(app_id) = &seed.brand.zalo_app_id {
            let callback = format!("http://{addr}/api/v1/webhooks/zalo-checkout/{}", seed.brand.slug);
            sim.set_zalo_checkout_callback(app_id, &callback);
            let webhook = format!("http://{addr}/api/v1/webhooks/zalo-oa/{}", seed.brand.slug);
            sim.set_zalo_oa_webhook(app_id, &webhook);
            // The demo's OA is connected, as if its admin had authorised the app in Zalo.
            if let Some(tokens) = sim.grant_oa_tokens(app_id) {
                messaging::oa_tokens::store(&db, &sealer, &seed.brand.id, &tokens, db::now_ms()).await?;
            }
        }
        // The demo's SMS gateway account, opened in the simulator (a fresh secret each start).
        let sms = app::api::SmsGatewayInput {
            api_key: "demo-esms".into(),
            secret_key: crypto::random_token(24),
            brandname: "CHAM".into(),
        };
        sim.open_esms_account(&sms.api_key, &sms.secret_key, &sms.brandname);
        let current = messaging::outbox::settings::load(&db, &seed.brand.id).await?;
        let input = app::api::MessagingSettingsInput {
            settings: current,
            sms: Some(sms),
            email: None,
        };
        messaging::outbox::settings::save(&db, &sealer, &seed.brand.id, &input, db::now_ms()).await?;
        simulator = Some(sim);
        let defaults = Config::default();
        let local = format!("http://{addr}/__sim");
        if config.zalo_graph_url == defaults.zalo_graph_url {
            config.zalo_graph_url = format!("{local}/zalo/graph");
        }
        if config.momo_open_url == defaults.momo_open_url {
            config.momo_open_url = format!("{local}/momo/open");
        }
        if config.zalo_payment_url == defaults.zalo_payment_url {
            config.zalo_payment_url = format!("{local}/zalo/payment");
        }
        if config.momo_payment_url == defaults.momo_payment_url {
            config.momo_payment_url = format!("{local}/momo/pay");
        }
        if config.zalo_oauth_url == defaults.zalo_oauth_url {
            config.zalo_oauth_url = format!("{local}/zalo/oauth");
        }
        if config.zalo_openapi_url == defaults.zalo_openapi_url {
            config.zalo_openapi_url = format!("{local}/zalo/openapi");
        }
        if config.zns_url == defaults.zns_url {
            config.zns_url = format!("{local}/zalo/zns");
        }
        if config.esms_url == defaults.esms_url {
            config.esms_url = format!("{local}/esms");
        }
        let origin = format!("http://{addr}");
        if !config.cors_origins.contains(&origin) {
            config.cors_origins.push(origin);
        }
    }

    if config.public_url.is_none() {
        config.public_url = Some(format!("http://{addr}"));
    }
    let clock = options.clock.clone().unwrap_or_default();
    let message_gateways = gateways::Gateways::new(&config)?;
    let state = AppState {
        keys: SessionKeys::new(&master, &config),
        superapps: SuperApps::new(&config)?,
        gateways: message_gateways.clone(),
        db: db.clone(),
        sealer,
        qr: master.member_qr_key(),
        clock: clock.clone(),
        config: Arc::new(config),
    };
    let mut router = build_router(state.clone(), simulator.is_some())?;
    if let Some(sim) = simulator {
        router = router.nest("/__sim", sim.router().layer(cors_layer(&state.config)?));
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = state.config.workers.then(|| {
        let providers = Providers {
            superapps: state.superapps.clone(),
            gateways: message_gateways,
            sealer: state.sealer.clone(),
            public_url: state.public_url(),
            send_lease_ms: state.config.send_lease_ms(),
        };
        spawn_worker(&db, &clock, &state.config, &providers, stopped)
    });
    tracing::info!(%addr, store = ?db.dialect(), demo = options.demo, workers = worker.is_some(), "Chạm is listening");
    // With each connection's address, for sign-in throttling.
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("serving HTTP");
    let _ = stop.send(true);
    if let Some(worker) = worker
        && tokio::time::timeout(WORKER_GRACE, worker).await.is_err()
    {
        tracing::warn!("jobs still running at shutdown are left to their leases");
    }
    served?;
    tracing::info!("in-flight requests finished; closing the store");
    db.close().await;
    Ok(())
}

/// What CORS allows: the Zalo mini app's origin and the configured ones, for the API and (in demo mode) the
/// simulator, so a packaged mini app served from elsewhere can sign in against the demo.
fn cors_layer(config: &Config) -> anyhow::Result<CorsLayer> {
    let origins = config
        .allowed_origins()
        .iter()
        .map(|o| HeaderValue::from_str(o).with_context(|| format!("CORS origin {o:?} is not a valid header value")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static(auth::extract::BRAND_HEADER),
        ])
        .max_age(Duration::from_secs(3600)))
}

/// The whole HTTP surface: the API, operations, the OpenAPI document and the web app.
pub fn build_router(state: AppState, simulator: bool) -> anyhow::Result<Router> {
    let (api, openapi) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(auth::router())
        .merge(brands::router())
        .merge(admin::router())
        .merge(ingest::router())
        .merge(privacy::router())
        .merge(customers::router())
        .merge(dashboard::router())
        .merge(imports::router())
        .merge(loyalty::router())
        .merge(games::router())
        .merge(surveys::router())
        .merge(stores::router())
        .merge(campaigns::router())
        .merge(messaging::router())
        .merge(product_codes::router())
        .merge(commerce::router())
        .merge(website::router())
        .merge(scoring::router())
        .merge(journeys::router())
        .merge(ops::router())
        .split_for_parts();
    let openapi = Arc::new(openapi);
    // Install the recorder before the first request, or the first requests' metrics would be dropped.
    ops::prometheus();
    let config = state.config.clone();
    let page = web::PageSettings {
        default_brand: &config.default_brand,
        simulator,
        base_path: &config.base_path,
    };
    let pages = web::Pages {
        mini_app: web::IndexPage::load(&config.public_dir, "index.html", page),
        console: web::IndexPage::load(&config.public_dir, "admin.html", page),
        staff: web::IndexPage::load(&config.public_dir, "staff.html", page),
    };

    let cors = cors_layer(&config)?;

    let api = api
        .route(
            "/api/v1/openapi.json",
            get(move || async move { axum::Json(openapi.as_ref().clone()) }),
        )
        .route("/api/{*rest}", any(unknown_endpoint))
        .merge(campaigns::redirect_router())
        .merge(messaging::outbox::clicks::redirect_router())
        .merge(website::snippet_router())
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state.clone())
        .layer(middleware::from_fn(ops::track))
        // Limits what JSON and other buffered extractors accept; the CSV upload streams and has its own cap.
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(cors)
        // Outside the global CORS layer: a brand's listed websites reach the website's endpoints.
        .layer(middleware::from_fn_with_state(state, website::cross_origin));
    Ok(api
        .merge(web::router(&config.public_dir, pages))
        .layer(TraceLayer::new_for_http()))
}

async fn method_not_allowed() -> error::Error {
    error::Error::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        app::api::ErrorCode::MethodNotAllowed,
        "This endpoint does not take this method; see /api/v1/openapi.json.",
    )
}

async fn unknown_endpoint() -> error::Error {
    error::Error::not_found(
        ErrorCode::UnknownEndpoint,
        "There is no such API endpoint; see /api/v1/openapi.json.",
    )
}
