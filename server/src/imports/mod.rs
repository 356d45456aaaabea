//! Customer-list imports (CSV): the upload streams to a temporary file, a blocking reader parses and validates
//! rows in batches handed to an async writer over a bounded channel (so memory stays flat for any file size),
//! each batch is one transaction, and progress is on the import's row for the console to poll.

mod columns;
mod http;
mod parse;

use app::api::ErrorCode;
use std::path::{Path, PathBuf};

use tokio::sync::mpsc;

use crate::{
    clock::Clock,
    db::{Db, Dialect, now_ms},
    error::Result,
    jobs::{self, NewJob, Registry},
    profiles::{ImportBatch, ImportWrites, ImportedPerson, RowOutcome, apply_import},
};

pub use http::router;
pub use parse::{Column, ColumnMap, Rejection, columns, parse_row};

/// Rows per transaction and per progress update.
const BATCH_ROWS: usize = 1000;
/// Longest raw row kept in the rejection report.
const MAX_RAW_CHARS: usize = 1000;

/// One data row, parsed on the reader's thread.
struct Row {
    number: i64,
    raw: String,
    parsed: Result<ImportedPerson, Rejection>,
}

/// Where uploads wait while they are processed.
pub fn upload_dir() -> PathBuf {
    std::env::temp_dir().join("cham-imports")
}

/// Most columns a file may have.
pub const MAX_COLUMNS: usize = 100;

/// Reads the header row of a CSV file (a UTF-8 BOM is ignored); `None` when it has no identifier column.
pub fn read_columns(path: &Path, map: &ColumnMap) -> anyhow::Result<Option<Vec<Column>>> {
    Ok(columns(&read_headers(path)?, map))
}

/// The header row's cells as written.
pub fn read_headers(path: &Path) -> anyhow::Result<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path)?;
    Ok(reader.headers()?.iter().map(str::to_owned).collect())
}

fn read_rows(path: &Path, columns: &[Column], sender: &mpsc::Sender<Vec<Row>>) -> anyhow::Result<()> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path)?;
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut record = csv::ByteRecord::new();
    let mut number;
    let mut next_line: i64 = 2; // the header is line 1
    while reader.read_byte_record(&mut record)? {
        // The row's first line in the file, as a spreadsheet numbers it: the next row starts after every line
        // this one ran over (a quoted field can hold line ends).
        number = next_line;
        let ran_over = record
            .iter()
            .map(|f| f.iter().filter(|b| **b == b'\n').count())
            .sum::<usize>();
        next_line = next_line
            .saturating_add(1)
            .saturating_add(i64::try_from(ran_over).unwrap_or(0));
        let raw: String = record
            .iter()
            .map(String::from_utf8_lossy)
            .collect::<Vec<_>>()
            .join(",")
            .chars()
            // The report keeps the row as it came, but a NUL as U+FFFD: PostgreSQL cannot store it.
            .map(|c| if c == '\0' { '\u{fffd}' } else { c })
            .take(MAX_RAW_CHARS)
            .collect();
        let parsed = match csv::StringRecord::from_byte_record(record.clone()) {
            // PostgreSQL cannot store a NUL in text; both stores refuse the row alike.
            Ok(_) if record.iter().any(|field| field.contains(&0)) => Err(Rejection {
                reason: ErrorCode::InvalidCharacters,
                detail: "the row holds the NUL character (U+0000)".into(),
            }),
            // A field running over a line end is a quote left open: it swallowed the next line, so the row is
            // reported rather than half-imported.
            Ok(_)
                if record
                    .iter()
                    .any(|field| field.contains(&b'\n') || field.contains(&b'\r')) =>
            {
                Err(Rejection {
                    reason: ErrorCode::UnbalancedQuote,
                    detail: "a quote opened in this row is not closed on its line; the next line was read into it"
                        .into(),
                })
            }
            Ok(_) if record.len() > columns.len() => Err(Rejection {
                reason: ErrorCode::TooManyFields,
                detail: format!(
                    "the row has {} fields; the header names {}",
                    record.len(),
                    columns.len()
                ),
            }),
            Ok(fields) => parse_row(columns, &fields.iter().collect::<Vec<_>>()),
            Err(_) => Err(Rejection {
                reason: ErrorCode::InvalidUtf8,
                detail: "the row is not valid UTF-8 text".into(),
            }),
        };
        batch.push(Row { number, raw, parsed });
        if batch.len() == BATCH_ROWS {
            if sender.blocking_send(std::mem::take(&mut batch)).is_err() {
                return Ok(()); // the writer stopped; it reports why
            }
            batch.reserve(BATCH_ROWS);
        }
    }
    if !batch.is_empty() {
        let _ = sender.blocking_send(batch);
    }
    Ok(())
}

#[derive(Debug, Default)]
struct Counts {
    rows: i64,
    created: i64,
    updated: i64,
    unchanged: i64,
    rejected: i64,
}

async fn write_batch(db: &Db, import_id: &str, brand_id: &str, rows: Vec<Row>, counts: &mut Counts) -> Result<()> {
    let mut tx = db.begin().await?;
    if db.dialect() == Dialect::Postgres {
        // The prefetch looks up a thousand values at once. PostgreSQL's generic plan for that statement (chosen
        // after five runs, from statistics taken while the table was small) scans the brand's whole identity
        // index and filters; planning each batch with its values keeps it on the unique index.
        sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
            .execute(&mut *tx)
            .await?;
    }
    let people: Vec<&ImportedPerson> = rows.iter().filter_map(|r| r.parsed.as_ref().ok()).collect();
    let mut known = ImportBatch::prefetch(&mut tx, brand_id, &people).await?;
    let mut writes = ImportWrites::default();
    for row in rows {
        counts.rows += 1;
        match row.parsed {
            Ok(person) => match apply_import(&mut known, &mut writes, &person) {
                RowOutcome::Created => counts.created += 1,
                RowOutcome::Updated => counts.updated += 1,
                RowOutcome::Unchanged => counts.unchanged += 1,
            },
            Err(rejection) => {
                counts.rejected += 1;
                sqlx::query(
                    "INSERT INTO import_rejections (import_id, row_number, reason, detail, raw) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(import_id)
                .bind(row.number)
                .bind(rejection.reason.as_str())
                .bind(&rejection.detail)
                .bind(&row.raw)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    writes.flush(&mut tx, brand_id).await?;
    sqlx::query(
        "UPDATE imports SET rows_read = $1, created = $2, updated = $3, unchanged = $4, rejected = $5, heartbeat_at = $6 \
         WHERE id = $7",
    )
    .bind(counts.rows)
    .bind(counts.created)
    .bind(counts.updated)
    .bind(counts.unchanged)
    .bind(counts.rejected)
    .bind(now_ms())
    .bind(import_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Processes an uploaded file to the end, recording the outcome on the import, then deletes the file.
pub async fn run(db: Db, import_id: String, brand_id: String, path: PathBuf, columns: Vec<Column>) {
    let (sender, mut receiver) = mpsc::channel::<Vec<Row>>(2);
    let reader_path = path.clone();
    let reader = tokio::task::spawn_blocking(move || read_rows(&reader_path, &columns, &sender));
    let mut counts = Counts::default();
    let mut failure = None;
    while let Some(rows) = receiver.recv().await {
        if let Err(e) = write_batch(&db, &import_id, &brand_id, rows, &mut counts).await {
            tracing::error!(import = %import_id, error = %e, "import batch failed");
            failure = Some("the store refused a batch; rows before it were imported".to_owned());
            break;
        }
    }
    drop(receiver);
    match reader.await {
        Ok(Err(e)) if failure.is_none() => failure = Some(format!("the file could not be read as CSV: {e}")),
        Err(e) if failure.is_none() => failure = Some(format!("the reader stopped: {e}")),
        _ => {}
    }
    let status = if failure.is_some() { "failed" } else { "completed" };
    // Thousands of new names wait in the trigram index's pending list, which every search would read through:
    // merge them now, once, rather than leave it to the next vacuum.
    if let Err(e) = crate::profiles::search::settle_index(&db).await {
        tracing::warn!(import = %import_id, error = %e, "the name index could not be settled");
    }
    finish(&db, &import_id, failure.as_deref()).await;
    let _ = tokio::fs::remove_file(&path).await;
    tracing::info!(import = %import_id, status, rows = counts.rows, rejected = counts.rejected, "import finished");
}

/// The job that processes an uploaded file.
pub const PROCESS: &str = "imports.process";

/// What [`PROCESS`] needs: the import and where its file waits.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct ProcessPayload {
    import_id: String,
    path: PathBuf,
    /// The admin's mapping of attribute columns onto existing keys.
    #[serde(default)]
    columns: ColumnMap,
}

/// The job processing import `import_id` of `brand_id`, whose file waits at `path`; keyed by the import, so
/// an upload is processed by one job.
pub fn process_job(import_id: &str, brand_id: &str, path: &Path, map: &ColumnMap, now: i64) -> NewJob {
    let payload = serde_json::json!(ProcessPayload {
        import_id: import_id.to_owned(),
        path: path.to_owned(),
        columns: map.clone(),
    });
    NewJob::new(PROCESS, import_id, payload, now)
        .for_brand(brand_id)
        .attempts(3)
}

/// Registers the import job: it processes the file from the start. A second attempt (the first one's process
/// stopped mid-file) clears the first one's counts and rejections; rows already imported come out unchanged.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (db, clock) = (db.clone(), clock.clone());
    registry.handle(PROCESS, move |job| {
        let (db, clock) = (db.clone(), clock.clone());
        async move {
            let payload: ProcessPayload = job.payload()?;
            let brand_id = job
                .brand_id
                .clone()
                .ok_or_else(|| jobs::Permanent("an import job names no brand".into()))?;
            let import_id = payload.import_id;
            let status: Option<(String,)> =
                sqlx::query_as("SELECT status FROM imports WHERE id = $1 AND brand_id = $2")
                    .bind(&import_id)
                    .bind(&brand_id)
                    .fetch_optional(db.read())
                    .await?;
            if status.as_ref().is_none_or(|(s,)| s != "processing") {
                return Ok(()); // finished by an earlier attempt that could not record its job's end
            }
            if job.attempt > 1 {
                reset(&db, &import_id, clock.now_ms()).await?;
            }
            let (header_path, map) = (payload.path.clone(), payload.columns.clone());
            let columns = match tokio::task::spawn_blocking(move || read_columns(&header_path, &map)).await? {
                Ok(Some(columns)) => columns,
                Ok(None) | Err(_) => {
                    finish(
                        &db,
                        &import_id,
                        Some("the uploaded file is no longer on this server; upload it again"),
                    )
                    .await;
                    return Ok(());
                }
            };
            run(db, import_id, brand_id, payload.path, columns).await;
            Ok(())
        }
    });
}

/// Clears what an interrupted attempt recorded, before processing the file again.
async fn reset(db: &Db, import_id: &str, now: i64) -> Result<()> {
    let import_id = import_id.to_owned();
    db.transact(move |conn| {
        Box::pin(async move {
            sqlx::query("DELETE FROM import_rejections WHERE import_id = $1")
                .bind(&import_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "UPDATE imports SET rows_read = 0, created = 0, updated = 0, unchanged = 0, rejected = 0, \
                 heartbeat_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(&import_id)
            .execute(&mut *conn)
            .await?;
            Ok(())
        })
    })
    .await
}

/// Records an import's end: completed, or failed with `failure`.
async fn finish(db: &Db, import_id: &str, failure: Option<&str>) {
    let status = if failure.is_some() { "failed" } else { "completed" };
    let finished = sqlx::query("UPDATE imports SET status = $1, error = $2, finished_at = $3 WHERE id = $4")
        .bind(status)
        .bind(failure)
        .bind(now_ms())
        .bind(import_id)
        .execute(db.write())
        .await;
    if let Err(e) = finished {
        tracing::error!(import = %import_id, error = %e, "could not record the import's outcome");
    }
}

/// How long an import may go without progress before it is taken for dead.
const STALE_MS: i64 = 10 * 60 * 1000;

/// Marks imports whose process stopped (no progress for ten minutes) as failed, so none looks stuck. Other
/// processes' live imports keep beating and are left alone.
pub async fn fail_interrupted(db: &Db) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE imports SET status = 'failed', error = 'interrupted by a server restart; upload the file again', \
         finished_at = $1 WHERE status = 'processing' AND heartbeat_at < $2 AND NOT EXISTS (SELECT 1 FROM jobs \
         WHERE jobs.kind = 'imports.process' AND jobs.job_key = imports.id AND jobs.status IN ('queued', 'running'))",
    )
    .bind(now)
    .bind(now - STALE_MS)
    .execute(db.write())
    .await?;
    Ok(())
}
