//! The prompt to follow the brand's Zalo OA on the home screen, until the person follows it: `followOA` through
//! the bridge inside Zalo (the simulator in a browser). The follow counts once the OA's signed webhook has tied
//! the follower to the person, which the prompt waits for before it thanks them.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::Api,
        bridge::{self, Host},
        browser::sleep,
        i18n::I18n,
        page::PageConfig,
    },
    SURFACE,
};
use crate::api::{IdentitySummary, Me};

/// Whether to offer following: the brand has an OA, the person signed in through Zalo and is not a follower.
fn offered(identities: &[IdentitySummary]) -> bool {
    let has = |kind: &str| identities.iter().any(|i| i.kind == kind);
    has("zalo_id") && !has("zalo_oa_follower_id") && bridge::host() != Host::Momo
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Offer,
    Busy,
    /// Followed in Zalo; the OA's confirmation has not reached us yet.
    Confirming,
    Done,
    Declined,
}

/// The follow prompt (nothing once the person follows).
#[component]
pub fn FollowOa(me: Me) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let api = expect_context::<Api>();
    let config = expect_context::<PageConfig>();
    let Me { brand, identities, .. } = me;
    let Some(oa_id) = brand.zalo_oa_id.filter(|_| offered(&identities)) else {
        return ().into_any();
    };
    let brand = brand.name;
    let step = RwSignal::new(Step::Offer);
    let follow = move |_| {
        let (api, sim, oa_id) = (api.clone(), config.sim.clone(), oa_id.clone());
        step.set(Step::Busy);
        spawn_local(async move {
            if bridge::follow_oa(&sim, &oa_id).await.is_err() {
                step.set(Step::Declined);
                return;
            }
            step.set(Step::Confirming);
            for _ in 0..10 {
                sleep(1_000).await;
                if let Ok(me) = api.get_as::<Me>(SURFACE, "/api/v1/me").await
                    && me.identities.iter().any(|i| i.kind == "zalo_oa_follower_id")
                {
                    step.set(Step::Done);
                    return;
                }
            }
        });
    };
    view! {
        <div class="follow-oa">
            {move || match step.get() {
                Step::Done => view! {
                    <p class="follow-oa-done">{format!("{} {brand}!", i18n.t("follow_oa_thanks"))}</p>
                }
                    .into_any(),
                Step::Confirming => view! { <p class="follow-oa-wait muted">{i18n.t("follow_oa_confirming")}</p> }
                    .into_any(),
                s => view! {
                    <p class="follow-oa-lead">{i18n.t("follow_oa_lead")}</p>
                    {(s == Step::Declined).then(|| view! { <p class="follow-oa-declined muted">{i18n.t("follow_oa_declined")}</p> })}
                    <button class="primary follow-oa-button" type="button" disabled=move || step.get() == Step::Busy on:click=follow.clone()>
                        {i18n.t("follow_oa")}
                    </button>
                }
                    .into_any(),
            }}
        </div>
    }
    .into_any()
}
