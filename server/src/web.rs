//! Serves the built WASM app (the customer mini app, the staff view and the admin console) from `public_dir`, as
//! `cargo xtask build` lays it out: the pages, and under `assets/` every file with its content hash in its name
//! and precompressed beside it (`.br`, `.gz`).
//!
//! An asset is sent brotli- or gzip-encoded when the client accepts it, and cached for a year as immutable (a
//! new build has new names). A page is sent with `no-cache`, with the brand, the API origin, the simulator and
//! the base path written in. Every other path is a screen of the app: the console under `/admin`, the staff view
//! under `/staff`, the mini app everywhere else, so a link to a screen opens it.

use app::api::ErrorCode;
use std::path::Path;

use axum::{
    Router,
    extract::Request,
    http::{HeaderValue, Method, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// A page of the app: `index.html` (the mini app) or `admin.html` (the console).
#[derive(Debug, Clone)]
pub struct IndexPage(Option<String>);

/// What a page is told when it is served.
#[derive(Debug, Clone, Copy)]
pub struct PageSettings<'a> {
    /// The brand the page shows unless its URL names one.
    pub default_brand: &'a str,
    /// Whether the super-app simulator is mounted (demo mode).
    pub simulator: bool,
    /// The path the app is served under, `/` or `/some/path/`.
    pub base_path: &'a str,
}

impl IndexPage {
    /// Reads `file` from `public_dir` and fills in the brand, the simulator path and the base path.
    pub fn load(public_dir: &Path, file: &str, settings: PageSettings<'_>) -> Self {
        let page = std::fs::read_to_string(public_dir.join(file)).ok().map(|html| {
            html.replace("{{CHAM_BRAND}}", &escape(settings.default_brand))
                .replace("{{CHAM_API}}", "")
                .replace("{{CHAM_SIM}}", if settings.simulator { "/__sim" } else { "" })
                .replace("{{CHAM_BASE}}", &escape(settings.base_path))
        });
        if page.is_none() {
            tracing::warn!(dir = %public_dir.display(), file, "the WASM app is not built: run `cargo xtask build`");
        }
        Self(page)
    }

    fn respond(&self) -> Response {
        match &self.0 {
            Some(html) => (
                StatusCode::OK,
                [(header::CACHE_CONTROL, "no-cache")],
                Html(html.clone()),
            )
                .into_response(),
            None => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CACHE_CONTROL, "no-cache")],
                Html(
                    "<!doctype html><meta charset=utf-8><title>Chạm</title><p>The app is not built yet. Run \
                     <code>cargo xtask build</code> (or <code>cargo xtask run</code>) and reload.</p>",
                ),
            )
                .into_response(),
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A year: hashed assets never change under their name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The pages of the three surfaces.
#[derive(Debug, Clone)]
pub struct Pages {
    /// `index.html`: the customer mini app.
    pub mini_app: IndexPage,
    /// `admin.html`: the console.
    pub console: IndexPage,
    /// `staff.html`: the staff view.
    pub staff: IndexPage,
}

/// The assets under `/assets`, the console under `/admin`, the staff view under `/staff`, and the mini app at
/// every other path.
pub fn router(public_dir: &Path, pages: Pages) -> Router {
    let Pages {
        mini_app,
        console,
        staff,
    } = pages;
    let console_page = move || {
        let console = console.clone();
        async move { console.respond() }
    };
    let staff_page = move || {
        let staff = staff.clone();
        async move { staff.respond() }
    };
    let assets = ServeDir::new(public_dir.join("assets"))
        .append_index_html_on_directories(false)
        .precompressed_br()
        .precompressed_gzip();
    let assets = Router::new()
        .fallback_service(assets)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(IMMUTABLE),
        ));
    let mini_app_page = move |request: Request| {
        let mini_app = mini_app.clone();
        async move {
            // A file that is not there (a stale asset name, a robot's probe) is a 404, not the app.
            if request.method() != Method::GET && request.method() != Method::HEAD {
                return crate::error::Error::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    ErrorCode::MethodNotAllowed,
                    "This address only answers GET.",
                )
                .into_response();
            }
            let last = request.uri().path().rsplit('/').next().unwrap_or_default();
            if last.contains('.') {
                return (
                    StatusCode::NOT_FOUND,
                    [(header::CACHE_CONTROL, "no-cache")],
                    "Not found",
                )
                    .into_response();
            }
            mini_app.respond()
        }
    };
    Router::new()
        .nest("/assets", assets)
        .route("/admin", get(console_page.clone()))
        .route("/admin/{*rest}", get(console_page))
        .route("/staff", get(staff_page.clone()))
        .route("/staff/{*rest}", get(staff_page))
        .fallback(mini_app_page)
}
