//! Every error code the API answers with (and the two the app itself raises), as one enum shared by the server,
//! which can only answer with a code listed here, and the app, which has Vietnamese and English text for each:
//! the compiler refuses a code without text.

use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($($variant:ident = $code:literal : $vi:literal, $en:literal;)*) => {
        /// A stable error code, as `{"error":{"code":…}}` carries it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $(
                #[doc = $en]
                $variant,
            )*
            /// A code this build does not know (a newer server's).
            #[serde(other)]
            Unknown,
        }

        impl ErrorCode {
            /// Every code, `Unknown` aside.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as it crosses the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                    ErrorCode::Unknown => "unknown",
                }
            }

            /// The code a wire string names (`Unknown` for one this build does not know).
            pub fn parse(code: &str) -> ErrorCode {
                match code {
                    $($code => ErrorCode::$variant,)*
                    _ => ErrorCode::Unknown,
                }
            }

            /// What a person reads for it: Vietnamese, then English.
            pub fn text(self) -> (&'static str, &'static str) {
                match self {
                    $(ErrorCode::$variant => ($vi, $en),)*
                    ErrorCode::Unknown => (
                        "Đã có lỗi xảy ra. Vui lòng thử lại.",
                        "Something went wrong. Please try again.",
                    ),
                }
            }
        }
    };
}

impl ErrorCode {
    /// Whether the app raised it itself (its message is then a browser's, not the server's).
    pub fn is_raised_by_the_app(self) -> bool {
        matches!(
            self,
            ErrorCode::Network | ErrorCode::Http | ErrorCode::Host | ErrorCode::Simulator | ErrorCode::Download
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

error_codes! {
    // Raised by the app itself.
    Network = "network": "Không kết nối được máy chủ. Kiểm tra mạng và thử lại.", "Cannot reach the server. Check the connection and try again.";
    Http = "http": "Máy chủ trả lời bất thường. Vui lòng thử lại.", "The server gave an unexpected answer. Please try again.";
    Host = "host": "Zalo/MoMo chưa cho phép đăng nhập. Hãy thử lại và bấm Cho phép.", "Zalo/MoMo did not allow the sign-in. Try again and tap Allow.";
    Simulator = "simulator": "Trình giả lập không tạo được người dùng. Kiểm tra họ tên và số điện thoại.", "The simulator could not create the user. Check the name and phone number.";
    Download = "download": "Trình duyệt không tải được tệp. Vui lòng thử lại.", "The browser could not download the file. Please try again.";
    // Requests and their shape.
    InternalError = "internal_error": "Đã có lỗi ở phía chúng tôi. Vui lòng thử lại sau ít phút.", "Something went wrong on our side. Please try again in a few minutes.";
    UnknownEndpoint = "unknown_endpoint": "Địa chỉ này không có trong API.", "There is no such API endpoint.";
    MethodNotAllowed = "method_not_allowed": "Địa chỉ này không nhận yêu cầu kiểu này.", "This address does not take this kind of request.";
    UnsupportedMediaType = "unsupported_media_type": "Yêu cầu phải gửi dạng JSON.", "The request must be sent as JSON.";
    MalformedJson = "malformed_json": "Dữ liệu gửi lên không đọc được.", "The data sent cannot be read.";
    InvalidBody = "invalid_body": "Dữ liệu gửi lên thiếu hoặc sai trường.", "The data sent has a missing or wrong field.";
    BodyTooLarge = "body_too_large": "Dữ liệu gửi lên quá lớn.", "The data sent is too large.";
    InvalidCharacters = "invalid_characters": "Nội dung có ký tự không hợp lệ.", "The text holds a character that is not allowed.";
    InvalidQuery = "invalid_query": "Tham số của yêu cầu không hợp lệ.", "A parameter of the request is not valid.";
    InvalidPath = "invalid_path": "Địa chỉ yêu cầu không hợp lệ.", "The request's address is not valid.";
    InvalidCursor = "invalid_cursor": "Không mở được trang này. Hãy tải lại danh sách.", "This page cannot be opened. Reload the list.";
    InvalidLimit = "invalid_limit": "Số dòng mỗi trang không hợp lệ.", "The number of rows per page is not valid.";
    InvalidStatus = "invalid_status": "Trạng thái lọc không hợp lệ.", "This status filter is not valid.";
    InvalidIdempotencyKey = "invalid_idempotency_key": "Yêu cầu thiếu mã chống trùng. Vui lòng thử lại.", "The request lacks its repeat-protection key. Please try again.";
    ConcurrentUpdate = "concurrent_update": "Dữ liệu vừa thay đổi. Vui lòng thử lại.", "The data just changed. Please try again.";
    // Sign-in and sessions.
    MissingToken = "missing_token": "Bạn cần đăng nhập để tiếp tục.", "Sign in to continue.";
    InvalidToken = "invalid_token": "Phiên đăng nhập không còn hợp lệ. Hãy đăng nhập lại.", "This session is no longer valid. Sign in again.";
    SessionEnded = "session_ended": "Phiên đăng nhập đã kết thúc. Hãy đăng nhập lại.", "This session has ended. Sign in again.";
    TokenExpired = "token_expired": "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.", "This session has expired. Sign in again.";
    MissingAccessToken = "missing_access_token": "Thiếu mã đăng nhập từ Zalo/MoMo. Hãy mở lại ứng dụng.", "The sign-in code from Zalo/MoMo is missing. Open the app again.";
    InvalidRefreshToken = "invalid_refresh_token": "Phiên đăng nhập không còn hợp lệ. Hãy đăng nhập lại.", "This session is no longer valid. Sign in again.";
    RefreshTokenExpired = "refresh_token_expired": "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.", "This session has expired. Sign in again.";
    RefreshTokenReused = "refresh_token_reused": "Phiên đăng nhập đã bị dùng ở nơi khác nên đã đóng. Hãy đăng nhập lại.", "This session was used elsewhere and has been closed. Sign in again.";
    TooManyAttempts = "too_many_attempts": "Bạn đã thử đăng nhập sai quá nhiều lần. Vui lòng đợi ít phút rồi thử lại.", "Too many failed sign-ins. Wait a few minutes and try again.";
    InvalidCredentials = "invalid_credentials": "Email hoặc mật khẩu không đúng.", "The e-mail or password is not right.";
    AccountDisabled = "account_disabled": "Tài khoản này đã bị khoá.", "This account is disabled.";
    WrongBrand = "wrong_brand": "Phiên đăng nhập này thuộc nhãn hàng khác.", "This session belongs to another brand.";
    CustomersOnly = "customers_only": "Chỉ khách hàng đã đăng nhập mới làm được việc này.", "Only a signed-in customer can do this.";
    StaffOnly = "staff_only": "Chỉ nhân viên của nhãn hàng mới làm được việc này.", "Only the brand's staff can do this.";
    AdminsOnly = "admins_only": "Chỉ quản trị viên mới làm được việc này.", "Only a brand admin can do this.";
    NoApp = "no_app": "Ứng dụng này không dùng được cho nhãn hàng này.", "This app cannot be used for this brand.";
    // Super-apps.
    InvalidSuperappToken = "invalid_superapp_token": "Zalo/MoMo không xác nhận phiên đăng nhập này. Hãy mở lại ứng dụng.", "Zalo/MoMo did not confirm this sign-in. Open the app again.";
    PhoneTokenUsedOrExpired = "phone_token_used_or_expired": "Mã chia sẻ số điện thoại đã hết hạn. Hãy thử đăng nhập lại.", "The phone-sharing code expired. Try signing in again.";
    SuperappGeoBlocked = "superapp_geo_blocked": "Zalo từ chối kết nối từ máy chủ ngoài Việt Nam. Vui lòng báo cho nhãn hàng.", "Zalo refused a server outside Vietnam. Please tell the brand.";
    SuperappCredentialsRejected = "superapp_credentials_rejected": "Zalo/MoMo không chấp nhận thông tin kết nối của nhãn hàng. Vui lòng báo cho nhãn hàng.", "Zalo/MoMo rejected the brand's credentials. Please tell the brand.";
    SuperappBadPhone = "superapp_bad_phone": "Số điện thoại Zalo/MoMo gửi về không dùng được.", "The phone number Zalo/MoMo sent cannot be used.";
    SuperappUnavailable = "superapp_unavailable": "Zalo/MoMo đang không phản hồi. Thử lại sau ít phút.", "Zalo/MoMo is not answering. Try again in a few minutes.";
    ProviderNotConfigured = "provider_not_configured": "Nhãn hàng chưa bật đăng nhập bằng ứng dụng này.", "The brand has not enabled sign-in with this app.";
    // Brands, users and keys.
    UnknownBrand = "unknown_brand": "Không tìm thấy nhãn hàng này.", "This brand does not exist.";
    BrandExists = "brand_exists": "Đã có nhãn hàng dùng tên ngắn này.", "A brand already uses this short name.";
    InvalidBrandName = "invalid_brand_name": "Tên nhãn hàng không hợp lệ.", "This brand name is not valid.";
    UserExists = "user_exists": "Email này đã có tài khoản.", "This e-mail already has an account.";
    UnknownUser = "unknown_user": "Không tìm thấy tài khoản này.", "This account does not exist.";
    OwnerFixed = "owner_fixed": "Không đổi được tài khoản chủ nhãn hàng hoặc của chính bạn ở đây.", "The owner's account, and your own, cannot be changed here.";
    // Stores.
    InvalidStore = "invalid_store": "Thông tin cửa hàng chưa hợp lệ. Kiểm tra tên, địa chỉ và vị trí.", "The store is not valid. Check its name, address and location.";
    StoreExists = "store_exists": "Đã có cửa hàng tên này.", "A store already has this name.";
    UnknownStore = "unknown_store": "Không tìm thấy cửa hàng này.", "This store does not exist.";
    StoreRequired = "store_required": "Hãy chọn cửa hàng bạn đang làm việc.", "Choose the store you are working at.";
    MemberCodeInvalid = "member_code_invalid": "Mã thành viên không hợp lệ. Nhờ khách mở lại mã.", "This is not a valid member code. Ask the member to open it again.";
    MemberCodeExpired = "member_code_expired": "Mã thành viên đã hết hạn. Màn hình của khách đã có mã mới.", "This member code has expired. The member's screen shows a fresh one.";
    MemberCodeUsed = "member_code_used": "Mã này đã được dùng để ghi nhận lượt ghé. Nhờ khách mở mã mới.", "This code has already recorded a visit. Ask the member for the fresh one.";
    AlreadyVisitedToday = "already_visited_today": "Hôm nay đã ghi nhận lượt ghé của khách tại cửa hàng này.", "This member's visit to this store is already recorded today.";
    InvalidReceipt = "invalid_receipt": "Mã hoá đơn chỉ gồm chữ, số, gạch ngang, gạch dưới và dấu gạch chéo (tối đa 64 ký tự).", "A receipt code has letters, digits, dashes, underscores and slashes only (up to 64).";
    ReceiptUsed = "receipt_used": "Hoá đơn này đã được ghi nhận.", "This receipt has already been recorded.";
    StoreCodeInvalid = "store_code_invalid": "Đây không phải mã QR cửa hàng của thương hiệu này.", "This is not a store QR code of this brand.";
    StoreCodeRevoked = "store_code_revoked": "Mã QR này đã được thay. Hãy quét mã đang dán tại cửa hàng.", "This QR poster has been replaced. Scan the one on display in the store.";
    AlreadyCheckedIn = "already_checked_in": "Hôm nay bạn đã ghé cửa hàng này rồi. Hẹn gặp lại ngày mai!", "You have already checked in at this store today. See you tomorrow!";
    UnknownCheckIn = "unknown_check_in": "Không tìm thấy lượt ghé này.", "There is no such check-in.";
    CheckInDecided = "check_in_decided": "Lượt ghé này đã được xét rồi.", "This check-in has already been decided.";
    UnknownClaim = "unknown_claim": "Không tìm thấy yêu cầu tích điểm này.", "There is no such purchase claim.";
    ClaimDecided = "claim_decided": "Yêu cầu này đã được xử lý rồi.", "This claim has already been settled.";
    ReceiptClaimed = "receipt_claimed": "Hoá đơn này đang chờ xác nhận.", "This receipt is already waiting to be confirmed.";
    InvalidDay = "invalid_day": "Ngày không hợp lệ (dạng năm-tháng-ngày, không ở tương lai).", "This day is not valid (year-month-day, not in the future).";
    InvalidReceiptFile = "invalid_receipt_file": "Tệp hoá đơn cần các cột mã hoá đơn và số tiền.", "The receipts file needs a receipt code column and an amount column.";
    InvalidLocation = "invalid_location": "Vị trí không hợp lệ.", "This location is not valid.";
    TooManyClaims = "too_many_claims": "Bạn đang có nhiều yêu cầu tích điểm chờ xác nhận. Hãy chờ cửa hàng xác nhận trước.", "You have many purchase claims waiting. Wait for the store to confirm them first.";
    InvalidCampaign = "invalid_campaign": "Thông tin chiến dịch chưa hợp lệ.", "This campaign is not valid.";
    CampaignExists = "campaign_exists": "Đã có chiến dịch với mã này.", "A campaign already has this code.";
    UnknownCampaign = "unknown_campaign": "Không tìm thấy chiến dịch này.", "There is no such campaign.";
    InvalidLink = "invalid_link": "Thông tin liên kết chưa hợp lệ.", "This link is not valid.";
    UnknownLink = "unknown_link": "Liên kết này không tồn tại hoặc đã hết hạn.", "This link does not exist or has expired.";
    UnknownClick = "unknown_click": "Không tìm thấy lượt bấm này.", "There is no such click.";
    InvalidProductBatch = "invalid_product_batch": "Thông tin lô mã sản phẩm chưa hợp lệ.", "This batch of product codes is not valid.";
    UnknownProductBatch = "unknown_product_batch": "Không tìm thấy lô mã này.", "There is no such batch of product codes.";
    ProductCodeInvalid = "product_code_invalid": "Đây không phải mã sản phẩm của thương hiệu này.", "This is not a product code of this brand.";
    ProductCodeRevoked = "product_code_revoked": "Mã sản phẩm này không còn được tích điểm.", "This product code no longer earns points.";
    ProductCodeUsed = "product_code_used": "Mã sản phẩm này đã được quét rồi.", "This product code has already been scanned.";
    InvalidProduct = "invalid_product": "Thông tin sản phẩm chưa hợp lệ.", "This product is not valid.";
    InvalidCategory = "invalid_category": "Thông tin danh mục chưa hợp lệ.", "This category is not valid.";
    UnknownCategory = "unknown_category": "Không tìm thấy danh mục này.", "There is no such category.";
    UnknownProduct = "unknown_product": "Món này không còn trong thực đơn.", "This item is no longer on the menu.";
    ProductSoldOut = "product_sold_out": "Món này đã hết tại cửa hàng bạn chọn.", "This item is sold out at the store you chose.";
    InvalidOrder = "invalid_order": "Đơn hàng chưa hợp lệ.", "This order is not valid.";
    InvalidChoice = "invalid_choice": "Lựa chọn cho món này chưa hợp lệ.", "The options chosen for this item are not valid.";
    UnknownOrder = "unknown_order": "Không tìm thấy đơn hàng này.", "There is no such order.";
    PaymentNotConfigured = "payment_not_configured": "Nhãn hàng chưa bật thanh toán qua ứng dụng này.", "The brand has not enabled payments through this app.";
    PaymentRefused = "payment_refused": "Cổng thanh toán từ chối tạo giao dịch. Vui lòng thử lại sau.", "The payment service refused to start the payment. Try again later.";
    InvalidOaToken = "invalid_oa_token": "Mã làm mới không hợp lệ: dán nguyên mã, không có khoảng trắng.", "This refresh token is not valid: paste the whole token, no spaces.";
    OaTokenRefused = "oa_token_refused": "Zalo không chấp nhận mã làm mới này. Hãy lấy mã mới trong trang cấp quyền Zalo OA.", "Zalo refused this refresh token. Get a new one from the Zalo OA authorisation page.";
    OaNotConfigured = "oa_not_configured": "Nhãn hàng chưa khai báo Zalo App và Zalo OA.", "The brand has no Zalo app and OA set up.";
    OaNotConnected = "oa_not_connected": "Zalo OA của nhãn hàng chưa được kết nối.", "The brand's Zalo OA is not connected.";
    InvalidOaReply = "invalid_oa_reply": "Tin trả lời cần từ 1 đến 2.000 ký tự.", "A reply is 1 to 2,000 characters.";
    NotAnOaFollower = "not_an_oa_follower": "Khách chưa quan tâm hoặc nhắn tin cho Zalo OA của nhãn hàng.", "This person has not followed or written to the brand's Zalo OA.";
    OaReplyWindowClosed = "oa_reply_window_closed": "Chỉ trả lời được trong 48 giờ sau khi khách nhắn OA.", "A reply is allowed only within 48 hours after the person last wrote to the OA.";
    OaReplyQuotaUsed = "oa_reply_quota_used": "Đã dùng hết 8 lượt trả lời; hãy chờ khách nhắn lại.", "The eight replies are used; wait for the person to write again.";
    InvalidSegment = "invalid_segment": "Nhóm khách hàng chưa hợp lệ. Kiểm tra các điều kiện.", "This segment is not valid. Check its conditions.";
    UnknownSegment = "unknown_segment": "Không tìm thấy nhóm khách hàng này.", "There is no such segment.";
    TooManySegments = "too_many_segments": "Mỗi nhãn hàng có tối đa 200 nhóm; hãy lưu trữ bớt một nhóm.", "A brand keeps at most 200 segments; archive one first.";
    SegmentInUse = "segment_in_use": "Một tin nhắn đã lên lịch gửi cho nhóm này; hãy huỷ tin đó trước.", "A scheduled message goes to this segment; cancel it first.";
    InvalidMessage = "invalid_message": "Tin nhắn chưa hợp lệ. Kiểm tra nội dung từng kênh.", "This message is not valid. Check each channel's content.";
    UnknownMessage = "unknown_message": "Không tìm thấy tin nhắn này.", "There is no such message.";
    MessageNotDraft = "message_not_draft": "Tin nhắn đã được gửi hoặc lên lịch nên không sửa được nữa.", "This message is scheduled or sent and can no longer change.";
    InvalidChannelSettings = "invalid_channel_settings": "Cài đặt kênh chưa hợp lệ.", "These channel settings are not valid.";
    ChannelNotConnected = "channel_not_connected": "Kênh này chưa được kết nối: hãy nhập tài khoản của kênh trước.", "This channel is not connected: set up its account first.";
    InvalidTestAddress = "invalid_test_address": "Nhập một địa chỉ e-mail (hoặc số điện thoại cho SMS) hợp lệ.", "Enter a valid e-mail address (or a phone number for SMS).";
    UnknownMessageLink = "unknown_message_link": "Liên kết này không tồn tại hoặc đã hết hạn.", "This link does not exist or has expired.";
    OaMessageRefused = "oa_message_refused": "Zalo không nhận tin này, tin chưa đến khách.", "Zalo did not take this message; it was not sent.";
    InvalidSignature = "invalid_signature": "Chữ ký của thông báo không hợp lệ.", "The message's signature is not valid.";
    InvalidPaymentNotice = "invalid_payment_notice": "Thông báo thanh toán không khớp với đơn hàng.", "The payment notice does not match the order.";
    InvalidRefund = "invalid_refund": "Yêu cầu hoàn tiền chưa hợp lệ.", "This refund is not valid.";
    NotRefundable = "not_refundable": "Đơn hàng này chưa thanh toán hoặc đã hoàn hết tiền.", "This order is not paid, or was refunded in full already.";
    RefundTooLarge = "refund_too_large": "Số tiền hoàn lớn hơn số tiền còn lại của đơn.", "The refund is more than what is left of the order.";
    RefundRefused = "refund_refused": "Cổng thanh toán từ chối hoàn tiền. Không có gì thay đổi.", "The payment service refused the refund. Nothing changed.";
    OrderNotPaid = "order_not_paid": "Đơn hàng này chưa được thanh toán.", "This order is not paid.";
    OrderNotCancellable = "order_not_cancellable": "Chỉ huỷ được đơn đang chờ thanh toán.", "Only an order awaiting payment can be cancelled.";
    OrderPickedUp = "order_picked_up": "Khách đã nhận đơn này rồi.", "This order was picked up already.";
    VoucherNotForOrders = "voucher_not_for_orders": "Voucher này chỉ dùng tại quầy, không trừ vào đơn đặt trước.", "This voucher is used at the counter; it takes nothing off an order.";
    PointsNotAccepted = "points_not_accepted": "Nhãn hàng chưa nhận thanh toán bằng điểm.", "The brand does not take points as payment.";
    TooManyPoints = "too_many_points": "Số điểm dùng vượt quá mức cho phép của đơn này.", "That is more points than this order can take.";
    StoreNotYours = "store_not_yours": "Bạn không làm việc tại cửa hàng này.", "You do not work at this store.";
    WeakPassword = "weak_password": "Mật khẩu quá ngắn hoặc quá dễ đoán.", "This password is too short or too easy to guess.";
    MissingApiKey = "missing_api_key": "Thiếu khoá API.", "The API key is missing.";
    InvalidApiKey = "invalid_api_key": "Khoá API không đúng hoặc đã bị thu hồi.", "This API key is wrong or was revoked.";
    UnknownApiKey = "unknown_api_key": "Không tìm thấy khoá API này.", "This API key does not exist.";
    // People and their data.
    InvalidPhone = "invalid_phone": "Số điện thoại không hợp lệ.", "This phone number is not valid.";
    InvalidEmail = "invalid_email": "Email không hợp lệ.", "This e-mail address is not valid.";
    InvalidName = "invalid_name": "Tên không hợp lệ.", "This name is not valid.";
    InvalidBirthday = "invalid_birthday": "Ngày sinh không hợp lệ.", "This birthday is not valid.";
    InvalidExternalId = "invalid_external_id": "Mã khách hàng không hợp lệ.", "This customer id is not valid.";
    InvalidAnonymousId = "invalid_anonymous_id": "Mã thiết bị không hợp lệ.", "This device id is not valid.";
    MissingIdentifier = "missing_identifier": "Cần ít nhất một thông tin nhận diện khách hàng.", "At least one way to identify the customer is needed.";
    MissingUser = "missing_user": "Thiếu thông tin khách hàng.", "The customer is missing.";
    UnknownMember = "unknown_member": "Không tìm thấy thành viên này.", "This member does not exist.";
    UnknownProfile = "unknown_profile": "Không tìm thấy khách hàng này, hoặc dữ liệu đã bị xoá.", "This customer does not exist, or their data was erased.";
    InvalidAttributeKey = "invalid_attribute_key": "Tên thuộc tính không hợp lệ.", "This attribute name is not valid.";
    InvalidAttributeValue = "invalid_attribute_value": "Giá trị thuộc tính không hợp lệ.", "This attribute value is not valid.";
    ValueTooLong = "value_too_long": "Nội dung quá dài.", "This text is too long.";
    InvalidPeriod = "invalid_period": "Khoảng thời gian phải từ 7 đến 365 ngày.", "A period is 7 to 365 days.";
    InvalidColumnMap = "invalid_column_map": "Cách ghép cột không hợp lệ.", "This column mapping is not valid.";
    TooManyFields = "too_many_fields": "Dòng có nhiều cột hơn tiêu đề.", "The row has more fields than the header.";
    UnbalancedQuote = "unbalanced_quote": "Dòng có dấu ngoặc kép chưa đóng.", "The row has a quote that is never closed.";
    InvalidUtf8 = "invalid_utf8": "Dòng không phải văn bản UTF-8.", "The row is not UTF-8 text.";
    UnknownPurpose = "unknown_purpose": "Mục đích đồng ý này không tồn tại.", "There is no such consent purpose.";
    InvalidWordingVersion = "invalid_wording_version": "Phiên bản nội dung đồng ý không hợp lệ.", "This consent wording version is not valid.";
    // Events.
    EmptyBatch = "empty_batch": "Hãy gửi ít nhất một sự kiện.", "Send at least one event.";
    BatchTooLarge = "batch_too_large": "Mỗi lần gửi tối đa 500 sự kiện.", "A batch holds at most 500 events.";
    InvalidEventType = "invalid_event_type": "Loại sự kiện không hợp lệ.", "This event type is not valid.";
    ReservedEventType = "reserved_event_type": "Loại sự kiện này chỉ hệ thống được ghi.", "Only the system may record this event type.";
    InvalidOccurredAt = "invalid_occurred_at": "Thời điểm của sự kiện không hợp lệ.", "The event's time is not valid.";
    OccurredInFuture = "occurred_in_future": "Thời điểm của sự kiện nằm ở tương lai.", "The event's time is in the future.";
    InvalidSource = "invalid_source": "Nguồn của sự kiện không hợp lệ.", "The event's source is not valid.";
    PropertiesNotObject = "properties_not_object": "Thuộc tính của sự kiện phải là một đối tượng JSON.", "The event's properties must be a JSON object.";
    PropertiesTooLarge = "properties_too_large": "Thuộc tính của sự kiện quá lớn.", "The event's properties are too large.";
    FieldTooLong = "field_too_long": "Một trường của sự kiện quá dài.", "A field of the event is too long.";
    NoAnalyticsConsent = "no_analytics_consent": "Sự kiện này chỉ được ghi khi bạn đồng ý cho phân tích cách dùng ứng dụng.", "This event is recorded only with consent to analytics of app use.";
    InvalidTime = "invalid_time": "Thời gian không hợp lệ.", "This time is not valid.";
    // Imports.
    EmptyFile = "empty_file": "Tệp trống.", "The file is empty.";
    FileTooLarge = "file_too_large": "Tệp quá lớn (tối đa 1 GiB).", "The file is too large (1 GiB at most).";
    InvalidCsv = "invalid_csv": "Không đọc được dòng tiêu đề của tệp CSV.", "The CSV file's header row cannot be read.";
    MissingIdentifierColumn = "missing_identifier_column": "Tệp cần một cột số điện thoại, email hoặc mã khách hàng.", "The file needs a phone, e-mail or customer id column.";
    TooManyColumns = "too_many_columns": "Tệp có quá nhiều cột (tối đa 100).", "The file has too many columns (100 at most).";
    TooManyAttributeKeys = "too_many_attribute_keys": "Nhãn hàng đã có quá nhiều loại thuộc tính (tối đa 200). Hãy dùng lại thuộc tính có sẵn.", "The brand has too many kinds of attribute (200 at most). Reuse an existing one.";
    UploadInterrupted = "upload_interrupted": "Tải tệp lên bị gián đoạn. Hãy thử lại.", "The upload was interrupted. Try again.";
    UnknownImport = "unknown_import": "Không tìm thấy lần nhập này.", "This import does not exist.";
    // Loyalty.
    InvalidPoints = "invalid_points": "Số điểm không hợp lệ.", "This number of points is not valid.";
    InvalidAmount = "invalid_amount": "Số tiền không hợp lệ (tối đa 1.000 tỷ đồng).", "This amount is not valid (at most 1,000 billion VND).";
    InsufficientPoints = "insufficient_points": "Bạn chưa đủ điểm để đổi quà này.", "You do not have enough points for this.";
    ReasonRequired = "reason_required": "Hãy ghi lý do (tối đa 300 ký tự).", "Give a reason (at most 300 characters).";
    UnknownEntry = "unknown_entry": "Không tìm thấy giao dịch điểm này.", "This points entry does not exist.";
    NotReversible = "not_reversible": "Giao dịch điểm này không thể hoàn lại.", "This points entry cannot be reversed.";
    AlreadyReversed = "already_reversed": "Giao dịch điểm này đã được hoàn lại.", "This points entry was already reversed.";
    InvalidSettings = "invalid_settings": "Cài đặt tích điểm không hợp lệ.", "These loyalty settings are not valid.";
    InvalidRule = "invalid_rule": "Quy tắc tích điểm không hợp lệ.", "This earning rule is not valid.";
    UnknownRule = "unknown_rule": "Không tìm thấy quy tắc này.", "This rule does not exist.";
    InvalidTier = "invalid_tier": "Hạng thành viên không hợp lệ.", "This tier is not valid.";
    TierExists = "tier_exists": "Đã có hạng thành viên với tên hoặc mức điểm này.", "A tier with this name or threshold exists.";
    UnknownTier = "unknown_tier": "Không tìm thấy hạng thành viên này.", "This tier does not exist.";
    TierRequired = "tier_required": "Quà này dành cho thành viên hạng cao hơn.", "This reward is for a higher tier.";
    InvalidReward = "invalid_reward": "Quà tặng không hợp lệ.", "This reward is not valid.";
    UnknownReward = "unknown_reward": "Không tìm thấy quà này.", "This reward does not exist.";
    RewardUnavailable = "reward_unavailable": "Quà này hiện không thể đổi.", "This reward cannot be redeemed now.";
    OutOfStock = "out_of_stock": "Quà này đã hết.", "This reward is out of stock.";
    LimitReached = "limit_reached": "Bạn đã đổi quà này tối đa số lần cho phép.", "You already hold the most of this reward allowed.";
    UnknownVoucher = "unknown_voucher": "Không có voucher nào với mã này. Kiểm tra lại mã.", "No voucher has this code. Check it and try again.";
    VoucherExpired = "voucher_expired": "Voucher đã hết hạn.", "This voucher has expired.";
    VoucherCancelled = "voucher_cancelled": "Voucher đã bị huỷ.", "This voucher was cancelled.";
    VoucherUsed = "voucher_used": "Voucher này đã được sử dụng.", "This voucher was already used.";
    // Games.
    InvalidGame = "invalid_game": "Trò chơi chưa hợp lệ. Kiểm tra giải thưởng, tỉ lệ và ngân sách.", "This game is not valid. Check its prizes, chances and budgets.";
    UnknownGame = "unknown_game": "Không tìm thấy trò chơi này.", "This game does not exist.";
    GameClosed = "game_closed": "Trò chơi này đã kết thúc hoặc chưa bắt đầu.", "This game is over or has not started.";
    NoPlaysLeft = "no_plays_left": "Bạn đã hết lượt chơi hôm nay. Quay lại vào ngày mai nhé!", "You have no plays left today. Come back tomorrow!";
    TooManyPlays = "too_many_plays": "Bạn chơi nhanh quá! Chờ một chút rồi thử lại.", "Too fast! Wait a moment and try again.";
    UnknownGift = "unknown_gift": "Không có quà nào với mã này. Kiểm tra lại mã.", "No gift has this code. Check it and try again.";
    GiftClaimed = "gift_claimed": "Quà này đã được trao rồi.", "This gift was already handed over.";
    // Surveys.
    InvalidSurvey = "invalid_survey": "Khảo sát chưa hợp lệ. Kiểm tra các câu hỏi.", "This survey is not valid. Check its questions.";
    UnknownSurvey = "unknown_survey": "Không tìm thấy khảo sát này.", "This survey does not exist.";
    SurveyClosed = "survey_closed": "Khảo sát này đã đóng.", "This survey is closed.";
    SurveyHasResponses = "survey_has_responses": "Khảo sát đã có người trả lời nên không sửa được câu hỏi.", "This survey has responses, so its questions cannot change.";
    NotInAudience = "not_in_audience": "Khảo sát này dành cho hạng thành viên khác.", "This survey is for members of other tiers.";
    AlreadyAnswered = "already_answered": "Bạn đã trả lời khảo sát này rồi. Cảm ơn bạn!", "You have already answered this survey. Thank you!";
    InvalidAnswer = "invalid_answer": "Câu trả lời chưa hợp lệ.", "This answer is not valid.";
    AnswerRequired = "answer_required": "Câu hỏi này cần câu trả lời.", "This question needs an answer.";
    ConsentRequired = "consent_required": "Hãy đánh dấu đồng ý để chúng tôi lưu thông tin liên hệ này.", "Tick the consent box so we may keep this contact.";
    // The brand's website.
    OriginNotAllowed = "origin_not_allowed": "Trang web này chưa được nhãn hàng cho phép gửi dữ liệu.", "This website is not one the brand allows to send data.";
    InvalidOrigin = "invalid_origin": "Địa chỉ trang web phải có dạng https://ten-mien.vn (không có đường dẫn).", "A website is written like https://www.example.vn (no path).";
    UnknownForm = "unknown_form": "Không tìm thấy biểu mẫu này.", "This form does not exist.";
    InvalidForm = "invalid_form": "Biểu mẫu chưa hợp lệ; hãy sửa ô được đánh dấu.", "The form is not valid yet; fix the marked field.";
    FormClosed = "form_closed": "Biểu mẫu này không còn nhận thông tin. Hãy tải lại trang.", "This form no longer takes answers. Reload the page.";
    FieldRequired = "field_required": "Hãy điền ô này.", "Fill in this field.";
    TooManySubmissions = "too_many_submissions": "Bạn đã gửi nhiều lần quá. Hãy thử lại sau ít phút.", "You have sent this too many times. Try again in a few minutes.";
    SubmittedTooFast = "submitted_too_fast": "Gửi nhanh quá. Hãy đợi một giây rồi gửi lại.", "That was too fast. Wait a second and send again.";
    UnknownJourney = "unknown_journey": "Không tìm thấy hành trình này.", "This journey does not exist.";
    InvalidJourney = "invalid_journey": "Hành trình chưa hợp lệ; hãy sửa bước được đánh dấu.", "The journey is not valid yet; fix the marked step.";
    InvalidLeadScoring = "invalid_lead_scoring": "Cách tính điểm tiềm năng chưa hợp lệ; hãy sửa dòng được đánh dấu.", "The lead scoring is not valid yet; fix the marked line.";
    // Operations.
    UnknownJob = "unknown_job": "Không tìm thấy công việc này.", "This job does not exist.";
    JobNotFailed = "job_not_failed": "Chỉ chạy lại được công việc đã thất bại.", "Only a failed job can be retried.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_wire_name_and_text_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for &code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert_eq!(ErrorCode::parse(code.as_str()), code);
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
            let (vi, en) = code.text();
            assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{code}");
            assert!(!vi.contains('_') && !en.contains('_'), "{code}: a raw code in its text");
        }
        assert_eq!(
            serde_json::from_str::<ErrorCode>("\"from_a_newer_server\"").unwrap(),
            ErrorCode::Unknown
        );
    }
}
