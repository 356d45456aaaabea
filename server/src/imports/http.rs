//! Upload, progress and the rejection report.

use app::api::ErrorCode;
use app::api::{ErrorBody, ImportInfo};
use axum::{
    body::Body,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::StreamExt;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{read_headers, upload_dir};
use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{new_id, rfc3339},
    error::{Error, Json, Result},
    jobs,
    platform::spreadsheet,
};

/// Largest file accepted (a million rows of a typical list is ~100 MB).
const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// The import routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload, list))
        .routes(routes!(super::columns::header_columns))
        .routes(routes!(progress))
        .routes(routes!(rejections))
}

/// Upload parameters.
#[derive(Debug, Deserialize, IntoParams)]
struct UploadQuery {
    /// The file's name, shown in the console.
    file_name: Option<String>,
    /// Attribute columns mapped onto other keys, as a JSON object: the key a column gets by itself (see
    /// `POST /api/v1/admin/imports/columns`) → an attribute key (1–40 of a-z, 0-9, `_`), usually one the brand has.
    columns: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct ImportRow {
    id: String,
    file_name: String,
    status: String,
    rows_read: i64,
    created: i64,
    updated: i64,
    unchanged: i64,
    rejected: i64,
    error: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
}

impl From<ImportRow> for ImportInfo {
    fn from(r: ImportRow) -> Self {
        ImportInfo {
            id: r.id,
            file_name: r.file_name,
            status: r.status,
            rows_read: r.rows_read,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            rejected: r.rejected,
            error: r.error,
            created_at: rfc3339(r.created_at),
            finished_at: r.finished_at.map(rfc3339),
        }
    }
}

const IMPORT_COLUMNS: &str =
    "id, file_name, status, rows_read, created, updated, unchanged, rejected, error, created_at, finished_at";

/// Uploads a customer list (CSV, UTF-8, header row; columns phone, name, email, birthday, gender, tags,
/// external_id, any others as attributes). Processing goes on in the background; poll the import for progress.
#[utoipa::path(
    post,
    path = "/api/v1/admin/imports",
    tag = "admin",
    security(("bearer" = [])),
    params(UploadQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 202, body = ImportInfo),
        (status = 413, description = "`file_too_large`", body = ErrorBody),
        (status = 422, description = "`empty_file`, `missing_identifier_column`, `invalid_csv`", body = ErrorBody),
    )
)]
async fn upload(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Query(q): Query<UploadQuery>,
    body: Body,
) -> Result<(StatusCode, Json<ImportInfo>)> {
    let file_name = q
        .file_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("import.csv");
    let file_name: String = file_name.chars().take(200).collect();
    let id = new_id();
    let dir = upload_dir();
    tokio::fs::create_dir_all(&dir).await.map_err(anyhow::Error::from)?;
    let path = dir.join(format!("{id}.csv"));
    let mut file = tokio::fs::File::create(&path).await.map_err(anyhow::Error::from)?;
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut stream = body.into_data_stream();
    let written: Result<()> = async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk
                .map_err(|e| Error::bad_request(ErrorCode::UploadInterrupted, format!("The upload stopped: {e}")))?;
            bytes += chunk.len() as u64;
            if bytes > MAX_FILE_BYTES {
                return Err(Error::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::FileTooLarge,
                    "A file may be at most 1 GiB.",
                ));
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(anyhow::Error::from)?;
        }
        file.flush().await.map_err(anyhow::Error::from)?;
        if bytes == 0 {
            return Err(Error::unprocessable(ErrorCode::EmptyFile, "The file is empty."));
        }
        Ok(())
    }
    .await;
    drop(file);
    let header = match written {
        Ok(()) => {
            let header_path = path.clone();
            match tokio::task::spawn_blocking(move || read_headers(&header_path)).await {
                Ok(Ok(headers)) => match super::columns::column_map(q.columns.as_deref(), &headers) {
                    Err(e) => Err(e),
                    Ok(map) => match super::columns(&headers, &map) {
                        Some(columns) => check_columns(&state, &claims.brand, &columns).await.map(|()| map),
                        None => Err(Error::unprocessable(
                            ErrorCode::MissingIdentifierColumn,
                            "The file needs a phone, email or external_id column (see the import screen for the format).",
                        )),
                    },
                },
                Ok(Err(e)) => Err(Error::unprocessable(
                    ErrorCode::InvalidCsv,
                    format!("The header row cannot be read: {e}"),
                )),
                Err(e) => Err(anyhow::anyhow!("header task: {e}").into()),
            }
        }
        Err(e) => Err(e),
    };
    let map = match header {
        Ok(map) => map,
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(e);
        }
    };
    let now = state.clock.now_ms();
    // The import and the job that processes it are written together: a worker on any process takes it, and
    // takes it again if that process stops mid-file.
    let job = super::process_job(&id, &claims.brand, &path, &map, now);
    let row = (
        id.clone(),
        claims.brand.clone(),
        file_name.clone(),
        hex::encode(hasher.finalize()),
        i64::try_from(bytes).unwrap_or(i64::MAX),
        claims.sub.clone(),
    );
    let queued = state
        .db
        .transact(move |conn| {
            Box::pin(async move {
                let (id, brand, file_name, sha, bytes, by) = row;
                sqlx::query(
                    "INSERT INTO imports (id, brand_id, file_name, file_sha256, file_bytes, status, created_by, \
                     created_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, 'processing', $6, $7, $7)",
                )
                .bind(&id)
                .bind(&brand)
                .bind(&file_name)
                .bind(sha)
                .bind(bytes)
                .bind(by)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                jobs::enqueue(conn, &job, now).await?;
                Ok(())
            })
        })
        .await;
    if let Err(e) = queued {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e);
    }
    tracing::info!(import = %id, bytes, by = %claims.sub, "import uploaded");
    let info = ImportInfo {
        id,
        file_name,
        status: "processing".into(),
        rows_read: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        error: None,
        created_at: rfc3339(now),
        finished_at: None,
    };
    Ok((StatusCode::ACCEPTED, Json(info)))
}

/// Refuses a header of more than [`super::MAX_COLUMNS`] columns, or one whose new attribute columns would take the
/// brand past [`crate::profiles::MAX_ATTRIBUTE_KEYS`] attribute keys.
async fn check_columns(state: &AppState, brand_id: &str, columns: &[super::Column]) -> Result<()> {
    if columns.len() > super::MAX_COLUMNS {
        return Err(Error::unprocessable(
            ErrorCode::TooManyColumns,
            format!("A file may have at most {} columns.", super::MAX_COLUMNS),
        ));
    }
    let keys: Vec<&str> = columns
        .iter()
        .filter_map(|c| match c {
            super::Column::Attribute(key) => Some(key.as_str()),
            _ => None,
        })
        .collect();
    crate::profiles::check_new_attribute_keys(&state.db, brand_id, &keys).await
}

/// The brand's latest imports.
#[utoipa::path(
    get,
    path = "/api/v1/admin/imports",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = [ImportInfo]))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<ImportInfo>>> {
    let rows: Vec<ImportRow> = sqlx::query_as(&format!(
        "SELECT {IMPORT_COLUMNS} FROM imports WHERE brand_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50"
    ))
    .bind(&claims.brand)
    .fetch_all(state.db.read())
    .await?;
    Ok(Json(rows.into_iter().map(ImportInfo::from).collect()))
}

async fn find(state: &AppState, brand_id: &str, id: &str) -> Result<ImportRow> {
    sqlx::query_as(&format!(
        "SELECT {IMPORT_COLUMNS} FROM imports WHERE id = $1 AND brand_id = $2"
    ))
    .bind(id)
    .bind(brand_id)
    .fetch_optional(state.db.read())
    .await?
    .ok_or_else(|| Error::not_found(ErrorCode::UnknownImport, "This brand has no such import."))
}

/// One import's progress and outcome.
#[utoipa::path(
    get,
    path = "/api/v1/admin/imports/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Import id")),
    responses((status = 200, body = ImportInfo), (status = 404, description = "`unknown_import`", body = ErrorBody))
)]
async fn progress(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<ImportInfo>> {
    Ok(Json(find(&state, &claims.brand, &id).await?.into()))
}

/// The rejected rows as CSV (row, reason code, reason in the admin's words, detail, raw), streamed page by page.
#[utoipa::path(
    get,
    path = "/api/v1/admin/imports/{id}/rejections.csv",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Import id"), spreadsheet::CsvLanguage),
    responses((status = 200, content_type = "text/csv"), (status = 404, description = "`unknown_import`", body = ErrorBody))
)]
async fn rejections(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Query(lang): Query<spreadsheet::CsvLanguage>,
) -> Result<Response> {
    find(&state, &claims.brand, &id).await?;
    let db = state.db.clone();
    let head = [
        ("dòng", "row"),
        ("mã lý do", "reason"),
        ("lý do", "message"),
        ("chi tiết", "detail"),
        ("dữ liệu gốc", "raw"),
    ]
    .map(|pair| lang.pick(pair));
    let header = futures::stream::once(async move {
        Ok::<_, std::io::Error>(format!("{}{}", spreadsheet::BOM, spreadsheet::line(&head)))
    });
    let lang = std::sync::Arc::new(lang);
    let pages = futures::stream::unfold(Some(0i64), move |after| {
        let (db, id, lang) = (db.clone(), id.clone(), lang.clone());
        async move {
            let after = after?;
            let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
                "SELECT row_number, reason, detail, raw FROM import_rejections WHERE import_id = $1 AND row_number > $2 \
                 ORDER BY row_number LIMIT 5000",
            )
            .bind(&id)
            .bind(after)
            .fetch_all(db.read())
            .await
            .ok()?;
            let last = rows.last().map(|r| r.0)?;
            let text: String = rows
                .iter()
                // The raw row is what someone typed into a spreadsheet: it goes back neutralised.
                .map(|(n, reason, detail, raw)| {
                    spreadsheet::line(&[
                        n.to_string(),
                        reason.clone(),
                        lang.pick(ErrorCode::parse(reason).text()).to_owned(),
                        spreadsheet::cell(detail),
                        spreadsheet::cell(raw),
                    ])
                })
                .collect();
            Some((Ok(text), Some(last)))
        }
    });
    let body = Body::from_stream(header.chain(pages));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"rejections.csv\""),
        ],
        body,
    )
        .into_response())
}
