//! How an amount of đồng is written for a person: digits grouped by dots, the đồng sign after (`1.250.000 ₫`),
//! the way Vietnamese receipts write it in both languages.

/// `amount` as `1.250.000 ₫` (`-5.000 ₫` when negative).
pub fn format_vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + 8);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out.push_str(" ₫");
    out
}

/// A distance as people say it: `350 m`, or kilometres to one decimal with the language's decimal mark (`1,2 km`
/// in Vietnamese, `1.2 km` in English).
pub fn format_distance(metres: i64, vietnamese: bool) -> String {
    if metres < 1000 {
        return format!("{} m", metres.max(0));
    }
    let tenths = metres.saturating_add(50) / 100;
    let mark = if vietnamese { ',' } else { '.' };
    format!("{}{mark}{} km", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::{format_distance, format_vnd};

    #[test]
    fn distances_read_as_people_say_them() {
        assert_eq!(format_distance(350, true), "350 m");
        assert_eq!(format_distance(1_249, true), "1,2 km");
        assert_eq!(format_distance(1_250, false), "1.3 km");
        assert_eq!(format_distance(12_000, false), "12.0 km");
        assert!(format_distance(i64::MAX, false).ends_with(" km"));
    }

    #[test]
    fn groups_thousands_with_dots() {
        assert_eq!(format_vnd(0), "0 ₫");
        assert_eq!(format_vnd(999), "999 ₫");
        assert_eq!(format_vnd(1_000), "1.000 ₫");
        assert_eq!(format_vnd(1_250_000), "1.250.000 ₫");
        assert_eq!(format_vnd(-5_000), "-5.000 ₫");
        assert_eq!(format_vnd(i64::MIN), "-9.223.372.036.854.775.808 ₫");
    }
}
