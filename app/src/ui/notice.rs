//! How the app tells a person something went wrong, in their language.

use leptos::prelude::*;

use super::{api::ApiFailure, i18n::I18n};

/// The latest error of a form or an action, when there is one.
#[component]
pub fn ErrorNotice(error: RwSignal<Option<ApiFailure>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    move || {
        error
            .get()
            .map(|e| view! { <p class="notice error" role="alert">{move || e.text(i18n.lang())}</p> })
    }
}

/// A screen that could not load, with a way to try again.
#[component]
pub fn FailureNotice(failure: ApiFailure, on_retry: Callback<()>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <div class="notice error" role="alert">
            <p>{move || failure.text(i18n.lang())}</p>
            <button type="button" on:click=move |_| on_retry.run(())>{move || i18n.t("retry")}</button>
        </div>
    }
}
