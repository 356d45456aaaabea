//! The console's staff page: the brand's users with the stores each acts at; add a staff member or an admin with a
//! first password, tie staff to stores, disable an account (its sessions end at once) or enable it again.

use app::api::{ErrorBody, ErrorCode, FieldProblem, StaffInvite, StaffMember, StaffRole, StaffUpdate, StoreRef};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Path;
use crate::{
    AppState,
    auth::{extract::AdminAuth, staff as accounts},
    error::{Error, Json, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, invite))
        .routes(routes!(update))
}

/// The stores named in a form, each the brand's: `unknown_store` about the first that is not.
async fn check_stores(conn: &mut AnyConnection, brand_id: &str, ids: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        if out.contains(id) {
            continue;
        }
        if super::find(conn, brand_id, id).await?.is_none() {
            return Err(super::unknown_store().at(format!("/store_ids/{i}"), FieldProblem::Unknown));
        }
        out.push(id.clone());
    }
    Ok(out)
}

async fn tie(conn: &mut AnyConnection, brand_id: &str, user_id: &str, store_ids: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM staff_stores WHERE user_id = $1 AND brand_id = $2")
        .bind(user_id)
        .bind(brand_id)
        .execute(&mut *conn)
        .await?;
    for store_id in store_ids {
        sqlx::query("INSERT INTO staff_stores (user_id, store_id, brand_id) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(store_id)
            .bind(brand_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn ties(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<StoreRef>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.id, s.name FROM staff_stores t JOIN stores s ON s.id = t.store_id WHERE t.user_id = $1 ORDER BY s.name",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, name)| StoreRef { id, name }).collect())
}

async fn members(conn: &mut AnyConnection, brand_id: &str) -> Result<Vec<StaffMember>> {
    let users = accounts::list_users(conn, brand_id).await?;
    let mut out = Vec::with_capacity(users.len());
    for (user, disabled) in users {
        let stores = ties(conn, &user.id).await?;
        out.push(StaffMember { user, stores, disabled });
    }
    Ok(out)
}

/// The brand's owners, admins and staff, by e-mail, with the stores each staff member acts at.
#[utoipa::path(
    get,
    path = "/api/v1/admin/staff",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<StaffMember>), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<StaffMember>>> {
    let mut conn = state.db.read().acquire().await?;
    Ok(Json(members(&mut conn, &claims.brand).await?))
}

/// Adds a staff member (tied to stores) or an admin, with the first password they sign in with.
#[utoipa::path(
    post,
    path = "/api/v1/admin/staff",
    tag = "admin",
    security(("bearer" = [])),
    request_body = StaffInvite,
    responses(
        (status = 201, body = StaffMember),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
        (status = 409, description = "`user_exists`", body = ErrorBody),
        (status = 422, description = "`invalid_email`, `weak_password`, `owner_fixed`, with the field at fault", body = ErrorBody),
    )
)]
async fn invite(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(invite): Json<StaffInvite>,
) -> Result<(StatusCode, Json<StaffMember>)> {
    if invite.role == StaffRole::Owner {
        return Err(Error::unprocessable(
            ErrorCode::OwnerFixed,
            "An owner is made from the command line, not the console.",
        )
        .at("/role", FieldProblem::NotAllowed));
    }
    let prepared = accounts::prepare_user(&invite.email, &invite.password, invite.role).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let stores = check_stores(&mut tx, &claims.brand, &invite.store_ids).await?;
    let user = accounts::insert_user(&mut tx, &claims.brand, &prepared, now).await?;
    tie(&mut tx, &claims.brand, &user.id, &stores).await?;
    let stores = ties(&mut tx, &user.id).await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, role = user.role.as_str(), "brand user added");
    Ok((
        StatusCode::CREATED,
        Json(StaffMember {
            user,
            stores,
            disabled: false,
        }),
    ))
}

/// Sets the stores a user acts at and disables or enables the account; the owner's account and your own are
/// changed elsewhere (`owner_fixed`).
#[utoipa::path(
    put,
    path = "/api/v1/admin/staff/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    request_body = StaffUpdate,
    responses(
        (status = 200, body = StaffMember),
        (status = 404, description = "`unknown_user`, `unknown_store`", body = ErrorBody),
        (status = 422, description = "`owner_fixed`", body = ErrorBody),
    )
)]
async fn update(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(change): Json<StaffUpdate>,
) -> Result<Json<StaffMember>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let users = accounts::list_users(&mut tx, &claims.brand).await?;
    let Some((user, _)) = users.into_iter().find(|(u, _)| u.id == id) else {
        return Err(Error::not_found(
            ErrorCode::UnknownUser,
            "There is no such user in this brand.",
        ));
    };
    if user.role == StaffRole::Owner || user.id == claims.sub {
        return Err(Error::unprocessable(
            ErrorCode::OwnerFixed,
            "The owner's account, and your own, cannot be changed here.",
        ));
    }
    let stores = check_stores(&mut tx, &claims.brand, &change.store_ids).await?;
    tie(&mut tx, &claims.brand, &user.id, &stores).await?;
    accounts::set_disabled(&mut tx, &claims.brand, &user.id, change.disabled, now).await?;
    let stores = ties(&mut tx, &user.id).await?;
    tx.commit().await?;
    Ok(Json(StaffMember {
        user,
        stores,
        disabled: change.disabled,
    }))
}
