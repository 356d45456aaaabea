//! The draw: which prize a roll lands on.

use rand::Rng;

/// Rolls are basis points: 0 to 9,999.
pub const ROLLS: u32 = 10_000;

/// A roll from the operating system's cryptographically secure generator.
pub fn roll() -> u32 {
    rand::rngs::OsRng.gen_range(0..ROLLS)
}

/// The prize a roll lands on, given each prize's share in basis points, in order; `None` when it lands past
/// them all (no prize). Shares are laid end to end from 0, so prize `i` wins `shares[i]` rolls of 10,000.
pub fn pick(shares: &[i64], roll: u32) -> Option<usize> {
    let roll = i64::from(roll);
    let mut end = 0;
    for (i, share) in shares.iter().enumerate() {
        end += share.max(&0);
        if roll < end {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_laid_end_to_end_and_the_rest_is_no_prize() {
        let shares = [1_000, 0, 2_500];
        assert_eq!(pick(&shares, 0), Some(0));
        assert_eq!(pick(&shares, 999), Some(0));
        assert_eq!(pick(&shares, 1_000), Some(2));
        assert_eq!(pick(&shares, 3_499), Some(2));
        assert_eq!(pick(&shares, 3_500), None);
        assert_eq!(pick(&shares, ROLLS - 1), None);
        assert_eq!(pick(&[10_000], ROLLS - 1), Some(0));
    }

    #[test]
    fn rolls_stay_in_range() {
        assert!((0..1_000).map(|_| roll()).all(|r| r < ROLLS));
    }
}
