//! The member code: a QR code store staff scan to see who the member is and record their visit. It changes every
//! 30 seconds (a screenshot is useless a minute later), so the screen fetches the next one before the shown one
//! expires; on a slow or lost connection it keeps the last one and tries again.

use leptos::{prelude::*, task::spawn_local};
use qrcode::{QrCode, render::svg};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::sleep,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::api::MemberQr;

/// The code as an SVG QR image, large enough to read across a counter.
fn qr_svg(code: &str) -> String {
    QrCode::new(code.as_bytes())
        .map(|qr| {
            qr.render::<svg::Color>()
                .min_dimensions(260, 260)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

/// The member code screen.
#[component]
pub fn MemberCode(on_back: Callback<()>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let qr = RwSignal::new(None::<MemberQr>);
    let error = RwSignal::new(None::<ApiFailure>);
    let left = RwSignal::new(0_u32);
    // Stops the refreshing once the member leaves the screen.
    let shown = StoredValue::new(true);
    on_cleanup(move || shown.set_value(false));

    fn fetch(
        api: Api,
        qr: RwSignal<Option<MemberQr>>,
        error: RwSignal<Option<ApiFailure>>,
        left: RwSignal<u32>,
        shown: StoredValue<bool>,
    ) {
        spawn_local(async move {
            let next_in = match api.get_as::<MemberQr>(SURFACE, "/api/v1/me/qr").await {
                Ok(code) => {
                    let wait = code.refresh_in_s.clamp(1, 30);
                    left.set(wait);
                    qr.set(Some(code));
                    error.set(None);
                    wait
                }
                // Keep showing the last code and try again soon.
                Err(e) => {
                    error.set(Some(e));
                    5
                }
            };
            for _ in 0..next_in {
                sleep(1000).await;
                if !shown.get_value() {
                    return;
                }
                left.update(|l| *l = l.saturating_sub(1));
            }
            fetch(api, qr, error, left, shown);
        });
    }
    fetch(api, qr, error, left, shown);

    view! {
        <section class="member-code-screen">
            <button class="back" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("member_code")}</h1>
            <p class="muted">{move || i18n.t("member_code_lead")}</p>
            {move || match qr.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(code) => view! {
                    <div class="member-qr" data-code=code.code.clone() inner_html=qr_svg(&code.code)></div>
                    <p class="member-code-timer muted" role="status">
                        {move || i18n.t("code_changes_in")} " " <strong>{move || left.get()}</strong> " " {move || i18n.t("seconds")}
                    </p>
                }
                .into_any(),
            }}
            <ErrorNotice error=error/>
        </section>
    }
}
