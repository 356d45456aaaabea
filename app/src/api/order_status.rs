//! Where an order stands: one state machine (awaiting payment → paid → picked up | partly refunded | refunded,
//! or failed, or cancelled), its names on the wire and what a person reads for each.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed; the member has not paid yet (or the payment is still being processed).
    AwaitingPayment,
    /// Paid.
    Paid,
    /// Paid and picked up at the store.
    Fulfilled,
    /// Part of the payment was given back.
    PartlyRefunded,
    /// All of the payment was given back.
    Refunded,
    /// The payment failed or was declined.
    Failed,
    /// The member cancelled it before paying.
    Cancelled,
}

impl OrderStatus {
    /// Every status, in the order the console's filter lists them.
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        OrderStatus::Fulfilled,
        OrderStatus::PartlyRefunded,
        OrderStatus::Refunded,
        OrderStatus::Failed,
        OrderStatus::Cancelled,
    ];

    /// The name on the wire and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::PartlyRefunded => "partly_refunded",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Failed => "failed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// The status a stored name means.
    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Whether the member paid for it (and was not given everything back).
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid | OrderStatus::Fulfilled | OrderStatus::PartlyRefunded
        )
    }

    /// How it reads at a glance: `ok`, `running`, `muted` or `failed` (the badge's tone).
    pub fn tone(self) -> &'static str {
        match self {
            OrderStatus::Paid | OrderStatus::Fulfilled => "ok",
            OrderStatus::AwaitingPayment => "running",
            OrderStatus::PartlyRefunded | OrderStatus::Refunded | OrderStatus::Cancelled => "muted",
            OrderStatus::Failed => "failed",
        }
    }

    /// What a person reads (Vietnamese, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            OrderStatus::AwaitingPayment => ("Chờ thanh toán", "Awaiting payment"),
            OrderStatus::Paid => ("Đã thanh toán", "Paid"),
            OrderStatus::Fulfilled => ("Đã nhận món", "Picked up"),
            OrderStatus::PartlyRefunded => ("Đã hoàn một phần", "Partly refunded"),
            OrderStatus::Refunded => ("Đã hoàn tiền", "Refunded"),
            OrderStatus::Failed => ("Thanh toán không thành công", "Payment failed"),
            OrderStatus::Cancelled => ("Đã huỷ", "Cancelled"),
        }
    }
}
