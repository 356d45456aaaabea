//! Names that cross the wire and that people read: the built-in event types (one list, with who may send each),
//! identity kinds, consent purposes and sources, each with its Vietnamese and English label, so no screen ever
//! shows `session_started` or `marketing_zalo`.

macro_rules! event_types {
    ($($variant:ident = $name:literal, $who:ident, $activity:literal : $vi:literal, $en:literal;)*) => {
        /// A built-in event type. Brands' own types (`custom`) are any other name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType {
            $(
                #[doc = $en]
                $variant,
            )*
        }

        impl EventType {
            /// Every built-in type.
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),*];

            /// The type as it crosses the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$variant => $name,)*
                }
            }

            /// The built-in type a name is, if it is one.
            pub fn parse(name: &str) -> Option<EventType> {
                match name {
                    $($name => Some(EventType::$variant),)*
                    _ => None,
                }
            }

            /// Who may record it.
            pub fn sender(self) -> Sent {
                match self {
                    $(EventType::$variant => Sent::$who,)*
                }
            }

            /// Whether it is something the person did (not the brand's bookkeeping): it counts as activity.
            pub fn is_activity(self) -> bool {
                match self {
                    $(EventType::$variant => $activity,)*
                }
            }

            /// Whether recording it needs the person's analytics consent: it only measures how the app is used.
            pub fn needs_analytics_consent(self) -> bool {
                matches!(
                    self,
                    EventType::AppOpened | EventType::ScreenViewed | EventType::PageViewed | EventType::PageLeft
                )
            }

            /// What a person reads for it: Vietnamese, then English.
            pub fn label(self) -> (&'static str, &'static str) {
                match self {
                    $(EventType::$variant => ($vi, $en),)*
                }
            }
        }
    };
}

/// Who may record a built-in event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Only the server's own features.
    Server,
    /// The mini app about itself, or the server.
    MiniApp,
    /// A brand's server (POS, website) with an API key, or the server.
    Integration,
}

event_types! {
    SessionStarted = "session_started", Server, true: "Đăng nhập", "Signed in";
    AppOpened = "app_opened", MiniApp, true: "Mở ứng dụng", "Opened the app";
    ScreenViewed = "screen_viewed", MiniApp, true: "Xem màn hình", "Viewed a screen";
    PhoneShared = "phone_shared", Integration, true: "Chia sẻ số điện thoại", "Shared their phone";
    FollowedOa = "followed_oa", Integration, true: "Quan tâm Zalo OA", "Followed the Zalo OA";
    UnfollowedOa = "unfollowed_oa", Integration, true: "Bỏ quan tâm Zalo OA", "Unfollowed the Zalo OA";
    MessagedOa = "messaged_oa", Server, true: "Nhắn tin cho Zalo OA", "Messaged the Zalo OA";
    ConsentChanged = "consent_changed", Server, false: "Thay đổi đồng ý", "Changed a consent";
    ProfileMerged = "profile_merged", Server, false: "Gộp hồ sơ", "Profiles merged";
    OrderPlaced = "order_placed", Server, true: "Đặt hàng", "Placed an order";
    OrderPaid = "order_paid", Server, true: "Thanh toán đơn hàng", "Paid an order";
    OrderFailed = "order_failed", Server, true: "Thanh toán đơn không thành công", "An order's payment failed";
    OrderCancelled = "order_cancelled", Server, true: "Huỷ đơn hàng", "Cancelled an order";
    OrderReady = "order_ready", Server, false: "Đơn đã sẵn sàng", "Order ready";
    OrderPickedUp = "order_picked_up", Server, true: "Nhận đơn tại cửa hàng", "Picked up an order";
    OrderRefunded = "order_refunded", Server, false: "Hoàn tiền đơn hàng", "Order refunded";
    OfflinePurchase = "offline_purchase", Integration, true: "Mua tại cửa hàng", "Bought in a store";
    CheckedIn = "checked_in", Integration, true: "Ghé cửa hàng", "Checked in at a store";
    LinkClicked = "link_clicked", Server, true: "Bấm liên kết chiến dịch", "Clicked a campaign link";
    Birthday = "birthday", Server, false: "Sinh nhật", "Birthday";
    PointsEarned = "points_earned", Server, false: "Được cộng điểm", "Earned points";
    PointsRedeemed = "points_redeemed", Server, true: "Đổi điểm", "Redeemed points";
    PointsExpired = "points_expired", Server, false: "Điểm hết hạn", "Points expired";
    PointsAdjusted = "points_adjusted", Server, false: "Điều chỉnh điểm", "Points adjusted";
    PointsReversed = "points_reversed", Server, false: "Hoàn điểm", "Points reversed";
    TierChanged = "tier_changed", Server, false: "Đổi hạng thành viên", "Tier changed";
    VoucherIssued = "voucher_issued", Server, false: "Nhận voucher", "Received a voucher";
    VoucherUsed = "voucher_used", Server, true: "Dùng voucher", "Used a voucher";
    GamePlayed = "game_played", Server, true: "Chơi trò chơi", "Played a game";
    PrizeWon = "prize_won", Server, true: "Trúng giải", "Won a prize";
    GiftClaimed = "gift_claimed", Server, true: "Nhận quà tại cửa hàng", "Collected a gift in store";
    SurveyCompleted = "survey_completed", Server, true: "Hoàn thành khảo sát", "Answered a survey";
    SegmentEntered = "segment_entered", Server, false: "Vào nhóm khách hàng", "Entered a segment";
    SegmentExited = "segment_exited", Server, false: "Rời nhóm khách hàng", "Left a segment";
    MessageSent = "message_sent", Server, false: "Được gửi tin nhắn", "Was sent a message";
    MessageRead = "message_read", Server, true: "Đọc tin nhắn", "Read a message";
    MessageClicked = "message_clicked", Server, true: "Bấm vào tin nhắn", "Clicked a message";
    PageViewed = "page_viewed", MiniApp, true: "Xem trang web", "Viewed a web page";
    PageLeft = "page_left", MiniApp, false: "Rời trang web", "Left a web page";
    FormSubmitted = "form_submitted", Server, true: "Gửi biểu mẫu trên web", "Sent a web form";
    JourneyEntered = "journey_entered", Server, false: "Vào hành trình", "Entered a journey";
    JourneyCompleted = "journey_completed", Server, false: "Đi hết hành trình", "Finished a journey";
    JourneyExited = "journey_exited", Server, false: "Rời hành trình", "Left a journey";
}

/// A label pair for a name, or the name itself (twice) when it is a brand's own.
fn or_raw(label: Option<(&'static str, &'static str)>, raw: &str) -> (String, String) {
    match label {
        Some((vi, en)) => (vi.to_owned(), en.to_owned()),
        None => (raw.to_owned(), raw.to_owned()),
    }
}

/// What a person reads for an event type: the built-in label, or a brand's own type as the brand named it.
pub fn event_type_label(name: &str) -> (String, String) {
    or_raw(EventType::parse(name).map(EventType::label), name)
}

/// What a person reads for a ledger entry's kind (`earn`, `redeem`, `expire`, `adjust`, `reverse`).
pub fn points_kind_label(kind: &str) -> (String, String) {
    let label = match kind {
        "earn" => Some(("Tích điểm", "Earned")),
        "redeem" => Some(("Đổi quà", "Redeemed")),
        "expire" => Some(("Hết hạn", "Expired")),
        "adjust" => Some(("Điều chỉnh", "Adjusted")),
        "reverse" => Some(("Hoàn lại", "Reversed")),
        _ => None,
    };
    or_raw(label, kind)
}

/// What a person reads for an identity kind.
pub fn identity_kind_label(kind: &str) -> (String, String) {
    let label = match kind {
        "phone" => Some(("Số điện thoại", "Phone")),
        "email" => Some(("Email", "E-mail")),
        "zalo_id" => Some(("Tài khoản Zalo", "Zalo account")),
        "zalo_oa_follower_id" => Some(("Người quan tâm Zalo OA", "Zalo OA follower")),
        "momo_id" => Some(("Tài khoản MoMo", "MoMo account")),
        "external_id" => Some(("Mã khách hàng của nhãn hàng", "Brand's customer id")),
        "anonymous_id" => Some(("Thiết bị chưa đăng nhập", "Device before sign-in")),
        _ => None,
    };
    or_raw(label, kind)
}

/// What a person reads for a consent purpose.
pub fn consent_purpose_label(purpose: &str) -> (String, String) {
    let label = match purpose {
        "marketing_zalo" => Some(("Tin nhắn ưu đãi qua Zalo OA", "Offers through the Zalo OA")),
        "marketing_zns" => Some(("Thông báo ưu đãi qua ZNS", "Offers through ZNS notifications")),
        "marketing_email" => Some(("Ưu đãi qua email", "Offers by e-mail")),
        "marketing_sms" => Some(("Ưu đãi qua SMS", "Offers by SMS")),
        "analytics" => Some(("Phân tích cách dùng ứng dụng", "Analytics of app use")),
        _ => None,
    };
    or_raw(label, purpose)
}

/// What a person reads for where something came from (an event's or an identity's source).
pub fn source_label(source: &str) -> (String, String) {
    let label = match source {
        "zalo" => Some(("Zalo", "Zalo")),
        "momo" => Some(("MoMo", "MoMo")),
        "web" => Some(("Trang web", "Website")),
        "store" => Some(("Cửa hàng", "Store")),
        "pos" => Some(("Máy bán hàng", "Till")),
        "server" => Some(("Hệ thống", "System")),
        "import" => Some(("Nhập từ tệp", "File import")),
        "survey" => Some(("Khảo sát", "Survey")),
        "journey" => Some(("Hành trình", "Journey")),
        "admin" | "console" => Some(("Quản trị viên", "Admin")),
        "identify" => Some(("Hệ thống của nhãn hàng", "Brand's system")),
        _ => None,
    };
    or_raw(label, source)
}

/// What a person reads for why two profiles were merged.
pub fn merge_reason_label(reason: &str) -> (String, String) {
    let label = match reason {
        "verified_phone" => Some(("Cùng số điện thoại đã xác minh", "Same verified phone")),
        "anonymous_signed_in" => Some(("Khách vãng lai đã đăng nhập", "A visitor signed in")),
        "anonymous_identified" => Some((
            "Hệ thống nhãn hàng nhận diện khách vãng lai",
            "The brand's system identified a visitor",
        )),
        _ => None,
    };
    or_raw(label, reason)
}

/// What a person reads for a channel a customer can be reached on.
pub fn channel_label(channel: &str) -> (String, String) {
    let label = match channel {
        "zalo_oa" => Some(("Zalo OA", "Zalo OA")),
        "zns" => Some(("ZNS", "ZNS")),
        "email" => Some(("Email", "E-mail")),
        "sms" => Some(("SMS", "SMS")),
        _ => None,
    };
    or_raw(label, channel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_event_type_parses_back_and_reads_as_words_in_both_languages() {
        for &t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            let (vi, en) = t.label();
            assert!(!vi.contains('_') && !en.contains('_'), "{t:?}");
        }
        assert_eq!(EventType::parse("loyalty_card_scanned"), None);
        assert_eq!(event_type_label("loyalty_card_scanned").0, "loyalty_card_scanned");
    }

    #[test]
    fn known_kinds_purposes_and_sources_read_as_words() {
        for kind in [
            "phone",
            "email",
            "zalo_id",
            "zalo_oa_follower_id",
            "momo_id",
            "external_id",
            "anonymous_id",
        ] {
            assert!(!identity_kind_label(kind).0.contains('_'), "{kind}");
        }
        for purpose in crate::api::CONSENT_PURPOSES {
            let (vi, en) = consent_purpose_label(purpose);
            assert!(!vi.contains('_') && !en.contains('_'), "{purpose}");
        }
        for source in ["zalo", "momo", "web", "store", "pos", "server", "import", "survey"] {
            assert_ne!(source_label(source).1, source.to_owned() + "?");
        }
    }
}
