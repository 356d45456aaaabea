//! The staff member's shift: what they did today (Vietnam's business day) at the store they work at, newest first:
//! visits and purchases recorded, vouchers used, gifts handed over. Read from the interaction log, where each of
//! those events names the staff member and the store.

use app::api::{AtStore, ErrorBody, Shift, ShiftEntry};
use axum::extract::State;
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Query;
use crate::{
    AppState,
    auth::extract::StaffAuth,
    db::rfc3339,
    error::{Json, Result},
    loyalty::time,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(my_shift))
}

/// Events of a day read at most; a shift shows the latest 100 of its own.
const SCANNED: i64 = 2_000;
const SHOWN: usize = 100;

/// What the signed-in staff member did today at this store.
#[utoipa::path(
    get,
    path = "/api/v1/staff/shift",
    tag = "staff",
    security(("bearer" = [])),
    params(AtStore),
    responses(
        (status = 200, body = Shift),
        (status = 403, description = "`staff_only`, `store_not_yours`", body = ErrorBody),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
        (status = 422, description = "`store_required`", body = ErrorBody),
    )
)]
async fn my_shift(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Query(at): Query<AtStore>,
) -> Result<Json<Shift>> {
    let now = state.clock.now_ms();
    let mut conn = state.db.read().acquire().await?;
    let store = super::acting_store(&mut conn, &claims, at.store_id.as_deref()).await?;
    let rows: Vec<(String, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT e.type, e.occurred_at, e.properties, p.display_name FROM events e \
         JOIN profiles p ON p.id = e.profile_id \
         WHERE e.brand_id = $1 AND e.type IN ('checked_in', 'offline_purchase', 'voucher_used', 'gift_claimed') \
         AND e.occurred_at >= $2 ORDER BY e.occurred_at DESC, e.id DESC LIMIT $3",
    )
    .bind(&claims.brand)
    .bind(time::day_start(now))
    .bind(SCANNED)
    .fetch_all(&mut *conn)
    .await?;
    let entries = rows
        .into_iter()
        .filter_map(|(kind, occurred_at, properties, member)| {
            let props: Value = serde_json::from_str(&properties).ok()?;
            let text = |key: &str| props.get(key).and_then(Value::as_str).map(str::to_owned);
            if text("staff_user_id").as_deref() != Some(claims.sub.as_str()) {
                return None;
            }
            if store.is_some() && text("store_id") != store {
                return None;
            }
            let detail = match kind.as_str() {
                "voucher_used" => text("reward_name"),
                "gift_claimed" => text("prize"),
                "offline_purchase" => text("receipt_code"),
                _ => None,
            };
            Some(ShiftEntry {
                at: rfc3339(occurred_at),
                amount_vnd: props.get("amount_vnd").and_then(Value::as_i64),
                kind,
                member,
                detail,
            })
        })
        .take(SHOWN)
        .collect();
    Ok(Json(Shift { entries }))
}
