//! Surveys: a member answers once; the server checks the response against the survey (the same checks the mini
//! app runs per step), saves it with one row per answer for the results, copies mapped answers to profile
//! attributes, attaches a captured phone or e-mail as unverified with the consent ticked for it, pays the
//! survey's points through the ledger and records `survey_completed` (which earning rules may also pay for),
//! all in one transaction.

pub mod admin;
mod check;

use app::api::ErrorCode;
use app::api::{
    Answer, AnswerProblem, AnswerValue, ErrorBody, MemberSurvey, Question, QuestionKind, ResponseReceipt,
    ResponseRequest, check_response,
};
use app::domain::{Email, Phone};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Path;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    db::{new_id, now_ms, rfc3339},
    error::{Error, Json, Result},
    events::{self, Campaign, NewEvent},
    loyalty::{
        config,
        ledger::{self, Credit, Kind, Source},
        member,
    },
    privacy::consent::record_consent,
    profiles,
};

/// The surveys routes: the member's surveys and responses, and the console's builder and results.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(member_surveys))
        .routes(routes!(respond))
        .merge(admin::router())
}

/// A survey as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct SurveyRow {
    pub id: String,
    pub name: String,
    pub intro: Option<String>,
    pub questions: String,
    pub points: i64,
    pub tiers: String,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub active: i64,
    pub created_at: i64,
}

pub(crate) const SURVEY_COLUMNS: &str =
    "id, name, intro, questions, points, tiers, starts_at, ends_at, active, created_at";

impl SurveyRow {
    pub(crate) fn open_at(&self, now: i64) -> bool {
        self.active == 1 && self.starts_at.is_none_or(|s| s <= now) && self.ends_at.is_none_or(|e| now < e)
    }

    pub(crate) fn questions(&self) -> Vec<Question> {
        serde_json::from_str(&self.questions).unwrap_or_default()
    }

    pub(crate) fn tiers(&self) -> Vec<String> {
        serde_json::from_str(&self.tiers).unwrap_or_default()
    }

    /// Whether a member in `tier` (their effective tier, if the brand has tiers) may answer.
    fn admits(&self, tier: Option<&str>) -> bool {
        let tiers = self.tiers();
        tiers.is_empty() || tier.is_some_and(|t| tiers.iter().any(|x| x == t))
    }
}

pub(crate) async fn find(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Option<SurveyRow>> {
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1 AND brand_id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .bind(brand_id)
        .fetch_optional(&mut *conn)
        .await?)
}

pub(crate) fn unknown_survey() -> Error {
    Error::not_found(ErrorCode::UnknownSurvey, "There is no such survey.")
}

/// The member's effective tier id, without locking anything.
async fn member_tier(conn: &mut AnyConnection, brand_id: &str, profile_id: &str) -> Result<Option<String>> {
    let config = config::get(conn, brand_id).await?;
    let reached = member::reached_tier(conn, profile_id).await?;
    Ok(config.effective_tier(reached.as_deref()).map(|t| t.id.clone()))
}

/// Moves a merged-away profile's responses onto the survivor, inside the merge's transaction; a survey both
/// answered keeps the survivor's response (the other stays with the merged-away profile, as history).
pub async fn merge_responses(conn: &mut AnyConnection, brand_id: &str, from: &str, into: &str) -> Result<()> {
    sqlx::query(
        "UPDATE survey_responses SET profile_id = $1 WHERE profile_id = $2 AND brand_id = $3 AND NOT EXISTS ( \
           SELECT 1 FROM survey_responses s WHERE s.profile_id = $1 AND s.survey_id = survey_responses.survey_id)",
    )
    .bind(into)
    .bind(from)
    .bind(brand_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The brand's surveys open now to the signed-in member (their tier is in the audience), answered or not.
#[utoipa::path(
    get,
    path = "/api/v1/surveys",
    tag = "surveys",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<MemberSurvey>), (status = 401, body = ErrorBody))
)]
async fn member_surveys(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
) -> Result<Json<Vec<MemberSurvey>>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let now = now_ms();
    let mut conn = state.db.read().acquire().await?;
    let tier = member_tier(&mut conn, &claims.brand, &profile).await?;
    let sql =
        format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE brand_id = $1 AND active = 1 ORDER BY created_at DESC, id");
    let rows: Vec<SurveyRow> = sqlx::query_as(&sql).bind(&claims.brand).fetch_all(&mut *conn).await?;
    let answered: Vec<(String,)> = sqlx::query_as("SELECT survey_id FROM survey_responses WHERE profile_id = $1")
        .bind(&profile)
        .fetch_all(&mut *conn)
        .await?;
    let mut out: Vec<MemberSurvey> = rows
        .into_iter()
        .filter(|s| s.open_at(now) && s.admits(tier.as_deref()))
        .map(|s| MemberSurvey {
            answered: answered.iter().any(|(id,)| *id == s.id),
            questions: s.questions(),
            id: s.id,
            name: s.name,
            intro: s.intro,
            points: s.points,
            ends_at: s.ends_at.map(rfc3339),
        })
        .collect();
    // Those still to answer first.
    out.sort_by_key(|s| s.answered);
    Ok(Json(out))
}

fn problem(p: AnswerProblem) -> Error {
    Error::unprocessable(p.code, p.message)
}

/// Submits the member's response to a survey: checked whole, saved once, attributes and contacts written, the
/// points paid and `survey_completed` recorded, all or nothing. A second response is refused.
#[utoipa::path(
    post,
    path = "/api/v1/surveys/{id}/responses",
    tag = "surveys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id")),
    request_body = ResponseRequest,
    responses(
        (status = 201, body = ResponseReceipt),
        (status = 403, description = "`not_in_audience`", body = ErrorBody),
        (status = 404, description = "`unknown_survey`", body = ErrorBody),
        (status = 409, description = "`already_answered`, `survey_closed`", body = ErrorBody),
        (status = 422, description = "`answer_required`, `invalid_answer`, `consent_required`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(profile = %claims.sub, survey = %id))]
async fn respond(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Path(id): Path<String>,
    Json(req): Json<ResponseRequest>,
) -> Result<(StatusCode, Json<ResponseReceipt>)> {
    if req.answers.len() > 100 {
        return Err(Error::unprocessable(
            ErrorCode::InvalidAnswer,
            "A response has at most 100 answers.",
        ));
    }
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let brand = claims.brand;
    let receipt = state
        .db
        .transact(move |conn| Box::pin(async move { run_response(conn, &brand, &profile, &id, &req.answers).await }))
        .await?;
    metrics::counter!("cham_survey_responses_total").increment(1);
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// An answer as a typed profile attribute: `(type, JSON text)`.
fn attribute_value(kind: QuestionKind, value: &AnswerValue) -> (&'static str, String) {
    match (kind, value) {
        (_, AnswerValue::Number(n)) => ("number", n.to_string()),
        (QuestionKind::Date, AnswerValue::Text(t)) => ("date", serde_json::Value::from(t.trim()).to_string()),
        (_, v) => {
            let text: String = v.display().chars().take(500).collect();
            ("string", serde_json::Value::from(text).to_string())
        }
    }
}

/// The consent purpose a contact question grants: the configured one, else ZNS for a phone and e-mail
/// marketing for an e-mail.
pub(crate) fn consent_purpose(q: &Question) -> &str {
    match (&q.consent_purpose, q.kind) {
        (Some(p), _) => p,
        (None, QuestionKind::Email) => "marketing_email",
        (None, _) => "marketing_zns",
    }
}

async fn run_response(
    conn: &mut AnyConnection,
    brand: &str,
    profile: &str,
    survey_id: &str,
    answers: &[Answer],
) -> Result<ResponseReceipt> {
    let now = now_ms();
    let survey = find(conn, brand, survey_id).await?.ok_or_else(unknown_survey)?;
    // The member's account row serialises their submissions on PostgreSQL; the unique constraint backs it up.
    let account = ledger::lock(conn, brand, profile, now).await?;
    let (done,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1 AND profile_id = $2")
            .bind(&survey.id)
            .bind(profile)
            .fetch_one(&mut *conn)
            .await?;
    if done > 0 {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::AlreadyAnswered,
            "You have already answered this survey: thank you!",
        ));
    }
    if !survey.open_at(now) {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::SurveyClosed,
            "This survey is not open right now.",
        ));
    }
    let config = config::get(conn, brand).await?;
    let tier = config.effective_tier(account.tier_id.as_deref()).map(|t| t.id.as_str());
    if !survey.admits(tier) {
        return Err(Error::forbidden(
            ErrorCode::NotInAudience,
            "This survey is for members of other tiers.",
        ));
    }
    let questions = survey.questions();
    let path = check_response(&questions, answers).map_err(problem)?;

    let response_id = new_id();
    let stored: Vec<Answer> = path
        .iter()
        .map(|(i, a)| Answer {
            value: match &a.value {
                AnswerValue::Text(t) => AnswerValue::Text(normalised(questions[*i].kind, t)),
                v => v.clone(),
            },
            ..(*a).clone()
        })
        .collect();
    sqlx::query(
        "INSERT INTO survey_responses (id, brand_id, survey_id, profile_id, answers, points, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6)",
    )
    .bind(&response_id)
    .bind(brand)
    .bind(&survey.id)
    .bind(profile)
    .bind(serde_json::to_string(&stored).map_err(anyhow::Error::from)?)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for (index, answer) in &path {
        let q = &questions[*index];
        let values: Vec<String> = match &answer.value {
            AnswerValue::Choices(c) => c.clone(),
            AnswerValue::Number(n) => vec![n.to_string()],
            AnswerValue::Text(t) => vec![normalised(q.kind, t)],
        };
        let number = match answer.value {
            AnswerValue::Number(n) => Some(n),
            _ => None,
        };
        for value in values {
            sqlx::query(
                "INSERT INTO survey_answers (response_id, survey_id, question_id, value, number, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&response_id)
            .bind(&survey.id)
            .bind(&q.id)
            .bind(value)
            .bind(number)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        if let Some(key) = &q.attribute {
            let (value_type, text) = attribute_value(q.kind, &answer.value);
            sqlx::query("DELETE FROM profile_attributes WHERE profile_id = $1 AND key = $2")
                .bind(profile)
                .bind(key)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO profile_attributes (brand_id, profile_id, key, value_type, value, source, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 'survey', $6)",
            )
            .bind(brand)
            .bind(profile)
            .bind(key)
            .bind(value_type)
            .bind(text)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        if q.kind.is_contact() {
            let AnswerValue::Text(raw) = &answer.value else {
                continue;
            };
            let kind = if q.kind == QuestionKind::Phone {
                "phone"
            } else {
                "email"
            };
            profiles::claim(conn, brand, profile, (kind, &normalised(q.kind, raw)), "survey").await?;
            let change = app::api::ConsentChange {
                granted: true,
                wording_version: format!("survey:{}:{}", survey.id, q.id),
                source: None,
            };
            record_consent(conn, brand, profile, consent_purpose(q), &change, "survey").await?;
        }
    }

    let mut points = 0;
    let key = format!("survey:{}:member:{profile}", survey.id);
    if survey.points > 0 {
        let credit = Credit {
            kind: Kind::Earn,
            points: survey.points,
            available_at: now,
            expires_at: None,
            rule_id: None,
            source: Source {
                kind: "survey",
                reference: &response_id,
                key: &key,
                label: Some(&survey.name),
                reason: None,
                actor: "server",
            },
        };
        if ledger::credit(conn, brand, profile, &credit, now).await?.is_some() {
            points += survey.points;
        }
    }
    let properties = serde_json::json!({
        "survey_id": survey.id,
        "survey": survey.name,
        "response_id": response_id,
        "answered": path.len(),
    });
    let event = events::record(
        conn,
        brand,
        &NewEvent {
            profile_id: profile,
            event_type: "survey_completed",
            occurred_at: now,
            source: "server",
            properties: &properties,
            campaign: &Campaign::default(),
            idempotency_key: None,
        },
    )
    .await?;
    let (by_rules,): (Option<i64>,) = sqlx::query_as(
        "SELECT CAST(SUM(points) AS BIGINT) FROM points_entries WHERE profile_id = $1 AND source_kind = 'event' AND source_ref = $2",
    )
    .bind(profile)
    .bind(&event.id)
    .fetch_one(&mut *conn)
    .await?;
    points += by_rules.unwrap_or(0);
    sqlx::query("UPDATE survey_responses SET points = $1 WHERE id = $2")
        .bind(points)
        .bind(&response_id)
        .execute(&mut *conn)
        .await?;
    Ok(ResponseReceipt {
        id: response_id,
        survey_id: survey.id,
        points,
        submitted_at: rfc3339(now),
    })
}

/// A text answer as stored: trimmed, and a phone or an e-mail in its canonical form (already checked).
fn normalised(kind: QuestionKind, text: &str) -> String {
    match kind {
        QuestionKind::Phone => Phone::parse(text).map_or_else(|_| text.trim().to_owned(), |p| p.as_str().to_owned()),
        QuestionKind::Email => Email::parse(text).map_or_else(|_| text.trim().to_owned(), |e| e.as_str().to_owned()),
        _ => text.trim().to_owned(),
    }
}

/// The member's responses for a data export: each survey's name, when, and each question with its answer.
pub async fn export_responses(conn: &mut AnyConnection, profile_id: &str) -> Result<Vec<app::api::ExportedResponse>> {
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT s.name, s.questions, r.created_at, r.answers FROM survey_responses r JOIN surveys s ON s.id = r.survey_id \
         WHERE r.profile_id = $1 ORDER BY r.created_at, r.id",
    )
    .bind(profile_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(survey, questions, at, answers)| {
            let questions: Vec<Question> = serde_json::from_str(&questions).unwrap_or_default();
            let answers: Vec<Answer> = serde_json::from_str(&answers).unwrap_or_default();
            app::api::ExportedResponse {
                survey,
                submitted_at: rfc3339(at),
                answers: answers
                    .into_iter()
                    .map(|a| {
                        let title = questions
                            .iter()
                            .find(|q| q.id == a.question)
                            .map_or_else(|| a.question.clone(), |q| q.title.clone());
                        (title, a.value.display())
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Erases what a person wrote in surveys, inside the erasure's transaction: free text, dates and contacts go;
/// choices and scores stay (they identify no one), so the surveys' results still add up.
pub async fn erase_answers(conn: &mut AnyConnection, profile_id: &str) -> Result<()> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT r.id, s.questions, r.answers FROM survey_responses r JOIN surveys s ON s.id = r.survey_id \
         WHERE r.profile_id = $1",
    )
    .bind(profile_id)
    .fetch_all(&mut *conn)
    .await?;
    for (response_id, questions, answers) in rows {
        let questions: Vec<Question> = serde_json::from_str(&questions).unwrap_or_default();
        let personal = |id: &str| {
            questions
                .iter()
                .find(|q| q.id == id)
                .is_none_or(|q| !(q.kind.has_options() || q.kind.scale().is_some()))
        };
        let mut kept: Vec<Answer> = serde_json::from_str(&answers).unwrap_or_default();
        kept.retain(|a| !personal(&a.question));
        for q in questions.iter().filter(|q| personal(&q.id)) {
            sqlx::query("DELETE FROM survey_answers WHERE response_id = $1 AND question_id = $2")
                .bind(&response_id)
                .bind(&q.id)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("UPDATE survey_responses SET answers = $1 WHERE id = $2")
            .bind(serde_json::to_string(&kept).map_err(anyhow::Error::from)?)
            .bind(&response_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Surveys' part of a merge (the responses move, so a person has answered once), of a data export (the
/// responses) and of an erasure (what the person wrote goes; choices and scores stay for the results).
pub fn hooks() -> crate::profiles::hooks::AreaHooks {
    crate::profiles::hooks::AreaHooks {
        area: "surveys",
        merge: Some(|conn, brand_id, from, into| Box::pin(merge_responses(conn, brand_id, from, into))),
        export: Some(|conn, _brand_id, profile_id, export| {
            Box::pin(async move {
                export.survey_responses = export_responses(conn, profile_id).await?;
                Ok(())
            })
        }),
        erase: Some(|conn, _brand_id, profile_id| Box::pin(erase_answers(conn, profile_id))),
        summary: None,
    }
}
