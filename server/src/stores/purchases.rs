//! Purchases at the till: staff scan the member's code and record what they paid with the receipt's code. The
//! purchase is `offline_purchase` on the member's timeline (amount, receipt, store, staff member), paid by the
//! brand's earning rules in the same transaction; a receipt code pays once in the brand, and a member code records
//! one purchase.

use app::api::{AtStore, ErrorBody, ErrorCode, FieldProblem, PurchaseReceipt, StaffPurchase, StoreRef};
use app::domain::bounds::MAX_AMOUNT_VND;
use axum::{extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::visits::{at_counter, member_of, spend_code};
use crate::error::Query;
use crate::{
    AppState,
    auth::extract::StaffAuth,
    error::{Error, Json, Result},
    events::{self, Campaign, NewEvent},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(record_purchase))
}

/// The receipt code as stored: trimmed, upper case; 1 to 64 of letters, digits, `-`, `_` and `/`.
fn receipt_code(text: &str) -> Result<String> {
    let code = text.trim().to_ascii_uppercase();
    let ok = (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/'));
    if !ok {
        return Err(Error::unprocessable(
            ErrorCode::InvalidReceipt,
            "A receipt code has 1 to 64 letters, digits, dashes, underscores or slashes.",
        )
        .at("/receipt_code", FieldProblem::Length { min: 1, max: 64 }));
    }
    Ok(code)
}

/// Records a purchase at the staff member's store for the member whose code was scanned.
#[utoipa::path(
    post,
    path = "/api/v1/staff/purchases",
    tag = "staff",
    security(("bearer" = [])),
    params(AtStore),
    request_body = StaffPurchase,
    responses(
        (status = 201, body = PurchaseReceipt),
        (status = 403, description = "`staff_only`, `store_not_yours`", body = ErrorBody),
        (status = 404, description = "`unknown_profile`, `unknown_store`", body = ErrorBody),
        (status = 409, description = "`member_code_used`, `receipt_used`", body = ErrorBody),
        (status = 410, description = "`member_code_expired`", body = ErrorBody),
        (status = 422, description = "`member_code_invalid`, `invalid_amount`, `invalid_receipt`, `store_required`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(staff = %claims.sub))]
async fn record_purchase(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Query(at): Query<AtStore>,
    Json(body): Json<StaffPurchase>,
) -> Result<(StatusCode, Json<PurchaseReceipt>)> {
    if !(1..=MAX_AMOUNT_VND).contains(&body.amount_vnd) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidAmount,
            "An amount is whole đồng from 1 to 1,000 billion.",
        )
        .at(
            "/amount_vnd",
            FieldProblem::Range {
                min: 1,
                max: MAX_AMOUNT_VND,
            },
        ));
    }
    let receipt = receipt_code(&body.receipt_code)?;
    let now = state.clock.now_ms();
    let profile = member_of(&state, &claims.brand, &body.code, now).await?;
    let mut tx = state.db.begin().await?;
    let store_id = super::acting_store(&mut tx, &claims, at.store_id.as_deref())
        .await?
        .ok_or_else(|| {
            Error::unprocessable(
                ErrorCode::StoreRequired,
                "A purchase is recorded at a store: the brand has none open yet.",
            )
        })?;
    let store = super::find(&mut tx, &claims.brand, &store_id)
        .await?
        .ok_or_else(super::unknown_store)?;
    spend_code(&mut tx, &claims.brand, &body.code, "purchase", now).await?;
    let properties = serde_json::json!({
        "amount_vnd": body.amount_vnd,
        "receipt_code": receipt,
        "store_id": store.id,
        "store_name": store.name,
        "staff_user_id": claims.sub,
    });
    // A receipt pays once in the brand, whoever records it.
    let key = format!("receipt:{receipt}");
    let recorded = events::record(
        &mut tx,
        &claims.brand,
        &NewEvent {
            profile_id: &profile,
            event_type: "offline_purchase",
            occurred_at: now,
            source: "store",
            properties: &properties,
            campaign: &Campaign::default(),
            idempotency_key: Some(&key),
        },
    )
    .await?;
    if recorded.duplicate {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::ReceiptUsed,
            "This receipt has already been recorded.",
        )
        .at("/receipt_code", FieldProblem::Duplicate));
    }
    let (earned,): (Option<i64>,) = sqlx::query_as(
        "SELECT CAST(SUM(points) AS BIGINT) FROM points_entries WHERE source_kind = 'event' AND source_ref = $1",
    )
    .bind(&recorded.id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    metrics::counter!("cham_store_purchases_total").increment(1);
    tracing::info!(event = %recorded.id, store = %store.id, "purchase recorded");
    let mut conn = state.db.read().acquire().await?;
    let member = at_counter(&mut conn, &state, &claims.brand, &profile, Some(&store.id), now).await?;
    Ok((
        StatusCode::CREATED,
        Json(PurchaseReceipt {
            event_id: recorded.id,
            store: StoreRef {
                id: store.id,
                name: store.name,
            },
            amount_vnd: body.amount_vnd,
            points_earned: earned.unwrap_or(0),
            member,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_codes_are_tidied_and_bounded() {
        assert_eq!(receipt_code(" hd-2026/001 ").unwrap(), "HD-2026/001");
        for bad in ["", "  ", "a b", "x".repeat(65).as_str(), "ĐƠN-1", "a;b"] {
            assert!(receipt_code(bad).is_err(), "{bad:?}");
        }
    }
}
