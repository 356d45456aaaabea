//! The rewards catalog: every reward with its stock and vouchers issued, and a form to add or change one.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{Choice, Field, day_start, form_date, number, text_of},
};
use crate::api::{LoyaltyConfig, Reward, RewardInput, RewardKind};

fn kind_key(kind: RewardKind) -> &'static str {
    match kind {
        RewardKind::DiscountVoucher => "kind_discount",
        RewardKind::FreeItem => "kind_free_item",
        RewardKind::PhysicalGift => "kind_gift",
    }
}

/// The rewards page.
#[component]
pub fn RewardsPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let rewards = RwSignal::new(None::<Vec<Reward>>);
    let tiers = RwSignal::new(Vec::<(String, String)>::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let saved = RwSignal::new(false);
    let reload = {
        let api = api.clone();
        move || {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<Vec<Reward>>(SURFACE, "/api/v1/admin/rewards").await {
                    Ok(r) => rewards.set(Some(r)),
                    Err(e) => error.set(Some(e)),
                }
                if let Ok(c) = api.get_as::<LoyaltyConfig>(SURFACE, "/api/v1/admin/loyalty").await {
                    tiers.set(c.tiers.into_iter().map(|t| (t.id, t.input.name)).collect());
                }
            });
        }
    };
    reload();

    let editing = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let kind = RwSignal::new("free_item".to_owned());
    let discount_vnd = RwSignal::new(String::new());
    let discount_pct = RwSignal::new(String::new());
    let cost = RwSignal::new("100".to_owned());
    let stock = RwSignal::new(String::new());
    let limit = RwSignal::new(String::new());
    let valid_from = RwSignal::new(String::new());
    let valid_until = RwSignal::new(String::new());
    let voucher_days = RwSignal::new("30".to_owned());
    let min_tier = RwSignal::new(String::new());
    let image = RwSignal::new(String::new());
    let active = RwSignal::new(true);
    let edit = move |r: Reward| {
        let i = r.input;
        editing.set(Some(r.id));
        name.set(i.name);
        description.set(i.description);
        kind.set(i.kind.as_str().to_owned());
        discount_vnd.set(text_of(i.discount_vnd));
        discount_pct.set(text_of(i.discount_pct));
        cost.set(i.points_cost.to_string());
        stock.set(text_of(i.stock));
        limit.set(text_of(i.per_member_limit));
        valid_from.set(form_date(i.valid_from.as_deref()));
        valid_until.set(form_date(i.valid_until.as_deref()));
        voucher_days.set(i.voucher_days.to_string());
        min_tier.set(i.min_tier_id.unwrap_or_default());
        image.set(i.image_url.unwrap_or_default());
        active.set(i.active);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (api, reload) = (api.clone(), reload.clone());
        let body = RewardInput {
            name: name.get_untracked(),
            description: description.get_untracked(),
            kind: RewardKind::parse(&kind.get_untracked()).unwrap_or(RewardKind::FreeItem),
            discount_vnd: number(&discount_vnd.get_untracked()),
            discount_pct: number(&discount_pct.get_untracked()),
            points_cost: number(&cost.get_untracked()).unwrap_or(-1),
            stock: number(&stock.get_untracked()),
            per_member_limit: number(&limit.get_untracked()),
            valid_from: day_start(&valid_from.get_untracked()),
            valid_until: day_start(&valid_until.get_untracked()),
            voucher_days: number(&voucher_days.get_untracked()).unwrap_or(0),
            min_tier_id: Some(min_tier.get_untracked()).filter(|t| !t.is_empty()),
            image_url: Some(image.get_untracked()).filter(|u| !u.trim().is_empty()),
            active: active.get_untracked(),
        };
        let id = editing.get_untracked();
        spawn_local(async move {
            let r = match &id {
                Some(id) => {
                    api.put_as::<_, Reward>(SURFACE, &format!("/api/v1/admin/rewards/{id}"), &body)
                        .await
                }
                None => api.post_as::<_, Reward>(SURFACE, "/api/v1/admin/rewards", &body).await,
            };
            match r {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                    editing.set(None);
                    reload();
                }
                Err(e) => {
                    saved.set(false);
                    error.set(Some(e));
                }
            }
        });
    };
    let list = move || {
        match rewards.get() {
        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        Some(list) if list.is_empty() => view! { <p class="muted empty">{i18n.t("no_rewards_admin")}</p> }.into_any(),
        Some(list) => view! {
            <table class="list">
                <thead><tr>
                    <th>{move || i18n.t("name")}</th><th>{move || i18n.t("reward_kind")}</th>
                    <th>{move || i18n.t("points_cost")}</th><th>{move || i18n.t("stock")}</th>
                    <th>{move || i18n.t("issued")}</th><th>{move || i18n.t("active")}</th><th></th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|r| {
                        let chosen = r.clone();
                        let kind = r.input.kind;
                        let is_active = r.input.active;
                        view! {
                            <tr class="reward-row">
                                <td>{r.input.name.clone()}</td>
                                <td>{move || i18n.t(kind_key(kind))}</td>
                                <td>{r.input.points_cost}</td>
                                <td class="stock">{r.input.stock.map(|s| s.to_string()).unwrap_or_else(|| "∞".into())}</td>
                                <td>{r.issued}</td>
                                <td>{move || i18n.t(if is_active { "on" } else { "off" })}</td>
                                <td><button type="button" on:click=move |_| edit(chosen.clone())>{move || i18n.t("edit")}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
    };
    view! {
        <section class="rewards-admin">
            <h1>{move || i18n.t("nav_rewards")}</h1>
            <ErrorNotice error=error/>
            {move || saved.get().then(|| view! { <p class="notice success" role="status">{move || i18n.t("saved")}</p> })}
            {list}
            <h2>{move || i18n.t(if editing.get().is_some() { "edit_reward" } else { "add_reward" })}</h2>
            <form class="inline-form reward-form" on:submit=submit>
                <Field label="name" value=name name="reward_name" required=true/>
                <Field label="description" value=description name="reward_description"/>
                <Choice label="reward_kind" value=kind name="reward_kind"
                    options=vec![("free_item", "kind_free_item"), ("discount_voucher", "kind_discount"), ("physical_gift", "kind_gift")]/>
                <Field label="discount_vnd" value=discount_vnd kind="number" name="reward_discount_vnd"/>
                <Field label="discount_pct" value=discount_pct kind="number" name="reward_discount_pct"/>
                <Field label="points_cost" value=cost kind="number" name="reward_cost" required=true/>
                <Field label="stock_empty_unlimited" value=stock kind="number" name="reward_stock"/>
                <Field label="per_member_limit" value=limit kind="number" name="reward_limit"/>
                <Field label="starts" value=valid_from kind="date" name="reward_from"/>
                <Field label="ends" value=valid_until kind="date" name="reward_until"/>
                <Field label="voucher_days" value=voucher_days kind="number" name="reward_voucher_days"/>
                <label>
                    {move || i18n.t("min_tier")}
                    <select name="reward_tier" prop:value=move || min_tier.get() on:change=move |ev| min_tier.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t("all_members")}</option>
                        {move || tiers.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <Field label="image_url" value=image kind="url" name="reward_image"/>
                <label class="check">
                    <input type="checkbox" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev))/>
                    {move || i18n.t("shown_in_catalog")}
                </label>
                <button type="submit" class="save-reward">{move || i18n.t("save")}</button>
            </form>
        </section>
    }
}
