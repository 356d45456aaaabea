//! The member QR code and the visits staff record with it. The code is `CHAM1.{member}.{window}.{signature}`: an
//! HMAC (under a key derived from the master key) of the brand, the member and a 30-second window. Staff accept
//! the current and the previous window only, so a code lives 30 to 60 seconds and a screenshot is useless a minute
//! later; another brand's code, or a forged one, fails its signature. A code records one visit (`qr_uses`), and a
//! member's visit counts once per store per Vietnam business day. A visit is `checked_in` on the member's timeline,
//! with the store and the staff member, and the brand's earning rules pay for it in the same transaction.

use app::api::{
    AtStore, ErrorBody, ErrorCode, MemberAtCounter, MemberCode, MemberQr, StoreRef, VisitReceipt, VoucherStatus,
};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Query;
use crate::{
    AppState,
    auth::extract::{CustomerAuth, StaffAuth},
    crypto::{QrKey, sha256_hex},
    db::rfc3339,
    error::{Error, Json, Result},
    games::gifts,
    loyalty::{counter, member, vouchers},
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_qr))
        .routes(routes!(scan))
        .routes(routes!(record_visit))
}

/// A window's length, in milliseconds.
const WINDOW_MS: i64 = 30_000;
const PREFIX: &str = "CHAM1";

fn code_for(key: &QrKey, brand_id: &str, profile_id: &str, window: i64) -> String {
    let window = window.to_string();
    let signature = key.sign(&[PREFIX, brand_id, profile_id, &window]);
    format!("{PREFIX}.{profile_id}.{window}.{signature}")
}

/// The member a code names, when it is this brand's, genuine and of the current or the previous window.
fn check_code(key: &QrKey, brand_id: &str, code: &str, now: i64) -> Result<String> {
    let invalid = || {
        Error::unprocessable(
            ErrorCode::MemberCodeInvalid,
            "This is not a member code of this brand. Ask the member to open their code again.",
        )
    };
    let mut parts = code.trim().split('.');
    let (Some(PREFIX), Some(profile_id), Some(window), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    if profile_id.is_empty() || profile_id.len() > 64 || window.len() > 20 {
        return Err(invalid());
    }
    if !key.verify(&[PREFIX, brand_id, profile_id, window], signature) {
        return Err(invalid());
    }
    let window: i64 = window.parse().map_err(|_| invalid())?;
    let current = now.div_euclid(WINDOW_MS);
    if window > current {
        return Err(invalid());
    }
    if window < current - 1 {
        return Err(Error::new(
            StatusCode::GONE,
            ErrorCode::MemberCodeExpired,
            "This member code has expired: the member's screen shows a fresh one.",
        ));
    }
    Ok(profile_id.to_owned())
}

/// Spends a member code for `action` inside the caller's transaction (a refusal later rolls it back):
/// `member_code_used` when it was spent for that action before. Codes older than their life are forgotten.
pub(super) async fn spend_code(
    conn: &mut AnyConnection,
    brand_id: &str,
    code: &str,
    action: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM qr_uses WHERE used_at < $1")
        .bind(now - 10 * WINDOW_MS)
        .execute(&mut *conn)
        .await?;
    let spent = sqlx::query(
        "INSERT INTO qr_uses (code_hash, action, brand_id, used_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (code_hash, action) DO NOTHING",
    )
    .bind(sha256_hex(code.trim()))
    .bind(action)
    .bind(brand_id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if spent != 1 {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::MemberCodeUsed,
            "This code has already been used for this: the member's screen shows a fresh one.",
        ));
    }
    Ok(())
}

/// The member's QR code of the current window.
#[utoipa::path(
    get,
    path = "/api/v1/me/qr",
    tag = "member",
    security(("bearer" = [])),
    responses(
        (status = 200, body = MemberQr),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
    )
)]
async fn my_qr(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<MemberQr>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let now = state.clock.now_ms();
    let window = now.div_euclid(WINDOW_MS);
    let next = (window + 1) * WINDOW_MS;
    Ok(Json(MemberQr {
        code: code_for(&state.qr, &claims.brand, &profile, window),
        expires_at: rfc3339(next + WINDOW_MS),
        // Fetch the next one a little after it starts, well before this one expires.
        refresh_in_s: u32::try_from((next - now) / 1000 + 1).unwrap_or(30),
    }))
}

/// The latest visit of a member at any of the brand's stores, and whether one is recorded at `store` today.
async fn visits_of(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    store_id: Option<&str>,
    now: i64,
) -> Result<(Option<i64>, bool)> {
    let (last,): (Option<i64>,) = sqlx::query_as(
        "SELECT MAX(occurred_at) FROM events WHERE brand_id = $1 AND profile_id = $2 AND type = 'checked_in'",
    )
    .bind(brand_id)
    .bind(profile_id)
    .fetch_one(&mut *conn)
    .await?;
    let today = match store_id {
        Some(store) => {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM events WHERE brand_id = $1 AND idempotency_key = $2")
                    .bind(brand_id)
                    .bind(super::visit_key(store, profile_id, now))
                    .fetch_one(&mut *conn)
                    .await?;
            n > 0
        }
        None => false,
    };
    Ok((last, today))
}

/// The member as staff see them at the counter. It takes its own connection, after settling the member's points
/// (which may take the writer): a handler holding a connection while waiting for a second one would starve the
/// pool under load.
pub(super) async fn at_counter(
    state: &AppState,
    brand_id: &str,
    profile_id: &str,
    store_id: Option<&str>,
    now: i64,
) -> Result<MemberAtCounter> {
    let points = member::settled_account(&state.db, brand_id, profile_id).await?.balance;
    let mut conn = state.db.read().acquire().await?;
    let conn = &mut *conn;
    let holder = counter::holder(conn, brand_id, profile_id).await?;
    let mut usable = vouchers::of_member(conn, brand_id, profile_id, 50).await?;
    usable.retain(|v| v.status == VoucherStatus::Issued);
    let open_gifts = gifts::of_member(conn, brand_id, profile_id, true).await?;
    let (last, visited_today) = visits_of(conn, brand_id, profile_id, store_id, now).await?;
    Ok(MemberAtCounter {
        holder,
        points,
        vouchers: usable,
        gifts: open_gifts,
        last_visit_at: last.map(rfc3339),
        visited_today,
    })
}

/// The live member a code names, or why not.
pub(super) async fn member_of(state: &AppState, brand_id: &str, code: &str, now: i64) -> Result<String> {
    let profile = check_code(&state.qr, brand_id, code, now)?;
    profiles::live_id(&state.db, brand_id, &profile)
        .await?
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownProfile, "This member no longer exists."))
}

/// Who a scanned member code is: name, tier, points, usable vouchers and gifts, last visit. Looking does not use
/// the code up.
#[utoipa::path(
    post,
    path = "/api/v1/staff/members/scan",
    tag = "staff",
    security(("bearer" = [])),
    params(AtStore),
    request_body = MemberCode,
    responses(
        (status = 200, body = MemberAtCounter),
        (status = 403, description = "`staff_only`, `store_not_yours`", body = ErrorBody),
        (status = 404, description = "`unknown_profile`, `unknown_store`", body = ErrorBody),
        (status = 410, description = "`member_code_expired`", body = ErrorBody),
        (status = 422, description = "`member_code_invalid`, `store_required`", body = ErrorBody),
    )
)]
async fn scan(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Query(at): Query<AtStore>,
    Json(body): Json<MemberCode>,
) -> Result<Json<MemberAtCounter>> {
    let now = state.clock.now_ms();
    let profile = member_of(&state, &claims.brand, &body.code, now).await?;
    let store = {
        let mut conn = state.db.read().acquire().await?;
        super::acting_store(&mut conn, &claims, at.store_id.as_deref()).await?
    };
    Ok(Json(
        at_counter(&state, &claims.brand, &profile, store.as_deref(), now).await?,
    ))
}

/// Records a visit of the member whose code was scanned, at the staff member's store: once per code, and once
/// per member per store per business day. Earning rules for `checked_in` pay in the same transaction.
#[utoipa::path(
    post,
    path = "/api/v1/staff/visits",
    tag = "staff",
    security(("bearer" = [])),
    params(AtStore),
    request_body = MemberCode,
    responses(
        (status = 201, body = VisitReceipt),
        (status = 403, description = "`staff_only`, `store_not_yours`", body = ErrorBody),
        (status = 404, description = "`unknown_profile`, `unknown_store`", body = ErrorBody),
        (status = 409, description = "`member_code_used`, `already_visited_today`", body = ErrorBody),
        (status = 410, description = "`member_code_expired`", body = ErrorBody),
        (status = 422, description = "`member_code_invalid`, `store_required`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(staff = %claims.sub))]
async fn record_visit(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Query(at): Query<AtStore>,
    Json(body): Json<MemberCode>,
) -> Result<(StatusCode, Json<VisitReceipt>)> {
    let now = state.clock.now_ms();
    let profile = member_of(&state, &claims.brand, &body.code, now).await?;
    let mut tx = state.db.begin().await?;
    let store_id = super::acting_store(&mut tx, &claims, at.store_id.as_deref())
        .await?
        .ok_or_else(|| {
            Error::unprocessable(
                ErrorCode::StoreRequired,
                "A visit is recorded at a store: the brand has none open yet.",
            )
        })?;
    let store = super::find(&mut tx, &claims.brand, &store_id)
        .await?
        .ok_or_else(super::unknown_store)?;
    spend_code(&mut tx, &claims.brand, &body.code, "visit", now).await?;
    // One visit per member, store and business day: the key says which, so a second is a duplicate.
    let key = super::visit_key(&store.id, &profile, now);
    let extra = serde_json::json!({ "staff_user_id": claims.sub });
    let recorded = super::record_at_store(
        &mut tx,
        &claims.brand,
        super::StoreEvent {
            profile_id: &profile,
            event_type: "checked_in",
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
            ErrorCode::AlreadyVisitedToday,
            "This member's visit to this store is already recorded today.",
        ));
    }
    let earned = super::points_of(&mut tx, &recorded.id).await?;
    tx.commit().await?;
    metrics::counter!("cham_visits_recorded_total").increment(1);
    tracing::info!(event = %recorded.id, store = %store.id, "visit recorded");
    let member = at_counter(&state, &claims.brand, &profile, Some(&store.id), now).await?;
    Ok((
        StatusCode::CREATED,
        Json(VisitReceipt {
            event_id: recorded.id,
            store: StoreRef {
                id: store.id,
                name: store.name,
            },
            points_earned: earned,
            member,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> QrKey {
        crate::crypto::MasterKey::generate().member_qr_key()
    }

    #[test]
    fn a_code_lives_for_its_window_and_the_next_only() {
        let key = key();
        let at = 1_796_000_000_000;
        let code = code_for(&key, "brand", "member", at / WINDOW_MS);
        assert_eq!(check_code(&key, "brand", &code, at).unwrap(), "member");
        assert_eq!(check_code(&key, "brand", &code, at + WINDOW_MS).unwrap(), "member");
        let late = check_code(&key, "brand", &code, at + 2 * WINDOW_MS).unwrap_err();
        assert_eq!(late.code(), ErrorCode::MemberCodeExpired);
        // From the future: never accepted.
        assert!(check_code(&key, "brand", &code, at - WINDOW_MS).is_err());
    }

    #[test]
    fn another_brand_or_a_forged_code_fails_its_signature() {
        let key = key();
        let at = 1_796_000_000_000;
        let code = code_for(&key, "brand", "member", at / WINDOW_MS);
        assert_eq!(
            check_code(&key, "other", &code, at).unwrap_err().code(),
            ErrorCode::MemberCodeInvalid
        );
        let forged = code.replacen("member", "someone", 1);
        assert_eq!(
            check_code(&key, "brand", &forged, at).unwrap_err().code(),
            ErrorCode::MemberCodeInvalid
        );
        let other_key = code_for(&self::key(), "brand", "member", at / WINDOW_MS);
        assert!(check_code(&key, "brand", &other_key, at).is_err());
        for junk in ["", "CHAM1", "CHAM1.a.b.c.d", "CHAM1.m.x.00", "nope.member.1.ab"] {
            assert!(check_code(&key, "brand", junk, at).is_err(), "{junk}");
        }
    }
}
