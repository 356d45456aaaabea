//! Text of the console's orders and menu.

pub(super) fn sales_text(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "nav_orders" => ("Đơn hàng", "Orders"),
        "orders_lead" => (
            "Đơn khách đặt trong mini app, mới nhất trước. Mỗi đơn có lịch sử thanh toán: mọi thông báo của Zalo hoặc MoMo đúng như đã nhận.",
            "Orders members placed in the mini app, newest first. Each has its payment trail: every message from Zalo or MoMo as it was received.",
        ),
        "all_orders" => ("Tất cả", "All"),
        "no_orders" => ("Chưa có đơn hàng nào.", "No orders yet."),
        "order_when" => ("Thời gian", "When"),
        "order_member" => ("Khách", "Member"),
        "order_store" => ("Nhận tại", "Pick-up"),
        "order_items" => ("Món", "Items"),
        "order_total" => ("Tổng", "Total"),
        "order_status" => ("Trạng thái", "Status"),
        "order_pay_with" => ("Thanh toán qua", "Paid through"),
        "order_heading" => ("Đơn hàng", "Order"),
        "order_note_label" => ("Ghi chú", "Note"),
        "order_points" => ("Điểm đã cộng", "Points earned"),
        "order_failure" => ("Lý do", "Why"),
        "payment_trail" => ("Lịch sử thanh toán", "Payment trail"),
        "no_trail" => (
            "Chưa nhận được thông báo thanh toán nào.",
            "No payment message received yet.",
        ),
        "trail_create" => ("Tạo giao dịch", "Payment started"),
        "trail_notice" => ("Thông báo thanh toán", "Payment notice"),
        "trail_query" => ("Hỏi trạng thái", "Status query"),
        "outcome_ok" => ("Thành công", "Done"),
        "outcome_paid" => ("Đã ghi nhận thanh toán", "Recorded the payment"),
        "outcome_repeated" => ("Gửi lặp lại, không thay đổi gì", "A repeat; nothing changed"),
        "outcome_processing" => ("Đang xử lý", "Still processing"),
        "outcome_refused" => ("Bị từ chối", "Refused"),
        "outcome_failed" => ("Thanh toán không thành công", "The payment failed"),
        "outcome_expired" => ("Quá hạn chưa thanh toán", "Not paid in time"),
        "outcome_mismatch" => ("Số tiền không khớp với đơn", "The amount did not match the order"),
        "back_to_orders" => ("Về danh sách đơn", "Back to orders"),
        "job_settle" => (
            "Hỏi trạng thái thanh toán của đơn",
            "Ask where an order's payment stands",
        ),
        "provider_zalo" => ("Zalo", "Zalo"),
        "provider_momo" => ("MoMo", "MoMo"),
        _ => return None,
    })
}
