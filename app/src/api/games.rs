//! Mini-games: a lucky wheel and a scratch card over one server-side draw, their prizes and budgets, a member's
//! plays, and the console's game builder and live stats.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How a game is shown; both draw the same way on the server.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GameKind {
    /// A wheel that spins and stops on the prize.
    Wheel,
    /// A card scratched to reveal the prize.
    Scratch,
}

impl GameKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            GameKind::Wheel => "wheel",
            GameKind::Scratch => "scratch",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "wheel" => Some(GameKind::Wheel),
            "scratch" => Some(GameKind::Scratch),
            _ => None,
        }
    }
}

/// What a prize gives.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrizeKind {
    /// Points, paid through the ledger.
    Points,
    /// A voucher for a reward of the catalog (taking one of its stock).
    Voucher,
    /// A physical gift, claimed at a store with a code.
    Gift,
    /// Nothing this time.
    Nothing,
}

impl PrizeKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PrizeKind::Points => "points",
            PrizeKind::Voucher => "voucher",
            PrizeKind::Gift => "gift",
            PrizeKind::Nothing => "nothing",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "points" => Some(PrizeKind::Points),
            "voucher" => Some(PrizeKind::Voucher),
            "gift" => Some(PrizeKind::Gift),
            "nothing" => Some(PrizeKind::Nothing),
            _ => None,
        }
    }
}

/// A prize as the admin configures it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PrizeInput {
    /// What the member sees ("50 điểm", "Cà phê miễn phí").
    pub label: String,
    /// What it gives.
    pub kind: PrizeKind,
    /// Points, for a points prize.
    #[serde(default)]
    pub points: Option<i64>,
    /// The catalog reward, for a voucher prize.
    #[serde(default)]
    pub reward_id: Option<String>,
    /// Its chance in basis points (10000 = 100%). The prizes' shares add up to at most 10000; the rest is
    /// "no prize".
    pub share_bp: i64,
    /// Most it may ever be given; none: no limit.
    #[serde(default)]
    pub budget_total: Option<i64>,
    /// Most it may be given per day (Vietnam time); none: no limit.
    #[serde(default)]
    pub budget_daily: Option<i64>,
}

/// A game as the admin configures it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GameInput {
    /// Its name.
    pub name: String,
    /// Wheel or scratch card.
    pub kind: GameKind,
    /// Free plays per member per day.
    pub plays_per_day: i64,
    /// Event types that each give one more play that day (`checked_in`, `order_paid`, `survey_completed`).
    #[serde(default)]
    pub extra_play_events: Vec<String>,
    /// The prizes, in the order the wheel shows them.
    pub prizes: Vec<PrizeInput>,
    /// Index in `prizes` of the prize given instead of one whose budget ran out; none: no prize.
    #[serde(default)]
    pub fallback_prize: Option<usize>,
    /// Window start, RFC 3339.
    #[serde(default)]
    pub starts_at: Option<String>,
    /// Window end, RFC 3339.
    #[serde(default)]
    pub ends_at: Option<String>,
    /// Whether members can play.
    pub active: bool,
}

/// A prize as stored, with what was given.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Prize {
    /// Id.
    pub id: String,
    /// The configuration.
    pub input: PrizeInput,
    /// Given so far.
    pub given: i64,
    /// Given today.
    pub given_today: i64,
}

/// A game as stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Game {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Wheel or scratch card.
    pub kind: GameKind,
    /// Free plays per member per day.
    pub plays_per_day: i64,
    /// Events that give an extra play.
    pub extra_play_events: Vec<String>,
    /// The prizes, in order.
    pub prizes: Vec<Prize>,
    /// The fallback prize's id.
    pub fallback_prize_id: Option<String>,
    /// Window start, RFC 3339.
    pub starts_at: Option<String>,
    /// Window end, RFC 3339.
    pub ends_at: Option<String>,
    /// Whether members can play.
    pub active: bool,
    /// Plays so far.
    pub plays: i64,
}

/// A game as the mini app shows it: the wheel's segments and the member's plays left today.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberGame {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Wheel or scratch card.
    pub kind: GameKind,
    /// The segments: prize ids and labels, in order, and a "no prize" segment (id `nothing`) when the shares
    /// leave room for one.
    pub segments: Vec<Segment>,
    /// Plays left today.
    pub plays_left: i64,
    /// The kinds of event that earn one more play today (a store visit, a survey answered, …).
    #[serde(default)]
    pub extra_play_events: Vec<String>,
    /// Plays a member has each day (Vietnam's day), before extra plays: part of the rules (thể lệ).
    #[serde(default)]
    pub plays_per_day: i64,
    /// When the game closes, RFC 3339, if it has an end.
    #[serde(default)]
    pub ends_at: Option<String>,
    /// What is given instead when the drawn prize has run out, if the brand set a fallback.
    #[serde(default)]
    pub fallback_label: Option<String>,
}

/// One segment of a wheel.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Segment {
    /// The prize id, or `nothing`.
    pub id: String,
    /// What it says.
    pub label: String,
    /// What it gives.
    pub kind: PrizeKind,
    /// The chance of landing on it, in basis points (1/100 of a percent): the published odds.
    #[serde(default)]
    pub chance_bp: i64,
}

/// `POST /api/v1/games/{id}/plays`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlayRequest {
    /// Chosen by the app per tap: the same key plays once.
    pub idempotency_key: String,
}

/// A play's recorded outcome, which the app then animates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Play {
    /// Play id.
    pub id: String,
    /// The game.
    pub game_id: String,
    /// The segment the wheel stops on: a prize id, or `nothing`.
    pub segment_id: String,
    /// What was won.
    pub kind: PrizeKind,
    /// Its label.
    pub label: String,
    /// Points credited, for a points prize.
    pub points: Option<i64>,
    /// The voucher issued, for a voucher prize (it is in "My vouchers").
    pub voucher_code: Option<String>,
    /// The code to show at a store, for a gift.
    pub gift_code: Option<String>,
    /// Plays left today after this one.
    pub plays_left: i64,
    /// When it was played, RFC 3339.
    pub played_at: String,
}

/// `GET /api/v1/staff/gifts/{code}` and the answer to handing one over: a physical prize won in a game.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffGift {
    /// The code, `ABCD-EFGH-JKMN`.
    pub code: String,
    /// The prize.
    pub prize: String,
    /// The game it was won in.
    pub game: String,
    /// Won at (RFC 3339).
    pub won_at: String,
    /// Handed over at (RFC 3339), if it was.
    pub claimed_at: Option<String>,
    /// Who handed it over (their e-mail), if it was.
    pub claimed_by: Option<String>,
    /// The store it was handed over at, if it was and the brand has stores.
    #[serde(default)]
    pub claimed_at_store: Option<String>,
    /// Who won it.
    pub holder: crate::api::VoucherHolder,
}

/// A gift a member won in a game, as "My vouchers" shows it: its code and QR until it is handed over at a store.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberGift {
    /// The code to show at the store, `ABCD-EFGH-JKMN`.
    pub code: String,
    /// The prize.
    pub prize: String,
    /// The game it was won in.
    pub game: String,
    /// Won at (RFC 3339).
    pub won_at: String,
    /// Handed over at (RFC 3339), once it was.
    pub claimed_at: Option<String>,
}
