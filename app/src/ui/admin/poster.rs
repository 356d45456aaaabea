//! A store's QR poster as the console shows it: the store's name, the QR code holding the mini app's check-in
//! link, a line for the customer in the admin's language, and its version; printed alone (the print style hides the
//! console), and reissued when a poster was copied or misused, which makes every earlier one useless.

use leptos::{prelude::*, task::spawn_local};
use qrcode::{QrCode, render::svg};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::short_date,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::api::StorePoster;

/// The mini app's address (this origin and the base path the page was served under), ending in `/`.
pub(super) fn mini_app_address() -> String {
    let window = web_sys::window();
    let origin = window
        .as_ref()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let base = window
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=\"cham-base\"]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .filter(|b| b.starts_with('/') && b.ends_with('/'))
        .unwrap_or_else(|| "/".into());
    format!("{origin}{base}")
}

/// The poster's QR image: the mini app's check-in link with the code, large enough to scan across a room.
fn poster_svg(code: &str) -> String {
    let link = format!("{}checkin?code={code}", mini_app_address());
    QrCode::new(link.as_bytes())
        .map(|qr| {
            qr.render::<svg::Color>()
                .min_dimensions(320, 320)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

/// The poster of the store `store_id`, with print and reissue; `on_close` hides it.
#[component]
pub fn PosterPanel(store_id: String, on_close: Callback<()>) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let poster = RwSignal::new(None::<StorePoster>);
    let error = RwSignal::new(None::<ApiFailure>);
    let reissued = RwSignal::new(false);
    let mut path = store_id;
    path.insert_str(0, "/api/v1/admin/stores/");
    path.push_str("/poster");
    {
        let (api, path) = (api.clone(), path.clone());
        spawn_local(async move {
            match api.get_as::<StorePoster>(SURFACE, &path).await {
                Ok(p) => poster.set(Some(p)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let reissue = move |_| {
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(i18n.t("reissue_confirm")).ok())
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let (api, path) = (api.clone(), path.clone());
        spawn_local(async move {
            match api
                .post_as::<_, StorePoster>(SURFACE, &path, &serde_json::json!({}))
                .await
            {
                Ok(p) => {
                    error.set(None);
                    reissued.set(true);
                    poster.set(Some(p));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <section class="poster-panel" aria-label=move || i18n.t("qr_poster")>
            <ErrorNotice error=error/>
            {move || reissued.get().then(|| view! { <p class="notice success" role="status">{move || i18n.t("poster_reissued")}</p> })}
            {move || match poster.get() {
                None => view! { <p class="loading" role="status">{move || i18n.t("loading")}</p> }.into_any(),
                Some(p) => view! {
                    <div class="poster">
                        <h2 class="poster-store">{p.store.name.clone()}</h2>
                        <div class="poster-qr" inner_html=poster_svg(&p.code)></div>
                        <p class="poster-call">{move || i18n.t("poster_call")}</p>
                        <p class="poster-version muted">
                            {move || i18n.t("poster_version")} " " {p.version} " · " {move || i18n.t("poster_issued")} " "
                            {short_date(&p.issued_at)}
                        </p>
                    </div>
                }.into_any(),
            }}
            <div class="poster-actions">
                <button type="button" class="print-poster" on:click=print>{move || i18n.t("print_poster")}</button>
                <button type="button" class="secondary reissue-poster" on:click=reissue>{move || i18n.t("reissue_poster")}</button>
                <button type="button" class="link" on:click=move |_| on_close.run(())>{move || i18n.t("close")}</button>
            </div>
        </section>
    }
}
