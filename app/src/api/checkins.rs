//! A store's QR poster, the check-ins and purchase claims customers make by scanning it, and how staff and admins
//! settle what needs a person's look (flagged check-ins, pending claims, a day's receipts from the till).

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use super::{StoreRef, VoucherHolder};

/// `GET /api/v1/admin/stores/{id}/poster`: what the store's QR poster holds. Reissuing it (`POST`) makes every
/// earlier poster of the store useless.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StorePoster {
    /// The store.
    pub store: StoreRef,
    /// The signed code: `CHAMS1.{store}.{version}.{signature}`. The poster's QR holds the mini app's check-in link
    /// with it (`…/checkin?code=`); the mini app's scanner finds it in any text.
    pub code: String,
    /// The poster's version: 1 for the first, one more for each reissue.
    pub version: i64,
    /// When this version was issued (RFC 3339).
    pub issued_at: String,
}

/// A store's QR code as a customer scanned it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StoreCode {
    /// The code, or the whole text of the QR (a link holding the code).
    pub code: String,
}

/// `POST /api/v1/me/check-ins`: checking in at the store whose poster was scanned, with where the member is when
/// they allow it (a check-in far from the store is flagged for review).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckInRequest {
    /// The poster's code, or the whole text of its QR.
    pub code: String,
    /// The member's latitude, with `longitude`, when they shared it.
    #[serde(default)]
    pub latitude: Option<f64>,
    /// The member's longitude.
    #[serde(default)]
    pub longitude: Option<f64>,
}

/// Where a check-in stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckInStatus {
    /// Counted at once: the visit is on the member's timeline and its points paid.
    Accepted,
    /// Held for an admin to look at; nothing is paid until they approve it.
    Flagged,
    /// Flagged, then approved: counted since.
    Approved,
    /// Flagged, then rejected: never counted.
    Rejected,
}

/// Why a check-in was held for review.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckInFlag {
    /// The poster was used more times today than the store allows.
    TooMany,
    /// The member was far from the store.
    FarAway,
}

/// A customer's check-in at a store.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckIn {
    /// Its id.
    pub id: String,
    /// The store.
    pub store: StoreRef,
    /// Where it stands.
    pub status: CheckInStatus,
    /// Why it was held, when it was.
    pub flag: Option<CheckInFlag>,
    /// How far from the store the member was, in metres, when both are known.
    pub distance_m: Option<i64>,
    /// Points it earned by the brand's earning rules (0 while held, and when none apply).
    pub points_earned: i64,
    /// When (RFC 3339).
    pub checked_in_at: String,
}

/// A check-in awaiting an admin, with who made it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FlaggedCheckIn {
    /// The check-in.
    pub check_in: CheckIn,
    /// Who checked in.
    pub member: VoucherHolder,
}

/// `GET /api/v1/admin/check-ins`: flagged check-ins awaiting review, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FlaggedCheckIns {
    /// At most 100, oldest first.
    pub items: Vec<FlaggedCheckIn>,
    /// How many await review in all.
    pub total: i64,
}

/// `POST /api/v1/admin/check-ins/{id}`: an admin's decision on a flagged check-in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckInDecision {
    /// Count it (true) or not (false).
    pub approve: bool,
}

/// `POST /api/v1/me/purchase-claims`: a purchase the member made at the store whose poster they scanned, with the
/// receipt's code and amount. It stays pending until staff confirm it or the day's receipts are reconciled.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClaimRequest {
    /// The poster's code, or the whole text of its QR.
    pub code: String,
    /// The receipt's code (1 to 64 of letters, digits, `-`, `_`, `/`).
    pub receipt_code: String,
    /// What was paid, in whole đồng.
    pub amount_vnd: i64,
}

/// Where a purchase claim stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Waiting for staff or the day's receipts.
    Pending,
    /// Confirmed: the purchase is on the member's timeline and its points paid.
    Confirmed,
    /// Refused (see the reason).
    Rejected,
}

/// Why a claim was refused.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClaimReason {
    /// Staff said it is not a receipt of theirs.
    RefusedByStaff,
    /// The till's receipts of that day do not hold it.
    NotOnReceipts,
    /// The till's receipt has another amount.
    AmountDiffers,
    /// The receipt was recorded another way first.
    ReceiptUsed,
}

/// A member's purchase claim.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PurchaseClaim {
    /// Its id.
    pub id: String,
    /// The store.
    pub store: StoreRef,
    /// The receipt's code, as stored (upper case).
    pub receipt_code: String,
    /// What the member said they paid, in đồng.
    pub amount_vnd: i64,
    /// Where it stands.
    pub status: ClaimStatus,
    /// Why it was refused.
    pub reason: Option<ClaimReason>,
    /// Points it earned once confirmed.
    pub points_earned: i64,
    /// When it was claimed (RFC 3339).
    pub claimed_at: String,
}

/// `GET /api/v1/me/purchase-claims`: the member's claims, newest first (at most 50).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyClaims {
    /// Newest first.
    pub items: Vec<PurchaseClaim>,
}

/// A pending claim as staff see it, with who made it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffClaim {
    /// The claim.
    pub claim: PurchaseClaim,
    /// Who claimed it.
    pub member: VoucherHolder,
}

/// `GET /api/v1/staff/purchase-claims`: the store's pending claims, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffClaims {
    /// At most 100, oldest first.
    pub items: Vec<StaffClaim>,
}

/// `POST /api/v1/staff/purchase-claims/{id}`: staff confirm a pending claim against the till, or refuse it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClaimDecision {
    /// Confirm (true) or refuse (false).
    pub confirm: bool,
}

/// `POST /api/v1/admin/purchase-claims/reconcile`: which store's day the uploaded till export (CSV) covers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct ReconcileQuery {
    /// The store.
    pub store_id: String,
    /// The business day (`YYYY-MM-DD`, Vietnam's day).
    pub day: String,
}

/// What reconciling a day's receipts did to that day's pending claims at the store.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Reconciliation {
    /// Receipts read from the file.
    pub receipts: i64,
    /// Claims confirmed (the receipt is there with the same amount).
    pub confirmed: i64,
    /// Claims refused because the receipt's amount differs.
    pub amount_differs: i64,
    /// Claims refused because no receipt of the day has their code.
    pub not_on_receipts: i64,
    /// Claims refused because the receipt was recorded another way first.
    pub receipt_used: i64,
    /// Lines of the file that could not be read (no code, or an amount that is not whole đồng), by line number.
    pub unreadable_lines: Vec<i64>,
}
