//! The console's loyalty configuration: tier measurement, tiers and earning rules. A member's points, manual
//! adjustments, reversals and the liability report are in `points_admin`.

use app::api::ErrorCode;
use std::collections::BTreeMap;

use app::api::{ErrorBody, LoyaltyConfig, LoyaltySettings, Rule, RuleInput, Tier, TierInput};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    config::{self, RULE_COLUMNS, RuleRow, TierRow},
    rules,
};
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{Db, new_id, now_ms},
    error::{Error, Json, Result, is_unique_violation},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_config))
        .routes(routes!(put_settings))
        .routes(routes!(create_rule))
        .routes(routes!(update_rule))
        .routes(routes!(create_tier))
        .routes(routes!(update_tier))
}

/// Tiers, rules and settings of the brand, as the console edits them.
#[utoipa::path(
    get,
    path = "/api/v1/admin/loyalty",
    tag = "loyalty",
    security(("bearer" = [])),
    responses((status = 200, body = LoyaltyConfig), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn get_config(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<LoyaltyConfig>> {
    let mut conn = state.db.read().acquire().await?;
    let config = config::load(&mut conn, &claims.brand).await?;
    let members = tier_members(&mut conn, &claims.brand, &config).await?;
    Ok(Json(LoyaltyConfig {
        tiers: config
            .tiers
            .iter()
            .map(|t| t.to_api(members.get(&t.id).copied().unwrap_or(0)))
            .collect(),
        rules: config.rules.iter().map(RuleRow::to_api).collect(),
        settings: config.settings,
    }))
}

/// Members in each tier, by tier id: a member (someone who has opened the app) not yet promoted, or without
/// points yet, is in the entry tier (threshold 0); erased and merged-away profiles, and imported contacts who
/// never opened the app, are nobody's members.
async fn tier_members(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    config: &config::LoyaltyConfig,
) -> Result<BTreeMap<String, i64>> {
    let rows: Vec<(Option<String>, i64)> = sqlx::query_as(
        "SELECT a.tier_id, COUNT(*) FROM profiles p LEFT JOIN points_accounts a ON a.profile_id = p.id \
         WHERE p.brand_id = $1 AND p.erased_at IS NULL AND p.merged_into IS NULL \
         AND EXISTS (SELECT 1 FROM auth_sessions s WHERE s.subject_id = p.id AND s.subject_kind = 'profile') \
         GROUP BY a.tier_id",
    )
    .bind(brand_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut members = BTreeMap::new();
    for (tier_id, n) in rows {
        if let Some(tier) = config.effective_tier(tier_id.as_deref()) {
            *members.entry(tier.id.clone()).or_insert(0) += n;
        }
    }
    Ok(members)
}

/// Chooses how tiers are measured: points earned or VND spent, over a rolling window of months.
#[utoipa::path(
    put,
    path = "/api/v1/admin/loyalty/settings",
    tag = "loyalty",
    security(("bearer" = [])),
    request_body = LoyaltySettings,
    responses((status = 200, body = LoyaltySettings), (status = 422, description = "`invalid_settings`", body = ErrorBody))
)]
async fn put_settings(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(settings): Json<LoyaltySettings>,
) -> Result<Json<LoyaltySettings>> {
    if !["points", "vnd"].contains(&settings.tier_metric.as_str()) || !(1..=36).contains(&settings.tier_window_months) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidSettings,
            "Tiers are measured in points or vnd, over 1 to 36 months.",
        ));
    }
    if settings
        .point_value_vnd
        .is_some_and(|v| !(1..=app::domain::bounds::MAX_POINT_VALUE_VND).contains(&v))
    {
        return Err(Error::unprocessable(
            ErrorCode::InvalidSettings,
            "A point is worth 1 to 1,000,000 VND.",
        ));
    }
    sqlx::query(
        "INSERT INTO loyalty_settings (brand_id, tier_metric, tier_window_months, point_value_vnd, updated_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (brand_id) DO UPDATE SET tier_metric = excluded.tier_metric, \
         tier_window_months = excluded.tier_window_months, point_value_vnd = excluded.point_value_vnd, \
         updated_at = excluded.updated_at",
    )
    .bind(&claims.brand)
    .bind(&settings.tier_metric)
    .bind(settings.tier_window_months)
    .bind(settings.point_value_vnd)
    .bind(state.clock.now_ms())
    .execute(state.db.write())
    .await?;
    config::invalidate(&claims.brand);
    Ok(Json(settings))
}

async fn write_rule(
    conn: &mut AnyConnection,
    brand_id: &str,
    id: &str,
    v: &rules::ValidRule,
    insert: bool,
) -> Result<u64> {
    let sql = if insert {
        "INSERT INTO earning_rules (name, kind, trigger_type, points, per_vnd, rounding, multiplier_pct, starts_at, \
         ends_at, pending_days, expiry_days, daily_cap, member_cap, active, updated_at, id, brand_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $15)"
    } else {
        "UPDATE earning_rules SET name = $1, kind = $2, trigger_type = $3, points = $4, per_vnd = $5, rounding = $6, \
         multiplier_pct = $7, starts_at = $8, ends_at = $9, pending_days = $10, expiry_days = $11, daily_cap = $12, \
         member_cap = $13, active = $14, updated_at = $15 WHERE id = $16 AND brand_id = $17"
    };
    let i = &v.input;
    Ok(sqlx::query(sql)
        .bind(&i.name)
        .bind(&i.kind)
        .bind(&i.trigger)
        .bind(i.points)
        .bind(i.per_vnd)
        .bind(&i.rounding)
        .bind(i.multiplier_pct)
        .bind(v.starts_at)
        .bind(v.ends_at)
        .bind(i.pending_days)
        .bind(i.expiry_days)
        .bind(i.daily_cap)
        .bind(i.member_cap)
        .bind(i64::from(i.active))
        .bind(now_ms())
        .bind(id)
        .bind(brand_id)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

async fn read_rule(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Rule> {
    let sql = format!("SELECT {RULE_COLUMNS} FROM earning_rules WHERE id = $1 AND brand_id = $2");
    let row: Option<RuleRow> = sqlx::query_as(&sql)
        .bind(id)
        .bind(brand_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| r.to_api())
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownRule, "There is no such earning rule."))
}

/// Adds an earning rule. It pays for events from now on; nothing already paid changes.
#[utoipa::path(
    post,
    path = "/api/v1/admin/loyalty/rules",
    tag = "loyalty",
    security(("bearer" = [])),
    request_body = RuleInput,
    responses(
        (status = 201, body = Rule),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 422, description = "`invalid_rule`, `invalid_time`", body = ErrorBody),
    )
)]
async fn create_rule(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<RuleInput>,
) -> Result<(StatusCode, Json<Rule>)> {
    let valid = rules::validate(input)?;
    let id = new_id();
    let mut tx = state.db.begin().await?;
    write_rule(&mut tx, &claims.brand, &id, &valid, true).await?;
    let rule = read_rule(&mut tx, &claims.brand, &id).await?;
    tx.commit().await?;
    config::invalidate(&claims.brand);
    tracing::info!(rule = %id, actor = %claims.sub, "earning rule created");
    Ok((StatusCode::CREATED, Json(rule)))
}

/// Changes (or switches off) an earning rule. Points it paid before stay as they were.
#[utoipa::path(
    put,
    path = "/api/v1/admin/loyalty/rules/{id}",
    tag = "loyalty",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Rule id")),
    request_body = RuleInput,
    responses(
        (status = 200, body = Rule),
        (status = 404, description = "`unknown_rule`", body = ErrorBody),
        (status = 422, description = "`invalid_rule`, `invalid_time`", body = ErrorBody),
    )
)]
async fn update_rule(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<RuleInput>,
) -> Result<Json<Rule>> {
    let valid = rules::validate(input)?;
    let mut tx = state.db.begin().await?;
    if write_rule(&mut tx, &claims.brand, &id, &valid, false).await? != 1 {
        return Err(Error::not_found(
            ErrorCode::UnknownRule,
            "There is no such earning rule.",
        ));
    }
    let rule = read_rule(&mut tx, &claims.brand, &id).await?;
    tx.commit().await?;
    config::invalidate(&claims.brand);
    tracing::info!(rule = %id, actor = %claims.sub, "earning rule changed");
    Ok(Json(rule))
}

fn validate_tier(mut input: TierInput) -> Result<TierInput> {
    input.name = input.name.trim().to_owned();
    input.benefits = input.benefits.trim().to_owned();
    let invalid = |m: &str| Error::unprocessable(ErrorCode::InvalidTier, m.to_owned());
    if input.name.is_empty() || input.name.chars().count() > 60 {
        return Err(invalid("A tier needs a name of at most 60 characters."));
    }
    if !(0..=1_000_000_000_000).contains(&input.threshold) {
        return Err(invalid("A threshold is 0 or more."));
    }
    if !(100..=1000).contains(&input.earn_multiplier_pct) {
        return Err(invalid("A tier's earn multiplier is between 100% and 1000%."));
    }
    if input.benefits.chars().count() > 500 {
        return Err(invalid("Benefits have at most 500 characters."));
    }
    Ok(input)
}

async fn save_tier(db: &Db, brand_id: &str, id: &str, input: &TierInput, insert: bool) -> Result<Tier> {
    let sql = if insert {
        "INSERT INTO tiers (name, threshold, earn_multiplier_pct, benefits, updated_at, id, brand_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $5)"
    } else {
        "UPDATE tiers SET name = $1, threshold = $2, earn_multiplier_pct = $3, benefits = $4, updated_at = $5 \
         WHERE id = $6 AND brand_id = $7"
    };
    let written = sqlx::query(sql)
        .bind(&input.name)
        .bind(input.threshold)
        .bind(input.earn_multiplier_pct)
        .bind(&input.benefits)
        .bind(now_ms())
        .bind(id)
        .bind(brand_id)
        .execute(db.write())
        .await;
    match written {
        Ok(r) if r.rows_affected() == 1 => {}
        Ok(_) => return Err(Error::not_found(ErrorCode::UnknownTier, "There is no such tier.")),
        Err(e) if is_unique_violation(&e, "tiers_brand_threshold_key") => {
            return Err(Error::new(
                StatusCode::CONFLICT,
                ErrorCode::TierExists,
                "Another tier already has this threshold.",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    config::invalidate(brand_id);
    let row = TierRow {
        id: id.to_owned(),
        name: input.name.clone(),
        threshold: input.threshold,
        earn_multiplier_pct: input.earn_multiplier_pct,
        benefits: input.benefits.clone(),
    };
    let mut conn = db.read().acquire().await?;
    let config = config::load(&mut conn, brand_id).await?;
    let members = tier_members(&mut conn, brand_id, &config).await?;
    Ok(row.to_api(members.get(id).copied().unwrap_or(0)))
}

/// Adds a tier. Members who already qualify move up on their next earning.
#[utoipa::path(
    post,
    path = "/api/v1/admin/loyalty/tiers",
    tag = "loyalty",
    security(("bearer" = [])),
    request_body = TierInput,
    responses(
        (status = 201, body = Tier),
        (status = 409, description = "`tier_exists`", body = ErrorBody),
        (status = 422, description = "`invalid_tier`", body = ErrorBody),
    )
)]
async fn create_tier(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<TierInput>,
) -> Result<(StatusCode, Json<Tier>)> {
    let input = validate_tier(input)?;
    let tier = save_tier(&state.db, &claims.brand, &new_id(), &input, true).await?;
    Ok((StatusCode::CREATED, Json(tier)))
}

/// Changes a tier's name, threshold, multiplier or benefits.
#[utoipa::path(
    put,
    path = "/api/v1/admin/loyalty/tiers/{id}",
    tag = "loyalty",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Tier id")),
    request_body = TierInput,
    responses(
        (status = 200, body = Tier),
        (status = 404, description = "`unknown_tier`", body = ErrorBody),
        (status = 409, description = "`tier_exists`", body = ErrorBody),
        (status = 422, description = "`invalid_tier`", body = ErrorBody),
    )
)]
async fn update_tier(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<TierInput>,
) -> Result<Json<Tier>> {
    let input = validate_tier(input)?;
    Ok(Json(save_tier(&state.db, &claims.brand, &id, &input, false).await?))
}
