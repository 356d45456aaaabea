//! Vietnamese (the default) and English text, switchable at any time and remembered on the device. The text is
//! in tables by who shows it (`shared`, `customer`, `admin`) so each bundle carries only its own. The text of
//! every error code is beside the code, in `app::api::ErrorCode`.

use leptos::prelude::*;

use super::api::local_storage;

#[cfg(any(feature = "admin", feature = "staff"))]
mod admin;
#[cfg(any(feature = "admin", feature = "staff"))]
mod counter;
#[cfg(all(feature = "customer", not(feature = "admin")))]
mod customer;
#[cfg(feature = "admin")]
mod journeys;
#[cfg(feature = "admin")]
mod marketing;
#[cfg(feature = "admin")]
mod messaging;
#[cfg(feature = "admin")]
mod sales;
mod shared;
#[cfg(feature = "admin")]
mod website;

#[cfg(any(feature = "admin", feature = "staff"))]
fn surface_text(key: &str) -> Option<(&'static str, &'static str)> {
    let text = admin::surface_text(key).or_else(|| counter::counter_text(key));
    #[cfg(feature = "admin")]
    let text = text
        .or_else(|| marketing::marketing_text(key))
        .or_else(|| messaging::messaging_text(key))
        .or_else(|| sales::sales_text(key))
        .or_else(|| website::website_text(key))
        .or_else(|| journeys::journeys_text(key));
    text
}
#[cfg(all(feature = "customer", not(feature = "admin")))]
use customer::surface_text;
use shared::shared_text;

/// A language the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt.
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Its code, as the server's `lang` parameters take it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

const LANG_KEY: &str = "cham.lang";

/// The current language, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct I18n(RwSignal<Lang>);

impl I18n {
    /// The stored choice, Vietnamese by default.
    pub fn new() -> Self {
        let stored = local_storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
        let lang = if stored.as_deref() == Some("en") {
            Lang::En
        } else {
            Lang::Vi
        };
        set_document_lang(lang);
        Self(RwSignal::new(lang))
    }

    /// The current language (reactive).
    pub fn lang(&self) -> Lang {
        self.0.get()
    }

    /// The current language, read once (outside any reactive scope).
    #[cfg(feature = "admin")]
    pub fn lang_untracked(&self) -> Lang {
        self.0.get_untracked()
    }

    /// Switches between Vietnamese and English.
    pub fn toggle(&self) {
        let next = if self.0.get_untracked() == Lang::Vi {
            Lang::En
        } else {
            Lang::Vi
        };
        if let Some(s) = local_storage() {
            let _ = s.set_item(LANG_KEY, next.code());
        }
        set_document_lang(next);
        self.0.set(next);
    }

    /// One of a `(Vietnamese, English)` pair in the current language (reactive).
    #[cfg(any(feature = "admin", feature = "staff"))]
    pub fn pick(&self, (vi, en): &(String, String)) -> String {
        if self.lang() == Lang::Vi {
            vi.clone()
        } else {
            en.clone()
        }
    }

    /// The text for `key` in the current language (reactive).
    pub fn t(&self, key: &'static str) -> &'static str {
        tr(self.lang(), key)
    }
}

/// Tells the browser (screen readers, hyphenation, the translate prompt) which language the page is in.
fn set_document_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", if lang == Lang::Vi { "vi" } else { "en" });
    }
}

/// The app's text, one `(Vietnamese, English)` pair a key.
fn tr(lang: Lang, key: &'static str) -> &'static str {
    let (vi, en) = shared_text(key).or_else(|| surface_text(key)).unwrap_or((key, key));
    if lang == Lang::Vi { vi } else { en }
}

/// No surface: only the shared text.
#[cfg(not(any(feature = "customer", feature = "admin", feature = "staff")))]
fn surface_text(_key: &str) -> Option<(&'static str, &'static str)> {
    None
}

/// The language switch button.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <button class="lang" type="button" on:click=move |_| i18n.toggle()>
            {move || i18n.t("lang_switch")}
        </button>
    }
}
