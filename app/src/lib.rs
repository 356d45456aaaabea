//! Chạm's shared crate.
//!
//! Without features it holds the types the server and the WASM app share: parse-don't-validate domain
//! newtypes ([`domain`]) and the JSON request/response shapes of the API ([`api`]). With the `ui` feature it
//! also holds the Leptos app for the three surfaces (customer, staff, admin).

pub mod api;
pub mod domain;

#[cfg(feature = "ui")]
pub mod ui;
