//! A member scanning a product code: the batch's points once, through the ledger (`points_earned` on their
//! timeline with the batch's name). A spent code is refused (`product_code_used`) and the refusal counted on the
//! code, kept even though the request fails, so the console shows copied codes.

use app::api::{ErrorBody, ErrorCode, ProductCodeEarned, ProductCodeScan};
use axum::{extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    auth::extract::CustomerAuth,
    error::{Error, Json, Result},
    loyalty::ledger::{self, Credit, Kind, Source},
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(scan))
}

/// Earns a product code's points.
#[utoipa::path(
    post,
    path = "/api/v1/me/product-codes",
    tag = "member",
    security(("bearer" = [])),
    request_body = ProductCodeScan,
    responses(
        (status = 200, body = ProductCodeEarned),
        (status = 409, description = "`product_code_used`", body = ErrorBody),
        (status = 410, description = "`product_code_revoked`", body = ErrorBody),
        (status = 422, description = "`product_code_invalid`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(member = %claims.sub))]
async fn scan(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Json(body): Json<ProductCodeScan>,
) -> Result<Json<ProductCodeEarned>> {
    let invalid = || {
        Error::unprocessable(
            ErrorCode::ProductCodeInvalid,
            "This is not a product code of this brand.",
        )
    };
    let code = super::code_in(&body.code).ok_or_else(invalid)?;
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let found: Option<(String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT b.id, b.name, b.points, b.revoked_at FROM product_codes c \
         JOIN product_code_batches b ON b.id = c.batch_id WHERE c.code = $1 AND c.brand_id = $2",
    )
    .bind(&code)
    .bind(&claims.brand)
    .fetch_optional(&mut *tx)
    .await?;
    let (batch_id, batch, points, revoked) = found.ok_or_else(invalid)?;
    if revoked.is_some() {
        return Err(Error::new(
            StatusCode::GONE,
            ErrorCode::ProductCodeRevoked,
            "This product code no longer earns points.",
        ));
    }
    let spent =
        sqlx::query("UPDATE product_codes SET spent_at = $1, spent_by = $2 WHERE code = $3 AND spent_at IS NULL")
            .bind(now)
            .bind(&profile)
            .bind(&code)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if spent != 1 {
        // Refused, and counted for the console: the count commits although the scan fails.
        sqlx::query(
            "UPDATE product_codes SET refused_scans = refused_scans + 1, last_refused_at = $1, last_refused_by = $2 \
             WHERE code = $3",
        )
        .bind(now)
        .bind(&profile)
        .bind(&code)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::warn!(batch = %batch_id, "a spent product code was scanned again");
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::ProductCodeUsed,
            "This product code has already been scanned.",
        ));
    }
    ledger::lock(&mut tx, &claims.brand, &profile, now).await?;
    let key = format!("product:{code}");
    let credit = Credit {
        kind: Kind::Earn,
        points,
        available_at: now,
        expires_at: None,
        rule_id: None,
        source: Source {
            kind: "product_code",
            reference: &batch_id,
            key: &key,
            label: Some(&batch),
            reason: None,
            actor: "server",
        },
    };
    ledger::credit(&mut tx, &claims.brand, &profile, &credit, now).await?;
    tx.commit().await?;
    metrics::counter!("cham_product_codes_scanned_total").increment(1);
    Ok(Json(ProductCodeEarned {
        batch,
        points_earned: points,
    }))
}
