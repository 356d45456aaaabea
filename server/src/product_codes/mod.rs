//! Product QR codes (the seeds' "QR on the product"). A brand makes a batch of unique one-time codes to print on
//! packs or cups ([`admin`]: made, listed with what was scanned, exported as CSV, revoked). A member scanning one in
//! the mini app earns the batch's points once through the ledger ([`scan`]); the code is then spent, and a second
//! scan, by anyone, is refused and counted on the code for the console to flag. Owns `product_code_batches` and
//! `product_codes`.

mod admin;
mod scan;

use utoipa_axum::router::OpenApiRouter;

use crate::{AppState, profiles::hooks::AreaHooks};

/// Product codes' part in merges: who scanned a code (or was refused one) moves to the profile merged into.
pub fn hooks() -> AreaHooks {
    AreaHooks {
        area: "product_codes",
        merge: Some(|conn, brand_id, from, into| {
            Box::pin(async move {
                for column in ["spent_by", "last_refused_by"] {
                    sqlx::query(&format!(
                        "UPDATE product_codes SET {column} = $1 WHERE brand_id = $2 AND {column} = $3"
                    ))
                    .bind(into)
                    .bind(brand_id)
                    .bind(from)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            })
        }),
        export: None,
        erase: None,
        summary: None,
    }
}

/// The product codes routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(admin::router()).merge(scan::router())
}

const PREFIX: &str = "CHAMP.";

/// The code in a scanned text: `CHAMP.` and the 12 characters after it.
fn code_in(text: &str) -> Option<String> {
    let start = text.find(PREFIX)?;
    let rest = &text[start + PREFIX.len()..];
    let body: String = rest.chars().take_while(char::is_ascii_alphanumeric).collect();
    (body.len() == 12).then(|| format!("{PREFIX}{}", body.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_found_in_its_link() {
        assert_eq!(
            code_in("https://x/checkin?code=CHAMP.abcdefgh2345&x=1").as_deref(),
            Some("CHAMP.abcdefgh2345")
        );
        assert_eq!(code_in("CHAMP.ABCDEFGH2345").as_deref(), Some("CHAMP.abcdefgh2345"));
        for bad in ["", "CHAMP.", "CHAMP.short", "CHAMS1.x.1.y", "CHAMP.abcdefgh23456"] {
            assert_eq!(code_in(bad), None, "{bad}");
        }
    }
}
