//! Physical prizes won in games, handed over at a store: staff look a gift code up (the prize, the game, the
//! winner) and mark it handed over, once. `gift_claimed` goes on the winner's timeline.

use app::api::ErrorCode;
use app::api::{AtStore, ErrorBody, MemberGift, StaffGift};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::{CustomerAuth, StaffAuth},
    db::rfc3339,
    error::{Error, Json, Result},
    events::{self, Campaign, NewEvent},
    loyalty::{counter, vouchers},
    profiles, stores,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(look_up))
        .routes(routes!(claim))
        .routes(routes!(my_gifts))
}

/// Most gifts one list shows.
const MAX_GIFTS: i64 = 100;

/// The signed-in member's game gifts, newest first: each with its code until it is handed over, and when it was.
#[utoipa::path(
    get,
    path = "/api/v1/me/gifts",
    tag = "games",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<MemberGift>),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `session_ended`", body = ErrorBody),
    )
)]
async fn my_gifts(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<Vec<MemberGift>>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let mut conn = state.db.read().acquire().await?;
    Ok(Json(of_member(&mut conn, &claims.brand, &profile, false).await?))
}

/// A member's game gifts, newest first (at most 100); with `open_only`, those not handed over yet.
pub async fn of_member(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    open_only: bool,
) -> Result<Vec<MemberGift>> {
    let open = if open_only { "AND p.gift_claimed_at IS NULL" } else { "" };
    let rows: Vec<(String, String, String, i64, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT p.gift_code, z.label, g.name, p.created_at, p.gift_claimed_at FROM game_plays p \
         JOIN game_prizes z ON z.id = p.prize_id JOIN games g ON g.id = p.game_id \
         WHERE p.profile_id = $1 AND p.brand_id = $2 AND p.gift_code IS NOT NULL {open} \
         ORDER BY p.created_at DESC, p.id DESC LIMIT $3"
    ))
    .bind(profile_id)
    .bind(brand_id)
    .bind(MAX_GIFTS)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, prize, game, won_at, claimed_at)| MemberGift {
            code: vouchers::display_code(&code),
            prize,
            game,
            won_at: rfc3339(won_at),
            claimed_at: claimed_at.map(rfc3339),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct GiftRow {
    play_id: String,
    brand_id: String,
    profile_id: String,
    code: String,
    prize: String,
    game: String,
    won_at: i64,
    claimed_at: Option<i64>,
    claimed_by: Option<String>,
    claimed_at_store: Option<String>,
}

async fn by_code(conn: &mut AnyConnection, brand_id: &str, code: &str) -> Result<GiftRow> {
    let unknown = || {
        Error::not_found(
            ErrorCode::UnknownGift,
            "No game gift has this code. Check the code and try again.",
        )
    };
    let code = vouchers::normalize_code(code).ok_or_else(unknown)?;
    let row: GiftRow = sqlx::query_as(
        "SELECT p.id AS play_id, p.brand_id, p.profile_id, p.gift_code AS code, z.label AS prize, g.name AS game, \
         p.created_at AS won_at, p.gift_claimed_at AS claimed_at, u.email AS claimed_by, \
         st.name AS claimed_at_store FROM game_plays p \
         JOIN game_prizes z ON z.id = p.prize_id JOIN games g ON g.id = p.game_id \
         LEFT JOIN users u ON u.id = p.gift_claimed_by LEFT JOIN stores st ON st.id = p.gift_claimed_store_id \
         WHERE p.gift_code = $1",
    )
    .bind(&code)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(unknown)?;
    // Another brand's code answers as an unknown one: saying more would confirm that the code exists.
    if row.brand_id != brand_id {
        return Err(unknown());
    }
    Ok(row)
}

async fn to_api(conn: &mut AnyConnection, brand_id: &str, row: GiftRow) -> Result<StaffGift> {
    Ok(StaffGift {
        holder: counter::holder(conn, brand_id, &row.profile_id).await?,
        code: vouchers::display_code(&row.code),
        prize: row.prize,
        game: row.game,
        won_at: rfc3339(row.won_at),
        claimed_at: row.claimed_at.map(rfc3339),
        claimed_by: row.claimed_by,
        claimed_at_store: row.claimed_at_store,
    })
}

/// Looks a game gift up by its code, with the prize and its winner, for store staff.
#[utoipa::path(
    get,
    path = "/api/v1/staff/gifts/{code}",
    tag = "staff",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The code, typed (dashes optional) or scanned")),
    responses(
        (status = 200, body = StaffGift),
        (status = 403, description = "`staff_only`", body = ErrorBody),
        (status = 404, description = "`unknown_gift`", body = ErrorBody),
    )
)]
async fn look_up(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Path(code): Path<String>,
) -> Result<Json<StaffGift>> {
    let mut conn = state.db.read().acquire().await?;
    let row = by_code(&mut conn, &claims.brand, &code).await?;
    Ok(Json(to_api(&mut conn, &claims.brand, row).await?))
}

/// Marks a game gift handed over, once; a second time is refused and changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/staff/gifts/{code}/claim",
    tag = "staff",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The code"), AtStore),
    responses(
        (status = 200, body = StaffGift),
        (status = 403, description = "`staff_only`, `store_not_yours`", body = ErrorBody),
        (status = 404, description = "`unknown_gift`, `unknown_store`", body = ErrorBody),
        (status = 409, description = "`gift_claimed`", body = ErrorBody),
        (status = 422, description = "`store_required`: the brand has stores, so say which", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(staff = %claims.sub))]
async fn claim(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Path(code): Path<String>,
    Query(at): Query<AtStore>,
) -> Result<Json<StaffGift>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let row = by_code(&mut tx, &claims.brand, &code).await?;
    let store = stores::acting_store(&mut tx, &claims, at.store_id.as_deref()).await?;
    let claimed = sqlx::query(
        "UPDATE game_plays SET gift_claimed_at = $1, gift_claimed_by = $2, gift_claimed_store_id = $3 \
         WHERE id = $4 AND gift_claimed_at IS NULL",
    )
    .bind(now)
    .bind(&claims.sub)
    .bind(store.as_deref())
    .bind(&row.play_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        // Read again: another till may have handed it over a moment ago.
        let row = by_code(&mut tx, &claims.brand, &code).await?;
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::GiftClaimed,
            format!(
                "This gift was already handed over at {}.",
                row.claimed_at.map(rfc3339).unwrap_or_default()
            ),
        ));
    }
    let properties = serde_json::json!({
        "play_id": row.play_id,
        "prize": row.prize,
        "game": row.game,
        "staff_user_id": claims.sub,
        "store_id": store,
    });
    events::record(
        &mut tx,
        &claims.brand,
        &NewEvent {
            profile_id: &row.profile_id,
            event_type: "gift_claimed",
            occurred_at: now,
            source: "store",
            properties: &properties,
            campaign: &Campaign::default(),
            idempotency_key: None,
        },
    )
    .await?;
    let row = by_code(&mut tx, &claims.brand, &code).await?;
    let gift = to_api(&mut tx, &claims.brand, row).await?;
    tx.commit().await?;
    metrics::counter!("cham_gifts_claimed_total").increment(1);
    Ok(Json(gift))
}
