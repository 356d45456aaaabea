//! Domain newtypes: a value of one of these types is valid by construction.

mod phone;
mod slug;

pub use phone::{Phone, PhoneError};
pub use slug::{BrandSlug, SlugError};
