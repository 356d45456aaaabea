//! The console's lead scoring: read and change how the brand scores its people, and read one person's score.

use app::api::{ErrorBody, ErrorCode, FieldProblem, LeadScore, LeadScoring};
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::rfc3339,
    error::{Error, Json, Result},
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read, save)).routes(routes!(person))
}

fn invalid(pointer: String, problem: FieldProblem, message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidLeadScoring, message).at(pointer, problem)
}

fn points(pointer: String, points: i64) -> Result<()> {
    if points == 0 || !(-1000..=1000).contains(&points) {
        return Err(invalid(
            pointer,
            FieldProblem::Range { min: -1000, max: 1000 },
            "A rule's points are -1,000 to 1,000, and not 0.",
        ));
    }
    Ok(())
}

fn is_event_type(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
}

/// Checks a whole scoring, trimming it.
fn validate(mut s: LeadScoring) -> Result<LeadScoring> {
    if s.half_life_days > 365 {
        return Err(invalid(
            "/half_life_days".into(),
            FieldProblem::Range { min: 0, max: 365 },
            "A half-life is 0 (no fading) to 365 days.",
        ));
    }
    if s.events.len() > 50 || s.attributes.len() > 50 {
        let at = if s.events.len() > 50 { "/events" } else { "/attributes" };
        return Err(invalid(
            at.into(),
            FieldProblem::Count { min: 0, max: 50 },
            "At most 50 rules of each kind.",
        ));
    }
    let mut seen = Vec::new();
    for (i, rule) in s.events.iter_mut().enumerate() {
        rule.event_type = rule.event_type.trim().to_owned();
        if !is_event_type(&rule.event_type) {
            return Err(invalid(
                format!("/events/{i}/event_type"),
                FieldProblem::KeyFormat { max: 64 },
                "An event type is 1 to 64 lower-case letters, digits, `_` or `.`.",
            ));
        }
        if seen.contains(&rule.event_type) {
            return Err(invalid(
                format!("/events/{i}/event_type"),
                FieldProblem::Duplicate,
                "Each event type is scored once.",
            ));
        }
        seen.push(rule.event_type.clone());
        points(format!("/events/{i}/points"), rule.points)?;
    }
    let mut seen = Vec::new();
    for (i, rule) in s.attributes.iter_mut().enumerate() {
        rule.key = rule.key.trim().to_owned();
        rule.equals = rule.equals.trim().to_owned();
        if !profiles::is_attribute_key(&rule.key) {
            return Err(invalid(
                format!("/attributes/{i}/key"),
                FieldProblem::KeyFormat { max: 40 },
                "Name an attribute by its key.",
            ));
        }
        if rule.equals.is_empty() || rule.equals.chars().count() > 200 {
            return Err(invalid(
                format!("/attributes/{i}/equals"),
                FieldProblem::Length { min: 1, max: 200 },
                "An attribute rule names the value it scores.",
            ));
        }
        let pair = (rule.key.clone(), rule.equals.clone());
        if seen.contains(&pair) {
            return Err(invalid(
                format!("/attributes/{i}/equals"),
                FieldProblem::Duplicate,
                "Each attribute value is scored once.",
            ));
        }
        seen.push(pair);
        points(format!("/attributes/{i}/points"), rule.points)?;
    }
    Ok(s)
}

/// How the brand scores its people (nothing scored until it says).
#[utoipa::path(
    get,
    path = "/api/v1/admin/lead-scoring",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = LeadScoring), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn read(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<LeadScoring>> {
    let mut conn = state.db.read().acquire().await?;
    Ok(Json(
        super::settings(&mut conn, &claims.brand).await?.unwrap_or_default(),
    ))
}

/// Changes how the brand scores its people; everyone's score is recomputed by a job.
#[utoipa::path(
    put,
    path = "/api/v1/admin/lead-scoring",
    tag = "admin",
    security(("bearer" = [])),
    request_body = LeadScoring,
    responses(
        (status = 200, body = LeadScoring),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 422, description = "`invalid_lead_scoring` (with the rule)", body = ErrorBody),
    )
)]
async fn save(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<LeadScoring>,
) -> Result<Json<LeadScoring>> {
    let scoring = validate(input)?;
    let now = state.clock.now_ms();
    let rules = serde_json::to_string(&LeadScoring {
        half_life_days: 0,
        ..scoring.clone()
    })
    .map_err(anyhow::Error::from)?;
    let (brand, half_life) = (claims.brand.clone(), i64::from(scoring.half_life_days));
    state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO lead_score_settings (brand_id, half_life_days, rules, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (brand_id) DO UPDATE SET half_life_days = $2, rules = $3, updated_at = $4",
                )
                .bind(&brand)
                .bind(half_life)
                .bind(&rules)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                super::enqueue_rescore(conn, &brand, now).await
            })
        })
        .await?;
    Ok(Json(scoring))
}

/// One person's lead score as last computed.
#[utoipa::path(
    get,
    path = "/api/v1/admin/profiles/{id}/lead-score",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The profile")),
    responses(
        (status = 200, body = LeadScore),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_profile`", body = ErrorBody),
    )
)]
async fn person(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<LeadScore>> {
    let profile = profiles::console_profile(&state.db, &claims.brand, &id).await?;
    let stored = super::stored(&state.db, &profile).await?;
    Ok(Json(LeadScore {
        score: stored.map_or(0, |(s, _)| s),
        computed_at: stored.map(|(_, at)| rfc3339(at)),
    }))
}
