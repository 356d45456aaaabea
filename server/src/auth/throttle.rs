//! Sign-in throttling. Failed sign-ins are counted per account and per client address in a window, in the
//! store, so every server process sees the same counts; past the limit a sign-in answers 429
//! `too_many_attempts` with `Retry-After` until the window ends, before any password is checked. A success
//! clears its account's count. Each refusal is logged.

use std::net::{IpAddr, SocketAddr};

use app::api::ErrorCode;
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};

use crate::{
    db::Db,
    error::{Error, Result},
};

/// How many failures a scope may have in one window.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Failures allowed in a window.
    pub failures: i64,
    /// The window, ms.
    pub window_ms: i64,
}

/// One account (a brand user's e-mail): ten wrong passwords in fifteen minutes.
pub const ACCOUNT: Limit = Limit {
    failures: 10,
    window_ms: 15 * 60_000,
};

/// One client address: thirty failed admin sign-ins, or sixty refused super-app tokens (many phones share an
/// address behind a carrier's NAT), in fifteen minutes.
pub const ADDRESS: Limit = Limit {
    failures: 30,
    window_ms: 15 * 60_000,
};

/// One client address for customer sign-in.
pub const CUSTOMER_ADDRESS: Limit = Limit {
    failures: 60,
    window_ms: 15 * 60_000,
};

/// The client's address, when the server knows it (it does when it serves with connection info).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

/// Refuses when any of `scopes` has used up its failures in the current window.
pub async fn check(db: &Db, scopes: &[(Limit, String)], now: i64) -> Result<()> {
    for (limit, scope) in scopes {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT window_start, failures FROM sign_in_failures WHERE scope = $1")
                .bind(scope)
                .fetch_optional(db.read())
                .await?;
        if let Some((start, failures)) = row {
            let ends = start.saturating_add(limit.window_ms);
            if failures >= limit.failures && ends > now {
                tracing::warn!(%scope, failures, "sign-in throttled");
                metrics::counter!("cham_sign_ins_throttled_total").increment(1);
                return Err(Error::TooMany {
                    code: ErrorCode::TooManyAttempts,
                    message: "Too many failed sign-ins; wait before trying again.".into(),
                    retry_after: u64::try_from(ends - now).unwrap_or(0).div_ceil(1000).max(1),
                });
            }
        }
    }
    Ok(())
}

/// Counts a failed sign-in against each of `scopes` (a new window starts when the last one ended).
pub async fn failed(db: &Db, scopes: &[(Limit, String)], now: i64) -> Result<()> {
    for (limit, scope) in scopes {
        sqlx::query(
            "INSERT INTO sign_in_failures (scope, window_start, failures) VALUES ($1, $2, 1) \
             ON CONFLICT (scope) DO UPDATE SET \
             failures = CASE WHEN sign_in_failures.window_start > $3 THEN sign_in_failures.failures + 1 ELSE 1 END, \
             window_start = CASE WHEN sign_in_failures.window_start > $3 THEN sign_in_failures.window_start ELSE $2 END",
        )
        .bind(scope)
        .bind(now)
        .bind(now.saturating_sub(limit.window_ms))
        .execute(db.write())
        .await?;
    }
    Ok(())
}

/// Clears an account's failures after it signed in.
pub async fn succeeded(db: &Db, scope: &str) -> Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1")
        .bind(scope)
        .execute(db.write())
        .await?;
    Ok(())
}
