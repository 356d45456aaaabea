//! Applying one imported customer row: find the person by phone, external id or e-mail (in that order), or
//! create them; attach the row's identifiers as unverified claims; set attributes that differ. Nothing that
//! is already there is touched, so importing the same file twice changes nothing the second time.

use app::domain::{Email, Phone};
use sqlx::AnyConnection;

use super::resolve::{attach, new_profile, owner, record_conflict};
use crate::{db::now_ms, error::Result};

/// A row that passed validation.
#[derive(Debug, Clone, Default)]
pub struct ImportedPerson {
    /// Phone, normalised.
    pub phone: Option<Phone>,
    /// E-mail, normalised.
    pub email: Option<Email>,
    /// POS or CRM id.
    pub external_id: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Typed attributes: key, type, JSON text.
    pub attributes: Vec<(String, &'static str, String)>,
}

/// What applying a row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    /// A new profile.
    Created,
    /// An existing profile gained an identifier, a name or an attribute value.
    Updated,
    /// Everything in the row was already there.
    Unchanged,
}

/// Applies a validated row inside the caller's transaction.
pub async fn apply_import(conn: &mut AnyConnection, brand_id: &str, person: &ImportedPerson) -> Result<RowOutcome> {
    let ids: Vec<(&str, &str)> = [
        person.phone.as_ref().map(|p| ("phone", p.as_str())),
        person.external_id.as_deref().map(|e| ("external_id", e)),
        person.email.as_ref().map(|e| ("email", e.as_str())),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut owners = Vec::with_capacity(ids.len());
    for (kind, value) in &ids {
        owners.push(owner(conn, brand_id, kind, value).await?);
    }
    let (profile, mut outcome) = match owners.iter().flatten().next() {
        Some(p) => (p.clone(), RowOutcome::Unchanged),
        None => (
            new_profile(conn, brand_id, person.name.as_deref(), None).await?,
            RowOutcome::Created,
        ),
    };
    for ((kind, value), found) in ids.iter().zip(&owners) {
        match found {
            Some(p) if *p == profile => {}
            Some(other) => {
                record_conflict(
                    conn,
                    brand_id,
                    (kind, value),
                    &profile,
                    other,
                    "claimed_by_another_profile",
                )
                .await?
            }
            None => {
                // External ids are the brand's own keys; phones and e-mails from a list are unverified claims.
                attach(
                    conn,
                    brand_id,
                    &profile,
                    (kind, value),
                    *kind == "external_id",
                    "import",
                )
                .await?;
                if outcome == RowOutcome::Unchanged {
                    outcome = RowOutcome::Updated;
                }
            }
        }
    }
    if let Some(name) = &person.name {
        let named = sqlx::query("UPDATE profiles SET display_name = $1 WHERE id = $2 AND display_name IS NULL")
            .bind(name)
            .bind(&profile)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if named == 1 && outcome == RowOutcome::Unchanged {
            outcome = RowOutcome::Updated;
        }
    }
    let now = now_ms();
    for (key, value_type, value) in &person.attributes {
        let current: Option<(String, String)> =
            sqlx::query_as("SELECT value_type, value FROM profile_attributes WHERE profile_id = $1 AND key = $2")
                .bind(&profile)
                .bind(key)
                .fetch_optional(&mut *conn)
                .await?;
        if current.as_ref().is_some_and(|(t, v)| t == value_type && v == value) {
            continue;
        }
        if current.is_some() {
            sqlx::query("DELETE FROM profile_attributes WHERE profile_id = $1 AND key = $2")
                .bind(&profile)
                .bind(key)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query(
            "INSERT INTO profile_attributes (brand_id, profile_id, key, value_type, value, source, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'import', $6)",
        )
        .bind(brand_id)
        .bind(&profile)
        .bind(key)
        .bind(*value_type)
        .bind(value)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        if outcome == RowOutcome::Unchanged {
            outcome = RowOutcome::Updated;
        }
    }
    Ok(outcome)
}
