//! The console's game builder and live stats: prizes with their shares (adding up to at most 100%, the rest
//! being "no prize"), budgets, a fallback, a schedule and plays per day.

use app::api::{ErrorBody, Game, GameInput, GameKind, Prize, PrizeInput, PrizeKind};
use app::api::{ErrorCode, FieldProblem};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{GAME_COLUMNS, GameRow, PrizeRow, draw, prizes};
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{new_id, now_ms, rfc3339},
    error::{Error, Json, Result},
    loyalty::{rewards, rules::parse_time, time},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
}

/// Events that may earn an extra play.
const EXTRA_PLAY_EVENTS: &[&str] = &[
    "checked_in",
    "order_paid",
    "offline_purchase",
    "survey_completed",
    "followed_oa",
];

/// `invalid_game` about the field at `pointer`.
fn invalid(pointer: impl Into<String>, problem: FieldProblem, message: impl Into<String>) -> Error {
    Error::unprocessable(ErrorCode::InvalidGame, message).at(pointer, problem)
}

/// Checks a game form; every refusal is `invalid_game` (or `invalid_time`, `unknown_reward`) saying what to fix.
async fn validate(
    conn: &mut AnyConnection,
    brand_id: &str,
    mut input: GameInput,
) -> Result<(GameInput, Option<i64>, Option<i64>)> {
    input.name = input.name.trim().to_owned();
    if input.name.is_empty() || input.name.chars().count() > 120 {
        return Err(invalid(
            "/name",
            FieldProblem::Length { min: 1, max: 120 },
            "A game needs a name of at most 120 characters.",
        ));
    }
    if !(0..=100).contains(&input.plays_per_day) {
        return Err(invalid(
            "/plays_per_day",
            FieldProblem::Range { min: 0, max: 100 },
            "Plays per day must be between 0 and 100.",
        ));
    }
    if let Some((i, e)) = input
        .extra_play_events
        .iter()
        .enumerate()
        .find(|(_, e)| !EXTRA_PLAY_EVENTS.contains(&e.as_str()))
    {
        return Err(invalid(
            format!("/extra_play_events/{i}"),
            FieldProblem::NotAllowed,
            format!(
                "`{e}` cannot earn a play; choose among {}.",
                EXTRA_PLAY_EVENTS.join(", ")
            ),
        ));
    }
    if input.prizes.is_empty() || input.prizes.len() > 12 {
        return Err(invalid(
            "/prizes",
            FieldProblem::Count { min: 1, max: 12 },
            "A game needs 1 to 12 prizes.",
        ));
    }
    let mut total = 0;
    for (i, p) in input.prizes.iter_mut().enumerate() {
        let n = i + 1;
        p.label = p.label.trim().to_owned();
        if p.label.is_empty() || p.label.chars().count() > 60 {
            return Err(invalid(
                format!("/prizes/{i}/label"),
                FieldProblem::Length { min: 1, max: 60 },
                format!("Prize {n} needs a label of at most 60 characters."),
            ));
        }
        if !(0..=i64::from(draw::ROLLS)).contains(&p.share_bp) {
            return Err(invalid(
                format!("/prizes/{i}/share_bp"),
                FieldProblem::Chance,
                format!("Prize {n}'s chance must be between 0% and 100%."),
            ));
        }
        total += p.share_bp;
        for (key, budget) in [("budget_total", p.budget_total), ("budget_daily", p.budget_daily)] {
            if budget.is_some_and(|b| b < 0) {
                return Err(invalid(
                    format!("/prizes/{i}/{key}"),
                    FieldProblem::Range { min: 0, max: i64::MAX },
                    format!("Prize {n}'s budgets cannot be negative."),
                ));
            }
        }
        match p.kind {
            PrizeKind::Points => {
                if !p.points.is_some_and(|x| (1..=1_000_000).contains(&x)) {
                    return Err(invalid(
                        format!("/prizes/{i}/points"),
                        FieldProblem::Range { min: 1, max: 1_000_000 },
                        format!("Prize {n} gives points: say how many (1 to 1,000,000)."),
                    ));
                }
                p.reward_id = None;
            }
            PrizeKind::Voucher => {
                let id = p.reward_id.clone().unwrap_or_default();
                if rewards::find(conn, brand_id, &id).await?.is_none() {
                    return Err(rewards::unknown_reward().at(format!("/prizes/{i}/reward_id"), FieldProblem::Unknown));
                }
                p.points = None;
            }
            PrizeKind::Gift | PrizeKind::Nothing => {
                p.points = None;
                p.reward_id = None;
            }
        }
    }
    if total > i64::from(draw::ROLLS) {
        return Err(invalid(
            "/prizes",
            FieldProblem::SharesOver { total_bp: total },
            format!(
                "The prizes' chances add up to {}.{:02}%: they must add up to at most 100% (the rest is \"no prize\").",
                total / 100,
                total % 100
            ),
        ));
    }
    if input.fallback_prize.is_some_and(|f| f >= input.prizes.len()) {
        return Err(invalid(
            "/fallback_prize",
            FieldProblem::Unknown,
            "The fallback must be one of the game's prizes.",
        ));
    }
    let starts_at = parse_time("starts_at", input.starts_at.as_deref())?;
    let ends_at = parse_time("ends_at", input.ends_at.as_deref())?;
    if let (Some(s), Some(e)) = (starts_at, ends_at)
        && e <= s
    {
        return Err(invalid(
            "/ends_at",
            FieldProblem::EndsBeforeStart,
            "The game must end after it starts.",
        ));
    }
    Ok((input, starts_at, ends_at))
}

async fn to_api(conn: &mut AnyConnection, game: GameRow, now: i64) -> Result<Game> {
    let rows: Vec<PrizeRow> = prizes(conn, &game.id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        let (today_plays,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM game_plays WHERE prize_id = $1 AND day = $2")
            .bind(&p.id)
            .bind(time::day_start(now))
            .fetch_one(&mut *conn)
            .await?;
        out.push(Prize {
            id: p.id,
            input: PrizeInput {
                label: p.label,
                kind: PrizeKind::parse(&p.kind).unwrap_or(PrizeKind::Nothing),
                points: p.points,
                reward_id: p.reward_id,
                share_bp: p.share_bp,
                budget_total: p.budget_total,
                budget_daily: p.budget_daily,
            },
            given: p.given,
            given_today: today_plays,
        });
    }
    let (plays,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM game_plays WHERE game_id = $1")
        .bind(&game.id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Game {
        extra_play_events: game.extra_events(),
        id: game.id,
        name: game.name,
        kind: GameKind::parse(&game.kind).unwrap_or(GameKind::Wheel),
        plays_per_day: game.plays_per_day,
        prizes: out,
        fallback_prize_id: game.fallback_prize_id,
        starts_at: game.starts_at.map(rfc3339),
        ends_at: game.ends_at.map(rfc3339),
        active: game.active == 1,
        plays,
    })
}

async fn insert_prize(
    conn: &mut AnyConnection,
    game_id: &str,
    position: i64,
    p: &PrizeInput,
    prize_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO game_prizes (id, game_id, position, label, kind, points, reward_id, share_bp, budget_total, \
         budget_daily, given) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
    )
    .bind(prize_id)
    .bind(game_id)
    .bind(position)
    .bind(&p.label)
    .bind(p.kind.as_str())
    .bind(p.points)
    .bind(p.reward_id.clone())
    .bind(p.share_bp)
    .bind(p.budget_total)
    .bind(p.budget_daily)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Checks a game form and stores the game with its prizes; its id. The demo brand's wheel is built here too.
pub async fn create_game(conn: &mut AnyConnection, brand_id: &str, input: GameInput, now: i64) -> Result<String> {
    let (input, starts_at, ends_at) = validate(conn, brand_id, input).await?;
    let id = new_id();
    let prize_ids: Vec<String> = input.prizes.iter().map(|_| new_id()).collect();
    sqlx::query(
        "INSERT INTO games (id, brand_id, name, kind, plays_per_day, extra_play_events, fallback_prize_id, starts_at, \
         ends_at, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(&id)
    .bind(brand_id)
    .bind(&input.name)
    .bind(input.kind.as_str())
    .bind(input.plays_per_day)
    .bind(serde_json::to_string(&input.extra_play_events).unwrap_or_else(|_| "[]".into()))
    .bind(input.fallback_prize.map(|i| prize_ids[i].clone()))
    .bind(starts_at)
    .bind(ends_at)
    .bind(i64::from(input.active))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for (position, (p, prize_id)) in input.prizes.iter().zip(&prize_ids).enumerate() {
        insert_prize(conn, &id, i64::try_from(position).unwrap_or(0), p, prize_id).await?;
    }
    Ok(id)
}

/// Every game of the brand with its live stats (plays, each prize given in all and today against its budget).
#[utoipa::path(
    get,
    path = "/api/v1/admin/games",
    tag = "games",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Game>), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<Game>>> {
    let mut conn = state.db.read().acquire().await?;
    let sql = format!("SELECT {GAME_COLUMNS} FROM games WHERE brand_id = $1 ORDER BY created_at DESC, id DESC");
    let rows: Vec<GameRow> = sqlx::query_as(&sql).bind(&claims.brand).fetch_all(&mut *conn).await?;
    let now = now_ms();
    let mut games = Vec::with_capacity(rows.len());
    for row in rows {
        games.push(to_api(&mut conn, row, now).await?);
    }
    Ok(Json(games))
}

/// Creates a game with its prizes.
#[utoipa::path(
    post,
    path = "/api/v1/admin/games",
    tag = "games",
    security(("bearer" = [])),
    request_body = GameInput,
    responses(
        (status = 201, body = Game),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_reward`", body = ErrorBody),
        (status = 422, description = "`invalid_game`, `invalid_time`", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<GameInput>,
) -> Result<(StatusCode, Json<Game>)> {
    let mut tx = state.db.begin().await?;
    let now = now_ms();
    let id = create_game(&mut tx, &claims.brand, input, now).await?;
    let row = super::find_game(&mut tx, &claims.brand, &id)
        .await?
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownGame, "There is no such game."))?;
    let game = to_api(&mut tx, row, now).await?;
    tx.commit().await?;
    tracing::info!(game = %id, actor = %claims.sub, "game created");
    Ok((StatusCode::CREATED, Json(game)))
}

/// Changes a game in place: its settings, and its prizes by position (a prize keeps its id, what it has given
/// and its plays). A prize can be dropped only if it was never given, and a total budget cannot go below what
/// is given already; added prizes start at zero.
async fn update_game(conn: &mut AnyConnection, brand_id: &str, id: &str, input: GameInput, now: i64) -> Result<()> {
    super::find_game(conn, brand_id, id)
        .await?
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownGame, "There is no such game."))?;
    let (input, starts_at, ends_at) = validate(conn, brand_id, input).await?;
    let existing = prizes(conn, id).await?;
    for (i, p) in existing.iter().enumerate() {
        let n = i + 1;
        match input.prizes.get(i) {
            None if p.given > 0 => {
                return Err(invalid(
                    "/prizes",
                    FieldProblem::PrizeGiven {
                        prize: u32::try_from(n).unwrap_or(u32::MAX),
                        times: p.given,
                    },
                    format!(
                        "Prize {n} has been given {} times and cannot be removed: set its chance to 0% instead.",
                        p.given
                    ),
                ));
            }
            Some(new) if new.budget_total.is_some_and(|b| b < p.given) => {
                return Err(invalid(
                    format!("/prizes/{i}/budget_total"),
                    FieldProblem::Range {
                        min: p.given,
                        max: i64::MAX,
                    },
                    format!(
                        "Prize {n} has been given {} times already: its total budget cannot be lower.",
                        p.given
                    ),
                ));
            }
            _ => {}
        }
    }
    let mut prize_ids = Vec::with_capacity(input.prizes.len());
    for (position, p) in input.prizes.iter().enumerate() {
        let position_i64 = i64::try_from(position).unwrap_or(0);
        if let Some(old) = existing.get(position) {
            sqlx::query(
                "UPDATE game_prizes SET label = $1, kind = $2, points = $3, reward_id = $4, share_bp = $5, \
                 budget_total = $6, budget_daily = $7 WHERE id = $8",
            )
            .bind(&p.label)
            .bind(p.kind.as_str())
            .bind(p.points)
            .bind(p.reward_id.clone())
            .bind(p.share_bp)
            .bind(p.budget_total)
            .bind(p.budget_daily)
            .bind(&old.id)
            .execute(&mut *conn)
            .await?;
            prize_ids.push(old.id.clone());
        } else {
            let prize_id = new_id();
            insert_prize(conn, id, position_i64, p, &prize_id).await?;
            prize_ids.push(prize_id);
        }
    }
    for old in existing.iter().skip(input.prizes.len()) {
        sqlx::query("DELETE FROM game_prize_days WHERE prize_id = $1")
            .bind(&old.id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM game_prizes WHERE id = $1")
            .bind(&old.id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "UPDATE games SET name = $1, kind = $2, plays_per_day = $3, extra_play_events = $4, fallback_prize_id = $5, \
         starts_at = $6, ends_at = $7, active = $8, updated_at = $9 WHERE id = $10 AND brand_id = $11",
    )
    .bind(&input.name)
    .bind(input.kind.as_str())
    .bind(input.plays_per_day)
    .bind(serde_json::to_string(&input.extra_play_events).unwrap_or_else(|_| "[]".into()))
    .bind(input.fallback_prize.map(|i| prize_ids[i].clone()))
    .bind(starts_at)
    .bind(ends_at)
    .bind(i64::from(input.active))
    .bind(now)
    .bind(id)
    .bind(brand_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Changes a game: settings and prizes (by position), keeping what each prize has given.
#[utoipa::path(
    put,
    path = "/api/v1/admin/games/{id}",
    tag = "games",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Game id")),
    request_body = GameInput,
    responses(
        (status = 200, body = Game),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_game`, `unknown_reward`", body = ErrorBody),
        (status = 422, description = "`invalid_game`, `invalid_time`", body = ErrorBody),
    )
)]
async fn update(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<GameInput>,
) -> Result<Json<Game>> {
    let mut tx = state.db.begin().await?;
    let now = now_ms();
    update_game(&mut tx, &claims.brand, &id, input, now).await?;
    let row = super::find_game(&mut tx, &claims.brand, &id)
        .await?
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownGame, "There is no such game."))?;
    let game = to_api(&mut tx, row, now).await?;
    tx.commit().await?;
    tracing::info!(game = %id, actor = %claims.sub, "game changed");
    Ok(Json(game))
}
