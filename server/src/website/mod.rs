//! The brand's website. One `<script>` line ([`install`]) records each visit on an anonymous profile through the
//! anonymous events API, and shows the brand's pop-up forms when their trigger says ([`forms`], [`public`]); a
//! submission attaches the phone and e-mail to the visitor's profile as unverified claims with the consents
//! ticked, so the history joins the member when they sign in to the mini app with that phone ([`submit`]). Only
//! the websites a brand lists may send ([`origins`]). Owns `web_origins`, `web_forms`, `web_form_days` and
//! `form_submissions`.

mod forms;
mod install;
pub mod join;
pub mod origins;
mod public;
mod submit;

use sqlx::AnyConnection;
use utoipa_axum::router::OpenApiRouter;

use crate::{AppState, error::Result, loyalty::time, profiles::hooks::AreaHooks};

pub use install::snippet_router;
pub use join::{reactor, register};
pub use origins::cross_origin;

/// The website's routes: the console's install page and forms, and what the snippet calls.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(install::router())
        .merge(forms::router())
        .merge(public::router())
}

/// Vietnam's day of `ms`, as `YYYY-MM-DD`.
fn day_of(ms: i64) -> String {
    time::local(ms).format("%Y-%m-%d").to_string()
}

/// Adds one to a form's `column` (`shown`, `closed` or `submitted`) for `day`.
async fn count(conn: &mut AnyConnection, form_id: &str, day: &str, column: &'static str) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO web_form_days (form_id, day, {column}) VALUES ($1, $2, 1) \
         ON CONFLICT (form_id, day) DO UPDATE SET {column} = web_form_days.{column} + 1"
    ))
    .bind(form_id)
    .bind(day)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The website's part in merges and erasures: a visitor's submissions follow their profile, and go with it.
pub fn hooks() -> AreaHooks {
    AreaHooks {
        area: "website",
        merge: Some(|conn, _brand_id, from, into| {
            Box::pin(async move {
                sqlx::query("UPDATE form_submissions SET profile_id = $1 WHERE profile_id = $2")
                    .bind(into)
                    .bind(from)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        }),
        export: None,
        erase: Some(|conn, _brand_id, profile_id| {
            Box::pin(async move {
                sqlx::query("DELETE FROM form_submissions WHERE profile_id = $1")
                    .bind(profile_id)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        }),
        summary: None,
    }
}
