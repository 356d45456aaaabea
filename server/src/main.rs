//! `cham`: the Chạm server binary. Parses the command line and configuration, then calls the library.

// A command-line tool's printed output is its interface (the one-time passwords above all); logs go to tracing.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use anyhow::Context;
use app::{api::StaffRole, domain::BrandSlug};
use cham_server::{
    LaunchOptions,
    brands::{Brand, Credentials},
    config::Config,
    crypto::{MasterKey, random_token},
    demo, launch, open_store, run_workers, telemetry,
};
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};

#[derive(Parser)]
#[command(
    name = "cham",
    version,
    about = "Chạm: loyalty and customer engagement inside Zalo and MoMo"
)]
struct Cli {
    /// A TOML configuration file (read after the defaults, before `CHAM_*` environment variables).
    #[arg(long, global = true, env = "CHAM_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs migrations, then serves HTTP until SIGINT or SIGTERM.
    Serve {
        /// Seed the demo brand and mount the super-app simulator under /__sim.
        #[arg(long)]
        demo: bool,
    },
    /// Runs only background job workers (no HTTP) until SIGINT or SIGTERM, so web and worker processes can be
    /// scaled apart; `serve` runs workers too unless `CHAM_WORKERS=false`.
    Worker,
    /// Brings the store's schema up to date and exits.
    Migrate,
    /// Manages brands.
    Brand {
        #[command(subcommand)]
        command: BrandCommand,
    },
    /// Manages brand users (owners, admins, staff).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum BrandCommand {
    /// Creates a brand with its super-app credentials; secrets are encrypted with the master key.
    Add(Box<BrandAdd>),
}

#[derive(clap::Args)]
struct BrandAdd {
    /// Short public name, e.g. `highlands`.
    #[arg(long)]
    slug: String,
    /// Display name.
    #[arg(long)]
    name: String,
    #[arg(long)]
    zalo_app_id: Option<String>,
    #[arg(long, env = "CHAM_BRAND_ZALO_APP_SECRET", hide_env_values = true)]
    zalo_app_secret: Option<String>,
    #[arg(long)]
    zalo_oa_id: Option<String>,
    #[arg(long, env = "CHAM_BRAND_ZALO_OA_SECRET_KEY", hide_env_values = true)]
    zalo_oa_secret_key: Option<String>,
    #[arg(long, env = "CHAM_BRAND_ZALO_CHECKOUT_PRIVATE_KEY", hide_env_values = true)]
    zalo_checkout_private_key: Option<String>,
    #[arg(long)]
    momo_partner_code: Option<String>,
    #[arg(long, env = "CHAM_BRAND_MOMO_ACCESS_KEY", hide_env_values = true)]
    momo_access_key: Option<String>,
    #[arg(long, env = "CHAM_BRAND_MOMO_SECRET_KEY", hide_env_values = true)]
    momo_secret_key: Option<String>,
    /// A PKCS#8 PEM file with the RSA key that signs MoMo open-platform requests.
    #[arg(long)]
    momo_private_key_file: Option<PathBuf>,
    /// Also create the brand's owner with this e-mail and print a random password.
    #[arg(long)]
    owner_email: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Creates a user in a brand and prints a random password once.
    Add {
        /// The brand's slug.
        #[arg(long)]
        brand: String,
        /// E-mail address (the sign-in name).
        #[arg(long)]
        email: String,
        /// owner, admin or staff.
        #[arg(long, default_value = "admin")]
        role: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())?;
    telemetry::init(config.log_format);
    match cli.command {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Worker => run_workers(config, shutdown_signal()).await,
        Command::Migrate => {
            open_store(&config).await?;
            println!("The store is up to date.");
            Ok(())
        }
        Command::Brand {
            command: BrandCommand::Add(args),
        } => add_brand(&config, *args).await,
        Command::User {
            command: UserCommand::Add { brand, email, role },
        } => {
            let role = StaffRole::parse(&role).context("role must be owner, admin or staff")?;
            let db = open_store(&config).await?;
            let brand = Brand::by_slug(&db, &brand).await?.context("no brand has this slug")?;
            let password = random_token(12);
            let user = cham_server::auth::staff::create_user(&db, &brand.id, &email, &password, role).await?;
            println!(
                "Created {} ({}) in {}.\nPassword (shown once): {password}",
                user.email,
                role.as_str(),
                brand.slug
            );
            Ok(())
        }
    }
}

async fn serve(config: Config, demo_mode: bool) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    if demo_mode {
        // Seed before launching so the one-time password is printed here, on the terminal, and never logged.
        let sealer = MasterKey::from_config(&config)?.sealer();
        let db = open_store(&config).await?;
        let seed = demo::seed(&db, &sealer).await?;
        db.close().await;
        println!("\nChạm demo: http://{addr}/  (customer mini app, sign in through the simulator)");
        println!("Admin console: http://{addr}/admin  brand '{}'", seed.brand.slug);
        match seed.new_owner_password {
            Some(password) => println!(
                "Admin sign-in: {} / {}   (shown once; only its hash is stored)\n",
                demo::DEMO_OWNER_EMAIL,
                password.expose_secret()
            ),
            None => println!(
                "Admin sign-in: {} with the password printed on the first start (or create another user with `cham user add --brand demo --email …`)\n",
                demo::DEMO_OWNER_EMAIL
            ),
        }
    }
    launch(
        config,
        LaunchOptions {
            demo: demo_mode,
            clock: None,
        },
        listener,
        shutdown_signal(),
    )
    .await
}

async fn add_brand(config: &Config, args: BrandAdd) -> anyhow::Result<()> {
    let slug = BrandSlug::parse(&args.slug)?;
    let sealer = MasterKey::from_config(config)?.sealer();
    let db = open_store(config).await?;
    let momo_open_private_key = match &args.momo_private_key_file {
        Some(path) => Some(SecretString::from(
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        )),
        None => None,
    };
    let secret = |s: Option<String>| s.map(SecretString::from);
    let creds = Credentials {
        zalo_app_id: args.zalo_app_id,
        zalo_app_secret: secret(args.zalo_app_secret),
        zalo_oa_id: args.zalo_oa_id,
        zalo_oa_secret_key: secret(args.zalo_oa_secret_key),
        zalo_checkout_private_key: secret(args.zalo_checkout_private_key),
        momo_partner_code: args.momo_partner_code,
        momo_access_key: secret(args.momo_access_key),
        momo_secret_key: secret(args.momo_secret_key),
        momo_open_private_key,
    };
    let brand = Brand::create(&db, &sealer, &slug, &args.name, &creds)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("Created brand {} ({}).", brand.slug, brand.name);
    if let Some(email) = args.owner_email {
        let password = random_token(12);
        let user = cham_server::auth::staff::create_user(&db, &brand.id, &email, &password, StaffRole::Owner)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("Owner {} — password (shown once): {password}", user.email);
    }
    Ok(())
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received");
}
