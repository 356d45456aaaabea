//! The menu and one-tap purchase: pick the pick-up store, the drinks and their options, see the total, and pay
//! in the super-app the member is in (Zalo's Checkout inside Zalo, MoMo inside MoMo; both offered in a plain
//! browser, through the simulator). The server prices the order; the total shown here is only its preview.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        bridge::{self, Host},
        browser::fresh_key,
        i18n::I18n,
        notice::ErrorNotice,
        page::PageConfig,
    },
    SURFACE, Screen,
};
use crate::{
    api::{Menu, MenuItem, Order, OrderLineRequest, PlaceOrder, Provider, PublicStore},
    domain::format_vnd,
};

/// A line of the cart, with what it shows.
#[derive(Debug, Clone, PartialEq)]
struct CartLine {
    request: OrderLineRequest,
    name: String,
    choices: Vec<String>,
    unit_vnd: i64,
}

impl CartLine {
    fn total(&self) -> i64 {
        self.unit_vnd.saturating_mul(self.request.quantity)
    }
}

/// The unit price with the chosen options, as the server will compute it.
fn unit_price(item: &MenuItem, chosen: &[String]) -> i64 {
    item.options
        .iter()
        .flat_map(|g| g.choices.iter())
        .filter(|c| chosen.contains(&c.id))
        .fold(item.price_vnd, |sum, c| sum.saturating_add(c.price_delta_vnd))
}

/// Whether the choices fit every group's fewest and most.
fn choices_fit(item: &MenuItem, chosen: &[String]) -> bool {
    item.options.iter().all(|g| {
        let n = g.choices.iter().filter(|c| chosen.contains(&c.id)).count() as i64;
        n >= g.min && n <= g.max
    })
}

/// The item being chosen: its options and how many.
#[component]
fn ItemSheet(item: MenuItem, on_add: Callback<CartLine>, on_close: Callback<()>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    // Each required single choice starts on its first choice.
    let first: Vec<String> = item
        .options
        .iter()
        .filter(|g| g.min == 1 && g.max == 1)
        .filter_map(|g| g.choices.first().map(|c| c.id.clone()))
        .collect();
    let chosen = RwSignal::new(first);
    let quantity = RwSignal::new(1_i64);
    let groups = item.options.clone();
    let for_price = item.clone();
    let for_fit = item.clone();
    let add = {
        let item = item.clone();
        move |_| {
            let ids = chosen.get_untracked();
            let names = item
                .options
                .iter()
                .flat_map(|g| g.choices.iter())
                .filter(|c| ids.contains(&c.id))
                .map(|c| c.name.clone())
                .collect();
            on_add.run(CartLine {
                unit_vnd: unit_price(&item, &ids),
                request: OrderLineRequest {
                    product_id: item.id.clone(),
                    quantity: quantity.get_untracked(),
                    choice_ids: ids,
                },
                name: item.name.clone(),
                choices: names,
            });
        }
    };
    view! {
        <div class="sheet item-sheet" role="dialog" aria-modal="true">
            <h2 class="item-name">{item.name.clone()}</h2>
            <p class="muted">{item.description}</p>
            {groups.into_iter().map(|g| {
                let single = g.max == 1;
                let group_ids: Vec<String> = g.choices.iter().map(|c| c.id.clone()).collect();
                view! {
                    <fieldset class="option-group">
                        <legend>{g.name.clone()} {(g.min == 0).then(|| view! { " " <span class="muted">{move || i18n.t("optional")}</span> })}</legend>
                        {g.choices.into_iter().map(|c| {
                            let id = c.id.clone();
                            let group_ids = group_ids.clone();
                            let max = g.max;
                            let checked = {
                                let id = id.clone();
                                move || chosen.with(|ids| ids.contains(&id))
                            };
                            view! {
                                <label class="choice">
                                    <input
                                        type=if single { "radio" } else { "checkbox" }
                                        name=g.id.clone()
                                        prop:checked=checked
                                        on:change=move |_| chosen.update(|ids| {
                                            if single {
                                                ids.retain(|x| !group_ids.contains(x));
                                                ids.push(id.clone());
                                            } else if let Some(at) = ids.iter().position(|x| *x == id) {
                                                ids.remove(at);
                                            } else if (ids.iter().filter(|x| group_ids.contains(x)).count() as i64) < max {
                                                ids.push(id.clone());
                                            }
                                        })
                                    />
                                    <span>{c.name.clone()}</span>
                                    {(c.price_delta_vnd > 0).then(|| view! { <span class="muted">" +" {format_vnd(c.price_delta_vnd)}</span> })}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            <div class="quantity">
                <button type="button" class="less" aria-label="-" disabled=move || { quantity.get() <= 1 } on:click=move |_| quantity.update(|q| *q = (*q - 1).max(1))>"−"</button>
                <span class="count">{move || quantity.get()}</span>
                <button type="button" class="more" aria-label="+" disabled=move || { quantity.get() >= 50 } on:click=move |_| quantity.update(|q| *q = (*q + 1).min(50))>"+"</button>
            </div>
            <button class="primary add-to-cart" type="button" disabled=move || !chosen.with(|ids| choices_fit(&for_fit, ids)) on:click=add>
                {move || i18n.t("add_to_cart")} " · " {move || format_vnd(unit_price(&for_price, &chosen.get()).saturating_mul(quantity.get()))}
            </button>
            <button class="link" type="button" on:click=move |_| on_close.run(())>{move || i18n.t("cancel")}</button>
        </div>
    }
}

/// The menu screen.
#[component]
pub fn MenuScreen(on_back: Callback<()>, go: Callback<Screen>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let config = expect_context::<PageConfig>();
    let stores = RwSignal::new(None::<Vec<PublicStore>>);
    let store = RwSignal::new(None::<String>);
    let menu = RwSignal::new(None::<Menu>);
    let error = RwSignal::new(None::<ApiFailure>);
    let picking = RwSignal::new(None::<MenuItem>);
    let cart = RwSignal::new(Vec::<CartLine>::new());
    let note = RwSignal::new(String::new());
    let checkout = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let key = RwSignal::new(fresh_key());

    let load_menu = {
        let api = api.clone();
        move |at: Option<String>| {
            let api = api.clone();
            spawn_local(async move {
                let path = match &at {
                    Some(s) => format!("/api/v1/menu?store_id={s}"),
                    None => "/api/v1/menu".to_owned(),
                };
                match api.get_as::<Menu>(SURFACE, &path).await {
                    Ok(m) => menu.set(Some(m)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    {
        let (api, load_menu) = (api.clone(), load_menu.clone());
        spawn_local(async move {
            match api.get_as::<Vec<PublicStore>>(SURFACE, "/api/v1/stores").await {
                Ok(list) => {
                    let first = list.first().map(|s| s.id.clone());
                    stores.set(Some(list));
                    store.set(first.clone());
                    load_menu(first);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let total = move || cart.with(|lines| lines.iter().fold(0_i64, |sum, l| sum.saturating_add(l.total())));
    let savings = super::savings::Savings::new();
    let first_provider = match bridge::host() {
        Host::Momo => Provider::Momo,
        _ => Provider::Zalo,
    };
    // The order as it stands, for the quote: what changes it asks again.
    let quote_order = Signal::derive(move || {
        let items: Vec<OrderLineRequest> = cart.with(|c| c.iter().map(|l| l.request.clone()).collect());
        (!items.is_empty()).then(|| PlaceOrder {
            store_id: store.get(),
            items,
            note: String::new(),
            provider: first_provider,
            method: None,
            idempotency_key: String::new(),
            voucher_id: None,
            points: None,
        })
    });
    let count = move || cart.with(|lines| lines.iter().map(|l| l.request.quantity).sum::<i64>());

    let place = move |provider: Provider| {
        let api = api.clone();
        let sim = config.sim.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let body = PlaceOrder {
                store_id: store.get_untracked(),
                items: cart.get_untracked().into_iter().map(|l| l.request).collect(),
                note: note.get_untracked(),
                provider,
                method: None,
                idempotency_key: key.get_untracked(),
                voucher_id: savings.voucher.get_untracked(),
                points: Some(savings.points()).filter(|p| *p > 0),
            };
            match api.post_as::<_, Order>(SURFACE, "/api/v1/me/orders", &body).await {
                Ok(order) => {
                    let id = order.id.clone();
                    match super::orders::pay(&api, &sim, &order).await {
                        // In Zalo the Checkout's own screen takes over; the order screen follows the payment.
                        Ok(()) => go.run(Screen::Order(id)),
                        Err(e) => {
                            error.set(Some(e));
                            go.run(Screen::Order(id));
                        }
                    }
                }
                Err(e) => {
                    // A refused order can be fixed and sent again as a new one.
                    key.set(fresh_key());
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let providers: Vec<Provider> = match bridge::host() {
        Host::Zalo => vec![Provider::Zalo],
        Host::Momo => vec![Provider::Momo],
        Host::Browser => vec![Provider::Zalo, Provider::Momo],
    };

    let sections = move || {
        match menu.get() {
        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        Some(m) if m.sections.is_empty() => view! { <p class="muted empty">{i18n.t("menu_empty")}</p> }.into_any(),
        Some(m) => m
            .sections
            .into_iter()
            .map(|section| {
                view! {
                    <section class="menu-section">
                        {(!section.name.is_empty()).then(|| view! { <h2>{section.name.clone()}</h2> })}
                        <ul class="menu-items">
                            {section.items.into_iter().map(|item| {
                                let available = item.available;
                                let chosen = item.clone();
                                view! {
                                    <li class="menu-item" class:sold-out=!available>
                                        {item.image_url.clone().map(|src| view! { <img src=src alt="" loading="lazy"/> })}
                                        <div class="menu-item-body">
                                            <div class="menu-item-name">{item.name.clone()}</div>
                                            <div class="muted">{item.description.clone()}</div>
                                            <div class="menu-item-price">{format_vnd(item.price_vnd)}</div>
                                        </div>
                                        {if available {
                                            view! { <button class="add" type="button" on:click=move |_| picking.set(Some(chosen.clone()))>{move || i18n.t("add")}</button> }.into_any()
                                        } else {
                                            view! { <span class="badge sold-out">{move || i18n.t("sold_out")}</span> }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()
            .into_any(),
    }
    };

    view! {
        <section class="menu-screen">
            <button class="back" type="button" on:click=move |_| {
                if checkout.get_untracked() { checkout.set(false) } else { on_back.run(()) }
            }>{move || i18n.t("back")}</button>
            <h1>{move || i18n.t(if checkout.get() { "your_order" } else { "order_menu" })}</h1>
            {move || stores.get().filter(|s| !s.is_empty()).map(|list| {
                let load_menu = load_menu.clone();
                view! {
                    <label class="pick-up">
                        <span>{move || i18n.t("pick_up_at")}</span>
                        <select name="store" on:change=move |ev| {
                            let id = event_target_value(&ev);
                            store.set(Some(id.clone()));
                            load_menu(Some(id));
                        }>
                            {list.into_iter().map(|s| {
                                let selected = store.get_untracked().as_deref() == Some(s.id.as_str());
                                view! { <option value=s.id selected=selected>{s.name}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }
            })}
            <ErrorNotice error=error/>
            {move || (!checkout.get()).then(sections)}
            {move || picking.get().map(|item| view! {
                <ItemSheet
                    item=item
                    on_add=Callback::new(move |line: CartLine| {
                        cart.update(|c| c.push(line));
                        picking.set(None);
                    })
                    on_close=Callback::new(move |()| picking.set(None))
                />
            })}
            {move || checkout.get().then(|| {
                let place = place.clone();
                let providers = providers.clone();
                view! {
                    <div class="checkout">
                        <ul class="cart-lines">
                            {move || cart.get().into_iter().enumerate().map(|(at, l)| view! {
                                <li class="cart-line">
                                    <div>
                                        <div class="cart-line-name">{l.request.quantity} " × " {l.name.clone()}</div>
                                        <div class="muted">{l.choices.join(", ")}</div>
                                    </div>
                                    <div class="cart-line-total">{format_vnd(l.total())}</div>
                                    <button class="link remove" type="button" on:click=move |_| cart.update(|c| { c.remove(at); })>{move || i18n.t("remove")}</button>
                                </li>
                            }).collect_view()}
                        </ul>
                        <label class="order-note">
                            <span>{move || i18n.t("order_note")}</span>
                            <input name="note" maxlength="200" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                        </label>
                        <super::savings::SavingsPicker savings=savings order=quote_order fallback=Signal::derive(total)/>
                        {providers.into_iter().map(|p| {
                            let place = place.clone();
                            let (class, label) = match p {
                                Provider::Zalo => ("primary pay pay-zalo", "pay_zalo"),
                                Provider::Momo => ("primary pay pay-momo", "pay_momo"),
                            };
                            view! {
                                <button class=class type="button" disabled=move || busy.get() || cart.with(Vec::is_empty) on:click=move |_| place(p)>
                                    {move || i18n.t(if busy.get() { "paying" } else { label })}
                                </button>
                            }
                        }).collect_view()}
                    </div>
                }
            })}
            {move || (!checkout.get() && count() > 0).then(|| view! {
                <button class="primary cart-bar" type="button" on:click=move |_| checkout.set(true)>
                    {move || i18n.t("view_cart")} " · " {count} " " {move || i18n.t("items_count")} " · " {move || format_vnd(total())}
                </button>
            })}
        </section>
    }
}
