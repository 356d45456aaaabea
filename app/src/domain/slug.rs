use std::fmt;

/// A brand's public short name (`demo`, `highlands`): 2–40 characters of `a-z`, `0-9` and inner `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct BrandSlug(String);

/// Why a brand slug was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a brand slug is 2–40 characters of a–z, 0–9 and inner hyphens")]
pub struct SlugError;

impl BrandSlug {
    /// Accepts a slug, lower-casing it first.
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        let s = raw.trim().to_ascii_lowercase();
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if (2..=40).contains(&s.len()) && ok_chars && !s.starts_with('-') && !s.ends_with('-') {
            Ok(Self(s))
        } else {
            Err(SlugError)
        }
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BrandSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_cased_and_checked() {
        assert_eq!(BrandSlug::parse(" Demo ").unwrap().as_str(), "demo");
        assert!(BrandSlug::parse("a").is_err());
        assert!(BrandSlug::parse("-ab").is_err());
        assert!(BrandSlug::parse("a b").is_err());
        assert!(BrandSlug::parse("cà-phê").is_err());
    }
}
