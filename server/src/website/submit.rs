//! A pop-up form's submission: bot traps (a hidden field, the ticket's age), rate limits per visitor and per
//! address, every answer checked as the form defines it, then in one transaction the visitor's profile gets the
//! phone and e-mail as unverified claims, the ticked consents with the form's words as their proof, the name,
//! `form_submitted` on the timeline, and the promised reward once per phone.

use std::collections::BTreeMap;

use app::api::{
    ConsentChange, ErrorBody, ErrorCode, FieldProblem, FormFieldKind, FormReceipt, FormReward, FormSubmission,
    WebFormInput,
};
use axum::extract::State;
use serde_json::json;

use super::public::{FASTEST_MS, TICKET_LIFETIME_MS, checked, no_reward, ticket_time};
use crate::auth::throttle::ClientAddress;
use crate::error::Path;
use crate::{
    AppState,
    brands::Brand,
    db::new_id,
    error::{Error, Json, Result},
    events::{self, Campaign, NewEvent},
    loyalty::{rewards, vouchers},
    privacy::consent,
    profiles,
};

/// Most submissions by one visitor in an hour.
pub const PER_VISITOR_HOUR: i64 = 5;
/// Most submissions from one address in an hour (a shop's Wi-Fi is many people).
pub const PER_ADDRESS_HOUR: i64 = 30;
const HOUR_MS: i64 = 60 * 60 * 1000;

/// A submission's answers, checked against the form.
struct Answers {
    name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    /// What the person chose, in the language they read it in.
    choice: Option<String>,
}

fn check_answers(form: &WebFormInput, submission: &FormSubmission) -> Result<Answers> {
    for key in submission.fields.keys() {
        if !form.fields.iter().any(|f| f.kind.key() == key) {
            return Err(
                Error::unprocessable(ErrorCode::InvalidForm, format!("The form has no field {key:?}."))
                    .at(format!("/fields/{key}"), FieldProblem::NotAllowed),
            );
        }
    }
    let english = submission.lang == "en";
    let mut answers = Answers {
        name: None,
        phone: None,
        email: None,
        choice: None,
    };
    for field in &form.fields {
        let key = field.kind.key();
        let pointer = format!("/fields/{key}");
        let value = submission.fields.get(key).map(|v| v.trim()).unwrap_or_default();
        if value.is_empty() {
            if field.required {
                return Err(
                    Error::unprocessable(ErrorCode::FieldRequired, format!("The form needs its {key}."))
                        .at(pointer, FieldProblem::Length { min: 1, max: 100 }),
                );
            }
            continue;
        }
        let value = checked(field.kind, value, &pointer)?;
        match field.kind {
            FormFieldKind::Name => answers.name = Some(value),
            FormFieldKind::Phone => answers.phone = Some(value),
            FormFieldKind::Email => answers.email = Some(value),
            FormFieldKind::Choice => {
                let option = value.parse::<usize>().ok().and_then(|i| field.options.get(i));
                let Some(option) = option else {
                    return Err(
                        Error::unprocessable(ErrorCode::FieldRequired, "Choose one of the options.")
                            .at(pointer, FieldProblem::NotAllowed),
                    );
                };
                answers.choice = Some(if english { option.en.clone() } else { option.vi.clone() });
            }
        }
    }
    for (i, purpose) in submission.consents.iter().enumerate() {
        if !form.consents.iter().any(|c| &c.purpose == purpose) {
            return Err(
                Error::unprocessable(ErrorCode::InvalidForm, format!("The form asks no consent {purpose:?}."))
                    .at(format!("/consents/{i}"), FieldProblem::NotAllowed),
            );
        }
    }
    if let Some(missing) = form
        .consents
        .iter()
        .position(|c| c.required && !submission.consents.contains(&c.purpose))
    {
        return Err(
            Error::unprocessable(ErrorCode::ConsentRequired, "The form needs this consent ticked.")
                .at(format!("/consents/{missing}"), FieldProblem::NotAllowed),
        );
    }
    Ok(answers)
}

async fn submissions_since(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    column: &str,
    value: &str,
    since: i64,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM form_submissions WHERE brand_id = $1 AND {column} = $2 AND created_at > $3"
    ))
    .bind(brand_id)
    .bind(value)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

fn too_many() -> Error {
    Error::TooMany {
        code: ErrorCode::TooManySubmissions,
        message: "Too many submissions from here in the last hour.".into(),
        retry_after: 600,
    }
}

/// Sends a form.
#[utoipa::path(
    post,
    path = "/api/v1/web/{brand}/forms/{id}/submissions",
    tag = "website",
    params(("brand" = String, Path, description = "The brand's slug"), ("id" = String, Path, description = "The form")),
    request_body = FormSubmission,
    responses(
        (status = 200, body = FormReceipt),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`unknown_brand`, `unknown_form`", body = ErrorBody),
        (status = 422, description = "`form_closed`, `submitted_too_fast`, `field_required`, `invalid_phone`, `invalid_email`, `consent_required`, `invalid_form`, `invalid_anonymous_id`", body = ErrorBody),
        (status = 429, description = "`too_many_submissions`", body = ErrorBody),
    )
)]
pub(super) async fn submit(
    State(state): State<AppState>,
    Path((brand, form_id)): Path<(String, String)>,
    ClientAddress(address): ClientAddress,
    Json(submission): Json<FormSubmission>,
) -> Result<Json<FormReceipt>> {
    let brand = Brand::require_slug(&state.db, &brand).await?;
    let anonymous_id = profiles::parse_anonymous_id(&submission.anonymous_id)?.to_owned();
    let now = state.clock.now_ms();
    let form: Option<(i64, i64, String, String)> =
        sqlx::query_as("SELECT active, version, name, definition FROM web_forms WHERE id = $1 AND brand_id = $2")
            .bind(&form_id)
            .bind(&brand.id)
            .fetch_optional(state.db.read())
            .await?;
    let (active, version, form_name, definition) = form.ok_or_else(super::forms::unknown)?;
    let closed = || {
        Error::unprocessable(
            ErrorCode::FormClosed,
            "This form has changed or closed; reload the page.",
        )
    };
    if active != 1 || version != submission.version {
        return Err(closed());
    }
    let issued = ticket_time(&state, &brand.id, &form_id, submission.ticket.trim()).ok_or_else(closed)?;
    if now.saturating_sub(issued) > TICKET_LIFETIME_MS || issued > now {
        return Err(closed());
    }
    if !submission.website.trim().is_empty() {
        // The field people never see was filled: a bot. It is told it worked, and nothing is kept.
        tracing::info!(form = %form_id, "a form's hidden field was filled; the submission is dropped");
        return Ok(Json(no_reward()));
    }
    if now - issued < FASTEST_MS {
        return Err(Error::unprocessable(
            ErrorCode::SubmittedTooFast,
            "The form was sent less than two seconds after it was handed out.",
        ));
    }
    let form = super::forms::parse_definition(&definition)?;
    let answers = check_answers(&form, &submission)?;
    let address_key = state.qr.sign(&[
        "web-address",
        &brand.id,
        &address.map(|a| a.to_string()).unwrap_or_default(),
    ]);
    let phone_key = answers
        .phone
        .as_deref()
        .map(|p| state.qr.sign(&["web-phone", &brand.id, p]));
    let page: String = submission.page.trim().chars().take(500).collect();
    let lang = if submission.lang == "en" { "en" } else { "vi" };
    let day = super::day_of(now);
    let brand_id = brand.id.clone();
    let receipt = state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let since = now - HOUR_MS;
                if submissions_since(conn, &brand_id, "anonymous_id", &anonymous_id, since).await? >= PER_VISITOR_HOUR
                    || submissions_since(conn, &brand_id, "address_key", &address_key, since).await? >= PER_ADDRESS_HOUR
                {
                    return Err(too_many());
                }
                let profile = profiles::resolve_anonymous(conn, &brand_id, &anonymous_id).await?;
                let mut claims = BTreeMap::new();
                if let Some(phone) = &answers.phone {
                    let claimed = profiles::claim(conn, &brand_id, &profile, ("phone", phone), "web").await?;
                    claims.insert("phone", format!("{claimed:?}").to_lowercase());
                }
                if let Some(email) = &answers.email {
                    let claimed = profiles::claim(conn, &brand_id, &profile, ("email", email), "web").await?;
                    claims.insert("email", format!("{claimed:?}").to_lowercase());
                }
                if let Some(name) = &answers.name {
                    profiles::fill_name(conn, &profile, name, now).await?;
                }
                let mut proofs = Vec::new();
                for c in form
                    .consents
                    .iter()
                    .filter(|c| submission.consents.contains(&c.purpose))
                {
                    let change = ConsentChange {
                        granted: true,
                        wording_version: format!("form:{form_id}:v{version}:{lang}"),
                        source: Some("web".to_owned()),
                    };
                    consent::record_consent(conn, &brand_id, &profile, &c.purpose, &change, "web").await?;
                    let words = if lang == "en" { &c.wording.en } else { &c.wording.vi };
                    proofs.push(json!({ "purpose": c.purpose, "wording": words }));
                }
                let mut receipt = no_reward();
                let mut voucher_id = None;
                let mut points = 0;
                match (&form.reward, &phone_key) {
                    (FormReward::Voucher { reward_id }, Some(key)) => {
                        let source_key = format!("form:{form_id}:{key}");
                        if vouchers::issued_for(conn, &brand_id, &source_key).await?.is_some() {
                            receipt.already_rewarded = true;
                        } else if let Some(reward) = rewards::find(conn, &brand_id, reward_id).await? {
                            let issue = vouchers::Issue {
                                reward: &reward,
                                source_kind: "form",
                                source_key: &source_key,
                                entry_id: None,
                            };
                            let voucher = vouchers::issue(conn, &brand_id, &profile, &issue, now).await?;
                            receipt.voucher_code = Some(voucher.code);
                            voucher_id = Some(voucher.id);
                        }
                    }
                    (FormReward::Points { points: promised }, Some(key)) => {
                        let before: Option<(i64,)> = sqlx::query_as(
                            "SELECT 1 FROM form_submissions WHERE form_id = $1 AND phone_key = $2 AND points > 0",
                        )
                        .bind(&form_id)
                        .bind(key)
                        .fetch_optional(&mut *conn)
                        .await?;
                        if before.is_some() {
                            receipt.already_rewarded = true;
                        } else {
                            points = *promised;
                            receipt.points_on_join = Some(points);
                        }
                    }
                    _ => {}
                }
                let submission_id = new_id();
                sqlx::query(
                    "INSERT INTO form_submissions (id, brand_id, form_id, profile_id, anonymous_id, address_key, \
                     phone_key, voucher_id, points, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&submission_id)
                .bind(&brand_id)
                .bind(&form_id)
                .bind(&profile)
                .bind(&anonymous_id)
                .bind(&address_key)
                .bind(&phone_key)
                .bind(&voucher_id)
                .bind(points)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                super::count(conn, &form_id, &day, "submitted").await?;
                let mut fields = serde_json::Map::new();
                for (key, value) in [
                    ("name", &answers.name),
                    ("phone", &answers.phone),
                    ("email", &answers.email),
                    ("choice", &answers.choice),
                ] {
                    if let Some(v) = value {
                        fields.insert(key.to_owned(), json!(v));
                    }
                }
                let properties = json!({
                    "form_id": form_id, "form_name": form_name, "version": version, "fields": fields,
                    "claims": claims, "consents": proofs, "page": page, "lang": lang,
                    "submission_id": submission_id,
                });
                events::record(
                    conn,
                    &brand_id,
                    &NewEvent {
                        profile_id: &profile,
                        event_type: "form_submitted",
                        occurred_at: now,
                        source: "web",
                        properties: &properties,
                        campaign: &Campaign::default(),
                        idempotency_key: None,
                    },
                )
                .await?;
                Ok(receipt)
            })
        })
        .await?;
    metrics::counter!("cham_web_form_submissions_total").increment(1);
    Ok(Json(receipt))
}
