//! The shift so far: what this staff member did today at this store, newest first, refreshed after each action.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{api::Api, browser::vn_time, i18n::I18n},
    SURFACE,
};
use crate::{
    api::{Shift, event_type_label},
    domain::format_vnd,
};

/// Bumped after each action at the counter, so the shift list reloads.
#[derive(Debug, Clone, Copy)]
pub(super) struct ShiftVersion(pub RwSignal<u32>);

impl ShiftVersion {
    /// Says something was done: the list reloads.
    pub(super) fn bump(self) {
        self.0.update(|v| *v = v.wrapping_add(1));
    }
}

/// Today's actions of this staff member at `at_store` (`?store_id=`).
#[component]
pub(super) fn ShiftLog(at_store: String) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let ShiftVersion(version) = expect_context::<ShiftVersion>();
    let shift = RwSignal::new(None::<Shift>);
    Effect::new(move |_| {
        version.track();
        let (api, path) = (api.clone(), format!("/api/v1/staff/shift{at_store}"));
        spawn_local(async move {
            // A failure leaves the last list: the shift is a convenience, the actions answer for themselves.
            if let Ok(s) = api.get_as::<Shift>(SURFACE, &path).await {
                shift.set(Some(s));
            }
        });
    });
    view! {
        <section class="shift">
            <h2>{move || i18n.t("shift_today")}</h2>
            {move || match shift.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(s) if s.entries.is_empty() => view! { <p class="muted shift-empty">{i18n.t("shift_empty")}</p> }.into_any(),
                Some(s) => view! {
                    <ul class="shift-entries">
                        {s.entries.into_iter().map(|e| {
                            let time = vn_time(&e.at);
                            let time = time.rsplit(' ').next().unwrap_or_default().to_owned();
                            let what = event_type_label(&e.kind);
                            let extra = e.amount_vnd.map(format_vnd).into_iter().chain(e.detail).collect::<Vec<_>>().join(" · ");
                            view! {
                                <li class="shift-entry">
                                    <span class="shift-time">{time}</span> " "
                                    <strong>{move || i18n.pick(&what)}</strong>
                                    {e.member.map(|m| view! { " · " <span class="shift-member">{m}</span> })}
                                    {(!extra.is_empty()).then(|| view! { " · " <span class="muted">{extra}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </section>
    }
}
