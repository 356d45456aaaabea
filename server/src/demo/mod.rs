//! The demo brand: seeded by `cham serve --demo` with simulator credentials, so a newcomer can sign in through
//! the super-app simulator without any real Zalo or MoMo account.

mod engage;
mod menu;

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
    db::{Db, new_id, now_ms},
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
        // A demo brand seeded before the menu existed gets it now.
        menu::seed(db, &brand.id).await?;
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
    seed_loyalty(db, &brand.id).await?;
    seed_stores(db, &brand.id).await?;
    menu::seed(db, &brand.id).await?;
    Ok(DemoSeed {
        brand,
        new_owner_password: Some(SecretString::from(password)),
    })
}

/// Two stores in Ho Chi Minh City, so the staff view asks which one and the mini app lists them.
async fn seed_stores(db: &Db, brand_id: &str) -> Result<()> {
    let now = now_ms();
    let stores = [
        (
            "Chạm Coffee Nguyễn Huệ",
            "42 Nguyễn Huệ, Bến Nghé, Quận 1, TP. Hồ Chí Minh",
            10.7740,
            106.7031,
        ),
        (
            "Chạm Coffee Thảo Điền",
            "21 Quốc Hương, Thảo Điền, TP. Thủ Đức, TP. Hồ Chí Minh",
            10.8042,
            106.7335,
        ),
    ];
    let mut tx = db.begin().await?;
    for (name, address, lat, lng) in stores {
        sqlx::query(
            "INSERT INTO stores (id, brand_id, name, address, latitude, longitude, hours, active, created_at, updated_at, \
             poster_issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, $8)",
        )
        .bind(new_id())
        .bind(brand_id)
        .bind(name)
        .bind(address)
        .bind(lat)
        .bind(lng)
        .bind("7:00–22:00")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A loyalty programme to try: three tiers, earning rules for purchases, visits and joining, and rewards.
async fn seed_loyalty(db: &Db, brand_id: &str) -> Result<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let tiers = [
        ("Thành viên", 0, 100, ""),
        ("Bạc", 200, 110, "+10% điểm"),
        ("Vàng", 1000, 125, "+25% điểm, quà sinh nhật"),
    ];
    let mut tier_ids = Vec::new();
    for (name, threshold, multiplier, benefits) in tiers {
        let id = new_id();
        sqlx::query(
            "INSERT INTO tiers (id, brand_id, name, threshold, earn_multiplier_pct, benefits, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&id)
        .bind(brand_id)
        .bind(name)
        .bind(threshold)
        .bind(multiplier)
        .bind(benefits)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tier_ids.push(id);
    }
    let rule = |name, kind, trigger, points, per_vnd, pending_days, daily_cap| DemoRule {
        name,
        kind,
        trigger,
        points,
        per_vnd,
        pending_days,
        expiry_days: Some(365),
        daily_cap,
    };
    let rules = [
        rule(
            "1 điểm / 10.000đ tại quầy",
            "per_vnd",
            "offline_purchase",
            1,
            Some(10_000),
            1,
            None,
        ),
        rule(
            "1 điểm / 10.000đ đơn online",
            "per_vnd",
            "order_paid",
            1,
            Some(10_000),
            1,
            None,
        ),
        rule("Ghé cửa hàng", "fixed", "checked_in", 10, None, 0, Some(10)),
        rule("Chào thành viên mới", "fixed", "first_sign_in", 20, None, 0, None),
    ];
    for DemoRule {
        name,
        kind,
        trigger,
        points,
        per_vnd,
        pending_days: pending,
        expiry_days: expiry,
        daily_cap,
    } in rules
    {
        sqlx::query(
            "INSERT INTO earning_rules (id, brand_id, name, kind, trigger_type, points, per_vnd, rounding, pending_days, \
             expiry_days, daily_cap, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'floor', $8, $9, $10, 1, $11, $11)",
        )
        .bind(new_id())
        .bind(brand_id)
        .bind(name)
        .bind(kind)
        .bind(trigger)
        .bind(points)
        .bind(per_vnd)
        .bind(pending)
        .bind(expiry)
        .bind(daily_cap)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    // One point pays 100 đ of an order (1 point per 10.000 đ spent: 1% back).
    sqlx::query(
        "INSERT INTO loyalty_settings (brand_id, tier_metric, tier_window_months, point_value_vnd, updated_at) \
         VALUES ($1, 'points', 12, 100, $2) ON CONFLICT (brand_id) DO UPDATE SET point_value_vnd = excluded.point_value_vnd",
    )
    .bind(brand_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let rewards = [
        DemoReward {
            name: "Cà phê sữa đá miễn phí",
            description: "Một ly size M tại mọi cửa hàng",
            kind: "free_item",
            discount: None,
            cost: 50,
            stock: Some(100),
            tier: None,
        },
        DemoReward {
            name: "Giảm 20.000đ",
            description: "Trừ vào đơn đặt món trong ứng dụng hoặc tại quầy",
            kind: "discount_voucher",
            discount: Some(20_000),
            cost: 100,
            stock: None,
            tier: None,
        },
        DemoReward {
            name: "Túi vải Chạm",
            description: "Nhận tại quầy",
            kind: "physical_gift",
            discount: None,
            cost: 300,
            stock: Some(20),
            tier: Some(tier_ids[1].as_str()),
        },
    ];
    let mut reward_ids = Vec::new();
    for DemoReward {
        name,
        description,
        kind,
        discount,
        cost,
        stock,
        tier,
    } in rewards
    {
        let reward_id = new_id();
        reward_ids.push(reward_id.clone());
        sqlx::query(
            "INSERT INTO rewards (id, brand_id, name, description, kind, discount_vnd, points_cost, stock, issued, \
             voucher_days, min_tier_id, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 30, $9, 1, $10, $10)",
        )
        .bind(reward_id)
        .bind(brand_id)
        .bind(name)
        .bind(description)
        .bind(kind)
        .bind(discount)
        .bind(cost)
        .bind(stock)
        .bind(tier)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    engage::seed_wheel(&mut tx, brand_id, &reward_ids[0], now).await?;
    engage::seed_survey(&mut tx, brand_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The simulator configuration that accepts `brand`'s credentials.
pub fn sim_config_for(brand: &Brand, sealer: &Sealer) -> Result<SimConfig> {
    let mut config = SimConfig::default();
    if let (Some(app_id), Some(app_secret)) = (&brand.zalo_app_id, brand.secret(sealer, BrandSecret::ZaloAppSecret)?) {
        config.zalo_apps.push(SimZaloApp {
            app_id: app_id.clone(),
            app_secret,
            checkout_key: brand.secret(sealer, BrandSecret::ZaloCheckoutPrivateKey)?,
            oa: brand
                .zalo_oa_id
                .clone()
                .zip(brand.secret(sealer, BrandSecret::ZaloOaSecretKey)?),
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
            access_key: brand.secret(sealer, BrandSecret::MomoAccessKey)?,
            public_key: key.to_public_key(),
        });
    }
    Ok(config)
}

/// One of the demo brand's earning rules.
struct DemoRule {
    name: &'static str,
    kind: &'static str,
    trigger: &'static str,
    points: i64,
    per_vnd: Option<i64>,
    pending_days: i64,
    expiry_days: Option<i64>,
    daily_cap: Option<i64>,
}

/// One of the demo brand's rewards.
struct DemoReward<'a> {
    name: &'static str,
    description: &'static str,
    kind: &'static str,
    discount: Option<i64>,
    cost: i64,
    stock: Option<i64>,
    tier: Option<&'a str>,
}
