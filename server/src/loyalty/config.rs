//! A brand's loyalty configuration (tier measurement, tiers, earning rules), read on every earning event and so
//! kept in a small per-process cache. A change made through this process clears its entry at once; other
//! processes see it within [`CACHE_TTL`].

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex},
    time::{Duration, Instant},
};

use app::api::{LoyaltySettings, Rule, RuleInput, Tier, TierBadge, TierInput};
use sqlx::AnyConnection;

use crate::{db::rfc3339, error::Result};

/// How long another process's configuration change may take to apply here.
pub const CACHE_TTL: Duration = Duration::from_secs(2);

/// Tier measurement when a brand has not chosen: points earned over 12 months.
pub const DEFAULT_SETTINGS: (&str, i64) = ("points", 12);

/// A tier.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TierRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Points or VND within the window.
    pub threshold: i64,
    /// Earn multiplier, percent.
    pub earn_multiplier_pct: i64,
    /// Benefits.
    pub benefits: String,
}

impl TierRow {
    /// As the mini app shows it.
    pub fn badge(&self) -> TierBadge {
        TierBadge {
            id: Some(self.id.clone()),
            name: self.name.clone(),
            threshold: self.threshold,
            earn_multiplier_pct: self.earn_multiplier_pct,
            benefits: self.benefits.clone(),
        }
    }

    /// As the console lists it.
    pub fn to_api(&self, members: i64) -> Tier {
        Tier {
            id: self.id.clone(),
            input: TierInput {
                name: self.name.clone(),
                threshold: self.threshold,
                earn_multiplier_pct: self.earn_multiplier_pct,
                benefits: self.benefits.clone(),
            },
            members,
        }
    }
}

/// An earning rule as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RuleRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `per_vnd`, `fixed` or `multiplier`.
    pub kind: String,
    /// What pays (or `*`).
    pub trigger_type: String,
    /// Points.
    pub points: Option<i64>,
    /// VND per `points`.
    pub per_vnd: Option<i64>,
    /// `floor`, `nearest`, `ceil`.
    pub rounding: String,
    /// Multiplier percent.
    pub multiplier_pct: Option<i64>,
    /// Window start.
    pub starts_at: Option<i64>,
    /// Window end.
    pub ends_at: Option<i64>,
    /// Days pending.
    pub pending_days: i64,
    /// Days to expiry.
    pub expiry_days: Option<i64>,
    /// Per member per day.
    pub daily_cap: Option<i64>,
    /// Per member ever.
    pub member_cap: Option<i64>,
    /// 0/1.
    pub active: i64,
    /// Last change.
    pub updated_at: i64,
}

impl RuleRow {
    /// Whether the rule is in force at `ms`.
    pub fn applies_at(&self, ms: i64) -> bool {
        self.active == 1 && self.starts_at.is_none_or(|s| s <= ms) && self.ends_at.is_none_or(|e| ms < e)
    }

    /// As the console lists it.
    pub fn to_api(&self) -> Rule {
        Rule {
            id: self.id.clone(),
            input: RuleInput {
                name: self.name.clone(),
                kind: self.kind.clone(),
                trigger: self.trigger_type.clone(),
                points: self.points,
                per_vnd: self.per_vnd,
                rounding: self.rounding.clone(),
                multiplier_pct: self.multiplier_pct,
                starts_at: self.starts_at.map(rfc3339),
                ends_at: self.ends_at.map(rfc3339),
                pending_days: self.pending_days,
                expiry_days: self.expiry_days,
                daily_cap: self.daily_cap,
                member_cap: self.member_cap,
                active: self.active == 1,
            },
            updated_at: rfc3339(self.updated_at),
        }
    }
}

/// Everything the earning path needs of a brand.
#[derive(Debug, Clone, PartialEq)]
pub struct LoyaltyConfig {
    /// How tiers are measured.
    pub settings: LoyaltySettings,
    /// Lowest threshold first.
    pub tiers: Vec<TierRow>,
    /// Newest first.
    pub rules: Vec<RuleRow>,
}

impl LoyaltyConfig {
    /// A tier by id.
    pub fn tier(&self, id: &str) -> Option<&TierRow> {
        self.tiers.iter().find(|t| t.id == id)
    }

    /// The tier a member is in: the one reached, or the zero-threshold entry tier.
    pub fn effective_tier(&self, tier_id: Option<&str>) -> Option<&TierRow> {
        tier_id
            .and_then(|id| self.tier(id))
            .or_else(|| self.tiers.first().filter(|t| t.threshold == 0))
    }

    /// The tier above a member's, if any.
    pub fn next_tier(&self, tier_id: Option<&str>) -> Option<&TierRow> {
        let current = self.effective_tier(tier_id).map_or(-1, |t| t.threshold);
        self.tiers.iter().find(|t| t.threshold > current)
    }

    /// The highest tier `qualifying` reaches.
    pub fn tier_for(&self, qualifying: i64) -> Option<&TierRow> {
        self.tiers.iter().rev().find(|t| t.threshold <= qualifying)
    }
}

/// Each brand's configuration and when it was read.
type Cache = HashMap<String, (Instant, Arc<LoyaltyConfig>)>;

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Default::default);

/// The brand's configuration, from the cache when fresh.
pub async fn get(conn: &mut AnyConnection, brand_id: &str) -> Result<Arc<LoyaltyConfig>> {
    if let Ok(cache) = CACHE.lock()
        && let Some((at, config)) = cache.get(brand_id)
        && at.elapsed() < CACHE_TTL
    {
        return Ok(config.clone());
    }
    let config = Arc::new(load(conn, brand_id).await?);
    if let Ok(mut cache) = CACHE.lock() {
        cache.insert(brand_id.to_owned(), (Instant::now(), config.clone()));
    }
    Ok(config)
}

/// Forgets the brand's cached configuration (after this process changed it).
pub fn invalidate(brand_id: &str) {
    if let Ok(mut cache) = CACHE.lock() {
        cache.remove(brand_id);
    }
}

/// The columns [`RuleRow`] reads.
pub const RULE_COLUMNS: &str = "id, name, kind, trigger_type, points, per_vnd, rounding, multiplier_pct, starts_at, \
     ends_at, pending_days, expiry_days, daily_cap, member_cap, active, updated_at";

/// Reads the brand's configuration from the store.
pub async fn load(conn: &mut AnyConnection, brand_id: &str) -> Result<LoyaltyConfig> {
    let settings: Option<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT tier_metric, tier_window_months, point_value_vnd FROM loyalty_settings WHERE brand_id = $1",
    )
    .bind(brand_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (tier_metric, tier_window_months, point_value_vnd) =
        settings.unwrap_or_else(|| (DEFAULT_SETTINGS.0.to_owned(), DEFAULT_SETTINGS.1, None));
    let tiers: Vec<TierRow> = sqlx::query_as(
        "SELECT id, name, threshold, earn_multiplier_pct, benefits FROM tiers WHERE brand_id = $1 ORDER BY threshold",
    )
    .bind(brand_id)
    .fetch_all(&mut *conn)
    .await?;
    let sql = format!("SELECT {RULE_COLUMNS} FROM earning_rules WHERE brand_id = $1 ORDER BY created_at DESC, id DESC");
    let rules: Vec<RuleRow> = sqlx::query_as(&sql).bind(brand_id).fetch_all(&mut *conn).await?;
    Ok(LoyaltyConfig {
        settings: LoyaltySettings {
            tier_metric,
            tier_window_months,
            point_value_vnd,
        },
        tiers,
        rules,
    })
}
