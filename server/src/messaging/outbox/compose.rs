//! The console's messages: write one (a draft, content per channel), change it while it is a draft, send it now
//! or at a time, cancel it, and list them with their send reports.

use app::api::{
    ErrorBody, ErrorCode, FieldProblem, Message, MessageContent, MessageInput, MessagePage, MessageSchedule,
    MessageStatus,
};
use axum::{extract::State, http::StatusCode};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{audience, caps, report, settings};
use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::AdminAuth,
    campaigns,
    db::{Db, new_id, rfc3339},
    error::{Error, Json, Result},
    jobs,
    messaging::segments,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(one, update))
        .routes(routes!(send))
        .routes(routes!(cancel))
}

/// How far ahead a message can be scheduled: 90 days.
const MAX_AHEAD_MS: i64 = 90 * 24 * 60 * 60 * 1000;

#[derive(sqlx::FromRow)]
pub(super) struct Row {
    pub id: String,
    pub brand_id: String,
    pub name: String,
    pub segment_id: String,
    pub content: String,
    pub status: String,
    pub send_at: Option<i64>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub campaign_id: Option<String>,
}

pub(super) const COLUMNS: &str =
    "id, brand_id, name, segment_id, content, status, send_at, created_at, finished_at, campaign_id";

pub(super) fn status_of(s: &str) -> MessageStatus {
    match s {
        "scheduled" => MessageStatus::Scheduled,
        "sending" => MessageStatus::Sending,
        "sent" => MessageStatus::Sent,
        "cancelled" => MessageStatus::Cancelled,
        "journey" => MessageStatus::Journey,
        _ => MessageStatus::Draft,
    }
}

pub(super) async fn row(db: &Db, brand_id: &str, id: &str) -> Result<Option<Row>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaign_messages WHERE id = $1 AND brand_id = $2"
    ))
    .bind(id)
    .bind(brand_id)
    .fetch_optional(db.read())
    .await?)
}

fn unknown_message() -> Error {
    Error::not_found(ErrorCode::UnknownMessage, "There is no such message.")
}

async fn to_api(db: &Db, r: Row, now: i64) -> Result<Message> {
    let segment_name: Option<(String,)> = sqlx::query_as("SELECT name FROM segments WHERE id = $1")
        .bind(&r.segment_id)
        .fetch_optional(db.read())
        .await?;
    let report = report::build(db, &r.id).await?;
    let held_until = if r.status == "sending" && report.queued > 0 {
        let rules = settings::load(db, &r.brand_id).await?;
        let (from, until) = (
            caps::parse_hhmm(&rules.quiet_from).unwrap_or(0),
            caps::parse_hhmm(&rules.quiet_until).unwrap_or(0),
        );
        let at = caps::next_allowed(now, from, until);
        (at > now).then(|| rfc3339(at))
    } else {
        None
    };
    Ok(Message {
        held_until,
        campaign_id: r.campaign_id,
        content: serde_json::from_str(&r.content).map_err(anyhow::Error::from)?,
        status: status_of(&r.status),
        send_at: r.send_at.map(rfc3339),
        created_at: rfc3339(r.created_at),
        finished_at: r.finished_at.map(rfc3339),
        segment_name: segment_name.map(|(n,)| n).unwrap_or_default(),
        id: r.id,
        name: r.name,
        segment_id: r.segment_id,
        report,
    })
}

fn invalid(pointer: &str, problem: FieldProblem, message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidMessage, message).at(pointer, problem)
}

fn text_ok(text: &str, max: usize) -> bool {
    let n = text.trim().chars().count();
    n >= 1 && n <= max && !text.chars().any(|c| c.is_control() && c != '\n')
}

fn optional_label(label: &Option<String>, pointer: &str) -> Result<()> {
    match label {
        Some(l) if !text_ok(l, 30) => Err(invalid(
            pointer,
            FieldProblem::Length { min: 1, max: 30 },
            "A button's label is 1 to 30 characters.",
        )),
        _ => Ok(()),
    }
}

/// Checks a message's content and trims it.
pub(super) fn checked_content(mut c: MessageContent) -> Result<MessageContent> {
    c.target = c.target.trim().to_owned();
    let target_ok = c.target.starts_with('/')
        && !c.target.starts_with("//")
        && c.target.len() <= 200
        && c.target
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_-?=&.".contains(&b));
    if !target_ok {
        return Err(invalid(
            "/content/target",
            FieldProblem::NotAllowed,
            "The target is a mini app screen such as /rewards.",
        ));
    }
    if c.channels().is_empty() {
        return Err(invalid(
            "/content",
            FieldProblem::Count { min: 1, max: 4 },
            "Write the message for at least one channel.",
        ));
    }
    if let Some(oa) = &mut c.zalo_oa {
        oa.title = oa.title.trim().to_owned();
        oa.text = oa.text.trim().to_owned();
        if !text_ok(&oa.title, 100) {
            return Err(invalid(
                "/content/zalo_oa/title",
                FieldProblem::Length { min: 1, max: 100 },
                "The OA message's title is 1 to 100 characters.",
            ));
        }
        if !text_ok(&oa.text, 1000) {
            return Err(invalid(
                "/content/zalo_oa/text",
                FieldProblem::Length { min: 1, max: 1000 },
                "The OA message's text is 1 to 1,000 characters.",
            ));
        }
        if let Some(url) = &oa.banner_url
            && (!url.starts_with("https://") || url.len() > 500 || url.chars().any(char::is_whitespace))
        {
            return Err(invalid(
                "/content/zalo_oa/banner_url",
                FieldProblem::NotAllowed,
                "The banner is an https address.",
            ));
        }
        optional_label(&oa.button, "/content/zalo_oa/button")?;
    }
    if let Some(zns) = &mut c.zns {
        zns.template_id = zns.template_id.trim().to_owned();
        if zns.template_id.is_empty()
            || zns.template_id.len() > 32
            || !zns.template_id.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(invalid(
                "/content/zns/template_id",
                FieldProblem::NotAllowed,
                "The ZNS template id is the approved template's number.",
            ));
        }
        let keys_ok = zns.params.len() <= 20
            && zns.params.iter().all(|(k, v)| {
                !k.is_empty()
                    && k.len() <= 40
                    && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && v.chars().count() <= 200
            });
        if !keys_ok {
            return Err(invalid(
                "/content/zns/params",
                FieldProblem::NotAllowed,
                "A ZNS template has at most 20 parameters, each a name and a value of up to 200 characters.",
            ));
        }
    }
    if let Some(email) = &mut c.email {
        email.subject = email.subject.trim().to_owned();
        if !text_ok(&email.subject, 200) || email.subject.contains('\n') {
            return Err(invalid(
                "/content/email/subject",
                FieldProblem::Length { min: 1, max: 200 },
                "The e-mail's subject is 1 to 200 characters on one line.",
            ));
        }
        if !text_ok(&email.text, 5000) {
            return Err(invalid(
                "/content/email/text",
                FieldProblem::Length { min: 1, max: 5000 },
                "The e-mail's text is 1 to 5,000 characters.",
            ));
        }
        optional_label(&email.button, "/content/email/button")?;
    }
    if let Some(sms) = &mut c.sms {
        sms.text = sms.text.trim().to_owned();
        if !text_ok(&sms.text, 480) {
            return Err(invalid(
                "/content/sms/text",
                FieldProblem::Length { min: 1, max: 480 },
                "The SMS is 1 to 480 characters.",
            ));
        }
    }
    Ok(c)
}

/// A message's input, checked: its name, segment, content (as stored) and campaign.
struct Checked {
    name: String,
    segment_id: String,
    content: String,
    campaign_id: Option<String>,
}

async fn checked(state: &AppState, brand_id: &str, input: MessageInput) -> Result<Checked> {
    let name = input.name.trim().to_owned();
    if !text_ok(&name, 120) || name.contains('\n') {
        return Err(invalid(
            "/name",
            FieldProblem::Length { min: 1, max: 120 },
            "A message's name is 1 to 120 characters.",
        ));
    }
    if segments::find(&state.db, brand_id, &input.segment_id).await?.is_none() {
        return Err(invalid(
            "/segment_id",
            FieldProblem::Unknown,
            "Choose one of the brand's segments.",
        ));
    }
    let campaign_id = input.campaign_id.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    if let Some(campaign) = &campaign_id
        && (campaign.len() > 64 || !campaigns::exists(&state.db, brand_id, campaign).await?)
    {
        return Err(invalid(
            "/campaign_id",
            FieldProblem::Unknown,
            "Choose one of the brand's campaigns, or none.",
        ));
    }
    let content = serde_json::to_string(&checked_content(input.content)?).map_err(anyhow::Error::from)?;
    Ok(Checked {
        name,
        segment_id: input.segment_id,
        content,
        campaign_id,
    })
}

/// `GET /api/v1/admin/messages`'s query.
#[derive(Debug, Deserialize, IntoParams)]
struct ListQuery {
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

/// The brand's messages, newest first, 20 a page.
#[utoipa::path(get, path = "/api/v1/admin/messages", tag = "admin", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = MessagePage), (status = 422, description = "`invalid_cursor`", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Query(q): Query<ListQuery>,
) -> Result<Json<MessagePage>> {
    let (before_at, before_id) = match q.cursor.as_deref() {
        None => (i64::MAX, String::new()),
        Some(c) => c
            .split_once('_')
            .and_then(|(at, id)| Some((at.parse::<i64>().ok()?, id.to_owned())))
            .filter(|(_, id)| !id.is_empty() && id.len() <= 64)
            .ok_or_else(|| Error::unprocessable(ErrorCode::InvalidCursor, "The cursor is not valid."))?,
    };
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaign_messages WHERE brand_id = $1 \
         AND (created_at < $2 OR (created_at = $2 AND id < $3) OR $3 = '') AND created_at <= $2 \
         ORDER BY created_at DESC, id DESC LIMIT 21"
    ))
    .bind(&claims.brand)
    .bind(before_at)
    .bind(&before_id)
    .fetch_all(state.db.read())
    .await?;
    let more = rows.len() > 20;
    let next_cursor = if more {
        rows.get(19).map(|r| format!("{}_{}", r.created_at, r.id))
    } else {
        None
    };
    let mut items = Vec::new();
    for r in rows.into_iter().take(20) {
        items.push(to_api(&state.db, r, state.clock.now_ms()).await?);
    }
    Ok(Json(MessagePage { items, next_cursor }))
}

/// Writes a new message (a draft).
#[utoipa::path(post, path = "/api/v1/admin/messages", tag = "admin", security(("bearer" = [])), request_body = MessageInput,
    responses((status = 201, body = Message), (status = 422, description = "`invalid_message`", body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(body): Json<MessageInput>,
) -> Result<(StatusCode, Json<Message>)> {
    let input = checked(&state, &claims.brand, body).await?;
    let (id, now) = (new_id(), state.clock.now_ms());
    sqlx::query(
        "INSERT INTO campaign_messages (id, brand_id, name, segment_id, content, status, created_by, created_at, \
         updated_at, campaign_id) VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $7, $8)",
    )
    .bind(&id)
    .bind(&claims.brand)
    .bind(&input.name)
    .bind(&input.segment_id)
    .bind(&input.content)
    .bind(&claims.sub)
    .bind(now)
    .bind(&input.campaign_id)
    .execute(state.db.write())
    .await?;
    let saved = row(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_message)?;
    Ok((
        StatusCode::CREATED,
        Json(to_api(&state.db, saved, state.clock.now_ms()).await?),
    ))
}

/// One message with its send report.
#[utoipa::path(get, path = "/api/v1/admin/messages/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    responses((status = 200, body = Message), (status = 404, description = "`unknown_message`", body = ErrorBody)))]
async fn one(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<Message>> {
    let r = row(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_message)?;
    Ok(Json(to_api(&state.db, r, state.clock.now_ms()).await?))
}

fn not_draft() -> Error {
    Error::new(
        StatusCode::CONFLICT,
        ErrorCode::MessageNotDraft,
        "This message is scheduled or sent and can no longer change.",
    )
}

/// Changes a draft.
#[utoipa::path(put, path = "/api/v1/admin/messages/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")), request_body = MessageInput,
    responses((status = 200, body = Message), (status = 404, description = "`unknown_message`", body = ErrorBody),
        (status = 409, description = "`message_not_draft`", body = ErrorBody), (status = 422, description = "`invalid_message`", body = ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(body): Json<MessageInput>,
) -> Result<Json<Message>> {
    row(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_message)?;
    let input = checked(&state, &claims.brand, body).await?;
    let changed = sqlx::query(
        "UPDATE campaign_messages SET name = $1, segment_id = $2, content = $3, updated_at = $4, campaign_id = $7 \
         WHERE id = $5 AND brand_id = $6 AND status = 'draft'",
    )
    .bind(&input.name)
    .bind(&input.segment_id)
    .bind(&input.content)
    .bind(state.clock.now_ms())
    .bind(&id)
    .bind(&claims.brand)
    .bind(&input.campaign_id)
    .execute(state.db.write())
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(not_draft());
    }
    let r = row(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_message)?;
    Ok(Json(to_api(&state.db, r, state.clock.now_ms()).await?))
}

/// Sends a draft now, or schedules it. Who gets it is decided when it starts: the segment's people then.
#[utoipa::path(post, path = "/api/v1/admin/messages/{id}/send", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")), request_body = MessageSchedule,
    responses((status = 200, body = Message), (status = 404, description = "`unknown_message`", body = ErrorBody),
        (status = 409, description = "`message_not_draft`", body = ErrorBody), (status = 422, description = "`invalid_message`", body = ErrorBody)))]
async fn send(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(body): Json<MessageSchedule>,
) -> Result<Json<Message>> {
    let r = row(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_message)?;
    let now = state.clock.now_ms();
    let at = match body.send_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => now,
        Some(text) => {
            let at = chrono::DateTime::parse_from_rfc3339(text)
                .map_err(|_| {
                    invalid(
                        "/send_at",
                        FieldProblem::NotATime,
                        "The time is RFC 3339, such as 2026-12-24T09:00:00+07:00.",
                    )
                })?
                .timestamp_millis();
            if at < now - 60_000 || at > now + MAX_AHEAD_MS {
                return Err(invalid(
                    "/send_at",
                    FieldProblem::NotAllowed,
                    "A message is scheduled from now to 90 days ahead.",
                ));
            }
            at.max(now)
        }
    };
    if segments::find(&state.db, &claims.brand, &r.segment_id).await?.is_none() {
        return Err(invalid(
            "/segment_id",
            FieldProblem::Unknown,
            "The message's segment was archived; choose another.",
        ));
    }
    let (brand, mid) = (claims.brand.clone(), id.clone());
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let changed = sqlx::query(
                    "UPDATE campaign_messages SET status = 'scheduled', send_at = $1, updated_at = $2 \
                     WHERE id = $3 AND brand_id = $4 AND status = 'draft'",
                )
                .bind(at)
                .bind(now)
                .bind(&mid)
                .bind(&brand)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Err(not_draft());
                }
                jobs::enqueue(conn, &audience::start_job(&brand, &mid, at), now).await?;
                Ok(())
            })
        })
        .await?;
    let r = row(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_message)?;
    Ok(Json(to_api(&state.db, r, state.clock.now_ms()).await?))
}

/// Cancels a scheduled message, or what is left of one going out (what was sent stays sent).
#[utoipa::path(post, path = "/api/v1/admin/messages/{id}/cancel", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    responses((status = 200, body = Message), (status = 404, description = "`unknown_message`", body = ErrorBody),
        (status = 409, description = "`message_not_draft`", body = ErrorBody)))]
async fn cancel(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<Message>> {
    row(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_message)?;
    let now = state.clock.now_ms();
    let (brand, mid) = (claims.brand.clone(), id.clone());
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let changed = sqlx::query(
                    "UPDATE campaign_messages SET status = 'cancelled', finished_at = $1, updated_at = $1 \
                     WHERE id = $2 AND brand_id = $3 AND status IN ('scheduled', 'sending')",
                )
                .bind(now)
                .bind(&mid)
                .bind(&brand)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Err(Error::new(
                        StatusCode::CONFLICT,
                        ErrorCode::MessageNotDraft,
                        "Only a scheduled message, or one going out, can be cancelled.",
                    ));
                }
                sqlx::query(
                    "UPDATE message_sends SET status = 'skipped', reason = 'cancelled', updated_at = $1 \
                     WHERE message_id = $2 AND status = 'queued'",
                )
                .bind(now)
                .bind(&mid)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await?;
    let r = row(&state.db, &claims.brand, &id).await?.ok_or_else(unknown_message)?;
    Ok(Json(to_api(&state.db, r, state.clock.now_ms()).await?))
}
