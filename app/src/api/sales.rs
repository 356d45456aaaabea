//! The console's orders: a page of the brand's orders and one order with its payment trail.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use super::Order;

/// `GET /api/v1/admin/orders`: a page of the brand's orders, newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct OrdersQuery {
    /// `awaiting_payment`, `paid` or `failed`; all when absent.
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
}
