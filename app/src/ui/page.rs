//! What the hosting page tells the app: `<meta name="cham-brand">`, `cham-api` and `cham-sim`, and `?brand=`.

/// The page's configuration.
#[derive(Debug, Clone)]
pub struct PageConfig {
    /// The brand's slug.
    pub brand: String,
    /// The API's origin; empty for the page's own.
    pub api: String,
    /// The simulator's base path in a plain browser; empty when there is none.
    pub sim: String,
    /// The page's path (`/`, `/admin`).
    pub path: String,
}

fn meta(document: &web_sys::Document, name: &str) -> String {
    document
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_default()
}

impl PageConfig {
    /// Reads the configuration from the current page.
    pub fn read() -> Self {
        let window = web_sys::window().expect("the app runs in a browser window");
        let document = window.document().expect("the window has a document");
        let location = window.location();
        let query_brand = location
            .search()
            .ok()
            .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
            .and_then(|p| p.get("brand"))
            .filter(|b| !b.trim().is_empty());
        Self {
            brand: query_brand.unwrap_or_else(|| meta(&document, "cham-brand")),
            api: meta(&document, "cham-api").trim_end_matches('/').to_owned(),
            // The Zalo package is built without the simulator: it never looks for one.
            #[cfg(feature = "simulator")]
            sim: meta(&document, "cham-sim"),
            #[cfg(not(feature = "simulator"))]
            sim: String::new(),
            path: location.pathname().unwrap_or_default(),
        }
    }
}
