//! The clock handlers and jobs read. In production it is the system's; a test holds a [`Clock::manual`] and
//! moves it to reach waits, expiry, quiet hours and QR windows without sleeping.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

/// Epoch milliseconds from the system, or from a hand a test moves; cheap to clone (clones share the hand).
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that stands at `start_ms` until [`Clock::advance`] or [`Clock::set`] moves it.
    pub fn manual(start_ms: i64) -> Self {
        Self(Some(Arc::new(AtomicI64::new(start_ms))))
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match &self.0 {
            Some(hand) => hand.load(Ordering::SeqCst),
            None => chrono::Utc::now().timestamp_millis(),
        }
    }

    /// Moves a manual clock forward by `ms` (saturating); the system clock cannot be moved and ignores it.
    pub fn advance(&self, ms: i64) {
        if let Some(hand) = &self.0 {
            let _ = hand.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| Some(t.saturating_add(ms)));
        }
    }

    /// Sets a manual clock to `ms`; ignored by the system clock.
    pub fn set(&self, ms: i64) {
        if let Some(hand) = &self.0 {
            hand.store(ms, Ordering::SeqCst);
        }
    }

    /// Whether this clock is moved by hand.
    pub fn is_manual(&self) -> bool {
        self.0.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_by_hand_and_its_clones_follow() {
        let clock = Clock::manual(1_000);
        let seen_by_a_job = clock.clone();
        assert_eq!(clock.now_ms(), 1_000);
        clock.advance(500);
        assert_eq!(seen_by_a_job.now_ms(), 1_500);
        clock.set(i64::MAX - 1);
        clock.advance(10);
        assert_eq!(clock.now_ms(), i64::MAX, "advancing saturates instead of wrapping");
    }

    #[test]
    fn the_system_clock_reads_the_time_and_ignores_a_hand() {
        let clock = Clock::system();
        let before = chrono::Utc::now().timestamp_millis();
        clock.advance(1_000_000);
        let now = clock.now_ms();
        assert!(now >= before && now < before + 60_000);
        assert!(!clock.is_manual());
    }
}
