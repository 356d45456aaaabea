//! The WASM entry point: mounts the app. Everything else lives in the `app` crate.

use wasm_bindgen::prelude::wasm_bindgen;

/// Runs when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    app::ui::mount();
}
