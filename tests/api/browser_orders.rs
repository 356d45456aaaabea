//! In Chromium: a member orders a drink from the demo menu (a size, a topping, two of them), pays in the
//! simulator's Zalo Checkout, comes back to the order screen and sees it paid with its points; the order is on
//! their list. A declined MoMo payment shows the order failed, in words. The console lists both orders, and the
//! paid one's payment trail; an admin refunds part of it there, and staff at its store mark it ready and picked up.

use fantoccini::Locator;

use crate::{
    browser::{
        admin_of_demo, browser, click, sign_in_member, spawn_demo, type_into, wait_for_text, wait_for_text_containing,
    },
    helpers::Store,
};

pub(crate) async fn choose(c: &fantoccini::Client, label: &str) {
    let script = "const [want] = arguments; \
        const l = [...document.querySelectorAll('.item-sheet .choice')].find(l => l.textContent.includes(want)); \
        if (l) { l.querySelector('input').click(); return true; } return false;";
    for _ in 0..50 {
        if c.execute(script, vec![label.into()]).await.unwrap() == serde_json::Value::Bool(true) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no choice {label}");
}

pub(crate) async fn add_item(c: &fantoccini::Client, name: &str) {
    let script = "const [want] = arguments; \
        const i = [...document.querySelectorAll('.menu-item')].find(i => i.textContent.includes(want)); \
        const b = i && i.querySelector('.add'); if (b) { b.click(); return true; } return false;";
    for _ in 0..50 {
        if c.execute(script, vec![name.into()]).await.unwrap() == serde_json::Value::Bool(true) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no item {name}");
}

async fn a_member_orders_and_pays_in_the_checkout(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    sign_in_member(c, &app, "Đỗ Thị Lan", "0912 000 555").await;
    click(c, ".menu-link").await;
    wait_for_text(c, ".menu-section h2", "Cà phê").await;
    // The croissants are sold out at Thảo Điền only: picking that store for pick-up says so.
    assert_eq!(
        c.execute(
            "const s = document.querySelector('select[name=store]'); \
             const o = [...s.options].find(o => o.text.includes('Thảo Điền')); \
             s.value = o.value; s.dispatchEvent(new Event('change')); return s.value.length > 0;",
            vec![],
        )
        .await
        .unwrap(),
        serde_json::Value::Bool(true)
    );
    wait_for_text_containing(c, ".menu-item.sold-out", "Croissant bơ").await;
    wait_for_text_containing(c, ".menu-item.sold-out .badge", "Hết hàng").await;
    add_item(c, "Trà đào cam sả").await;
    choose(c, "Lớn").await;
    choose(c, "Đào miếng").await;
    click(c, ".quantity .more").await;
    wait_for_text(c, ".add-to-cart", "Thêm vào giỏ · 126.000 ₫").await;
    click(c, ".add-to-cart").await;
    wait_for_text(c, ".cart-bar", "Xem giỏ hàng · 2 món · 126.000 ₫").await;
    click(c, ".cart-bar").await;
    type_into(c, "input[name=note]", "Ít đá").await;
    wait_for_text(c, ".order-total", "Tổng cộng: 126.000 ₫").await;
    click(c, ".pay-zalo").await;

    // The simulator's Checkout takes our mac; the member pays and is sent back to the order.
    wait_for_text_containing(c, "h1", "Zalo Checkout").await;
    wait_for_text(c, ".amount", "126.000 ₫").await;
    click(c, "button.pay").await;
    wait_for_text(c, ".order-status", "Đã thanh toán").await;
    // 1 point per 10,000 đồng in the demo.
    wait_for_text(c, ".order-paid", "Cảm ơn bạn! Đơn hàng đã được thanh toán · +12 điểm").await;
    wait_for_text(c, ".cart-line-name", "2 × Trà đào cam sả").await;
    click(c, ".order-screen .link:last-child").await;
    wait_for_text_containing(c, ".order-row", "2 × Trà đào cam sả").await;

    // MoMo declined: the order is failed, and the screen says nothing was charged.
    c.goto(&app.url("/menu")).await.unwrap();
    add_item(c, "Bánh mì thịt nướng").await;
    click(c, ".add-to-cart").await;
    click(c, ".cart-bar").await;
    click(c, ".pay-momo").await;
    wait_for_text_containing(c, "h1", "MoMo").await;
    click(c, "button.decline").await;
    wait_for_text(c, ".order-status", "Thanh toán không thành công").await;
    wait_for_text_containing(c, ".order-screen .notice.error", "chưa bị trừ tiền").await;
    let (paid, failed): (i64, i64) = sqlx::query_as(
        "SELECT CAST(SUM(CASE WHEN status = 'paid' THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS BIGINT) FROM orders",
    )
    .fetch_one(app.db.read())
    .await
    .unwrap();
    assert_eq!((paid, failed), (1, 1));

    // In the console: both orders, newest first; the paid one's trail shows the callback as received.
    let password = admin_of_demo(&app).await;
    c.goto(&app.url("/admin/orders")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text_containing(c, ".order-row:first-child", "Bánh mì thịt nướng").await;
    wait_for_text_containing(c, ".order-row:first-child .order-status", "Thanh toán không thành công").await;
    wait_for_text_containing(c, ".order-row:nth-child(2)", "2 × Trà đào cam sả").await;
    click(c, ".order-row:nth-child(2) td:first-child a").await;
    wait_for_text_containing(c, ".trail-entry", "Thông báo thanh toán · Đã ghi nhận thanh toán").await;
    wait_for_text_containing(c, ".trail-body", "overallMac").await;

    // Part of it is refunded from the order's page: Zalo takes it and processes it.
    c.execute(
        "document.querySelector('input[name=refund-amount]').value = '';",
        vec![],
    )
    .await
    .unwrap();
    type_into(c, "input[name=refund-amount]", "26000").await;
    type_into(c, "input[name=refund-reason]", "Thiếu đào miếng").await;
    click(c, ".refund-form button[type=submit]").await;
    wait_for_text_containing(c, ".refund-row", "26.000 ₫").await;
    wait_for_text_containing(c, ".refund-row .badge", "Đang hoàn tiền").await;
    wait_for_text_containing(c, ".refund-form", "100.000 ₫").await;

    // At the counter: the paid order waits at its store; staff mark it ready, then picked up.
    c.goto(&app.url("/staff")).await.unwrap();
    c.wait().for_element(Locator::Css("select[name=store]")).await.unwrap();
    c.execute(
        "const s = document.querySelector('select[name=store]'); \
         const o = [...s.options].find(o => o.text.includes('Thảo Điền')); \
         s.value = o.value; s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    wait_for_text_containing(c, ".prepare-order", "2 × Trà đào cam sả").await;
    wait_for_text_containing(c, ".prepare-note", "Ít đá").await;
    click(c, ".mark-ready").await;
    wait_for_text_containing(c, ".prepare-order .badge", "Đã xong, chờ khách").await;
    click(c, ".mark-picked-up").await;
    wait_for_text_containing(c, ".prepare-empty", "Chưa có đơn nào").await;
    browser.client.close().await.unwrap();
}

async fn an_admin_adds_a_product_and_members_order_it(store: Store) {
    let Some(app) = spawn_demo(store).await else {
        return;
    };
    let browser = browser().await;
    let c = &browser.client;
    let password = admin_of_demo(&app).await;
    c.goto(&app.url("/admin/menu")).await.unwrap();
    type_into(c, "input[name=email]", "console@demo.vn").await;
    type_into(c, "input[name=password]", &password).await;
    click(c, "button[type=submit]").await;
    wait_for_text_containing(c, ".products-list", "Cà phê sữa đá").await;
    click(c, ".add-product").await;
    type_into(c, "input[name=product_name]", "Trà chanh giã tay").await;
    // No price: refused beside the field, in Vietnamese, and nothing is added.
    click(c, ".add-group").await;
    type_into(c, ".group-row label:first-child input", "Cỡ").await;
    type_into(c, ".choice-row label:first-child input", "Vừa").await;
    click(c, ".save-product").await;
    wait_for_text(
        c,
        "label.invalid .field-error",
        "Nhập một số nguyên từ 0 đến 50.000.000.",
    )
    .await;
    assert_eq!(app.count("products").await, 7);
    type_into(c, "input[name=product_price]", "20000").await;
    click(c, ".save-product").await;
    wait_for_text(c, ".product-saved", "Đã lưu.").await;
    wait_for_text_containing(c, ".products-list", "Trà chanh giã tay").await;
    assert_eq!(app.count("products").await, 8);

    // A member finds it on the menu, with its size.
    sign_in_member(c, &app, "Hồ Văn Bình", "0912 000 666").await;
    c.goto(&app.url("/menu")).await.unwrap();
    add_item(c, "Trà chanh giã tay").await;
    wait_for_text(c, ".add-to-cart", "Thêm vào giỏ · 20.000 ₫").await;
    wait_for_text_containing(c, ".item-sheet .choice", "Vừa").await;
    browser.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_adds_a_product_and_members_order_it_sqlite() {
    an_admin_adds_a_product_and_members_order_it(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_admin_adds_a_product_and_members_order_it_postgres() {
    an_admin_adds_a_product_and_members_order_it(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_orders_and_pays_in_the_checkout_sqlite() {
    a_member_orders_and_pays_in_the_checkout(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_member_orders_and_pays_in_the_checkout_postgres() {
    a_member_orders_and_pays_in_the_checkout(Store::Postgres).await;
}
