//! API keys for the brand's servers: create (the key is shown once), list, revoke.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
    },
    SURFACE,
};
use crate::api::{ApiKeyInfo, CreatedApiKey, NewApiKey};

/// The API keys page.
#[component]
pub fn ApiKeys() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let keys = RwSignal::new(None::<Vec<ApiKeyInfo>>);
    let name = RwSignal::new(String::new());
    let created = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiFailure>);

    let reload = {
        let api = api.clone();
        move || {
            let api = api.clone();
            spawn_local(async move {
                match api.get_as::<Vec<ApiKeyInfo>>(SURFACE, "/api/v1/admin/api-keys").await {
                    Ok(k) => keys.set(Some(k)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    reload();
    let create = {
        let (api, reload) = (api.clone(), reload.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (api, reload) = (api.clone(), reload.clone());
            error.set(None);
            spawn_local(async move {
                let body = NewApiKey {
                    name: name.get_untracked(),
                };
                match api
                    .post_as::<_, CreatedApiKey>(SURFACE, "/api/v1/admin/api-keys", &body)
                    .await
                {
                    Ok(k) => {
                        created.set(Some(k.key));
                        name.set(String::new());
                        reload();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let revoke = move |id: String| {
        let (api, reload) = (api.clone(), reload.clone());
        spawn_local(async move {
            match api.delete_as(SURFACE, &format!("/api/v1/admin/api-keys/{id}")).await {
                Ok(()) => reload(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="api-keys">
            <h1>{move || i18n.t("nav_api_keys")}</h1>
            <form class="search" on:submit=create>
                <input
                    name="key_name"
                    required
                    maxlength="80"
                    placeholder=move || i18n.t("key_name")
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <button type="submit">{move || i18n.t("create_key")}</button>
            </form>
            {move || created.get().map(|key| view! {
                <div class="notice" role="status">
                    <p>{move || i18n.t("key_shown_once")}</p>
                    <code class="new-key">{key}</code>
                </div>
            })}
            <ErrorNotice error=error/>
            {move || match keys.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted">{i18n.t("no_keys")}</p> }.into_any(),
                Some(list) => {
                    let revoke = revoke.clone();
                    view! {
                        <table class="list">
                            <tbody>
                                {list.into_iter().map(|k| {
                                    let revoke = revoke.clone();
                                    let id = k.id.clone();
                                    let revoked = k.revoked_at.is_some();
                                    view! {
                                        <tr class="key-row">
                                            <td>{k.name}</td>
                                            <td><code>{k.prefix} "…"</code></td>
                                            <td>
                                                {if revoked {
                                                    view! { <span class="badge">{move || i18n.t("revoked")}</span> }.into_any()
                                                } else {
                                                    view! {
                                                        <button type="button" on:click=move |_| revoke(id.clone())>
                                                            {move || i18n.t("revoke")}
                                                        </button>
                                                    }.into_any()
                                                }}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
