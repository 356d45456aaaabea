use std::fmt;

/// An e-mail address, trimmed and lower-cased: something `@` a dotted domain, no spaces, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// Why a text is not an e-mail address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this is not a valid e-mail address")]
pub struct EmailError;

impl Email {
    /// Accepts `Owner@Example.VN ` as `owner@example.vn`.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid { Ok(Self(email)) } else { Err(EmailError) }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_lower_cased_and_checked() {
        assert_eq!(Email::parse("  Owner@Demo.VN ").unwrap().as_str(), "owner@demo.vn");
        for bad in ["no-at-sign", "a b@c.vn", "@c.vn", "a@c", "a@@c.vn", "a@.vn", "a@vn."] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
