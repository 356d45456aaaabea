//! The JSON shapes of the `/api/v1` API, shared by the server (which answers with them) and the WASM app
//! (which sends and reads them). Plain serde types: no server dependencies.

mod auth;
mod campaign_messages;
mod campaigns;
mod checkins;
mod codes;
mod commerce;
mod console;
mod events;
mod fields;
mod games;
mod loyalty;
mod messaging;
mod names;
mod order_status;
mod privacy;
mod product_codes;
mod rewards;
mod sales;
mod segments;
mod stores;
mod surveys;
mod website;

pub use auth::*;
pub use campaign_messages::*;
pub use campaigns::*;
pub use checkins::*;
pub use codes::ErrorCode;
pub use commerce::*;
pub use console::*;
pub use events::*;
pub use fields::{FieldIssue, FieldProblem};
pub use games::*;
pub use loyalty::*;
pub use messaging::*;
pub use names::*;
pub use order_status::*;
pub use privacy::*;
pub use product_codes::*;
pub use rewards::*;
pub use sales::*;
pub use segments::*;
pub use stores::*;
pub use surveys::*;
pub use website::*;
