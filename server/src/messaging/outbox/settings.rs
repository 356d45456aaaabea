//! The brand's rules for re-engagement messages (channel priority, caps, quiet hours, the OA's monthly
//! promotions per follower, costs), its eSMS account and its SMTP server, the secrets sealed.

use app::api::{
    Channel, ChannelSettings, EmailServer, EmailServerInput, ErrorBody, ErrorCode, MessagingSettings,
    MessagingSettingsInput, SmtpSecurity, TestSendInput, TestSendResult,
};
use app::{api::FieldProblem, domain::Phone};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::caps::parse_hhmm;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    crypto::Sealer,
    db::Db,
    error::{Error, Json, Result},
    gateways::{
        Delivery,
        esms::EsmsAccount,
        smtp::{self, Email, EmailAccount},
    },
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(test_send))
}

#[derive(Serialize, Deserialize)]
struct StoredSms {
    api_key: String,
    secret_key: String,
    brandname: String,
}

#[derive(Serialize, Deserialize)]
struct StoredEmail {
    host: String,
    port: u16,
    security: SmtpSecurity,
    username: Option<String>,
    /// Sealed.
    password: Option<String>,
    from_address: String,
    from_name: String,
}

impl StoredEmail {
    fn view(self) -> EmailServer {
        EmailServer {
            host: self.host,
            port: self.port,
            security: self.security,
            username: self.username,
            from_address: self.from_address,
            from_name: self.from_name,
        }
    }
}

async fn stored_email(db: &Db, brand_id: &str) -> Result<Option<StoredEmail>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT email_server FROM message_settings WHERE brand_id = $1")
            .bind(brand_id)
            .fetch_optional(db.read())
            .await?;
    let Some((Some(stored),)) = row else {
        return Ok(None);
    };
    Ok(Some(serde_json::from_str(&stored).map_err(anyhow::Error::from)?))
}

/// The brand's SMTP server, its password opened.
pub async fn email_account(db: &Db, sealer: &Sealer, brand_id: &str) -> Result<Option<EmailAccount>> {
    let Some(stored) = stored_email(db, brand_id).await? else {
        return Ok(None);
    };
    Ok(Some(EmailAccount {
        host: stored.host,
        port: stored.port,
        security: stored.security,
        username: stored.username,
        password: stored.password.as_deref().map(|p| sealer.open(p)).transpose()?,
        from_address: stored.from_address,
        from_name: stored.from_name,
    }))
}

/// The brand's rules, the defaults when it never set any.
pub async fn load(db: &Db, brand_id: &str) -> Result<ChannelSettings> {
    let row: Option<(String,)> = sqlx::query_as("SELECT settings FROM message_settings WHERE brand_id = $1")
        .bind(brand_id)
        .fetch_optional(db.read())
        .await?;
    Ok(row.and_then(|(s,)| serde_json::from_str(&s).ok()).unwrap_or_default())
}

/// The brand's eSMS account, opened.
pub async fn sms_account(db: &Db, sealer: &Sealer, brand_id: &str) -> Result<Option<EsmsAccount>> {
    let row: Option<(Option<String>,)> = sqlx::query_as("SELECT sms_gateway FROM message_settings WHERE brand_id = $1")
        .bind(brand_id)
        .fetch_optional(db.read())
        .await?;
    let Some((Some(stored),)) = row else {
        return Ok(None);
    };
    let stored: StoredSms = serde_json::from_str(&stored).map_err(anyhow::Error::from)?;
    Ok(Some(EsmsAccount {
        api_key: stored.api_key,
        secret_key: sealer.open(&stored.secret_key)?,
        brandname: stored.brandname,
    }))
}

fn invalid(message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidChannelSettings, message)
}

fn check(s: &ChannelSettings) -> Result<()> {
    let mut seen = Vec::new();
    for c in &s.priority {
        if seen.contains(c) {
            return Err(invalid("Each channel appears once in the priority."));
        }
        seen.push(*c);
    }
    if s.priority.is_empty() {
        return Err(invalid("The priority names at least one channel."));
    }
    if s.per_day > 20 || s.per_week > 50 || s.per_week < s.per_day {
        return Err(invalid(
            "A person gets at most 20 messages a day and 50 a week, and no more a day than a week.",
        ));
    }
    if parse_hhmm(&s.quiet_from).is_none() || parse_hhmm(&s.quiet_until).is_none() {
        return Err(invalid("Quiet hours are two times of day, HH:MM."));
    }
    if s.oa_per_follower_month > 100 {
        return Err(invalid("At most 100 OA promotions per follower a month."));
    }
    if s.oa_per_follower_day > 3 || s.oa_per_follower_day > s.oa_per_follower_month.max(1) {
        return Err(invalid(
            "At most 3 OA promotions per follower a day (Zalo allows one), and no more a day than a month.",
        ));
    }
    if !(0..=100_000).contains(&s.zns_cost_vnd) || !(0..=100_000).contains(&s.sms_cost_vnd) {
        return Err(invalid("A message costs 0 to 100,000 VND."));
    }
    Ok(())
}

async fn view(db: &Db, brand_id: &str) -> Result<MessagingSettings> {
    let settings = load(db, brand_id).await?;
    let row: Option<(Option<String>,)> = sqlx::query_as("SELECT sms_gateway FROM message_settings WHERE brand_id = $1")
        .bind(brand_id)
        .fetch_optional(db.read())
        .await?;
    let sms_brandname = row
        .and_then(|(s,)| s)
        .and_then(|s| serde_json::from_str::<StoredSms>(&s).ok())
        .map(|s| s.brandname);
    Ok(MessagingSettings {
        settings,
        sms_brandname,
        email_server: stored_email(db, brand_id).await?.map(StoredEmail::view),
    })
}

/// The brand's messaging rules and whether an SMS account is set.
#[utoipa::path(get, path = "/api/v1/admin/messaging/settings", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = MessagingSettings)))]
async fn get_settings(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<MessagingSettings>> {
    Ok(Json(view(&state.db, &claims.brand).await?))
}

/// Changes the brand's messaging rules (and its eSMS account, when given).
#[utoipa::path(put, path = "/api/v1/admin/messaging/settings", tag = "admin", security(("bearer" = [])),
    request_body = MessagingSettingsInput,
    responses((status = 200, body = MessagingSettings),
        (status = 422, description = "`invalid_channel_settings`", body = ErrorBody)))]
async fn put_settings(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(body): Json<MessagingSettingsInput>,
) -> Result<Json<MessagingSettings>> {
    save(&state.db, &state.sealer, &claims.brand, &body, state.clock.now_ms()).await?;
    Ok(Json(view(&state.db, &claims.brand).await?))
}

/// Sends one test message on the e-mail or SMS channel to the admin's own address, through the brand's account:
/// the provider's answer is shown as it is (no consent or caps: it goes to the admin, not a customer).
#[utoipa::path(post, path = "/api/v1/admin/messaging/test-send", tag = "admin", security(("bearer" = [])),
    request_body = TestSendInput,
    responses((status = 200, body = TestSendResult),
        (status = 409, description = "`channel_not_connected`", body = ErrorBody),
        (status = 422, description = "`invalid_test_address`", body = ErrorBody)))]
async fn test_send(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(body): Json<TestSendInput>,
) -> Result<Json<TestSendResult>> {
    let bad_address = || {
        Error::unprocessable(
            ErrorCode::InvalidTestAddress,
            "Enter a valid e-mail address (or a phone number for SMS).",
        )
    };
    let not_connected = || {
        Error::new(
            axum::http::StatusCode::CONFLICT,
            ErrorCode::ChannelNotConnected,
            "This channel is not connected: set up its account first.",
        )
    };
    let to = body.to.trim();
    let key = crate::crypto::random_token(16);
    let answer = match body.channel {
        Channel::Email => {
            if !smtp::is_address(to) {
                return Err(bad_address());
            }
            let account = email_account(&state.db, &state.sealer, &claims.brand)
                .await?
                .ok_or_else(not_connected)?;
            let email = Email {
                to,
                subject: "Chạm: e-mail thử / test e-mail",
                text: "Máy chủ e-mail của nhãn hàng gửi được thư. / The brand's e-mail server sends mail.",
                button: None,
                unsubscribe: None,
                key: &key,
            };
            state.gateways.send_email(&account, &email).await
        }
        Channel::Sms => {
            let phone = Phone::parse(to).map_err(|_| bad_address())?;
            let account = sms_account(&state.db, &state.sealer, &claims.brand)
                .await?
                .ok_or_else(not_connected)?;
            let text = "Cham: tin nhan thu tu tai khoan SMS cua nhan hang.";
            state.gateways.send_sms(&account, phone.as_str(), text, &key).await
        }
        Channel::ZaloOa | Channel::Zns => return Err(bad_address()),
    };
    Ok(Json(match answer {
        Delivery::Sent(_) => TestSendResult {
            sent: true,
            detail: None,
        },
        Delivery::Unreachable(w) | Delivery::Refused(w) | Delivery::Unavailable(w) => TestSendResult {
            sent: false,
            detail: Some(w),
        },
    }))
}

/// Checks and stores settings (the demo seeds its own through this too).
pub async fn save(db: &Db, sealer: &Sealer, brand_id: &str, body: &MessagingSettingsInput, now: i64) -> Result<()> {
    check(&body.settings)?;
    let sms = match &body.sms {
        Some(s) => {
            let (key, secret, name) = (s.api_key.trim(), s.secret_key.trim(), s.brandname.trim());
            let fine = |t: &str, max: usize| !t.is_empty() && t.len() <= max && !t.chars().any(char::is_control);
            if !fine(key, 200) || !fine(secret, 200) || !fine(name, 11) {
                return Err(invalid(
                    "An eSMS account has an API key, a secret key and a brandname of up to 11 characters.",
                ));
            }
            Some(
                serde_json::to_string(&StoredSms {
                    api_key: key.to_owned(),
                    secret_key: sealer.seal(secret),
                    brandname: name.to_owned(),
                })
                .map_err(anyhow::Error::from)?,
            )
        }
        None => None,
    };
    let email = match &body.email {
        Some(e) => Some(
            serde_json::to_string(&checked_email(e, stored_email(db, brand_id).await?, sealer)?)
                .map_err(anyhow::Error::from)?,
        ),
        None => None,
    };
    let settings = serde_json::to_string(&body.settings).map_err(anyhow::Error::from)?;
    let brand = brand_id.to_owned();
    db.transact(move |conn| {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO message_settings (brand_id, settings, sms_gateway, email_server, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (brand_id) DO UPDATE SET settings = $2, \
                 sms_gateway = COALESCE($3, message_settings.sms_gateway), \
                 email_server = COALESCE($4, message_settings.email_server), updated_at = $5",
            )
            .bind(&brand)
            .bind(&settings)
            .bind(&sms)
            .bind(&email)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok(())
        })
    })
    .await
}

fn invalid_email(pointer: &str, problem: FieldProblem, message: &str) -> Error {
    invalid(message).at(pointer, problem)
}

/// An SMTP server as given, checked, its password sealed (or the current one kept for the same login).
fn checked_email(e: &EmailServerInput, current: Option<StoredEmail>, sealer: &Sealer) -> Result<StoredEmail> {
    let fine = |t: &str, max: usize| !t.is_empty() && t.chars().count() <= max && !t.chars().any(char::is_control);
    let host = e.host.trim().to_ascii_lowercase();
    let host_ok = fine(&host, 253)
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !host_ok {
        return Err(invalid_email(
            "/email/host",
            FieldProblem::NotAllowed,
            "An SMTP server has a host name.",
        ));
    }
    if e.port == 0 {
        return Err(invalid_email(
            "/email/port",
            FieldProblem::Range { min: 1, max: 65535 },
            "A port is 1 to 65535.",
        ));
    }
    let from_address = e.from_address.trim().to_owned();
    if !smtp::is_address(&from_address) {
        return Err(invalid_email(
            "/email/from_address",
            FieldProblem::NotAllowed,
            "E-mails come from an e-mail address.",
        ));
    }
    let from_name = e.from_name.trim().to_owned();
    if !fine(&from_name, 100) {
        return Err(invalid_email(
            "/email/from_name",
            FieldProblem::Length { min: 1, max: 100 },
            "The sender's name is 1 to 100 characters.",
        ));
    }
    let username = e
        .username
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned);
    if username.as_deref().is_some_and(|u| !fine(u, 200)) {
        return Err(invalid_email(
            "/email/username",
            FieldProblem::Length { min: 1, max: 200 },
            "A login has up to 200 characters.",
        ));
    }
    let password = match (e.password.as_deref().filter(|p| !p.is_empty()), &username) {
        (Some(p), Some(_)) if p.chars().count() <= 500 && !p.chars().any(char::is_control) => Some(sealer.seal(p)),
        (Some(_), Some(_)) => {
            return Err(invalid_email(
                "/email/password",
                FieldProblem::Length { min: 1, max: 500 },
                "A password has up to 500 characters.",
            ));
        }
        (Some(_), None) => {
            return Err(invalid_email(
                "/email/username",
                FieldProblem::Length { min: 1, max: 200 },
                "A password goes with a login.",
            ));
        }
        (None, Some(_)) => match current {
            Some(c) if c.username == username && c.host == host => c.password,
            _ => {
                return Err(invalid_email(
                    "/email/password",
                    FieldProblem::Length { min: 1, max: 500 },
                    "A login needs its password.",
                ));
            }
        },
        (None, None) => None,
    };
    if e.security == SmtpSecurity::None && (!smtp::is_loopback(&host) || password.is_some()) {
        return Err(invalid_email(
            "/email/security",
            FieldProblem::NotAllowed,
            "Without TLS, e-mail goes only to a server on this machine, and never with a password.",
        ));
    }
    Ok(StoredEmail {
        host,
        port: e.port,
        security: e.security,
        username,
        password,
        from_address,
        from_name,
    })
}

/// The channels to try for a message, in the brand's priority, keeping those the message has content for.
pub fn order(settings: &ChannelSettings, content_channels: &[Channel]) -> Vec<Channel> {
    settings
        .priority
        .iter()
        .copied()
        .filter(|c| content_channels.contains(c))
        .collect()
}
