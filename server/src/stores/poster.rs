//! A store's QR poster. Its code is `CHAMS1.{store}.{version}.{signature}`: an HMAC (under the key member codes
//! use, with another prefix) of the brand, the store and the poster's version. A forged code fails its signature;
//! reissuing the poster bumps the version, so every earlier poster is refused as replaced. The poster's QR holds
//! the mini app's check-in link with the code, and the app finds the code in whatever text a scanner returns.

use app::api::{ErrorBody, ErrorCode, PublicStore, StoreCode, StorePoster, StoreRef};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{StoreRow, find, unknown_store};
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::{AdminAuth, CustomerAuth},
    crypto::QrKey,
    db::rfc3339,
    error::{Error, Json, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(poster, reissue))
        .routes(routes!(which_store))
}

const PREFIX: &str = "CHAMS1";

fn code_for(key: &QrKey, brand_id: &str, store_id: &str, version: i64) -> String {
    let version = version.to_string();
    let signature = key.sign(&[PREFIX, brand_id, store_id, &version]);
    format!("{PREFIX}.{store_id}.{version}.{signature}")
}

/// The code in a scanned text: the code itself, or a link (or any text) holding it.
fn code_in(text: &str) -> Option<&str> {
    let start = text.find("CHAMS1.")?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The store and poster version a genuine code of this brand names.
fn check_code(key: &QrKey, brand_id: &str, text: &str) -> Result<(String, i64)> {
    let invalid = || {
        Error::unprocessable(
            ErrorCode::StoreCodeInvalid,
            "This is not a store QR code of this brand.",
        )
    };
    let code = code_in(text).ok_or_else(invalid)?;
    let mut parts = code.split('.');
    let (Some(PREFIX), Some(store_id), Some(version), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    if store_id.is_empty() || store_id.len() > 64 || version.len() > 12 {
        return Err(invalid());
    }
    if !key.verify(&[PREFIX, brand_id, store_id, version], signature) {
        return Err(invalid());
    }
    let version = version.parse().map_err(|_| invalid())?;
    Ok((store_id.to_owned(), version))
}

/// The open store a scanned poster names, when it is this brand's current poster: `store_code_invalid` (422) for
/// a forged or another brand's code, `unknown_store` (404) for a closed store, `store_code_revoked` (410) for a
/// poster reissued since.
pub(super) async fn store_of(conn: &mut AnyConnection, key: &QrKey, brand_id: &str, text: &str) -> Result<StoreRow> {
    let (store_id, version) = check_code(key, brand_id, text)?;
    let store = find(conn, brand_id, &store_id)
        .await?
        .filter(|s| s.active == 1)
        .ok_or_else(unknown_store)?;
    if store.poster_version != version {
        return Err(Error::new(
            StatusCode::GONE,
            ErrorCode::StoreCodeRevoked,
            "This poster has been replaced: scan the one on display in the store.",
        ));
    }
    Ok(store)
}

fn poster_of(key: &QrKey, brand_id: &str, store: StoreRow) -> StorePoster {
    StorePoster {
        code: code_for(key, brand_id, &store.id, store.poster_version),
        version: store.poster_version,
        issued_at: rfc3339(store.poster_issued_at),
        store: StoreRef {
            id: store.id,
            name: store.name,
        },
    }
}

/// The store's current QR poster.
#[utoipa::path(
    get,
    path = "/api/v1/admin/stores/{id}/poster",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Store id")),
    responses(
        (status = 200, body = StorePoster),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
    )
)]
async fn poster(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<StorePoster>> {
    let mut conn = state.db.read().acquire().await?;
    let store = find(&mut conn, &claims.brand, &id).await?.ok_or_else(unknown_store)?;
    Ok(Json(poster_of(&state.qr, &claims.brand, store)))
}

/// Reissues the store's QR poster: every earlier poster of the store is refused from now on.
#[utoipa::path(
    post,
    path = "/api/v1/admin/stores/{id}/poster",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Store id")),
    responses(
        (status = 200, body = StorePoster),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(store = %id))]
async fn reissue(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<StorePoster>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let changed = sqlx::query(
        "UPDATE stores SET poster_version = poster_version + 1, poster_issued_at = $1, updated_at = $1 \
         WHERE id = $2 AND brand_id = $3",
    )
    .bind(now)
    .bind(&id)
    .bind(&claims.brand)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(unknown_store());
    }
    let store = find(&mut tx, &claims.brand, &id).await?.ok_or_else(unknown_store)?;
    tx.commit().await?;
    tracing::info!(version = store.poster_version, "store poster reissued");
    Ok(Json(poster_of(&state.qr, &claims.brand, store)))
}

/// The store a scanned poster names, for the mini app to show before the member checks in or claims a purchase.
#[utoipa::path(
    post,
    path = "/api/v1/me/store-codes",
    tag = "member",
    security(("bearer" = [])),
    request_body = StoreCode,
    responses(
        (status = 200, body = PublicStore),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
        (status = 410, description = "`store_code_revoked`", body = ErrorBody),
        (status = 422, description = "`store_code_invalid`", body = ErrorBody),
    )
)]
async fn which_store(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Json(body): Json<StoreCode>,
) -> Result<Json<PublicStore>> {
    let mut conn = state.db.read().acquire().await?;
    let store = store_of(&mut conn, &state.qr, &claims.brand, &body.code).await?;
    Ok(Json(PublicStore {
        id: store.id,
        name: store.name,
        address: store.address,
        latitude: store.latitude,
        longitude: store.longitude,
        hours: store.hours,
        distance_m: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> QrKey {
        crate::crypto::MasterKey::generate().member_qr_key()
    }

    #[test]
    fn a_poster_code_is_found_in_a_link_and_checked() {
        let key = key();
        let code = code_for(&key, "brand", "0190-store", 3);
        assert_eq!(check_code(&key, "brand", &code).unwrap(), ("0190-store".into(), 3));
        let link = format!("https://cham.example/checkin?code={code}&utm_source=poster");
        assert_eq!(check_code(&key, "brand", &link).unwrap(), ("0190-store".into(), 3));
        assert_eq!(
            check_code(&key, "other", &code).unwrap_err().code(),
            ErrorCode::StoreCodeInvalid
        );
        let forged = code.replacen(".3.", ".4.", 1);
        assert!(check_code(&key, "brand", &forged).is_err());
        for junk in ["", "CHAMS1", "CHAMS1.a.b", "CHAMS1.s.1.zz", "CHAM1.s.1.00"] {
            assert!(check_code(&key, "brand", junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn a_member_code_is_not_a_poster() {
        let key = key();
        let signature = key.sign(&["CHAM1", "brand", "member", "1"]);
        assert!(check_code(&key, "brand", &format!("CHAMS1.member.1.{signature}")).is_err());
    }
}
