//! The demo brand: seeded by `cham serve --demo` with simulator credentials, so a newcomer can sign in through
//! the super-app simulator without any real Zalo or MoMo account.

use app::{api::StaffRole, domain::BrandSlug};
use rsa::{
    RsaPrivateKey,
    pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding},
};
use secrecy::{ExposeSecret, SecretString};

use crate::{
    auth::staff::create_user,
    brands::{Brand, BrandSecret, Credentials},
    crypto::{Sealer, random_token},
    db::Db,
    error::Result,
    sim::{SimConfig, SimMomoPartner, SimZaloApp},
};

/// The demo brand's slug.
pub const DEMO_SLUG: &str = "demo";
/// The demo owner's e-mail.
pub const DEMO_OWNER_EMAIL: &str = "owner@demo.cham.local";

/// What seeding did.
#[derive(Debug)]
pub struct DemoSeed {
    /// The demo brand.
    pub brand: Brand,
    /// The owner's password, only when this call created the owner: it is shown once and kept only as a hash.
    pub new_owner_password: Option<SecretString>,
}

/// A fresh RSA key for signing MoMo open-platform requests, as PKCS#8 PEM.
pub fn generate_momo_key() -> anyhow::Result<SecretString> {
    let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)?;
    Ok(SecretString::from(key.to_pkcs8_pem(LineEnding::LF)?.to_string()))
}

/// Creates the demo brand and its owner unless they exist.
pub async fn seed(db: &Db, sealer: &Sealer) -> Result<DemoSeed> {
    if let Some(brand) = Brand::by_slug(db, DEMO_SLUG).await? {
        return Ok(DemoSeed {
            brand,
            new_owner_password: None,
        });
    }
    let momo_key = tokio::task::spawn_blocking(generate_momo_key)
        .await
        .map_err(|e| anyhow::anyhow!("key generation task: {e}"))??;
    let secret = |n| Some(SecretString::from(random_token(n)));
    let creds = Credentials {
        zalo_app_id: Some("sim-zalo-app-demo".into()),
        zalo_app_secret: secret(24),
        zalo_oa_id: Some("sim-oa-demo".into()),
        zalo_oa_secret_key: secret(24),
        zalo_checkout_private_key: secret(24),
        momo_partner_code: Some("MOMOSIMDEMO".into()),
        momo_access_key: secret(16),
        momo_secret_key: secret(24),
        momo_open_private_key: Some(momo_key),
    };
    let slug = BrandSlug::parse(DEMO_SLUG).expect("the demo slug is valid");
    let brand = Brand::create(db, sealer, &slug, "Chạm Coffee (demo)", &creds).await?;
    let password = random_token(12);
    create_user(db, &brand.id, DEMO_OWNER_EMAIL, &password, StaffRole::Owner).await?;
    Ok(DemoSeed {
        brand,
        new_owner_password: Some(SecretString::from(password)),
    })
}

/// The simulator configuration that accepts `brand`'s credentials.
pub fn sim_config_for(brand: &Brand, sealer: &Sealer) -> Result<SimConfig> {
    let mut config = SimConfig::default();
    if let (Some(app_id), Some(app_secret)) = (&brand.zalo_app_id, brand.secret(sealer, BrandSecret::ZaloAppSecret)?) {
        config.zalo_apps.push(SimZaloApp {
            app_id: app_id.clone(),
            app_secret,
        });
    }
    if let (Some(partner_code), Some(secret_key), Some(pem)) = (
        &brand.momo_partner_code,
        brand.secret(sealer, BrandSecret::MomoSecretKey)?,
        brand.secret(sealer, BrandSecret::MomoOpenPrivateKey)?,
    ) {
        let key = RsaPrivateKey::from_pkcs8_pem(pem.expose_secret())
            .map_err(|e| anyhow::anyhow!("the demo MoMo key does not parse: {e}"))?;
        config.momo_partners.push(SimMomoPartner {
            partner_code: partner_code.clone(),
            secret_key,
            public_key: key.to_public_key(),
        });
    }
    Ok(config)
}
