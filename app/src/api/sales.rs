//! The console's orders: a page of the brand's orders and one order with its payment trail.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use super::Order;

/// `GET /api/v1/admin/orders`: a page of the brand's orders, newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct OrdersQuery {
    /// `awaiting_payment`, `paid`, `fulfilled`, `partly_refunded`, `refunded` or `failed`; all when absent.
    pub status: Option<String>,
    /// From the last page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–200 (50 unless given).
    pub limit: Option<i64>,
}

/// An order as the console lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminOrder {
    /// The order.
    pub order: Order,
    /// The member's profile id.
    pub profile_id: String,
    /// The member's name, when known.
    pub member_name: Option<String>,
    /// The pick-up store's name.
    pub store_name: Option<String>,
    /// Why it failed (`zalo_payment_failed`, `momo_payment_failed`, `not_paid_in_time`, …).
    pub failure: Option<String>,
}

/// A page of orders.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrdersPage {
    /// The orders.
    pub orders: Vec<AdminOrder>,
    /// The next page's cursor, when there is one.
    pub next_cursor: Option<String>,
}

/// One message of an order's payment trail, as received or answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PaymentTrailEntry {
    /// `create`, `notice` (a callback or an IPN) or `query`.
    pub kind: String,
    /// `zalo` or `momo`.
    pub provider: String,
    /// What it did: `ok`, `paid`, `repeated`, `processing`, or why it failed.
    pub outcome: String,
    /// When (RFC 3339).
    pub received_at: String,
    /// The message, JSON.
    pub body: String,
}

/// `GET /api/v1/admin/orders/{id}`: an order with its payment trail, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminOrderDetail {
    /// The order.
    pub summary: AdminOrder,
    /// Every payment message.
    pub trail: Vec<PaymentTrailEntry>,
    /// Its refunds, oldest first.
    #[serde(default)]
    pub refunds: Vec<OrderRefund>,
}

/// `POST /api/v1/admin/orders/{id}/refunds`: give back all or part of a paid order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RefundOrder {
    /// Đồng to give back: 1 up to what is left of the order.
    pub amount_vnd: i64,
    /// Why (1–200 characters): kept with the refund and sent to the payment service.
    pub reason: String,
    /// The same key again is the same refund (a double click refunds once).
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// Where a refund stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Asked for; the payment service has not answered yet.
    Requested,
    /// The payment service is processing it.
    Processing,
    /// The money went back.
    Done,
    /// The payment service refused it: nothing went back.
    Failed,
}

impl RefundStatus {
    /// The status a stored name means.
    pub fn parse(s: &str) -> RefundStatus {
        match s {
            "requested" => RefundStatus::Requested,
            "processing" => RefundStatus::Processing,
            "done" => RefundStatus::Done,
            _ => RefundStatus::Failed,
        }
    }

    /// What a person reads (Vietnamese, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            RefundStatus::Requested => ("Đã gửi yêu cầu", "Requested"),
            RefundStatus::Processing => ("Đang hoàn tiền", "Processing"),
            RefundStatus::Done => ("Đã hoàn tiền", "Refunded"),
            RefundStatus::Failed => ("Không hoàn được", "Refused"),
        }
    }
}

/// A refund of an order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderRefund {
    /// Our id.
    pub id: String,
    /// Đồng given back (or asked for).
    pub amount_vnd: i64,
    /// Why.
    pub reason: String,
    /// Where it stands.
    pub status: RefundStatus,
    /// The payment service's code when it refused.
    pub failure: Option<String>,
    /// Points the refund took back.
    pub points_reversed: i64,
    /// Asked for (RFC 3339).
    pub created_at: String,
}

/// `GET /api/v1/staff/orders`: the store's paid orders not picked up yet, oldest paid first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffOrders {
    /// At most 100.
    pub items: Vec<AdminOrder>,
}

/// `GET /api/v1/admin/sales`: the period and, optionally, one store.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct SalesQuery {
    /// Days ending today, 7 to 365 (30 unless given).
    pub days: Option<i64>,
    /// Only this pick-up store's orders.
    pub store_id: Option<String>,
}

/// What was sold over a period: paid orders by the Vietnamese day they were paid, by store and by product.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SalesReport {
    /// The period's length in days.
    pub days: i64,
    /// The store it is about, when one was asked for.
    pub store_id: Option<String>,
    /// The period's totals.
    pub totals: SalesTotals,
    /// Every day of the period, oldest first (days without sales at zero).
    pub by_day: Vec<SalesDay>,
    /// Each store's part, the biggest first.
    pub by_store: Vec<SalesByStore>,
    /// The best-selling products, by what they sold for (at most 20).
    pub by_product: Vec<SalesByProduct>,
}

/// A period's totals.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SalesTotals {
    /// Paid orders (not refunded in full).
    pub orders: i64,
    /// What members paid, less what was refunded, in đồng.
    pub revenue_vnd: i64,
    /// What was refunded, in đồng.
    pub refunded_vnd: i64,
    /// Revenue per order, in đồng.
    pub average_vnd: i64,
}

/// One day's sales.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SalesDay {
    /// `2026-12-01` (Vietnam's calendar).
    pub day: String,
    /// Paid orders.
    pub orders: i64,
    /// Revenue, in đồng.
    pub revenue_vnd: i64,
}

/// One store's sales.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SalesByStore {
    /// The store (none: orders without a pick-up store).
    pub store_id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Paid orders.
    pub orders: i64,
    /// Revenue, in đồng.
    pub revenue_vnd: i64,
}

/// One product's sales.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SalesByProduct {
    /// The product.
    pub product_id: String,
    /// Its name when last ordered.
    pub name: String,
    /// How many were sold.
    pub quantity: i64,
    /// What its lines came to before discounts, in đồng.
    pub sales_vnd: i64,
}
