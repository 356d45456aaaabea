//! Stores, the staff tied to them, and the store a staff action happens at.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use super::{StaffRole, StaffUser};

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
