//! Authentication as extractors: a handler names who may call it ([`CustomerAuth`], [`AdminAuth`],
//! [`StaffAuth`]) and receives verified claims. Why a token was refused goes to debug logs only.

use app::api::ErrorCode;
use axum::{
    extract::FromRequestParts,
    http::{header::AUTHORIZATION, request::Parts},
};

use super::tokens::{Claims, Role};
use crate::{AppState, error::Error};

/// Header the app sends with the slug of the brand it is showing; a token of another brand is refused.
pub const BRAND_HEADER: &str = "x-cham-brand";

fn verified_claims(parts: &Parts, state: &AppState) -> Result<Claims, Error> {
    let header = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    let Some(token) = header.and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer "))) else {
        return Err(Error::unauthorized(
            ErrorCode::MissingToken,
            "Sign in first: this request has no access token.",
        ));
    };
    let claims = state.keys.verify(token.trim()).map_err(|e| {
        tracing::debug!(error = %e, "access token refused");
        match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                Error::unauthorized(ErrorCode::TokenExpired, "Your session needs refreshing.")
            }
            _ => Error::unauthorized(ErrorCode::InvalidToken, "This access token is not valid."),
        }
    })?;
    if let Some(slug) = parts.headers.get(BRAND_HEADER).and_then(|v| v.to_str().ok())
        && !slug.trim().eq_ignore_ascii_case(&claims.bslug)
    {
        tracing::debug!(token_brand = %claims.bslug, requested = %slug, "token of another brand");
        return Err(Error::forbidden(
            ErrorCode::WrongBrand,
            "This session belongs to another brand.",
        ));
    }
    Ok(claims)
}

/// Checks that the token's session is still live: not signed out, not revoked for a reused refresh token, not
/// ended by an erasure. One read by primary key per request, so a session that ends is refused at once on every
/// route, not when its access token expires.
async fn live_session(state: &AppState, claims: Claims) -> Result<Claims, Error> {
    let session: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT revoked_at FROM auth_sessions WHERE id = $1 AND brand_id = $2")
            .bind(&claims.sid)
            .bind(&claims.brand)
            .fetch_optional(state.db.read())
            .await?;
    match session {
        Some((None,)) => Ok(claims),
        _ => {
            tracing::debug!(session = %claims.sid, "a token of an ended session");
            Err(Error::unauthorized(
                ErrorCode::SessionEnded,
                "This session has ended; sign in again.",
            ))
        }
    }
}

/// A signed-in customer.
#[derive(Debug, Clone)]
pub struct CustomerAuth(pub Claims);

impl FromRequestParts<AppState> for CustomerAuth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let claims = live_session(state, verified_claims(parts, state)?).await?;
        if claims.role != Role::Customer {
            return Err(Error::forbidden(
                ErrorCode::CustomersOnly,
                "Only a signed-in customer can do this.",
            ));
        }
        Ok(Self(claims))
    }
}

/// A signed-in brand owner or admin.
#[derive(Debug, Clone)]
pub struct AdminAuth(pub Claims);

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let claims = live_session(state, verified_claims(parts, state)?).await?;
        if !matches!(claims.role, Role::Owner | Role::Admin) {
            return Err(Error::forbidden(
                ErrorCode::AdminsOnly,
                "Only a brand admin can do this.",
            ));
        }
        Ok(Self(claims))
    }
}

/// Anyone who works for the brand: store staff, admins and the owner.
#[derive(Debug, Clone)]
pub struct StaffAuth(pub Claims);

impl FromRequestParts<AppState> for StaffAuth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let claims = live_session(state, verified_claims(parts, state)?).await?;
        if !matches!(claims.role, Role::Owner | Role::Admin | Role::Staff) {
            return Err(Error::forbidden(
                ErrorCode::StaffOnly,
                "Only the brand's staff can do this.",
            ));
        }
        Ok(Self(claims))
    }
}
