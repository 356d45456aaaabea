//! Text of the console's messaging: the channels page (the Zalo OA's connection) and the OA thread on a profile.

pub(super) fn messaging_text(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "nav_channels" => ("Kênh nhắn tin", "Messaging channels"),
        "oa_not_connected" => (
            "Chưa kết nối Zalo OA: chưa gửi được tin qua OA và ZNS.",
            "The Zalo OA is not connected: nothing can be sent through the OA or ZNS yet.",
        ),
        "oa_connected" => (
            "Đã kết nối. Mã truy cập còn hạn đến",
            "Connected. The access token is valid until",
        ),
        "oa_refreshed_at" => ("Làm mới lần cuối:", "Last refreshed:"),
        "oa_expired" => (
            "Mã truy cập đã hết hạn; hệ thống đang làm mới.",
            "The access token has expired; it is being refreshed.",
        ),
        "oa_paused" => (
            "Đã tạm dừng gửi tin qua OA: Zalo từ chối mã. Hãy kết nối lại bằng mã làm mới mới.",
            "Sending through the OA is paused: Zalo refused the token. Connect again with a new refresh token.",
        ),
        "oa_refresh_now" => ("Làm mới ngay", "Refresh now"),
        "oa_refresh_token" => ("Mã làm mới (refresh token)", "Refresh token"),
        "oa_refresh_token_help" => (
            "Lấy mã trong trang cấp quyền của Zalo OA cho ứng dụng của nhãn hàng. Mã được mã hoá khi lưu và không bao giờ hiển thị lại.",
            "Get it from the Zalo OA authorisation page for the brand's app. It is stored encrypted and never shown again.",
        ),
        "oa_connect" => ("Kết nối Zalo OA", "Connect the Zalo OA"),
        "oa_reconnect" => ("Kết nối lại", "Connect again"),
        "oa_not_follower" => (
            "Khách chưa quan tâm hoặc nhắn tin cho OA: chưa nhắn được qua Zalo OA.",
            "Not a follower of the OA and has not written to it: the OA cannot reach them.",
        ),
        "oa_window_closed" => (
            "Chỉ trả lời được trong 48 giờ sau khi khách nhắn OA; khách chưa nhắn trong 48 giờ qua.",
            "Replies are allowed only within 48 hours after the person writes to the OA; they have not written in the last 48 hours.",
        ),
        "oa_window_open" => ("Có thể trả lời đến", "Replies allowed until"),
        "oa_replies_left" => ("lượt trả lời còn lại (tối đa 8)", "replies left (of 8)"),
        "oa_reply_sending" => ("Đang gửi", "Sending"),
        "oa_reply_sent" => ("Đã gửi", "Sent"),
        "oa_reply_delivered" => ("Đã nhận", "Delivered"),
        "oa_reply_seen" => ("Đã xem", "Read"),
        "oa_reply_failed" => ("Không gửi được", "Not sent"),
        "oa_reply_placeholder" => ("Trả lời khách qua Zalo OA…", "Reply through the Zalo OA…"),
        "oa_reply_send" => ("Gửi qua Zalo OA", "Send through the Zalo OA"),
        _ => return None,
    })
}
