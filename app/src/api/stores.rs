//! Stores, the staff tied to them, and the store a staff action happens at.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use super::{MemberGift, StaffRole, StaffUser, Voucher, VoucherHolder};

/// A store as the console edits it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StoreInput {
    /// Its name, unique in the brand (1–120 characters).
    pub name: String,
    /// Its street address (1–300 characters).
    pub address: String,
    /// Latitude in degrees (−90 to 90), with `longitude`; both or neither.
    #[serde(default)]
    pub latitude: Option<f64>,
    /// Longitude in degrees (−180 to 180).
    #[serde(default)]
    pub longitude: Option<f64>,
    /// Opening hours as the brand writes them (`7:00–22:00, every day`; up to 200 characters).
    #[serde(default)]
    pub hours: String,
    /// Whether it is open for business: a closed store is not listed and staff cannot act there.
    pub active: bool,
    /// Check-ins with its QR poster in one day past which the next are held for review (1–100,000; 200 unless
    /// given).
    #[serde(default = "default_check_in_limit")]
    pub check_in_limit: i64,
}

/// The check-ins a store's poster takes in a day before the next are held for review, unless the brand says.
pub const DEFAULT_CHECK_IN_LIMIT: i64 = 200;

fn default_check_in_limit() -> i64 {
    DEFAULT_CHECK_IN_LIMIT
}

/// A store with its id and how many staff are tied to it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Store {
    /// Its id.
    pub id: String,
    /// What the console edits.
    pub input: StoreInput,
    /// Staff tied to it (owners and admins act at every store).
    pub staff: i64,
}

/// A store named in another answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StoreRef {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A store as a member sees it in the mini app, nearest first when they shared where they are.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicStore {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its street address.
    pub address: String,
    /// Latitude, when the brand gave it.
    pub latitude: Option<f64>,
    /// Longitude, when the brand gave it.
    pub longitude: Option<f64>,
    /// Opening hours as the brand wrote them.
    pub hours: String,
    /// Metres from the member, when they shared where they are and the store has a location.
    pub distance_m: Option<i64>,
}

/// `GET /api/v1/stores`: where the member is, to list the nearest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct NearQuery {
    /// The member's latitude.
    pub lat: Option<f64>,
    /// The member's longitude.
    pub lng: Option<f64>,
}

/// A brand user as the console's staff page lists them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffMember {
    /// Who they are and their role.
    pub user: StaffUser,
    /// The stores they act at (owners and admins: every store, so none are listed).
    pub stores: Vec<StoreRef>,
    /// Whether their account is disabled (they cannot sign in, and their sessions ended).
    pub disabled: bool,
}

/// `POST /api/v1/admin/staff`: a new staff member or admin, with the password they first sign in with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffInvite {
    /// Their e-mail address, unique in the brand.
    pub email: String,
    /// A first password of at least 12 characters, handed over in person.
    pub password: String,
    /// `staff` or `admin` (an owner is made only from the command line).
    pub role: StaffRole,
    /// The stores a staff member acts at.
    #[serde(default)]
    pub store_ids: Vec<String>,
}

/// `PUT /api/v1/admin/staff/{id}`: the stores a staff member acts at, and whether the account is disabled.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffUpdate {
    /// The stores they act at, replacing the ones before.
    #[serde(default)]
    pub store_ids: Vec<String>,
    /// Disable (true) or enable again (false) the account.
    pub disabled: bool,
}

/// The store a staff action happens at (`?store_id=`): required once the brand has stores.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct AtStore {
    /// The store's id.
    pub store_id: Option<String>,
}

/// `GET /api/v1/me/qr`: the member's QR code for store staff to scan. It changes every 30 seconds and is accepted
/// until `expires_at` (the end of the next window), so a screenshot is useless a minute later.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberQr {
    /// What the QR code holds: `CHAM1.{member}.{window}.{signature}`.
    pub code: String,
    /// When staff stop accepting it (RFC 3339).
    pub expires_at: String,
    /// Seconds until the app should fetch the next one (before this one expires).
    pub refresh_in_s: u32,
}

/// A member QR code typed, scanned or read by a USB scanner at the till.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberCode {
    /// The code, as the QR holds it.
    pub code: String,
}

/// The member behind a scanned QR code, as staff see them at the till.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberAtCounter {
    /// Name, masked phone and tier.
    pub holder: VoucherHolder,
    /// Spendable points.
    pub points: i64,
    /// Vouchers they can use now, soonest to expire first.
    pub vouchers: Vec<Voucher>,
    /// Gifts won in games, not handed over yet.
    pub gifts: Vec<MemberGift>,
    /// Their last visit to this brand's stores (RFC 3339), if any.
    pub last_visit_at: Option<String>,
    /// Whether a visit is recorded for them at this store today (Vietnam's day) already.
    pub visited_today: bool,
}

/// `POST /api/v1/staff/visits`: a visit recorded, and the member as they are now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VisitReceipt {
    /// The `checked_in` event's id.
    pub event_id: String,
    /// The store it was recorded at.
    pub store: StoreRef,
    /// Points the visit earned by the brand's earning rules (0 when none apply).
    pub points_earned: i64,
    /// The member after the visit.
    pub member: MemberAtCounter,
}

/// `POST /api/v1/staff/purchases`: a purchase at the till, for the member whose code was scanned.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffPurchase {
    /// The member's code, as scanned.
    pub code: String,
    /// What they paid, in whole đồng (1 to 1,000 billion).
    pub amount_vnd: i64,
    /// The receipt's code from the till (1 to 64 of letters, digits, `-`, `_`, `/`): it pays once.
    pub receipt_code: String,
}

/// A purchase recorded, and the member as they are now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PurchaseReceipt {
    /// The `offline_purchase` event's id.
    pub event_id: String,
    /// The store it was recorded at.
    pub store: StoreRef,
    /// What was paid, in đồng.
    pub amount_vnd: i64,
    /// Points the purchase earned by the brand's earning rules (pending ones included).
    pub points_earned: i64,
    /// The member after the purchase.
    pub member: MemberAtCounter,
}

/// One thing a staff member did today at the counter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ShiftEntry {
    /// When (RFC 3339).
    pub at: String,
    /// `checked_in`, `offline_purchase`, `voucher_used` or `gift_claimed`.
    pub kind: String,
    /// The member's name, when they have one (and were not erased since).
    pub member: Option<String>,
    /// The reward or prize handed over, or the receipt's code.
    pub detail: Option<String>,
    /// What was paid, for a purchase.
    pub amount_vnd: Option<i64>,
}

/// `GET /api/v1/staff/shift`: what the signed-in staff member did today (Vietnam's day) at this store, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Shift {
    /// At most 100 entries.
    pub entries: Vec<ShiftEntry>,
}
