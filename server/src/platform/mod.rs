//! The platform layer: what every area stands on and nothing above it. The store and its two dialects, the one
//! error type, the clock, durable jobs, idempotency keys, secrets and configuration. Nothing here imports an
//! area, `events`, `profiles` or the composition in `lib.rs` (the layering test in `lib.rs` fails if it does).

pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod jobs;
pub mod spreadsheet;
pub mod telemetry;
