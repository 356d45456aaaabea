//! The rewards catalog a brand admin keeps: discount vouchers, free items and physical gifts, each with a
//! point cost, stock, a per-member limit, a validity window, a tier restriction and an image.

use app::api::ErrorCode;
use app::api::{ErrorBody, Reward, RewardInput, RewardKind};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::rules::parse_time;
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{new_id, now_ms, rfc3339},
    error::{Error, Json, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
}

/// A reward as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RewardRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Kind.
    pub kind: String,
    /// Money off.
    pub discount_vnd: Option<i64>,
    /// Percent off.
    pub discount_pct: Option<i64>,
    /// Cost.
    pub points_cost: i64,
    /// Left to issue.
    pub stock: Option<i64>,
    /// Issued so far.
    pub issued: i64,
    /// Per member.
    pub per_member_limit: Option<i64>,
    /// Window start.
    pub valid_from: Option<i64>,
    /// Window end.
    pub valid_until: Option<i64>,
    /// Voucher lifetime.
    pub voucher_days: i64,
    /// Tier needed.
    pub min_tier_id: Option<String>,
    /// Image.
    pub image_url: Option<String>,
    /// 0/1.
    pub active: i64,
}

/// The columns [`RewardRow`] reads.
pub const REWARD_COLUMNS: &str = "id, name, description, kind, discount_vnd, discount_pct, points_cost, stock, issued, \
     per_member_limit, valid_from, valid_until, voucher_days, min_tier_id, image_url, active";

impl RewardRow {
    /// As the API shows it.
    pub fn to_api(&self) -> Reward {
        Reward {
            id: self.id.clone(),
            input: RewardInput {
                name: self.name.clone(),
                description: self.description.clone(),
                kind: RewardKind::parse(&self.kind).unwrap_or(RewardKind::FreeItem),
                discount_vnd: self.discount_vnd,
                discount_pct: self.discount_pct,
                points_cost: self.points_cost,
                stock: self.stock,
                per_member_limit: self.per_member_limit,
                valid_from: self.valid_from.map(rfc3339),
                valid_until: self.valid_until.map(rfc3339),
                voucher_days: self.voucher_days,
                min_tier_id: self.min_tier_id.clone(),
                image_url: self.image_url.clone(),
                active: self.active == 1,
            },
            issued: self.issued,
        }
    }
}

/// A reward of the brand.
pub async fn find(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Option<RewardRow>> {
    let sql = format!("SELECT {REWARD_COLUMNS} FROM rewards WHERE id = $1 AND brand_id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .bind(brand_id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// `unknown_reward` (404).
pub fn unknown_reward() -> Error {
    Error::not_found(ErrorCode::UnknownReward, "There is no such reward.")
}

fn invalid(message: impl Into<String>) -> Error {
    Error::unprocessable(ErrorCode::InvalidReward, message)
}

struct ValidReward {
    input: RewardInput,
    valid_from: Option<i64>,
    valid_until: Option<i64>,
}

async fn validate(conn: &mut AnyConnection, brand_id: &str, mut input: RewardInput) -> Result<ValidReward> {
    input.name = input.name.trim().to_owned();
    input.description = input.description.trim().to_owned();
    if input.name.is_empty() || input.name.chars().count() > 120 {
        return Err(invalid("A reward needs a name of at most 120 characters."));
    }
    if input.description.chars().count() > 1000 {
        return Err(invalid("The description has at most 1000 characters."));
    }
    if input.kind == RewardKind::DiscountVoucher {
        match (input.discount_vnd, input.discount_pct) {
            (Some(v), None) if (1..=100_000_000).contains(&v) => {}
            (None, Some(p)) if (1..=100).contains(&p) => {}
            _ => {
                return Err(invalid(
                    "A discount is either an amount in VND or a percentage (1–100), not both.",
                ));
            }
        }
    } else {
        input.discount_vnd = None;
        input.discount_pct = None;
    }
    if !(0..=10_000_000).contains(&input.points_cost) {
        return Err(invalid("The cost is between 0 and 10,000,000 points."));
    }
    if input.stock.is_some_and(|s| s < 0) {
        return Err(invalid("Stock cannot be negative."));
    }
    if input.per_member_limit.is_some_and(|l| l < 1) {
        return Err(invalid("A per-member limit is at least 1."));
    }
    if !(1..=3650).contains(&input.voucher_days) {
        return Err(invalid("A voucher stays valid for 1 to 3650 days."));
    }
    input.image_url = input.image_url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
    if let Some(url) = &input.image_url
        && (url.len() > 500 || !(url.starts_with("https://") || url.starts_with('/')))
    {
        return Err(invalid("The image is an https:// address (or a path on this server)."));
    }
    input.min_tier_id = input.min_tier_id.filter(|t| !t.trim().is_empty());
    if let Some(tier) = &input.min_tier_id {
        let found: Option<(String,)> = sqlx::query_as("SELECT id FROM tiers WHERE id = $1 AND brand_id = $2")
            .bind(tier)
            .bind(brand_id)
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            return Err(Error::unprocessable(
                ErrorCode::UnknownTier,
                "There is no such tier in this brand.",
            ));
        }
    }
    let valid_from = parse_time("valid_from", input.valid_from.as_deref())?;
    let valid_until = parse_time("valid_until", input.valid_until.as_deref())?;
    if let (Some(f), Some(u)) = (valid_from, valid_until)
        && f >= u
    {
        return Err(invalid("The reward must end after it starts."));
    }
    Ok(ValidReward {
        input,
        valid_from,
        valid_until,
    })
}

/// Every reward of the brand, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/admin/rewards",
    tag = "loyalty",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Reward>), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<Reward>>> {
    let sql = format!("SELECT {REWARD_COLUMNS} FROM rewards WHERE brand_id = $1 ORDER BY created_at DESC, id DESC");
    let rows: Vec<RewardRow> = sqlx::query_as(&sql)
        .bind(&claims.brand)
        .fetch_all(state.db.read())
        .await?;
    Ok(Json(rows.iter().map(RewardRow::to_api).collect()))
}

async fn write(conn: &mut AnyConnection, brand_id: &str, id: &str, v: &ValidReward, insert: bool) -> Result<u64> {
    let now = now_ms();
    let sql = if insert {
        "INSERT INTO rewards (name, description, kind, discount_vnd, discount_pct, points_cost, stock, per_member_limit, \
         valid_from, valid_until, voucher_days, min_tier_id, image_url, active, updated_at, id, brand_id, issued, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 0, $15)"
    } else {
        "UPDATE rewards SET name = $1, description = $2, kind = $3, discount_vnd = $4, discount_pct = $5, \
         points_cost = $6, stock = $7, per_member_limit = $8, valid_from = $9, valid_until = $10, voucher_days = $11, \
         min_tier_id = $12, image_url = $13, active = $14, updated_at = $15 WHERE id = $16 AND brand_id = $17"
    };
    let i = &v.input;
    Ok(sqlx::query(sql)
        .bind(&i.name)
        .bind(&i.description)
        .bind(i.kind.as_str())
        .bind(i.discount_vnd)
        .bind(i.discount_pct)
        .bind(i.points_cost)
        .bind(i.stock)
        .bind(i.per_member_limit)
        .bind(v.valid_from)
        .bind(v.valid_until)
        .bind(i.voucher_days)
        .bind(i.min_tier_id.clone())
        .bind(i.image_url.clone())
        .bind(i64::from(i.active))
        .bind(now)
        .bind(id)
        .bind(brand_id)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Adds a reward to the catalog.
#[utoipa::path(
    post,
    path = "/api/v1/admin/rewards",
    tag = "loyalty",
    security(("bearer" = [])),
    request_body = RewardInput,
    responses(
        (status = 201, body = Reward),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 422, description = "`invalid_reward`, `invalid_time`, `unknown_tier`", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<RewardInput>,
) -> Result<(StatusCode, Json<Reward>)> {
    let mut tx = state.db.begin().await?;
    let valid = validate(&mut tx, &claims.brand, input).await?;
    let id = new_id();
    write(&mut tx, &claims.brand, &id, &valid, true).await?;
    let row = find(&mut tx, &claims.brand, &id).await?.ok_or_else(unknown_reward)?;
    tx.commit().await?;
    tracing::info!(reward = %id, actor = %claims.sub, "reward created");
    Ok((StatusCode::CREATED, Json(row.to_api())))
}

/// Changes a reward (its stock included). Vouchers already issued keep their terms.
#[utoipa::path(
    put,
    path = "/api/v1/admin/rewards/{id}",
    tag = "loyalty",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Reward id")),
    request_body = RewardInput,
    responses(
        (status = 200, body = Reward),
        (status = 404, description = "`unknown_reward`", body = ErrorBody),
        (status = 422, description = "`invalid_reward`, `invalid_time`, `unknown_tier`", body = ErrorBody),
    )
)]
async fn update(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<RewardInput>,
) -> Result<Json<Reward>> {
    let mut tx = state.db.begin().await?;
    let valid = validate(&mut tx, &claims.brand, input).await?;
    if write(&mut tx, &claims.brand, &id, &valid, false).await? != 1 {
        return Err(unknown_reward());
    }
    let row = find(&mut tx, &claims.brand, &id).await?.ok_or_else(unknown_reward)?;
    tx.commit().await?;
    tracing::info!(reward = %id, actor = %claims.sub, "reward changed");
    Ok(Json(row.to_api()))
}
