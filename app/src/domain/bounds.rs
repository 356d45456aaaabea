//! The documented bounds of money and points: what any input may carry, so arithmetic on them is checked at the
//! edge and never wraps. Amounts are whole đồng (VND has no minor unit); points are whole points.

/// The largest amount of one event, order or payment: 1,000 billion đồng.
pub const MAX_AMOUNT_VND: i64 = 1_000_000_000_000;

/// The most points one ledger entry may move (an earning, a redemption, an adjustment): a billion.
pub const MAX_POINTS_PER_ENTRY: i64 = 1_000_000_000;

/// The most one point may be worth to a brand (its value in the liability report): a million đồng.
pub const MAX_POINT_VALUE_VND: i64 = 1_000_000;

/// Whether `amount` is a valid amount of money: whole đồng from 0 to [`MAX_AMOUNT_VND`].
pub fn is_valid_amount_vnd(amount: i64) -> bool {
    (0..=MAX_AMOUNT_VND).contains(&amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bounds_leave_room_for_arithmetic_on_them() {
        assert!(is_valid_amount_vnd(0) && is_valid_amount_vnd(MAX_AMOUNT_VND));
        assert!(!is_valid_amount_vnd(-1) && !is_valid_amount_vnd(MAX_AMOUNT_VND + 1));
        // A purchase at the bound times a generous rate, times two 1,000 % multipliers, fits in an i128 and a
        // ledger of a thousand such entries fits in an i64.
        assert!(i128::from(MAX_AMOUNT_VND) * 1_000_000 * 100 < i128::MAX);
        assert!(MAX_POINTS_PER_ENTRY.checked_mul(1_000).is_some());
    }
}
