//! A game's published rules (thể lệ) and the words of its segments, in the member's language.

use leptos::prelude::*;

use super::super::{
    browser::vn_time,
    i18n::{I18n, Lang},
};
use crate::api::{EventType, MemberGame, PrizeKind};

/// What a segment or an outcome says: the brand's label, or "better luck next time" in the member's language for
/// the no-prize segment the server adds.
pub(super) fn segment_label(kind: PrizeKind, label: &str) -> impl Fn() -> String + Send + Sync + use<> {
    let i18n = expect_context::<I18n>();
    let label = label.to_owned();
    move || {
        if kind == PrizeKind::Nothing {
            i18n.t("better_luck").to_owned()
        } else {
            label.clone()
        }
    }
}

/// The game's rules (thể lệ): plays per day and when they come back, what earns more, each prize's chance, what
/// happens when a prize runs out, and when the game ends.
#[component]
pub(super) fn Rules(game: MemberGame) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let vi = move || i18n.lang() == Lang::Vi;
    let extra: Vec<(&'static str, &'static str)> = game
        .extra_play_events
        .iter()
        .filter_map(|t| EventType::parse(t).map(EventType::label))
        .collect();
    let odds = game
        .segments
        .into_iter()
        .map(|s| {
            let label = segment_label(s.kind, &s.label);
            let chance = percent(s.chance_bp);
            view! { <li><span class="odds-label">{label}</span> " " <strong class="odds">{chance}</strong></li> }
        })
        .collect_view();
    view! {
        <details class="game-rules">
            <summary>{move || i18n.t("game_rules")}</summary>
            <ul>
                <li>{move || i18n.t("rules_plays")} " " <strong>{game.plays_per_day}</strong>". " {move || i18n.t("rules_reset")}</li>
                {(!extra.is_empty()).then(|| view! {
                    <li>{move || i18n.t("rules_extra")} " "
                        {move || extra.iter().map(|(v, e)| if vi() { *v } else { *e }).collect::<Vec<_>>().join(", ")}"."
                    </li>
                })}
                <li>{move || i18n.t("rules_odds")}":"<ul class="odds-list">{odds}</ul></li>
                <li>{match game.fallback_label {
                    Some(f) => view! { {move || i18n.t("rules_stock")} " " <strong>{f}</strong> }.into_any(),
                    None => view! { {move || i18n.t("rules_stock_plain")} }.into_any(),
                }}</li>
                {game.ends_at.map(|at| view! { <li>{move || i18n.t("rules_ends")} " " {vn_time(&at)}</li> })}
                <li class="muted">{move || i18n.t("rules_fair")}</li>
            </ul>
        </details>
    }
}

/// Basis points as a percentage the way people read one: `25%`, `2,5%` in Vietnamese, `2.5%` in English.
fn percent(bp: i64) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = expect_context::<I18n>();
    move || {
        let whole = bp / 100;
        let rest = bp % 100;
        let text = if rest == 0 {
            format!("{whole}")
        } else {
            let decimals = format!("{rest:02}");
            format!("{whole}.{}", decimals.trim_end_matches('0'))
        };
        let text = if i18n.lang() == Lang::Vi {
            text.replace('.', ",")
        } else {
            text
        };
        format!("{text}%")
    }
}
