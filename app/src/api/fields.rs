//! Which field of a request body a refusal is about, and what is wrong with it, so a form can say it beside the
//! field in the person's language instead of at the top of the page in English.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The field a refusal is about: a JSON pointer into the request body and the problem with its value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FieldIssue {
    /// RFC 6901 pointer into the request body, e.g. `/prizes/1/points` (the second prize's points).
    pub pointer: String,
    /// What is wrong with the value there.
    pub problem: FieldProblem,
}

/// What is wrong with a field's value, with the limits a form needs to say how to fix it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldProblem {
    /// Text of `min` to `max` characters (after trimming).
    Length {
        /// Fewest characters.
        min: u32,
        /// Most characters.
        max: u32,
    },
    /// A whole number from `min` to `max`.
    Range {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// A chance outside 0% to 100%.
    Chance,
    /// A list of `min` to `max` items.
    Count {
        /// Fewest items.
        min: u32,
        /// Most items.
        max: u32,
    },
    /// The same value given twice where each must differ.
    Duplicate,
    /// A value that is not among those allowed in this place.
    NotAllowed,
    /// A reference to something that does not exist (a reward, a tier, a prize).
    Unknown,
    /// Chances that add up past 100%; `total_bp` is their sum in hundredths of a percent.
    SharesOver {
        /// The sum, in basis points.
        total_bp: i64,
    },
    /// An end that is not after the start.
    EndsBeforeStart,
    /// Not an RFC 3339 date and time.
    NotATime,
    /// A key of 1 to `max` characters among a-z, 0-9 and `_`.
    KeyFormat {
        /// Most characters.
        max: u32,
    },
    /// A prize that has been given and so cannot be removed (its chance can be set to 0% instead).
    PrizeGiven {
        /// The prize's number (1-based).
        prize: u32,
        /// How many times it was given.
        times: i64,
    },
    /// A branch that does not go on to a later question; `last` is the survey's last question's number.
    LaterQuestion {
        /// The last question's number (1-based).
        last: u32,
    },
    /// A step no path from the start reaches.
    Unreachable,
    /// A step from which a path comes back to itself (every path must end).
    Loops,
}

/// `n` with its thousands grouped as the language writes them (`1.000.000` in Vietnamese, `1,000,000` in English).
fn grouped(n: i64, separator: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + 8);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

impl FieldProblem {
    /// What a person reads beside the field: Vietnamese, then English.
    pub fn text(&self) -> (String, String) {
        match *self {
            FieldProblem::Length { min: 0, max } => {
                (format!("Tối đa {max} ký tự."), format!("At most {max} characters."))
            }
            FieldProblem::Length { min, max } => (
                format!("Cần từ {min} đến {max} ký tự."),
                format!("Needs {min} to {max} characters."),
            ),
            FieldProblem::Range { min, max } if max == i64::MAX => (
                format!("Nhập một số nguyên từ {} trở lên.", grouped(min, '.')),
                format!("Enter a whole number of {} or more.", grouped(min, ',')),
            ),
            FieldProblem::Range { min, max } => (
                format!("Nhập một số nguyên từ {} đến {}.", grouped(min, '.'), grouped(max, '.')),
                format!(
                    "Enter a whole number from {} to {}.",
                    grouped(min, ','),
                    grouped(max, ',')
                ),
            ),
            FieldProblem::Count { min, max } => (
                format!("Cần từ {min} đến {max} mục."),
                format!("Needs {min} to {max} items."),
            ),
            FieldProblem::Chance => (
                "Nhập tỉ lệ từ 0% đến 100%.".into(),
                "Enter a chance from 0% to 100%.".into(),
            ),
            FieldProblem::Duplicate => ("Giá trị này bị trùng.".into(), "This is given twice.".into()),
            FieldProblem::NotAllowed => (
                "Không chọn được giá trị này ở đây.".into(),
                "This value is not allowed here.".into(),
            ),
            FieldProblem::Unknown => (
                "Mục đã chọn không còn tồn tại; hãy chọn lại.".into(),
                "What was chosen does not exist; choose again.".into(),
            ),
            FieldProblem::SharesOver { total_bp } => {
                let (whole, hundredths) = (total_bp / 100, total_bp % 100);
                (
                    format!("Tổng tỉ lệ là {whole},{hundredths:02}%: tối đa 100% (phần còn lại là “không trúng”)."),
                    format!("The chances add up to {whole}.{hundredths:02}%: at most 100% (the rest is “no prize”)."),
                )
            }
            FieldProblem::EndsBeforeStart => (
                "Ngày kết thúc phải sau ngày bắt đầu.".into(),
                "The end must be after the start.".into(),
            ),
            FieldProblem::NotATime => ("Ngày giờ không hợp lệ.".into(), "Not a valid date and time.".into()),
            FieldProblem::KeyFormat { max } => (
                format!("Từ 1 đến {max} ký tự a-z, 0-9 và _."),
                format!("1 to {max} of a-z, 0-9 and _."),
            ),
            FieldProblem::PrizeGiven { prize, times } => (
                format!("Giải {prize} đã được trao {times} lần nên không xoá được; hãy đặt tỉ lệ về 0%."),
                format!("Prize {prize} has been given {times} times and cannot be removed; set its chance to 0%."),
            ),
            FieldProblem::LaterQuestion { last } => (
                format!("Chỉ đi tiếp đến một câu phía sau (tối đa câu {last}) hoặc kết thúc."),
                format!("Only on to a later question (up to question {last}) or to the end."),
            ),
            FieldProblem::Unreachable => (
                "Không có bước nào dẫn tới bước này.".to_owned(),
                "No step leads to this one.".to_owned(),
            ),
            FieldProblem::Loops => (
                "Bước này dẫn vòng lại chính nó; mọi nhánh phải đi đến kết thúc.".to_owned(),
                "This step leads back to itself; every path must reach an end.".to_owned(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_the_way_each_language_writes_them() {
        let (vi, en) = FieldProblem::Range { min: 1, max: 1_000_000 }.text();
        assert_eq!(vi, "Nhập một số nguyên từ 1 đến 1.000.000.");
        assert_eq!(en, "Enter a whole number from 1 to 1,000,000.");
        let (vi, en) = FieldProblem::SharesOver { total_bp: 15_005 }.text();
        assert!(vi.contains("150,05%"), "{vi}");
        assert!(en.contains("150.05%"), "{en}");
    }

    #[test]
    fn a_problem_travels_as_a_tagged_object() {
        let issue = FieldIssue {
            pointer: "/prizes/0/points".into(),
            problem: FieldProblem::Range { min: 1, max: 5 },
        };
        let json = serde_json::to_string(&issue).unwrap();
        assert_eq!(
            json,
            r#"{"pointer":"/prizes/0/points","problem":{"kind":"range","min":1,"max":5}}"#
        );
        assert_eq!(serde_json::from_str::<FieldIssue>(&json).unwrap(), issue);
    }
}
