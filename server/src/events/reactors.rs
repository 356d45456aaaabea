//! What recording an event sets off. The log knows no area: each area that reacts to events registers here,
//! at the composition in `lib.rs`, and [`super::record`] runs what is registered.
//!
//! - **Same-transaction** reactors run inside the event's transaction, only where points or money must move with
//!   the event (earning rules): the event and what it pays commit or roll back together, and pay once.
//! - **Durable** reactors write a job in the event's transaction (an outbox) and do their work later on a worker:
//!   anything slow or that may fail on its own (a profile's activity, and later segments and journeys).

use std::sync::OnceLock;

use futures::future::BoxFuture;
use sqlx::AnyConnection;

use crate::{
    error::Result,
    jobs::{self, NewJob},
};

/// The new event a reactor sees.
#[derive(Debug, Clone, Copy)]
pub struct Reacting<'a> {
    /// The event's id.
    pub id: &'a str,
    /// Its brand.
    pub brand_id: &'a str,
    /// Its profile.
    pub profile_id: &'a str,
    /// Its type.
    pub event_type: &'a str,
    /// When it happened, epoch ms.
    pub occurred_at: i64,
    /// Its money (`properties.amount_vnd`), for purchases.
    pub value_vnd: Option<i64>,
}

/// Runs inside the event's transaction, with the time of recording.
pub type InTransaction = for<'c> fn(&'c mut AnyConnection, &'c Reacting<'c>, i64) -> BoxFuture<'c, Result<()>>;

/// A reactor that runs in the event's transaction.
#[derive(Debug, Clone, Copy)]
pub struct SameTransaction {
    /// Who reacts, for logs.
    pub name: &'static str,
    /// Whether it reacts to events of this type.
    pub wants: fn(&str) -> bool,
    /// What it does.
    pub run: InTransaction,
}

/// A reactor that enqueues a job in the event's transaction; the job's (kind, key) coalesces repeats.
#[derive(Debug, Clone, Copy)]
pub struct Durable {
    /// Who reacts, for logs.
    pub name: &'static str,
    /// Whether it reacts to events of this type.
    pub wants: fn(&str) -> bool,
    /// The job to enqueue for an event, given the time of recording.
    pub job: fn(&Reacting<'_>, i64) -> NewJob,
}

/// Every reactor of this build.
#[derive(Debug, Clone, Default)]
pub struct Reactors {
    /// Run in the event's transaction, in this order.
    pub same_transaction: Vec<SameTransaction>,
    /// Enqueued in the event's transaction.
    pub durable: Vec<Durable>,
}

static INSTALLED: OnceLock<Reactors> = OnceLock::new();

/// Installs the reactors of this process (the composition does, once; later calls change nothing).
pub fn install(reactors: Reactors) {
    let _ = INSTALLED.set(reactors);
}

/// Runs the reactors on a new event inside its transaction.
pub(super) async fn react(conn: &mut AnyConnection, event: &Reacting<'_>, now: i64) -> Result<()> {
    let reactors = INSTALLED
        .get()
        .ok_or_else(|| anyhow::anyhow!("no event reactors are installed: start the server through the library"))?;
    for reactor in &reactors.same_transaction {
        if (reactor.wants)(event.event_type) {
            (reactor.run)(conn, event, now).await?;
        }
    }
    for reactor in &reactors.durable {
        if (reactor.wants)(event.event_type) {
            let job = (reactor.job)(event, now);
            jobs::enqueue(conn, &job, now).await?;
        }
    }
    Ok(())
}
