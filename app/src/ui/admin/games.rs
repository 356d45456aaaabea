//! The game builder and live stats: every game with its plays and each prize given against its budgets, and a
//! form to build a wheel or scratch card whose prize chances add up to at most 100% (the rest is "no prize").

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{Choice, Field, FieldMessage, FormFailure, day_start, form_date, number, percent},
};
use crate::api::{Game, GameInput, GameKind, PrizeInput, PrizeKind, Reward};

/// The events that can earn an extra play (the server's list), with their text keys.
const EXTRA_PLAY_EVENTS: &[(&str, &str)] = &[
    ("checked_in", "extra_play_checkin"),
    ("order_paid", "extra_play_order"),
    ("offline_purchase", "extra_play_purchase"),
    ("survey_completed", "extra_play_survey"),
    ("followed_oa", "extra_play_follow"),
];

/// One prize row of the form.
#[derive(Clone, Copy)]
struct PrizeForm {
    label: RwSignal<String>,
    kind: RwSignal<String>,
    points: RwSignal<String>,
    reward: RwSignal<String>,
    share_pct: RwSignal<String>,
    budget_total: RwSignal<String>,
    budget_daily: RwSignal<String>,
}

impl PrizeForm {
    fn new() -> Self {
        Self {
            label: RwSignal::new(String::new()),
            kind: RwSignal::new("points".into()),
            points: RwSignal::new("10".into()),
            reward: RwSignal::new(String::new()),
            share_pct: RwSignal::new("10".into()),
            budget_total: RwSignal::new(String::new()),
            budget_daily: RwSignal::new(String::new()),
        }
    }

    fn from_prize(p: &PrizeInput) -> Self {
        let text = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        Self {
            label: RwSignal::new(p.label.clone()),
            kind: RwSignal::new(p.kind.as_str().to_owned()),
            points: RwSignal::new(text(p.points)),
            reward: RwSignal::new(p.reward_id.clone().unwrap_or_default()),
            share_pct: RwSignal::new(format!("{}", p.share_bp as f64 / 100.0)),
            budget_total: RwSignal::new(text(p.budget_total)),
            budget_daily: RwSignal::new(text(p.budget_daily)),
        }
    }

    fn to_input(self) -> PrizeInput {
        PrizeInput {
            label: self.label.get_untracked(),
            kind: PrizeKind::parse(&self.kind.get_untracked()).unwrap_or(PrizeKind::Nothing),
            points: number(&self.points.get_untracked()),
            reward_id: Some(self.reward.get_untracked()).filter(|r| !r.is_empty()),
            share_bp: share_bp(&self.share_pct.get_untracked()),
            budget_total: number(&self.budget_total.get_untracked()),
            budget_daily: number(&self.budget_daily.get_untracked()),
        }
    }
}

/// A percentage typed with up to two decimals ("12.5") as basis points; -1 when it is not a number, which the
/// server refuses with what to fix.
fn share_bp(text: &str) -> i64 {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .map_or(-1, |pct| (pct * 100.0).round() as i64)
}

fn budget(given: i64, limit: Option<i64>) -> String {
    match limit {
        Some(l) => format!("{given} / {l}"),
        None => format!("{given} / ∞"),
    }
}

/// The games page.
#[component]
pub fn GamesPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let games = RwSignal::new(None::<Vec<Game>>);
    let rewards = RwSignal::new(Vec::<Reward>::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let save_error = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(save_error));
    let saved = RwSignal::new(false);
    let reload = {
        let api = api.clone();
        move || {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<Vec<Game>>(SURFACE, "/api/v1/admin/games").await {
                    Ok(g) => games.set(Some(g)),
                    Err(e) => error.set(Some(e)),
                }
                if let Ok(r) = api.get_as::<Vec<Reward>>(SURFACE, "/api/v1/admin/rewards").await {
                    rewards.set(r);
                }
            });
        }
    };
    reload();

    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("wheel".to_owned());
    let plays = RwSignal::new("1".to_owned());
    let extra = RwSignal::new(vec!["checked_in".to_owned()]);
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let fallback = RwSignal::new(String::new());
    let active = RwSignal::new(true);
    let prizes = RwSignal::new(vec![PrizeForm::new()]);
    let editing = RwSignal::new(None::<String>);
    let clear = move || {
        editing.set(None);
        name.set(String::new());
        kind.set("wheel".into());
        plays.set("1".into());
        extra.set(vec!["checked_in".to_owned()]);
        starts.set(String::new());
        ends.set(String::new());
        fallback.set(String::new());
        active.set(true);
        prizes.set(vec![PrizeForm::new()]);
    };
    let edit = move |g: Game| {
        editing.set(Some(g.id.clone()));
        name.set(g.name.clone());
        kind.set(g.kind.as_str().to_owned());
        plays.set(g.plays_per_day.to_string());
        extra.set(g.extra_play_events.clone());
        starts.set(form_date(g.starts_at.as_deref()));
        ends.set(form_date(g.ends_at.as_deref()));
        fallback.set(
            g.fallback_prize_id
                .as_ref()
                .and_then(|f| g.prizes.iter().position(|p| p.id == *f))
                .map(|i| i.to_string())
                .unwrap_or_default(),
        );
        active.set(g.active);
        prizes.set(g.prizes.iter().map(|p| PrizeForm::from_prize(&p.input)).collect());
        saved.set(false);
    };
    let total_bp = move || {
        prizes
            .get()
            .iter()
            .map(|p| share_bp(&p.share_pct.get()).max(0))
            .sum::<i64>()
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (api, reload) = (api.clone(), reload.clone());
        let body = GameInput {
            name: name.get_untracked(),
            kind: GameKind::parse(&kind.get_untracked()).unwrap_or(GameKind::Wheel),
            plays_per_day: number(&plays.get_untracked()).unwrap_or(-1),
            extra_play_events: extra.get_untracked(),
            prizes: prizes.get_untracked().into_iter().map(PrizeForm::to_input).collect(),
            fallback_prize: fallback.get_untracked().parse().ok(),
            starts_at: day_start(&starts.get_untracked()),
            ends_at: day_start(&ends.get_untracked()),
            active: active.get_untracked(),
        };
        let id = editing.get_untracked();
        spawn_local(async move {
            let outcome = match &id {
                Some(id) => {
                    api.put_as::<_, Game>(SURFACE, &format!("/api/v1/admin/games/{id}"), &body)
                        .await
                }
                None => api.post_as::<_, Game>(SURFACE, "/api/v1/admin/games", &body).await,
            };
            match outcome {
                Ok(_) => {
                    save_error.set(None);
                    saved.set(true);
                    clear();
                    reload();
                }
                Err(e) => {
                    saved.set(false);
                    save_error.set(Some(e));
                }
            }
        });
    };

    let list = move || {
        match games.get() {
        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        Some(list) if list.is_empty() => view! { <p class="muted empty">{i18n.t("no_games_admin")}</p> }.into_any(),
        Some(list) => list
            .into_iter()
            .map(|g| {
                let is_active = g.active;
                let game = g.clone();
                view! {
                    <article class="game-stats">
                        <h2>{g.name.clone()} " · " {move || i18n.t(if is_active { "on" } else { "off" })}</h2>
                        <button type="button" class="link edit-game" on:click=move |_| edit(game.clone())>{move || i18n.t("edit")}</button>
                        <p class="muted">{move || i18n.t("plays")} ": " <strong class="plays">{g.plays}</strong></p>
                        <table class="list">
                            <thead><tr>
                                <th>{move || i18n.t("prize_label")}</th><th>{move || i18n.t("share_pct")}</th>
                                <th>{move || i18n.t("given_of_budget")}</th><th>{move || i18n.t("given_today_of_budget")}</th>
                            </tr></thead>
                            <tbody>
                                {g.prizes.into_iter().map(|p| view! {
                                    <tr class="prize-row">
                                        <td>{p.input.label.clone()}</td>
                                        <td>{move || percent(p.input.share_bp, i18n.lang())}</td>
                                        <td class="given">{budget(p.given, p.input.budget_total)}</td>
                                        <td>{budget(p.given_today, p.input.budget_daily)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </article>
                }
            })
            .collect_view()
            .into_any(),
    }
    };

    let prize_rows = move || {
        prizes
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                view! {
                    <fieldset class="prize-form" data-prize=i + 1>
                        <legend>{move || i18n.t("prize")} " " {i + 1}</legend>
                        <Field label="prize_label" value=p.label name="prize_label" required=true at=format!("/prizes/{i}/label")/>
                        <Choice label="prize_kind" value=p.kind name="prize_kind"
                            options=vec![("points", "prize_kind_points"), ("voucher", "prize_kind_voucher"), ("gift", "prize_kind_gift"), ("nothing", "prize_kind_nothing")]/>
                        {move || (p.kind.get() == "points").then(|| view! { <Field label="points" value=p.points kind="number" name="prize_points" at=format!("/prizes/{i}/points")/> })}
                        {move || (p.kind.get() == "voucher").then(|| view! {
                            <label>
                                {move || i18n.t("prize_reward")}
                                <select name="prize_reward" prop:value=move || p.reward.get() on:change=move |ev| p.reward.set(event_target_value(&ev))>
                                    <option value="">"—"</option>
                                    {move || rewards.get().into_iter().map(|r| view! { <option value=r.id>{r.input.name}</option> }).collect_view()}
                                </select>
                                <FieldMessage at=format!("/prizes/{i}/reward_id")/>
                            </label>
                        })}
                        <Field label="share_pct" value=p.share_pct name="prize_share" at=format!("/prizes/{i}/share_bp")/>
                        <Field label="budget_total" value=p.budget_total kind="number" name="prize_budget_total" at=format!("/prizes/{i}/budget_total")/>
                        <Field label="budget_daily" value=p.budget_daily kind="number" name="prize_budget_daily" at=format!("/prizes/{i}/budget_daily")/>
                        <button type="button" class="link" on:click=move |_| prizes.update(|v| { if v.len() > 1 { v.remove(i); } })>
                            {move || i18n.t("remove")}
                        </button>
                    </fieldset>
                }
            })
            .collect_view()
    };

    view! {
        <section class="games-admin">
            <h1>{move || i18n.t("nav_games")}</h1>
            <ErrorNotice error=error/>
            {move || saved.get().then(|| view! { <p class="notice success" role="status">{move || i18n.t("saved")}</p> })}
            {list}
            <h2>{move || i18n.t(if editing.get().is_some() { "edit_game" } else { "add_game" })}</h2>
            <form class="inline-form game-form" on:submit=submit>
                <Field label="name" value=name name="game_name" required=true at="/name"/>
                <Choice label="game_kind" value=kind name="game_kind" options=vec![("wheel", "game_wheel"), ("scratch", "game_scratch")]/>
                <Field label="plays_per_day" value=plays kind="number" name="game_plays" at="/plays_per_day"/>
                <fieldset class="extra-plays">
                    <legend>{move || i18n.t("extra_play_on")}</legend>
                    {EXTRA_PLAY_EVENTS.iter().map(|(event, key)| {
                        let event = *event;
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name="extra_play"
                                    value=event
                                    prop:checked=move || extra.get().iter().any(|e| e == event)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        extra.update(|v| {
                                            v.retain(|e| e != event);
                                            if on {
                                                v.push(event.to_owned());
                                            }
                                        });
                                    }
                                />
                                {move || i18n.t(key)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <Field label="starts" value=starts kind="date" name="game_starts" at="/starts_at"/>
                <Field label="ends" value=ends kind="date" name="game_ends" at="/ends_at"/>
                {prize_rows}
                <button type="button" class="add-prize" on:click=move |_| prizes.update(|v| v.push(PrizeForm::new()))>
                    {move || i18n.t("add_prize")}
                </button>
                <p class="preview" role="status">
                    {move || i18n.t("shares_total")} ": " <strong>{move || percent(total_bp(), i18n.lang())}</strong>
                    " · " {move || i18n.t("no_prize_share")} ": " {move || percent((10_000 - total_bp()).max(0), i18n.lang())}
                    {move || (total_bp() > 10_000).then(|| view! { <span class="error"> " " {move || i18n.t("shares_over")}</span> })}
                    <FieldMessage at="/prizes"/>
                </p>
                <label>
                    {move || i18n.t("fallback_prize")}
                    <select name="game_fallback" prop:value=move || fallback.get() on:change=move |ev| fallback.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t("no_fallback")}</option>
                        {move || (0..prizes.get().len()).map(|i| view! { <option value=i.to_string()>{move || i18n.t("prize")} " " {i + 1}</option> }).collect_view()}
                    </select>
                    <FieldMessage at="/fallback_prize"/>
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev))/>
                    {move || i18n.t("active")}
                </label>
                <ErrorNotice error=save_error/>
                <button type="submit" class="save-game">{move || i18n.t("save")}</button>
                {move || editing.get().is_some().then(|| view! {
                    <button type="button" class="link" on:click=move |_| clear()>{move || i18n.t("cancel")}</button>
                })}
            </form>
        </section>
    }
}
