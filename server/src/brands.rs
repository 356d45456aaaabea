//! Brands: the tenants. Every brand-owned row carries its brand id; a brand holds its super-app credentials,
//! with the secrets sealed by the master key.

use app::api::ErrorCode;
use app::{api::PublicBrand, domain::BrandSlug};
use axum::extract::State;
use secrecy::{ExposeSecret, SecretString};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Path;
use crate::{
    AppState,
    crypto::Sealer,
    db::{Db, new_id, now_ms},
    error::{Error, Json, Result, is_unique_violation},
};

/// A brand row. Secret columns hold sealed text; open them with the accessors.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Brand {
    /// The brand's id.
    pub id: String,
    /// The brand's slug.
    pub slug: String,
    /// The brand's display name.
    pub name: String,
    /// Zalo App id.
    pub zalo_app_id: Option<String>,
    zalo_app_secret: Option<String>,
    /// Zalo OA id.
    pub zalo_oa_id: Option<String>,
    zalo_oa_secret_key: Option<String>,
    zalo_checkout_private_key: Option<String>,
    /// MoMo partner code.
    pub momo_partner_code: Option<String>,
    momo_access_key: Option<String>,
    momo_secret_key: Option<String>,
    momo_open_private_key: Option<String>,
}

/// Which secret of a brand to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrandSecret {
    /// Zalo App secret (appsecret_proof, phone number exchange).
    ZaloAppSecret,
    /// Zalo OA secret key (webhook signatures).
    ZaloOaSecretKey,
    /// Zalo Checkout private key (payment macs).
    ZaloCheckoutPrivateKey,
    /// MoMo access key.
    MomoAccessKey,
    /// MoMo secret key (payment signatures, open-platform requests).
    MomoSecretKey,
    /// PEM RSA private key signing MoMo open-platform requests.
    MomoOpenPrivateKey,
}

/// The super-app credentials of a new brand, in plain text until sealed.
#[derive(Debug, Default, Clone)]
pub struct Credentials {
    /// Zalo App id.
    pub zalo_app_id: Option<String>,
    /// Zalo App secret.
    pub zalo_app_secret: Option<SecretString>,
    /// Zalo OA id.
    pub zalo_oa_id: Option<String>,
    /// Zalo OA secret key.
    pub zalo_oa_secret_key: Option<SecretString>,
    /// Zalo Checkout private key.
    pub zalo_checkout_private_key: Option<SecretString>,
    /// MoMo partner code.
    pub momo_partner_code: Option<String>,
    /// MoMo access key.
    pub momo_access_key: Option<SecretString>,
    /// MoMo secret key.
    pub momo_secret_key: Option<SecretString>,
    /// MoMo open-platform RSA private key (PEM, PKCS#8).
    pub momo_open_private_key: Option<SecretString>,
}

const BRAND_COLUMNS: &str = "id, slug, name, zalo_app_id, zalo_app_secret, zalo_oa_id, zalo_oa_secret_key, \
     zalo_checkout_private_key, momo_partner_code, momo_access_key, momo_secret_key, momo_open_private_key";

impl Brand {
    /// The brand with this slug, if any.
    pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Brand>> {
        let sql = format!("SELECT {BRAND_COLUMNS} FROM brands WHERE slug = $1");
        Ok(sqlx::query_as(&sql)
            .bind(slug.trim().to_ascii_lowercase())
            .fetch_optional(db.read())
            .await?)
    }

    /// The brand with this slug, or `unknown_brand` (404).
    pub async fn require_slug(db: &Db, slug: &str) -> Result<Brand> {
        Self::by_slug(db, slug).await?.ok_or_else(|| {
            Error::not_found(
                ErrorCode::UnknownBrand,
                format!("No brand is called '{}'.", slug.trim()),
            )
        })
    }

    /// The brand a webhook's path names: by its slug, or else by its id.
    pub async fn by_slug_or_id(db: &Db, key: &str) -> Result<Option<Brand>> {
        if let Some(brand) = Brand::by_slug(db, key).await? {
            return Ok(Some(brand));
        }
        Brand::by_id(db, key).await
    }

    /// The brand with this id, if any.
    pub async fn by_id(db: &Db, id: &str) -> Result<Option<Brand>> {
        let sql = format!("SELECT {BRAND_COLUMNS} FROM brands WHERE id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_optional(db.read()).await?)
    }

    /// Creates a brand; `brand_exists` (409) when the slug is taken.
    pub async fn create(db: &Db, sealer: &Sealer, slug: &BrandSlug, name: &str, creds: &Credentials) -> Result<Brand> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err(Error::unprocessable(
                ErrorCode::InvalidBrandName,
                "A brand name has 1 to 120 characters.",
            ));
        }
        let seal = |s: &Option<SecretString>| s.as_ref().map(|s| sealer.seal(s.expose_secret()));
        let id = new_id();
        let now = now_ms();
        let result = sqlx::query(
            "INSERT INTO brands (id, slug, name, zalo_app_id, zalo_app_secret, zalo_oa_id, zalo_oa_secret_key, \
             zalo_checkout_private_key, momo_partner_code, momo_access_key, momo_secret_key, momo_open_private_key, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(&id)
        .bind(slug.as_str())
        .bind(name)
        .bind(creds.zalo_app_id.clone())
        .bind(seal(&creds.zalo_app_secret))
        .bind(creds.zalo_oa_id.clone())
        .bind(seal(&creds.zalo_oa_secret_key))
        .bind(seal(&creds.zalo_checkout_private_key))
        .bind(creds.momo_partner_code.clone())
        .bind(seal(&creds.momo_access_key))
        .bind(seal(&creds.momo_secret_key))
        .bind(seal(&creds.momo_open_private_key))
        .bind(now)
        .execute(db.write())
        .await;
        match result {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e, "brands_slug_key") => {
                return Err(Error::new(
                    axum::http::StatusCode::CONFLICT,
                    ErrorCode::BrandExists,
                    format!("A brand called '{slug}' already exists."),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        Brand::by_id(db, &id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("brand vanished after insert").into())
    }

    /// Opens one of the brand's secrets; `None` when it was never configured.
    pub fn secret(&self, sealer: &Sealer, which: BrandSecret) -> Result<Option<SecretString>> {
        let sealed = match which {
            BrandSecret::ZaloAppSecret => &self.zalo_app_secret,
            BrandSecret::ZaloOaSecretKey => &self.zalo_oa_secret_key,
            BrandSecret::ZaloCheckoutPrivateKey => &self.zalo_checkout_private_key,
            BrandSecret::MomoAccessKey => &self.momo_access_key,
            BrandSecret::MomoSecretKey => &self.momo_secret_key,
            BrandSecret::MomoOpenPrivateKey => &self.momo_open_private_key,
        };
        sealed
            .as_deref()
            .map(|s| sealer.open(s))
            .transpose()
            .map_err(Error::from)
    }

    /// Whether the brand has the secret, without opening it.
    pub fn has_secret(&self, which: BrandSecret) -> bool {
        match which {
            BrandSecret::ZaloAppSecret => self.zalo_app_secret.is_some(),
            BrandSecret::ZaloOaSecretKey => self.zalo_oa_secret_key.is_some(),
            BrandSecret::ZaloCheckoutPrivateKey => self.zalo_checkout_private_key.is_some(),
            BrandSecret::MomoAccessKey => self.momo_access_key.is_some(),
            BrandSecret::MomoSecretKey => self.momo_secret_key.is_some(),
            BrandSecret::MomoOpenPrivateKey => self.momo_open_private_key.is_some(),
        }
    }

    /// What anyone may see of the brand.
    pub fn public(&self) -> PublicBrand {
        PublicBrand {
            slug: self.slug.clone(),
            name: self.name.clone(),
            zalo_oa_id: self.zalo_oa_id.clone(),
        }
    }
}

/// Routes anyone may call.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(public_brand))
}

/// A brand's public face: its name, for the sign-in screen.
#[utoipa::path(
    get,
    path = "/api/v1/brands/{slug}",
    tag = "brands",
    params(("slug" = String, Path, description = "The brand's slug")),
    responses(
        (status = 200, body = PublicBrand),
        (status = 404, description = "`unknown_brand`", body = app::api::ErrorBody),
    )
)]
async fn public_brand(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Json<PublicBrand>> {
    Ok(Json(Brand::require_slug(&state.db, &slug).await?.public()))
}
