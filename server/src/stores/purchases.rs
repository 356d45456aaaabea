//! Purchases at the till: staff scan the member's code and record what they paid with the receipt's code. The
//! purchase is `offline_purchase` on the member's timeline (amount, receipt, store, staff member), paid by the
//! brand's earning rules in the same transaction; a receipt code pays once in the brand, and a member code records
//! one purchase.

use app::api::{AtStore, ErrorBody, ErrorCode, FieldProblem, PurchaseReceipt, StaffPurchase, StoreRef};
use axum::{extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::visits::{at_counter, member_of, spend_code};
use crate::error::Query;
use crate::{
    AppState,
    auth::extract::StaffAuth,
    error::{Error, Json, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(record_purchase))
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
    super::check_amount(body.amount_vnd)?;
    let receipt = super::receipt_code(&body.receipt_code)?;
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
    let extra = serde_json::json!({
        "amount_vnd": body.amount_vnd,
        "receipt_code": receipt,
        "staff_user_id": claims.sub,
    });
    let key = crate::events::receipt_key(&receipt);
    let recorded = super::record_at_store(
        &mut tx,
        &claims.brand,
        super::StoreEvent {
            profile_id: &profile,
            event_type: "offline_purchase",
            store: &store,
            at: now,
            key: &key,
        },
        extra,
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
    let earned = super::points_of(&mut tx, &recorded.id).await?;
    tx.commit().await?;
    metrics::counter!("cham_store_purchases_total").increment(1);
    tracing::info!(event = %recorded.id, store = %store.id, "purchase recorded");
    let member = at_counter(&state, &claims.brand, &profile, Some(&store.id), now).await?;
    Ok((
        StatusCode::CREATED,
        Json(PurchaseReceipt {
            event_id: recorded.id,
            store: StoreRef {
                id: store.id,
                name: store.name,
            },
            amount_vnd: body.amount_vnd,
            points_earned: earned,
            member,
        }),
    ))
}
