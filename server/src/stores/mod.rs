//! Stores and the staff tied to them. The console manages both ([`admin`], [`staff`]); the mini app lists the open
//! stores, nearest first ([`public`]); and every staff action names the store it happens at ([`acting_store`]):
//! staff act only at the stores they are tied to, owners and admins at any. Owns `stores` and `staff_stores`
//! (the accounts themselves are `auth`'s `users`).

mod admin;
mod public;
mod purchases;
mod shift;
mod staff;
mod visits;

use app::api::{ErrorCode, StoreRef};
use sqlx::AnyConnection;
use utoipa_axum::router::OpenApiRouter;

use crate::{
    AppState,
    auth::tokens::{Claims, Role},
    error::{Error, Result},
};

/// The stores routes: the console's stores and staff, and the mini app's store list.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(admin::router())
        .merge(staff::router())
        .merge(public::router())
        .merge(visits::router())
        .merge(purchases::router())
        .merge(shift::router())
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct StoreRow {
    id: String,
    name: String,
    address: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    hours: String,
    active: i64,
}

const STORE_COLUMNS: &str = "id, name, address, latitude, longitude, hours, active";

async fn find(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Option<StoreRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {STORE_COLUMNS} FROM stores WHERE id = $1 AND brand_id = $2"
    ))
    .bind(id)
    .bind(brand_id)
    .fetch_optional(&mut *conn)
    .await?)
}

fn unknown_store() -> Error {
    Error::not_found(ErrorCode::UnknownStore, "There is no such store.")
}

/// The store a staff action happens at, checked: `None` while the brand has no open store; once it has one,
/// `store_required` (422) without a store, `unknown_store` (404) for a store that is not the brand's or is closed,
/// and `store_not_yours` (403) for a staff member not tied to it (owners and admins act at any store).
pub async fn acting_store(conn: &mut AnyConnection, claims: &Claims, store_id: Option<&str>) -> Result<Option<String>> {
    let Some(id) = store_id.map(str::trim).filter(|s| !s.is_empty()) else {
        let (open,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM stores WHERE brand_id = $1 AND active = 1")
            .bind(&claims.brand)
            .fetch_one(&mut *conn)
            .await?;
        if open > 0 {
            return Err(Error::unprocessable(
                ErrorCode::StoreRequired,
                "Say which store this happens at (`store_id`).",
            ));
        }
        return Ok(None);
    };
    let store = find(conn, &claims.brand, id)
        .await?
        .filter(|s| s.active == 1)
        .ok_or_else(unknown_store)?;
    if claims.role == Role::Staff {
        let tied: Option<(String,)> =
            sqlx::query_as("SELECT store_id FROM staff_stores WHERE user_id = $1 AND store_id = $2")
                .bind(&claims.sub)
                .bind(&store.id)
                .fetch_optional(&mut *conn)
                .await?;
        if tied.is_none() {
            return Err(Error::forbidden(
                ErrorCode::StoreNotYours,
                "You are not tied to this store; an admin can add you to it.",
            ));
        }
    }
    Ok(Some(store.id))
}

/// The open stores a brand user may act at, by name: staff their own, owners and admins every one.
pub async fn stores_of(conn: &mut AnyConnection, brand_id: &str, user_id: &str, role: Role) -> Result<Vec<StoreRef>> {
    let rows: Vec<(String, String)> = if role == Role::Staff {
        sqlx::query_as(
            "SELECT s.id, s.name FROM staff_stores t JOIN stores s ON s.id = t.store_id \
             WHERE t.user_id = $1 AND s.brand_id = $2 AND s.active = 1 ORDER BY s.name",
        )
        .bind(user_id)
        .bind(brand_id)
        .fetch_all(&mut *conn)
        .await?
    } else {
        sqlx::query_as("SELECT id, name FROM stores WHERE brand_id = $1 AND active = 1 ORDER BY name")
            .bind(brand_id)
            .fetch_all(&mut *conn)
            .await?
    };
    Ok(rows.into_iter().map(|(id, name)| StoreRef { id, name }).collect())
}
