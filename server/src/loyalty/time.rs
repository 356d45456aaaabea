//! Business time: Vietnam keeps UTC+7 all year (no daylight saving), so the business day and month are fixed
//! offsets of UTC.

use chrono::{DateTime, Datelike, FixedOffset, Months, TimeZone};

/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const OFFSET_MS: i64 = 7 * 60 * 60 * 1000;

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// The instant the business day holding `ms` began (midnight in Asia/Ho_Chi_Minh).
pub fn day_start(ms: i64) -> i64 {
    (ms + OFFSET_MS).div_euclid(DAY_MS) * DAY_MS - OFFSET_MS
}

/// The business date of `ms`.
pub fn local(ms: i64) -> DateTime<FixedOffset> {
    vietnam().timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// `2026-12`: the business month of `ms`.
pub fn month_label(ms: i64) -> String {
    let d = local(ms);
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The same local time `months` months before `ms` (clamped to the month's last day).
pub fn months_before(ms: i64, months: i64) -> i64 {
    local(ms)
        .checked_sub_months(Months::new(u32::try_from(months).unwrap_or(0)))
        .map_or(ms, |d| d.timestamp_millis())
}

/// The same local time `months` months after `ms` (clamped to the month's last day).
pub fn months_after(ms: i64, months: i64) -> i64 {
    local(ms)
        .checked_add_months(Months::new(u32::try_from(months).unwrap_or(0)))
        .map_or(ms, |d| d.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_business_day_starts_at_midnight_in_vietnam() {
        // 2026-11-22T16:59:59Z is 23:59:59 in Hanoi; one second later is the next day.
        let before = 1_795_366_799_000;
        assert_eq!(
            local(before).format("%Y-%m-%d %H:%M:%S").to_string(),
            "2026-11-22 23:59:59"
        );
        assert_eq!(day_start(before), before + 1000 - DAY_MS);
        assert_eq!(day_start(before + 1000), before + 1000);
    }

    #[test]
    fn months_are_calendar_months_in_vietnam() {
        let start = vietnam()
            .with_ymd_and_hms(2026, 3, 31, 10, 0, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(
            local(months_before(start, 1)).format("%Y-%m-%d").to_string(),
            "2026-02-28"
        );
        assert_eq!(
            local(months_after(start, 12)).format("%Y-%m-%d").to_string(),
            "2027-03-31"
        );
        assert_eq!(month_label(start), "2026-03");
    }
}
