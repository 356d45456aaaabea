//! Vietnamese mobile numbers (`SUPERAPP.md` §7).

use std::fmt;

/// A Vietnamese mobile number in its one canonical form, `84` followed by nine digits (as Zalo returns it and
/// ZNS expects it). Built only by [`Phone::parse`], which accepts the forms people and old spreadsheets use.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Phone(String);

/// Why a text is not a Vietnamese mobile number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing but blanks.
    #[error("the phone number is empty")]
    Empty,
    /// Letters or symbols other than spaces, dots, dashes, brackets and a leading `+`.
    #[error("a phone number may only contain digits, spaces, dots, dashes and a leading +")]
    InvalidCharacters,
    /// An international number from another country.
    #[error("only Vietnamese (+84) numbers are accepted")]
    NotVietnamese,
    /// Too short or too long for a Vietnamese mobile number.
    #[error("a Vietnamese mobile number has 10 digits (0912 345 678)")]
    WrongLength,
    /// A landline, a 1800/1900 number or an unassigned prefix.
    #[error("this is not a Vietnamese mobile number (landlines and 1800/1900 numbers are not accepted)")]
    NotMobile,
}

/// The 2018 renumbering of 11-digit mobile prefixes: old four-digit prefix → new three-digit prefix.
const RENUMBERED: &[(&str, &str)] = &[
    ("0162", "032"),
    ("0163", "033"),
    ("0164", "034"),
    ("0165", "035"),
    ("0166", "036"),
    ("0167", "037"),
    ("0168", "038"),
    ("0169", "039"),
    ("0120", "070"),
    ("0121", "079"),
    ("0122", "077"),
    ("0126", "076"),
    ("0128", "078"),
    ("0123", "083"),
    ("0124", "084"),
    ("0125", "085"),
    ("0127", "081"),
    ("0129", "082"),
    ("0186", "056"),
    ("0188", "058"),
    ("0199", "059"),
];

impl Phone {
    /// Accepts `0912345678`, `+84 912 345 678`, `0084912345678`, `84912345678`, `0912.345.678`, a number whose
    /// leading zero a spreadsheet dropped (`912345678`), and the old 11-digit numbers renumbered in 2018
    /// (`01689123456` → `84389123456`). Refuses landlines, 1800/1900 numbers and other countries.
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(PhoneError::InvalidCharacters),
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::InvalidCharacters);
        }
        let national = if plus {
            match digits.strip_prefix("84") {
                Some(n) => format!("0{n}"),
                None => return Err(PhoneError::NotVietnamese),
            }
        } else if let Some(n) = digits.strip_prefix("0084") {
            format!("0{n}")
        } else if digits.starts_with("00") {
            return Err(PhoneError::NotVietnamese);
        } else if digits.starts_with('0') {
            digits
        } else if digits.starts_with("84") && (digits.len() == 11 || digits.len() == 12) {
            format!("0{}", &digits[2..])
        } else if digits.len() == 9 {
            format!("0{digits}")
        } else if digits.len() == 10 && digits.starts_with('1') {
            // An old 11-digit number whose leading zero a spreadsheet dropped; 1800/1900 numbers are not mobile.
            let n = format!("0{digits}");
            if !RENUMBERED.iter().any(|(old, _)| n.starts_with(old)) {
                return Err(PhoneError::NotMobile);
            }
            n
        } else {
            return Err(PhoneError::WrongLength);
        };
        let national = renumber(national);
        if national.starts_with("02") || national.starts_with("01") {
            return Err(PhoneError::NotMobile);
        }
        if national.len() != 10 {
            return Err(PhoneError::WrongLength);
        }
        if !is_mobile(&national) {
            return Err(PhoneError::NotMobile);
        }
        Ok(Self(format!("84{}", &national[1..])))
    }

    /// The canonical form, `84912345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The national form people read, `0912345678`.
    pub fn national(&self) -> String {
        format!("0{}", &self.0[2..])
    }

    /// The national form with the middle hidden, `0912 *** 678`, for screens that must not show the number.
    pub fn masked(&self) -> String {
        let n = self.national();
        format!("{} *** {}", &n[..4], &n[7..])
    }
}

fn renumber(national: String) -> String {
    let old = RENUMBERED.iter().find(|(old, _)| national.starts_with(old));
    match old {
        Some((_, new)) if national.len() == 11 => format!("{new}{}", &national[4..]),
        _ => national,
    }
}

/// `0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])` followed by seven digits.
fn is_mobile(national: &str) -> bool {
    let b = national.as_bytes();
    if b.len() != 10 || b[0] != b'0' || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let allowed: &[u8] = match b[1] {
        b'3' => b"23456789",
        b'5' => b"25689",
        b'7' => b"06789",
        b'8' => b"123456789",
        b'9' => b"012346789",
        _ => return false,
    };
    allowed.contains(&b[2])
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Phone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Phone::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_common_way_of_writing_a_number_gives_the_same_canonical_form() {
        for raw in [
            "0912345678",
            "+84912345678",
            "+84 912 345 678",
            "0084912345678",
            "84912345678",
            "0912.345.678",
            "0912-345-678",
            " (091) 2345678 ",
            "912345678",
        ] {
            assert_eq!(Phone::parse(raw).unwrap().as_str(), "84912345678", "{raw}");
        }
    }

    #[test]
    fn old_eleven_digit_numbers_are_renumbered() {
        assert_eq!(Phone::parse("01689123456").unwrap().as_str(), "84389123456");
        assert_eq!(Phone::parse("0120 123 4567").unwrap().as_str(), "84701234567");
        assert_eq!(Phone::parse("+84 129 123 4567").unwrap().as_str(), "84821234567");
        assert_eq!(Phone::parse("01991234567").unwrap().as_str(), "84591234567");
        assert_eq!(Phone::parse("1881234567").unwrap().as_str(), "84581234567");
    }

    #[test]
    fn landlines_service_numbers_and_foreign_numbers_are_refused() {
        assert_eq!(Phone::parse("02838123456"), Err(PhoneError::NotMobile));
        assert_eq!(Phone::parse("0243812345"), Err(PhoneError::NotMobile));
        assert_eq!(Phone::parse("1900123456"), Err(PhoneError::NotMobile));
        assert_eq!(Phone::parse("+6591234567"), Err(PhoneError::NotVietnamese));
        assert_eq!(Phone::parse("0065912345678"), Err(PhoneError::NotVietnamese));
        assert_eq!(Phone::parse("0912a45678"), Err(PhoneError::InvalidCharacters));
        assert_eq!(Phone::parse("   "), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("091234567"), Err(PhoneError::WrongLength));
        assert_eq!(Phone::parse("0301234567"), Err(PhoneError::NotMobile));
    }

    #[test]
    fn masking_hides_the_middle_digits() {
        assert_eq!(Phone::parse("84912345678").unwrap().masked(), "0912 *** 678");
        assert_eq!(Phone::parse("84912345678").unwrap().national(), "0912345678");
    }

    fn mobile_national() -> impl Strategy<Value = String> {
        let prefixes = [
            "032", "033", "034", "035", "036", "037", "038", "039", "052", "055", "056", "058", "059", "070", "076",
            "077", "078", "079", "081", "082", "083", "084", "085", "086", "087", "088", "089", "090", "091", "092",
            "093", "094", "096", "097", "098", "099",
        ];
        (proptest::sample::select(prefixes.to_vec()), 0u32..10_000_000).prop_map(|(p, n)| format!("{p}{n:07}"))
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent_and_format_independent(national in mobile_national(), sep in "[ .-]?") {
            let canonical = Phone::parse(&national).unwrap();
            prop_assert_eq!(&canonical.national(), &national);
            prop_assert_eq!(&Phone::parse(canonical.as_str()).unwrap(), &canonical);
            let spaced = format!("+84{sep}{}{sep}{}", &national[1..4], &national[4..]);
            prop_assert_eq!(&Phone::parse(&spaced).unwrap(), &canonical);
            prop_assert_eq!(Phone::parse(&format!("0084{}", &national[1..])).unwrap(), canonical);
        }

        #[test]
        fn parse_never_panics_and_only_yields_canonical_numbers(raw in "\\PC{0,20}") {
            if let Ok(p) = Phone::parse(&raw) {
                prop_assert_eq!(p.as_str().len(), 11);
                prop_assert!(p.as_str().starts_with("84"));
            }
        }
    }
}
