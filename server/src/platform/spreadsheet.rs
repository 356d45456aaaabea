//! CSV that people open in Excel: a UTF-8 byte-order mark first (or Vietnamese turns to mojibake), CRLF line
//! ends, and no cell a spreadsheet would run as a formula. Every CSV the server writes goes through here.

use chrono::{FixedOffset, TimeZone};
use serde::Deserialize;
use utoipa::IntoParams;

/// The byte-order mark that tells Excel the file is UTF-8.
pub const BOM: &str = "\u{feff}";

/// The language a CSV's words (headers, reasons) are written in: the console passes the admin's.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct CsvLanguage {
    /// `vi` (the default) or `en`.
    pub lang: Option<String>,
}

impl CsvLanguage {
    /// Picks the Vietnamese or the English of a pair.
    pub fn pick(&self, (vi, en): (&'static str, &'static str)) -> &'static str {
        if self.lang.as_deref() == Some("en") { en } else { vi }
    }
}

/// The header note of a time column: every time a CSV holds is Vietnam's (UTC+7, no daylight saving).
pub const TIME_ZONE_NOTE: (&str, &str) = ("giờ Việt Nam, UTC+7", "Vietnam time, UTC+7");

/// UTC+7, checked when the server is compiled.
const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(zone) => zone,
    None => panic!("UTC+7 is a valid offset"),
};

/// Milliseconds since the epoch as `2026-12-01 14:05:09` in Vietnam's time, which spreadsheets read as a date.
pub fn vn_time(ms: i64) -> String {
    match VIETNAM.timestamp_millis_opt(ms).single() {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => String::new(),
    }
}

/// A cell a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`, `@` or a control character
/// gets a leading apostrophe.
pub fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// One CSV line of `fields` (each already passed through [`cell`] where it holds what people typed), quoted as
/// needed, ending in CRLF.
pub fn line<S: AsRef<[u8]>>(fields: &[S]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(fields);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_vietnam() {
        // 2026-12-01T17:30:00Z is half past midnight on the 2nd in Hà Nội.
        assert_eq!(vn_time(1_796_146_200_000), "2026-12-02 00:30:00");
        assert_eq!(
            CsvLanguage {
                lang: Some("en".into())
            }
            .pick(("a", "b")),
            "b"
        );
        assert_eq!(CsvLanguage::default().pick(("a", "b")), "a");
    }

    #[test]
    fn formulas_are_neutralised_and_quotes_survive() {
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("Trần Văn Đức"), "Trần Văn Đức");
        assert_eq!(line(&["a,b", "say \"hi\"", "x"]), "\"a,b\",\"say \"\"hi\"\"\",x\r\n");
    }
}
