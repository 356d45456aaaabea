//! The product codes page: batches of one-time QR codes to print on packs or cups, each code earning its batch's
//! points once; how many were scanned and how many scans were refused (a copied code), a batch's codes as CSV for
//! the printer, and revoking a batch.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        browser::{download, short_date},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::{Field, FormFailure},
    poster::mini_app_address,
};
use crate::api::{ProductBatch, ProductBatchInput};

/// The page.
#[component]
pub fn ProductCodesPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let batches = RwSignal::new(None::<Vec<ProductBatch>>);
    let error = RwSignal::new(None::<ApiFailure>);
    let save_error = RwSignal::new(None::<ApiFailure>);
    provide_context(FormFailure(save_error));
    let busy = RwSignal::new(false);
    let reload = {
        let api = api.clone();
        Callback::new(move |()| {
            let api = api.clone();
            spawn_local(async move {
                match api
                    .get_as::<Vec<ProductBatch>>(SURFACE, "/api/v1/admin/product-batches")
                    .await
                {
                    Ok(list) => batches.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    reload.run(());
    let name = RwSignal::new(String::new());
    let points = RwSignal::new("10".to_owned());
    let count = RwSignal::new("1000".to_owned());
    let submit = {
        let api = api.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let number = |s: RwSignal<String>| s.get_untracked().trim().replace(['.', ','], "").parse().unwrap_or(0);
            let body = ProductBatchInput {
                name: name.get_untracked(),
                points: number(points),
                count: number(count),
            };
            let api = api.clone();
            busy.set(true);
            spawn_local(async move {
                match api
                    .post_as::<_, ProductBatch>(SURFACE, "/api/v1/admin/product-batches", &body)
                    .await
                {
                    Ok(_) => {
                        save_error.set(None);
                        name.set(String::new());
                        reload.run(());
                    }
                    Err(e) => save_error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let export = {
        let api = api.clone();
        Callback::new(move |id: String| {
            let api = api.clone();
            spawn_local(async move {
                let path = format!(
                    "/api/v1/admin/product-batches/{id}/codes.csv?lang={}&link_base={}",
                    i18n.lang_untracked().code(),
                    js_sys::encode_uri_component(&mini_app_address())
                );
                match api.text_as(SURFACE, &path).await {
                    Ok(csv) => {
                        let _ = download("product-codes.csv", "text/csv", &csv);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let revoke = Callback::new(move |id: String| {
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(i18n.t("revoke_batch_confirm")).ok())
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let api = api.clone();
        spawn_local(async move {
            let path = format!("/api/v1/admin/product-batches/{id}/revoke");
            match api
                .post_as::<_, ProductBatch>(SURFACE, &path, &serde_json::json!({}))
                .await
            {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let list = move || {
        match batches.get() {
        None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        Some(list) if list.is_empty() => view! { <p class="muted empty">{i18n.t("no_batches")}</p> }.into_any(),
        Some(list) => view! {
            <table class="list batches-list">
                <thead><tr>
                    <th>{move || i18n.t("batch_name")}</th><th>{move || i18n.t("batch_points")}</th>
                    <th>{move || i18n.t("batch_scanned")}</th><th>{move || i18n.t("batch_refused")}</th><th></th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|b| {
                        let (for_csv, for_revoke) = (b.id.clone(), b.id.clone());
                        let refused = b.refused_scans;
                        view! {
                            <tr class="batch-row" class:closed=b.revoked>
                                <td>
                                    <strong>{b.input.name}</strong>
                                    {b.revoked.then(|| view! { " " <span class="badge stop">{move || i18n.t("batch_revoked")}</span> })}
                                    <div class="muted">{short_date(&b.created_at)}</div>
                                </td>
                                <td>{b.input.points}</td>
                                <td>{b.spent} " / " {b.input.count}</td>
                                <td>{if refused > 0 {
                                    view! { <span class="badge warn">{refused}</span> }.into_any()
                                } else {
                                    view! { <span class="muted">"0"</span> }.into_any()
                                }}</td>
                                <td class="row-actions">
                                    <button type="button" class="link export-batch" on:click=move |_| export.run(for_csv.clone())>{move || i18n.t("download_csv")}</button>
                                    {(!b.revoked).then(|| view! {
                                        " · "
                                        <button type="button" class="link revoke-batch" on:click=move |_| revoke.run(for_revoke.clone())>{move || i18n.t("revoke_batch")}</button>
                                    })}
                                </td>
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
        <section class="product-codes-admin">
            <h1>{move || i18n.t("nav_product_codes")}</h1>
            <p class="muted">{move || i18n.t("product_codes_lead")}</p>
            <ErrorNotice error=error/>
            {list}
            <h2>{move || i18n.t("add_batch")}</h2>
            <form class="inline-form batch-form" on:submit=submit>
                <Field label="batch_name" value=name name="batch_name" required=true at="/name"/>
                <Field label="batch_points" value=points kind="number" name="batch_points" at="/points"/>
                <Field label="batch_count" value=count kind="number" name="batch_count" at="/count"/>
                <ErrorNotice error=save_error/>
                <button type="submit" class="save-batch" disabled=move || busy.get()>{move || i18n.t("add_batch")}</button>
            </form>
        </section>
    }
}
