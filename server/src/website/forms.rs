//! The console's pop-up forms: list them with their funnel, add one, change one (each save is a new version, so
//! a consent records the words the person ticked). A definition is checked whole before anything is written.

use app::api::{
    ErrorBody, ErrorCode, FieldProblem, FormDay, FormFieldKind, FormFunnel, FormReward, Text, WebForm, WebFormInput,
};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::new_id,
    error::{Error, Json, Result},
    loyalty::rewards,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
}

/// The purposes a form's consent box may grant.
pub const PURPOSES: &[&str] = &[
    "marketing_sms",
    "marketing_email",
    "marketing_zalo",
    "marketing_zns",
    "analytics",
];

/// Most forms a brand keeps.
const MAX_FORMS: i64 = 50;

fn invalid(pointer: impl Into<String>, problem: FieldProblem, message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidForm, message).at(pointer, problem)
}

fn length(pointer: &str, text: &str, min: u32, max: u32, what: &str) -> Result<()> {
    let n = text.chars().count();
    if n < min as usize || n > max as usize {
        return Err(invalid(
            pointer,
            FieldProblem::Length { min, max },
            &format!("{what} takes {min} to {max} characters."),
        ));
    }
    Ok(())
}

/// Both languages of a text, each `min` to `max` characters.
fn both(pointer: &str, text: &Text, min: u32, max: u32, what: &str) -> Result<Text> {
    let text = text.trimmed();
    length(&format!("{pointer}/vi"), &text.vi, min, max, what)?;
    length(&format!("{pointer}/en"), &text.en, min, max, what)?;
    Ok(text)
}

fn range(pointer: &str, value: i64, min: i64, max: i64, what: &str) -> Result<()> {
    if !(min..=max).contains(&value) {
        return Err(invalid(
            pointer,
            FieldProblem::Range { min, max },
            &format!("{what} is {min} to {max}."),
        ));
    }
    Ok(())
}

/// Checks a whole definition, trimming its texts; the reward must be one of the brand's active rewards.
pub async fn validate(conn: &mut AnyConnection, brand_id: &str, mut input: WebFormInput) -> Result<WebFormInput> {
    input.name = input.name.trim().to_owned();
    length("/name", &input.name, 1, 120, "A form's name")?;
    input.title = both("/title", &input.title, 1, 120, "A heading")?;
    let body = input.body.trimmed();
    input.body = if body.vi.is_empty() && body.en.is_empty() {
        body
    } else {
        both("/body", &body, 1, 400, "The line under the heading")?
    };
    input.button = both("/button", &input.button, 1, 40, "A button's words")?;
    input.thanks = both("/thanks", &input.thanks, 1, 300, "The thanks")?;
    if input.fields.is_empty() || input.fields.len() > 6 {
        return Err(invalid(
            "/fields",
            FieldProblem::Count { min: 1, max: 6 },
            "A form has 1 to 6 fields.",
        ));
    }
    let mut kinds = Vec::new();
    for (i, field) in input.fields.iter_mut().enumerate() {
        let at = format!("/fields/{i}");
        if kinds.contains(&field.kind) {
            return Err(invalid(
                format!("{at}/kind"),
                FieldProblem::Duplicate,
                "A form asks for each kind of field once.",
            ));
        }
        kinds.push(field.kind);
        field.label = both(&format!("{at}/label"), &field.label, 1, 80, "A field's label")?;
        if field.kind == FormFieldKind::Choice {
            if !(2..=8).contains(&field.options.len()) {
                return Err(invalid(
                    format!("{at}/options"),
                    FieldProblem::Count { min: 2, max: 8 },
                    "A choice has 2 to 8 options.",
                ));
            }
            for (j, option) in field.options.iter_mut().enumerate() {
                *option = both(&format!("{at}/options/{j}"), option, 1, 80, "An option")?;
            }
        } else {
            field.options.clear();
        }
    }
    if input.consents.len() > 4 {
        return Err(invalid(
            "/consents",
            FieldProblem::Count { min: 0, max: 4 },
            "A form has at most 4 consent boxes.",
        ));
    }
    let mut purposes = Vec::new();
    for (i, consent) in input.consents.iter_mut().enumerate() {
        let at = format!("/consents/{i}");
        consent.purpose = consent.purpose.trim().to_owned();
        if !PURPOSES.contains(&consent.purpose.as_str()) {
            return Err(invalid(
                format!("{at}/purpose"),
                FieldProblem::NotAllowed,
                "A consent box grants marketing by SMS, e-mail, Zalo OA or ZNS, or analytics.",
            ));
        }
        if purposes.contains(&consent.purpose) {
            return Err(invalid(
                format!("{at}/purpose"),
                FieldProblem::Duplicate,
                "A form asks for each consent once.",
            ));
        }
        purposes.push(consent.purpose.clone());
        consent.wording = both(&format!("{at}/wording"), &consent.wording, 1, 500, "A consent's words")?;
    }
    let t = &mut input.trigger;
    if let Some(pages) = t.after_pages {
        range("/trigger/after_pages", i64::from(pages), 1, 50, "A number of pages")?;
    }
    if let Some(seconds) = t.after_seconds {
        range(
            "/trigger/after_seconds",
            i64::from(seconds),
            3,
            600,
            "A number of seconds",
        )?;
    }
    range(
        "/trigger/snooze_days",
        i64::from(t.snooze_days),
        0,
        365,
        "A number of days",
    )?;
    t.path_contains = t
        .path_contains
        .take()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    if let Some(p) = &t.path_contains {
        length("/trigger/path_contains", p, 1, 200, "A page's path")?;
    }
    t.utm_campaign = t
        .utm_campaign
        .take()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    if let Some(c) = &t.utm_campaign {
        length("/trigger/utm_campaign", c, 1, 100, "A campaign's code")?;
    }
    let rewarded = !matches!(input.reward, FormReward::None);
    let phone_required = input
        .fields
        .iter()
        .any(|f| f.kind == FormFieldKind::Phone && f.required);
    if rewarded && !phone_required {
        return Err(invalid(
            "/fields",
            FieldProblem::NotAllowed,
            "A form with a reward asks for a phone, required: the reward is given once per phone.",
        ));
    }
    match &mut input.reward {
        FormReward::None => {}
        FormReward::Voucher { reward_id } => {
            *reward_id = reward_id.trim().to_owned();
            let found = rewards::find(conn, brand_id, reward_id).await?;
            if found.is_none_or(|r| r.active != 1) {
                return Err(invalid(
                    "/reward/reward_id",
                    FieldProblem::Unknown,
                    "Choose one of the brand's active rewards.",
                ));
            }
        }
        FormReward::Points { points } => range("/reward/points", *points, 1, 100_000, "A number of points")?,
    }
    Ok(input)
}

/// The form's whole funnel and its last 30 days, oldest first.
async fn funnel(
    conn: &mut AnyConnection,
    form_id: &str,
    today: &str,
    since: &str,
) -> Result<(FormFunnel, Vec<FormDay>)> {
    let rows: Vec<(String, i64, i64, i64)> =
        sqlx::query_as("SELECT day, shown, closed, submitted FROM web_form_days WHERE form_id = $1 ORDER BY day")
            .bind(form_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut total = FormFunnel::default();
    let mut days = Vec::new();
    for (day, shown, closed, submitted) in rows {
        total.shown = total.shown.saturating_add(shown);
        total.closed = total.closed.saturating_add(closed);
        total.submitted = total.submitted.saturating_add(submitted);
        if day.as_str() >= since && day.as_str() <= today {
            days.push(FormDay {
                day,
                funnel: FormFunnel {
                    shown,
                    closed,
                    submitted,
                },
            });
        }
    }
    Ok((total, days))
}

/// A stored definition, read back.
pub fn parse_definition(definition: &str) -> Result<WebFormInput> {
    serde_json::from_str(definition).map_err(|e| Error::Internal(anyhow::anyhow!("a stored form does not parse: {e}")))
}

async fn load(conn: &mut AnyConnection, brand_id: &str, id: &str, now: i64) -> Result<WebForm> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT version, definition FROM web_forms WHERE id = $1 AND brand_id = $2")
            .bind(id)
            .bind(brand_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (version, definition) = row.ok_or_else(unknown)?;
    let today = super::day_of(now);
    let since = super::day_of(now - 29 * 86_400_000);
    let (funnel, days) = funnel(conn, id, &today, &since).await?;
    Ok(WebForm {
        id: id.to_owned(),
        version,
        input: parse_definition(&definition)?,
        funnel,
        days,
    })
}

/// No such form of the brand.
pub fn unknown() -> Error {
    Error::not_found(ErrorCode::UnknownForm, "There is no such form.")
}

/// The brand's forms, newest first, each with its funnel.
#[utoipa::path(
    get,
    path = "/api/v1/admin/website/forms",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<WebForm>), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<WebForm>>> {
    let mut conn = state.db.read().acquire().await?;
    let ids: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM web_forms WHERE brand_id = $1 ORDER BY created_at DESC, id DESC")
            .bind(&claims.brand)
            .fetch_all(&mut *conn)
            .await?;
    let now = state.clock.now_ms();
    let mut out = Vec::with_capacity(ids.len());
    for (id,) in ids {
        out.push(load(&mut conn, &claims.brand, &id, now).await?);
    }
    Ok(Json(out))
}

/// Adds a form.
#[utoipa::path(
    post,
    path = "/api/v1/admin/website/forms",
    tag = "admin",
    security(("bearer" = [])),
    request_body = WebFormInput,
    responses(
        (status = 201, body = WebForm),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 422, description = "`invalid_form` (with the field; or a brand's 50th form)", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<WebFormInput>,
) -> Result<(StatusCode, Json<WebForm>)> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let input = validate(&mut tx, &claims.brand, input).await?;
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM web_forms WHERE brand_id = $1")
        .bind(&claims.brand)
        .fetch_one(&mut *tx)
        .await?;
    if count >= MAX_FORMS {
        return Err(Error::unprocessable(
            ErrorCode::InvalidForm,
            format!("A brand keeps at most {MAX_FORMS} forms; change one instead."),
        )
        .at("", FieldProblem::Count { min: 0, max: 50 }));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO web_forms (id, brand_id, name, active, version, definition, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $6, $6)",
    )
    .bind(&id)
    .bind(&claims.brand)
    .bind(&input.name)
    .bind(i64::from(input.active))
    .bind(serde_json::to_string(&input).map_err(|e| Error::Internal(e.into()))?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let form = load(&mut tx, &claims.brand, &id, now).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(form)))
}

/// Changes a form: a new version.
#[utoipa::path(
    put,
    path = "/api/v1/admin/website/forms/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The form")),
    request_body = WebFormInput,
    responses(
        (status = 200, body = WebForm),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_form`", body = ErrorBody),
        (status = 422, description = "`invalid_form` (with the field)", body = ErrorBody),
    )
)]
async fn update(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<WebFormInput>,
) -> Result<Json<WebForm>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let input = validate(&mut tx, &claims.brand, input).await?;
    let changed = sqlx::query(
        "UPDATE web_forms SET name = $1, active = $2, definition = $3, version = version + 1, updated_at = $4 \
         WHERE id = $5 AND brand_id = $6",
    )
    .bind(&input.name)
    .bind(i64::from(input.active))
    .bind(serde_json::to_string(&input).map_err(|e| Error::Internal(e.into()))?)
    .bind(now)
    .bind(&id)
    .bind(&claims.brand)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(unknown());
    }
    let form = load(&mut tx, &claims.brand, &id, now).await?;
    tx.commit().await?;
    Ok(Json(form))
}
