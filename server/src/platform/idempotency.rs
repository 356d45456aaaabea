//! Idempotency keys: a client's key for one action (a redemption, a play, an adjustment), checked once here so
//! every action refuses a bad key the same way. A repeat of the same key returns the first outcome; each owner
//! keeps the key beside the row it wrote (the ledger's source key, the play's key, the job's key).

use super::error::{Error, Result};
use app::api::ErrorCode;

/// Longest key accepted.
pub const MAX_KEY_CHARS: usize = 100;

/// Checks the idempotency key of one user action (`a redemption`, `a play`): trimmed, 1 to 100 characters with
/// no control characters, else `invalid_idempotency_key`.
pub fn key<'k>(key: &'k str, action: &str) -> Result<&'k str> {
    let key = key.trim();
    if key.is_empty() || key.chars().count() > MAX_KEY_CHARS || key.chars().any(char::is_control) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidIdempotencyKey,
            format!("{action} needs an idempotency key of 1 to {MAX_KEY_CHARS} characters."),
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_trimmed_and_refused_when_empty_long_or_with_control_characters() {
        assert_eq!(key("  k-1 ", "A play").unwrap(), "k-1");
        for bad in ["", "   ", "a\u{0}b", &"x".repeat(101)] {
            assert_eq!(
                key(bad, "A play").unwrap_err().code(),
                app::api::ErrorCode::InvalidIdempotencyKey
            );
        }
        assert!(
            key(&"đ".repeat(100), "A play").is_ok(),
            "the limit counts characters, not bytes"
        );
    }
}
