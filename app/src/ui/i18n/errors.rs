//! The text of the API's error codes, in both languages; codes without text show the server's message.

use super::Lang;

/// The text for an API error `code`, or `None` when the server's own message should be shown.
pub fn error_text(lang: Lang, code: &str) -> Option<&'static str> {
    let (vi, en) = match code {
        "network" => (
            "Không kết nối được máy chủ. Kiểm tra mạng và thử lại.",
            "Cannot reach the server. Check the connection and try again.",
        ),
        "invalid_superapp_token" => (
            "Zalo/MoMo không xác nhận phiên đăng nhập này. Hãy mở lại ứng dụng.",
            "Zalo/MoMo did not confirm this sign-in. Open the app again.",
        ),
        "phone_token_used_or_expired" => (
            "Mã chia sẻ số điện thoại đã hết hạn. Hãy thử đăng nhập lại.",
            "The phone-sharing code expired. Try signing in again.",
        ),
        "superapp_geo_blocked" => (
            "Zalo từ chối kết nối từ máy chủ ngoài Việt Nam. Vui lòng báo cho nhãn hàng.",
            "Zalo refused a server outside Vietnam. Please tell the brand.",
        ),
        "superapp_unavailable" => (
            "Zalo/MoMo đang không phản hồi. Thử lại sau ít phút.",
            "Zalo/MoMo is not answering. Try again in a few minutes.",
        ),
        "unknown_brand" => ("Không tìm thấy nhãn hàng này.", "This brand does not exist."),
        "invalid_credentials" => (
            "Email hoặc mật khẩu không đúng.",
            "The e-mail or password is not right.",
        ),
        "invalid_phone" => ("Số điện thoại không hợp lệ.", "This phone number is not valid."),
        "provider_not_configured" => (
            "Nhãn hàng chưa bật đăng nhập bằng ứng dụng này.",
            "The brand has not enabled sign-in with this app.",
        ),
        "insufficient_points" => (
            "Bạn chưa đủ điểm để đổi quà này.",
            "You do not have enough points for this.",
        ),
        "out_of_stock" => ("Quà này đã hết.", "This reward is out of stock."),
        "already_answered" => (
            "Bạn đã trả lời khảo sát này rồi. Cảm ơn bạn!",
            "You have already answered this survey. Thank you!",
        ),
        "survey_closed" => ("Khảo sát này đã đóng.", "This survey is closed."),
        "gift_claimed" => ("Quà này đã được trao rồi.", "This gift was already handed over."),
        "too_many_plays" => (
            "Bạn chơi nhanh quá! Chờ một chút rồi thử lại.",
            "Too fast! Wait a moment and try again.",
        ),
        "not_in_audience" => (
            "Khảo sát này dành cho hạng thành viên khác.",
            "This survey is for members of other tiers.",
        ),
        "limit_reached" => (
            "Bạn đã đổi quà này tối đa số lần cho phép.",
            "You already hold the most of this reward allowed.",
        ),
        "tier_required" => (
            "Quà này dành cho thành viên hạng cao hơn.",
            "This reward is for a higher tier.",
        ),
        "reward_unavailable" => ("Quà này hiện không thể đổi.", "This reward cannot be redeemed now."),
        "unknown_voucher" => (
            "Không có voucher nào với mã này. Kiểm tra lại mã.",
            "No voucher has this code. Check it and try again.",
        ),
        "other_brand_voucher" => (
            "Voucher này thuộc nhãn hàng khác.",
            "This voucher belongs to another brand.",
        ),
        "voucher_expired" => ("Voucher đã hết hạn.", "This voucher has expired."),
        "voucher_cancelled" => ("Voucher đã bị huỷ.", "This voucher was cancelled."),
        "voucher_used" => ("Voucher này đã được sử dụng.", "This voucher was already used."),
        "reason_required" => (
            "Hãy ghi lý do (tối đa 300 ký tự).",
            "Give a reason (at most 300 characters).",
        ),
        "staff_only" => (
            "Chỉ nhân viên của nhãn hàng mới làm được việc này.",
            "Only the brand's staff can do this.",
        ),
        "admins_only" => (
            "Chỉ quản trị viên mới làm được việc này.",
            "Only a brand admin can do this.",
        ),
        _ => return None,
    };
    Some(if lang == Lang::Vi { vi } else { en })
}
