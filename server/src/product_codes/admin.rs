//! The console's product code batches: make one (its codes written in batches within one transaction), list them
//! with what was scanned and refused, export a batch's codes as CSV, and revoke one.

use app::api::{BatchCsvQuery, ErrorBody, ErrorCode, FieldProblem, ProductBatch, ProductBatchInput};
use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use rand::Rng;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::PREFIX;
use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{new_id, rfc3339},
    error::{Error, Json, Result},
    platform::spreadsheet,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(codes_csv))
        .routes(routes!(revoke))
}

/// Codes written a statement.
const ROWS_A_STATEMENT: usize = 500;

fn validate(mut input: ProductBatchInput) -> Result<ProductBatchInput> {
    let invalid = |pointer: &str, problem: FieldProblem, message: &str| {
        Error::unprocessable(ErrorCode::InvalidProductBatch, message).at(pointer, problem)
    };
    input.name = input.name.trim().to_owned();
    if input.name.is_empty() || input.name.chars().count() > 120 {
        return Err(invalid(
            "/name",
            FieldProblem::Length { min: 1, max: 120 },
            "A batch needs a name of at most 120 characters.",
        ));
    }
    if !(1..=100_000).contains(&input.points) {
        return Err(invalid(
            "/points",
            FieldProblem::Range { min: 1, max: 100_000 },
            "A code earns 1 to 100,000 points.",
        ));
    }
    if !(1..=100_000).contains(&input.count) {
        return Err(invalid(
            "/count",
            FieldProblem::Range { min: 1, max: 100_000 },
            "A batch has 1 to 100,000 codes.",
        ));
    }
    Ok(input)
}

/// A fresh code: `CHAMP.` and 12 characters a person can read aloud (no 0/o, 1/l/i): 60 random bits.
fn new_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let body: String = (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{PREFIX}{body}")
}

#[derive(sqlx::FromRow)]
struct BatchRow {
    id: String,
    name: String,
    points: i64,
    count: i64,
    revoked_at: Option<i64>,
    created_at: i64,
    spent: i64,
    refused: i64,
}

const BATCH_QUERY: &str = "SELECT b.id, b.name, b.points, b.count, b.revoked_at, b.created_at, \
     (SELECT COUNT(*) FROM product_codes c WHERE c.batch_id = b.id AND c.spent_at IS NOT NULL) AS spent, \
     (SELECT CAST(COALESCE(SUM(c.refused_scans), 0) AS BIGINT) FROM product_codes c WHERE c.batch_id = b.id) AS refused \
     FROM product_code_batches b";

fn to_api(row: BatchRow) -> ProductBatch {
    ProductBatch {
        id: row.id,
        input: ProductBatchInput {
            name: row.name,
            points: row.points,
            count: row.count,
        },
        spent: row.spent,
        refused_scans: row.refused,
        revoked: row.revoked_at.is_some(),
        created_at: rfc3339(row.created_at),
    }
}

async fn find(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<ProductBatch> {
    let row: Option<BatchRow> = sqlx::query_as(&format!("{BATCH_QUERY} WHERE b.id = $1 AND b.brand_id = $2"))
        .bind(id)
        .bind(brand_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(to_api).ok_or_else(|| {
        Error::not_found(
            ErrorCode::UnknownProductBatch,
            "There is no such batch of product codes.",
        )
    })
}

/// The brand's batches, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/admin/product-batches",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<ProductBatch>), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn list(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Vec<ProductBatch>>> {
    let rows: Vec<BatchRow> = sqlx::query_as(&format!(
        "{BATCH_QUERY} WHERE b.brand_id = $1 ORDER BY b.created_at DESC, b.id DESC LIMIT 200"
    ))
    .bind(&claims.brand)
    .fetch_all(state.db.read())
    .await?;
    Ok(Json(rows.into_iter().map(to_api).collect()))
}

/// Makes a batch of codes.
#[utoipa::path(
    post,
    path = "/api/v1/admin/product-batches",
    tag = "admin",
    security(("bearer" = [])),
    request_body = ProductBatchInput,
    responses(
        (status = 201, body = ProductBatch),
        (status = 422, description = "`invalid_product_batch`, with the field at fault", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<ProductBatchInput>,
) -> Result<(StatusCode, Json<ProductBatch>)> {
    let input = validate(input)?;
    let id = new_id();
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO product_code_batches (id, brand_id, name, points, count, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&claims.brand)
    .bind(&input.name)
    .bind(input.points)
    .bind(input.count)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let total = usize::try_from(input.count).unwrap_or(0);
    let mut written = 0;
    while written < total {
        let n = ROWS_A_STATEMENT.min(total - written);
        let mut sql = String::from("INSERT INTO product_codes (code, brand_id, batch_id) VALUES ");
        for i in 0..n {
            let at = i * 3;
            sql.push_str(&format!(
                "{}(${}, ${}, ${})",
                if i == 0 { "" } else { ", " },
                at + 1,
                at + 2,
                at + 3
            ));
        }
        // 60 random bits a code: a clash with an earlier code is all but impossible; should one happen, that row
        // is skipped (never a code printed twice) and the loop makes one more in its place.
        sql.push_str(" ON CONFLICT (code) DO NOTHING");
        let mut query = sqlx::query(&sql);
        for _ in 0..n {
            query = query.bind(new_code()).bind(&claims.brand).bind(&id);
        }
        let inserted = query.execute(&mut *tx).await?.rows_affected();
        written += usize::try_from(inserted).unwrap_or(0);
    }
    let batch = find(&mut tx, &claims.brand, &id).await?;
    tx.commit().await?;
    tracing::info!(batch = %id, count = input.count, "product codes made");
    Ok((StatusCode::CREATED, Json(batch)))
}

/// A batch's codes as CSV (for the printer): the code, its link when `link_base` is given, and whether it was
/// scanned.
#[utoipa::path(
    get,
    path = "/api/v1/admin/product-batches/{id}/codes.csv",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Batch id"), BatchCsvQuery),
    responses(
        (status = 200, content_type = "text/csv"),
        (status = 404, description = "`unknown_product_batch`", body = ErrorBody),
    )
)]
async fn codes_csv(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Query(q): Query<BatchCsvQuery>,
) -> Result<Response> {
    let mut conn = state.db.read().acquire().await?;
    let batch = find(&mut conn, &claims.brand, &id).await?;
    let codes: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT code, spent_at FROM product_codes WHERE batch_id = $1 ORDER BY code")
            .bind(&batch.id)
            .fetch_all(&mut *conn)
            .await?;
    let lang = spreadsheet::CsvLanguage { lang: q.lang.clone() };
    let base = q
        .link_base
        .as_deref()
        .map(str::trim)
        .filter(|b| b.starts_with("https://") || b.starts_with("http://"));
    let head = [
        lang.pick(("Mã", "Code")),
        lang.pick(("Liên kết", "Link")),
        lang.pick(("Đã quét", "Scanned")),
    ];
    let mut out = format!("{}{}", spreadsheet::BOM, spreadsheet::line(&head));
    for (code, spent) in codes {
        let link = base.map(|b| format!("{b}checkin?code={code}")).unwrap_or_default();
        let scanned = if spent.is_some() { lang.pick(("có", "yes")) } else { "" };
        out.push_str(&spreadsheet::line(&[code.as_str(), link.as_str(), scanned]));
    }
    let name = format!("attachment; filename=\"product-codes-{}.csv\"", batch.id);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        out,
    )
        .into_response())
}

/// Revokes a batch: its codes not scanned yet earn nothing any more.
#[utoipa::path(
    post,
    path = "/api/v1/admin/product-batches/{id}/revoke",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Batch id")),
    responses(
        (status = 200, body = ProductBatch),
        (status = 404, description = "`unknown_product_batch`", body = ErrorBody),
    )
)]
async fn revoke(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<ProductBatch>> {
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE product_code_batches SET revoked_at = $1 WHERE id = $2 AND brand_id = $3 AND revoked_at IS NULL",
    )
    .bind(state.clock.now_ms())
    .bind(&id)
    .bind(&claims.brand)
    .execute(&mut *tx)
    .await?;
    let batch = find(&mut tx, &claims.brand, &id).await?;
    tx.commit().await?;
    Ok(Json(batch))
}
