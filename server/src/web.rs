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

/// A page of the app: `index.html` (the mini app) or `admin.html` (the console).
#[derive(Debug, Clone)]
pub struct IndexPage(Option<String>);

impl IndexPage {
    /// Reads `file` from `public_dir` and fills in the brand and the simulator path.
    pub fn load(public_dir: &Path, file: &str, default_brand: &str, simulator: bool) -> Self {
        let page = std::fs::read_to_string(public_dir.join(file)).ok().map(|html| {
            html.replace("{{CHAM_BRAND}}", &escape(default_brand))
                .replace("{{CHAM_API}}", "")
                .replace("{{CHAM_SIM}}", if simulator { "/__sim" } else { "" })
        });
        if page.is_none() {
            tracing::warn!(dir = %public_dir.display(), file, "the WASM app is not built: run `cargo xtask build`");
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

impl IndexPage {
    fn respond(&self) -> axum::response::Response {
        match &self.0 {
            Some(html) => (
                StatusCode::OK,
                [(header::CACHE_CONTROL, "no-cache")],
                Html(html.clone()),
            )
                .into_response(),
            None => (
                StatusCode::SERVICE_UNAVAILABLE,
                Html(
                    "<!doctype html><meta charset=utf-8><title>Chạm</title><p>The app is not built yet. Run \
                     <code>cargo xtask build</code> (or <code>cargo xtask run</code>) and reload.</p>",
                ),
            )
                .into_response(),
        }
    }
}

/// Static files and the app's pages: the mini app at `/`, the console under `/admin`.
pub fn router(public_dir: &Path, mini_app: IndexPage, console: IndexPage) -> Router {
    let console_page = move || {
        let console = console.clone();
        async move { console.respond() }
    };
    let assets = ServeDir::new(public_dir).append_index_html_on_directories(false);
    Router::new()
        .route("/", get(move || async move { mini_app.respond() }))
        .route("/admin", get(console_page.clone()))
        .route("/admin/{*rest}", get(console_page.clone()))
        // The staff view is part of the console bundle: staff sign in there and see only what they may do.
        .route("/staff", get(console_page))
        .fallback_service(assets)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-cache"),
        ))
}
