//! Delivering a message going out. [`SHARDS`] jobs per message claim its recipients a hundred at a time (a
//! lease on each row, `SKIP LOCKED` on PostgreSQL), and for each person, outside any transaction but the
//! short ones around the provider call:
//!
//! 1. tries the message's channels in the brand's priority, each only with the person's marketing consent for
//!    it and an address there (an OA follower id, a verified phone, an SMS account);
//! 2. before the call, takes the person's places in the day's and the week's caps (and the OA's monthly
//!    promotions) and marks the row in flight on that channel, in one transaction, so a full cap skips the
//!    person with the reason and two processes never both pass it;
//! 3. calls the provider; taken is sent (with the provider's id and the cost); not reachable there, or the OA's
//!    token refused, gives the places back and tries the next channel; out for a moment waits with backoff;
//!    refused for good stops with the provider's words.
//!
//! A worker killed between the mark and the answer leaves the row in flight; when its lease runs out another
//! worker takes it: an SMS is sent again with the same `RequestId` (eSMS refuses a `RequestId` twice, `124`, so
//! the person never gets two), while an OA or ZNS message, whose APIs take no such key, is recorded as
//! interrupted rather than risk a second one: at most once where the provider cannot make it exactly once.
//! Quiet hours hold the whole message until they end.

use std::sync::Arc;

use app::api::{Channel, ChannelSettings, MessageContent, SkipReason};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;

use super::{
    caps::{self, Counter},
    channels::{self, Address, Outcome, Providers, Recipient},
    settings,
};
use crate::{
    clock::Clock,
    crypto::Sealer,
    db::{Db, Dialect},
    error::Result,
    events::{self, Campaign, NewEvent},
    gateways::Gateways,
    jobs::{self, NewJob, Registry},
    messaging::oa_tokens,
    privacy::consent::has_granted,
    superapp::SuperApps,
};

/// Delivers a message's recipients.
pub const DELIVER: &str = "messaging.deliver";
/// Delivery jobs per message, each working through the same queue.
pub const SHARDS: u32 = 2;
/// Recipients claimed at a time.
const BATCH: i64 = 100;
/// Recipients of a batch handled at once.
const CONCURRENCY: usize = 16;
/// Transient failures retried before the person is failed.
const MAX_ATTEMPTS: i64 = 5;

/// What delivery needs besides the store.
#[derive(Debug, Clone)]
pub struct Senders {
    /// Zalo's APIs (OA, ZNS).
    pub superapps: SuperApps,
    /// The SMS gateway.
    pub gateways: Gateways,
    /// Opens the OA tokens and the SMS account.
    pub sealer: Sealer,
    /// The server's public address, for the tracked links.
    pub public_url: String,
    /// How long a claimed recipient is a worker's (`CHAM_SEND_LEASE_SECS`, two minutes by default): longer than
    /// four channels' calls at their timeout.
    pub lease_ms: i64,
}

/// The delivery job `shard` of a message, due at `at`.
pub fn job(brand_id: &str, message_id: &str, shard: u32, at: i64) -> NewJob {
    NewJob::new(
        DELIVER,
        format!("{message_id}:{shard}:{at}"),
        json!({ "message_id": message_id, "shard": shard }),
        at,
    )
    .for_brand(brand_id)
    .attempts(10)
}

#[derive(Deserialize)]
struct Payload {
    message_id: String,
    shard: u32,
}

/// Registers [`DELIVER`].
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock, senders: Senders) {
    let (d, c, s) = (db.clone(), clock.clone(), Arc::new(senders));
    registry.handle(DELIVER, move |job| {
        let (db, clock, senders) = (d.clone(), c.clone(), s.clone());
        async move {
            let Payload { message_id, shard } = job.payload()?;
            run(&db, &clock, &senders, &message_id, shard).await?;
            Ok(())
        }
    });
}

struct Message {
    id: String,
    brand_id: String,
    content: MessageContent,
    settings: ChannelSettings,
}

#[derive(sqlx::FromRow)]
struct Claimed {
    profile_id: String,
    token: String,
    tried: String,
    attempts: i64,
    channel: Option<String>,
}

async fn claim(db: &Db, message_id: &str, now: i64, lease_ms: i64) -> Result<Vec<Claimed>> {
    let lock = match db.dialect() {
        Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let sql = format!(
        "UPDATE message_sends SET status = 'sending', lease_until = $1, attempts = attempts + 1, updated_at = $2 \
         WHERE message_id = $3 AND profile_id IN (SELECT profile_id FROM message_sends WHERE message_id = $3 \
         AND ((status = 'queued' AND due_at <= $2) OR (status = 'sending' AND lease_until < $2)) \
         ORDER BY due_at LIMIT $4{lock}) \
         RETURNING profile_id, token, tried, CAST(attempts AS BIGINT) AS attempts, channel"
    );
    let mid = message_id.to_owned();
    db.transact(move |conn| {
        Box::pin(async move {
            Ok(sqlx::query_as(&sql)
                .bind(now.saturating_add(lease_ms))
                .bind(now)
                .bind(&mid)
                .bind(BATCH)
                .fetch_all(&mut *conn)
                .await?)
        })
    })
    .await
}

async fn run(db: &Db, clock: &Clock, senders: &Senders, message_id: &str, shard: u32) -> Result<()> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT brand_id, content, status FROM campaign_messages WHERE id = $1")
            .bind(message_id)
            .fetch_optional(db.read())
            .await?;
    let Some((brand_id, content, status)) = row else {
        return Ok(());
    };
    // A journey's message is never finished: its recipients come one at a time.
    if status != "sending" && status != "journey" {
        return Ok(());
    }
    let message = Arc::new(Message {
        id: message_id.to_owned(),
        content: serde_json::from_str(&content).map_err(anyhow::Error::from)?,
        settings: settings::load(db, &brand_id).await?,
        brand_id,
    });
    let quiet_from = caps::parse_hhmm(&message.settings.quiet_from).unwrap_or(0);
    let quiet_until = caps::parse_hhmm(&message.settings.quiet_until).unwrap_or(0);
    loop {
        let now = clock.now_ms();
        let allowed = caps::next_allowed(now, quiet_from, quiet_until);
        if allowed > now {
            let next = job(&message.brand_id, &message.id, shard, allowed);
            jobs::enqueue_now(db, next, now).await?;
            return Ok(());
        }
        if !still_sending(db, &message.id).await? {
            return Ok(());
        }
        let claimed = claim(db, &message.id, now, senders.lease_ms).await?;
        if claimed.is_empty() {
            break;
        }
        // The brand's accounts, read and opened once for the batch rather than once a person.
        let accounts = &Accounts::load(db, senders, &message.brand_id, now).await?;
        let results: Vec<Result<()>> = futures::stream::iter(claimed)
            .map(|row| {
                let message = message.clone();
                async move { one(db, clock, senders, accounts, &message, row).await }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for r in results {
            r?;
        }
    }
    finish(db, clock, &message, shard, senders.lease_ms).await
}

async fn still_sending(db: &Db, message_id: &str) -> Result<bool> {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM campaign_messages WHERE id = $1")
        .bind(message_id)
        .fetch_one(db.read())
        .await?;
    Ok(status == "sending" || status == "journey")
}

/// After the queue ran dry for now: the message is sent, or this shard comes back when the next recipient is
/// due (a retry's backoff, or another worker's lease running out).
async fn finish(db: &Db, clock: &Clock, message: &Message, shard: u32, lease_ms: i64) -> Result<()> {
    let now = clock.now_ms();
    let (open, next_due, next_lease): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(CASE WHEN status = 'queued' THEN due_at END), \
         MIN(CASE WHEN status = 'sending' THEN lease_until END) \
         FROM message_sends WHERE message_id = $1 AND status IN ('queued', 'sending')",
    )
    .bind(&message.id)
    .fetch_one(db.read())
    .await?;
    if open == 0 {
        sqlx::query(
            "UPDATE campaign_messages SET status = 'sent', finished_at = $1, updated_at = $1 \
             WHERE id = $2 AND status = 'sending'",
        )
        .bind(now)
        .bind(&message.id)
        .execute(db.write())
        .await?;
        return Ok(());
    }
    let at = match (next_due, next_lease) {
        (Some(a), Some(b)) => a.min(b.saturating_add(1)),
        (Some(a), None) => a,
        (None, Some(b)) => b.saturating_add(1),
        (None, None) => now.saturating_add(lease_ms),
    }
    .max(now.saturating_add(1000));
    jobs::enqueue_now(db, job(&message.brand_id, &message.id, shard, at), now).await?;
    Ok(())
}

/// Where a person can be reached, and what they agreed to.
struct Contacts {
    live: bool,
    name: String,
    points: i64,
    follower: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    consents: Vec<Channel>,
}

async fn contacts(db: &Db, profile_id: &str) -> Result<Contacts> {
    let mut conn = db.read().acquire().await?;
    let profile: Option<(Option<String>, Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT display_name, merged_into, erased_at FROM profiles WHERE id = $1")
            .bind(profile_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((name, merged, erased)) = profile else {
        return Ok(Contacts {
            live: false,
            name: String::new(),
            points: 0,
            follower: None,
            phone: None,
            email: None,
            consents: Vec::new(),
        });
    };
    let follower: Option<(String,)> = sqlx::query_as(
        "SELECT follower_id FROM oa_followers WHERE profile_id = $1 AND following = 1 \
         ORDER BY updated_at DESC LIMIT 1",
    )
    .bind(profile_id)
    .fetch_optional(&mut *conn)
    .await?;
    let phone: Option<(String,)> = sqlx::query_as(
        "SELECT value FROM identities WHERE profile_id = $1 AND kind = 'phone' AND verified = 1 \
         ORDER BY last_seen_at DESC LIMIT 1",
    )
    .bind(profile_id)
    .fetch_optional(&mut *conn)
    .await?;
    // An address the person gave (verified first), as imports and sign-ups recorded it.
    let email: Option<(String,)> = sqlx::query_as(
        "SELECT value FROM identities WHERE profile_id = $1 AND kind = 'email' \
         ORDER BY verified DESC, last_seen_at DESC LIMIT 1",
    )
    .bind(profile_id)
    .fetch_optional(&mut *conn)
    .await?;
    let points: Option<(i64,)> = sqlx::query_as("SELECT balance FROM points_accounts WHERE profile_id = $1")
        .bind(profile_id)
        .fetch_optional(&mut *conn)
        .await?;
    let mut consents = Vec::new();
    for channel in Channel::ALL {
        if has_granted(&mut conn, profile_id, channel.consent_purpose()).await? {
            consents.push(channel);
        }
    }
    Ok(Contacts {
        live: merged.is_none() && erased.is_none(),
        name: name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "bạn".into()),
        points: points.map_or(0, |(p,)| p),
        follower: follower.map(|(f,)| f),
        phone: phone.map(|(p,)| p),
        email: email.map(|(e,)| e),
        consents,
    })
}

/// How a recipient's turn ends.
struct End<'a> {
    status: &'static str,
    channel: Option<Channel>,
    reason: Option<String>,
    provider_id: Option<String>,
    cost: i64,
    tried: &'a [Channel],
}

fn tried_text(tried: &[Channel]) -> String {
    tried.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
}

async fn end(db: &Db, message: &Message, row: &Claimed, e: End<'_>, now: i64) -> Result<()> {
    let (mid, brand, profile) = (message.id.clone(), message.brand_id.clone(), row.profile_id.clone());
    let tried = tried_text(e.tried);
    let (status, channel, reason, provider_id, cost) = (
        e.status,
        e.channel.map(|c| c.as_str().to_owned()),
        e.reason,
        e.provider_id,
        e.cost,
    );
    db.transact(move |conn| {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE message_sends SET status = $1, channel = $2, reason = $3, provider_id = $4, cost_vnd = $5, \
                 sent_at = CASE WHEN $1 = 'sent' THEN $6 ELSE NULL END, tried = $7, lease_until = NULL, \
                 updated_at = $6 WHERE message_id = $8 AND profile_id = $9 AND status = 'sending'",
            )
            .bind(status)
            .bind(&channel)
            .bind(&reason)
            .bind(&provider_id)
            .bind(cost)
            .bind(now)
            .bind(&tried)
            .bind(&mid)
            .bind(&profile)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if done == 1 && status == "sent" {
                let properties = json!({ "message_id": mid, "channel": channel });
                events::append(
                    conn,
                    &brand,
                    &NewEvent {
                        profile_id: &profile,
                        event_type: "message_sent",
                        occurred_at: now,
                        source: "server",
                        properties: &properties,
                        campaign: &Campaign::default(),
                        idempotency_key: Some(&format!("message_sent:{mid}:{profile}")),
                    },
                )
                .await?;
            }
            Ok(())
        })
    })
    .await
}

/// Puts the recipient back in the queue after a transient failure.
async fn later(db: &Db, message: &Message, row: &Claimed, tried: &[Channel], now: i64) -> Result<()> {
    let backoff = 30_000i64.saturating_mul(1i64 << row.attempts.clamp(1, 7).saturating_sub(1));
    sqlx::query(
        "UPDATE message_sends SET status = 'queued', channel = NULL, lease_until = NULL, due_at = $1, tried = $2, \
         updated_at = $3 WHERE message_id = $4 AND profile_id = $5 AND status = 'sending'",
    )
    .bind(now.saturating_add(backoff.min(3_600_000)))
    .bind(tried_text(tried))
    .bind(now)
    .bind(&message.id)
    .bind(&row.profile_id)
    .execute(db.write())
    .await?;
    Ok(())
}

/// Which cap stopped a reservation.
enum Reserved {
    Yes(Vec<Counter>),
    Full(SkipReason),
    ChannelFull,
    Gone,
}

async fn reserve(db: &Db, message: &Message, profile_id: &str, channel: Channel, now: i64) -> Result<Reserved> {
    let s = &message.settings;
    let mut counters = vec![Counter::day(now, s.per_day), Counter::week(now, s.per_week)];
    if channel == Channel::ZaloOa {
        // Zalo's limits on promotions to one follower: a day's and a month's; past either, the next channel.
        counters.push(Counter::channel_day(channel.as_str(), now, s.oa_per_follower_day));
        counters.push(Counter::month(channel.as_str(), now, s.oa_per_follower_month));
    }
    let (mid, brand, profile) = (message.id.clone(), message.brand_id.clone(), profile_id.to_owned());
    db.transact(move |conn| {
        Box::pin(async move {
            for (i, counter) in counters.iter().enumerate() {
                if !caps::reserve(conn, &brand, &profile, counter).await? {
                    for taken in &counters[..i] {
                        caps::release(conn, &profile, taken).await?;
                    }
                    return Ok(match i {
                        0 => Reserved::Full(SkipReason::DailyCap),
                        1 => Reserved::Full(SkipReason::WeeklyCap),
                        _ => Reserved::ChannelFull,
                    });
                }
            }
            let marked = sqlx::query(
                "UPDATE message_sends SET channel = $1, updated_at = $2 WHERE message_id = $3 AND profile_id = $4 \
                 AND status = 'sending'",
            )
            .bind(channel.as_str())
            .bind(now)
            .bind(&mid)
            .bind(&profile)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if marked == 0 {
                for taken in &counters {
                    caps::release(conn, &profile, taken).await?;
                }
                return Ok(Reserved::Gone);
            }
            Ok(Reserved::Yes(counters))
        })
    })
    .await
}

async fn give_back(db: &Db, message: &Message, profile_id: &str, counters: Vec<Counter>) -> Result<()> {
    let (mid, profile) = (message.id.clone(), profile_id.to_owned());
    db.transact(move |conn| {
        Box::pin(async move {
            for c in &counters {
                caps::release(conn, &profile, c).await?;
            }
            sqlx::query("UPDATE message_sends SET channel = NULL WHERE message_id = $1 AND profile_id = $2")
                .bind(&mid)
                .bind(&profile)
                .execute(&mut *conn)
                .await?;
            Ok(())
        })
    })
    .await
}

fn cost_of(settings: &ChannelSettings, channel: Channel) -> i64 {
    match channel {
        Channel::Zns => settings.zns_cost_vnd,
        Channel::Sms => settings.sms_cost_vnd,
        Channel::ZaloOa | Channel::Email => 0,
    }
}

/// The brand's sending accounts, opened: its OA access token (none while paused or expired), its eSMS account and
/// its SMTP server.
struct Accounts {
    oa_token: Option<secrecy::SecretString>,
    sms: Option<crate::gateways::esms::EsmsAccount>,
    email: Option<crate::gateways::smtp::EmailAccount>,
}

impl Accounts {
    async fn load(db: &Db, senders: &Senders, brand_id: &str, now: i64) -> Result<Self> {
        Ok(Self {
            oa_token: oa_tokens::access_token(db, &senders.sealer, brand_id, now).await?,
            sms: settings::sms_account(db, &senders.sealer, brand_id).await?,
            email: settings::email_account(db, &senders.sealer, brand_id).await?,
        })
    }
}

/// One recipient's turn.
async fn one(
    db: &Db,
    clock: &Clock,
    senders: &Senders,
    accounts: &Accounts,
    message: &Message,
    row: Claimed,
) -> Result<()> {
    let now = clock.now_ms();
    let mut tried: Vec<Channel> = row.tried.split(',').filter_map(Channel::parse).collect();
    let person = contacts(db, &row.profile_id).await?;
    let skip = |reason: SkipReason| End {
        status: "skipped",
        channel: None,
        reason: Some(reason.as_str().to_owned()),
        provider_id: None,
        cost: 0,
        tried: &[],
    };
    if !person.live {
        return end(db, message, &row, skip(SkipReason::Erased), now).await;
    }
    let (oa_token, sms_account, email_account) = (&accounts.oa_token, &accounts.sms, &accounts.email);
    let link = format!("{}/r/{}", senders.public_url, row.token);
    let to = Recipient {
        name: &person.name,
        points: person.points,
        link: &link,
        key: &row.token,
    };
    let providers = Providers {
        superapps: &senders.superapps,
        gateways: &senders.gateways,
    };
    let in_flight = row.channel.as_deref().and_then(Channel::parse);
    let (mut consented, mut reachable) = (false, false);
    let mut order = settings::order(&message.settings, &message.content.channels());
    if let Some(channel) = in_flight {
        // The channel a stopped worker was calling goes first, so the person cannot get it and another.
        order.retain(|c| *c != channel);
        order.insert(0, channel);
    }
    for channel in order {
        if tried.contains(&channel) && in_flight != Some(channel) {
            continue;
        }
        if !person.consents.contains(&channel) {
            continue;
        }
        consented = true;
        let address = match channel {
            Channel::ZaloOa => person
                .follower
                .as_deref()
                .zip(oa_token.as_ref())
                .map(|(f, t)| Address::Oa(f, t)),
            Channel::Zns => person
                .phone
                .as_deref()
                .zip(oa_token.as_ref())
                .map(|(p, t)| Address::Zns(p, t)),
            Channel::Sms => person
                .phone
                .as_deref()
                .zip(sms_account.as_ref())
                .map(|(p, a)| Address::Sms(p, a)),
            Channel::Email => person
                .email
                .as_deref()
                .zip(email_account.as_ref())
                .map(|(e, a)| Address::Email(e, a)),
        };
        let Some(address) = address else {
            continue;
        };
        reachable = true;
        let counters = if in_flight == Some(channel) {
            // A worker stopped mid-call on this channel: its places were taken then.
            if channel != Channel::Sms {
                let e = End {
                    status: "failed",
                    channel: Some(channel),
                    reason: Some("interrupted".into()),
                    provider_id: None,
                    cost: 0,
                    tried: &tried,
                };
                return end(db, message, &row, e, now).await;
            }
            Vec::new()
        } else {
            match reserve(db, message, &row.profile_id, channel, now).await? {
                Reserved::Yes(counters) => counters,
                Reserved::Full(reason) => return end(db, message, &row, skip(reason), now).await,
                Reserved::ChannelFull => {
                    tried.push(channel);
                    continue;
                }
                Reserved::Gone => return Ok(()),
            }
        };
        match channels::send(&providers, &message.content, channel, &address, &to).await {
            Outcome::Sent(provider_id) => {
                let e = End {
                    status: "sent",
                    channel: Some(channel),
                    reason: None,
                    provider_id,
                    cost: cost_of(&message.settings, channel),
                    tried: &tried,
                };
                return end(db, message, &row, e, now).await;
            }
            Outcome::Unreachable(_) => {
                give_back(db, message, &row.profile_id, counters).await?;
                tried.push(channel);
            }
            Outcome::TokenRefused(words) => {
                oa_tokens::pause(db, &message.brand_id, &words, now).await?;
                give_back(db, message, &row.profile_id, counters).await?;
                tried.push(channel);
            }
            Outcome::Transient(words) => {
                give_back(db, message, &row.profile_id, counters).await?;
                if row.attempts >= MAX_ATTEMPTS {
                    let e = End {
                        status: "failed",
                        channel: Some(channel),
                        reason: Some(words),
                        provider_id: None,
                        cost: 0,
                        tried: &tried,
                    };
                    return end(db, message, &row, e, now).await;
                }
                return later(db, message, &row, &tried, now).await;
            }
            Outcome::Refused(words) => {
                give_back(db, message, &row.profile_id, counters).await?;
                tried.push(channel);
                let e = End {
                    status: "failed",
                    channel: Some(channel),
                    reason: Some(words),
                    provider_id: None,
                    cost: 0,
                    tried: &tried,
                };
                return end(db, message, &row, e, now).await;
            }
        }
    }
    let reason = match (consented, reachable) {
        (false, _) => SkipReason::NoConsent,
        (true, false) => SkipReason::NoChannel,
        (true, true) => SkipReason::ChannelsExhausted,
    };
    let e = End {
        tried: &tried,
        ..skip(reason)
    };
    end(db, message, &row, e, now).await
}
