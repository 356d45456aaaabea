//! Applying one imported customer row: find the person by phone, external id or e-mail (in that order), or
//! create them; attach the row's identifiers as unverified claims; set attributes that differ. Nothing that
//! is already there is touched, so importing the same file twice changes nothing the second time.

use std::collections::{HashMap, HashSet};

use app::domain::{Email, Phone};
use sqlx::AnyConnection;

use super::identities::record_conflict;
use crate::{
    db::{new_id, now_ms},
    error::Result,
};

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

/// What a batch already knows about the store: who owns each identifier of the batch, and the names and
/// attributes of those people. Filled by [`ImportBatch::prefetch`] with a few queries, then kept current as the
/// batch's rows create profiles and identifiers, so each row only writes what is new.
#[derive(Debug, Default)]
pub struct ImportBatch {
    owners: HashMap<(&'static str, String), String>,
    named: HashMap<String, bool>,
    attributes: HashMap<String, HashMap<String, (String, String)>>,
}

fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl ImportBatch {
    /// Looks up every identifier of `people` (one query per kind) and what their owners already have.
    pub async fn prefetch(conn: &mut AnyConnection, brand_id: &str, people: &[&ImportedPerson]) -> Result<Self> {
        let mut batch = Self::default();
        let kinds: [(&'static str, Vec<&str>); 3] = [
            (
                "phone",
                people
                    .iter()
                    .filter_map(|p| p.phone.as_ref().map(Phone::as_str))
                    .collect(),
            ),
            (
                "external_id",
                people.iter().filter_map(|p| p.external_id.as_deref()).collect(),
            ),
            (
                "email",
                people
                    .iter()
                    .filter_map(|p| p.email.as_ref().map(Email::as_str))
                    .collect(),
            ),
        ];
        for (kind, values) in kinds {
            if values.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT value, profile_id FROM identities WHERE brand_id = $1 AND kind = $2 AND value IN ({})",
                placeholders(3, values.len())
            );
            let mut query = sqlx::query_as::<_, (String, String)>(&sql).bind(brand_id).bind(kind);
            for v in &values {
                query = query.bind(*v);
            }
            for (value, profile) in query.fetch_all(&mut *conn).await? {
                batch.owners.insert((kind, value), profile);
            }
        }
        let profiles: Vec<String> = batch
            .owners
            .values()
            .cloned()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if profiles.is_empty() {
            return Ok(batch);
        }
        let list = placeholders(1, profiles.len());
        let sql = format!("SELECT id, display_name FROM profiles WHERE id IN ({list})");
        let mut query = sqlx::query_as::<_, (String, Option<String>)>(&sql);
        for p in &profiles {
            query = query.bind(p);
        }
        for (id, name) in query.fetch_all(&mut *conn).await? {
            batch.named.insert(id, name.is_some());
        }
        let sql =
            format!("SELECT profile_id, key, value_type, value FROM profile_attributes WHERE profile_id IN ({list})");
        let mut query = sqlx::query_as::<_, (String, String, String, String)>(&sql);
        for p in &profiles {
            query = query.bind(p);
        }
        for (profile, key, value_type, value) in query.fetch_all(&mut *conn).await? {
            batch
                .attributes
                .entry(profile)
                .or_default()
                .insert(key, (value_type, value));
        }
        Ok(batch)
    }
}

/// What a batch's rows decided to write, flushed together with multi-row inserts: the store sees a few
/// statements per thousand rows instead of several per row.
#[derive(Debug, Default)]
pub struct ImportWrites {
    profiles: Vec<(String, Option<String>)>,
    identities: Vec<(String, &'static str, String)>,
    names: Vec<(String, String)>,
    attribute_deletes: Vec<(String, String)>,
    attributes: Vec<(String, String, &'static str, String)>,
    conflicts: Vec<(&'static str, String, String, String)>,
}

/// Rows per multi-row `INSERT`: 100 rows of at most 9 columns stays far below both stores' parameter limits.
const ROWS_PER_STATEMENT: usize = 100;

fn values_list(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            format!(
                "({})",
                (1..=columns)
                    .map(|c| format!("${}", r * columns + c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl ImportWrites {
    /// Writes everything the batch decided, inside the caller's transaction.
    pub async fn flush(self, conn: &mut AnyConnection, brand_id: &str) -> Result<()> {
        let now = now_ms();
        for chunk in self.profiles.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO profiles (id, brand_id, display_name, search_name, created_at, updated_at, last_seen_at) \
                 VALUES {}",
                values_list(chunk.len(), 7)
            );
            let mut q = sqlx::query(&sql);
            for (id, name) in chunk {
                q = q
                    .bind(id)
                    .bind(brand_id)
                    .bind(name.clone())
                    .bind(name.as_deref().map(super::search::fold))
                    .bind(now)
                    .bind(now)
                    .bind(now);
            }
            q.execute(&mut *conn).await?;
        }
        for chunk in self.identities.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO identities (id, brand_id, profile_id, kind, value, verified, source, first_seen_at, last_seen_at) \
                 VALUES {}",
                values_list(chunk.len(), 9)
            );
            let mut q = sqlx::query(&sql);
            for (profile, kind, value) in chunk {
                // External ids are the brand's own keys; phones and e-mails from a list are unverified claims.
                let verified = i64::from(*kind == "external_id");
                q = q
                    .bind(new_id())
                    .bind(brand_id)
                    .bind(profile)
                    .bind(*kind)
                    .bind(value)
                    .bind(verified);
                q = q.bind("import").bind(now).bind(now);
            }
            q.execute(&mut *conn).await?;
        }
        for (profile, name) in &self.names {
            super::fill_name(conn, profile, name, now).await?;
        }
        for (profile, key) in &self.attribute_deletes {
            sqlx::query("DELETE FROM profile_attributes WHERE profile_id = $1 AND key = $2")
                .bind(profile)
                .bind(key)
                .execute(&mut *conn)
                .await?;
        }
        for chunk in self.attributes.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO profile_attributes (brand_id, profile_id, key, value_type, value, source, updated_at) VALUES {}",
                values_list(chunk.len(), 7)
            );
            let mut q = sqlx::query(&sql);
            for (profile, key, value_type, value) in chunk {
                q = q
                    .bind(brand_id)
                    .bind(profile)
                    .bind(key)
                    .bind(*value_type)
                    .bind(value)
                    .bind("import")
                    .bind(now);
            }
            q.execute(&mut *conn).await?;
        }
        for (kind, value, profile, other) in &self.conflicts {
            record_conflict(
                conn,
                brand_id,
                (kind, value),
                profile,
                other,
                "claimed_by_another_profile",
            )
            .await?;
        }
        Ok(())
    }
}

/// Decides what a validated row changes, given what the batch knows; the writes go to `writes`.
pub fn apply_import(batch: &mut ImportBatch, writes: &mut ImportWrites, person: &ImportedPerson) -> RowOutcome {
    let ids: Vec<(&'static str, &str)> = [
        person.phone.as_ref().map(|p| ("phone", p.as_str())),
        person.external_id.as_deref().map(|e| ("external_id", e)),
        person.email.as_ref().map(|e| ("email", e.as_str())),
    ]
    .into_iter()
    .flatten()
    .collect();
    let owners: Vec<Option<String>> = ids
        .iter()
        .map(|(kind, value)| batch.owners.get(&(*kind, (*value).to_owned())).cloned())
        .collect();
    let (profile, mut outcome) = match owners.iter().flatten().next() {
        Some(p) => (p.clone(), RowOutcome::Unchanged),
        None => {
            let p = new_id();
            writes.profiles.push((p.clone(), person.name.clone()));
            batch.named.insert(p.clone(), person.name.is_some());
            (p, RowOutcome::Created)
        }
    };
    let mut changed = false;
    for ((kind, value), found) in ids.iter().zip(&owners) {
        match found {
            Some(p) if *p == profile => {}
            Some(other) => writes
                .conflicts
                .push((kind, (*value).to_owned(), profile.clone(), other.clone())),
            None => {
                writes.identities.push((profile.clone(), kind, (*value).to_owned()));
                batch.owners.insert((kind, (*value).to_owned()), profile.clone());
                changed = true;
            }
        }
    }
    if let Some(name) = &person.name
        && !batch.named.get(&profile).copied().unwrap_or(false)
    {
        writes.names.push((profile.clone(), name.clone()));
        batch.named.insert(profile.clone(), true);
        changed = true;
    }
    let known = batch.attributes.entry(profile.clone()).or_default();
    for (key, value_type, value) in &person.attributes {
        let current = known.get(key);
        if current.is_some_and(|(t, v)| t == value_type && v == value) {
            continue;
        }
        if current.is_some() {
            writes.attribute_deletes.push((profile.clone(), key.clone()));
            // A second value for the same key in one batch replaces the pending one.
            writes.attributes.retain(|(p, k, _, _)| !(p == &profile && k == key));
        }
        writes
            .attributes
            .push((profile.clone(), key.clone(), value_type, value.clone()));
        known.insert(key.clone(), ((*value_type).to_owned(), value.clone()));
        changed = true;
    }
    if changed && outcome == RowOutcome::Unchanged {
        outcome = RowOutcome::Updated;
    }
    outcome
}
