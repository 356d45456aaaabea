//! Zalo OA's webhook signature (`SUPERAPP.md` §3), written once so the server and its simulator compute it the
//! same way: `X-ZEvent-Signature: mac=<hex>` where `hex = SHA-256(app_id + raw_body + timestamp + oa_secret_key)`,
//! plain SHA-256 (not HMAC), `app_id` and `timestamp` read from the body, the body exactly as received.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Whether `id` looks like a Zalo OA follower id (`getUserInfo().idByOA`, a webhook's `follower.id`): 1 to 64
/// letters and digits.
pub fn is_follower_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// What Zalo said, fit to store and show: no control characters, at most 300 characters.
pub fn zalo_words(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(300).collect()
}

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-zevent-signature";

fn digest(app_id: &str, raw_body: &[u8], timestamp: &str, oa_secret_key: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(app_id.as_bytes());
    hash.update(raw_body);
    hash.update(timestamp.as_bytes());
    hash.update(oa_secret_key.as_bytes());
    hash.finalize().into()
}

/// The header's value for a delivery: `mac=` and the hex digest.
pub fn oa_event_signature(app_id: &str, raw_body: &[u8], timestamp: &str, oa_secret_key: &str) -> String {
    format!(
        "mac={}",
        hex::encode(digest(app_id, raw_body, timestamp, oa_secret_key))
    )
}

/// Whether a header's value (with or without `mac=`, hex in any case) signs the delivery, compared in constant
/// time.
pub fn oa_event_signature_matches(
    header: &str,
    app_id: &str,
    raw_body: &[u8],
    timestamp: &str,
    oa_secret_key: &str,
) -> bool {
    let given = header.trim();
    let given = given.strip_prefix("mac=").unwrap_or(given);
    let Ok(given) = hex::decode(given) else {
        return false;
    };
    let expected = digest(app_id, raw_body, timestamp, oa_secret_key);
    given.len() == expected.len() && bool::from(given.ct_eq(&expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_plain_sha256_of_the_four_parts_in_order() {
        // sha256("abc") split over the parts: app "a", body "b", timestamp "c", key "".
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(oa_event_signature("a", b"b", "c", ""), format!("mac={abc}"));
        assert!(oa_event_signature_matches(abc, "a", b"b", "c", ""));
        assert!(oa_event_signature_matches(
            &format!("mac={}", abc.to_uppercase()),
            "a",
            b"b",
            "c",
            ""
        ));
        assert!(!oa_event_signature_matches(abc, "a", b"b ", "c", ""));
        assert!(!oa_event_signature_matches("mac=zz", "a", b"b", "c", ""));
        assert!(!oa_event_signature_matches(&abc[..62], "a", b"b", "c", ""));
    }
}
