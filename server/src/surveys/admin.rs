//! The console's survey builder and results: questions checked on save (kinds, options, branching that only
//! goes forward, attribute keys, consent wording for a contact), questions frozen once answered, per-question
//! counts, averages and NPS, and every response as CSV.

use app::api::ErrorCode;

use app::api::{
    AnswerCount, ErrorBody, Nps, Question, QuestionKind, QuestionResult, Survey, SurveyInput, SurveyResults,
};
use axum::{
    body::Body,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::StreamExt;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{SURVEY_COLUMNS, SurveyRow, check::validate, find, unknown_survey};
use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{new_id, now_ms, rfc3339},
    error::{Error, Json, Result},
    platform::spreadsheet,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
        .routes(routes!(results))
        .routes(routes!(export))
}

async fn response_count(conn: &mut AnyConnection, survey_id: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1")
        .bind(survey_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

fn to_api(row: SurveyRow, responses: i64) -> Survey {
    Survey {
        input: SurveyInput {
            questions: row.questions(),
            tiers: row.tiers(),
            name: row.name,
            intro: row.intro,
            points: row.points,
            starts_at: row.starts_at.map(rfc3339),
            ends_at: row.ends_at.map(rfc3339),
            active: row.active == 1,
        },
        id: row.id,
        responses,
        created_at: rfc3339(row.created_at),
    }
}

fn json_text<T: serde::Serialize>(value: &T) -> Result<String> {
    Ok(serde_json::to_string(value).map_err(anyhow::Error::from)?)
}

/// Checks a survey form and stores it; its id. The demo brand's survey is built here too.
pub async fn create_survey(conn: &mut AnyConnection, brand_id: &str, input: SurveyInput, now: i64) -> Result<String> {
    let (input, starts_at, ends_at) = validate(conn, brand_id, input).await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO surveys (id, brand_id, name, intro, questions, points, tiers, starts_at, ends_at, active, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(&id)
    .bind(brand_id)
    .bind(&input.name)
    .bind(input.intro.clone())
    .bind(json_text(&input.questions)?)
    .bind(input.points)
    .bind(json_text(&input.tiers)?)
    .bind(starts_at)
    .bind(ends_at)
    .bind(i64::from(input.active))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Every survey of the brand, newest first, with its response count.
#[utoipa::path(
    get,
    path = "/api/v1/admin/surveys",
    tag = "surveys",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Survey>), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<Survey>>> {
    let mut conn = state.db.read().acquire().await?;
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE brand_id = $1 ORDER BY created_at DESC, id DESC");
    let rows: Vec<SurveyRow> = sqlx::query_as(&sql).bind(&claims.brand).fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let n = response_count(&mut conn, &row.id).await?;
        out.push(to_api(row, n));
    }
    Ok(Json(out))
}

/// Creates a survey.
#[utoipa::path(
    post,
    path = "/api/v1/admin/surveys",
    tag = "surveys",
    security(("bearer" = [])),
    request_body = SurveyInput,
    responses(
        (status = 201, body = Survey),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 422, description = "`invalid_survey`, `invalid_time`", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<SurveyInput>,
) -> Result<(StatusCode, Json<Survey>)> {
    let mut tx = state.db.begin().await?;
    let id = create_survey(&mut tx, &claims.brand, input, now_ms()).await?;
    let row = find(&mut tx, &claims.brand, &id).await?.ok_or_else(unknown_survey)?;
    tx.commit().await?;
    tracing::info!(survey = %id, actor = %claims.sub, "survey created");
    Ok((StatusCode::CREATED, Json(to_api(row, 0))))
}

/// Changes a survey. Once it has responses its questions stay as they are (the answers refer to them); its
/// name, introduction, points, audience, window and whether it is active can still change.
#[utoipa::path(
    put,
    path = "/api/v1/admin/surveys/{id}",
    tag = "surveys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id")),
    request_body = SurveyInput,
    responses(
        (status = 200, body = Survey),
        (status = 404, description = "`unknown_survey`", body = ErrorBody),
        (status = 409, description = "`survey_has_responses`", body = ErrorBody),
        (status = 422, description = "`invalid_survey`, `invalid_time`", body = ErrorBody),
    )
)]
async fn update(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<SurveyInput>,
) -> Result<Json<Survey>> {
    let mut tx = state.db.begin().await?;
    let before = find(&mut tx, &claims.brand, &id).await?.ok_or_else(unknown_survey)?;
    let (input, starts_at, ends_at) = validate(&mut tx, &claims.brand, input).await?;
    let responses = response_count(&mut tx, &id).await?;
    if responses > 0 && input.questions != before.questions() {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::SurveyHasResponses,
            "This survey has responses, so its questions can no longer change: make a new survey instead.",
        ));
    }
    sqlx::query(
        "UPDATE surveys SET name = $1, intro = $2, questions = $3, points = $4, tiers = $5, starts_at = $6, \
         ends_at = $7, active = $8, updated_at = $9 WHERE id = $10 AND brand_id = $11",
    )
    .bind(&input.name)
    .bind(input.intro.clone())
    .bind(json_text(&input.questions)?)
    .bind(input.points)
    .bind(json_text(&input.tiers)?)
    .bind(starts_at)
    .bind(ends_at)
    .bind(i64::from(input.active))
    .bind(now_ms())
    .bind(&id)
    .bind(&claims.brand)
    .execute(&mut *tx)
    .await?;
    let row = find(&mut tx, &claims.brand, &id).await?.ok_or_else(unknown_survey)?;
    tx.commit().await?;
    tracing::info!(survey = %id, actor = %claims.sub, "survey changed");
    Ok(Json(to_api(row, responses)))
}

/// How many of the latest text answers the results show.
const LATEST: i64 = 20;

async fn question_result(conn: &mut AnyConnection, survey_id: &str, q: Question) -> Result<QuestionResult> {
    let (answered,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT response_id) FROM survey_answers WHERE survey_id = $1 AND question_id = $2",
    )
    .bind(survey_id)
    .bind(&q.id)
    .fetch_one(&mut *conn)
    .await?;
    let mut result = QuestionResult {
        answered,
        counts: Vec::new(),
        average: None,
        nps: None,
        latest: Vec::new(),
        question: q,
    };
    let q = &result.question;
    let counted: Vec<(String, i64)> = sqlx::query_as(
        "SELECT value, COUNT(*) FROM survey_answers WHERE survey_id = $1 AND question_id = $2 GROUP BY value",
    )
    .bind(survey_id)
    .bind(&q.id)
    .fetch_all(&mut *conn)
    .await?;
    let count_of = |answer: &str| counted.iter().find(|(v, _)| v == answer).map_or(0, |(_, n)| *n);
    if q.kind.has_options() {
        result.counts = q
            .options
            .iter()
            .map(|o| AnswerCount {
                answer: o.clone(),
                count: count_of(o),
            })
            .collect();
    } else if let Some((low, high)) = q.kind.scale() {
        let scale: Vec<(i64, i64)> = (low..=high).map(|v| (v, count_of(&v.to_string()))).collect();
        let total: i64 = scale.iter().map(|(_, n)| n).sum();
        if total > 0 {
            let sum: i64 = scale.iter().map(|(v, n)| v * n).sum();
            result.average = Some((sum as f64 / total as f64 * 100.0).round() / 100.0);
        }
        if q.kind == QuestionKind::Nps {
            result.nps = Nps::of(&scale);
        }
        result.counts = scale
            .into_iter()
            .map(|(v, count)| AnswerCount {
                answer: v.to_string(),
                count,
            })
            .collect();
    } else if !q.kind.is_contact() {
        // Contacts are personal data: counted here, listed only in the export.
        let latest: Vec<(String,)> = sqlx::query_as(
            "SELECT value FROM survey_answers WHERE survey_id = $1 AND question_id = $2 \
             ORDER BY created_at DESC, response_id DESC LIMIT $3",
        )
        .bind(survey_id)
        .bind(&q.id)
        .bind(LATEST)
        .fetch_all(&mut *conn)
        .await?;
        result.latest = latest.into_iter().map(|(v,)| v).collect();
    }
    Ok(result)
}

/// A survey's results: responses, and per question how many answered, the count of each option or number,
/// the mean of a scale, the NPS, and the latest text answers.
#[utoipa::path(
    get,
    path = "/api/v1/admin/surveys/{id}/results",
    tag = "surveys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id")),
    responses((status = 200, body = SurveyResults), (status = 404, description = "`unknown_survey`", body = ErrorBody))
)]
async fn results(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<SurveyResults>> {
    let mut conn = state.db.read().acquire().await?;
    let row = find(&mut conn, &claims.brand, &id).await?.ok_or_else(unknown_survey)?;
    let responses = response_count(&mut conn, &id).await?;
    let mut questions = Vec::new();
    for q in row.questions() {
        questions.push(question_result(&mut conn, &id, q).await?);
    }
    Ok(Json(SurveyResults {
        survey: to_api(row, responses),
        questions,
    }))
}

/// Every response as CSV, headed in the admin's language: response id, submitted at (Vietnam's time), profile id, points, then one column per question (options
/// joined with `; `), streamed page by page.
#[utoipa::path(
    get,
    path = "/api/v1/admin/surveys/{id}/responses.csv",
    tag = "surveys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Survey id"), spreadsheet::CsvLanguage),
    responses((status = 200, content_type = "text/csv"), (status = 404, description = "`unknown_survey`", body = ErrorBody))
)]
async fn export(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Query(lang): Query<spreadsheet::CsvLanguage>,
) -> Result<Response> {
    let mut conn = state.db.read().acquire().await?;
    let row = find(&mut conn, &claims.brand, &id).await?.ok_or_else(unknown_survey)?;
    drop(conn);
    let questions = row.questions();
    let submitted = format!(
        "{} ({})",
        lang.pick(("thời điểm gửi", "submitted_at")),
        lang.pick(spreadsheet::TIME_ZONE_NOTE)
    );
    let mut head: Vec<String> = vec![
        lang.pick(("mã phản hồi", "response_id")).to_owned(),
        submitted,
        lang.pick(("mã khách hàng", "profile_id")).to_owned(),
        lang.pick(("điểm", "points")).to_owned(),
    ];
    head.extend(
        questions
            .iter()
            .map(|q| spreadsheet::cell(&format!("{}. {}", &q.id[1..], q.title))),
    );
    let header = futures::stream::once(async move {
        Ok::<_, std::io::Error>(format!("{}{}", spreadsheet::BOM, spreadsheet::line(&head)))
    });
    let db = state.db.clone();
    let pages = futures::stream::unfold(Some((0i64, String::new())), move |after| {
        let (db, id, questions) = (db.clone(), id.clone(), questions.clone());
        async move {
            let (at, last_id) = after?;
            let rows: Vec<(String, i64, String, i64, String)> = sqlx::query_as(
                "SELECT id, created_at, profile_id, points, answers FROM survey_responses WHERE survey_id = $1 \
                 AND (created_at > $2 OR (created_at = $2 AND id > $3)) ORDER BY created_at, id LIMIT 1000",
            )
            .bind(&id)
            .bind(at)
            .bind(&last_id)
            .fetch_all(db.read())
            .await
            .ok()?;
            let next = rows.last().map(|r| (r.1, r.0.clone()))?;
            let text: String = rows
                .iter()
                .map(|(rid, created, profile, points, answers)| {
                    let answers: Vec<app::api::Answer> = serde_json::from_str(answers).unwrap_or_default();
                    let mut fields = vec![
                        rid.clone(),
                        spreadsheet::vn_time(*created),
                        profile.clone(),
                        points.to_string(),
                    ];
                    fields.extend(questions.iter().map(|q| {
                        answers
                            .iter()
                            .find(|a| a.question == q.id)
                            .map(|a| spreadsheet::cell(&a.value.display()))
                            .unwrap_or_default()
                    }));
                    spreadsheet::line(&fields)
                })
                .collect();
            Some((Ok(text), Some(next)))
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"survey-responses.csv\"",
            ),
        ],
        Body::from_stream(header.chain(pages)),
    )
        .into_response())
}
