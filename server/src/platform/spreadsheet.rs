//! CSV that people open in Excel: a UTF-8 byte-order mark first (or Vietnamese turns to mojibake), CRLF line
//! ends, and no cell a spreadsheet would run as a formula. Every CSV the server writes goes through here.

/// The byte-order mark that tells Excel the file is UTF-8.
pub const BOM: &str = "\u{feff}";

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
    fn formulas_are_neutralised_and_quotes_survive() {
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("Trần Văn Đức"), "Trần Văn Đức");
        assert_eq!(line(&["a,b", "say \"hi\"", "x"]), "\"a,b\",\"say \"\"hi\"\"\",x\r\n");
    }
}
