//! The screens a member opens after the card, each in a chunk of its own loaded the first time it is opened, so
//! the mini app's first load carries only the sign-in and the card.

use leptos::prelude::*;

use super::{
    Screen, check_in, games, history, member_code, menu, my_data, orders, rewards, stores, surveys, tiers, vouchers,
};
use crate::api::Voucher;

#[lazy]
fn rewards_screen(on_back: Callback<()>, on_redeemed: Callback<Voucher>) -> AnyView {
    view! { <rewards::Rewards on_back=on_back on_redeemed=on_redeemed/> }.into_any()
}

#[lazy]
fn games_screen(on_back: Callback<()>, go: Callback<Screen>, focus: Option<String>) -> AnyView {
    view! { <games::Games on_back=on_back go=go focus=focus/> }.into_any()
}

#[lazy]
fn surveys_screen(on_back: Callback<()>, open_id: Option<String>) -> AnyView {
    view! { <surveys::Surveys on_back=on_back open_id=open_id/> }.into_any()
}

#[lazy]
fn vouchers_screen(on_back: Callback<()>, fresh: Option<String>) -> AnyView {
    view! { <vouchers::Vouchers on_back=on_back fresh=fresh/> }.into_any()
}

#[lazy]
fn history_screen(on_back: Callback<()>) -> AnyView {
    view! { <history::History on_back=on_back/> }.into_any()
}

#[lazy]
fn tiers_screen(on_back: Callback<()>) -> AnyView {
    view! { <tiers::Tiers on_back=on_back/> }.into_any()
}

#[lazy]
fn my_data_screen(on_back: Callback<()>, on_erased: Callback<()>) -> AnyView {
    view! { <my_data::MyData on_back=on_back on_erased=on_erased/> }.into_any()
}

#[lazy]
fn member_code_screen(on_back: Callback<()>) -> AnyView {
    view! { <member_code::MemberCode on_back=on_back/> }.into_any()
}

#[lazy]
fn stores_screen(on_back: Callback<()>) -> AnyView {
    view! { <stores::Stores on_back=on_back/> }.into_any()
}

#[lazy]
fn check_in_screen(on_back: Callback<()>, code: Option<String>) -> AnyView {
    view! { <check_in::CheckInScreen on_back=on_back code=code/> }.into_any()
}

#[lazy]
fn menu_screen(on_back: Callback<()>, go: Callback<Screen>) -> AnyView {
    view! { <menu::MenuScreen on_back=on_back go=go/> }.into_any()
}

#[lazy]
fn orders_screen(on_back: Callback<()>, go: Callback<Screen>) -> AnyView {
    view! { <orders::Orders on_back=on_back go=go/> }.into_any()
}

#[lazy]
fn order_screen(id: String, on_back: Callback<()>, go: Callback<Screen>) -> AnyView {
    view! { <orders::OrderScreen id=id on_back=on_back go=go/> }.into_any()
}

/// A screen whose code is loaded on first use: a loading line until it is there.
fn later<F>(load: F) -> AnyView
where
    F: std::future::Future<Output = AnyView> + Send + Sync + 'static,
{
    let i18n = expect_context::<super::I18n>();
    view! {
        <Suspense fallback=move || view! { <p class="loading" role="status">{i18n.t("loading")}</p> }>
            {Suspend::new(load)}
        </Suspense>
    }
    .into_any()
}

/// The view of a screen loaded on first use.
pub(super) fn screen(shown: Screen, home: Callback<()>, go: Callback<Screen>, on_erased: Callback<()>) -> AnyView {
    match shown {
        Screen::Rewards => {
            let on_redeemed = Callback::new(move |v: Voucher| go.run(Screen::Vouchers(Some(v.id))));
            later(rewards_screen(home, on_redeemed))
        }
        Screen::Games(focus) => later(games_screen(home, go, focus)),
        Screen::Surveys(open) => later(surveys_screen(home, open)),
        Screen::Vouchers(fresh) => later(vouchers_screen(home, fresh)),
        Screen::History => later(history_screen(home)),
        Screen::Tiers => later(tiers_screen(home)),
        Screen::MyData => later(my_data_screen(home, on_erased)),
        Screen::Card => later(member_code_screen(home)),
        Screen::Stores => later(stores_screen(home)),
        Screen::CheckIn(code) => later(check_in_screen(home, code)),
        Screen::Menu => later(menu_screen(home, go)),
        Screen::Orders => later(orders_screen(home, go)),
        Screen::Order(id) => later(order_screen(id, home, go)),
        _ => ().into_any(),
    }
}
