//! The console's menu: categories, and products with their price, picture, option groups (a size, sugar,
//! toppings: each choice with what it adds to the price) and the stores where they are sold out today. The
//! server checks every field and says which one it refused; the mini app's menu shows what is saved here.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::fresh_key,
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{Field, FieldMessage, FormFailure, number},
};
use crate::{
    api::{Category, CategoryInput, MenuCatalog, OptionChoice, OptionGroup, Product, ProductInput, Store},
    domain::format_vnd,
};

/// An option group as the form edits it: text fields, and its choices.
#[derive(Debug, Clone)]
struct GroupForm {
    id: String,
    name: RwSignal<String>,
    min: RwSignal<String>,
    max: RwSignal<String>,
    choices: RwSignal<Vec<ChoiceForm>>,
}

#[derive(Debug, Clone)]
struct ChoiceForm {
    id: String,
    name: RwSignal<String>,
    delta: RwSignal<String>,
}

/// A short id for a new group or choice, unique within the product.
fn new_id() -> String {
    fresh_key()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(24)
        .collect()
}

fn choice_form(c: &OptionChoice) -> ChoiceForm {
    ChoiceForm {
        id: c.id.clone(),
        name: RwSignal::new(c.name.clone()),
        delta: RwSignal::new(c.price_delta_vnd.to_string()),
    }
}

fn group_form(g: &OptionGroup) -> GroupForm {
    GroupForm {
        id: g.id.clone(),
        name: RwSignal::new(g.name.clone()),
        min: RwSignal::new(g.min.to_string()),
        max: RwSignal::new(g.max.to_string()),
        choices: RwSignal::new(g.choices.iter().map(choice_form).collect()),
    }
}

fn group_input(g: &GroupForm) -> OptionGroup {
    OptionGroup {
        id: g.id.clone(),
        name: g.name.get_untracked(),
        min: number(&g.min.get_untracked()).unwrap_or(0),
        max: number(&g.max.get_untracked()).unwrap_or(1),
        choices: g
            .choices
            .get_untracked()
            .iter()
            .map(|c| OptionChoice {
                id: c.id.clone(),
                name: c.name.get_untracked(),
                price_delta_vnd: number(&c.delta.get_untracked()).unwrap_or(0),
            })
            .collect(),
    }
}

/// The product form: a new product, or the one being edited.
#[component]
fn ProductForm(
    product: Option<Product>,
    categories: Vec<Category>,
    stores: Vec<Store>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let save_error = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(save_error));
    let editing = product.as_ref().map(|p| p.id.clone());
    let input = product.map(|p| p.input);
    let name = RwSignal::new(input.as_ref().map(|i| i.name.clone()).unwrap_or_default());
    let description = RwSignal::new(input.as_ref().map(|i| i.description.clone()).unwrap_or_default());
    let image = RwSignal::new(input.as_ref().and_then(|i| i.image_url.clone()).unwrap_or_default());
    let price = RwSignal::new(input.as_ref().map(|i| i.price_vnd.to_string()).unwrap_or_default());
    let category = RwSignal::new(input.as_ref().and_then(|i| i.category_id.clone()).unwrap_or_default());
    let active = RwSignal::new(input.as_ref().is_none_or(|i| i.active));
    let sold_out = RwSignal::new(input.as_ref().map(|i| i.sold_out_at.clone()).unwrap_or_default());
    let groups = RwSignal::new(
        input
            .as_ref()
            .map(|i| i.options.iter().map(group_form).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    let position = input.as_ref().map_or(0, |i| i.position);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ProductInput {
            category_id: Some(category.get_untracked()).filter(|c| !c.is_empty()),
            name: name.get_untracked(),
            description: description.get_untracked(),
            image_url: Some(image.get_untracked()).filter(|u| !u.trim().is_empty()),
            price_vnd: number(&price.get_untracked()).unwrap_or(-1),
            options: groups.get_untracked().iter().map(group_input).collect(),
            active: active.get_untracked(),
            position,
            sold_out_at: sold_out.get_untracked(),
        };
        let (api, editing) = (api.clone(), editing.clone());
        busy.set(true);
        spawn_local(async move {
            let outcome = match &editing {
                Some(id) => {
                    api.put_as::<_, Product>(SURFACE, &format!("/api/v1/admin/products/{id}"), &body)
                        .await
                }
                None => {
                    api.post_as::<_, Product>(SURFACE, "/api/v1/admin/products", &body)
                        .await
                }
            };
            match outcome {
                Ok(_) => {
                    save_error.set(None);
                    on_saved.run(());
                }
                Err(e) => save_error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let add_group = move |_| {
        groups.update(|g| {
            g.push(GroupForm {
                id: new_id(),
                name: RwSignal::new(String::new()),
                min: RwSignal::new("1".into()),
                max: RwSignal::new("1".into()),
                choices: RwSignal::new(vec![ChoiceForm {
                    id: new_id(),
                    name: RwSignal::new(String::new()),
                    delta: RwSignal::new("0".into()),
                }]),
            })
        })
    };
    view! {
        <form class="product-form" on:submit=submit>
            <div class="inline-form">
                <Field label="product_name" value=name name="product_name" required=true at="/name"/>
                <Field label="product_price" value=price kind="number" name="product_price" at="/price_vnd"/>
                <label>
                    {move || i18n.t("product_category")}
                    <select name="product_category" on:change=move |ev| category.set(event_target_value(&ev))>
                        <option value="" selected=move || category.get().is_empty()>{move || i18n.t("no_category")}</option>
                        {categories.into_iter().map(|c| {
                            let id = c.id.clone();
                            view! { <option value=c.id selected=move || category.get() == id>{c.input.name}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessage at="/category_id"/>
                </label>
            </div>
            <div class="inline-form">
                <Field label="product_description" value=description name="product_description" at="/description"/>
                <Field label="product_image" value=image name="product_image" at="/image_url"/>
                <label class="check">
                    <input type="checkbox" name="product_active" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev))/>
                    {move || i18n.t("product_on_menu")}
                </label>
            </div>
            {(!stores.is_empty()).then(|| view! {
                <fieldset class="sold-out-at">
                    <legend>{move || i18n.t("sold_out_at")}</legend>
                    {stores.into_iter().map(|s| {
                        let id = s.id.clone();
                        let checked = { let id = id.clone(); move || sold_out.with(|ids| ids.contains(&id)) };
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=checked on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    sold_out.update(|ids| { ids.retain(|x| *x != id); if on { ids.push(id.clone()); } });
                                }/>
                                {s.input.name}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            <h3>{move || i18n.t("option_groups")}</h3>
            <FieldMessage at="/options"/>
            {move || groups.get().into_iter().enumerate().map(|(g, group)| {
                let at = |field: &str| format!("/options/{g}/{field}");
                let choices = group.choices;
                view! {
                    <fieldset class="option-group-form">
                        <div class="option-row group-row">
                            <Field label="group_name" value=group.name at=at("name")/>
                            <Field label="group_min" value=group.min kind="number" at=at("min")/>
                            <Field label="group_max" value=group.max kind="number" at=at("max")/>
                            <button type="button" class="link remove-group" on:click=move |_| groups.update(|gs| { gs.remove(g); })>{move || i18n.t("remove_group")}</button>
                        </div>
                        <FieldMessage at=at("choices")/>
                        {move || choices.get().into_iter().enumerate().map(|(c, choice)| view! {
                            <div class="option-row choice-row">
                                <Field label="choice_name" value=choice.name at=format!("/options/{g}/choices/{c}/name")/>
                                <Field label="choice_delta" value=choice.delta kind="number" at=format!("/options/{g}/choices/{c}/price_delta_vnd")/>
                                <button type="button" class="link" on:click=move |_| choices.update(|cs| { cs.remove(c); })>{move || i18n.t("remove")}</button>
                            </div>
                        }).collect_view()}
                        <button type="button" class="link add-choice" on:click=move |_| choices.update(|cs| cs.push(ChoiceForm {
                            id: new_id(),
                            name: RwSignal::new(String::new()),
                            delta: RwSignal::new("0".into()),
                        }))>{move || i18n.t("add_choice")}</button>
                    </fieldset>
                }
            }).collect_view()}
            <button type="button" class="link add-group" on:click=add_group>{move || i18n.t("add_group")}</button>
            <div class="actions">
                <button type="submit" class="primary save-product" disabled=move || busy.get()>{move || i18n.t("save")}</button>
                <ErrorNotice error=save_error/>
            </div>
        </form>
    }
}

/// The menu page.
#[component]
pub fn MenuPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let catalog = RwSignal::new(None::<MenuCatalog>);
    let stores = RwSignal::new(Vec::<Store>::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let editing = RwSignal::new(None::<Option<Product>>);
    let saved = RwSignal::new(false);
    let reload = {
        let api = api.clone();
        Callback::new(move |()| {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<MenuCatalog>(SURFACE, "/api/v1/admin/catalog").await {
                    Ok(c) => catalog.set(Some(c)),
                    Err(e) => error.set(Some(e)),
                }
                if let Ok(list) = api.get_as::<Vec<Store>>(SURFACE, "/api/v1/admin/stores").await {
                    stores.set(list);
                }
            });
        })
    };
    reload.run(());
    let category_name = RwSignal::new(String::new());
    let category_error = RwSignal::new(None::<ApiFailure>);
    let add_category = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let api = api.clone();
        let body = CategoryInput {
            name: category_name.get_untracked(),
            position: catalog.with_untracked(|c| c.as_ref().map_or(0, |c| c.categories.len() as i64)),
        };
        spawn_local(async move {
            match api
                .post_as::<_, Category>(SURFACE, "/api/v1/admin/product-categories", &body)
                .await
            {
                Ok(_) => {
                    category_name.set(String::new());
                    category_error.set(None);
                    reload.run(());
                }
                Err(e) => category_error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="menu-admin">
            <h1>{move || i18n.t("nav_menu")}</h1>
            <p class="muted">{move || i18n.t("menu_lead")}</p>
            <ErrorNotice error=error/>
            {move || match catalog.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(c) => {
                    let names: Vec<(String, String)> = c.categories.iter().map(|k| (k.id.clone(), k.input.name.clone())).collect();
                    view! {
                        <h2>{move || i18n.t("categories")}</h2>
                        {if c.categories.is_empty() {
                            view! { <p class="muted">{move || i18n.t("no_categories")}</p> }.into_any()
                        } else {
                            view! { <p class="category-list">{c.categories.iter().map(|k| view! { <span class="badge">{k.input.name.clone()}</span> " " }).collect_view()}</p> }.into_any()
                        }}
                        <h2>{move || i18n.t("products")}</h2>
                        {if c.products.is_empty() {
                            view! { <p class="muted empty">{move || i18n.t("no_products")}</p> }.into_any()
                        } else {
                            view! {
                                <table class="list products-list">
                                    <thead><tr>
                                        <th>{move || i18n.t("product_name")}</th><th>{move || i18n.t("product_category")}</th>
                                        <th>{move || i18n.t("product_price")}</th><th>{move || i18n.t("option_groups")}</th><th></th>
                                    </tr></thead>
                                    <tbody>
                                        {c.products.iter().map(|p| {
                                            let category = p.input.category_id.as_ref()
                                                .and_then(|id| names.iter().find(|(k, _)| k == id).map(|(_, n)| n.clone()))
                                                .unwrap_or_default();
                                            let chosen = p.clone();
                                            let groups = p.input.options.iter().map(|g| g.name.clone()).collect::<Vec<_>>().join(", ");
                                            view! {
                                                <tr class="product-row" class:closed=!p.input.active>
                                                    <td>
                                                        <strong>{p.input.name.clone()}</strong>
                                                        {(!p.input.active).then(|| view! { " " <span class="badge stop">{move || i18n.t("off_menu")}</span> })}
                                                        {(!p.input.sold_out_at.is_empty()).then(|| view! { " " <span class="badge warn">{move || i18n.t("sold_out_somewhere")}</span> })}
                                                    </td>
                                                    <td>{category}</td>
                                                    <td>{format_vnd(p.input.price_vnd)}</td>
                                                    <td class="muted">{groups}</td>
                                                    <td><button type="button" class="link edit-product" on:click=move |_| { saved.set(false); editing.set(Some(Some(chosen.clone()))) }>{move || i18n.t("edit")}</button></td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                        {move || saved.get().then(|| view! { <p class="notice success product-saved" role="status">{move || i18n.t("saved")}</p> })}
                        <button type="button" class="add-product" on:click=move |_| { saved.set(false); editing.set(Some(None)) }>{move || i18n.t("add_product")}</button>
                    }.into_any()
                }
            }}
            {move || editing.get().map(|product| {
                let categories = catalog.with_untracked(|c| c.as_ref().map(|c| c.categories.clone()).unwrap_or_default());
                let heading = if product.is_some() { "edit_product" } else { "add_product" };
                view! {
                    <h2>{move || i18n.t(heading)}</h2>
                    <ProductForm product=product categories=categories stores=stores.get_untracked() on_saved=Callback::new(move |()| {
                        // The form closes on a save, so a second press cannot add the product twice.
                        editing.set(None);
                        saved.set(true);
                        reload.run(());
                    })/>
                }
            })}
            <h2>{move || i18n.t("add_category")}</h2>
            <form class="inline-form category-form" on:submit=add_category>
                <label>
                    {move || i18n.t("category_name")}
                    <input name="category_name" required prop:value=move || category_name.get() on:input=move |ev| category_name.set(event_target_value(&ev))/>
                </label>
                <button type="submit">{move || i18n.t("add_category")}</button>
            </form>
            <ErrorNotice error=category_error/>
        </section>
    }
}
