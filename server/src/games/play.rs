//! A play: the server draws, takes the prize from its budgets, pays it and records the play in one transaction,
//! under a per-member rate limit, and answers with the outcome for the app to animate.

use app::api::ErrorCode;
use app::api::{ErrorBody, Play, PlayRequest, PrizeKind};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;

use super::{NOTHING_LABEL, PrizeRow, budget, draw, find_game, kind_of, prizes, quota, unknown_game};
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    db::{new_id, now_ms, rfc3339},
    error::{Error, Json, Result},
    events::{self, Campaign, NewEvent},
    loyalty::{
        ledger::{self, Credit, Kind, Source},
        rewards, time, vouchers,
    },
    profiles,
};

/// Plays a member may start in a burst, and how often one more becomes available: a person tapping through the
/// wheel's 3-second spin never meets it, a script hammering the endpoint does.
const PLAY_BURST: u32 = 10;
const PLAY_EVERY: std::time::Duration = std::time::Duration::from_secs(3);

static PLAY_LIMIT: std::sync::LazyLock<governor::DefaultKeyedRateLimiter<String>> = std::sync::LazyLock::new(|| {
    let quota = governor::Quota::with_period(PLAY_EVERY)
        .unwrap_or_else(|| governor::Quota::per_second(std::num::NonZeroU32::MIN))
        .allow_burst(std::num::NonZeroU32::new(PLAY_BURST).unwrap_or(std::num::NonZeroU32::MIN));
    governor::RateLimiter::keyed(quota)
});

/// Takes one play from the member's allowance on this server, or says how long to wait. Forgotten members are
/// pruned now and then so the map stays small.
fn rate_limit(profile: &str) -> Result<()> {
    use governor::clock::{Clock, DefaultClock};
    if PLAY_LIMIT.len() > 10_000 {
        PLAY_LIMIT.retain_recent();
    }
    PLAY_LIMIT.check_key(&profile.to_owned()).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        metrics::counter!("cham_game_plays_limited_total").increment(1);
        Error::TooMany {
            code: ErrorCode::TooManyPlays,
            message: "Too many plays at once: wait a moment and try again.".into(),
            retry_after: wait.as_secs() + 1,
        }
    })
}

/// Plays a game: the server draws, takes the prize from its budgets, pays it and records the play, all in one
/// transaction, and answers with the outcome for the app to animate. The same idempotency key plays once.
#[utoipa::path(
    post,
    path = "/api/v1/games/{id}/plays",
    tag = "games",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Game id")),
    request_body = PlayRequest,
    responses(
        (status = 201, body = Play, description = "Played"),
        (status = 200, body = Play, description = "Played before with this key"),
        (status = 404, description = "`unknown_game`", body = ErrorBody),
        (status = 409, description = "`game_closed`, `no_plays_left`", body = ErrorBody),
        (status = 422, description = "`invalid_idempotency_key`", body = ErrorBody),
        (status = 429, description = "`too_many_plays`, with `Retry-After`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(profile = %claims.sub, game = %id))]
pub(super) async fn play(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Path(id): Path<String>,
    Json(req): Json<PlayRequest>,
) -> Result<(StatusCode, Json<Play>)> {
    let key = crate::platform::idempotency::key(&req.idempotency_key, "A play")?.to_owned();
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    rate_limit(&profile)?;
    let brand = claims.brand;
    let (status, play) = state
        .db
        .transact(move |conn| Box::pin(async move { run_play(conn, &brand, &profile, &id, &key).await }))
        .await?;
    if status == StatusCode::CREATED {
        metrics::counter!("cham_game_plays_total", "prize" => play.kind.as_str()).increment(1);
    }
    Ok((status, Json(play)))
}

#[derive(sqlx::FromRow)]
struct PlayRow {
    id: String,
    game_id: String,
    prize_id: Option<String>,
    prize_kind: String,
    points: Option<i64>,
    voucher_id: Option<String>,
    gift_code: Option<String>,
    created_at: i64,
}

async fn run_play(
    conn: &mut AnyConnection,
    brand: &str,
    profile: &str,
    game_id: &str,
    key: &str,
) -> Result<(StatusCode, Play)> {
    let now = now_ms();
    let game = find_game(conn, brand, game_id).await?.ok_or_else(unknown_game)?;
    // The member's account row serialises their plays on PostgreSQL, so two taps with different keys cannot both
    // take the last play of the day (on SQLite the writer runs one transaction at a time anyway).
    ledger::lock(conn, brand, profile, now).await?;
    let prizes = prizes(conn, &game.id).await?;
    let before: Option<PlayRow> = sqlx::query_as(
        "SELECT id, game_id, prize_id, prize_kind, points, voucher_id, gift_code, created_at FROM game_plays \
         WHERE game_id = $1 AND profile_id = $2 AND idempotency_key = $3",
    )
    .bind(&game.id)
    .bind(profile)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = before {
        let left = quota::plays_left(conn, brand, &game, profile, now).await?;
        return Ok((StatusCode::OK, to_play(conn, row, &prizes, left).await?));
    }
    if !game.open_at(now) {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::GameClosed,
            "This game is not open right now.",
        ));
    }
    let left = quota::plays_left(conn, brand, &game, profile, now).await?;
    if left == 0 {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::NoPlaysLeft,
            "No plays left today: come back tomorrow, or earn one more by visiting a store.",
        ));
    }

    let shares: Vec<i64> = prizes.iter().map(|p| p.share_bp).collect();
    let drawn = draw::pick(&shares, draw::roll());
    let fallback = game
        .fallback_prize_id
        .as_deref()
        .and_then(|f| prizes.iter().position(|p| p.id == f));
    let day = time::day_start(now);
    // Taking from a budget is a guarded update, so concurrent plays can never give more than it holds.
    let mut given = None;
    if let Some(d) = drawn {
        if budget::take_budget(conn, &prizes[d], day).await? {
            given = Some(d);
        } else if let Some(f) = fallback.filter(|f| *f != d)
            && budget::take_budget(conn, &prizes[f], day).await?
        {
            given = Some(f);
        }
    }
    let prize = given.map(|i| &prizes[i]);
    let kind = kind_of(prize);
    let play_id = new_id();
    let source_key = format!("play:{play_id}");
    let mut points = None;
    let mut voucher_id = None;
    let mut gift_code = None;
    match (kind, prize) {
        (PrizeKind::Points, Some(p)) => {
            let n = p.points.unwrap_or(0);
            if n > 0 {
                let credit = Credit {
                    kind: Kind::Earn,
                    points: n,
                    available_at: now,
                    expires_at: None,
                    rule_id: None,
                    source: Source {
                        kind: "play",
                        reference: &play_id,
                        key: &source_key,
                        label: Some(&game.name),
                        reason: None,
                        actor: "server",
                    },
                };
                ledger::credit(conn, brand, profile, &credit, now).await?;
                points = Some(n);
            }
        }
        (PrizeKind::Voucher, Some(p)) => {
            let reward_id = p.reward_id.as_deref().unwrap_or_default();
            let reward = rewards::find(conn, brand, reward_id)
                .await?
                .ok_or_else(rewards::unknown_reward)?;
            let issue = vouchers::Issue {
                reward: &reward,
                source_kind: "prize",
                source_key: &source_key,
                entry_id: None,
            };
            let voucher = vouchers::issue(conn, brand, profile, &issue, now).await?;
            voucher_id = Some(voucher.id);
        }
        (PrizeKind::Gift, Some(_)) => gift_code = Some(vouchers::new_code()),
        _ => {}
    }
    sqlx::query(
        "INSERT INTO game_plays (id, brand_id, game_id, profile_id, idempotency_key, day, drawn_prize_id, prize_id, \
         prize_kind, points, voucher_id, gift_code, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&play_id)
    .bind(brand)
    .bind(&game.id)
    .bind(profile)
    .bind(key)
    .bind(day)
    .bind(drawn.map(|i| prizes[i].id.clone()))
    .bind(prize.map(|p| p.id.clone()))
    .bind(kind.as_str())
    .bind(points)
    .bind(voucher_id.clone())
    .bind(gift_code.clone())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let properties = serde_json::json!({
        "game_id": game.id,
        "game": game.name,
        "play_id": play_id,
        "prize_id": prize.map(|p| p.id.clone()),
        "prize": prize.map(|p| p.label.clone()),
        "prize_kind": kind.as_str(),
    });
    let mut types = vec!["game_played"];
    if kind != PrizeKind::Nothing {
        types.push("prize_won");
    }
    for event_type in types {
        events::record(
            conn,
            brand,
            &NewEvent {
                profile_id: profile,
                event_type,
                occurred_at: now,
                source: "server",
                properties: &properties,
                campaign: &Campaign::default(),
                idempotency_key: None,
            },
        )
        .await?;
    }
    let row = PlayRow {
        id: play_id,
        game_id: game.id.clone(),
        prize_id: prize.map(|p| p.id.clone()),
        prize_kind: kind.as_str().to_owned(),
        points,
        voucher_id,
        gift_code,
        created_at: now,
    };
    Ok((StatusCode::CREATED, to_play(conn, row, &prizes, left - 1).await?))
}

async fn to_play(conn: &mut AnyConnection, row: PlayRow, prizes: &[PrizeRow], left: i64) -> Result<Play> {
    let prize = row
        .prize_id
        .as_deref()
        .and_then(|id| prizes.iter().find(|p| p.id == id));
    let voucher_code = match &row.voucher_id {
        Some(id) => sqlx::query_as::<_, (String,)>("SELECT code FROM vouchers WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|(code,)| vouchers::display_code(&code)),
        None => None,
    };
    let kind = PrizeKind::parse(&row.prize_kind).unwrap_or(PrizeKind::Nothing);
    // The wheel stops on the prize given; a prize that had run out with no fallback stops on "no prize".
    let segment_id = prize.map_or_else(|| "nothing".to_owned(), |p| p.id.clone());
    Ok(Play {
        id: row.id,
        game_id: row.game_id,
        segment_id,
        kind,
        label: prize.map_or_else(|| NOTHING_LABEL.to_owned(), |p| p.label.clone()),
        points: row.points,
        voucher_code,
        gift_code: row.gift_code.as_deref().map(vouchers::display_code),
        plays_left: left.max(0),
        played_at: rfc3339(row.created_at),
    })
}
