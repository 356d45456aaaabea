//! Small pieces the console's forms share: a labelled input bound to a signal, and conversions between form
//! text and API values.

use leptos::prelude::*;

use super::super::i18n::I18n;

/// A labelled input bound to `value`.
#[component]
pub fn Field(
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "")] name: &'static str,
    #[prop(default = false)] required: bool,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <label>
            {move || i18n.t(label)}
            <input
                type=kind
                name=name
                required=required
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// A labelled select bound to `value`; options are `(value, text key)`.
#[component]
pub fn Choice(
    label: &'static str,
    value: RwSignal<String>,
    options: Vec<(&'static str, &'static str)>,
    #[prop(default = "")] name: &'static str,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <label>
            {move || i18n.t(label)}
            <select name=name prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {options
                    .into_iter()
                    .map(|(v, key)| view! { <option value=v selected=move || value.get() == v>{move || i18n.t(key)}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// A whole number typed in a form, if any.
pub fn number(text: &str) -> Option<i64> {
    text.trim().replace(['.', ',', ' '], "").parse().ok()
}

/// A form's `YYYY-MM-DD` as the start of that day in Vietnam, RFC 3339.
pub fn day_start(date: &str) -> Option<String> {
    let date = date.trim();
    (!date.is_empty()).then(|| format!("{date}T00:00:00+07:00"))
}

/// An RFC 3339 time as the form's `YYYY-MM-DD`, in Vietnam.
pub fn form_date(rfc3339: Option<&str>) -> String {
    let Some(t) = rfc3339 else { return String::new() };
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(t));
    if date.get_time().is_nan() {
        return String::new();
    }
    // Shift to UTC+7 and read the UTC fields: the business day, whatever the device's time zone.
    let shifted = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(date.get_time() + 7.0 * 3_600_000.0));
    format!(
        "{}-{:02}-{:02}",
        shifted.get_utc_full_year(),
        shifted.get_utc_month() + 1,
        shifted.get_utc_date()
    )
}

/// An optional number as form text.
pub fn text_of(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}
