//! The games screen: the brand's lucky wheels and scratch cards. A tap asks the server to play; the server has
//! drawn and recorded the outcome before it answers, and the wheel then spins to land on that outcome (or the
//! member scratches the card's cover away with a finger to reveal it). The result says what to do next.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{fresh_key, sleep},
        i18n::{I18n, Lang},
        notice::ErrorNotice,
    },
    SURFACE, Screen,
};
use crate::api::{EventType, GameKind, MemberGame, Play, PlayRequest, PrizeKind};

/// How long the wheel spins, in ms (the CSS transition matches).
const SPIN_MS: i32 = 3_200;

/// The scratch card's cover is a grid of cells; scratching over this share of them clears the rest.
const SCRATCH_COLUMNS: usize = 10;
const SCRATCH_ROWS: usize = 5;
const SCRATCH_CLEARS_AT: usize = SCRATCH_COLUMNS * SCRATCH_ROWS * 55 / 100;
/// The finger's radius on the card, in canvas pixels.
const SCRATCH_RADIUS: f64 = 18.0;

/// The scratch card's cover: a canvas painted over the prize, erased where the member's finger (or mouse) goes.
#[derive(Clone, Copy)]
struct Cover {
    canvas: NodeRef<leptos::html::Canvas>,
    touched: RwSignal<Vec<bool>>,
    down: RwSignal<bool>,
}

impl Cover {
    fn new() -> Self {
        Self {
            canvas: NodeRef::new(),
            touched: RwSignal::new(vec![false; SCRATCH_COLUMNS * SCRATCH_ROWS]),
            down: RwSignal::new(false),
        }
    }

    fn context(self) -> Option<(web_sys::HtmlCanvasElement, web_sys::CanvasRenderingContext2d)> {
        use wasm_bindgen::JsCast;
        let canvas = self.canvas.get_untracked()?;
        let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        Some((canvas, context))
    }

    /// Paints the cover afresh, with a hint in the middle.
    fn paint(self, hint: &str) {
        let Some((canvas, cx)) = self.context() else { return };
        let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
        cx.set_global_composite_operation("source-over").ok();
        cx.set_fill_style_str("#a6acaf");
        cx.fill_rect(0.0, 0.0, w, h);
        cx.set_fill_style_str("#ffffff");
        cx.set_font("600 18px system-ui, sans-serif");
        cx.set_text_align("center");
        cx.fill_text(hint, w / 2.0, h / 2.0 + 6.0).ok();
        self.touched.set(vec![false; SCRATCH_COLUMNS * SCRATCH_ROWS]);
    }

    /// Erases a round patch under the pointer; true once enough of the card is scratched.
    fn scratch(self, ev: &web_sys::PointerEvent) -> bool {
        let Some((canvas, cx)) = self.context() else {
            return false;
        };
        let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
        let scale_x = w / f64::from(canvas.client_width().max(1));
        let scale_y = h / f64::from(canvas.client_height().max(1));
        let (x, y) = (f64::from(ev.offset_x()) * scale_x, f64::from(ev.offset_y()) * scale_y);
        cx.set_global_composite_operation("destination-out").ok();
        cx.begin_path();
        cx.arc(x, y, SCRATCH_RADIUS, 0.0, std::f64::consts::TAU).ok();
        cx.fill();
        let column = ((x / w) * SCRATCH_COLUMNS as f64).clamp(0.0, (SCRATCH_COLUMNS - 1) as f64) as usize;
        let row = ((y / h) * SCRATCH_ROWS as f64).clamp(0.0, (SCRATCH_ROWS - 1) as f64) as usize;
        self.touched.update(|t| t[row * SCRATCH_COLUMNS + column] = true);
        self.touched
            .with_untracked(|t| t.iter().filter(|c| **c).count() >= SCRATCH_CLEARS_AT)
    }
}

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
pub fn Games(on_back: Callback<()>, go: Callback<Screen>, focus: Option<String>) -> impl IntoView {
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
            // A game a link named comes first.
            let mut list = list;
            list.sort_by_key(|g| Some(&g.id) != focus.as_ref());
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
    let extra_events = game.extra_play_events.clone();
    let angle = RwSignal::new(0.0_f64);
    let scratched = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Play>);
    // A scratch card's outcome, under the cover until it is scratched away.
    let under_cover = RwSignal::new(None::<Play>);
    let cover = Cover::new();
    let reveal = move || {
        if let Some(outcome) = under_cover.get_untracked() {
            scratched.set(true);
            under_cover.set(None);
            result.set(Some(outcome));
        }
    };
    if game.kind == GameKind::Scratch {
        Effect::new(move |_| {
            if cover.canvas.get().is_some() {
                cover.paint(i18n.t("scratch_here"));
            }
        });
    }
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
        if scratched.get_untracked() {
            scratched.set(false);
            cover.paint(i18n.t("scratch_here"));
        }
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
                        GameKind::Wheel => {
                            angle.update(|a| *a = landing_angle(*a, index, count, 5));
                            sleep(SPIN_MS).await;
                            result.set(Some(outcome));
                        }
                        // The outcome waits under the cover for the member's finger.
                        GameKind::Scratch => under_cover.set(Some(outcome)),
                    }
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
                    let label = super::game_rules::segment_label(s.kind, &s.label);
                    view! { <span class="segment" style=style data-segment=s.id.clone()><span>{label}</span></span> }
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
            <div class="scratch-card" class:ready=move || under_cover.get().is_some()>
                <div class="scratch-prize">
                    {move || under_cover.get().or_else(|| result.get()).map(|r| super::game_rules::segment_label(r.kind, &r.label)()).unwrap_or_else(|| "?".into())}
                </div>
                <canvas
                    node_ref=cover.canvas
                    class="scratch-cover"
                    class:scratched=move || scratched.get()
                    width="300"
                    height="140"
                    aria-label=move || i18n.t("scratch_here")
                    on:pointerdown=move |ev| {
                        if under_cover.get_untracked().is_some() {
                            cover.down.set(true);
                            if cover.scratch(&ev) {
                                reveal();
                            }
                        }
                    }
                    on:pointermove=move |ev| {
                        if cover.down.get_untracked() && under_cover.get_untracked().is_some() && cover.scratch(&ev) {
                            reveal();
                        }
                    }
                    on:pointerup=move |_| cover.down.set(false)
                    on:pointerleave=move |_| cover.down.set(false)
                ></canvas>
            </div>
            {move || under_cover.get().is_some().then(|| view! {
                <p class="muted scratch-now">{move || i18n.t("scratch_now")}</p>
                <button class="link reveal-all" type="button" on:click=move |_| reveal()>{move || i18n.t("reveal_all")}</button>
            })}
        }
        .into_any(),
    };
    let action = if kind == GameKind::Wheel { "spin" } else { "scratch" };
    let rules = game.clone();
    view! {
        <article class="game" data-game=game.id>
            <h2>{game.name.clone()}</h2>
            {board}
            <p class="plays-left">{move || i18n.t("plays_left")} ": " <strong>{move || plays_left.get()}</strong></p>
            {move || (plays_left.get() == 0).then(|| {
                // When plays come back, and what earns one sooner, in the member's words.
                let earn: Vec<(&'static str, &'static str)> = extra_events
                    .iter()
                    .filter_map(|t| EventType::parse(t).map(EventType::label))
                    .collect();
                let vi = i18n.lang() == Lang::Vi;
                let ways = earn.iter().map(|(v, e)| if vi { *v } else { *e }).collect::<Vec<_>>().join(", ");
                view! {
                    <p class="no-plays muted">
                        {move || i18n.t("plays_come_back")}
                        {(!ways.is_empty()).then(|| view! { " " {move || i18n.t("earn_a_play")} " " <strong>{ways.clone()}</strong> "." })}
                    </p>
                }
            })}
            <button
                class="primary play"
                type="button"
                disabled=move || busy.get() || under_cover.get().is_some() || plays_left.get() == 0
                on:click=play
            >
                {move || i18n.t(action)}
            </button>
            {move || result.get().map(|r| view! { <Outcome play=r go=go/> })}
            <super::game_rules::Rules game=rules/>
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
            <p class="prize-label"><strong>{super::game_rules::segment_label(play.kind, &play.label)}</strong></p>
            {next}
        </div>
    }
}
