//! Purchases a member claims after scanning a store's poster: the receipt's code and amount, pending until staff
//! confirm them against the till or an admin reconciles the store's day with the till's export (CSV). A confirmed
//! claim is `offline_purchase` on the member's timeline as of when it was claimed, under the receipt's key, so a
//! receipt pays once in the brand however it is recorded. A receipt is claimed once while its claim stands.

use app::api::{
    AtStore, ClaimDecision, ClaimReason, ClaimRequest, ClaimStatus, ErrorBody, ErrorCode, FieldProblem, MyClaims,
    PurchaseClaim, StaffClaim, StaffClaims, StoreRef,
};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{StoreEvent, poster};
use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::{CustomerAuth, StaffAuth},
    db::{new_id, rfc3339},
    error::{Error, Json, Result, is_unique_violation},
    loyalty::counter,
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(claim, mine))
        .routes(routes!(pending_at_store))
        .routes(routes!(decide))
}

/// Claims a member may have pending at once.
const MAX_PENDING: i64 = 10;

#[derive(Debug, sqlx::FromRow)]
pub(super) struct Row {
    pub(super) id: String,
    pub(super) store_id: String,
    store_name: String,
    pub(super) profile_id: String,
    pub(super) receipt_code: String,
    pub(super) amount_vnd: i64,
    pub(super) claimed_at: i64,
    status: String,
    reason: Option<String>,
    event_id: Option<String>,
}

pub(super) const COLUMNS: &str = "c.id, c.store_id, s.name AS store_name, c.profile_id, c.receipt_code, \
     c.amount_vnd, c.claimed_at, c.status, c.reason, c.event_id";

fn reason_of(text: Option<&str>) -> Option<ClaimReason> {
    match text? {
        "refused_by_staff" => Some(ClaimReason::RefusedByStaff),
        "not_on_receipts" => Some(ClaimReason::NotOnReceipts),
        "amount_differs" => Some(ClaimReason::AmountDiffers),
        "receipt_used" => Some(ClaimReason::ReceiptUsed),
        _ => None,
    }
}

async fn to_api(conn: &mut AnyConnection, row: Row) -> Result<PurchaseClaim> {
    let points_earned = match &row.event_id {
        Some(event) => super::points_of(conn, event).await?,
        None => 0,
    };
    Ok(PurchaseClaim {
        id: row.id,
        store: StoreRef {
            id: row.store_id,
            name: row.store_name,
        },
        receipt_code: row.receipt_code,
        amount_vnd: row.amount_vnd,
        status: match row.status.as_str() {
            "confirmed" => ClaimStatus::Confirmed,
            "rejected" => ClaimStatus::Rejected,
            _ => ClaimStatus::Pending,
        },
        reason: reason_of(row.reason.as_deref()),
        points_earned,
        claimed_at: rfc3339(row.claimed_at),
    })
}

async fn find(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Option<Row>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM purchase_claims c JOIN stores s ON s.id = c.store_id WHERE c.id = $1 AND c.brand_id = $2"
    ))
    .bind(id)
    .bind(brand_id)
    .fetch_optional(&mut *conn)
    .await?)
}

fn receipt_used() -> Error {
    Error::new(
        StatusCode::CONFLICT,
        ErrorCode::ReceiptUsed,
        "This receipt has already been recorded.",
    )
    .at("/receipt_code", FieldProblem::Duplicate)
}

/// Settles a pending claim inside the caller's transaction: confirmed, the purchase recorded (or refused as
/// `receipt_used` when the receipt was recorded another way first); or refused for `reason`. `false` when the
/// claim was no longer pending.
pub(super) async fn settle(
    conn: &mut AnyConnection,
    brand_id: &str,
    claim: &Row,
    decided_by: &str,
    refused: Option<&str>,
    now: i64,
) -> Result<bool> {
    // Take the claim first, so two deciding at once cannot both record it.
    let taken = sqlx::query(
        "UPDATE purchase_claims SET status = $1, reason = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(if refused.is_some() { "rejected" } else { "confirmed" })
    .bind(refused)
    .bind(decided_by)
    .bind(now)
    .bind(&claim.id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if taken != 1 || refused.is_some() {
        return Ok(taken == 1);
    }
    let store = super::find(conn, brand_id, &claim.store_id)
        .await?
        .ok_or_else(super::unknown_store)?;
    let key = crate::events::receipt_key(&claim.receipt_code);
    let extra = serde_json::json!({
        "amount_vnd": claim.amount_vnd,
        "receipt_code": claim.receipt_code,
        "via": "claim",
        "claim_id": claim.id,
        "staff_user_id": decided_by,
    });
    let at = StoreEvent {
        profile_id: &claim.profile_id,
        event_type: "offline_purchase",
        store: &store,
        at: claim.claimed_at,
        key: &key,
    };
    let recorded = super::record_at_store(conn, brand_id, at, extra).await?;
    let (status, reason, event) = if recorded.duplicate {
        ("rejected", Some("receipt_used"), None)
    } else {
        ("confirmed", None, Some(recorded.id))
    };
    sqlx::query("UPDATE purchase_claims SET status = $1, reason = $2, event_id = $3 WHERE id = $4")
        .bind(status)
        .bind(reason)
        .bind(event)
        .bind(&claim.id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// A member's claims, newest first.
pub(super) async fn of_member(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    limit: i64,
) -> Result<Vec<PurchaseClaim>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM purchase_claims c JOIN stores s ON s.id = c.store_id \
         WHERE c.brand_id = $1 AND c.profile_id = $2 ORDER BY c.claimed_at DESC, c.id DESC LIMIT $3"
    ))
    .bind(brand_id)
    .bind(profile_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(to_api(conn, row).await?);
    }
    Ok(items)
}

/// Claims a purchase at the store whose poster the member scanned.
#[utoipa::path(
    post,
    path = "/api/v1/me/purchase-claims",
    tag = "member",
    security(("bearer" = [])),
    request_body = ClaimRequest,
    responses(
        (status = 201, description = "Pending", body = PurchaseClaim),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
        (status = 409, description = "`receipt_used`, `receipt_claimed`, `too_many_claims`", body = ErrorBody),
        (status = 410, description = "`store_code_revoked`", body = ErrorBody),
        (status = 422, description = "`store_code_invalid`, `invalid_receipt`, `invalid_amount`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(member = %claims.sub))]
async fn claim(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Json(body): Json<ClaimRequest>,
) -> Result<(StatusCode, Json<PurchaseClaim>)> {
    let receipt = super::receipt_code(&body.receipt_code)?;
    super::check_amount(body.amount_vnd)?;
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let store = poster::store_of(&mut tx, &state.qr, &claims.brand, &body.code).await?;
    let (recorded,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM events WHERE brand_id = $1 AND idempotency_key = $2")
            .bind(&claims.brand)
            .bind(crate::events::receipt_key(&receipt))
            .fetch_one(&mut *tx)
            .await?;
    if recorded > 0 {
        return Err(receipt_used());
    }
    let (pending,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM purchase_claims WHERE brand_id = $1 AND profile_id = $2 AND status = 'pending'",
    )
    .bind(&claims.brand)
    .bind(&profile)
    .fetch_one(&mut *tx)
    .await?;
    if pending >= MAX_PENDING {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::TooManyClaims,
            "You have 10 purchase claims waiting: wait for the store to confirm them first.",
        ));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO purchase_claims (id, brand_id, store_id, profile_id, receipt_code, amount_vnd, day, claimed_at, \
         status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')",
    )
    .bind(&id)
    .bind(&claims.brand)
    .bind(&store.id)
    .bind(&profile)
    .bind(&receipt)
    .bind(body.amount_vnd)
    .bind(super::day_of(now))
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "purchase_claims") {
            Error::new(
                StatusCode::CONFLICT,
                ErrorCode::ReceiptClaimed,
                "This receipt is already waiting to be confirmed.",
            )
            .at("/receipt_code", FieldProblem::Duplicate)
        } else {
            e.into()
        }
    })?;
    let row = find(&mut tx, &claims.brand, &id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the claim just written is gone"))?;
    let answer = to_api(&mut tx, row).await?;
    tx.commit().await?;
    metrics::counter!("cham_purchase_claims_total").increment(1);
    tracing::info!(claim = %id, store = %store.id, "purchase claimed");
    Ok((StatusCode::CREATED, Json(answer)))
}

/// The member's purchase claims, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/purchase-claims",
    tag = "member",
    security(("bearer" = [])),
    responses((status = 200, body = MyClaims))
)]
async fn mine(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<MyClaims>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let mut conn = state.db.read().acquire().await?;
    let items = of_member(&mut conn, &claims.brand, &profile, 50).await?;
    Ok(Json(MyClaims { items }))
}

/// The store's pending claims, oldest first, for staff to check against the till.
#[utoipa::path(
    get,
    path = "/api/v1/staff/purchase-claims",
    tag = "staff",
    security(("bearer" = [])),
    params(AtStore),
    responses(
        (status = 200, body = StaffClaims),
        (status = 403, description = "`staff_only`, `store_not_yours`", body = ErrorBody),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
        (status = 422, description = "`store_required`", body = ErrorBody),
    )
)]
async fn pending_at_store(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Query(at): Query<AtStore>,
) -> Result<Json<StaffClaims>> {
    let mut conn = state.db.read().acquire().await?;
    let Some(store) = super::acting_store(&mut conn, &claims, at.store_id.as_deref()).await? else {
        return Ok(Json(StaffClaims { items: Vec::new() }));
    };
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM purchase_claims c JOIN stores s ON s.id = c.store_id \
         WHERE c.store_id = $1 AND c.status = 'pending' ORDER BY c.claimed_at, c.id LIMIT 100"
    ))
    .bind(&store)
    .fetch_all(&mut *conn)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let member = counter::holder(&mut conn, &claims.brand, &row.profile_id).await?;
        items.push(StaffClaim {
            claim: to_api(&mut conn, row).await?,
            member,
        });
    }
    Ok(Json(StaffClaims { items }))
}

/// Staff confirm a pending claim at their store against the till, or refuse it.
#[utoipa::path(
    post,
    path = "/api/v1/staff/purchase-claims/{id}",
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Claim id"), AtStore),
    request_body = ClaimDecision,
    responses(
        (status = 200, description = "Confirmed, or refused (also when the receipt was recorded another way first)", body = PurchaseClaim),
        (status = 403, description = "`staff_only`, `store_not_yours`", body = ErrorBody),
        (status = 404, description = "`unknown_claim`, `unknown_store`", body = ErrorBody),
        (status = 409, description = "`claim_decided`", body = ErrorBody),
        (status = 422, description = "`store_required`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(claim = %id, staff = %claims.sub))]
async fn decide(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Path(id): Path<String>,
    Query(at): Query<AtStore>,
    Json(body): Json<ClaimDecision>,
) -> Result<Json<PurchaseClaim>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let store = super::acting_store(&mut tx, &claims, at.store_id.as_deref()).await?;
    let unknown = || {
        Error::not_found(
            ErrorCode::UnknownClaim,
            "There is no such purchase claim at this store.",
        )
    };
    let row = find(&mut tx, &claims.brand, &id)
        .await?
        .filter(|c| store.as_deref() == Some(c.store_id.as_str()))
        .ok_or_else(unknown)?;
    let refused = (!body.confirm).then_some("refused_by_staff");
    if !settle(&mut tx, &claims.brand, &row, &claims.sub, refused, now).await? {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::ClaimDecided,
            "This claim has already been settled.",
        ));
    }
    let row = find(&mut tx, &claims.brand, &id).await?.ok_or_else(unknown)?;
    let answer = to_api(&mut tx, row).await?;
    tx.commit().await?;
    tracing::info!(status = ?answer.status, "claim settled by staff");
    Ok(Json(answer))
}
