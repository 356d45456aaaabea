//! Reconciling a store's day with the till: an admin uploads the POS export of that day's receipts (CSV) and every
//! claim still pending at the store for that day is settled by it: confirmed when the receipt is there with the
//! same amount, refused when the amount differs or no receipt has its code.

use std::collections::HashMap;

use app::api::{ErrorBody, ErrorCode, ReconcileQuery, Reconciliation};
use axum::extract::State;
use chrono::NaiveDate;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::claims::{self, COLUMNS, Row};
use crate::error::Query;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    error::{Error, Json, Result},
    profiles::search::fold,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reconcile))
}

/// Header names of the receipt's code and its amount, folded (`Mã hoá đơn` → `ma hoa don`).
const CODE_HEADERS: &[&str] = &[
    "receipt_code",
    "receipt",
    "receipt code",
    "code",
    "ma hoa don",
    "ma_hoa_don",
    "so hoa don",
    "so_hoa_don",
    "ma don",
];
const AMOUNT_HEADERS: &[&str] = &[
    "amount_vnd",
    "amount",
    "total",
    "so tien",
    "so_tien",
    "tong tien",
    "tong_tien",
    "thanh tien",
    "thanh_tien",
];

fn bad_file(message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidReceiptFile, message)
}

/// A till's amount in whole đồng: `45000`, `45.000`, `45,000`, `45.000 đ`, `45,000 VND`.
fn amount(text: &str) -> Option<i64> {
    let text = text
        .trim()
        .trim_end_matches(['đ', '₫'])
        .trim_end_matches("VND")
        .trim_end_matches("vnd")
        .trim();
    let grouped = text.contains(['.', ',']);
    if grouped {
        // Thousands separators only: groups of three after the first.
        let mut groups = text.split(['.', ',']);
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || !groups.clone().all(|g| g.len() == 3) {
            return None;
        }
    }
    let digits: String = text.chars().filter(|c| !matches!(c, '.' | ',')).collect();
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The receipts in a till's export, by code (the last line of a code wins), and the lines that could not be read.
fn receipts(text: &str) -> Result<(HashMap<String, i64>, Vec<i64>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = match text.lines().next() {
        Some(head) if head.matches(';').count() > head.matches(',').count() => b';',
        _ => b',',
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| bad_file("The file is not CSV."))?
        .iter()
        .map(|h| fold(h.trim()))
        .collect::<Vec<_>>();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(code_at), Some(amount_at)) = (column(CODE_HEADERS), column(AMOUNT_HEADERS)) else {
        return Err(bad_file(
            "The file needs a receipt code column (receipt_code, Mã hoá đơn) and an amount column (amount_vnd, Số tiền).",
        ));
    };
    let mut found = HashMap::new();
    let mut unreadable = Vec::new();
    for (n, record) in reader.records().enumerate() {
        // Line 1 is the header.
        let line = i64::try_from(n).unwrap_or(i64::MAX).saturating_add(2);
        let Ok(record) = record else {
            unreadable.push(line);
            continue;
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let code = record.get(code_at).map(super::receipt_code);
        let value = record.get(amount_at).and_then(amount);
        match (code, value) {
            (Some(Ok(code)), Some(value)) if value > 0 => {
                found.insert(code, value);
            }
            _ => unreadable.push(line),
        }
    }
    Ok((found, unreadable))
}

/// Settles the store's pending claims of a day by the till's export of that day (CSV, a header row naming the
/// receipt code and amount columns, in English or Vietnamese; commas or semicolons).
#[utoipa::path(
    post,
    path = "/api/v1/admin/purchase-claims/reconcile",
    tag = "admin",
    security(("bearer" = [])),
    params(ReconcileQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, body = Reconciliation),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
        (status = 422, description = "`invalid_day`, `invalid_receipt_file`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(store = %q.store_id, day = %q.day))]
async fn reconcile(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Query(q): Query<ReconcileQuery>,
    body: String,
) -> Result<Json<Reconciliation>> {
    let now = state.clock.now_ms();
    let day = NaiveDate::parse_from_str(q.day.trim(), "%Y-%m-%d")
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .filter(|d| *d <= super::day_of(now))
        .ok_or_else(|| Error::unprocessable(ErrorCode::InvalidDay, "A day is YYYY-MM-DD, today or before."))?;
    if body.contains('\0') {
        return Err(bad_file("The file is not CSV."));
    }
    let (found, unreadable_lines) = receipts(&body)?;
    let mut tx = state.db.begin().await?;
    super::find(&mut tx, &claims.brand, q.store_id.trim())
        .await?
        .ok_or_else(super::unknown_store)?;
    let pending: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM purchase_claims c JOIN stores s ON s.id = c.store_id \
         WHERE c.brand_id = $1 AND c.store_id = $2 AND c.day = $3 AND c.status = 'pending' ORDER BY c.claimed_at"
    ))
    .bind(&claims.brand)
    .bind(q.store_id.trim())
    .bind(&day)
    .fetch_all(&mut *tx)
    .await?;
    let mut report = Reconciliation {
        receipts: i64::try_from(found.len()).unwrap_or(i64::MAX),
        confirmed: 0,
        amount_differs: 0,
        not_on_receipts: 0,
        receipt_used: 0,
        unreadable_lines,
    };
    for claim in &pending {
        let refused = match found.get(&claim.receipt_code) {
            Some(&paid) if paid == claim.amount_vnd => None,
            Some(_) => Some("amount_differs"),
            None => Some("not_on_receipts"),
        };
        if !claims::settle(&mut tx, &claims.brand, claim, &claims.sub, refused, now).await? {
            continue;
        }
        match refused {
            Some("amount_differs") => report.amount_differs += 1,
            Some(_) => report.not_on_receipts += 1,
            None => {
                let (status,): (String,) = sqlx::query_as("SELECT status FROM purchase_claims WHERE id = $1")
                    .bind(&claim.id)
                    .fetch_one(&mut *tx)
                    .await?;
                if status == "confirmed" {
                    report.confirmed += 1;
                } else {
                    report.receipt_used += 1;
                }
            }
        }
    }
    tx.commit().await?;
    tracing::info!(confirmed = report.confirmed, refused = pending.len(), "day reconciled");
    Ok(Json(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn till_amounts_in_the_ways_tills_write_them() {
        for (text, want) in [
            ("45000", 45_000),
            ("45.000", 45_000),
            ("1,250,000", 1_250_000),
            ("45.000 đ", 45_000),
        ] {
            assert_eq!(amount(text), Some(want), "{text}");
        }
        for text in ["", "45.5", "4,50", "-5", "abc", "1.2345", "9999999999999999"] {
            assert_eq!(amount(text), None, "{text}");
        }
    }

    #[test]
    fn a_vietnamese_export_with_semicolons_and_a_bom() {
        let file = "\u{feff}Mã hoá đơn;Số tiền;Ghi chú\nhd-1;45.000;\nHD-2;x;\n;;\nHD 3;10000;\n";
        let (found, unreadable) = receipts(file).unwrap();
        assert_eq!(found.get("HD-1"), Some(&45_000));
        assert_eq!(found.len(), 1);
        assert_eq!(unreadable, vec![3, 5]);
        assert_eq!(
            receipts("name,price\na,1\n").unwrap_err().code(),
            ErrorCode::InvalidReceiptFile
        );
    }
}
