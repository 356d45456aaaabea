//! Frequency caps and quiet hours, in the person's business time (Asia/Ho_Chi_Minh, UTC+7 all year). A cap is
//! a counter per person, scope (`all` or a channel) and period; reserving raises it only while it is below the
//! cap, in the one statement, so two processes racing for a person's last message of the day cannot both pass;
//! a send that did not go out gives its reservation back.

use sqlx::AnyConnection;

use crate::{error::Result, loyalty::time};

/// The business day of `ms` (days since 1970-01-01 in Vietnam).
pub fn day_number(ms: i64) -> i64 {
    time::day_start(ms)
        .saturating_add(7 * 3_600_000)
        .div_euclid(time::DAY_MS)
}

/// The business week of `ms`, Monday to Sunday (1970-01-01 was a Thursday).
pub fn week_number(ms: i64) -> i64 {
    day_number(ms).saturating_add(3).div_euclid(7)
}

/// One counter a send takes a place in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    /// `all`, or a channel.
    pub scope: String,
    /// `d:<day>`, `w:<week>`, `m:<YYYY-MM>`.
    pub period: String,
    /// At most this many.
    pub cap: i64,
}

impl Counter {
    /// The brand-wide daily counter.
    pub fn day(ms: i64, cap: u32) -> Self {
        Counter {
            scope: "all".into(),
            period: format!("d:{}", day_number(ms)),
            cap: i64::from(cap),
        }
    }

    /// The brand-wide weekly counter.
    pub fn week(ms: i64, cap: u32) -> Self {
        Counter {
            scope: "all".into(),
            period: format!("w:{}", week_number(ms)),
            cap: i64::from(cap),
        }
    }

    /// A channel's daily counter (the OA's promotions per follower a day).
    pub fn channel_day(scope: &str, ms: i64, cap: u32) -> Self {
        Counter {
            scope: scope.into(),
            period: format!("d:{}", day_number(ms)),
            cap: i64::from(cap),
        }
    }

    /// A channel's monthly counter (the OA's promotions per follower).
    pub fn month(scope: &str, ms: i64, cap: u32) -> Self {
        Counter {
            scope: scope.into(),
            period: format!("m:{}", time::month_label(ms)),
            cap: i64::from(cap),
        }
    }
}

/// Takes a place in `counter` for the person; false when it is full (nothing changed then).
pub async fn reserve(conn: &mut AnyConnection, brand_id: &str, profile_id: &str, counter: &Counter) -> Result<bool> {
    if counter.cap <= 0 {
        return Ok(false);
    }
    let taken = sqlx::query(
        "INSERT INTO message_caps (brand_id, profile_id, scope, period, sent) VALUES ($1, $2, $3, $4, 1) \
         ON CONFLICT (profile_id, scope, period) DO UPDATE SET sent = message_caps.sent + 1 \
         WHERE message_caps.sent < $5",
    )
    .bind(brand_id)
    .bind(profile_id)
    .bind(&counter.scope)
    .bind(&counter.period)
    .bind(counter.cap)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(taken == 1)
}

/// Gives a place back.
pub async fn release(conn: &mut AnyConnection, profile_id: &str, counter: &Counter) -> Result<()> {
    sqlx::query(
        "UPDATE message_caps SET sent = sent - 1 WHERE profile_id = $1 AND scope = $2 AND period = $3 AND sent > 0",
    )
    .bind(profile_id)
    .bind(&counter.scope)
    .bind(&counter.period)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `HH:MM` as minutes after midnight.
pub fn parse_hhmm(text: &str) -> Option<i64> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m) && text.trim().len() == 5).then_some(h * 60 + m)
}

/// When a message due at `now` may go out: `now` itself, or the end of the quiet hours it falls in.
pub fn next_allowed(now: i64, quiet_from: i64, quiet_until: i64) -> i64 {
    if quiet_from == quiet_until {
        return now;
    }
    let start = time::day_start(now);
    let minute = (now - start).div_euclid(60_000);
    let in_quiet = if quiet_from < quiet_until {
        (quiet_from..quiet_until).contains(&minute)
    } else {
        minute >= quiet_from || minute < quiet_until
    };
    if !in_quiet {
        return now;
    }
    let until_today = start + quiet_until * 60_000;
    if until_today > now {
        until_today
    } else {
        until_today + time::DAY_MS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-12-03 00:00 in Vietnam is 2026-12-02 17:00 UTC.
    const MIDNIGHT_VN: i64 = 1_796_230_800_000;
    const HOUR: i64 = 3_600_000;

    #[test]
    fn quiet_hours_wait_for_the_morning() {
        let (from, until) = (21 * 60, 8 * 60);
        assert_eq!(
            next_allowed(MIDNIGHT_VN + 10 * HOUR, from, until),
            MIDNIGHT_VN + 10 * HOUR
        );
        assert_eq!(
            next_allowed(MIDNIGHT_VN + 22 * HOUR, from, until),
            MIDNIGHT_VN + 32 * HOUR
        );
        assert_eq!(
            next_allowed(MIDNIGHT_VN + 2 * HOUR, from, until),
            MIDNIGHT_VN + 8 * HOUR
        );
        assert_eq!(
            next_allowed(MIDNIGHT_VN + 13 * HOUR, 12 * 60, 14 * 60),
            MIDNIGHT_VN + 14 * HOUR
        );
        assert_eq!(next_allowed(MIDNIGHT_VN + 2 * HOUR, 0, 0), MIDNIGHT_VN + 2 * HOUR);
    }

    #[test]
    fn days_and_weeks_are_vietnamese() {
        assert_eq!(day_number(MIDNIGHT_VN), day_number(MIDNIGHT_VN + 23 * HOUR));
        assert_ne!(day_number(MIDNIGHT_VN - 1), day_number(MIDNIGHT_VN));
        // 2026-12-03 is a Thursday; the week began on Monday 2026-11-30.
        let monday = MIDNIGHT_VN - 3 * 24 * HOUR;
        assert_eq!(week_number(monday), week_number(MIDNIGHT_VN));
        assert_ne!(week_number(monday - 1), week_number(monday));
        assert_eq!(parse_hhmm("21:00"), Some(1260));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("9:00"), None);
    }
}
