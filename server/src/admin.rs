//! The admin console's own routes: the brand overview.

use app::api::ErrorCode;
use app::api::{BrandOverview, ChannelSetup, ErrorBody, WhoAmI};
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    auth::{
        extract::{AdminAuth, StaffAuth},
        staff::user_in_brand,
    },
    brands::{Brand, BrandSecret},
    error::{Error, Json, Result},
};

/// The console's routes; every one takes [`AdminAuth`], which scopes it to the token's brand.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(overview)).routes(routes!(whoami))
}

const THIRTY_DAYS_MS: i64 = 30 * 24 * 3600 * 1000;

/// The signed-in admin's brand: name, member counts and which super-app credentials are set.
#[utoipa::path(
    get,
    path = "/api/v1/admin/brand",
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, body = BrandOverview),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
        (status = 403, description = "`admins_only`, `wrong_brand`", body = ErrorBody),
    )
)]
async fn overview(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<BrandOverview>> {
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(|| Error::unauthorized(ErrorCode::InvalidToken, "This session's brand no longer exists."))?;
    let user = user_in_brand(&state.db, &brand.id, &claims.sub).await?.ok_or_else(|| {
        Error::unauthorized(
            ErrorCode::InvalidToken,
            "This account no longer exists or was disabled.",
        )
    })?;
    let (members, active) = member_counts(&state, &brand.id).await?;
    let channels = ChannelSetup {
        zalo_app_id: brand.zalo_app_id.clone(),
        zalo_oa_id: brand.zalo_oa_id.clone(),
        momo_partner_code: brand.momo_partner_code.clone(),
        zalo_sign_in_ready: brand.zalo_app_id.is_some() && brand.has_secret(BrandSecret::ZaloAppSecret),
        momo_sign_in_ready: brand.momo_partner_code.is_some()
            && brand.has_secret(BrandSecret::MomoSecretKey)
            && brand.has_secret(BrandSecret::MomoOpenPrivateKey),
    };
    Ok(Json(BrandOverview {
        brand: brand.public(),
        members,
        active_members_30d: active,
        channels,
        user,
    }))
}

/// The brand's members, and those active in the last 30 days. Members are the people who have opened the app
/// (signed in once); imported contacts who never did, and erased or merged-away profiles, are not.
pub(crate) async fn member_counts(state: &AppState, brand_id: &str) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.last_seen_at >= $2 THEN 1 ELSE 0 END), 0) FROM profiles p \
         WHERE p.brand_id = $1 AND p.erased_at IS NULL AND p.merged_into IS NULL \
         AND EXISTS (SELECT 1 FROM auth_sessions s WHERE s.subject_id = p.id AND s.subject_kind = 'profile')",
    )
    .bind(brand_id)
    .bind(state.clock.now_ms().saturating_sub(THIRTY_DAYS_MS))
    .fetch_one(state.db.read())
    .await?)
}

/// Who is signed in to the console and for which brand: the console's first call, for every role, so it can
/// show staff only the staff view.
#[utoipa::path(
    get,
    path = "/api/v1/staff/me",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, body = WhoAmI),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
        (status = 403, description = "`staff_only`, `wrong_brand`", body = ErrorBody),
    )
)]
async fn whoami(State(state): State<AppState>, StaffAuth(claims): StaffAuth) -> Result<Json<WhoAmI>> {
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(|| Error::unauthorized(ErrorCode::InvalidToken, "This session's brand no longer exists."))?;
    let user = user_in_brand(&state.db, &brand.id, &claims.sub).await?.ok_or_else(|| {
        Error::unauthorized(
            ErrorCode::InvalidToken,
            "This account no longer exists or was disabled.",
        )
    })?;
    let mut conn = state.db.read().acquire().await?;
    let stores = crate::stores::stores_of(&mut conn, &brand.id, &user.id, claims.role).await?;
    Ok(Json(WhoAmI {
        brand: brand.public(),
        user,
        stores,
    }))
}
