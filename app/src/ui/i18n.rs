//! Vietnamese (the default) and English text, switchable at any time and remembered on the device.

use leptos::prelude::*;

use super::api::local_storage;

/// A language the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt.
    Vi,
    /// English.
    En,
}

const LANG_KEY: &str = "cham.lang";

/// The current language, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct I18n(RwSignal<Lang>);

impl I18n {
    /// The stored choice, Vietnamese by default.
    pub fn new() -> Self {
        let stored = local_storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
        Self(RwSignal::new(if stored.as_deref() == Some("en") {
            Lang::En
        } else {
            Lang::Vi
        }))
    }

    /// The current language (reactive).
    pub fn lang(&self) -> Lang {
        self.0.get()
    }

    /// Switches between Vietnamese and English.
    pub fn toggle(&self) {
        let next = if self.0.get_untracked() == Lang::Vi {
            Lang::En
        } else {
            Lang::Vi
        };
        if let Some(s) = local_storage() {
            let _ = s.set_item(LANG_KEY, if next == Lang::En { "en" } else { "vi" });
        }
        self.0.set(next);
    }

    /// The text for `key` in the current language (reactive).
    pub fn t(&self, key: &'static str) -> &'static str {
        tr(self.lang(), key)
    }
}

/// The app's text, one `(Vietnamese, English)` pair a key.
fn tr(lang: Lang, key: &'static str) -> &'static str {
    let (vi, en) = shared_text(key).or_else(|| surface_text(key)).unwrap_or((key, key));
    if lang == Lang::Vi { vi } else { en }
}

/// Text both the mini app and the console show.
fn shared_text(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "lang_switch" => ("English", "Tiếng Việt"),
        "loading" => ("Đang tải…", "Loading…"),
        "retry" => ("Thử lại", "Try again"),
        "points" => ("điểm", "points"),
        "tier" => ("Hạng", "Tier"),
        "sign_out" => ("Đăng xuất", "Sign out"),
        "more" => ("Xem thêm", "Load more"),
        "name" => ("Tên", "Name"),
        "phone" => ("Số điện thoại", "Phone"),
        "traits" => ("Chỉ số", "Traits"),
        "consents" => ("Đồng ý", "Consents"),
        "back" => ("Quay lại", "Back"),
        "games" => ("Trò chơi", "Games"),
        "surveys" => ("Khảo sát", "Surveys"),
        "questions" => ("câu hỏi", "questions"),
        "question" => ("Câu", "Question"),
        "survey_points" => ("Bạn nhận được", "You earned"),
        "previous" => ("Quay lại", "Back"),
        "next" => ("Tiếp", "Next"),
        "submit_survey" => ("Gửi câu trả lời", "Send answers"),
        "required" => ("Bắt buộc", "Required"),
        "choose_any" => ("Chọn một hoặc nhiều", "Choose any"),
        "nps_low" => ("0: Chắc chắn không", "0: Not at all"),
        "nps_high" => ("10: Chắc chắn có", "10: Definitely"),
        "answer_required" => ("Vui lòng trả lời câu này.", "Please answer this question."),
        "consent_required" => (
            "Đánh dấu ô đồng ý để gửi thông tin liên hệ, hoặc để trống.",
            "Tick the consent box to give your contact, or leave it empty.",
        ),
        "invalid_phone_answer" => (
            "Số điện thoại di động Việt Nam có 10 chữ số (0912 345 678).",
            "A Vietnamese mobile number has 10 digits (0912 345 678).",
        ),
        "invalid_email_answer" => ("Địa chỉ email chưa hợp lệ.", "This e-mail address is not valid."),
        "invalid_date_answer" => ("Hãy chọn một ngày hợp lệ.", "Choose a valid date."),
        "answer_too_long" => ("Câu trả lời quá dài.", "This answer is too long."),
        "invalid_answer" => (
            "Hãy chọn một câu trả lời trong danh sách.",
            "Choose one of the answers offered.",
        ),
        "status" => ("Trạng thái", "Status"),
        "scratch" => ("Cào", "Scratch"),
        "prize_points" => ("Điểm đã được cộng vào thẻ của bạn:", "Added to your card:"),
        "marketing_zns" => ("Thông báo ZNS qua số điện thoại", "ZNS notifications to my phone"),
        "marketing_email" => ("Email ưu đãi", "Offers by e-mail"),
        "marketing_sms" => ("Tin nhắn SMS", "SMS messages"),
        "on" => ("Bật", "On"),
        "off" => ("Tắt", "Off"),
        "cancel" => ("Huỷ", "Cancel"),
        "pending_points" => ("điểm đang chờ xác nhận", "points pending"),
        "rewards" => ("Đổi quà", "Rewards"),
        "voucher_issued" => ("Có thể dùng", "Ready to use"),
        "voucher_used" => ("Đã dùng", "Used"),
        "voucher_expired" => ("Hết hạn", "Expired"),
        "voucher_cancelled" => ("Đã huỷ", "Cancelled"),
        "valid_until" => ("Dùng đến", "Valid until"),
        "pending_until" => ("chờ đến", "pending until"),
        "stock" => ("Tồn kho", "Stock"),
        "adjust" => ("Điều chỉnh", "Adjust"),
        _ => return None,
    })
}

/// Text only the mini app shows (the console bundle does not carry it).
#[cfg(all(feature = "customer", not(feature = "admin")))]
fn surface_text(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "sign_in_title" => ("Đăng nhập thành viên", "Member sign-in"),
        "sign_in_lead" => (
            "Một chạm để nhận điểm, quà và ưu đãi.",
            "One tap for points, rewards and offers.",
        ),
        "sign_in_zalo" => ("Đăng nhập bằng Zalo", "Sign in with Zalo"),
        "sign_in_momo" => ("Đăng nhập bằng MoMo", "Sign in with MoMo"),
        "signing_in" => ("Đang đăng nhập…", "Signing in…"),
        "sim_title" => ("Trình giả lập siêu ứng dụng", "Super-app simulator"),
        "sim_lead" => (
            "Bạn đang mở ứng dụng trong trình duyệt. Tạo hoặc chọn một người dùng giả lập để đăng nhập như trong Zalo hoặc MoMo.",
            "You are in a plain browser. Create or pick a simulated user to sign in as you would inside Zalo or MoMo.",
        ),
        "sim_name" => ("Họ tên", "Full name"),
        "sim_phone" => ("Số điện thoại", "Phone number"),
        "sim_create" => ("Tạo người dùng & đăng nhập", "Create user & sign in"),
        "sim_existing" => ("Người dùng đã tạo", "Users created earlier"),
        "sim_none" => ("Chưa có người dùng giả lập nào.", "No simulated users yet."),
        "sim_use" => ("Đăng nhập", "Sign in"),
        "no_host" => (
            "Hãy mở ứng dụng này trong Zalo hoặc MoMo để đăng nhập.",
            "Open this mini app inside Zalo or MoMo to sign in.",
        ),
        "hello" => ("Xin chào", "Hello"),
        "member_card" => ("Thẻ thành viên", "Member card"),
        "tier_member" => ("Thành viên", "Member"),
        "no_phone" => ("Chưa chia sẻ số điện thoại", "Phone number not shared"),
        "no_games" => (
            "Chưa có trò chơi nào. Hãy quay lại sau!",
            "No games right now. Come back soon!",
        ),
        "no_surveys" => (
            "Chưa có khảo sát nào dành cho bạn. Hãy quay lại sau!",
            "No surveys for you right now. Come back soon!",
        ),
        "start_survey" => ("Bắt đầu", "Start"),
        "survey_done" => ("Đã hoàn thành", "Done"),
        "survey_thanks" => ("Cảm ơn bạn đã trả lời!", "Thank you for your answers!"),
        "plays_left" => ("Lượt chơi còn lại hôm nay", "Plays left today"),
        "spin" => ("Quay", "Spin"),
        "scratch_here" => ("Cào để xem quà", "Scratch to see your prize"),
        "scratch_now" => (
            "Dùng ngón tay cào lớp phủ để xem quà.",
            "Scratch the cover with your finger to see your prize.",
        ),
        "reveal_all" => ("Mở hết", "Reveal all"),
        "prize_nothing" => (
            "Chưa trúng lần này. Chúc bạn may mắn lần sau!",
            "No prize this time. Better luck next time!",
        ),
        "prize_voucher" => (
            "Voucher đã nằm trong mục Voucher của tôi.",
            "Your voucher is waiting in My vouchers.",
        ),
        "prize_gift" => (
            "Đưa mã này cho nhân viên cửa hàng để nhận quà:",
            "Show this code at a store to collect your gift:",
        ),
        "my_data" => ("Dữ liệu của tôi", "My data"),
        "my_data_lead" => (
            "Bạn quyết định nhãn hàng được liên hệ với bạn qua kênh nào. Bạn có thể đổi ý bất cứ lúc nào.",
            "You decide which channels the brand may use to contact you. You can change your mind at any time.",
        ),
        "marketing_zalo" => (
            "Tin nhắn ưu đãi qua Zalo OA (tối đa 4 tin/tháng)",
            "Offers via Zalo OA (at most 4 a month)",
        ),
        "analytics" => ("Phân tích để cải thiện dịch vụ", "Analytics to improve the service"),
        "export" => ("Tải dữ liệu của tôi (JSON)", "Download my data (JSON)"),
        "erase" => ("Xoá dữ liệu của tôi", "Delete my data"),
        "erase_confirm" => (
            "Xoá vĩnh viễn tên, số điện thoại và định danh của bạn? Điểm và lịch sử sẽ không thể khôi phục.",
            "Permanently delete your name, phone and identifiers? Points and history cannot be restored.",
        ),
        "erase_yes" => ("Xoá vĩnh viễn", "Delete permanently"),
        "erased" => ("Dữ liệu của bạn đã được xoá.", "Your data has been deleted."),
        "to_next_tier" => ("nữa để lên hạng", "more to reach"),
        "expiring_soon" => ("điểm sắp hết hạn", "points expire soon"),
        "my_vouchers" => ("Voucher của tôi", "My vouchers"),
        "points_history" => ("Lịch sử điểm", "Points history"),
        "your_balance" => ("Điểm của bạn", "Your points"),
        "no_rewards" => ("Chưa có quà nào để đổi.", "No rewards to redeem yet."),
        "left" => ("còn lại", "left"),
        "redeem" => ("Đổi", "Redeem"),
        "redeem_confirm" => ("Đổi", "Redeem"),
        "redeem_yes" => ("Xác nhận đổi quà", "Confirm redemption"),
        "redeemed" => (
            "Đổi quà thành công! Đưa mã QR cho nhân viên tại cửa hàng.",
            "Redeemed! Show the QR code to the staff at the store.",
        ),
        "blocked_points" => ("Chưa đủ điểm", "Not enough points"),
        "blocked_stock" => ("Đã hết quà", "Out of stock"),
        "blocked_limit" => ("Bạn đã đổi tối đa", "You have redeemed the most allowed"),
        "blocked_tier" => ("Dành cho hạng cao hơn", "For a higher tier"),
        "blocked_time" => ("Chưa đến hoặc đã hết thời gian đổi", "Not redeemable at this time"),
        "no_vouchers" => (
            "Bạn chưa có voucher nào. Hãy đổi quà bằng điểm!",
            "No vouchers yet. Redeem a reward with your points!",
        ),
        "issued_on" => ("Nhận ngày", "Issued on"),
        "earn_purchase" => ("Tích điểm mua hàng", "Points for a purchase"),
        "earn_check_in" => ("Tích điểm ghé cửa hàng", "Points for a store visit"),
        "earn_birthday" => ("Quà sinh nhật", "Birthday points"),
        "earn_other" => ("Tích điểm", "Points earned"),
        "entry_redeem" => ("Đổi quà", "Reward redeemed"),
        "entry_expire" => ("Điểm hết hạn", "Points expired"),
        "entry_adjust" => ("Điều chỉnh điểm", "Points adjusted"),
        "entry_reverse" => ("Hoàn tác", "Reversed"),
        "no_points_yet" => ("Chưa có giao dịch điểm nào.", "No points activity yet."),
        _ => return None,
    })
}

/// Text only the console shows (the mini app bundle does not carry it).
#[cfg(feature = "admin")]
fn surface_text(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "admin_title" => ("Bảng quản trị", "Admin console"),
        "admin_email" => ("Email", "E-mail"),
        "admin_password" => ("Mật khẩu", "Password"),
        "admin_sign_in" => ("Đăng nhập", "Sign in"),
        "nav_overview" => ("Tổng quan", "Overview"),
        "members" => ("Thành viên", "Members"),
        "active_30d" => ("Hoạt động 30 ngày qua", "Active in the last 30 days"),
        "channels" => ("Kết nối siêu ứng dụng", "Super-app connections"),
        "ready" => ("Sẵn sàng", "Ready"),
        "not_ready" => ("Chưa cấu hình", "Not configured"),
        "signed_in_as" => ("Đăng nhập với", "Signed in as"),
        "nav_customers" => ("Khách hàng", "Customers"),
        "nav_api_keys" => ("Khoá API", "API keys"),
        "nav_imports" => ("Nhập danh sách", "Imports"),
        "import_lead" => (
            "Tải lên tệp CSV (UTF-8, có dòng tiêu đề): phone, name, email, birthday, gender, tags, external_id; các cột khác thành thuộc tính. Số điện thoại cũ 11 số được tự chuyển đổi.",
            "Upload a CSV file (UTF-8, with a header row): phone, name, email, birthday, gender, tags, external_id; other columns become attributes. Old 11-digit numbers are renumbered.",
        ),
        "upload" => ("Tải lên", "Upload"),
        "status_processing" => ("Đang xử lý", "Processing"),
        "status_completed" => ("Hoàn tất", "Completed"),
        "status_failed" => ("Thất bại", "Failed"),
        "rows_read" => ("Dòng đã đọc", "Rows read"),
        "created" => ("Tạo mới", "Created"),
        "updated" => ("Cập nhật", "Updated"),
        "unchanged" => ("Không đổi", "Unchanged"),
        "rejected" => ("Bị từ chối", "Rejected"),
        "download_report" => ("Tải báo cáo dòng lỗi", "Download the rejection report"),
        "no_imports" => ("Chưa có lần nhập nào.", "No imports yet."),
        "search_placeholder" => ("Số điện thoại, email, tên hoặc mã", "Phone, e-mail, name or id"),
        "search" => ("Tìm", "Search"),
        "no_results" => ("Không tìm thấy khách hàng nào.", "No customers found."),
        "last_seen" => ("Hoạt động gần nhất", "Last seen"),
        "identities" => ("Định danh", "Identities"),
        "verified" => ("đã xác minh", "verified"),
        "unverified" => ("chưa xác minh", "unverified"),
        "sessions" => ("Lượt đăng nhập", "Sign-ins"),
        "orders" => ("Đơn hàng", "Orders"),
        "total_spent" => ("Tổng chi tiêu", "Total spent"),
        "check_ins" => ("Lượt ghé cửa hàng", "Store check-ins"),
        "channels_reachable" => ("Kênh có thể liên hệ", "Reachable channels"),
        "none" => ("Không có", "None"),
        "attributes" => ("Thuộc tính", "Attributes"),
        "merges" => ("Lịch sử gộp hồ sơ", "Merge history"),
        "timeline" => ("Dòng thời gian", "Timeline"),
        "event_type_filter" => ("Lọc theo loại (để trống: tất cả)", "Filter by type (empty: all)"),
        "no_events" => ("Chưa có hoạt động nào.", "No activity yet."),
        "nav_games" => ("Trò chơi", "Games"),
        "no_games_admin" => (
            "Chưa có trò chơi nào. Tạo vòng quay đầu tiên bên dưới.",
            "No games yet. Build your first wheel below.",
        ),
        "add_game" => ("Tạo trò chơi", "New game"),
        "game_kind" => ("Kiểu trò chơi", "Game type"),
        "game_wheel" => ("Vòng quay may mắn", "Lucky wheel"),
        "game_scratch" => ("Thẻ cào", "Scratch card"),
        "plays_per_day" => ("Lượt chơi miễn phí mỗi ngày", "Free plays per day"),
        "extra_play_on" => ("Thêm một lượt chơi mỗi khi khách", "One more play each time a member"),
        "extra_play_checkin" => ("ghé cửa hàng", "visits a store"),
        "extra_play_order" => ("thanh toán đơn online", "pays an online order"),
        "extra_play_purchase" => ("mua tại quầy", "buys at the till"),
        "extra_play_survey" => ("hoàn thành khảo sát", "completes a survey"),
        "extra_play_follow" => ("quan tâm Zalo OA", "follows the Zalo OA"),
        "plays" => ("Lượt chơi", "Plays"),
        "prize" => ("Giải", "Prize"),
        "prize_label" => ("Tên giải", "Prize label"),
        "prize_kind" => ("Loại giải", "Prize type"),
        "prize_kind_points" => ("Điểm", "Points"),
        "prize_kind_voucher" => ("Voucher từ danh mục quà", "Voucher from the catalog"),
        "prize_kind_gift" => ("Quà nhận tại cửa hàng", "Gift collected at a store"),
        "prize_kind_nothing" => ("Không có quà", "No prize"),
        "prize_reward" => ("Quà trong danh mục", "Catalog reward"),
        "share_pct" => ("Tỉ lệ trúng (%)", "Chance (%)"),
        "budget_total" => (
            "Ngân sách tổng (trống: không giới hạn)",
            "Total budget (empty: no limit)",
        ),
        "budget_daily" => (
            "Ngân sách mỗi ngày (trống: không giới hạn)",
            "Daily budget (empty: no limit)",
        ),
        "given_of_budget" => ("Đã trao / ngân sách", "Given / budget"),
        "given_today_of_budget" => ("Hôm nay / ngân sách ngày", "Today / daily budget"),
        "add_prize" => ("Thêm giải", "Add a prize"),
        "remove" => ("Xoá", "Remove"),
        "shares_total" => ("Tổng tỉ lệ", "Chances add up to"),
        "no_prize_share" => ("Không trúng", "No prize"),
        "shares_over" => ("Tổng vượt quá 100%.", "That is over 100%."),
        "fallback_prize" => ("Giải thay thế khi hết ngân sách", "Fallback when a prize runs out"),
        "no_fallback" => ("Không có (không trúng)", "None (no prize)"),
        "nav_surveys" => ("Khảo sát", "Surveys"),
        "edit_game" => ("Sửa trò chơi", "Edit game"),
        "no_surveys_admin" => (
            "Chưa có khảo sát nào. Tạo khảo sát đầu tiên bên dưới.",
            "No surveys yet. Build the first one below.",
        ),
        "responses" => ("Phản hồi", "Responses"),
        "results" => ("Kết quả", "Results"),
        "edit_survey" => ("Sửa khảo sát", "Edit survey"),
        "add_survey" => ("Tạo khảo sát", "New survey"),
        "survey_intro" => ("Lời giới thiệu", "Introduction"),
        "survey_points_label" => ("Điểm khi hoàn thành", "Points on completion"),
        "audience" => ("Đối tượng", "Audience"),
        "audience_all" => (
            "Không chọn hạng nào: mọi thành viên đều trả lời được.",
            "No tier chosen: every member can answer.",
        ),
        "add_question" => ("Thêm câu hỏi", "Add question"),
        "preview" => ("Xem trước", "Preview"),
        "preview_note" => (
            "Xem trước như trong mini app. Câu trả lời ở đây không được lưu.",
            "As the mini app shows it. Nothing answered here is saved.",
        ),
        "preview_incomplete" => ("Hãy hoàn thiện câu hỏi", "Finish question"),
        "preview_done" => (
            "Hết khảo sát. Số câu đã trả lời:",
            "End of the survey. Questions answered:",
        ),
        "question_kind" => ("Loại câu hỏi", "Kind"),
        "q_single_choice" => ("Chọn một", "Single choice"),
        "q_multiple_choice" => ("Chọn nhiều", "Multiple choice"),
        "q_rating" => ("Đánh giá 1–5 sao", "Rating 1–5"),
        "q_nps" => ("NPS 0–10", "NPS 0–10"),
        "q_short_text" => ("Văn bản ngắn", "Short text"),
        "q_long_text" => ("Văn bản dài", "Long text"),
        "q_date" => ("Ngày", "Date"),
        "q_phone" => ("Số điện thoại (có đồng ý)", "Phone (with consent)"),
        "q_email" => ("Email (có đồng ý)", "E-mail (with consent)"),
        "question_title" => ("Nội dung câu hỏi", "Question"),
        "options_per_line" => ("Các lựa chọn, mỗi dòng một", "Options, one per line"),
        "maps_to_attribute" => ("Lưu vào thuộc tính hồ sơ", "Saves to profile attribute"),
        "consent_wording" => ("Nội dung ô đồng ý", "Consent wording"),
        "consent_for" => ("Đồng ý cho kênh", "Consent for"),
        "consent_default" => ("Mặc định", "Default"),
        "purpose_marketing_email" => ("Ưu đãi qua email", "Offers by e-mail"),
        "purpose_marketing_zns" => ("Ưu đãi qua ZNS", "Offers by ZNS"),
        "purpose_marketing_sms" => ("Ưu đãi qua SMS", "Offers by SMS"),
        "when_answer_is" => ("Khi câu trả lời là", "When the answer is"),
        "go_to" => ("Chuyển đến", "Go to"),
        "end_of_survey" => ("Kết thúc khảo sát", "End of survey"),
        "add_branch" => ("Thêm rẽ nhánh", "Add branching"),
        "export_csv" => ("Tải CSV", "Download CSV"),
        "no_responses" => ("Chưa có phản hồi nào.", "No responses yet."),
        "promoters" => ("Ủng hộ", "Promoters"),
        "passives" => ("Trung lập", "Passives"),
        "detractors" => ("Không ủng hộ", "Detractors"),
        "answered" => ("Đã trả lời:", "Answered:"),
        "average" => ("Trung bình:", "Average:"),
        "key_name" => ("Tên khoá (ví dụ: POS Quận 1)", "Key name (e.g. POS District 1)"),
        "create_key" => ("Tạo khoá", "Create key"),
        "key_shown_once" => (
            "Sao chép khoá này ngay: nó chỉ hiển thị một lần.",
            "Copy this key now: it is shown only once.",
        ),
        "revoke" => ("Thu hồi", "Revoke"),
        "revoked" => ("Đã thu hồi", "Revoked"),
        "no_keys" => ("Chưa có khoá nào.", "No keys yet."),
        "nav_loyalty" => ("Tích điểm & hạng", "Points & tiers"),
        "nav_rewards" => ("Quà tặng", "Rewards"),
        "nav_liability" => ("Nghĩa vụ điểm", "Points liability"),
        "nav_staff" => ("Kiểm tra voucher", "Voucher check"),
        "saved" => ("Đã lưu.", "Saved."),
        "save" => ("Lưu", "Save"),
        "edit" => ("Sửa", "Edit"),
        "tier_measure" => ("Cách xét hạng", "How tiers are measured"),
        "tier_metric" => ("Xét theo", "Measured in"),
        "metric_points" => ("Điểm tích được", "Points earned"),
        "metric_vnd" => ("Số tiền chi tiêu (VND)", "VND spent"),
        "tier_window" => ("Trong số tháng gần nhất", "Over the last months"),
        "tiers" => ("Hạng thành viên", "Tiers"),
        "threshold" => ("Ngưỡng", "Threshold"),
        "multiplier" => ("Hệ số", "Multiplier"),
        "multiplier_pct" => ("Hệ số (%)", "Multiplier (%)"),
        "benefits" => ("Quyền lợi", "Benefits"),
        "add_tier" => ("Thêm hạng", "Add tier"),
        "earning_rules" => ("Quy tắc tích điểm", "Earning rules"),
        "trigger" => ("Khi", "When"),
        "pays" => ("Điểm", "Pays"),
        "window" => ("Thời gian áp dụng", "Window"),
        "pending_expiry_days" => ("Chờ / hết hạn (ngày)", "Pending / expiry (days)"),
        "caps" => ("Giới hạn ngày / mỗi người", "Cap per day / per member"),
        "active" => ("Hiệu lực", "Active"),
        "rule_kind" => ("Loại", "Kind"),
        "kind_fixed" => ("Điểm cố định", "Fixed points"),
        "kind_per_vnd" => ("Điểm theo số tiền", "Points per VND"),
        "kind_multiplier" => ("Nhân điểm (chiến dịch)", "Campaign multiplier"),
        "rule_points" => ("Số điểm", "Points"),
        "per_vnd" => ("Cho mỗi (VND)", "Per (VND)"),
        "rounding" => ("Làm tròn", "Rounding"),
        "round_floor" => ("Xuống", "Down"),
        "round_nearest" => ("Gần nhất", "Nearest"),
        "round_ceil" => ("Lên", "Up"),
        "starts" => ("Từ ngày", "From"),
        "ends" => ("Đến ngày", "Until"),
        "pending_days" => ("Số ngày chờ", "Days pending"),
        "expiry_days" => (
            "Hết hạn sau (ngày, để trống: không)",
            "Expires after (days, empty: never)",
        ),
        "daily_cap" => ("Tối đa mỗi ngày", "Most per day"),
        "member_cap" => ("Tối đa mỗi người", "Most per member"),
        "add_rule" => ("Thêm quy tắc", "Add rule"),
        "trigger_order_paid" => ("Thanh toán đơn hàng", "Order paid"),
        "trigger_offline_purchase" => ("Mua tại cửa hàng", "In-store purchase"),
        "trigger_checked_in" => ("Ghé cửa hàng", "Store check-in"),
        "trigger_survey_completed" => ("Hoàn thành khảo sát", "Survey completed"),
        "trigger_followed_oa" => ("Quan tâm OA", "Followed the OA"),
        "trigger_phone_shared" => ("Chia sẻ số điện thoại", "Phone shared"),
        "trigger_first_sign_in" => ("Đăng nhập lần đầu", "First sign-in"),
        "trigger_birthday" => ("Sinh nhật", "Birthday"),
        "trigger_all" => ("Mọi hoạt động", "Everything"),
        "no_rewards_admin" => (
            "Chưa có quà nào. Thêm quà đầu tiên bên dưới.",
            "No rewards yet. Add the first one below.",
        ),
        "reward_kind" => ("Loại quà", "Kind"),
        "kind_discount" => ("Voucher giảm giá", "Discount voucher"),
        "kind_free_item" => ("Sản phẩm miễn phí", "Free item"),
        "kind_gift" => ("Quà tặng tại cửa hàng", "Physical gift"),
        "points_cost" => ("Điểm đổi", "Points cost"),
        "issued" => ("Đã phát", "Issued"),
        "add_reward" => ("Thêm quà", "Add a reward"),
        "edit_reward" => ("Sửa quà", "Edit the reward"),
        "description" => ("Mô tả", "Description"),
        "discount_vnd" => ("Giảm (VND)", "Off (VND)"),
        "discount_pct" => ("Giảm (%)", "Off (%)"),
        "stock_empty_unlimited" => ("Tồn kho (để trống: không giới hạn)", "Stock (empty: unlimited)"),
        "per_member_limit" => ("Tối đa mỗi người", "Most per member"),
        "voucher_days" => ("Voucher dùng trong (ngày)", "Voucher valid for (days)"),
        "min_tier" => ("Dành cho hạng", "For tier"),
        "all_members" => ("Mọi thành viên", "All members"),
        "image_url" => ("Ảnh (https://…)", "Image (https://…)"),
        "shown_in_catalog" => ("Hiển thị cho thành viên", "Shown to members"),
        "outstanding_points" => ("Điểm đang lưu hành", "Outstanding points"),
        "pending_points_admin" => ("Điểm đang chờ", "Pending points"),
        "members_with_points" => ("Thành viên có điểm", "Members holding points"),
        "open_vouchers" => ("Voucher chưa dùng", "Unused vouchers"),
        "expiring_by_month" => ("Điểm hết hạn theo tháng", "Points expiring by month"),
        "nothing_expires" => ("Không có điểm nào sẽ hết hạn.", "No points are set to expire."),
        "never_expires" => ("Không hết hạn", "Never expire"),
        "staff_lead" => (
            "Nhập hoặc quét mã voucher hay mã quà trò chơi khách đưa, kiểm tra quà và khách, rồi xác nhận.",
            "Type or scan the customer's voucher or game gift code, check the reward and the member, then confirm.",
        ),
        "check_voucher" => ("Kiểm tra", "Check"),
        "gift_handed_over" => ("Đã ghi nhận trao quà.", "The gift is now marked handed over."),
        "gift_to_hand_over" => ("Quà trò chơi, chưa nhận", "Game prize, not collected yet"),
        "gift_already_handed_over" => ("Đã trao quà", "Already handed over"),
        "won_in" => ("Trúng thưởng trong", "Won in"),
        "hand_over" => ("Xác nhận đã trao quà", "Mark as handed over"),
        "holder" => ("Khách hàng", "Member"),
        "mark_used" => ("Xác nhận đã dùng", "Mark as used"),
        "voucher_marked_used" => ("Đã ghi nhận voucher được sử dụng.", "The voucher is now marked used."),
        "points_heading" => ("Điểm thưởng", "Points"),
        "adjust_points" => ("Điểm cộng (+) hoặc trừ (−)", "Points to add (+) or remove (−)"),
        "reason" => ("Lý do (bắt buộc)", "Reason (required)"),
        "reverse" => ("Hoàn tác", "Reverse"),
        _ => return None,
    })
}

/// No surface: only the shared text.
#[cfg(not(any(feature = "customer", feature = "admin")))]
fn surface_text(_key: &str) -> Option<(&'static str, &'static str)> {
    None
}

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

/// The language switch button.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <button class="lang" type="button" on:click=move |_| i18n.toggle()>
            {move || i18n.t("lang_switch")}
        </button>
    }
}
