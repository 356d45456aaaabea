//! The console's overview: members and super-app connections.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::api::BrandOverview;

/// The brand's overview, loaded.
#[component]
pub fn Overview() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let overview = RwSignal::new(None::<BrandOverview>);
    let error = RwSignal::new(None::<ApiFailure>);
    spawn_local(async move {
        match api.get_as::<BrandOverview>(SURFACE, "/api/v1/admin/brand").await {
            Ok(o) => overview.set(Some(o)),
            Err(e) => error.set(Some(e)),
        }
    });
    view! {
        <ErrorNotice error=error/>
        {move || match overview.get() {
            Some(o) => view! { <OverviewView overview=o/> }.into_any(),
            None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
        }}
    }
}

#[component]
fn OverviewView(overview: BrandOverview) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let status = move |ready: bool| {
        view! {
            <span class=if ready { "badge ok" } else { "badge" }>
                {move || if ready { i18n.t("ready") } else { i18n.t("not_ready") }}
            </span>
        }
    };
    let channels = overview.channels;
    view! {
        <section class="overview">
            <h1>{move || i18n.t("nav_overview")}</h1>
            <div class="stats">
                <div class="stat">
                    <div class="stat-value members-count">{overview.members}</div>
                    <div class="stat-label">{move || i18n.t("members")}</div>
                </div>
                <div class="stat">
                    <div class="stat-value">{overview.active_members_30d}</div>
                    <div class="stat-label">{move || i18n.t("active_30d")}</div>
                </div>
            </div>
            <super::dashboard::DashboardView/>
            <h2>{move || i18n.t("channels")}</h2>
            <table class="channels">
                <tbody>
                    <tr>
                        <th>"Zalo Mini App"</th>
                        <td>{channels.zalo_app_id.unwrap_or_default()}</td>
                        <td>{status(channels.zalo_sign_in_ready)}</td>
                    </tr>
                    <tr>
                        <th>"Zalo OA"</th>
                        <td>{channels.zalo_oa_id.unwrap_or_default()}</td>
                        <td></td>
                    </tr>
                    <tr>
                        <th>"MoMo"</th>
                        <td>{channels.momo_partner_code.unwrap_or_default()}</td>
                        <td>{status(channels.momo_sign_in_ready)}</td>
                    </tr>
                </tbody>
            </table>
        </section>
    }
}
