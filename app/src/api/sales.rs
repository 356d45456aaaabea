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
