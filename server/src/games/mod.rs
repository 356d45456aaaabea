//! Mini-games: a lucky wheel and a scratch card, two presentations of one server-side draw. The server rolls
//! with the operating system's secure generator, takes the prize from its budgets (total and per day) in the
//! play's transaction, pays it through the ledger or the voucher path, and records the play before the app
//! animates it: the app only shows what was recorded.

pub mod admin;
mod budget;
pub mod draw;
pub mod gifts;
mod person;
mod play;
mod quota;

pub use person::{export_plays, hooks, merge_plays};

use app::api::ErrorCode;
use app::api::{ErrorBody, MemberGame, PrizeKind, Segment};
use axum::extract::State;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    auth::extract::CustomerAuth,
    db::{now_ms, rfc3339},
    error::{Error, Json, Result},
    profiles,
};

/// What the "no prize" segment says to an API client; the mini app shows it in the member's language.
const NOTHING_LABEL: &str = "Chúc may mắn lần sau";

/// The games routes: the member's games and plays, and the console's builder and stats.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(member_games))
        .routes(routes!(play::play))
        .merge(admin::router())
        .merge(gifts::router())
}

/// A game as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct GameRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub plays_per_day: i64,
    pub extra_play_events: String,
    pub fallback_prize_id: Option<String>,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub active: i64,
}

pub(crate) const GAME_COLUMNS: &str =
    "id, name, kind, plays_per_day, extra_play_events, fallback_prize_id, starts_at, ends_at, active";

impl GameRow {
    fn open_at(&self, now: i64) -> bool {
        self.active == 1 && self.starts_at.is_none_or(|s| s <= now) && self.ends_at.is_none_or(|e| now < e)
    }

    pub(crate) fn extra_events(&self) -> Vec<String> {
        serde_json::from_str(&self.extra_play_events).unwrap_or_default()
    }
}

/// A prize as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct PrizeRow {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub points: Option<i64>,
    pub reward_id: Option<String>,
    pub share_bp: i64,
    pub budget_total: Option<i64>,
    pub budget_daily: Option<i64>,
    pub given: i64,
}

pub(crate) const PRIZE_COLUMNS: &str =
    "id, label, kind, points, reward_id, share_bp, budget_total, budget_daily, given";

pub(crate) async fn find_game(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Option<GameRow>> {
    let sql = format!("SELECT {GAME_COLUMNS} FROM games WHERE id = $1 AND brand_id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .bind(brand_id)
        .fetch_optional(&mut *conn)
        .await?)
}

pub(crate) async fn prizes(conn: &mut AnyConnection, game_id: &str) -> Result<Vec<PrizeRow>> {
    let sql = format!("SELECT {PRIZE_COLUMNS} FROM game_prizes WHERE game_id = $1 ORDER BY position");
    Ok(sqlx::query_as(&sql).bind(game_id).fetch_all(&mut *conn).await?)
}

fn unknown_game() -> Error {
    Error::not_found(ErrorCode::UnknownGame, "There is no such game.")
}

fn kind_of(prize: Option<&PrizeRow>) -> PrizeKind {
    prize
        .and_then(|p| PrizeKind::parse(&p.kind))
        .unwrap_or(PrizeKind::Nothing)
}

/// The brand's games open now, with the wheel's segments and the member's plays left today.
#[utoipa::path(
    get,
    path = "/api/v1/games",
    tag = "games",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<MemberGame>), (status = 401, body = ErrorBody))
)]
async fn member_games(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
) -> Result<Json<Vec<MemberGame>>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let now = now_ms();
    let mut conn = state.db.read().acquire().await?;
    let sql = format!("SELECT {GAME_COLUMNS} FROM games WHERE brand_id = $1 AND active = 1 ORDER BY created_at, id");
    let games: Vec<GameRow> = sqlx::query_as(&sql).bind(&claims.brand).fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for game in games.into_iter().filter(|g| g.open_at(now)) {
        let prizes = prizes(&mut conn, &game.id).await?;
        let mut segments: Vec<Segment> = prizes
            .iter()
            .map(|p| Segment {
                id: p.id.clone(),
                label: p.label.clone(),
                kind: kind_of(Some(p)),
                chance_bp: p.share_bp,
            })
            .collect();
        let shared = prizes.iter().map(|p| p.share_bp).sum::<i64>();
        if shared < i64::from(draw::ROLLS) {
            segments.push(Segment {
                id: "nothing".into(),
                label: NOTHING_LABEL.into(),
                kind: PrizeKind::Nothing,
                chance_bp: i64::from(draw::ROLLS) - shared,
            });
        }
        let fallback_label = game
            .fallback_prize_id
            .as_deref()
            .and_then(|f| prizes.iter().find(|p| p.id == f))
            .map(|p| p.label.clone());
        out.push(MemberGame {
            plays_per_day: game.plays_per_day,
            ends_at: game.ends_at.map(rfc3339),
            fallback_label,
            plays_left: quota::plays_left(&mut conn, &claims.brand, &game, &profile, now).await?,
            extra_play_events: game.extra_events(),
            id: game.id,
            name: game.name,
            kind: app::api::GameKind::parse(&game.kind).unwrap_or(app::api::GameKind::Wheel),
            segments,
        });
    }
    Ok(Json(out))
}
