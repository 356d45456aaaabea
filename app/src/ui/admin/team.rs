//! The staff page: the brand's owners, admins and store staff with the stores each works at; add a staff member
//! or an admin with a first password; tie staff to stores; disable an account (its sessions end at once).

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{Choice, Field, FieldMessage, FormFailure},
};
use crate::api::{StaffInvite, StaffMember, StaffRole, StaffUpdate, Store};

fn role_key(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Owner => "role_owner",
        StaffRole::Admin => "role_admin",
        StaffRole::Staff => "role_staff",
    }
}

/// Check boxes for the brand's stores, bound to the chosen ids.
#[component]
fn StoreChoice(stores: RwSignal<Vec<Store>>, chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <fieldset class="store-choice">
            <legend>{move || i18n.t("works_at")}</legend>
            {move || stores.get().is_empty().then(|| view! { <p class="muted">{move || i18n.t("no_stores")}</p> })}
            {move || stores.get().into_iter().filter(|s| s.input.active).map(|s| {
                let (id, tick) = (s.id.clone(), s.id.clone());
                view! {
                    <label class="check">
                        <input type="checkbox" name="staff_store" value=s.id.clone()
                            prop:checked=move || chosen.get().contains(&id)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|v| {
                                    v.retain(|x| *x != tick);
                                    if on {
                                        v.push(tick.clone());
                                    }
                                });
                            }/>
                        {s.input.name}
                    </label>
                }
            }).collect_view()}
            <FieldMessage at="/store_ids/0"/>
        </fieldset>
    }
}

/// The staff page.
#[component]
pub fn TeamPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let members = RwSignal::new(None::<Vec<StaffMember>>);
    let stores = RwSignal::new(Vec::<Store>::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let save_error = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(save_error));
    let saved = RwSignal::new(false);
    let reload = {
        let api = api.clone();
        move || {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<Vec<StaffMember>>(SURFACE, "/api/v1/admin/staff").await {
                    Ok(m) => members.set(Some(m)),
                    Err(e) => error.set(Some(e)),
                }
                if let Ok(s) = api.get_as::<Vec<Store>>(SURFACE, "/api/v1/admin/stores").await {
                    stores.set(s);
                }
            });
        }
    };
    reload();

    // One form: adding someone, or changing the stores and the state of the one being edited.
    let editing = RwSignal::new(None::<StaffMember>);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new("staff".to_owned());
    let chosen = RwSignal::new(Vec::<String>::new());
    let disabled = RwSignal::new(false);
    let clear = move || {
        editing.set(None);
        email.set(String::new());
        password.set(String::new());
        role.set("staff".into());
        chosen.set(Vec::new());
        disabled.set(false);
        save_error.set(None);
    };
    let edit = move |m: StaffMember| {
        chosen.set(m.stores.iter().map(|s| s.id.clone()).collect());
        disabled.set(m.disabled);
        editing.set(Some(m));
        saved.set(false);
        save_error.set(None);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (api, reload) = (api.clone(), reload.clone());
        let target = editing.get_untracked();
        let store_ids = chosen.get_untracked();
        let invite = StaffInvite {
            email: email.get_untracked(),
            password: password.get_untracked(),
            role: StaffRole::parse(&role.get_untracked()).unwrap_or(StaffRole::Staff),
            store_ids: store_ids.clone(),
        };
        let change = StaffUpdate {
            store_ids,
            disabled: disabled.get_untracked(),
        };
        spawn_local(async move {
            let outcome = match &target {
                Some(m) => {
                    api.put_as::<_, StaffMember>(SURFACE, &format!("/api/v1/admin/staff/{}", m.user.id), &change)
                        .await
                }
                None => {
                    api.post_as::<_, StaffMember>(SURFACE, "/api/v1/admin/staff", &invite)
                        .await
                }
            };
            match outcome {
                Ok(_) => {
                    clear();
                    saved.set(true);
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
        match members.get() {
        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        Some(list) => view! {
            <table class="list team-list">
                <thead><tr>
                    <th>{move || i18n.t("admin_email")}</th><th>{move || i18n.t("role")}</th>
                    <th>{move || i18n.t("works_at")}</th><th>{move || i18n.t("account_state")}</th><th></th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|m| {
                        let member = m.clone();
                        let key = role_key(m.user.role);
                        let everywhere = m.user.role != StaffRole::Staff;
                        let names = m.stores.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ");
                        let off = m.disabled;
                        let changeable = m.user.role != StaffRole::Owner;
                        view! {
                            <tr class="team-row" class:closed=off>
                                <td class="team-email">{m.user.email}</td>
                                <td>{move || i18n.t(key)}</td>
                                <td class="team-stores">
                                    {if everywhere {
                                        view! { <span class="muted">{move || i18n.t("every_store")}</span> }.into_any()
                                    } else if names.is_empty() {
                                        view! { <span class="muted">{move || i18n.t("no_store_yet")}</span> }.into_any()
                                    } else {
                                        view! { <span>{names}</span> }.into_any()
                                    }}
                                </td>
                                <td>
                                    <span class="badge" class:ok=!off class:stop=off>
                                        {move || i18n.t(if off { "account_disabled_label" } else { "account_active" })}
                                    </span>
                                </td>
                                <td>{changeable.then(|| view! {
                                    <button type="button" class="link edit-member" on:click=move |_| edit(member.clone())>{move || i18n.t("edit")}</button>
                                })}</td>
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
        <section class="team-admin">
            <h1>{move || i18n.t("nav_team")}</h1>
            <p class="muted">{move || i18n.t("team_lead")}</p>
            <ErrorNotice error=error/>
            {move || saved.get().then(|| view! { <p class="notice success" role="status">{move || i18n.t("saved")}</p> })}
            {list}
            {move || match editing.get() {
                Some(m) => view! { <h2>{move || i18n.t("edit_member")} " " <span class="editing-email">{m.user.email}</span></h2> }.into_any(),
                None => view! { <h2>{move || i18n.t("add_member")}</h2> }.into_any(),
            }}
            <form class="inline-form team-form" on:submit=submit>
                {move || editing.get().is_none().then(|| view! {
                    <Field label="admin_email" value=email kind="email" name="member_email" required=true at="/email"/>
                    <Field label="first_password" value=password kind="text" name="member_password" required=true at="/password"/>
                    <Choice label="role" value=role name="member_role" options=vec![("staff", "role_staff"), ("admin", "role_admin")]/>
                })}
                <StoreChoice stores=stores chosen=chosen/>
                {move || editing.get().is_some().then(|| view! {
                    <label class="check">
                        <input type="checkbox" name="member_disabled" prop:checked=move || disabled.get()
                            on:change=move |ev| disabled.set(event_target_checked(&ev))/>
                        {move || i18n.t("disable_account")}
                    </label>
                })}
                <ErrorNotice error=save_error/>
                <button type="submit" class="save-member">{move || i18n.t("save")}</button>
                {move || editing.get().is_some().then(|| view! {
                    <button type="button" class="link" on:click=move |_| clear()>{move || i18n.t("cancel")}</button>
                })}
            </form>
        </section>
    }
}
