//! The console's stores: list, add and change (a store is closed rather than deleted, so what happened there keeps
//! its name).

use app::api::{ErrorBody, ErrorCode, FieldProblem, Store, StoreInput};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{STORE_COLUMNS, StoreRow, find, unknown_store};
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::new_id,
    error::{Error, Json, Result, is_unique_violation},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
}

/// `invalid_store` about the field at `pointer`.
fn invalid(pointer: &str, problem: FieldProblem, message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidStore, message).at(pointer, problem)
}

/// Checks and tidies a store form.
fn validate(mut input: StoreInput) -> Result<StoreInput> {
    input.name = input.name.trim().to_owned();
    input.address = input.address.trim().to_owned();
    input.hours = input.hours.trim().to_owned();
    if input.name.is_empty() || input.name.chars().count() > 120 {
        return Err(invalid(
            "/name",
            FieldProblem::Length { min: 1, max: 120 },
            "A store needs a name of at most 120 characters.",
        ));
    }
    if input.address.is_empty() || input.address.chars().count() > 300 {
        return Err(invalid(
            "/address",
            FieldProblem::Length { min: 1, max: 300 },
            "A store needs an address of at most 300 characters.",
        ));
    }
    if input.hours.chars().count() > 200 {
        return Err(invalid(
            "/hours",
            FieldProblem::Length { min: 0, max: 200 },
            "Opening hours have at most 200 characters.",
        ));
    }
    if !(1..=100_000).contains(&input.check_in_limit) {
        return Err(invalid(
            "/check_in_limit",
            FieldProblem::Range { min: 1, max: 100_000 },
            "A day's check-in limit is between 1 and 100,000.",
        ));
    }
    match (input.latitude, input.longitude) {
        (None, None) => {}
        (Some(lat), Some(lng)) => {
            if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
                return Err(invalid(
                    "/latitude",
                    FieldProblem::Range { min: -90, max: 90 },
                    "A latitude is between -90 and 90 degrees.",
                ));
            }
            if !(lng.is_finite() && (-180.0..=180.0).contains(&lng)) {
                return Err(invalid(
                    "/longitude",
                    FieldProblem::Range { min: -180, max: 180 },
                    "A longitude is between -180 and 180 degrees.",
                ));
            }
        }
        (Some(_), None) => {
            return Err(invalid(
                "/longitude",
                FieldProblem::Range { min: -180, max: 180 },
                "Give the longitude with the latitude.",
            ));
        }
        (None, Some(_)) => {
            return Err(invalid(
                "/latitude",
                FieldProblem::Range { min: -90, max: 90 },
                "Give the latitude with the longitude.",
            ));
        }
    }
    Ok(input)
}

fn name_taken(e: sqlx::Error) -> Error {
    if is_unique_violation(&e, "stores_brand_name_key") {
        Error::new(
            StatusCode::CONFLICT,
            ErrorCode::StoreExists,
            "A store already has this name.",
        )
        .at("/name", FieldProblem::Duplicate)
    } else {
        e.into()
    }
}

async fn to_api(conn: &mut AnyConnection, row: StoreRow) -> Result<Store> {
    let (staff,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM staff_stores t JOIN users u ON u.id = t.user_id \
         WHERE t.store_id = $1 AND u.disabled_at IS NULL",
    )
    .bind(&row.id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Store {
        id: row.id,
        input: StoreInput {
            name: row.name,
            address: row.address,
            latitude: row.latitude,
            longitude: row.longitude,
            hours: row.hours,
            active: row.active == 1,
            check_in_limit: row.check_in_limit,
        },
        staff,
    })
}

/// The brand's stores, open ones first, by name.
#[utoipa::path(
    get,
    path = "/api/v1/admin/stores",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Store>), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<Store>>> {
    let mut conn = state.db.read().acquire().await?;
    let rows: Vec<StoreRow> = sqlx::query_as(&format!(
        "SELECT {STORE_COLUMNS} FROM stores WHERE brand_id = $1 ORDER BY active DESC, name, id LIMIT 1000"
    ))
    .bind(&claims.brand)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(to_api(&mut conn, row).await?);
    }
    Ok(Json(out))
}

/// Adds a store.
#[utoipa::path(
    post,
    path = "/api/v1/admin/stores",
    tag = "admin",
    security(("bearer" = [])),
    request_body = StoreInput,
    responses(
        (status = 201, body = Store),
        (status = 409, description = "`store_exists`", body = ErrorBody),
        (status = 422, description = "`invalid_store`, with the field at fault", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<StoreInput>,
) -> Result<(StatusCode, Json<Store>)> {
    let input = validate(input)?;
    let now = state.clock.now_ms();
    let id = new_id();
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO stores (id, brand_id, name, address, latitude, longitude, hours, active, created_at, updated_at, \
         check_in_limit, poster_issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $9)",
    )
    // Not kept prepared: sqlx 0.8.6's Any driver binds a `None::<f64>` as a float4 NULL (its `Null(Double)` and
    // `Null(Real)` are swapped), so on PostgreSQL a statement first prepared for a store without coordinates
    // refused the next one's float8 ("incorrect binary data format in bind parameter 5"): the intermittent 500.
    .persistent(false)
    .bind(&id)
    .bind(&claims.brand)
    .bind(&input.name)
    .bind(&input.address)
    .bind(input.latitude)
    .bind(input.longitude)
    .bind(&input.hours)
    .bind(i64::from(input.active))
    .bind(now)
    .bind(input.check_in_limit)
    .execute(&mut *tx)
    .await
    .map_err(name_taken)?;
    let row = find(&mut tx, &claims.brand, &id).await?.ok_or_else(unknown_store)?;
    let store = to_api(&mut tx, row).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(store)))
}

/// Changes a store; closing it (`active: false`) stops staff acting there and hides it from the mini app.
#[utoipa::path(
    put,
    path = "/api/v1/admin/stores/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Store id")),
    request_body = StoreInput,
    responses(
        (status = 200, body = Store),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
        (status = 409, description = "`store_exists`", body = ErrorBody),
        (status = 422, description = "`invalid_store`, with the field at fault", body = ErrorBody),
    )
)]
async fn update(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<StoreInput>,
) -> Result<Json<Store>> {
    let input = validate(input)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let changed = sqlx::query(
        "UPDATE stores SET name = $1, address = $2, latitude = $3, longitude = $4, hours = $5, active = $6, \
         updated_at = $7, check_in_limit = $10 WHERE id = $8 AND brand_id = $9",
    )
    // Not kept prepared: see `create`.
    .persistent(false)
    .bind(&input.name)
    .bind(&input.address)
    .bind(input.latitude)
    .bind(input.longitude)
    .bind(&input.hours)
    .bind(i64::from(input.active))
    .bind(now)
    .bind(&id)
    .bind(&claims.brand)
    .bind(input.check_in_limit)
    .execute(&mut *tx)
    .await
    .map_err(name_taken)?
    .rows_affected();
    if changed != 1 {
        return Err(unknown_store());
    }
    let row = find(&mut tx, &claims.brand, &id).await?.ok_or_else(unknown_store)?;
    let store = to_api(&mut tx, row).await?;
    tx.commit().await?;
    Ok(Json(store))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> StoreInput {
        StoreInput {
            name: " Chạm Nguyễn Huệ ".into(),
            address: "12 Nguyễn Huệ, Quận 1".into(),
            latitude: Some(10.774),
            longitude: Some(106.703),
            hours: "7:00–22:00".into(),
            active: true,
            check_in_limit: app::api::DEFAULT_CHECK_IN_LIMIT,
        }
    }

    #[test]
    fn a_store_is_tidied_and_its_location_checked() {
        assert_eq!(validate(store()).unwrap().name, "Chạm Nguyễn Huệ");
        let mut half = store();
        half.longitude = None;
        assert_eq!(validate(half).unwrap_err().code(), ErrorCode::InvalidStore);
        let mut far = store();
        far.latitude = Some(f64::NAN);
        assert!(validate(far).is_err());
        let mut off = store();
        off.longitude = Some(181.0);
        assert!(validate(off).is_err());
    }
}
