//! The brand's rules for re-engagement messages (channel priority, caps, quiet hours, the OA's monthly
//! promotions per follower, costs) and its eSMS account, the secret key sealed.

use app::api::{Channel, ChannelSettings, ErrorBody, ErrorCode, MessagingSettings, MessagingSettingsInput};
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
    gateways::esms::EsmsAccount,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_settings, put_settings))
}

#[derive(Serialize, Deserialize)]
struct StoredSms {
    api_key: String,
    secret_key: String,
    brandname: String,
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
    let settings = serde_json::to_string(&body.settings).map_err(anyhow::Error::from)?;
    let brand = brand_id.to_owned();
    db.transact(move |conn| {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO message_settings (brand_id, settings, sms_gateway, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (brand_id) DO UPDATE SET settings = $2, \
                 sms_gateway = COALESCE($3, message_settings.sms_gateway), updated_at = $4",
            )
            .bind(&brand)
            .bind(&settings)
            .bind(&sms)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok(())
        })
    })
    .await
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
