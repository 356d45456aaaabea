//! Small browser services: saving fetched text as a file, waiting, fresh keys and dates for display.

#[cfg(any(feature = "customer", feature = "admin"))]
/// Offers `contents` to the person as a file download.
pub fn download(file_name: &str, mime: &str, contents: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "blob")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "url")?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("document")?;
    use wasm_bindgen::JsCast;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "a")?
        .dyn_into()
        .map_err(|_| "anchor")?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[cfg(any(feature = "customer", feature = "admin", feature = "staff"))]
/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(feature = "customer")]
/// Where the device is (latitude, longitude), once the person allows it; `None` when they do not, or the device
/// cannot tell within ten seconds.
pub async fn where_am_i() -> Option<(f64, f64)> {
    use wasm_bindgen::{JsCast, closure::Closure};
    let geolocation = web_sys::window()?.navigator().geolocation().ok()?;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        // `GeolocationPosition` is behind web-sys's unstable APIs: read `coords` as plain properties.
        let found = Closure::once_into_js(move |position: wasm_bindgen::JsValue| {
            let coords = js_sys::Reflect::get(&position, &"coords".into()).unwrap_or_default();
            let read = |name: &str| js_sys::Reflect::get(&coords, &name.into()).unwrap_or_default();
            let pair = js_sys::Array::of2(&read("latitude"), &read("longitude"));
            let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &pair);
        });
        let failed = Closure::once_into_js(move |error: wasm_bindgen::JsValue| {
            let _ = reject.call1(&wasm_bindgen::JsValue::NULL, &error);
        });
        let options = web_sys::PositionOptions::new();
        options.set_timeout(10_000);
        options.set_maximum_age(300_000);
        let _ = geolocation.get_current_position_with_error_callback_and_options(
            found.unchecked_ref(),
            Some(failed.unchecked_ref()),
            &options,
        );
    });
    let pair = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let pair: js_sys::Array = pair.dyn_into().ok()?;
    Some((pair.get(0).as_f64()?, pair.get(1).as_f64()?))
}

#[cfg(any(feature = "customer", feature = "admin"))]
/// A key for one user action (a redemption, an adjustment), so a retried request is not done twice.
pub fn fresh_key() -> String {
    let random = (js_sys::Math::random() * 1e15) as u64;
    format!("{:x}-{random:x}", js_sys::Date::now() as u64)
}

/// An RFC 3339 time as `22/11/2026`: the date in Vietnam (UTC+7 all year), whatever the device's zone, so a
/// voucher's last day is the same day on every phone.
pub fn short_date(rfc3339: &str) -> String {
    match vn_date(rfc3339) {
        Some(vn) => format!(
            "{:02}/{:02}/{}",
            vn.get_utc_date(),
            vn.get_utc_month() + 1,
            vn.get_utc_full_year()
        ),
        None => rfc3339.to_owned(),
    }
}

/// Today in Vietnam as `2026-12-01` (what a date input holds and the API's days are).
#[cfg(feature = "admin")]
pub fn vn_today() -> String {
    let vn = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        js_sys::Date::now() + 7.0 * 3_600_000.0,
    ));
    format!(
        "{}-{:02}-{:02}",
        vn.get_utc_full_year(),
        vn.get_utc_month() + 1,
        vn.get_utc_date()
    )
}

/// The instant shifted to Vietnam's wall clock, read with the `get_utc_*` methods.
fn vn_date(rfc3339: &str) -> Option<js_sys::Date> {
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339)).get_time();
    (!ms.is_nan()).then(|| js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms + 7.0 * 3_600_000.0)))
}

/// An RFC 3339 time as `22/11/2026 14:05` in Vietnam's time (UTC+7 all year), whatever the device's zone.
pub fn vn_time(rfc3339: &str) -> String {
    match vn_date(rfc3339) {
        Some(vn) => format!(
            "{:02}/{:02}/{} {:02}:{:02}",
            vn.get_utc_date(),
            vn.get_utc_month() + 1,
            vn.get_utc_full_year(),
            vn.get_utc_hours(),
            vn.get_utc_minutes()
        ),
        None => rfc3339.to_owned(),
    }
}
