//! What the snippet on a brand's website calls: the live forms for a visitor, a form shown or closed, one answer
//! checked as a submission checks it, the site's consent banner's answer, and a form's submission. Every path is
//! `/api/v1/web/{brand}/…`, so the brand's list of websites decides who may call it ([`super::origins`]).

use app::api::{
    ConsentChange, ErrorBody, ErrorCode, FieldCheck, FieldProblem, FormFieldKind, FormReceipt, FormView, PublicForm,
    PublicForms, WebConsent, WebFormInput,
};
use app::domain::{Email, Phone};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{forms, submit};
use crate::error::{Path, Query};
use crate::{
    AppState,
    brands::Brand,
    error::{Error, Json, Result},
    privacy::consent,
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(live_forms))
        .routes(routes!(form_view))
        .routes(routes!(check_field))
        .routes(routes!(banner_consent))
        .routes(routes!(submit::submit))
}

/// A form is handed out with a ticket; sent back sooner than this, it is a bot's.
pub const FASTEST_MS: i64 = 2_000;
/// A ticket older than this is refused: the page has been open a day.
pub const TICKET_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// The ticket of a form handed out at `at`.
pub fn ticket(state: &AppState, brand_id: &str, form_id: &str, at: i64) -> String {
    let at = at.to_string();
    format!("{at}.{}", state.qr.sign(&["web-form", brand_id, form_id, &at]))
}

/// When a ticket was handed out, if it is this server's for this form.
pub fn ticket_time(state: &AppState, brand_id: &str, form_id: &str, ticket: &str) -> Option<i64> {
    let (at, signature) = ticket.split_once('.')?;
    let ms = at.parse::<i64>().ok()?;
    state
        .qr
        .verify(&["web-form", brand_id, form_id, at], signature)
        .then_some(ms)
}

/// The brand's active forms, as stored.
pub async fn active_forms(conn: &mut AnyConnection, brand_id: &str) -> Result<Vec<(String, i64, WebFormInput)>> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT id, version, definition FROM web_forms WHERE brand_id = $1 AND active = 1 ORDER BY created_at, id",
    )
    .bind(brand_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, version, definition)| Ok((id, version, forms::parse_definition(&definition)?)))
        .collect()
}

/// Whether the brand knows the person behind an anonymous id: a phone, an e-mail or a mini app account on the
/// profile the id belongs to.
async fn known(conn: &mut AnyConnection, brand_id: &str, anonymous_id: &str) -> Result<bool> {
    let Some(profile) = profiles::owner_of(conn, brand_id, ("anonymous_id", anonymous_id)).await? else {
        return Ok(false);
    };
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM identities WHERE profile_id = $1 AND kind IN ('phone', 'email', 'zalo_id', 'momo_id') LIMIT 1",
    )
    .bind(&profile)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// `?anonymous_id=`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct Visitor {
    /// The visitor's anonymous id.
    anonymous_id: String,
}

/// The brand's live forms for this visitor, each with its ticket.
#[utoipa::path(
    get,
    path = "/api/v1/web/{brand}/forms",
    tag = "website",
    params(("brand" = String, Path, description = "The brand's slug"), Visitor),
    responses(
        (status = 200, body = PublicForms),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`unknown_brand`", body = ErrorBody),
        (status = 422, description = "`invalid_anonymous_id`", body = ErrorBody),
    )
)]
async fn live_forms(
    State(state): State<AppState>,
    Path(brand): Path<String>,
    Query(visitor): Query<Visitor>,
) -> Result<Json<PublicForms>> {
    let brand = Brand::require_slug(&state.db, &brand).await?;
    let anonymous_id = profiles::parse_anonymous_id(&visitor.anonymous_id)?;
    let mut conn = state.db.read().acquire().await?;
    let known = known(&mut conn, &brand.id, anonymous_id).await?;
    let now = state.clock.now_ms();
    let forms = active_forms(&mut conn, &brand.id)
        .await?
        .into_iter()
        .map(|(id, version, input)| PublicForm {
            ticket: ticket(&state, &brand.id, &id, now),
            id,
            version,
            input,
        })
        .collect();
    Ok(Json(PublicForms { known, forms }))
}

/// Counts a form's appearance or its closing, by Vietnam's day.
#[utoipa::path(
    post,
    path = "/api/v1/web/{brand}/forms/{id}/views",
    tag = "website",
    params(("brand" = String, Path, description = "The brand's slug"), ("id" = String, Path, description = "The form")),
    request_body = FormView,
    responses(
        (status = 204, description = "Counted"),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`unknown_brand`, `unknown_form`", body = ErrorBody),
        (status = 422, description = "`invalid_anonymous_id`, `invalid_form`", body = ErrorBody),
    )
)]
async fn form_view(
    State(state): State<AppState>,
    Path((brand, form_id)): Path<(String, String)>,
    Json(view): Json<FormView>,
) -> Result<StatusCode> {
    let brand = Brand::require_slug(&state.db, &brand).await?;
    profiles::parse_anonymous_id(&view.anonymous_id)?;
    let column = match view.action.trim() {
        "shown" => "shown",
        "closed" => "closed",
        _ => {
            return Err(
                Error::unprocessable(ErrorCode::InvalidForm, "A form is `shown` or `closed`.")
                    .at("/action", FieldProblem::NotAllowed),
            );
        }
    };
    let now = state.clock.now_ms();
    let day = super::day_of(now);
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let found: Option<(i64,)> =
                    sqlx::query_as("SELECT active FROM web_forms WHERE id = $1 AND brand_id = $2")
                        .bind(&form_id)
                        .bind(&brand.id)
                        .fetch_optional(&mut *conn)
                        .await?;
                if found.is_none() {
                    return Err(forms::unknown());
                }
                super::count(conn, &form_id, &day, column).await
            })
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A phone or an e-mail as a submission will read it, so the form can say what is wrong beside the field before
/// it is sent.
pub fn checked(kind: FormFieldKind, value: &str, pointer: &str) -> Result<String> {
    match kind {
        FormFieldKind::Phone => Phone::parse(value).map(|p| p.as_str().to_owned()).map_err(|_| {
            Error::unprocessable(ErrorCode::InvalidPhone, "This is not a Vietnamese mobile number.")
                .at(pointer, FieldProblem::NotAllowed)
        }),
        FormFieldKind::Email => Email::parse(value).map(|e| e.as_str().to_owned()).map_err(|_| {
            Error::unprocessable(ErrorCode::InvalidEmail, "This is not an e-mail address.")
                .at(pointer, FieldProblem::NotAllowed)
        }),
        FormFieldKind::Name => {
            let name = value.trim();
            if name.is_empty() || name.chars().count() > 100 {
                return Err(
                    Error::unprocessable(ErrorCode::FieldRequired, "A name has 1 to 100 characters.")
                        .at(pointer, FieldProblem::Length { min: 1, max: 100 }),
                );
            }
            Ok(name.to_owned())
        }
        FormFieldKind::Choice => Ok(value.trim().to_owned()),
    }
}

/// Checks one answer as a submission would.
#[utoipa::path(
    post,
    path = "/api/v1/web/{brand}/check",
    tag = "website",
    params(("brand" = String, Path, description = "The brand's slug")),
    request_body = FieldCheck,
    responses(
        (status = 204, description = "It would be accepted"),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 422, description = "`invalid_phone`, `invalid_email`, `field_required`", body = ErrorBody),
    )
)]
async fn check_field(
    State(state): State<AppState>,
    Path(brand): Path<String>,
    Json(check): Json<FieldCheck>,
) -> Result<StatusCode> {
    Brand::require_slug(&state.db, &brand).await?;
    checked(check.kind, &check.value, "/value")?;
    Ok(StatusCode::NO_CONTENT)
}

/// The website's consent banner's answer about analytics, recorded on the visitor's profile when it changes.
#[utoipa::path(
    post,
    path = "/api/v1/web/{brand}/consent",
    tag = "website",
    params(("brand" = String, Path, description = "The brand's slug")),
    request_body = WebConsent,
    responses(
        (status = 204, description = "Recorded"),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`unknown_brand`", body = ErrorBody),
        (status = 422, description = "`invalid_anonymous_id`", body = ErrorBody),
    )
)]
async fn banner_consent(
    State(state): State<AppState>,
    Path(brand): Path<String>,
    Json(answer): Json<WebConsent>,
) -> Result<StatusCode> {
    let brand = Brand::require_slug(&state.db, &brand).await?;
    let anonymous_id = profiles::parse_anonymous_id(&answer.anonymous_id)?.to_owned();
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let profile = profiles::resolve_anonymous(conn, &brand.id, &anonymous_id).await?;
                if consent::has_granted(conn, &profile, "analytics").await? == answer.analytics {
                    return Ok(());
                }
                let change = ConsentChange {
                    granted: answer.analytics,
                    wording_version: "website-banner".to_owned(),
                    source: Some("web".to_owned()),
                };
                consent::record_consent(conn, &brand.id, &profile, "analytics", &change, "web").await
            })
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An empty receipt (a bot's, or a form without a reward).
pub fn no_reward() -> FormReceipt {
    FormReceipt {
        voucher_code: None,
        points_on_join: None,
        already_rewarded: false,
    }
}
