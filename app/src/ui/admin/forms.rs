//! Small pieces the console's forms share: a labelled input bound to a signal, the server's refusal shown beside
//! the field it is about, and conversions between form text and API values.

use leptos::prelude::*;

use super::super::{api::ApiFailure, i18n::I18n};

/// A form's last refusal, provided by the page so each field can show the part that is about it.
#[derive(Debug, Clone, Copy)]
pub struct FormFailure(pub RwSignal<Option<ApiFailure>>);

/// The refusal's text when it is about the field at `pointer` (a JSON pointer into the form's request body).
fn failure_at(pointer: &str) -> Option<String> {
    if pointer.is_empty() {
        return None;
    }
    let FormFailure(failure) = use_context::<FormFailure>()?;
    let i18n = expect_context::<I18n>();
    failure.with(|f| {
        let issue = f.as_ref()?.field.as_ref()?;
        (issue.pointer == pointer).then(|| i18n.pick(&issue.problem.text()))
    })
}

/// What the server said about the field at `at`, beside it, when its last refusal was about that field.
#[component]
pub fn FieldMessage(#[prop(into)] at: String) -> impl IntoView {
    move || failure_at(&at).map(|text| view! { <span class="field-error" role="alert">{text}</span> })
}

/// A labelled input bound to `value`; `at` is its JSON pointer in the request body, so a refusal about it shows
/// beside it.
#[component]
pub fn Field(
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "")] name: &'static str,
    #[prop(default = false)] required: bool,
    #[prop(optional, into)] at: String,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let pointer = at.clone();
    let invalid = Memo::new(move |_| failure_at(&pointer).is_some());
    view! {
        <label class:invalid=move || invalid.get()>
            {move || i18n.t(label)}
            <input
                type=kind
                name=name
                required=required
                aria-invalid=move || invalid.get().then_some("true")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <FieldMessage at=at/>
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
    #[prop(optional, into)] at: String,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let pointer = at.clone();
    let invalid = Memo::new(move |_| failure_at(&pointer).is_some());
    view! {
        <label class:invalid=move || invalid.get()>
            {move || i18n.t(label)}
            <select name=name prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {options
                    .into_iter()
                    .map(|(v, key)| view! { <option value=v selected=move || value.get() == v>{move || i18n.t(key)}</option> })
                    .collect_view()}
            </select>
            <FieldMessage at=at/>
        </label>
    }
}

/// Basis points as `66,66%` (Vietnamese) or `66.66%` (English).
pub fn percent(bp: i64, lang: super::super::i18n::Lang) -> String {
    let mark = if lang == super::super::i18n::Lang::Vi { ',' } else { '.' };
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    format!("{sign}{}{mark}{:02}%", bp / 100, bp % 100)
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
