//! Serves the built WASM app (the customer mini app, the staff view and the admin console) from `public_dir`,
//! with the page's configuration written into `index.html`.

use std::path::Path;

use axum::{
    Router,
    http::{StatusCode, header},
    response::{Html, IntoResponse},
    routing::get,
};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// The page every app route answers with.
#[derive(Debug, Clone)]
pub struct IndexPage(Option<String>);

impl IndexPage {
    /// Reads `index.html` from `public_dir` and fills in the brand and the simulator path.
    pub fn load(public_dir: &Path, default_brand: &str, simulator: bool) -> Self {
        let page = std::fs::read_to_string(public_dir.join("index.html")).ok().map(|html| {
            html.replace("{{CHAM_BRAND}}", &escape(default_brand))
                .replace("{{CHAM_API}}", "")
                .replace("{{CHAM_SIM}}", if simulator { "/__sim" } else { "" })
        });
        if page.is_none() {
            tracing::warn!(dir = %public_dir.display(), "the WASM app is not built: run `cargo xtask build`");
        }
        Self(page)
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Static files and the app's pages.
pub fn router(public_dir: &Path, index: IndexPage) -> Router {
    let page = move || {
        let index = index.clone();
        async move {
            match index.0 {
                Some(html) => (StatusCode::OK, [(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response(),
                None => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Html("<!doctype html><meta charset=utf-8><title>Chạm</title><p>The app is not built yet. Run <code>cargo xtask build</code> (or <code>cargo xtask run</code>) and reload.</p>"),
                )
                    .into_response(),
            }
        }
    };
    let assets = ServeDir::new(public_dir).append_index_html_on_directories(false);
    Router::new()
        .route("/", get(page.clone()))
        .route("/admin", get(page.clone()))
        .route("/admin/{*rest}", get(page))
        .fallback_service(assets)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-cache"),
        ))
}
