//! What every handler can reach. It sits with profiles, auth and brands, below the areas whose handlers take
//! it, and holds only platform and provider handles.

use std::sync::Arc;

use crate::{
    auth::tokens::SessionKeys,
    clock::Clock,
    config::Config,
    crypto::{QrKey, Sealer},
    db::Db,
    gateways::Gateways,
    superapp::SuperApps,
};

/// What every handler can reach; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// The store.
    pub db: Db,
    /// JWT keys and lifetimes.
    pub keys: SessionKeys,
    /// Opens brand secrets.
    pub sealer: Sealer,
    /// Super-app API clients.
    pub superapps: SuperApps,
    /// The SMS gateway's and SMTP servers' clients.
    pub gateways: Gateways,
    /// The time handlers and jobs read.
    pub clock: Clock,
    /// Signs and checks member QR codes.
    pub qr: QrKey,
}

impl AppState {
    /// The server's own address as the super-apps reach it, without a trailing `/`: `CHAM_PUBLIC_URL`, else
    /// `http://` and the listen address.
    pub fn public_url(&self) -> String {
        match &self.config.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.config.listen),
        }
    }
}
