//! What a profile merge, a data export and an erasure ask of the areas. Each area that keeps rows about a
//! person registers one [`AreaHooks`] at the composition in `lib.rs`, for the tables it owns; `profiles` and
//! `privacy` call every registered hook and know no area by name. A new area with personal rows adds its hooks
//! there (see ARCHITECTURE.md's checklist).

use std::sync::OnceLock;

use app::api::{Me, ProfileExport};
use futures::future::BoxFuture;
use sqlx::AnyConnection;

use crate::{db::Db, error::Result};

/// Moves an area's rows of `from` to `into` (brand, from, into) inside the merge's transaction.
pub type MergeHook = for<'c> fn(&'c mut AnyConnection, &'c str, &'c str, &'c str) -> BoxFuture<'c, Result<()>>;
/// Adds an area's rows about a profile (brand, profile) to its export.
pub type ExportHook =
    for<'c> fn(&'c mut AnyConnection, &'c str, &'c str, &'c mut ProfileExport) -> BoxFuture<'c, Result<()>>;
/// Deletes or blanks an area's personal data about a profile (brand, profile) inside the erasure's transaction.
pub type EraseHook = for<'c> fn(&'c mut AnyConnection, &'c str, &'c str) -> BoxFuture<'c, Result<()>>;

/// Adds an area's part of a member's own summary (brand, profile), as `GET /me` and sign-in answer it.
pub type SummaryHook = for<'c> fn(&'c Db, &'c str, &'c str, &'c mut Me) -> BoxFuture<'c, Result<()>>;

/// One area's part in merges, exports, erasures and the member's summary.
#[derive(Debug, Clone, Copy)]
pub struct AreaHooks {
    /// The area, for logs.
    pub area: &'static str,
    /// Its part of a merge.
    pub merge: Option<MergeHook>,
    /// Its part of a data export.
    pub export: Option<ExportHook>,
    /// Its part of an erasure.
    pub erase: Option<EraseHook>,
    /// Its part of the member's summary.
    pub summary: Option<SummaryHook>,
}

static INSTALLED: OnceLock<Vec<AreaHooks>> = OnceLock::new();

/// Installs the hooks of this process (the composition does, once; later calls change nothing).
pub fn install(hooks: Vec<AreaHooks>) {
    let _ = INSTALLED.set(hooks);
}

fn installed() -> Result<&'static [AreaHooks]> {
    Ok(INSTALLED
        .get()
        .ok_or_else(|| anyhow::anyhow!("no profile hooks are installed: start the server through the library"))?)
}

/// Runs every area's merge hook.
pub async fn merged(conn: &mut AnyConnection, brand_id: &str, from: &str, into: &str) -> Result<()> {
    for hook in installed()?.iter().filter_map(|h| h.merge) {
        hook(conn, brand_id, from, into).await?;
    }
    Ok(())
}

/// Runs every area's export hook.
pub async fn exported(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    export: &mut ProfileExport,
) -> Result<()> {
    for hook in installed()?.iter().filter_map(|h| h.export) {
        hook(conn, brand_id, profile_id, export).await?;
    }
    Ok(())
}

/// Runs every area's summary hook.
pub async fn summarised(db: &Db, brand_id: &str, profile_id: &str, me: &mut Me) -> Result<()> {
    for hook in installed()?.iter().filter_map(|h| h.summary) {
        hook(db, brand_id, profile_id, me).await?;
    }
    Ok(())
}

/// Runs every area's erasure hook.
pub async fn erased(conn: &mut AnyConnection, brand_id: &str, profile_id: &str) -> Result<()> {
    for hook in installed()?.iter().filter_map(|h| h.erase) {
        hook(conn, brand_id, profile_id).await?;
    }
    Ok(())
}
