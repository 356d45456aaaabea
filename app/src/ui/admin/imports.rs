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
use crate::api::ImportInfo;

/// The imports page.
#[component]
pub fn Imports() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let imports = RwSignal::new(None::<Vec<ImportInfo>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let busy = RwSignal::new(false);
    let file_input = NodeRef::<html::Input>::new();

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
            spawn_local(async move {
                let path = format!(
                    "/api/v1/admin/imports?file_name={}",
                    String::from(js_sys::encode_uri_component(&file.name()))
                );
                match api.upload_as::<ImportInfo>(SURFACE, &path, &file).await {
                    Ok(_) => watch(),
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
                <input node_ref=file_input name="file" type="file" accept=".csv,text/csv" required/>
                <button type="submit" disabled=move || busy.get()>{move || i18n.t("upload")}</button>
            </form>
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
