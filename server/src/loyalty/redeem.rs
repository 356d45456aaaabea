//! The member's side of the catalog: which rewards they can redeem now, and redeeming one for a voucher.
//! A redemption takes stock and points and issues the voucher in one transaction, under the member's account
//! lock, so neither stock nor balance can go below zero however many requests race.

use app::api::ErrorCode;
use std::collections::HashMap;

use app::api::{Catalog, CatalogReward, ErrorBody, RedeemRequest, Voucher};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    config,
    ledger::{self, Debit, Kind, Source},
    member::settled_account,
    rewards::{self, REWARD_COLUMNS, RewardRow},
    vouchers::{self, Issue},
};
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    db::now_ms,
    error::{Error, Json, Result},
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(catalog)).routes(routes!(redeem))
}

/// What a member holds that decides whether they may redeem a reward.
struct Standing {
    balance: i64,
    tier_threshold: i64,
}

/// Why a member cannot redeem a reward now, if they cannot.
fn blocked_by(
    reward: &RewardRow,
    standing: &Standing,
    min_tier_threshold: Option<i64>,
    held: i64,
    now: i64,
) -> Option<&'static str> {
    if reward.valid_from.is_some_and(|f| f > now) {
        Some("not_started")
    } else if reward.valid_until.is_some_and(|u| u <= now) {
        Some("ended")
    } else if reward.stock == Some(0) {
        Some("out_of_stock")
    } else if min_tier_threshold.is_some_and(|t| standing.tier_threshold < t) {
        Some("tier_required")
    } else if reward.per_member_limit.is_some_and(|l| held >= l) {
        Some("limit_reached")
    } else if standing.balance < reward.points_cost {
        Some("insufficient_points")
    } else {
        None
    }
}

fn refusal(reason: &str, reward: &RewardRow, balance: i64) -> Error {
    match reason {
        "not_started" | "ended" => Error::new(
            StatusCode::CONFLICT,
            ErrorCode::RewardUnavailable,
            "This reward cannot be redeemed at this time.",
        ),
        "out_of_stock" => Error::new(
            StatusCode::CONFLICT,
            ErrorCode::OutOfStock,
            "This reward is out of stock.",
        ),
        "tier_required" => Error::forbidden(ErrorCode::TierRequired, "This reward is for members of a higher tier."),
        "limit_reached" => Error::new(
            StatusCode::CONFLICT,
            ErrorCode::LimitReached,
            "You already hold as many of this reward as one member may.",
        ),
        _ => ledger::insufficient_points(balance, reward.points_cost),
    }
}

/// The catalog as the signed-in member sees it: active rewards, cheapest first, each saying whether they can
/// redeem it now and, if not, why.
#[utoipa::path(
    get,
    path = "/api/v1/rewards",
    tag = "loyalty",
    security(("bearer" = [])),
    responses((status = 200, body = Catalog), (status = 401, description = "`invalid_token`", body = ErrorBody))
)]
async fn catalog(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<Catalog>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let account = settled_account(&state.db, &claims.brand, &profile).await?;
    let now = now_ms();
    let mut conn = state.db.read().acquire().await?;
    let config = config::get(&mut conn, &claims.brand).await?;
    let sql = format!(
        "SELECT {REWARD_COLUMNS} FROM rewards WHERE brand_id = $1 AND active = 1 \
         AND (valid_until IS NULL OR valid_until > $2) ORDER BY points_cost, name"
    );
    let rows: Vec<RewardRow> = sqlx::query_as(&sql)
        .bind(&claims.brand)
        .bind(now)
        .fetch_all(&mut *conn)
        .await?;
    let held: HashMap<String, i64> = sqlx::query_as(
        "SELECT reward_id, COUNT(*) FROM vouchers WHERE profile_id = $1 AND status <> 'cancelled' GROUP BY reward_id",
    )
    .bind(&profile)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let standing = Standing {
        balance: account.balance,
        tier_threshold: config
            .effective_tier(account.tier_id.as_deref())
            .map_or(0, |t| t.threshold),
    };
    let rewards = rows
        .iter()
        .map(|r| {
            let min_tier = r.min_tier_id.as_deref().and_then(|id| config.tier(id));
            let blocked = blocked_by(
                r,
                &standing,
                min_tier.map(|t| t.threshold),
                held.get(&r.id).copied().unwrap_or(0),
                now,
            );
            CatalogReward {
                reward: r.to_api(),
                min_tier_name: min_tier.map(|t| t.name.clone()),
                redeemable: blocked.is_none(),
                blocked_by: blocked.map(str::to_owned),
            }
        })
        .collect();
    Ok(Json(Catalog {
        balance: account.balance,
        rewards,
    }))
}

/// Redeems a reward for the signed-in member: its points leave the balance and a voucher is issued. The same
/// `idempotency_key` redeems once and answers the same voucher again.
#[utoipa::path(
    post,
    path = "/api/v1/me/redemptions",
    tag = "loyalty",
    security(("bearer" = [])),
    request_body = RedeemRequest,
    responses(
        (status = 201, body = Voucher, description = "Redeemed"),
        (status = 200, body = Voucher, description = "Redeemed before with this key"),
        (status = 403, description = "`tier_required`", body = ErrorBody),
        (status = 404, description = "`unknown_reward`", body = ErrorBody),
        (status = 409, description = "`insufficient_points`, `out_of_stock`, `limit_reached`, `reward_unavailable`", body = ErrorBody),
        (status = 422, description = "`invalid_idempotency_key`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(profile = %claims.sub, reward = %req.reward_id))]
async fn redeem(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Json(req): Json<RedeemRequest>,
) -> Result<(StatusCode, Json<Voucher>)> {
    let key = crate::platform::idempotency::key(&req.idempotency_key, "A redemption")?;
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let redemption = Redemption {
        brand: claims.brand,
        source_key: format!("redeem:{profile}:{key}"),
        profile,
        reward_id: req.reward_id,
    };
    let (status, voucher) = state.db.transact(move |conn| Box::pin(redemption.run(conn))).await?;
    if status == StatusCode::CREATED {
        metrics::counter!("cham_redemptions_total").increment(1);
    }
    Ok((status, Json(voucher)))
}

/// One redemption, run inside a write transaction.
struct Redemption {
    brand: String,
    profile: String,
    reward_id: String,
    source_key: String,
}

impl Redemption {
    async fn run(self, tx: &mut AnyConnection) -> Result<(StatusCode, Voucher)> {
        let Redemption {
            brand,
            profile,
            reward_id,
            source_key,
        } = self;
        let brand = brand.as_str();
        let now = now_ms();
        let account = ledger::lock(tx, brand, &profile, now).await?;
        if let Some(voucher) = vouchers::issued_for(tx, brand, &source_key).await? {
            return Ok((StatusCode::OK, voucher));
        }
        let reward = rewards::find(tx, brand, &reward_id)
            .await?
            .filter(|r| r.active == 1)
            .ok_or_else(rewards::unknown_reward)?;
        let config = config::get(tx, brand).await?;
        let (held,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM vouchers WHERE profile_id = $1 AND reward_id = $2 AND status <> 'cancelled'",
        )
        .bind(&profile)
        .bind(&reward.id)
        .fetch_one(&mut *tx)
        .await?;
        let standing = Standing {
            balance: account.balance,
            tier_threshold: config
                .effective_tier(account.tier_id.as_deref())
                .map_or(0, |t| t.threshold),
        };
        let min_tier = reward.min_tier_id.as_deref().and_then(|id| config.tier(id));
        if let Some(reason) = blocked_by(&reward, &standing, min_tier.map(|t| t.threshold), held, now) {
            return Err(refusal(reason, &reward, account.balance));
        }
        let taken = sqlx::query(
            "UPDATE rewards SET stock = CASE WHEN stock IS NULL THEN NULL ELSE stock - 1 END, issued = issued + 1 \
             WHERE id = $1 AND (stock IS NULL OR stock > 0)",
        )
        .bind(&reward.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken != 1 {
            return Err(refusal("out_of_stock", &reward, account.balance));
        }
        let entry_id = if reward.points_cost > 0 {
            let debit = Debit {
                kind: Kind::Redeem,
                points: reward.points_cost,
                source: Source {
                    kind: "reward",
                    reference: &reward.id,
                    key: &source_key,
                    label: Some(&reward.name),
                    reason: None,
                    actor: &profile,
                },
            };
            ledger::debit(tx, brand, &profile, &debit, account.balance, now).await?
        } else {
            None
        };
        let issue = Issue {
            reward: &reward,
            source_kind: "redemption",
            source_key: &source_key,
            entry_id: entry_id.as_deref(),
        };
        let voucher = vouchers::issue(tx, brand, &profile, &issue, now).await?;
        Ok((StatusCode::CREATED, voucher))
    }
}
