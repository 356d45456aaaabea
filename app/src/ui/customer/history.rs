//! The points history: every ledger entry, newest first, a page at a time.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::short_date,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::api::{PointsEntry, PointsHistory};

/// What an entry is, in the member's words: what kind of thing earned or spent the points, and, where the brand
/// named it, which one (the game, the survey, the reward).
pub fn entry_key(entry: &PointsEntry) -> (&'static str, Option<String>) {
    let named = entry.label.clone();
    match (entry.kind.as_str(), entry.source_kind.as_str(), entry.label.as_deref()) {
        ("earn", "play", _) => ("earn_game", named),
        ("earn", "survey", _) => ("earn_survey", named),
        ("earn", "product_code", _) => ("earn_product", named),
        ("earn", _, Some("order_paid" | "offline_purchase")) => ("earn_purchase", None),
        ("earn", _, Some("checked_in")) => ("earn_check_in", None),
        ("earn", _, Some("birthday")) => ("earn_birthday", None),
        ("earn", _, Some("session_started")) => ("earn_welcome", None),
        ("earn", _, Some("followed_oa")) => ("earn_follow", None),
        ("earn", _, Some("phone_shared")) => ("earn_phone", None),
        ("earn", _, Some("survey_completed")) => ("earn_survey", None),
        ("earn", _, _) => ("earn_other", None),
        ("redeem", _, _) => ("entry_redeem", named),
        ("expire", _, _) => ("entry_expire", None),
        ("adjust", _, _) => ("entry_adjust", None),
        ("reverse", "refund", _) => ("entry_refund", None),
        _ => ("entry_reverse", None),
    }
}

/// The history screen.
#[component]
pub fn History(on_back: Callback<()>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let entries = RwSignal::new(Vec::<PointsEntry>::new());
    let cursor = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);
    let load = move |after: Option<String>| {
        let api = api.clone();
        spawn_local(async move {
            let path = match &after {
                Some(c) => format!("/api/v1/me/points?cursor={c}"),
                None => "/api/v1/me/points".to_owned(),
            };
            match api.get_as::<PointsHistory>(SURFACE, &path).await {
                Ok(page) => {
                    entries.update(|e| e.extend(page.entries));
                    cursor.set(page.next_cursor);
                }
                Err(e) => error.set(Some(e)),
            }
            loaded.set(true);
        });
    };
    load(None);
    let rows = move || {
        entries
            .get()
            .into_iter()
            .map(|e| {
                let (key, named) = entry_key(&e);
                let sign = if e.points > 0 { "+" } else { "" };
                view! {
                    <li class="entry" class:pending=e.pending>
                        <div>
                            <div class="entry-what">
                                {move || i18n.t(key)}
                                {named.map(|n| view! { " · " <span class="entry-name">{n}</span> })}
                            </div>
                            <div class="muted">
                                {short_date(&e.created_at)}
                                {e.pending.then(|| view! { " · " <span class="badge">{move || i18n.t("pending_until")} " " {short_date(&e.available_at)}</span> })}
                                {e.reason.clone().map(|r| view! { " · " {r} })}
                            </div>
                        </div>
                        <div class="entry-points" class:minus=e.points < 0>{format!("{sign}{}", e.points)}</div>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="history-screen">
            <button class="link back" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("points_history")}</h1>
            <ErrorNotice error=error/>
            {move || (!loaded.get()).then(|| view! { <p class="loading" role="status">{i18n.t("loading")}</p> })}
            {move || (loaded.get() && entries.get().is_empty()).then(|| view! { <p class="empty">{move || i18n.t("no_points_yet")}</p> })}
            <ul class="entries">{rows}</ul>
            {move || cursor.get().map(|c| {
                let load = load.clone();
                view! { <button type="button" class="more" on:click=move |_| load(Some(c.clone()))>{move || i18n.t("more")}</button> }
            })}
        </section>
    }
}
