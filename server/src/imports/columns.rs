//! Reading a file's columns before it is imported: how each header will be read, and the admin's mapping of
//! attribute columns onto attribute keys the brand has.

use app::api::{ErrorBody, ErrorCode, ImportColumn, ImportColumns};
use axum::extract::State;

use super::{Column, ColumnMap, MAX_COLUMNS, columns};
use crate::{
    AppState,
    auth::extract::AdminAuth,
    error::{Error, Json, Result},
};

/// The mapping an upload names, checked against its header: every source an attribute column of the file, every
/// target a valid key.
pub(super) fn column_map(raw: Option<&str>, headers: &[String]) -> Result<ColumnMap> {
    let invalid = |m: String| Error::unprocessable(ErrorCode::InvalidColumnMap, m);
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return Ok(ColumnMap::new());
    };
    let map: ColumnMap =
        serde_json::from_str(raw).map_err(|_| invalid("`columns` is a JSON object of key → key.".into()))?;
    let own: Vec<String> = columns(headers, &ColumnMap::new())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| match c {
            Column::Attribute(key) => Some(key),
            _ => None,
        })
        .collect();
    for (from, to) in &map {
        if !own.contains(from) {
            return Err(invalid(format!("The file has no attribute column `{from}`.")));
        }
        if !crate::profiles::is_attribute_key(to) {
            return Err(invalid(format!(
                "`{to}` is not an attribute key (1 to 40 of a-z, 0-9 and _)."
            )));
        }
    }
    Ok(map)
}

/// Reads a header row (the first line of the file the admin picked) and answers how each column would be imported,
/// with the brand's attribute keys, so attribute columns can be mapped onto existing ones before the upload.
#[utoipa::path(
    post,
    path = "/api/v1/admin/imports/columns",
    tag = "admin",
    security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, body = ImportColumns),
        (status = 422, description = "`invalid_csv`, `too_many_columns`", body = ErrorBody),
    )
)]
pub(super) async fn header_columns(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    body: String,
) -> Result<Json<ImportColumns>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(body.as_bytes());
    let headers: Vec<String> = match reader.records().next() {
        Some(Ok(record)) => record.iter().map(str::to_owned).collect(),
        Some(Err(e)) => {
            return Err(Error::unprocessable(
                ErrorCode::InvalidCsv,
                format!("The header row cannot be read: {e}"),
            ));
        }
        None => Vec::new(),
    };
    if headers.len() > MAX_COLUMNS {
        return Err(Error::unprocessable(
            ErrorCode::TooManyColumns,
            format!("A file may have at most {} columns.", MAX_COLUMNS),
        ));
    }
    let read = columns(&headers, &ColumnMap::new());
    let identifies = read.is_some();
    let roles = read.unwrap_or_else(|| {
        // Without an identifier the file is refused, but the admin still sees how each column reads.
        let mut with_phone = headers.clone();
        with_phone.push("phone".into());
        let mut all = columns(&with_phone, &ColumnMap::new()).unwrap_or_default();
        all.pop();
        all
    });
    let columns = headers
        .into_iter()
        .zip(roles)
        .map(|(header, column)| {
            let (role, key) = match column {
                Column::Phone => ("phone", None),
                Column::Name => ("name", None),
                Column::Email => ("email", None),
                Column::Birthday => ("birthday", None),
                Column::Gender => ("gender", None),
                Column::Tags => ("tags", None),
                Column::ExternalId => ("external_id", None),
                Column::Attribute(key) => ("attribute", Some(key)),
                Column::Ignored => ("ignored", None),
            };
            ImportColumn {
                header: header.trim_start_matches('\u{feff}').to_owned(),
                role: role.to_owned(),
                key,
            }
        })
        .collect();
    Ok(Json(ImportColumns {
        columns,
        identifies,
        attribute_keys: crate::profiles::attribute_keys(&state.db, &claims.brand).await?,
    }))
}
