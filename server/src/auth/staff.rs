//! Brand users (owners, admins, staff): argon2-hashed passwords and sign-in to the console.

use app::api::{ErrorCode, FieldProblem};
use std::sync::OnceLock;

use app::api::{AdminSession, AdminSessionRequest, ErrorBody, StaffRole, StaffUser};
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use axum::extract::State;
use sqlx::AnyConnection;

use super::throttle::{self, ClientAddress};
use super::tokens::{NewSession, Role, start_session};
use crate::{
    AppState,
    brands::Brand,
    db::{Db, new_id, now_ms},
    error::{Error, Json, Result, is_unique_violation},
};

/// Shortest password accepted for a brand user.
pub const MIN_PASSWORD_LEN: usize = 12;
/// Longest password accepted (argon2 hashes it whole).
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}").into())
}

async fn verify_password(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash of nothing in particular, verified when the e-mail is unknown so both failures take as long.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never valid").unwrap_or_default())
}

fn normalise_email(email: &str) -> Result<String> {
    app::domain::Email::parse(email)
        .map(|e| e.as_str().to_owned())
        .map_err(|_| Error::unprocessable(ErrorCode::InvalidEmail, "This is not a valid e-mail address."))
}

/// A brand user checked and with their password hashed, ready to insert.
#[derive(Debug, Clone)]
pub struct NewUser {
    email: String,
    hash: String,
    role: StaffRole,
}

/// Checks a new user's e-mail and password and hashes the password (slow on purpose: do it before a
/// transaction). `invalid_email` or `weak_password` about the field at fault.
pub async fn prepare_user(email: &str, password: &str, role: StaffRole) -> Result<NewUser> {
    let email = normalise_email(email).map_err(|e| e.at("/email", FieldProblem::NotAllowed))?;
    let length = FieldProblem::Length {
        min: MIN_PASSWORD_LEN as u32,
        max: MAX_PASSWORD_LEN as u32,
    };
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_LEN {
        return Err(Error::unprocessable(
            ErrorCode::WeakPassword,
            format!("A password needs at least {MIN_PASSWORD_LEN} characters."),
        )
        .at("/password", length));
    }
    if chars > MAX_PASSWORD_LEN {
        return Err(
            Error::unprocessable(ErrorCode::WeakPassword, "A password has at most 1,024 characters.")
                .at("/password", length),
        );
    }
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| anyhow::anyhow!("password hashing task: {e}"))??;
    Ok(NewUser { email, hash, role })
}

/// Inserts a prepared user; `user_exists` (409) when the e-mail is taken in the brand.
pub async fn insert_user(conn: &mut AnyConnection, brand_id: &str, user: &NewUser, now: i64) -> Result<StaffUser> {
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO users (id, brand_id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(brand_id)
    .bind(&user.email)
    .bind(&user.hash)
    .bind(user.role.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(_) => Ok(StaffUser {
            id,
            email: user.email.clone(),
            role: user.role,
        }),
        Err(e) if is_unique_violation(&e, "users_brand_email_key") => Err(Error::new(
            axum::http::StatusCode::CONFLICT,
            ErrorCode::UserExists,
            "A user with this e-mail already exists in this brand.",
        )
        .at("/email", FieldProblem::Duplicate)),
        Err(e) => Err(e.into()),
    }
}

/// Creates a brand user; `user_exists` (409) when the e-mail is taken in the brand.
pub async fn create_user(db: &Db, brand_id: &str, email: &str, password: &str, role: StaffRole) -> Result<StaffUser> {
    let user = prepare_user(email, password, role).await?;
    let mut conn = db.write().acquire().await?;
    insert_user(&mut conn, brand_id, &user, now_ms()).await
}

/// Disables (or enables again) a brand user; disabling ends their sessions at once. False when no such user.
pub async fn set_disabled(
    conn: &mut AnyConnection,
    brand_id: &str,
    user_id: &str,
    disabled: bool,
    now: i64,
) -> Result<bool> {
    let changed = sqlx::query(
        "UPDATE users SET disabled_at = CASE WHEN $1 = 1 THEN COALESCE(disabled_at, $2) ELSE NULL END \
         WHERE id = $3 AND brand_id = $4",
    )
    .bind(i64::from(disabled))
    .bind(now)
    .bind(user_id)
    .bind(brand_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 1 && disabled {
        super::tokens::revoke_subject(conn, user_id, "account_disabled", now).await?;
    }
    Ok(changed == 1)
}

/// A brand's users, with whether each is disabled, by e-mail.
pub async fn list_users(conn: &mut AnyConnection, brand_id: &str) -> Result<Vec<(StaffUser, bool)>> {
    let rows: Vec<(String, String, String, Option<i64>)> =
        sqlx::query_as("SELECT id, email, role, disabled_at FROM users WHERE brand_id = $1 ORDER BY email")
            .bind(brand_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, email, role, disabled_at)| {
            StaffRole::parse(&role).map(|role| (StaffUser { id, email, role }, disabled_at.is_some()))
        })
        .collect())
}

#[derive(Debug, sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    password_hash: String,
    role: String,
    disabled_at: Option<i64>,
}

/// Signs a brand owner, admin or staff member in with e-mail and password.
#[utoipa::path(
    post,
    path = "/api/v1/admin/session",
    tag = "auth",
    request_body = AdminSessionRequest,
    responses(
        (status = 200, body = AdminSession),
        (status = 401, description = "`invalid_credentials`", body = ErrorBody),
        (status = 403, description = "`account_disabled`", body = ErrorBody),
        (status = 404, description = "`unknown_brand`", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`: ten failures for the account, or thirty from the address, in fifteen minutes; see `Retry-After`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(brand = %req.brand))]
pub(super) async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Json(req): Json<AdminSessionRequest>,
) -> Result<Json<AdminSession>> {
    let brand = Brand::require_slug(&state.db, &req.brand).await?;
    let email = req.email.trim().to_lowercase();
    let now = state.clock.now_ms();
    let account = format!("account:{}:{email}", brand.id);
    let mut scopes = vec![(throttle::ACCOUNT, account.clone())];
    if let Some(ip) = address {
        scopes.push((throttle::ADDRESS, format!("address:{ip}")));
    }
    throttle::check(&state.db, &scopes, now).await?;
    let user: Option<UserRow> = sqlx::query_as(
        "SELECT id, email, password_hash, role, disabled_at FROM users WHERE brand_id = $1 AND email = $2",
    )
    .bind(&brand.id)
    .bind(&email)
    .fetch_optional(state.db.read())
    .await?;
    let hash = user
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |u| u.password_hash.clone());
    let password_ok = verify_password(hash, req.password.clone()).await;
    let refused = || Error::unauthorized(ErrorCode::InvalidCredentials, "The e-mail or password is not right.");
    let user = match user {
        Some(u) if password_ok => u,
        _ => {
            metrics::counter!("cham_admin_sign_ins_total", "outcome" => "refused").increment(1);
            tracing::info!(%email, address = ?address, "admin sign-in refused");
            throttle::failed(&state.db, &scopes, now).await?;
            return Err(refused());
        }
    };
    throttle::succeeded(&state.db, &account).await?;
    if user.disabled_at.is_some() {
        return Err(Error::forbidden(
            ErrorCode::AccountDisabled,
            "This account has been disabled by the brand owner.",
        ));
    }
    let role = StaffRole::parse(&user.role).ok_or_else(|| anyhow::anyhow!("unknown role {}", user.role))?;
    let session_role = match role {
        StaffRole::Owner => Role::Owner,
        StaffRole::Admin => Role::Admin,
        StaffRole::Staff => Role::Staff,
    };
    let mut tx = state.db.begin().await?;
    let tokens = start_session(
        &mut tx,
        &state.keys,
        &NewSession {
            brand_id: &brand.id,
            brand_slug: &brand.slug,
            subject_id: &user.id,
            role: session_role,
            provider: "password",
        },
    )
    .await?;
    tx.commit().await?;
    metrics::counter!("cham_admin_sign_ins_total", "outcome" => "ok").increment(1);
    Ok(Json(AdminSession {
        tokens,
        user: StaffUser {
            id: user.id,
            email: user.email,
            role,
        },
        brand: brand.public(),
    }))
}

/// A brand user by id, within the brand.
pub async fn user_in_brand(db: &Db, brand_id: &str, user_id: &str) -> Result<Option<StaffUser>> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT id, email, role FROM users WHERE id = $1 AND brand_id = $2 AND disabled_at IS NULL")
            .bind(user_id)
            .bind(brand_id)
            .fetch_optional(db.read())
            .await?;
    Ok(row.and_then(|(id, email, role)| StaffRole::parse(&role).map(|role| StaffUser { id, email, role })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mails_are_trimmed_lower_cased_and_checked() {
        assert_eq!(normalise_email("  Owner@Demo.VN ").unwrap(), "owner@demo.vn");
        assert!(normalise_email("no-at-sign").is_err());
        assert!(normalise_email("a b@c.vn").is_err());
        assert!(normalise_email("@c.vn").is_err());
    }

    #[test]
    fn password_hashes_are_salted_argon2id() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
    }
}
