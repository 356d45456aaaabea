//! The games screen: the brand's lucky wheels and scratch cards. A tap asks the server to play; the server has
//! drawn and recorded the outcome before it answers, and the wheel then spins to land on that outcome (or the
//! card is scratched to reveal it). The result says what to do next.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{fresh_key, sleep},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE, Screen,
};
use crate::api::{GameKind, MemberGame, Play, PlayRequest, PrizeKind};

/// How long the wheel spins and the card takes to clear, in ms (the CSS transitions match).
const SPIN_MS: i32 = 3_200;

/// The turn that brings segment `index` of `count` under the pointer at the top, after `turns` whole turns
/// from `from` degrees: segments are laid clockwise from the top, so the wheel turns back by the segment's
/// middle.
pub fn landing_angle(from: f64, index: usize, count: usize, turns: u32) -> f64 {
    let width = 360.0 / count.max(1) as f64;
    let middle = width * (index as f64 + 0.5);
    let base = (from / 360.0).ceil() * 360.0;
    base + 360.0 * f64::from(turns) + (360.0 - middle)
}

/// The games screen.
#[component]
pub fn Games(on_back: Callback<()>, go: Callback<Screen>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let games = RwSignal::new(None::<Vec<MemberGame>>);
    let error = RwSignal::new(None::<ApiFailure>);
    spawn_local(async move {
        match api.get_as::<Vec<MemberGame>>(SURFACE, "/api/v1/games").await {
            Ok(list) => games.set(Some(list)),
            Err(e) => error.set(Some(e)),
        }
    });
    let list = move || {
        games.get().map(|list| {
            if list.is_empty() {
                return view! { <p class="empty">{move || i18n.t("no_games")}</p> }.into_any();
            }
            list.into_iter()
                .map(|game| view! { <GameCard game=game error=error go=go/> })
                .collect_view()
                .into_any()
        })
    };
    view! {
        <section class="games-screen">
            <button class="link back" type="button" on:click=move |_| on_back.run(())>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t("games")}</h1>
            <ErrorNotice error=error/>
            {move || games.get().is_none().then(|| view! { <p class="loading" role="status">{i18n.t("loading")}</p> })}
            {list}
        </section>
    }
}

#[component]
fn GameCard(game: MemberGame, error: RwSignal<Option<ApiFailure>>, go: Callback<Screen>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let plays_left = RwSignal::new(game.plays_left);
    let angle = RwSignal::new(0.0_f64);
    let scratched = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Play>);
    let count = game.segments.len();
    let segment_ids: Vec<String> = game.segments.iter().map(|s| s.id.clone()).collect();
    let game_id = game.id.clone();
    let kind = game.kind;
    let play = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        result.set(None);
        scratched.set(false);
        let api = api.clone();
        let path = format!("/api/v1/games/{game_id}/plays");
        let segment_ids = segment_ids.clone();
        spawn_local(async move {
            let request = PlayRequest {
                idempotency_key: fresh_key(),
            };
            match api.post_as::<_, Play>(SURFACE, &path, &request).await {
                Ok(outcome) => {
                    plays_left.set(outcome.plays_left);
                    let index = segment_ids.iter().position(|s| *s == outcome.segment_id).unwrap_or(0);
                    match kind {
                        GameKind::Wheel => angle.update(|a| *a = landing_angle(*a, index, count, 5)),
                        GameKind::Scratch => scratched.set(true),
                    }
                    sleep(SPIN_MS).await;
                    result.set(Some(outcome));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let board = match kind {
        GameKind::Wheel => {
            let width = 360.0 / count.max(1) as f64;
            let colours = ["#f5b041", "#5dade2", "#58d68d", "#ec7063", "#af7ac5", "#f4d03f"];
            let stops: Vec<String> = (0..count)
                .map(|i| {
                    let colour = colours[i % colours.len()];
                    format!("{colour} {}deg {}deg", width * i as f64, width * (i + 1) as f64)
                })
                .collect();
            let background = format!("background: conic-gradient({})", stops.join(", "));
            let labels = game
                .segments
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let style = format!("transform: rotate({}deg)", width * (i as f64 + 0.5));
                    view! { <span class="segment" style=style data-segment=s.id.clone()><span>{s.label.clone()}</span></span> }
                })
                .collect_view();
            view! {
                <div class="wheel-frame">
                    <div class="pointer" aria-hidden="true"></div>
                    <div class="wheel" style=move || format!("{background}; transform: rotate({}deg)", angle.get())>{labels}</div>
                </div>
            }
            .into_any()
        }
        GameKind::Scratch => view! {
            <div class="scratch-card">
                <div class="scratch-prize">{move || result.get().map(|r| r.label).unwrap_or_else(|| "?".into())}</div>
                <div class="scratch-cover" class:scratched=move || scratched.get()>{move || i18n.t("scratch_here")}</div>
            </div>
        }
        .into_any(),
    };
    let action = if kind == GameKind::Wheel { "spin" } else { "scratch" };
    view! {
        <article class="game" data-game=game.id>
            <h2>{game.name.clone()}</h2>
            {board}
            <p class="plays-left">{move || i18n.t("plays_left")} ": " <strong>{move || plays_left.get()}</strong></p>
            <button
                class="primary play"
                type="button"
                disabled=move || busy.get() || plays_left.get() == 0
                on:click=play
            >
                {move || i18n.t(action)}
            </button>
            {move || result.get().map(|r| view! { <Outcome play=r go=go/> })}
        </article>
    }
}

#[component]
fn Outcome(play: Play, go: Callback<Screen>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let next = match play.kind {
        PrizeKind::Nothing => view! { <p>{move || i18n.t("prize_nothing")}</p> }.into_any(),
        PrizeKind::Points => view! {
            <p>{move || i18n.t("prize_points")} " " <strong>{play.points.unwrap_or(0)}</strong> " " {move || i18n.t("points")}</p>
        }
        .into_any(),
        PrizeKind::Voucher => view! {
            <p>{move || i18n.t("prize_voucher")}</p>
            <button class="vouchers-link" type="button" on:click=move |_| go.run(Screen::Vouchers(None))>
                {move || i18n.t("my_vouchers")}
            </button>
        }
        .into_any(),
        PrizeKind::Gift => view! {
            <p>{move || i18n.t("prize_gift")}</p>
            <p class="code gift-code">{play.gift_code.clone()}</p>
        }
        .into_any(),
    };
    view! {
        <div class="outcome" role="status" data-play=play.id.clone() data-segment=play.segment_id>
            <p class="prize-label"><strong>{play.label.clone()}</strong></p>
            {next}
        </div>
    }
}
