//! Domain newtypes: a value of one of these types is valid by construction.

pub mod bounds;
mod email;
mod money;
mod phone;
mod slug;

pub use email::{Email, EmailError};
pub use money::{format_distance, format_vnd};
pub use phone::{Phone, PhoneError};
pub use slug::{BrandSlug, SlugError};
