//! Operations: the brand's background jobs by status (queued, running, done, failed), a failed one put back in
//! the queue, and a probe that shows a worker is alive.

use leptos::{prelude::*, task::spawn_local};

use super::super::notice::ErrorNotice;
use super::{
    super::{
        api::{Api, ApiFailure},
        browser::vn_time,
        i18n::I18n,
    },
    SURFACE,
};
use crate::api::{JobInfo, JobsPage};

/// What a job does, as a person reads it.
fn kind_key(kind: &str) -> &'static str {
    match kind {
        "imports.process" => "job_import",
        "loyalty.due" => "job_loyalty",
        "profiles.seen" => "job_seen",
        "jobs.prune" => "job_prune",
        "ops.probe" => "job_probe",
        "commerce.settle" => "job_settle",
        _ => "job_other",
    }
}

fn status_key(status: &str) -> &'static str {
    match status {
        "queued" => "job_queued",
        "running" => "job_running",
        "done" => "job_done",
        _ => "job_failed",
    }
}

/// The Operations page.
#[component]
pub fn OperationsPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let page = RwSignal::new(None::<JobsPage>);
    let filter = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let notice = RwSignal::new(None::<&'static str>);

    let reload = {
        let api = api.clone();
        move || {
            let api = api.clone();
            let status = filter.get_untracked();
            spawn_local(async move {
                let path = if status.is_empty() {
                    "/api/v1/admin/jobs".to_owned()
                } else {
                    format!("/api/v1/admin/jobs?status={status}")
                };
                match api.get_as::<JobsPage>(SURFACE, &path).await {
                    Ok(p) => page.set(Some(p)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    reload();
    let retry = {
        let (api, reload) = (api.clone(), reload.clone());
        move |id: String| {
            let (api, reload) = (api.clone(), reload.clone());
            error.set(None);
            spawn_local(async move {
                let path = format!("/api/v1/admin/jobs/{id}/retry");
                match api.post_as::<_, JobInfo>(SURFACE, &path, &serde_json::json!({})).await {
                    Ok(_) => {
                        notice.set(Some("job_retried"));
                        reload();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let probe = {
        let (api, reload) = (api, reload.clone());
        move |_| {
            let (api, reload) = (api.clone(), reload.clone());
            error.set(None);
            spawn_local(async move {
                match api
                    .post_as::<_, JobInfo>(SURFACE, "/api/v1/admin/jobs/probe", &serde_json::json!({}))
                    .await
                {
                    Ok(_) => {
                        notice.set(Some("probe_sent"));
                        // A worker takes it within a second or two; show the outcome then.
                        super::super::browser::sleep(1500).await;
                        reload();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let choose = {
        move |status: &'static str| {
            filter.set(status.to_owned());
            reload();
        }
    };
    let tab = move |status: &'static str, key: &'static str, count: Option<i64>| {
        let choose = choose.clone();
        view! {
            <button
                type="button"
                class=move || if filter.get() == status { "tab active" } else { "tab" }
                on:click=move |_| choose(status)
            >
                {move || i18n.t(key)}
                {count.map(|n| view! { " " <span class="count">{n}</span> })}
            </button>
        }
    };

    view! {
        <section class="operations">
            <h1>{move || i18n.t("nav_operations")}</h1>
            <p class="muted">{move || i18n.t("operations_intro")}</p>
            <div class="toolbar">
                <button type="button" class="primary" on:click=probe>{move || i18n.t("check_workers")}</button>
            </div>
            {move || notice.get().map(|key| view! { <p class="notice" role="status">{move || i18n.t(key)}</p> })}
            <ErrorNotice error=error/>
            {move || {
                let counts = page.get().map(|p| p.counts).unwrap_or_default();
                view! {
                    <div class="tabs" role="tablist">
                        {tab("", "job_all", None)}
                        {tab("queued", "job_queued", Some(counts.queued))}
                        {tab("running", "job_running", Some(counts.running))}
                        {tab("failed", "job_failed", Some(counts.failed))}
                        {tab("done", "job_done", Some(counts.done))}
                    </div>
                }
            }}
            {move || match page.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(p) if p.jobs.is_empty() => view! { <p class="muted">{i18n.t("no_jobs")}</p> }.into_any(),
                Some(p) => {
                    let retry = retry.clone();
                    view! {
                        <table class="list jobs">
                            <thead>
                                <tr>
                                    <th>{move || i18n.t("job_kind")}</th>
                                    <th>{move || i18n.t("job_status")}</th>
                                    <th>{move || i18n.t("job_attempts")}</th>
                                    <th>{move || i18n.t("job_when")}</th>
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {p.jobs.into_iter().map(|job| {
                                    let retry = retry.clone();
                                    let id = job.id.clone();
                                    let when = vn_time(job.finished_at.as_deref().unwrap_or(&job.created_at));
                                    let (kind, status) = (kind_key(&job.kind), status_key(&job.status));
                                    view! {
                                        <tr class="job-row" data-status=job.status.clone() data-kind=job.kind.clone()>
                                            <td>{move || i18n.t(kind)}</td>
                                            <td><span class=format!("badge {}", job.status)>{move || i18n.t(status)}</span></td>
                                            <td>{job.attempts} " / " {job.max_attempts}</td>
                                            <td>{when}</td>
                                            <td>
                                                {job.last_error.clone().map(|e| view! {
                                                    <details class="job-error">
                                                        <summary>{move || i18n.t("job_error_detail")}</summary>
                                                        <code>{e}</code>
                                                    </details>
                                                })}
                                                {job.retryable.then(|| view! {
                                                    <button type="button" on:click=move |_| retry(id.clone())>
                                                        {move || i18n.t("job_retry")}
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
