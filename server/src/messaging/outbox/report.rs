//! A message's send report: where each recipient stands, per channel what was sent, delivered, read, clicked
//! and what it cost, why people were skipped or failed, and who converted within seven days of their message
//! (a visit, a purchase or a redemption).

use app::api::{Channel, ChannelReport, ReasonCount, SendReport};

use crate::{db::Db, error::Result};

/// How long after a message a visit, purchase or redemption counts as its conversion: 7 days.
pub const CONVERSION_MS: i64 = 7 * 24 * 60 * 60 * 1000;

#[derive(sqlx::FromRow)]
struct Totals {
    recipients: i64,
    queued: i64,
    sent: i64,
    skipped: i64,
    failed: i64,
    clicked: i64,
    cost: i64,
}

#[derive(sqlx::FromRow)]
struct PerChannel {
    channel: String,
    sent: i64,
    delivered: i64,
    read: i64,
    clicked: i64,
    cost: i64,
}

/// The report of one message.
pub async fn build(db: &Db, message_id: &str) -> Result<SendReport> {
    let t: Totals = sqlx::query_as(
        "SELECT COUNT(*) AS recipients, \
         COALESCE(SUM(CASE WHEN status IN ('queued', 'sending') THEN 1 ELSE 0 END), 0) AS queued, \
         COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0) AS sent, \
         COALESCE(SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END), 0) AS skipped, \
         COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed, \
         COALESCE(SUM(CASE WHEN clicked_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS clicked, \
         CAST(COALESCE(SUM(cost_vnd), 0) AS BIGINT) AS cost \
         FROM message_sends WHERE message_id = $1",
    )
    .bind(message_id)
    .fetch_one(db.read())
    .await?;
    let per: Vec<PerChannel> = sqlx::query_as(
        "SELECT channel, COUNT(*) AS sent, \
         COALESCE(SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS delivered, \
         COALESCE(SUM(CASE WHEN read_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS read, \
         COALESCE(SUM(CASE WHEN clicked_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS clicked, \
         CAST(COALESCE(SUM(cost_vnd), 0) AS BIGINT) AS cost \
         FROM message_sends WHERE message_id = $1 AND status = 'sent' GROUP BY channel",
    )
    .bind(message_id)
    .fetch_all(db.read())
    .await?;
    let mut channels = Vec::new();
    for channel in Channel::ALL {
        let name = channel.as_str();
        let (failed,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM message_sends WHERE message_id = $1 AND (tried = $2 OR tried LIKE $3 \
             OR tried LIKE $4 OR tried LIKE $5)",
        )
        .bind(message_id)
        .bind(name)
        .bind(format!("{name},%"))
        .bind(format!("%,{name}"))
        .bind(format!("%,{name},%"))
        .fetch_one(db.read())
        .await?;
        let p = per.iter().find(|p| p.channel == name);
        if p.is_none() && failed == 0 {
            continue;
        }
        channels.push(ChannelReport {
            channel: name.to_owned(),
            sent: p.map_or(0, |p| p.sent),
            delivered: p.map_or(0, |p| p.delivered),
            read: p.map_or(0, |p| p.read),
            clicked: p.map_or(0, |p| p.clicked),
            failed,
            cost_vnd: p.map_or(0, |p| p.cost),
        });
    }
    let reasons = |status: &'static str| async move {
        let rows: Vec<(Option<String>, i64)> = sqlx::query_as(
            "SELECT reason, COUNT(*) FROM message_sends WHERE message_id = $1 AND status = $2 \
             GROUP BY reason ORDER BY COUNT(*) DESC LIMIT 10",
        )
        .bind(message_id)
        .bind(status)
        .fetch_all(db.read())
        .await?;
        Ok::<_, crate::error::Error>(
            rows.into_iter()
                .map(|(reason, count)| ReasonCount {
                    reason: reason.unwrap_or_default(),
                    count,
                })
                .collect::<Vec<_>>(),
        )
    };
    let skip_reasons = reasons("skipped").await?;
    let fail_reasons = reasons("failed").await?;
    let (converted,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM message_sends s WHERE s.message_id = $1 AND s.status = 'sent' AND EXISTS \
         (SELECT 1 FROM events e WHERE e.profile_id = s.profile_id \
         AND e.type IN ('checked_in', 'order_paid', 'offline_purchase', 'points_redeemed', 'voucher_used') \
         AND e.occurred_at >= s.sent_at AND e.occurred_at < s.sent_at + $2)",
    )
    .bind(message_id)
    .bind(CONVERSION_MS)
    .fetch_one(db.read())
    .await?;
    Ok(SendReport {
        recipients: t.recipients,
        queued: t.queued,
        sent: t.sent,
        skipped: t.skipped,
        failed: t.failed,
        clicked: t.clicked,
        converted,
        cost_vnd: t.cost,
        channels,
        skip_reasons,
        fail_reasons,
    })
}
