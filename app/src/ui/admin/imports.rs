//! Importing customer lists: upload a CSV, watch its progress, download the rejection report.

use leptos::{html, prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{download, sleep},
        i18n::I18n,
    },
    SURFACE,
};
use std::collections::BTreeMap;

use crate::api::{ImportColumns, ImportInfo};

/// The first line of a picked file (its header row), read in the browser: at most its first 64 KiB.
async fn header_line(file: &web_sys::File) -> Option<String> {
    let head = file.slice_with_i32_and_i32(0, 65_536).ok()?;
    let text = wasm_bindgen_futures::JsFuture::from(head.text())
        .await
        .ok()?
        .as_string()?;
    Some(text.lines().next().unwrap_or_default().to_owned())
}

/// How each column of the picked file will be read; an attribute column can go onto an attribute the brand has.
#[component]
fn ColumnsPreview(preview: ImportColumns, mapping: RwSignal<BTreeMap<String, String>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let keys = preview.attribute_keys.clone();
    let rows = preview
        .columns
        .into_iter()
        .map(|c| {
            let role: &'static str = match c.role.as_str() {
                "phone" => "col_phone",
                "name" => "col_name",
                "email" => "col_email",
                "birthday" => "col_birthday",
                "gender" => "col_gender",
                "tags" => "col_tags",
                "external_id" => "col_external_id",
                "attribute" => "col_attribute",
                _ => "col_ignored",
            };
            let target = c.key.clone().map(|own| {
                let keys = keys.clone();
                let own_for_change = own.clone();
                view! {
                    <select
                        class="column-map"
                        name=format!("map_{own}")
                        on:change=move |ev| {
                            let to = event_target_value(&ev);
                            mapping.update(|m| {
                                m.insert(own_for_change.clone(), to);
                            });
                        }
                    >
                        <option value="">{move || i18n.t("new_attribute")} " " {own.clone()}</option>
                        {keys.into_iter().map(|k| {
                            let label = k.clone();
                            view! { <option value=k>{move || i18n.t("existing_attribute")} " " {label}</option> }
                        }).collect_view()}
                    </select>
                }
            });
            view! {
                <tr class="import-column">
                    <td>{c.header}</td>
                    <td>{move || i18n.t(role)}</td>
                    <td>{target}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="columns-preview">
            <h2>{move || i18n.t("import_columns")}</h2>
            {(!preview.identifies).then(|| view! { <p class="notice error">{move || i18n.t("import_needs_identifier")}</p> })}
            <table class="list">
                <thead><tr>
                    <th>{move || i18n.t("column")}</th>
                    <th>{move || i18n.t("read_as")}</th>
                    <th>{move || i18n.t("goes_to")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The imports page.
#[component]
pub fn Imports() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let imports = RwSignal::new(None::<Vec<ImportInfo>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);
    let file_input = NodeRef::<html::Input>::new();
    let preview = RwSignal::new(None::<ImportColumns>);
    // Attribute column (its own key) → the existing key it goes to; empty for "a new attribute".
    let mapping = RwSignal::new(BTreeMap::<String, String>::new());
    // A file picked: the server reads its header row, so the admin sees each column's part before uploading.
    let picked = {
        let api = api.clone();
        move |_| {
            preview.set(None);
            mapping.set(BTreeMap::new());
            error.set(None);
            let Some(file) = file_input
                .get_untracked()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            let api = api.clone();
            spawn_local(async move {
                let Some(header) = header_line(&file).await else { return };
                match api
                    .upload_as::<ImportColumns>(SURFACE, "/api/v1/admin/imports/columns", &header.into())
                    .await
                {
                    Ok(columns) => preview.set(Some(columns)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };

    // Reloads the list, and keeps polling while any import is still processing.
    let watch = {
        let api = api.clone();
        move || {
            let api = api.clone();
            spawn_local(async move {
                for _ in 0..3600 {
                    match api.get_as::<Vec<ImportInfo>>(SURFACE, "/api/v1/admin/imports").await {
                        Ok(list) => {
                            let running = list.iter().any(|i| i.status == "processing");
                            imports.set(Some(list));
                            if !running {
                                return;
                            }
                        }
                        Err(e) => return error.set(Some(e)),
                    }
                    sleep(1000).await;
                }
            });
        }
    };
    watch();
    let submit = {
        let api = api.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(file) = file_input
                .get()
                .and_then(|input| input.files())
                .and_then(|files| files.get(0))
            else {
                return;
            };
            let (api, watch) = (api.clone(), watch.clone());
            busy.set(true);
            error.set(None);
            let map: BTreeMap<String, String> = mapping
                .get_untracked()
                .into_iter()
                .filter(|(_, to)| !to.is_empty())
                .collect();
            spawn_local(async move {
                let mut path = format!(
                    "/api/v1/admin/imports?file_name={}",
                    String::from(js_sys::encode_uri_component(&file.name()))
                );
                if !map.is_empty() {
                    let json = serde_json::to_string(&map).unwrap_or_default();
                    path.push_str(&format!(
                        "&columns={}",
                        String::from(js_sys::encode_uri_component(&json))
                    ));
                }
                match api.upload_as::<ImportInfo>(SURFACE, &path, &file.into()).await {
                    Ok(_) => {
                        preview.set(None);
                        mapping.set(BTreeMap::new());
                        if let Some(input) = file_input.get_untracked() {
                            input.set_value("");
                        }
                        watch()
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let report = move |id: String| {
        let api = api.clone();
        spawn_local(async move {
            match api
                .text_as(
                    SURFACE,
                    &format!(
                        "/api/v1/admin/imports/{id}/rejections.csv?lang={}",
                        i18n.lang_untracked().code()
                    ),
                )
                .await
            {
                Ok(csv) => {
                    let _ = download("rejections.csv", "text/csv", &csv);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="imports">
            <h1>{move || i18n.t("nav_imports")}</h1>
            <p class="muted">{move || i18n.t("import_lead")}</p>
            <form class="search" on:submit=submit>
                <input node_ref=file_input name="file" type="file" accept=".csv,text/csv" required on:change=picked/>
                <button type="submit" disabled=move || busy.get()>{move || i18n.t("upload")}</button>
            </form>
            {move || preview.get().map(|p| view! { <ColumnsPreview preview=p mapping=mapping/> })}
            <ErrorNotice error=error/>
            {move || match imports.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted">{i18n.t("no_imports")}</p> }.into_any(),
                Some(list) => {
                    let report = report.clone();
                    view! {
                        <table class="list">
                            <thead>
                                <tr>
                                    <th>"CSV"</th>
                                    <th></th>
                                    <th>{move || i18n.t("rows_read")}</th>
                                    <th>{move || i18n.t("created")}</th>
                                    <th>{move || i18n.t("updated")}</th>
                                    <th>{move || i18n.t("unchanged")}</th>
                                    <th>{move || i18n.t("rejected")}</th>
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|i| {
                                    let report = report.clone();
                                    let id = i.id.clone();
                                    let status: &'static str = match i.status.as_str() {
                                        "completed" => "status_completed",
                                        "failed" => "status_failed",
                                        _ => "status_processing",
                                    };
                                    view! {
                                        <tr class="import-row">
                                            <td>{i.file_name}</td>
                                            <td>
                                                <span class="badge import-status">{move || i18n.t(status)}</span>
                                                {i.error.map(|e| view! { <div class="muted">{e}</div> })}
                                            </td>
                                            <td>{i.rows_read}</td>
                                            <td>{i.created}</td>
                                            <td>{i.updated}</td>
                                            <td>{i.unchanged}</td>
                                            <td class="rejected-count">{i.rejected}</td>
                                            <td>
                                                {(i.rejected > 0).then(|| view! {
                                                    <button type="button" on:click=move |_| report(id.clone())>
                                                        {move || i18n.t("download_report")}
                                                    </button>
                                                })}
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
