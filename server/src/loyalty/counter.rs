//! The store counter: staff look a voucher up by its code and mark it used, once, at the store they work at
//! (checked by `stores::acting_store`); the `voucher_used` event names the staff member and the store.

use app::api::{AtStore, ErrorBody, ErrorCode, StaffVoucher, VoucherHolder, VoucherStatus};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    config,
    vouchers::{VoucherRow, by_code, record},
};
use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::StaffAuth,
    db::rfc3339,
    error::{Error, Json, Result},
    stores,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(staff_lookup))
        .routes(routes!(staff_use))
}
/// Who holds a voucher or a gift, as store staff see them: name, masked verified phone, tier.
pub(crate) async fn holder(conn: &mut AnyConnection, brand_id: &str, profile_id: &str) -> Result<VoucherHolder> {
    let name: Option<(Option<String>,)> = sqlx::query_as("SELECT display_name FROM profiles WHERE id = $1")
        .bind(profile_id)
        .fetch_optional(&mut *conn)
        .await?;
    let phone: Option<(String,)> = sqlx::query_as(
        "SELECT value FROM identities WHERE profile_id = $1 AND kind = 'phone' AND verified = 1 ORDER BY first_seen_at LIMIT 1",
    )
    .bind(profile_id)
    .fetch_optional(&mut *conn)
    .await?;
    let tier_id = super::member::reached_tier(conn, profile_id).await?;
    let config = config::get(conn, brand_id).await?;
    Ok(VoucherHolder {
        profile_id: profile_id.to_owned(),
        name: name.and_then(|(n,)| n),
        phone_masked: phone
            .and_then(|(p,)| app::domain::Phone::parse(&p).ok())
            .map(|p| p.masked()),
        tier: super::member::tier_name(&config, tier_id.as_deref()),
    })
}

async fn staff_view(conn: &mut AnyConnection, brand_id: &str, row: &VoucherRow, now: i64) -> Result<StaffVoucher> {
    let voucher = row.to_api(now);
    Ok(StaffVoucher {
        usable: voucher.status == VoucherStatus::Issued,
        used_by: row.used_by.clone(),
        used_at_store: row.used_at_store.clone(),
        voucher,
        holder: holder(conn, brand_id, &row.profile_id).await?,
    })
}

/// Looks a voucher up by its code, with its reward and holder, for store staff.
#[utoipa::path(
    get,
    path = "/api/v1/staff/vouchers/{code}",
    tag = "staff",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The code, typed (dashes optional) or scanned")),
    responses(
        (status = 200, body = StaffVoucher),
        (status = 403, description = "`staff_only`", body = ErrorBody),
        (status = 404, description = "`unknown_voucher`", body = ErrorBody),
    )
)]
async fn staff_lookup(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Path(code): Path<String>,
) -> Result<Json<StaffVoucher>> {
    let mut conn = state.db.read().acquire().await?;
    let row = by_code(&mut conn, &claims.brand, &code).await?;
    Ok(Json(
        staff_view(&mut conn, &claims.brand, &row, state.clock.now_ms()).await?,
    ))
}

/// Marks a voucher used, once. A used, expired or cancelled voucher is refused and stays as it was.
#[utoipa::path(
    post,
    path = "/api/v1/staff/vouchers/{code}/use",
    tag = "staff",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The code"), AtStore),
    responses(
        (status = 200, body = StaffVoucher),
        (status = 403, description = "`staff_only`, `store_not_yours`", body = ErrorBody),
        (status = 404, description = "`unknown_voucher`, `unknown_store`", body = ErrorBody),
        (status = 422, description = "`store_required`: the brand has stores, so say which", body = ErrorBody),
        (status = 409, description = "`voucher_used`, `voucher_cancelled`", body = ErrorBody),
        (status = 410, description = "`voucher_expired`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(staff = %claims.sub))]
async fn staff_use(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Path(code): Path<String>,
    Query(at): Query<AtStore>,
) -> Result<Json<StaffVoucher>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let row = by_code(&mut tx, &claims.brand, &code).await?;
    let store = stores::acting_store(&mut tx, &claims, at.store_id.as_deref()).await?;
    let used = sqlx::query(
        "UPDATE vouchers SET status = 'used', used_at = $1, used_by = $2, used_store_id = $3 \
         WHERE id = $4 AND status = 'issued' AND expires_at > $1",
    )
    .bind(now)
    .bind(&claims.sub)
    .bind(store.as_deref())
    .bind(&row.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if used != 1 {
        // Read again: another till may have used it a moment ago.
        let row = by_code(&mut tx, &claims.brand, &code).await?;
        return Err(match row.status(now) {
            VoucherStatus::Used => Error::new(
                StatusCode::CONFLICT,
                ErrorCode::VoucherUsed,
                match &row.used_at_store {
                    Some(store) => format!(
                        "This voucher was already used at {} at {store}.",
                        row.used_at.map(rfc3339).unwrap_or_default()
                    ),
                    None => format!(
                        "This voucher was already used at {}.",
                        row.used_at.map(rfc3339).unwrap_or_default()
                    ),
                },
            ),
            VoucherStatus::Cancelled => Error::new(
                StatusCode::CONFLICT,
                ErrorCode::VoucherCancelled,
                "This voucher was cancelled.",
            ),
            _ => Error::new(
                StatusCode::GONE,
                ErrorCode::VoucherExpired,
                format!("This voucher expired at {}.", rfc3339(row.expires_at)),
            ),
        });
    }
    let properties = serde_json::json!({
        "voucher_id": row.id,
        "reward_id": row.reward_id,
        "reward_name": row.name,
        "staff_user_id": claims.sub,
        "store_id": store,
    });
    record(
        &mut tx,
        &claims.brand,
        &row.profile_id,
        "voucher_used",
        &properties,
        now,
    )
    .await?;
    let row = by_code(&mut tx, &claims.brand, &code).await?;
    let view = staff_view(&mut tx, &claims.brand, &row, now).await?;
    tx.commit().await?;
    metrics::counter!("cham_vouchers_used_total").increment(1);
    tracing::info!(voucher = %row.id, "voucher used");
    Ok(Json(view))
}
