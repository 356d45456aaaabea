//! What takes money off an order: a discount voucher from the member's wallet and points spent as payment (at
//! the brand's point value, `loyalty_settings.point_value_vnd`). [`compute`] checks and prices them without
//! writing (a quote, and the first step of placing); [`take`] uses the voucher and debits the points in the
//! order's transaction; [`give_back`] hands both back when the order fails or is refunded in full, and
//! [`take_again`] uses them again when a payment arrives for an order that had failed.
//!
//! Whatever they take off, at least [`MIN_TO_PAY`] is left to pay: the payment services take no smaller payment.

use app::api::{ErrorCode, FieldProblem};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::AnyConnection;

use crate::{
    error::{Error, Result},
    events::{self, NewEvent},
    loyalty::ledger::{self, Debit, Kind, Source},
};

/// The least an order with a discount leaves to pay, in đồng.
pub const MIN_TO_PAY: i64 = 1_000;

/// What the member asked to take off.
#[derive(Debug, Clone, Default)]
pub(super) struct Wanted {
    pub voucher_id: Option<String>,
    pub points: i64,
}

/// What comes off, priced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Discount {
    pub voucher_id: Option<String>,
    pub voucher_vnd: i64,
    pub points: i64,
    pub points_vnd: i64,
    pub total_vnd: i64,
    pub point_value_vnd: Option<i64>,
    pub max_points: i64,
}

/// A voucher of the member's wallet with what its reward takes off.
#[derive(Debug, sqlx::FromRow)]
struct WalletVoucher {
    status: String,
    expires_at: i64,
    kind: String,
    discount_vnd: Option<i64>,
    discount_pct: Option<i64>,
}

fn voucher_refusal(status: StatusCode, code: ErrorCode, message: &str) -> Error {
    Error::new(status, code, message).at("/voucher_id", FieldProblem::NotAllowed)
}

/// Checks and prices the voucher and the points against `subtotal`, reading only.
pub(super) async fn compute(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    subtotal: i64,
    wanted: &Wanted,
    now: i64,
) -> Result<Discount> {
    let mut voucher_vnd = 0_i64;
    let voucher_id = wanted.voucher_id.as_deref().map(str::trim).filter(|v| !v.is_empty());
    if let Some(id) = voucher_id {
        let found: Option<WalletVoucher> = sqlx::query_as(
            "SELECT v.status, v.expires_at, r.kind, r.discount_vnd, r.discount_pct FROM vouchers v \
             JOIN rewards r ON r.id = v.reward_id WHERE v.id = $1 AND v.brand_id = $2 AND v.profile_id = $3",
        )
        .bind(id)
        .bind(brand_id)
        .bind(profile_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(WalletVoucher {
            status,
            expires_at,
            kind,
            discount_vnd: off_vnd,
            discount_pct: off_pct,
        }) = found
        else {
            return Err(
                Error::not_found(ErrorCode::UnknownVoucher, "There is no such voucher in your wallet.")
                    .at("/voucher_id", FieldProblem::Unknown),
            );
        };
        match status.as_str() {
            "used" => {
                return Err(voucher_refusal(
                    StatusCode::CONFLICT,
                    ErrorCode::VoucherUsed,
                    "This voucher was already used.",
                ));
            }
            "cancelled" => {
                return Err(voucher_refusal(
                    StatusCode::CONFLICT,
                    ErrorCode::VoucherCancelled,
                    "This voucher was cancelled.",
                ));
            }
            _ if status == "expired" || expires_at <= now => {
                return Err(voucher_refusal(
                    StatusCode::CONFLICT,
                    ErrorCode::VoucherExpired,
                    "This voucher has expired.",
                ));
            }
            _ => {}
        }
        voucher_vnd = match (kind.as_str(), off_vnd, off_pct) {
            ("discount_voucher", Some(vnd), _) if vnd > 0 => vnd,
            ("discount_voucher", _, Some(pct)) if (1..=100).contains(&pct) => {
                i64::try_from(i128::from(subtotal) * i128::from(pct) / 100).unwrap_or(subtotal)
            }
            _ => {
                return Err(voucher_refusal(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::VoucherNotForOrders,
                    "This voucher is used at the counter; it takes nothing off an order.",
                ));
            }
        };
        // A voucher never leaves less than the least payment (it may be worth more than a small order).
        voucher_vnd = voucher_vnd.min(subtotal.saturating_sub(MIN_TO_PAY)).max(0);
    }
    let after_voucher = subtotal.saturating_sub(voucher_vnd);

    let value: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT point_value_vnd FROM loyalty_settings WHERE brand_id = $1")
            .bind(brand_id)
            .fetch_optional(&mut *conn)
            .await?;
    let point_value = value.and_then(|v| v.0).filter(|v| *v > 0);
    let balance: Option<(i64,)> = sqlx::query_as("SELECT balance FROM points_accounts WHERE profile_id = $1")
        .bind(profile_id)
        .fetch_optional(&mut *conn)
        .await?;
    let balance = balance.map_or(0, |b| b.0).max(0);
    let max_points = match point_value {
        Some(v) => (after_voucher.saturating_sub(MIN_TO_PAY).max(0) / v).min(balance),
        None => 0,
    };
    let points = wanted.points;
    if points < 0 {
        return Err(
            Error::unprocessable(ErrorCode::InvalidOrder, "Points cannot be negative.").at(
                "/points",
                FieldProblem::Range {
                    min: 0,
                    max: max_points,
                },
            ),
        );
    }
    let mut points_vnd = 0;
    if points > 0 {
        let Some(v) = point_value else {
            return Err(Error::unprocessable(
                ErrorCode::PointsNotAccepted,
                "The brand does not take points as payment.",
            )
            .at("/points", FieldProblem::NotAllowed));
        };
        if points > balance {
            return Err(ledger::insufficient_points(balance, points).at(
                "/points",
                FieldProblem::Range {
                    min: 0,
                    max: max_points,
                },
            ));
        }
        if points > max_points {
            return Err(Error::unprocessable(
                ErrorCode::TooManyPoints,
                format!("This order takes at most {max_points} points."),
            )
            .at(
                "/points",
                FieldProblem::Range {
                    min: 0,
                    max: max_points,
                },
            ));
        }
        points_vnd = points.saturating_mul(v);
    }
    Ok(Discount {
        voucher_id: voucher_id.map(str::to_owned),
        voucher_vnd,
        points,
        points_vnd,
        total_vnd: after_voucher.saturating_sub(points_vnd),
        point_value_vnd: point_value,
        max_points,
    })
}

/// Uses the voucher and debits the points, in the order's transaction. The points' ledger entry, if any.
pub(super) async fn take(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    order_id: &str,
    d: &Discount,
    now: i64,
) -> Result<Option<String>> {
    if let Some(voucher) = &d.voucher_id {
        let used = sqlx::query(
            "UPDATE vouchers SET status = 'used', used_at = $1, used_by = $2 WHERE id = $3 AND status = 'issued'",
        )
        .bind(now)
        .bind(format!("order:{order_id}"))
        .bind(voucher)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if used != 1 {
            return Err(voucher_refusal(
                StatusCode::CONFLICT,
                ErrorCode::VoucherUsed,
                "This voucher was already used.",
            ));
        }
        let properties = json!({ "voucher_id": voucher, "order_id": order_id, "discount_vnd": d.voucher_vnd });
        events::record(
            conn,
            brand_id,
            &NewEvent {
                profile_id,
                event_type: "voucher_used",
                occurred_at: now,
                source: "server",
                properties: &properties,
                campaign: &events::Campaign::default(),
                idempotency_key: Some(&format!("voucher_used:{voucher}:{order_id}")),
            },
        )
        .await?;
    }
    if d.points == 0 {
        return Ok(None);
    }
    let account = ledger::lock(conn, brand_id, profile_id, now).await?;
    let key = format!("order_points:{order_id}");
    let entry = ledger::debit(
        conn,
        brand_id,
        profile_id,
        &Debit {
            kind: Kind::Redeem,
            points: d.points,
            source: Source {
                kind: "order",
                reference: order_id,
                key: &key,
                label: Some("order_points"),
                reason: None,
                actor: profile_id,
            },
        },
        account.balance,
        now,
    )
    .await?;
    Ok(entry)
}

/// What an order took off, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Taken {
    profile_id: String,
    voucher_id: Option<String>,
    points_entry_id: Option<String>,
}

async fn taken(conn: &mut AnyConnection, order_id: &str) -> Result<Option<Taken>> {
    Ok(
        sqlx::query_as("SELECT profile_id, voucher_id, points_entry_id FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Hands the voucher and the points back (the order failed, or was refunded in full). Once: a voucher is handed
/// back only while this order holds it, and a points debit is reversed once.
pub(super) async fn give_back(
    conn: &mut AnyConnection,
    brand_id: &str,
    order_id: &str,
    reason: &str,
    now: i64,
) -> Result<()> {
    let Some(t) = taken(conn, order_id).await? else {
        return Ok(());
    };
    if let Some(voucher) = &t.voucher_id {
        sqlx::query(
            "UPDATE vouchers SET status = CASE WHEN expires_at <= $1 THEN 'expired' ELSE 'issued' END, \
             used_at = NULL, used_by = NULL WHERE id = $2 AND status = 'used' AND used_by = $3",
        )
        .bind(now)
        .bind(voucher)
        .bind(format!("order:{order_id}"))
        .execute(&mut *conn)
        .await?;
    }
    if let Some(entry_id) = &t.points_entry_id {
        let account = ledger::lock(conn, brand_id, &t.profile_id, now).await?;
        if let Some(entry) = ledger::entry(conn, brand_id, entry_id).await? {
            ledger::reverse(conn, brand_id, &entry, account.balance, reason, "server", now).await?;
        }
    }
    Ok(())
}

/// A payment arrived for an order that had failed (and had handed its voucher and points back): uses them again
/// where they are still there. What is gone (a voucher used since, points spent since) stays with the member:
/// the payment was for the discounted total, and the order is paid.
pub(super) async fn take_again(conn: &mut AnyConnection, brand_id: &str, order_id: &str, now: i64) -> Result<()> {
    let Some(t) = taken(conn, order_id).await? else {
        return Ok(());
    };
    if let Some(voucher) = &t.voucher_id {
        sqlx::query(
            "UPDATE vouchers SET status = 'used', used_at = $1, used_by = $2 WHERE id = $3 AND status = 'issued'",
        )
        .bind(now)
        .bind(format!("order:{order_id}"))
        .bind(voucher)
        .execute(&mut *conn)
        .await?;
    }
    if let Some(entry_id) = &t.points_entry_id {
        let reversal: Option<(String,)> = sqlx::query_as("SELECT id FROM points_entries WHERE reverses_id = $1")
            .bind(entry_id)
            .fetch_optional(&mut *conn)
            .await?;
        let spent: Option<(i64,)> = sqlx::query_as("SELECT points_spent FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?;
        if let (Some(_), Some((points,))) = (reversal, spent)
            && points > 0
        {
            let account = ledger::lock(conn, brand_id, &t.profile_id, now).await?;
            let points = points.min(account.balance);
            if points > 0 {
                let key = format!("order_points_again:{order_id}");
                let again = ledger::debit(
                    conn,
                    brand_id,
                    &t.profile_id,
                    &Debit {
                        kind: Kind::Redeem,
                        points,
                        source: Source {
                            kind: "order",
                            reference: order_id,
                            key: &key,
                            label: Some("order_points"),
                            reason: None,
                            actor: "server",
                        },
                    },
                    account.balance,
                    now,
                )
                .await?;
                if let Some(again) = again {
                    sqlx::query("UPDATE orders SET points_entry_id = $1 WHERE id = $2")
                        .bind(again)
                        .bind(order_id)
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
    }
    Ok(())
}
