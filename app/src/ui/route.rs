//! The address bar: each screen has a path under the page's base path (`<meta name="cham-base">`, `/` unless
//! the app is served under a prefix). Moving to a screen pushes its path, so the phone's back button goes back
//! within the app (inside Zalo it would otherwise close it) and a link opens the screen it names.
//!
//! Each entry the app pushes carries its depth in `history.state`, so the app's own Back button knows whether
//! there is a screen of the app to go back to, or whether it should go to the home screen instead. The host hears
//! every move (`chamBridge.routeChanged`): inside Zalo the header's back button shows from the second screen on, and
//! goes back in this same history.

use std::cell::Cell;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

thread_local! {
    /// How many of the app's entries lie behind the current one.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

fn base() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=\"cham-base\"]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_default();
    if base.starts_with('/') && base.ends_with('/') {
        base
    } else {
        "/".into()
    }
}

/// The current path within the app, from `/` (the base path taken off).
pub fn current() -> String {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let base = base();
    match path.strip_prefix(base.trim_end_matches('/')) {
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        _ => "/".into(),
    }
}

fn history() -> Option<web_sys::History> {
    web_sys::window().and_then(|w| w.history().ok())
}

fn full(path: &str) -> String {
    format!("{}{}", base().trim_end_matches('/'), path)
}

/// Shows `path` in the address bar as a new entry (nothing when it is already there).
pub fn push(path: &str) {
    if current() == path {
        return;
    }
    let depth = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get()
    });
    if let Some(history) = history() {
        let _ = history.push_state_with_url(&JsValue::from(depth), "", Some(&full(path)));
    }
    super::bridge::route_changed(depth);
}

/// Shows `path` in the address bar in place of the current entry.
pub fn replace(path: &str) {
    let depth = DEPTH.with(Cell::get);
    if let Some(history) = history() {
        let _ = history.replace_state_with_url(&JsValue::from(depth), "", Some(&full(path)));
    }
}

/// Whether an earlier entry of the app lies behind this one.
pub fn can_go_back() -> bool {
    DEPTH.with(Cell::get) > 0
}

/// Goes back one entry, as the phone's back button does.
pub fn back() {
    if let Some(history) = history() {
        let _ = history.back();
    }
}

/// Calls `on_change` with the new path whenever the person moves through the history (back or forward).
pub fn listen(on_change: impl Fn(String) + 'static) {
    // The entry the page opened on is depth 0; its address stays as it is (a link's `?code=` included).
    if let Some(history) = history() {
        let _ = history.replace_state(&JsValue::from(DEPTH.with(Cell::get)), "");
    }
    super::bridge::route_changed(DEPTH.with(Cell::get));
    let handle = window_event_listener(leptos::ev::popstate, move |ev| {
        let depth = ev.state().as_f64().map_or(0, |d| d as u32);
        DEPTH.with(|d| d.set(depth));
        super::bridge::route_changed(depth);
        on_change(current());
    });
    // The listener lives as long as the page.
    std::mem::forget(handle);
}
