//! The demo brand's lucky wheel and taste survey, made through the games and surveys areas' own functions.

use crate::error::Result;

/// A lucky wheel: one free spin a day and one more per store visit; small points are the fallback when the
/// coffee or the tote bag has run out.
pub(super) async fn seed_wheel(
    conn: &mut sqlx::AnyConnection,
    brand_id: &str,
    coffee_reward: &str,
    now: i64,
) -> Result<()> {
    use app::api::{GameInput, GameKind, PrizeInput, PrizeKind};
    let prize = |label: &str, kind, share_bp| PrizeInput {
        label: label.to_owned(),
        kind,
        points: None,
        reward_id: None,
        share_bp,
        budget_total: None,
        budget_daily: None,
    };
    let game = GameInput {
        name: "Vòng quay may mắn".into(),
        kind: GameKind::Wheel,
        plays_per_day: 1,
        extra_play_events: vec!["checked_in".into()],
        prizes: vec![
            PrizeInput {
                points: Some(10),
                ..prize("10 điểm", PrizeKind::Points, 4_000)
            },
            PrizeInput {
                reward_id: Some(coffee_reward.to_owned()),
                budget_daily: Some(20),
                ..prize("Cà phê miễn phí", PrizeKind::Voucher, 500)
            },
            PrizeInput {
                budget_total: Some(20),
                ..prize("Túi vải Chạm", PrizeKind::Gift, 100)
            },
        ],
        fallback_prize: Some(0),
        starts_at: None,
        ends_at: None,
        active: true,
    };
    crate::games::admin::create_game(conn, brand_id, game, now).await?;
    Ok(())
}

/// A taste survey worth 20 points: the favourite drink and the birthday go to the profile (the birthday then
/// pays its points each year), a low rating asks what went wrong, and a phone can be left with consent for ZNS.
pub(super) async fn seed_survey(conn: &mut sqlx::AnyConnection, brand_id: &str, now: i64) -> Result<()> {
    use app::api::{Branch, Question, QuestionKind, SurveyInput};
    let question = |kind, title: &str, required| Question {
        id: String::new(),
        kind,
        title: title.to_owned(),
        required,
        options: Vec::new(),
        attribute: None,
        consent_text: None,
        consent_purpose: None,
        branches: Vec::new(),
    };
    let skip_to_four = |answer: &str| Branch {
        answer: answer.to_owned(),
        to: Some(4),
    };
    let survey = SurveyInput {
        name: "Khẩu vị của bạn".into(),
        intro: Some("Vài câu hỏi, 1 phút: nhận ngay 20 điểm.".into()),
        questions: vec![
            Question {
                options: ["Cà phê sữa đá", "Bạc xỉu", "Trà đào", "Matcha latte"]
                    .map(str::to_owned)
                    .to_vec(),
                attribute: Some("favourite_drink".into()),
                ..question(QuestionKind::SingleChoice, "Bạn thích đồ uống nào nhất?", true)
            },
            Question {
                branches: vec![skip_to_four("4"), skip_to_four("5")],
                ..question(QuestionKind::Rating, "Lần ghé gần nhất của bạn thế nào?", true)
            },
            question(
                QuestionKind::LongText,
                "Chúng tôi có thể làm tốt hơn ở điểm nào?",
                false,
            ),
            question(
                QuestionKind::Nps,
                "Bạn có sẵn lòng giới thiệu chúng tôi cho bạn bè không?",
                true,
            ),
            Question {
                attribute: Some("birthday".into()),
                ..question(QuestionKind::Date, "Sinh nhật của bạn (để nhận quà sinh nhật)", false)
            },
            Question {
                consent_text: Some("Tôi đồng ý để Chạm Coffee lưu số điện thoại này và gửi ưu đãi qua ZNS.".into()),
                consent_purpose: Some("marketing_zns".into()),
                ..question(QuestionKind::Phone, "Số điện thoại nhận ưu đãi", false)
            },
        ],
        points: 20,
        tiers: Vec::new(),
        starts_at: None,
        ends_at: None,
        active: true,
    };
    crate::surveys::admin::create_survey(conn, brand_id, survey, now).await?;
    Ok(())
}
