//! Stores and the staff tied to them. The console manages both ([`admin`], [`staff`]); the mini app lists the open
//! stores, nearest first ([`public`]); and every staff action names the store it happens at ([`acting_store`]):
//! staff act only at the stores they are tied to, owners and admins at any. Owns `stores` and `staff_stores`
//! (the accounts themselves are `auth`'s `users`).

mod admin;
mod check_ins;
mod claims;
mod person;
mod poster;
mod public;
mod purchases;
mod reconcile;
mod shift;
mod staff;
mod visits;

use app::api::{ErrorCode, FieldProblem, StoreRef};
use sqlx::AnyConnection;
use utoipa_axum::router::OpenApiRouter;

pub use person::hooks;

use crate::{
    AppState,
    auth::tokens::{Claims, Role},
    error::{Error, Result},
    events::{self, Campaign, NewEvent, Recorded},
    loyalty::time,
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
        .merge(poster::router())
        .merge(check_ins::router())
        .merge(claims::router())
        .merge(reconcile::router())
}

/// The business day (Vietnam's) of `ms`, as `YYYY-MM-DD`.
fn day_of(ms: i64) -> String {
    time::local(ms).format("%Y-%m-%d").to_string()
}

/// The idempotency key of a member's visit to a store on the business day of `at`: a second is a duplicate,
/// whoever records it (staff scanning the member, or the member scanning the store's poster).
fn visit_key(store_id: &str, profile_id: &str, at: i64) -> String {
    format!("visit:{store_id}:{}:{profile_id}", day_of(at))
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

/// `invalid_amount` unless `amount` is whole đồng within the bounds.
fn check_amount(amount: i64) -> Result<()> {
    use app::domain::bounds::MAX_AMOUNT_VND;
    if !(1..=MAX_AMOUNT_VND).contains(&amount) {
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
    Ok(())
}

/// Points an event earned by the brand's earning rules (pending ones included), in its transaction.
async fn points_of(conn: &mut AnyConnection, event_id: &str) -> Result<i64> {
    let (earned,): (Option<i64>,) = sqlx::query_as(
        "SELECT CAST(SUM(points) AS BIGINT) FROM points_entries WHERE source_kind = 'event' AND source_ref = $1",
    )
    .bind(event_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(earned.unwrap_or(0))
}

/// A store interaction on a member's timeline: `checked_in` or `offline_purchase` at a store, at a time, under an
/// idempotency key (a duplicate writes nothing).
struct StoreEvent<'a> {
    profile_id: &'a str,
    event_type: &'a str,
    store: &'a StoreRow,
    at: i64,
    key: &'a str,
}

/// Records `event` with the store in its properties beside `extra`; the earning rules pay in the transaction.
async fn record_at_store(
    conn: &mut AnyConnection,
    brand_id: &str,
    event: StoreEvent<'_>,
    mut extra: serde_json::Value,
) -> Result<Recorded> {
    if let Some(map) = extra.as_object_mut() {
        map.insert("store_id".into(), event.store.id.clone().into());
        map.insert("store_name".into(), event.store.name.clone().into());
    }
    events::record(
        conn,
        brand_id,
        &NewEvent {
            profile_id: event.profile_id,
            event_type: event.event_type,
            occurred_at: event.at,
            source: "store",
            properties: &extra,
            campaign: &Campaign::default(),
            idempotency_key: Some(event.key),
        },
    )
    .await
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
    check_in_limit: i64,
    poster_version: i64,
    poster_issued_at: i64,
}

const STORE_COLUMNS: &str =
    "id, name, address, latitude, longitude, hours, active, check_in_limit, poster_version, poster_issued_at";

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
