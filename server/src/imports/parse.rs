//! Reading a customer list: headers mapped to fields (English and Vietnamese names), each row validated with a
//! reason for every refusal.

use app::{
    api::ErrorCode,
    domain::{Email, Phone},
};

use crate::profiles::ImportedPerson;

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// Phone number.
    Phone,
    /// Name.
    Name,
    /// E-mail.
    Email,
    /// Birthday (a date attribute).
    Birthday,
    /// Gender (a string attribute).
    Gender,
    /// Tags (a string attribute).
    Tags,
    /// POS or CRM id.
    ExternalId,
    /// Any other column: a string attribute with this key.
    Attribute(String),
    /// A column whose name gives no usable key.
    Ignored,
}

/// `Món yêu thích` → `mon_yeu_thich`: diacritics folded (NFD, combining marks dropped, đ → d), anything else
/// that is not a letter or digit becomes `_`.
fn attribute_key(header: &str) -> Option<String> {
    use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};
    let folded: String = header
        .replace(['đ', 'Đ'], "d")
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect();
    let mut key = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('_') {
            key.push('_');
        }
    }
    let key = key.trim_matches('_').chars().take(40).collect::<String>();
    (!key.is_empty() && key.as_bytes()[0].is_ascii_lowercase()).then_some(key)
}

/// Attribute columns the admin mapped onto another key: the key a column would get by itself → the key to use
/// (one the brand has already, so `mon_yeu_thich` and `favourite_drink` are one attribute).
pub type ColumnMap = std::collections::BTreeMap<String, String>;

/// Maps the header row, attribute columns through `map`; `None` when no column can identify a person (phone,
/// e-mail or external id).
pub fn columns(headers: &[String], map: &ColumnMap) -> Option<Vec<Column>> {
    let columns: Vec<Column> = headers
        .iter()
        .map(|h| {
            let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
            match h.as_str() {
                "phone" | "mobile" | "phone_number" | "sdt" | "sđt" | "so_dien_thoai" | "số điện thoại" => {
                    Column::Phone
                }
                "name" | "full_name" | "ho_ten" | "họ tên" | "tên" => Column::Name,
                "email" | "e-mail" => Column::Email,
                "birthday" | "dob" | "ngay_sinh" | "ngày sinh" => Column::Birthday,
                "gender" | "gioi_tinh" | "giới tính" => Column::Gender,
                "tags" | "tag" => Column::Tags,
                "external_id" | "customer_id" | "ma_khach_hang" | "mã khách hàng" => Column::ExternalId,
                other => attribute_key(other).map_or(Column::Ignored, |key| {
                    Column::Attribute(map.get(&key).cloned().unwrap_or(key))
                }),
            }
        })
        .collect();
    columns
        .iter()
        .any(|c| matches!(c, Column::Phone | Column::Email | Column::ExternalId))
        .then_some(columns)
}

/// Why a row was refused: a stable reason and a human detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Stable reason, e.g. `invalid_phone`.
    pub reason: ErrorCode,
    /// What was wrong.
    pub detail: String,
}

fn reject(reason: ErrorCode, detail: impl Into<String>) -> Rejection {
    Rejection {
        reason,
        detail: detail.into(),
    }
}

fn json_text(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// `1990-01-31`, `31/01/1990` or `31-01-1990`.
fn birthday(raw: &str) -> Option<chrono::NaiveDate> {
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
        .iter()
        .find_map(|f| chrono::NaiveDate::parse_from_str(raw, f).ok())
}

/// Validates one row against the columns.
pub fn parse_row(columns: &[Column], fields: &[&str]) -> Result<ImportedPerson, Rejection> {
    let mut person = ImportedPerson::default();
    for (column, raw) in columns.iter().zip(fields) {
        let value = raw.trim();
        if value.is_empty() {
            continue;
        }
        if value.chars().count() > 500 {
            return Err(reject(ErrorCode::ValueTooLong, "a value has more than 500 characters"));
        }
        match column {
            Column::Phone => {
                person.phone = Some(Phone::parse(value).map_err(|e| reject(ErrorCode::InvalidPhone, e.to_string()))?);
            }
            Column::Email => {
                person.email = Some(Email::parse(value).map_err(|e| reject(ErrorCode::InvalidEmail, e.to_string()))?);
            }
            Column::ExternalId => {
                if value.chars().count() > 128 {
                    return Err(reject(
                        ErrorCode::InvalidExternalId,
                        "an external id has at most 128 characters",
                    ));
                }
                person.external_id = Some(value.to_owned());
            }
            Column::Name => person.name = Some(value.to_owned()),
            Column::Birthday => {
                let date = birthday(value).ok_or_else(|| {
                    reject(
                        ErrorCode::InvalidBirthday,
                        format!("'{value}' is not a date (YYYY-MM-DD or DD/MM/YYYY)"),
                    )
                })?;
                person.attributes.push((
                    "birthday".into(),
                    "date",
                    json_text(&date.format("%Y-%m-%d").to_string()),
                ));
            }
            Column::Gender => person
                .attributes
                .push(("gender".into(), "string", json_text(&value.to_lowercase()))),
            Column::Tags => person.attributes.push(("tags".into(), "string", json_text(value))),
            Column::Attribute(key) => person.attributes.push((key.clone(), "string", json_text(value))),
            Column::Ignored => {}
        }
    }
    if person.phone.is_none() && person.email.is_none() && person.external_id.is_none() {
        return Err(reject(
            ErrorCode::MissingIdentifier,
            "the row has no phone, e-mail or external id",
        ));
    }
    Ok(person)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(h: &[&str]) -> Vec<Column> {
        columns(
            &h.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
            &ColumnMap::new(),
        )
        .unwrap()
    }

    #[test]
    fn headers_map_in_english_and_vietnamese_with_a_bom() {
        let c = cols(&[
            "\u{feff}Số điện thoại",
            "Họ tên",
            "Ngày sinh",
            "Món yêu thích",
            "Loyalty Card #",
        ]);
        assert_eq!(c[0], Column::Phone);
        assert_eq!(c[1], Column::Name);
        assert_eq!(c[2], Column::Birthday);
        assert_eq!(c[3], Column::Attribute("mon_yeu_thich".into()));
        assert_eq!(c[4], Column::Attribute("loyalty_card".into()));
        assert!(columns(&["name".into(), "city".into()], &ColumnMap::new()).is_none());
    }

    #[test]
    fn rows_are_normalised_or_refused_with_a_reason() {
        let c = cols(&["phone", "name", "email", "birthday"]);
        let p = parse_row(&c, &["01689 123 456", "Lê Thị Hoa", "", "31/01/1990"]).unwrap();
        assert_eq!(p.phone.unwrap().as_str(), "84389123456");
        assert_eq!(p.attributes, vec![("birthday".into(), "date", "\"1990-01-31\"".into())]);
        assert_eq!(
            parse_row(&c, &["0283812345", "x", "", ""]).unwrap_err().reason,
            ErrorCode::InvalidPhone
        );
        assert_eq!(
            parse_row(&c, &["", "x", "", ""]).unwrap_err().reason,
            ErrorCode::MissingIdentifier
        );
        assert_eq!(
            parse_row(&c, &["", "x", "nope", ""]).unwrap_err().reason,
            ErrorCode::InvalidEmail
        );
        assert_eq!(
            parse_row(&c, &["0912345678", "x", "", "30/02/1990"])
                .unwrap_err()
                .reason,
            ErrorCode::InvalidBirthday
        );
    }
}
