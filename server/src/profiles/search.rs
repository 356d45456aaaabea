//! Name search the way Vietnamese admins type: case and diacritics folded on both sides (`Trần Văn Đức`,
//! `tran van duc` and `TRAN VAN DUC` are the same), so "đức", "Đức" and "duc" all find him. Each profile keeps
//! its name folded in `profiles.search_name`, written with the name by every owner of a name write; a search
//! compares folded text with folded text, the same on SQLite and PostgreSQL.

use sqlx::AnyConnection;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

use crate::{db::Db, error::Result};

/// `Trần Văn  Đức` → `tran van duc`: lower case, diacritics dropped (NFD, combining marks removed, đ → d), runs
/// of white space made one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.replace(['đ', 'Đ'], "d").nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// A folded search text as a `LIKE` pattern that matches it anywhere, with `%`, `_` and `\` taken literally.
pub fn contains_pattern(folded: &str) -> String {
    let mut pattern = String::with_capacity(folded.len() + 2);
    pattern.push('%');
    for c in folded.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Merges the pending entries of PostgreSQL's trigram index on names into the index proper (after a bulk import,
/// so that searches do not read through thousands of pending entries). SQLite's index needs nothing.
pub async fn settle_index(db: &Db) -> Result<()> {
    if db.dialect() == crate::db::Dialect::Postgres {
        sqlx::query("SELECT CAST(gin_clean_pending_list('profiles_search_name_trgm'::regclass) AS BIGINT)")
            .fetch_one(db.write())
            .await?;
    }
    Ok(())
}

/// Folds the names of profiles written before names were folded (run once at start; a no-op afterwards).
pub async fn fold_missing(db: &Db) -> Result<u64> {
    let mut folded = 0;
    loop {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, display_name FROM profiles WHERE search_name IS NULL AND display_name IS NOT NULL LIMIT 1000",
        )
        .fetch_all(db.read())
        .await?;
        if rows.is_empty() {
            return Ok(folded);
        }
        let mut tx = db.begin().await?;
        for (id, name) in &rows {
            set_folded(&mut tx, id, &fold(name)).await?;
        }
        tx.commit().await?;
        folded += rows.len() as u64;
    }
}

async fn set_folded(conn: &mut AnyConnection, id: &str, folded: &str) -> Result<()> {
    sqlx::query("UPDATE profiles SET search_name = $1 WHERE id = $2")
        .bind(folded)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_names_fold_to_what_people_type_without_marks() {
        assert_eq!(fold("Trần Văn Đức"), "tran van duc");
        assert_eq!(fold("  ĐẶNG   Quốc Bảo "), "dang quoc bao");
        assert_eq!(fold("Ánh"), "anh");
        assert_eq!(fold("Nguyễn Thị Ngọc Hường"), "nguyen thi ngoc huong");
        assert_eq!(fold("tran van duc"), "tran van duc");
        // Decomposed input (as some keyboards send it) folds the same as composed.
        assert_eq!(fold("Tra\u{0300}n"), "tran");
    }

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(contains_pattern("duc"), "%duc%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
