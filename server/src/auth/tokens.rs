//! Session tokens: short-lived HS256 access JWTs and rotating, single-use refresh tokens grouped in families
//! (one family per sign-in). Presenting a refresh token that was already rotated revokes its whole family,
//! because either the legitimate client or a thief holds a copy.

use app::api::ErrorCode;
use app::api::TokenPair;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::{
    config::Config,
    crypto::{MasterKey, random_token, sha256_hex},
    db::{Db, new_id, now_ms},
    error::{Error, Result},
};

/// Issuer of every JWT.
pub const ISSUER: &str = "cham";

/// Who a session belongs to and what they may do.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A customer in the mini app.
    Customer,
    /// A brand owner.
    Owner,
    /// A brand admin.
    Admin,
    /// Store staff.
    Staff,
}

impl Role {
    /// The lower-case name used in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "customer" => Some(Role::Customer),
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "staff" => Some(Role::Staff),
            _ => None,
        }
    }
}

/// The claims of an access JWT.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// Profile id (customers) or user id (staff, admins, owners).
    pub sub: String,
    /// Brand id.
    pub brand: String,
    /// Brand slug, compared with the `X-Cham-Brand` header.
    pub bslug: String,
    /// Role.
    pub role: Role,
    /// Session (refresh family) id.
    pub sid: String,
    /// Issued at, seconds.
    pub iat: i64,
    /// Expires at, seconds.
    pub exp: i64,
    /// Always [`ISSUER`].
    pub iss: String,
}

/// Signing keys and lifetimes; derived from the master key.
#[derive(Clone)]
pub struct SessionKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    access_ttl_secs: i64,
    refresh_ttl_ms: i64,
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeys")
            .field("access_ttl_secs", &self.access_ttl_secs)
            .finish_non_exhaustive()
    }
}

impl SessionKeys {
    /// Keys derived from `master`, lifetimes from `config`.
    pub fn new(master: &MasterKey, config: &Config) -> Self {
        let secret = master.jwt_secret();
        Self {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            access_ttl_secs: config.access_token_ttl_secs,
            refresh_ttl_ms: config.refresh_token_ttl_days * 24 * 3600 * 1000,
        }
    }

    /// Signs `claims` as an HS256 JWT.
    pub fn sign(&self, claims: &Claims) -> Result<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("signing a JWT: {e}").into())
    }

    /// Verifies a JWT: HS256 only (so `alg: none` and key confusion fail), our issuer, not expired.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map(|d| d.claims)
    }

    fn access_token(&self, session: &SessionRow) -> Result<String> {
        let iat = chrono::Utc::now().timestamp();
        self.sign(&Claims {
            sub: session.subject_id.clone(),
            brand: session.brand_id.clone(),
            bslug: session.brand_slug.clone(),
            role: Role::parse(&session.role).ok_or_else(|| anyhow::anyhow!("unknown role {}", session.role))?,
            sid: session.id.clone(),
            iat,
            exp: iat + self.access_ttl_secs,
            iss: ISSUER.into(),
        })
    }
}

/// A session about to be created.
#[derive(Debug)]
pub struct NewSession<'a> {
    /// Brand id.
    pub brand_id: &'a str,
    /// Brand slug.
    pub brand_slug: &'a str,
    /// Profile or user id.
    pub subject_id: &'a str,
    /// Role.
    pub role: Role,
    /// `zalo`, `momo` or `password`.
    pub provider: &'a str,
}

#[derive(Debug, sqlx::FromRow)]
struct SessionRow {
    id: String,
    brand_id: String,
    brand_slug: String,
    subject_id: String,
    role: String,
}

/// Creates a session and its first refresh token inside the caller's transaction.
pub async fn start_session(conn: &mut AnyConnection, keys: &SessionKeys, new: &NewSession<'_>) -> Result<TokenPair> {
    let now = now_ms();
    let session = SessionRow {
        id: new_id(),
        brand_id: new.brand_id.to_owned(),
        brand_slug: new.brand_slug.to_owned(),
        subject_id: new.subject_id.to_owned(),
        role: new.role.as_str().to_owned(),
    };
    let kind = if new.role == Role::Customer { "profile" } else { "user" };
    sqlx::query(
        "INSERT INTO auth_sessions (id, brand_id, subject_kind, subject_id, role, provider, created_at, last_used_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&session.id)
    .bind(&session.brand_id)
    .bind(kind)
    .bind(&session.subject_id)
    .bind(&session.role)
    .bind(new.provider)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let refresh_token = insert_refresh_token(conn, keys, &session.id, now).await?;
    Ok(TokenPair {
        access_token: keys.access_token(&session)?,
        expires_in: keys.access_ttl_secs,
        refresh_token,
    })
}

async fn insert_refresh_token(
    conn: &mut AnyConnection,
    keys: &SessionKeys,
    session_id: &str,
    now: i64,
) -> Result<String> {
    let token = random_token(32);
    sqlx::query(
        "INSERT INTO refresh_tokens (id, session_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(session_id)
    .bind(sha256_hex(&token))
    .bind(now)
    .bind(now + keys.refresh_ttl_ms)
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

#[derive(Debug, sqlx::FromRow)]
struct RefreshRow {
    token_id: String,
    expires_at: i64,
    used_at: Option<i64>,
    revoked_at: Option<i64>,
    #[sqlx(flatten)]
    session: SessionRow,
}

fn invalid_refresh() -> Error {
    Error::unauthorized(ErrorCode::InvalidRefreshToken, "This session has ended. Sign in again.")
}

/// Exchanges a refresh token for a new pair. A token that was already exchanged revokes its family.
pub async fn rotate(db: &Db, keys: &SessionKeys, refresh_token: &str) -> Result<TokenPair> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row: Option<RefreshRow> = sqlx::query_as(
        "SELECT rt.id AS token_id, rt.expires_at, rt.used_at, s.revoked_at, s.id, s.brand_id, b.slug AS brand_slug, \
         s.subject_id, s.role FROM refresh_tokens rt JOIN auth_sessions s ON s.id = rt.session_id \
         JOIN brands b ON b.id = s.brand_id WHERE rt.token_hash = $1",
    )
    .bind(sha256_hex(refresh_token.trim()))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(invalid_refresh());
    };
    if row.revoked_at.is_some() {
        return Err(invalid_refresh());
    }
    if row.expires_at < now {
        return Err(Error::unauthorized(
            ErrorCode::RefreshTokenExpired,
            "This session has expired. Sign in again.",
        ));
    }
    let claimed = if row.used_at.is_none() {
        sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(&row.token_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1
    } else {
        false
    };
    if !claimed {
        revoke_in(&mut tx, &row.session.id, "refresh_token_reused", now).await?;
        tx.commit().await?;
        tracing::warn!(session = %row.session.id, "refresh token reused: session family revoked");
        return Err(Error::unauthorized(
            ErrorCode::RefreshTokenReused,
            "This sign-in was used from two places, so it was ended for safety. Sign in again.",
        ));
    }
    let refresh_token = insert_refresh_token(&mut tx, keys, &row.session.id, now).await?;
    sqlx::query("UPDATE auth_sessions SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&row.session.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(TokenPair {
        access_token: keys.access_token(&row.session)?,
        expires_in: keys.access_ttl_secs,
        refresh_token,
    })
}

async fn revoke_in(conn: &mut AnyConnection, session_id: &str, reason: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE auth_sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL")
        .bind(now)
        .bind(reason)
        .bind(session_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends every live session of a subject (a profile erased, a user removed) inside the caller's transaction.
pub async fn revoke_subject(conn: &mut AnyConnection, subject_id: &str, reason: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE auth_sessions SET revoked_at = $1, revoked_reason = $2 WHERE subject_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(subject_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves a merged profile's sessions to the survivor inside the merge's transaction, so they stay valid.
pub async fn move_sessions(conn: &mut AnyConnection, brand_id: &str, from: &str, into: &str) -> Result<()> {
    sqlx::query(
        "UPDATE auth_sessions SET subject_id = $1 WHERE subject_id = $2 AND brand_id = $3 AND subject_kind = 'profile'",
    )
    .bind(into)
    .bind(from)
    .bind(brand_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends the session a refresh token belongs to (sign-out). Unknown tokens are ignored: signing out twice is fine.
pub async fn revoke(db: &Db, refresh_token: &str) -> Result<()> {
    let session: Option<(String,)> = sqlx::query_as("SELECT session_id FROM refresh_tokens WHERE token_hash = $1")
        .bind(sha256_hex(refresh_token.trim()))
        .fetch_optional(db.read())
        .await?;
    if let Some((session_id,)) = session {
        let mut conn = db.write().acquire().await?;
        revoke_in(&mut conn, &session_id, "signed_out", now_ms()).await?;
    }
    Ok(())
}
